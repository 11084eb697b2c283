"""Building the list of households to call from the register, wave by wave."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Any

from django.db import transaction
from django.db.models import BooleanField, Count, ExpressionWrapper, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from vigie.campaigns.choices import (
    OPEN_TARGET_STATUSES,
    TargetStatus,
)
from vigie.campaigns.models import (
    Campaign,
    Target,
    Wave,
)
from vigie.campaigns.services.common import (
    CampaignInputError,
    check_editable,
    require_manage,
)
from vigie.campaigns.services.waves import opted_out_q, wave_q
from vigie.campaigns.transitions import TARGET
from vigie.core import transitions
from vigie.core.services import audit_log
from vigie.housing.cohorts import household_cohorts
from vigie.housing.models import Household

if TYPE_CHECKING:
    from vigie.accounts.models import User

_ROW_FIELDS = (
    "pk",
    "oldest_adult_birth_date",
    "adults",
    "children",
    "has_disability",
    "has_phone",
    "_opted_out",
)


def _wave_rows(campaign: Campaign, waves: list[Wave]) -> tuple[dict[int, list[tuple]], set[int]]:
    """Households per wave (each in the first wave, by priority, that selects it), opted-out ones.

    One query per wave: the cohort filters are plain indexed columns (docs/decisions/0003).
    """
    base = (
        Household.objects.filter(organisation_id=campaign.organisation_id)
        .active_on(campaign.as_of)
        # Active on the cohorts' date but gone since (a later import marked it departed).
        .filter(departed_on__isnull=True)
    )
    per_wave: dict[int, list[tuple]] = {}
    placed: set[int] = set()
    opted: set[int] = set()
    for wave in waves:
        rows = list(
            base.filter(wave_q(wave, campaign.as_of))
            .annotate(_opted_out=ExpressionWrapper(opted_out_q(), output_field=BooleanField()))
            .values_list(*_ROW_FIELDS)
            # Register order: targets' ids (the queue's last tie-break) then follow the
            # households' on every engine, not the order PostgreSQL's heap happens to return.
            .order_by("pk")
        )
        kept = []
        for row in rows:
            pk = row[0]
            if row[6]:
                opted.add(pk)
            elif pk not in placed:
                placed.add(pk)
                kept.append(row)
        per_wave[wave.pk] = kept
    return per_wave, opted


def campaign_preview(*, campaign: Campaign) -> dict[str, Any]:
    """What a build would give now, without writing anything (for the wave planner)."""
    waves = list(campaign.waves.order_by("priority", "id"))
    per_wave, opted = _wave_rows(campaign, waves)
    out_waves = []
    for w in waves:
        rows = per_wave[w.pk]
        phones = sum(1 for r in rows if r[5])
        out_waves.append({"name": w.name, "targets": phones, "no_phone": len(rows) - phones})
    return {
        "targets": sum(w["targets"] for w in out_waves),
        "waves": out_waves,
        "opted_out": len(opted),
        "no_phone": sum(w["no_phone"] for w in out_waves),
    }


BUILD_BATCH = 5000


@transaction.atomic
def campaign_build(
    *, actor: User | None, campaign: Campaign, now: datetime | None = None
) -> dict[str, Any]:
    """Build (or rebuild) the list of households to call.

    Each active household goes in exactly one wave: the highest-priority one selecting it.
    Opted-out households are left out and counted; households without a usable phone are kept
    apart (status no_phone, for a visit or a letter). On a rebuild, households already in the
    list stay where they are and worked targets are untouched: only newcomers are added, and
    not-yet-called households who have since opted out or left are excluded. A household whose
    target left the queues because it departed ("departed") and that is back in the register
    and still selected returns to the queue where it was (docs/import.md).

    Returns {"targets", "added", "waves": [{"name", "targets", "no_phone"}], "opted_out",
    "no_phone"}; `targets` counts the households to call by phone.
    """
    require_manage(actor, campaign)
    campaign = Campaign.objects.select_for_update().get(pk=campaign.pk)
    check_editable(campaign)
    waves = list(campaign.waves.order_by("priority", "id"))
    if not waves:
        raise CampaignInputError(
            _("La campagne n'a aucune vague : ajoutez-en une avant de construire la liste.")
        )
    now = now or timezone.now()
    as_of = campaign.as_of
    existing = set(Target.objects.filter(campaign=campaign).values_list("household_id", flat=True))
    per_wave, opted = _wave_rows(campaign, waves)
    added = 0
    for wave in waves:
        fresh = [r for r in per_wave[wave.pk] if r[0] not in existing]
        for start in range(0, len(fresh), BUILD_BATCH):
            Target.objects.bulk_create(
                [
                    Target(
                        organisation_id=campaign.organisation_id,
                        campaign=campaign,
                        wave=wave,
                        household_id=pk,
                        cohorts=household_cohorts(
                            as_of=as_of,
                            oldest_adult_birth_date=birth,
                            adults=adults,
                            children=children,
                            has_disability=disability,
                        ),
                        status=TargetStatus.PENDING if phone else TargetStatus.NO_PHONE,
                        priority=wave.priority,
                        due_at=now,
                    )
                    for pk, birth, adults, children, disability, phone, _o in fresh[
                        start : start + BUILD_BATCH
                    ]
                ],
                batch_size=1000,
            )
        added += len(fresh)
    excluded = 0
    returned = _targets_return(campaign, per_wave, now)
    if existing:
        untouched = Target.objects.filter(
            campaign=campaign,
            status__in=(TargetStatus.PENDING, TargetStatus.NO_PHONE),
            attempts_count=0,
        )
        active = Household.objects.filter(organisation_id=campaign.organisation_id).active_on(as_of)
        excluded = transitions.move_many(
            TARGET,
            untouched.filter(Q(household_id__in=opted) | ~Q(household_id__in=active.values("pk"))),
            sources=[TargetStatus.PENDING, TargetStatus.NO_PHONE],
            to=TargetStatus.EXCLUDED,
            fields={"updated_at": now},
        )
        # A phone fixed in the register brings a household back into the queue, and a phone
        # found wrong since sends a not-yet-called one apart.
        transitions.move_many(
            TARGET,
            untouched.filter(household__has_phone=True),
            sources=[TargetStatus.NO_PHONE],
            to=TargetStatus.PENDING,
            fields={"due_at": now, "updated_at": now},
        )
        transitions.move_many(
            TARGET,
            untouched.filter(household__has_phone=False),
            sources=[TargetStatus.PENDING],
            to=TargetStatus.NO_PHONE,
            fields={"updated_at": now},
        )
    campaign.built_at = now
    campaign.save(update_fields=["built_at", "updated_at"])
    counts = _build_counts(campaign, waves)
    counts["added"] = added
    counts["opted_out"] = len(opted)
    audit_log(
        actor=actor,
        action="campaign.built",
        obj=campaign,
        payload={
            "targets": counts["targets"],
            "added": added,
            "excluded": excluded,
            "returned": returned,
            "opted_out": len(opted),
            "no_phone": counts["no_phone"],
        },
    )
    return counts


def _targets_return(campaign: Campaign, per_wave: dict[int, list[tuple]], now: datetime) -> int:
    """Departed targets whose household is back and selected again: to call (or without phone)."""
    departed = dict(
        Target.objects.filter(campaign=campaign, status=TargetStatus.DEPARTED).values_list(
            "household_id", "pk"
        )
    )
    if not departed:
        return 0
    by_phone: dict[bool, list[int]] = {True: [], False: []}
    for rows in per_wave.values():
        for row in rows:
            if row[0] in departed:
                by_phone[bool(row[5])].append(departed[row[0]])
    for phone, pks in by_phone.items():
        for start in range(0, len(pks), 500):
            transitions.move_many(
                TARGET,
                Target.objects.filter(pk__in=pks[start : start + 500]),
                sources=[TargetStatus.DEPARTED],
                to=TargetStatus.PENDING if phone else TargetStatus.NO_PHONE,
                fields={"due_at": now, "updated_at": now},
            )
    return len(by_phone[True]) + len(by_phone[False])


def _build_counts(campaign: Campaign, waves: list[Wave]) -> dict[str, Any]:
    callable_statuses = (*OPEN_TARGET_STATUSES, TargetStatus.DONE, TargetStatus.NOT_REACHED)
    rows = {
        w.pk: w
        for w in Wave.objects.filter(campaign=campaign).annotate(
            n_targets=Count("targets", filter=Q(targets__status__in=callable_statuses)),
            n_no_phone=Count("targets", filter=Q(targets__status=TargetStatus.NO_PHONE)),
        )
    }
    out = [
        {"name": w.name, "targets": rows[w.pk].n_targets, "no_phone": rows[w.pk].n_no_phone}
        for w in waves
    ]
    return {
        "targets": sum(w["targets"] for w in out),
        "waves": out,
        "no_phone": sum(w["no_phone"] for w in out),
    }
