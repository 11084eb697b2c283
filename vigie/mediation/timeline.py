"""The household page says "médiation en cours" or "médiation terminée : résultat" to the staff of
the landlord that referred it (nothing of another landlord's referral, nothing of the notes)."""

from __future__ import annotations

from datetime import datetime, time

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from vigie.housing.timeline import TimelineEntry, register_provider
from vigie.mediation.choices import CaseStatus, Outcome
from vigie.mediation.selectors import household_cases


def status_sentence(case) -> str:
    if case.status == CaseStatus.CLOSED:
        return _("Médiation terminée : %(outcome)s") % {"outcome": Outcome(case.outcome).label}
    if case.status == CaseStatus.DECLINED:
        return _("Médiation refusée par le centre")
    return _("Médiation en cours")


@register_provider
def mediation_on_timeline(user, household) -> list[TimelineEntry]:
    entries = []
    for case in household_cases(user, household):
        day = case.closed_on or case.referred_on
        entries.append(
            TimelineEntry(
                at=timezone.make_aware(datetime.combine(day, time(12))),
                kind="mediation",
                title=status_sentence(case),
                tags=[CaseStatus(case.status).label],
                url=reverse("mediation:referral", args=[case.pk]),
            )
        )
    return entries
