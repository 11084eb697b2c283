"""What the mediation centre gives the privacy module: export, erasure, retention of notes.

The data-subject export is made by the *landlord's* DPO for one of its occupants: it holds what
the landlord itself may know of the cases it referred (status, dates, outcome, the agreement if
shared) — the notes and sessions stay with the centre, which answers its own requests
(loi 95-125 art. 21-3; docs/privacy.md).
"""

from __future__ import annotations

from datetime import datetime

from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy

from vigie.mediation.choices import CaseStatus
from vigie.mediation.models import Case, Note, Party
from vigie.mediation.selectors import landlord_view
from vigie.privacy.access_log_words import describe
from vigie.privacy.retention import rule
from vigie.privacy.subject import eraser, exporter


@exporter("mediation")
def export_mediation(occupant) -> dict:
    household = occupant.household
    cases = Case.objects.filter(
        landlord_id=household.organisation_id, parties__household=household
    ).distinct()
    out = []
    for case in cases.order_by("referred_on", "pk"):
        row = landlord_view(case)
        out.append(
            {
                "numero": row["id"],
                "statut": case.get_status_display(),
                "resultat": case.get_outcome_display() if case.outcome else None,
                "orientee_le": case.referred_on.isoformat(),
                "ouverte_le": case.opened_on.isoformat() if case.opened_on else None,
                "terminee_le": case.closed_on.isoformat() if case.closed_on else None,
                "accord": row["agreement"],
            }
        )
    return {"mediations": out}


@eraser("mediation")
def erase_mediation(household) -> int:
    """The household leaves the parties: its link and any name or contact written for it."""
    return Party.objects.filter(household=household).update(
        household=None, name="", phone="", email=""
    )


@rule("mediation_notes", gettext_lazy("notes des médiations terminées (2 ans)"), days=730)
def purge_notes(cutoff: datetime, dry_run: bool) -> int:
    """Notes of the cases closed or declined before the cut-off (VIGIE_RETENTION_DAYS
    ["mediation_notes"] sets another period)."""
    day = timezone.localtime(cutoff).date()
    closed = Case.objects.filter(
        Q(status=CaseStatus.CLOSED, closed_on__lt=day)
        | Q(status=CaseStatus.DECLINED, answered_on__lt=day)
    )
    notes = Note.objects.filter(case__in=closed)
    if dry_run:
        return notes.count()
    with transaction.atomic():
        count = notes.delete()[0]
        closed.filter(notes_purged_on__isnull=True).update(notes_purged_on=timezone.localdate())
    return count


# --- The DPO's access log in words (privacy/access_log_words.py) ---------------------------


def _case_detail(detail: str) -> str | None:
    from django.utils.translation import gettext as _
    from django.utils.translation import ngettext

    from vigie.mediation.choices import Compartment

    if detail.startswith("notes : "):
        codes = [c for c in detail.removeprefix("notes : ").split(", ") if c in Compartment]
        if not codes:
            return _("aucune note lisible")
        return _("notes lisibles : %(compartments)s") % {
            "compartments": ", ".join(str(Compartment(c).label) for c in codes)
        }
    if detail == "break-glass":
        return _("secret levé : accès exceptionnel à toutes les notes pour 24 heures")
    if detail.startswith("list: ") and detail[6:].isdigit():
        n = int(detail[6:])
        return ngettext(
            "liste des médiations par l'API (%(n)s médiation)",
            "liste des médiations par l'API (%(n)s médiations)",
            n,
        ) % {"n": n}
    return None


def _activity_detail(detail: str) -> str | None:
    from django.utils.translation import gettext as _

    from vigie.core.models import Organisation
    from vigie.privacy.access_log_words import period_words

    if detail == "pdf":
        return _("bilan d'activité du centre (PDF)")
    fmt, _sep, rest = detail.partition(" ")
    if fmt not in ("csv", "xlsx"):
        return None
    who, _sep, period = rest.partition(" | ")[0].partition(" ")
    landlord = Organisation.objects.filter(slug=who).values_list("name", flat=True).first()
    return _("export %(fmt)s : bilan d'activité du centre, %(who)s, %(period)s") % {
        "fmt": fmt.upper(),
        "who": landlord or _("tous les bailleurs"),
        "period": period_words(period),
    }


describe(
    "mediation.case",
    noun=gettext_lazy("médiation n°"),
    name=lambda case: str(case.pk),
    many=gettext_lazy("médiations du centre"),
    details=_case_detail,
)
describe("mediation.activity", many=gettext_lazy("activité du centre"), details=_activity_detail)
