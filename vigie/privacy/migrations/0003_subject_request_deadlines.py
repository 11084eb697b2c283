"""Data-subject requests carry their receipt and legal deadline (GDPR art. 12(3)); a request
can be recorded when it arrives, before it is answered (outcome empty until then).

Requests recorded before this migration were recorded when answered: they are taken as received
that day, due one month later.
"""

from django.db import migrations, models
from django.utils import timezone


def _received_when_handled(apps, schema_editor):
    from vigie.privacy.deadlines import due_date

    SubjectRequest = apps.get_model("privacy", "SubjectRequest")
    for req in SubjectRequest.objects.all().only("pk", "handled_at"):
        received = timezone.localdate(req.handled_at) if req.handled_at else timezone.localdate()
        SubjectRequest.objects.filter(pk=req.pk).update(
            received_on=received, due_on=due_date(received)
        )


class Migration(migrations.Migration):
    dependencies = [
        ("privacy", "0002_organisation_owned"),
    ]

    operations = [
        migrations.AlterField(
            model_name="subjectrequest",
            name="handled_at",
            field=models.DateTimeField(blank=True, null=True),
        ),
        migrations.AlterField(
            model_name="subjectrequest",
            name="outcome",
            field=models.CharField(
                blank=True,
                choices=[("done", "satisfaite"), ("refused", "refusée")],
                max_length=10,
            ),
        ),
        migrations.AddField(
            model_name="subjectrequest",
            name="received_on",
            field=models.DateField(null=True, verbose_name="reçue le"),
        ),
        migrations.AddField(
            model_name="subjectrequest",
            name="due_on",
            field=models.DateField(null=True, verbose_name="réponse due le"),
        ),
        migrations.AddField(
            model_name="subjectrequest",
            name="extension_months",
            field=models.PositiveSmallIntegerField(default=0),
        ),
        migrations.AddField(
            model_name="subjectrequest",
            name="extension_reason",
            field=models.TextField(blank=True, verbose_name="motif de la prolongation"),
        ),
        migrations.RunPython(_received_when_handled, migrations.RunPython.noop),
        migrations.AlterField(
            model_name="subjectrequest",
            name="received_on",
            field=models.DateField(verbose_name="reçue le"),
        ),
        migrations.AlterField(
            model_name="subjectrequest",
            name="due_on",
            field=models.DateField(verbose_name="réponse due le"),
        ),
        migrations.AlterModelOptions(
            name="subjectrequest",
            options={"ordering": ["-received_on", "-id"]},
        ),
        migrations.AddIndex(
            model_name="subjectrequest",
            index=models.Index(
                fields=["organisation", "outcome", "due_on"],
                name="privacy_sub_organis_284b9c_idx",
            ),
        ),
    ]
