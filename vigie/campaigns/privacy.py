"""What the campaigns hold on a person, for data-subject requests and retention (issue #5)."""

from __future__ import annotations

from datetime import datetime

from django.db.models import Max, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy

from vigie.campaigns.choices import AttemptResult, NeedKind, Outcome
from vigie.campaigns.counters import counters_add, needs_removed_deltas
from vigie.campaigns.models import Attempt, Need
from vigie.privacy.retention import rule
from vigie.privacy.subject import eraser, exporter


def _label(choices, value: str) -> str:
    try:
        return str(choices(value).label)
    except ValueError:
        return value


@exporter("appels")
def export_calls(occupant) -> list[dict]:
    """Every call to the person's household: when, result, needs raised, notes."""
    attempts = Attempt.objects.filter(target__household_id=occupant.household_id).select_related(
        "campaign"
    )
    return [
        {
            "date": timezone.localtime(a.started_at).strftime("%d/%m/%Y %H:%M"),
            "campagne": a.campaign.name,
            "resultat": _label(AttemptResult, a.result),
            "issue": _label(Outcome, a.outcome) if a.outcome else None,
            "besoins": [_label(NeedKind, n) for n in a.needs],
            "reponses": a.answers,
            "notes": a.notes,
        }
        for a in attempts
    ]


@exporter("besoins")
def export_needs(occupant) -> list[dict]:
    return [
        {
            "besoin": n.get_kind_display(),
            "statut": n.get_status_display(),
            "le": timezone.localtime(n.created_at).strftime("%d/%m/%Y"),
        }
        for n in Need.objects.filter(household_id=occupant.household_id)
    ]


def _wipe_attempts(qs) -> int:
    return qs.update(notes="", answers={}, needs=[])


@eraser("appels")
def erase_calls(household) -> int:
    """Notes, script answers and needs' kinds of the household's calls; its needs."""
    n = _wipe_attempts(Attempt.objects.filter(target__household_id=household.pk))
    needs = Need.objects.filter(household_id=household.pk)
    counters_add(needs_removed_deltas(needs))  # the campaign figures lose them too
    needs.delete()
    return n


@rule("call_notes", gettext_lazy("notes d'appel et réponses (2 ans après le dernier contact)"))
def purge_call_notes(cutoff: datetime, dry_run: bool) -> int:
    """Households not called since the cut-off lose their calls' notes, answers and need list.

    The Need rows stay, as figures (kind, status, dates) for the campaign and referral reports;
    their referrals' free text follows the actions app's own rule. An erasure (art. 17)
    deletes them.
    """
    recent = (
        Attempt.objects.values("target__household_id")
        .annotate(last=Max("started_at"))
        .filter(last__gte=cutoff)
        .values("target__household_id")
    )
    stale = Attempt.objects.exclude(target__household_id__in=recent).filter(
        ~Q(notes="") | ~Q(answers={}) | ~Q(needs=[])
    )
    if dry_run:
        return stale.count()
    return _wipe_attempts(Attempt.objects.filter(pk__in=stale.values("pk")))
