"""What the module holds on a person: exported, erased, and kept one year at most."""

from datetime import datetime

from django.utils.translation import gettext_lazy

from vigie.privacy.retention import rule
from vigie.privacy.subject import eraser, exporter
from vigie.tests_example.models import Suggestion


@exporter("boite_a_idees")
def export_suggestions(occupant) -> dict:
    return {
        "idees": [
            {"texte": s.text, "le": s.created_at.strftime("%d/%m/%Y")}
            for s in Suggestion.objects.filter(household_id=occupant.household_id)
        ]
    }


@eraser("boite_a_idees")
def erase_suggestions(household) -> int:
    return Suggestion.objects.filter(household=household).exclude(text="").update(text="")


@rule("suggestions", gettext_lazy("idées déposées (1 an)"), days=365)
def purge_suggestions(cutoff: datetime, dry_run: bool) -> int:
    qs = Suggestion.objects.filter(created_at__lt=cutoff)
    return qs.count() if dry_run else qs.delete()[0]
