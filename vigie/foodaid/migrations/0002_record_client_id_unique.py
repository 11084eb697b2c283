"""A client_id names one record everywhere, not only within its session (the tablet makes it a
fresh UUID per record). Duplicates across sessions were possible before: none is expected, but
any found keeps its id on the earliest record and the others get a fresh one, so that the
constraint can be added (the replay of such a copy then answers 409, not a second record).
Also an index for the latest record of an enrolment at a session (the one that counts)."""

import uuid

from django.db import migrations, models
from django.db.models import Count


def rekey_duplicates(apps, schema_editor):
    Record = apps.get_model("foodaid", "Record")
    dup = (
        Record.objects.values("client_id")
        .annotate(n=Count("pk"))
        .filter(n__gt=1)
        .values_list("client_id", flat=True)
    )
    for client_id in list(dup):
        for pk in list(
            Record.objects.filter(client_id=client_id).order_by("pk").values_list("pk", flat=True)
        )[1:]:
            Record.objects.filter(pk=pk).update(client_id=uuid.uuid4())


class Migration(migrations.Migration):
    dependencies = [
        ("foodaid", "0001_initial"),
    ]

    operations = [
        migrations.RunPython(rekey_duplicates, migrations.RunPython.noop),
        migrations.RemoveConstraint(
            model_name="record",
            name="foodaid_record_once",
        ),
        migrations.AddIndex(
            model_name="record",
            index=models.Index(
                fields=["session", "enrolment", "taken_at"], name="foodaid_record_latest"
            ),
        ),
        migrations.AddConstraint(
            model_name="record",
            constraint=models.UniqueConstraint(
                fields=("organisation", "client_id"), name="foodaid_record_client_id_unique"
            ),
        ),
    ]
