"""Waves say whether they select on disability (health data), so that the scoping can read it."""

from django.db import migrations, models


def backfill(apps, schema_editor):
    Wave = apps.get_model("campaigns", "Wave")
    for wave in Wave.objects.all().only("id", "cohorts", "filters").iterator():
        if "disability" in (wave.cohorts or []) or "disability" in (wave.filters or {}):
            Wave.objects.filter(pk=wave.pk).update(health_data=True)


class Migration(migrations.Migration):
    dependencies = [
        ("campaigns", "0006_target_status_departed"),
    ]

    operations = [
        migrations.AddField(
            model_name="wave",
            name="health_data",
            field=models.BooleanField(default=False, editable=False),
        ),
        migrations.RunPython(backfill, migrations.RunPython.noop),
    ]
