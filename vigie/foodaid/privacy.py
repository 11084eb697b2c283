"""What food aid gives the privacy module (docs/privacy.md, « Aide alimentaire »): a person's
export, erasure, and how long enrolments and check-ins are kept."""

from __future__ import annotations

from datetime import datetime

from django.db.models import Q
from django.utils.translation import gettext_lazy

from vigie.foodaid.choices import DeliveryReason, EnrolmentStatus
from vigie.foodaid.models import Enrolment, Record
from vigie.privacy.access_log_words import describe, period_words
from vigie.privacy.retention import rule
from vigie.privacy.subject import eraser, exporter


@exporter("aide_alimentaire")
def export_foodaid(occupant) -> dict:
    """The household's enrolments and what it received at each distribution."""
    return {
        "inscriptions": [
            {
                "programme": e.programme.name,
                "statut": e.get_status_display(),
                "consentement_le": e.consent_on.isoformat(),
                "mode": e.get_mode_display(),
                "motif_livraison": e.get_delivery_reason_display() if e.delivery_reason else "",
                "handicap_signale_au_livreur": e.share_disability,
                "passages": [
                    {
                        "distribution_le": r.session.date.isoformat(),
                        "resultat": r.get_result_display(),
                        "colis": r.parcels,
                        "quantites": r.quantities,
                    }
                    for r in e.records.select_related("session").order_by("session__date", "id")
                ],
            }
            for e in Enrolment.objects.filter(household_id=occupant.household_id).select_related(
                "programme"
            )
        ]
    }


@eraser("aide_alimentaire")
def erase_foodaid(household) -> int:
    """No identifiable adult left: the enrolments end and lose their delivery reason (health);
    the check-ins stay, nameless, so that the programme's figures do not change."""
    return (
        Enrolment.objects.filter(household=household)
        .filter(
            ~Q(status=EnrolmentStatus.WITHDRAWN)
            | ~Q(delivery_reason=DeliveryReason.NONE)
            | Q(share_disability=True)
        )
        .update(
            status=EnrolmentStatus.WITHDRAWN,
            delivery_reason=DeliveryReason.NONE,
            share_disability=False,
        )
    )


@rule(
    "aide_alimentaire",
    gettext_lazy("aide alimentaire : inscriptions et passages (3 ans après la fin du programme)"),
    days=3 * 365,
)
def purge_foodaid(cutoff: datetime, dry_run: bool) -> int:
    """Enrolments (and their check-ins) of programmes ended more than the period ago."""
    old = Enrolment.objects.filter(programme__ends_on__lt=cutoff.date())
    if dry_run:
        return old.count() + Record.objects.filter(enrolment__in=old).count()
    records = Record.objects.filter(enrolment__in=old).delete()[0]
    return records + old.delete()[0]


# --- The DPO's access log in words (privacy/access_log_words.py) ---------------------------

_READS = {
    "foodaid enrolments": gettext_lazy("liste des inscrits"),
    "foodaid eligible": gettext_lazy("recherche des ménages éligibles"),
    "foodaid session": gettext_lazy("fiche de la distribution (ménages attendus)"),
    "foodaid signing sheet": gettext_lazy("feuille d'émargement"),
    "foodaid rounds": gettext_lazy("tournée de livraison"),
    "foodaid checkin": gettext_lazy("accueil de la distribution (pointage)"),
}


def _detail_words(detail: str) -> str | None:
    from django.utils.translation import gettext as _

    if detail in _READS:
        return str(_READS[detail])
    fmt, _sep, rest = detail.partition(" ")
    period = period_words(rest.partition(" | ")[0])
    if fmt == "pdf":
        return _("bilan PDF %(period)s") % {"period": period}
    if fmt in ("csv", "xlsx"):
        return _("export %(fmt)s : bilan %(period)s") % {"fmt": fmt.upper(), "period": period}
    return None


def _session_name(s) -> str:
    from django.utils.translation import gettext as _

    return _("du %(date)s — %(site)s") % {"date": s.date.strftime("%d/%m/%Y"), "site": s.site.name}


describe("foodaid.programme", noun=gettext_lazy("programme"), details=_detail_words)
describe(
    "foodaid.distributionsession",
    noun=gettext_lazy("distribution"),
    name=_session_name,
    related=("site",),
    details=_detail_words,
)
