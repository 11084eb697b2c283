"""Building the list of households to call from the register, wave by wave."""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import datetime
from typing import TYPE_CHECKING, Any

from django.db import DEFAULT_DB_ALIAS, connection, connections, transaction
from django.db.models import BooleanField, Count, ExpressionWrapper, Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from vigie.campaigns.choices import (
    OPEN_TARGET_STATUSES,
    BuildStatus,
    TargetStatus,
)
from vigie.campaigns.models import (
    Campaign,
    CampaignBuild,
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
from vigie.core.errors import DomainError
from vigie.core.services import audit_log
from vigie.housing.cohorts import household_cohorts
from vigie.housing.models import Household

if TYPE_CHECKING:
    from vigie.accounts.models import User

logger = logging.getLogger(__name__)

# A background build's progress: (step, steps, what is being done, in French).
Progress = Callable[[int, int, str], None]

_ROW_FIELDS = (
    "pk",
    "oldest_adult_birth_date",
    "adults",
    "children",
    "has_disability",
    "has_phone",
    "_opted_out",
)


def _wave_rows(
    campaign: Campaign, waves: list[Wave], placed: set[int] | None = None
) -> tuple[dict[int, list[tuple]], set[int]]:
    """Households per wave (each in the first wave, by priority, that selects it), opted-out ones.

    One query per wave: the cohort filters are plain indexed columns (docs/decisions/0003).
    `placed`: households already in an earlier wave (when the waves are selected one by one).
    """
    base = (
        Household.objects.filter(organisation_id=campaign.organisation_id)
        .active_on(campaign.as_of)
        # Active on the cohorts' date but gone since (a later import marked it departed).
        .filter(departed_on__isnull=True)
    )
    per_wave: dict[int, list[tuple]] = {}
    placed = set(placed or ())
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


def campaign_build(
    *,
    actor: User | None,
    campaign: Campaign,
    now: datetime | None = None,
    progress: Progress | None = None,
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

    `progress(step, steps, phase)`, when given (the background build, campaigns/tasks.py),
    is told each phase: the households are then selected wave by wave *before* the writing
    transaction, so that the page polling the progress sees each wave go by (a row written
    inside the transaction would stay invisible until it commits). The writing transaction
    selects again if the waves changed meanwhile; a household that departs in between is
    never handed out (the claim checks the household, queue.py).
    """
    require_manage(actor, campaign)
    selected: tuple[list[tuple], dict[int, list[tuple]], set[int]] | None = None
    if progress is not None:
        check_editable(campaign)
        waves = _waves_or_refuse(campaign)
        steps = len(waves) + 2  # the waves, the writing, the end (writing batches added below)
        per_wave: dict[int, list[tuple]] = {}
        opted: set[int] = set()
        for i, wave in enumerate(waves):
            progress(
                i,
                steps,
                _("Sélection des ménages : vague %(n)s sur %(total)s (« %(name)s »)")
                % {"n": i + 1, "total": len(waves), "name": wave.name},
            )
            rows, wave_opted = _wave_rows(campaign, [wave], placed=_placed(per_wave))
            per_wave.update(rows)
            opted |= wave_opted
        total = sum(len(r) for r in per_wave.values())
        steps += total // BUILD_BATCH  # one step per batch written (at most)
        progress(
            len(waves),
            steps,
            ngettext(
                "Écriture de la liste : %(n)s ménage sélectionné…",
                "Écriture de la liste : %(n)s ménages sélectionnés…",
                total,
            )
            % {"n": total},
        )
        selected = (_wave_key(waves), per_wave, opted)
    with transaction.atomic():
        result = _build_write(
            actor=actor, campaign=campaign, now=now, selected=selected, progress=progress
        )
    if connection.vendor == "postgresql":
        # Thousands of targets written at once: the planner's statistics, now rather than
        # when autovacuum comes (the console's lookups joined them badly until then).
        with connection.cursor() as cursor:
            cursor.execute(f"ANALYZE {connection.ops.quote_name(Target._meta.db_table)}")  # nosec B608 (a model's table name)
    return result


def _placed(per_wave: dict[int, list[tuple]]) -> set[int]:
    return {row[0] for rows in per_wave.values() for row in rows}


def _waves_or_refuse(campaign: Campaign) -> list[Wave]:
    waves = list(campaign.waves.order_by("priority", "id"))
    if not waves:
        raise CampaignInputError(
            _("La campagne n'a aucune vague : ajoutez-en une avant de construire la liste.")
        )
    return waves


def _wave_key(waves: list[Wave]) -> list[tuple]:
    """What the selection depends on: the waves, their order and settings."""
    return [(w.pk, w.priority, w.cohorts, w.filters) for w in waves]


def _build_write(
    *,
    actor: User | None,
    campaign: Campaign,
    now: datetime | None,
    selected: tuple[list[tuple], dict[int, list[tuple]], set[int]] | None,
    progress: Progress | None = None,
) -> dict[str, Any]:
    campaign = Campaign.objects.select_for_update().get(pk=campaign.pk)
    check_editable(campaign)
    waves = _waves_or_refuse(campaign)
    now = now or timezone.now()
    as_of = campaign.as_of
    existing = set(Target.objects.filter(campaign=campaign).values_list("household_id", flat=True))
    if selected is not None and selected[0] == _wave_key(waves):
        per_wave, opted = selected[1], selected[2]
    else:
        per_wave, opted = _wave_rows(campaign, waves)
    added = 0
    total = sum(len(rows) for rows in per_wave.values())
    first_step = len(waves)
    steps = len(waves) + 2 + total // BUILD_BATCH
    for wave in waves:
        fresh = [r for r in per_wave[wave.pk] if r[0] not in existing]
        for start in range(0, len(fresh), BUILD_BATCH):
            if progress is not None and (added + start) >= BUILD_BATCH:
                done = added + start
                progress(
                    min(first_step + done // BUILD_BATCH, steps - 1),
                    steps,
                    _("Écriture de la liste : %(done)s ménages sur %(total)s…")
                    % {"done": done, "total": total},
                )
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


# --- The build in the background (issue #12 §9) ----------------------------------------------


def campaign_build_request(*, actor: User | None, campaign: Campaign) -> CampaignBuild:
    """Ask for a build of the list, run by the worker; the page then polls its progress.

    The request returns at once, whatever the size of the register. A build already waiting
    or running for this campaign is returned instead of starting a second one.
    """
    require_manage(actor, campaign)
    with transaction.atomic():
        campaign = Campaign.objects.select_for_update().get(pk=campaign.pk)
        check_editable(campaign)
        _waves_or_refuse(campaign)
        pending = (
            CampaignBuild.objects.filter(
                campaign=campaign, status__in=(BuildStatus.QUEUED, BuildStatus.RUNNING)
            )
            .order_by("-created_at")
            .first()
        )
        if pending is not None:
            return pending
        build = CampaignBuild.objects.create(
            organisation_id=campaign.organisation_id,
            campaign=campaign,
            requested_by=actor,
            phase=_("En attente du service de calcul…"),
        )
        audit_log(actor=actor, action="campaign.build_requested", obj=campaign)
        from vigie.campaigns.tasks import campaign_build_task
        from vigie.core.tasks import enqueue_on_commit

        enqueue_on_commit(campaign_build_task, build.pk)
    return build


def campaign_build_run(*, build_id: int) -> CampaignBuild:
    """Run a requested build (the worker's task), saying how far it is and how it ended.

    A refusal (closed campaign, no wave…) is kept as its French sentence; an unexpected
    failure as a sentence too, and the error goes to the log for the administrator. The build
    itself is one transaction: a failed build leaves the list as it was.
    """
    build = CampaignBuild.objects.select_related("campaign", "requested_by").get(pk=build_id)
    if build.finished:
        return build

    side: Any = None  # a second connection, for progress told from inside the transaction
    outer = len(connection.atomic_blocks)  # transactions already open (none in the worker)

    def progress(step: int, steps: int, phase: str) -> None:
        nonlocal side
        build.step, build.steps, build.phase = step, steps, phase[:200]
        if len(connection.atomic_blocks) <= outer:  # not inside the build's transaction
            CampaignBuild.objects.filter(pk=build.pk).update(
                status=BuildStatus.RUNNING, step=step, steps=steps, phase=build.phase
            )
        elif connection.vendor == "postgresql":
            # Inside the writing transaction, a row it updates stays unseen until the commit:
            # say it through a connection of its own (autocommit; another row, no lock shared).
            # SQLite has one writer at a time: there the bar waits for the commit.
            if side is None:
                side = connections.create_connection(DEFAULT_DB_ALIAS)
            table = side.ops.quote_name(CampaignBuild._meta.db_table)
            with side.cursor() as cursor:
                cursor.execute(
                    f"UPDATE {table} SET step = %s, steps = %s, phase = %s WHERE id = %s",  # nosec B608 (table name from the model)
                    [step, steps, build.phase, build.pk],
                )

    progress(0, 1, _("Démarrage…"))
    try:
        result = campaign_build(
            actor=build.requested_by, campaign=build.campaign, progress=progress
        )
    except DomainError as exc:
        build.status, build.error = BuildStatus.FAILED, str(exc.message)
    except Exception:  # noqa: BLE001 — said in words to the manager, logged for the admin
        logger.exception("campaign build %s failed", build.pk)
        build.status = BuildStatus.FAILED
        build.error = _(
            "La construction de la liste a échoué à cause d'une erreur interne : la liste est "
            "restée comme avant. Réessayez ; si cela recommence, prévenez l'administrateur "
            "(journal du serveur, construction n° %(n)s)."
        ) % {"n": build.pk}
    else:
        build.status, build.result, build.step = BuildStatus.DONE, result, build.steps
        build.phase = _("Terminé.")
    finally:
        if side is not None:
            side.close()
    build.finished_at = timezone.now()
    build.save(update_fields=["status", "result", "error", "step", "phase", "finished_at"])
    return build
