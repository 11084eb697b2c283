"""Writes of the campaigns app: create, build, run and close campaigns; record calls.

Each service is atomic, checks the actor's permission for the campaign's organisation (when an
actor is given: management commands may run as the system with `actor=None`), and leaves one
journal row. Views and API endpoints only parse input and call these.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from django.db import transaction
from django.db.models import BooleanField, Count, Exists, ExpressionWrapper, OuterRef, Q
from django.utils import timezone

from vigie.campaigns import counters
from vigie.campaigns.choices import (
    CAMPAIGN_TRANSITIONS,
    OPEN_TARGET_STATUSES,
    RETRYABLE_RESULTS,
    AttemptResult,
    CampaignStatus,
    NeedKind,
    Outcome,
    QuestionKind,
    TargetStatus,
)
from vigie.campaigns.models import (
    Attempt,
    Campaign,
    Need,
    ScriptQuestion,
    Target,
    Wave,
    default_retry_policy,
    selects_health_data,
)
from vigie.campaigns.queue import next_try_at
from vigie.campaigns.templates_catalog import TEMPLATES
from vigie.core.errors import ConflictError, DomainError, PermissionDeniedError
from vigie.core.models import Organisation, OrganisationKind
from vigie.core.permissions import Perm, denied_sentence
from vigie.core.services import audit_log
from vigie.housing.choices import ADULT_ROLES, Cohort
from vigie.housing.cohorts import cohort_q, household_cohorts, years_before
from vigie.housing.models import Household, Occupant
from vigie.housing.services import household_refresh_composition


class CampaignInputError(DomainError):
    """Input that cannot be used as given (unknown cohort, missing outcome…): HTTP 422."""

    status_code = 422


def _require(actor: Any, perm: str, organisation_id: int, message: str) -> None:
    if actor is not None and not actor.has_org_perm(perm, organisation_id):
        raise PermissionDeniedError(message)


def _require_health_right(actor: Any, org_id: int, spec: WaveSpec, *, force: bool = False) -> None:
    """A wave that selects on disability is health data: only a role that may see it sets it."""
    if force or selects_health_data(spec.cohorts, spec.filters):
        _require(
            actor,
            Perm.HOUSEHOLD_VIEW_SENSITIVE,
            org_id,
            str(denied_sentence(Perm.HOUSEHOLD_VIEW_SENSITIVE)),
        )


def _require_manage(actor: Any, campaign_or_org_id: Campaign | int) -> None:
    org_id = (
        campaign_or_org_id.organisation_id
        if isinstance(campaign_or_org_id, Campaign)
        else campaign_or_org_id
    )
    _require(
        actor,
        Perm.CAMPAIGN_MANAGE,
        org_id,
        "Seul·e un·e responsable de campagne de ce bailleur peut faire cela.",
    )


# --- Waves: validation and the filter they select ---------------------------------------------

# Custom filter keys a wave accepts, and their type.
FILTER_KEYS: dict[str, type] = {
    "age_min": int,  # oldest adult aged at least … on the as-of date
    "age_max": int,  # oldest adult aged at most …
    "adults_min": int,
    "adults_max": int,
    "children_min": int,
    "children_max": int,
    "disability": bool,
    "agency_ids": list,
    "residence_ids": list,
    "communes": list,  # INSEE codes
    "priority_neighbourhood": bool,
    "without_phone": bool,
}


@dataclass(frozen=True)
class WaveSpec:
    name: str
    priority: int
    cohorts: list[str]
    filters: dict[str, Any]


def _wave_spec(raw: dict[str, Any] | WaveSpec, index: int) -> WaveSpec:
    if isinstance(raw, WaveSpec):
        raw = {
            "name": raw.name,
            "priority": raw.priority,
            "cohorts": raw.cohorts,
            "filters": raw.filters,
        }
    where = f"vague {index + 1}"
    cohorts = [str(c) for c in (raw.get("cohorts") or [])]
    unknown = [c for c in cohorts if c not in Cohort.values]
    if unknown:
        raise CampaignInputError(
            f"{where} : cohorte inconnue « {unknown[0]} » (attendu : {', '.join(Cohort.values)})."
        )
    filters = dict(raw.get("filters") or {})
    for key, value in filters.items():
        expected = FILTER_KEYS.get(key)
        if expected is None:
            raise CampaignInputError(
                f"{where} : filtre inconnu « {key} » (attendu : {', '.join(FILTER_KEYS)})."
            )
        ok = isinstance(value, expected) and not (expected is int and isinstance(value, bool))
        if not ok:
            raise CampaignInputError(
                f"{where} : le filtre « {key} » a une valeur invalide ({value!r})."
            )
    try:
        priority = int(raw.get("priority", 1))
    except (TypeError, ValueError):
        raise CampaignInputError(
            f"{where} : la priorité doit être un nombre entier (1 = appelée en premier)."
        )
    if priority < 1:
        raise CampaignInputError(
            f"{where} : la priorité doit valoir 1 ou plus (1 = appelée en premier)."
        )
    name = str(raw.get("name") or "").strip()
    if not name:
        name = ", ".join(str(Cohort(c).label) for c in cohorts) or f"Vague {index + 1}"
    return WaveSpec(name=name[:150], priority=priority, cohorts=cohorts, filters=filters)


def wave_filter_q(filters: dict[str, Any], as_of: date) -> Q:
    """The register filter of a wave's custom criteria (Household field paths)."""
    q = Q()
    f = filters
    if "age_min" in f:
        q &= Q(oldest_adult_birth_date__lte=years_before(as_of, f["age_min"]))
    if "age_max" in f:
        q &= Q(oldest_adult_birth_date__gt=years_before(as_of, f["age_max"] + 1))
    for key, lookup in (
        ("adults_min", "adults__gte"),
        ("adults_max", "adults__lte"),
        ("children_min", "children__gte"),
        ("children_max", "children__lte"),
    ):
        if key in f:
            q &= Q(**{lookup: f[key]})
    if "disability" in f:
        q &= Q(has_disability=f["disability"])
    if f.get("agency_ids"):
        q &= Q(dwelling__residence__agency_id__in=f["agency_ids"])
    if f.get("residence_ids"):
        q &= Q(dwelling__residence_id__in=f["residence_ids"])
    if f.get("communes"):
        q &= Q(dwelling__commune_id__in=f["communes"])
    if "priority_neighbourhood" in f:
        q &= Q(dwelling__residence__priority_neighbourhood=f["priority_neighbourhood"])
    if "without_phone" in f:
        q &= Q(has_phone=not f["without_phone"])
    return q


def wave_q(wave: Wave | WaveSpec, as_of: date) -> Q:
    """Households a wave selects: in any of its cohorts (all if none), and its filters."""
    q = Q()
    for c in wave.cohorts:
        q |= cohort_q(c, as_of)
    return q & wave_filter_q(wave.filters, as_of)


def opted_out_q() -> Q:
    """The household opposed calls, or every adult in it did."""
    adult_willing = Occupant.objects.filter(
        household=OuterRef("pk"), role__in=ADULT_ROLES, opted_out=False
    )
    return Q(opted_out=True) | (Q(adults__gt=0) & ~Exists(adult_willing))


# --- Campaign creation --------------------------------------------------------------------------


def _question_rows(questions: Iterable[dict[str, Any]]) -> list[dict[str, Any]]:
    rows = []
    for i, q in enumerate(questions):
        text = str(q.get("text") or "").strip()
        kind = str(q.get("kind") or QuestionKind.YES_NO)
        need = str(q.get("maps_to_need") or "")
        if not text:
            raise CampaignInputError(f"question {i + 1} de la trame : le texte est vide.")
        if kind not in QuestionKind.values:
            raise CampaignInputError(
                f"question {i + 1} de la trame : type « {kind} » inconnu (attendu : {', '.join(QuestionKind.values)})."
            )
        if need and need not in NeedKind.values:
            raise CampaignInputError(f"question {i + 1} de la trame : besoin « {need} » inconnu.")
        choices = [str(c) for c in (q.get("choices") or [])]
        if kind == QuestionKind.CHOICE and not choices:
            raise CampaignInputError(
                f"question {i + 1} de la trame : indiquez les choix possibles."
            )
        rows.append(
            {
                "position": i + 1,
                "text": text[:300],
                "kind": kind,
                "choices": choices,
                "maps_to_need": need,
            }
        )
    return rows


@transaction.atomic
def campaign_create(
    *,
    actor: Any,
    organisation: Organisation,
    name: str,
    as_of: date,
    waves: list[dict[str, Any] | WaveSpec],
    questions: list[dict[str, Any]] | None = None,
    purpose: str = "",
    template: str = "",
    retry_policy: dict[str, Any] | None = None,
    claim_minutes: int | None = None,
    callback_grace_minutes: int | None = None,
) -> Campaign:
    """Create a draft campaign with its waves and call script."""
    _require_manage(actor, organisation.pk)
    if organisation.kind != OrganisationKind.LANDLORD:
        raise CampaignInputError("Seul un bailleur peut lancer une campagne d'appels.")
    name = (name or "").strip()
    if not name:
        raise CampaignInputError("Donnez un nom à la campagne.")
    if not isinstance(as_of, date):
        raise CampaignInputError(
            "La date de référence (as_of) doit être une date, par exemple 2020-03-17."
        )
    if not waves:
        raise CampaignInputError("Une campagne a au moins une vague.")
    specs = [_wave_spec(w, i) for i, w in enumerate(waves)]
    for s in specs:
        _require_health_right(actor, organisation.pk, s)
    names = [s.name for s in specs]
    duplicate = next((n for n in names if names.count(n) > 1), None)
    if duplicate:
        raise CampaignInputError(f"Deux vagues portent le même nom « {duplicate} ».")
    question_rows = _question_rows(questions or [])
    policy = default_retry_policy()
    for result, rule in (retry_policy or {}).items():
        if result not in RETRYABLE_RESULTS:
            raise CampaignInputError(
                f"Règle de relance pour un résultat qui ne se relance pas : « {result} »."
            )
        policy[result] = {**policy[result], **rule}
    campaign = Campaign(
        organisation=organisation,
        name=name[:200],
        purpose=purpose,
        template=template,
        as_of=as_of,
        created_by=actor if getattr(actor, "pk", None) else None,
        retry_policy=policy,
    )
    if claim_minutes is not None:
        campaign.claim_minutes = claim_minutes
    if callback_grace_minutes is not None:
        campaign.callback_grace_minutes = callback_grace_minutes
    campaign.save()
    Wave.objects.bulk_create(
        Wave(
            organisation=organisation,
            campaign=campaign,
            name=s.name,
            priority=s.priority,
            cohorts=s.cohorts,
            filters=s.filters,
            health_data=selects_health_data(s.cohorts, s.filters),
        )
        for s in specs
    )
    ScriptQuestion.objects.bulk_create(
        ScriptQuestion(organisation=organisation, campaign=campaign, **row) for row in question_rows
    )
    audit_log(
        actor=actor,
        action="campaign.created",
        obj=campaign,
        payload={"name": campaign.name, "waves": len(specs), "template": template},
    )
    return campaign


def campaign_from_template(
    *,
    actor: Any,
    organisation: Organisation,
    template: str,
    as_of: date,
    name: str = "",
    purpose: str = "",
) -> Campaign:
    """A draft campaign filled in from a crisis template (lockdown, heatwave, cold_spell)."""
    spec = TEMPLATES.get(template)
    if spec is None:
        raise CampaignInputError(
            f"Modèle de campagne inconnu « {template} » (attendu : {', '.join(TEMPLATES)})."
        )
    return campaign_create(
        actor=actor,
        organisation=organisation,
        name=name or f"{spec['name']} ({as_of:%d/%m/%Y})",
        as_of=as_of,
        purpose=purpose or spec["purpose"],
        template=template,
        waves=[dict(w) for w in spec["waves"]],
        questions=[dict(q) for q in spec["questions"]],
    )


def _check_editable(campaign: Campaign) -> None:
    if campaign.status == CampaignStatus.CLOSED:
        raise ConflictError(f"La campagne « {campaign.name} » est clôturée : elle ne change plus.")


@transaction.atomic
def wave_add(*, actor: Any, campaign: Campaign, wave: dict[str, Any]) -> Wave:
    """Add a wave; rebuild the campaign to fill it."""
    _require_manage(actor, campaign)
    _check_editable(campaign)
    spec = _wave_spec(wave, campaign.waves.count())
    _require_health_right(actor, campaign.organisation_id, spec)
    if campaign.waves.filter(name=spec.name).exists():
        raise CampaignInputError(f"Une vague s'appelle déjà « {spec.name} ».")
    w = Wave.objects.create(
        organisation_id=campaign.organisation_id,
        campaign=campaign,
        name=spec.name,
        priority=spec.priority,
        cohorts=spec.cohorts,
        filters=spec.filters,
    )
    audit_log(
        actor=actor, action="wave.added", obj=w, payload={"campaign": campaign.pk, "name": w.name}
    )
    return w


@transaction.atomic
def wave_update(*, actor: Any, wave: Wave, changes: dict[str, Any]) -> Wave:
    """Change a wave's name, priority, cohorts or filters.

    The priority takes effect in the queue at once; new cohorts/filters at the next build
    (households already placed stay in their wave).
    """
    campaign = wave.campaign
    _require_manage(actor, campaign)
    _check_editable(campaign)
    merged = {
        "name": wave.name,
        "priority": wave.priority,
        "cohorts": wave.cohorts,
        "filters": wave.filters,
    }
    merged.update({k: v for k, v in changes.items() if k in merged})
    spec = _wave_spec(merged, 0)
    if wave.selects_health_data or selects_health_data(spec.cohorts, spec.filters):
        _require_health_right(actor, campaign.organisation_id, spec, force=True)
    if spec.name != wave.name and campaign.waves.filter(name=spec.name).exists():
        raise CampaignInputError(f"Une vague s'appelle déjà « {spec.name} ».")
    wave.name, wave.priority, wave.cohorts, wave.filters = (
        spec.name,
        spec.priority,
        spec.cohorts,
        spec.filters,
    )
    wave.save()
    Target.objects.filter(wave=wave).exclude(priority=wave.priority).update(priority=wave.priority)
    audit_log(actor=actor, action="wave.updated", obj=wave, payload={"fields": sorted(changes)})
    return wave


@transaction.atomic
def wave_remove(*, actor: Any, wave: Wave) -> None:
    """Remove a wave that has no call recorded yet (its households leave the list)."""
    campaign = wave.campaign
    _require_manage(actor, campaign)
    _check_editable(campaign)
    if Attempt.objects.filter(target__wave=wave).exists():
        raise ConflictError(
            f"Des appels ont déjà été passés dans la vague « {wave.name} » : mettez-la en pause plutôt que de la supprimer."
        )
    if campaign.waves.count() == 1:
        raise ConflictError("Une campagne garde au moins une vague.")
    audit_log(actor=actor, action="wave.removed", obj=campaign, payload={"wave": wave.name})
    wave.delete()


@transaction.atomic
def wave_set_paused(*, actor: Any, wave: Wave, paused: bool) -> Wave:
    """Pause or resume one wave: its households stay in the list but are not handed out."""
    _require_manage(actor, wave.campaign)
    _check_editable(wave.campaign)
    if wave.paused != paused:
        wave.paused = paused
        wave.save(update_fields=["paused"])
        audit_log(actor=actor, action="wave.paused" if paused else "wave.resumed", obj=wave)
    return wave


@transaction.atomic
def script_set(
    *, actor: Any, campaign: Campaign, questions: list[dict[str, Any]]
) -> list[ScriptQuestion]:
    """Replace the call script (only before the first call: recorded answers refer to it)."""
    _require_manage(actor, campaign)
    _check_editable(campaign)
    if Attempt.objects.filter(campaign=campaign).exists():
        raise ConflictError(
            "Des appels ont déjà été enregistrés avec cette trame : elle ne peut plus être remplacée."
        )
    rows = _question_rows(questions)
    campaign.questions.all().delete()
    created = ScriptQuestion.objects.bulk_create(
        ScriptQuestion(organisation_id=campaign.organisation_id, campaign=campaign, **row)
        for row in rows
    )
    audit_log(
        actor=actor, action="campaign.script_set", obj=campaign, payload={"questions": len(rows)}
    )
    return created


@transaction.atomic
def caller_set_paused(*, actor: Any, campaign: Campaign, caller: Any, paused: bool) -> None:
    """Pause or resume one caller on a campaign (the queue gives a paused caller nothing)."""
    _require_manage(actor, campaign)
    if paused:
        campaign.paused_callers.add(
            caller, through_defaults={"organisation_id": campaign.organisation_id}
        )
    else:
        campaign.paused_callers.remove(caller)
    audit_log(
        actor=actor,
        action="campaign.caller_paused" if paused else "campaign.caller_resumed",
        obj=campaign,
        payload={"caller": caller.username},
    )


# --- Building the list of households to call ----------------------------------------------------

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
    *, actor: Any, campaign: Campaign, now: datetime | None = None
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
    _require_manage(actor, campaign)
    campaign = Campaign.objects.select_for_update().get(pk=campaign.pk)
    _check_editable(campaign)
    waves = list(campaign.waves.order_by("priority", "id"))
    if not waves:
        raise CampaignInputError(
            "La campagne n'a aucune vague : ajoutez-en une avant de construire la liste."
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
        excluded = untouched.filter(
            Q(household_id__in=opted) | ~Q(household_id__in=active.values("pk"))
        ).update(status=TargetStatus.EXCLUDED, updated_at=now)
        # A phone fixed in the register brings a household back into the queue, and a phone
        # found wrong since sends a not-yet-called one apart.
        untouched.filter(status=TargetStatus.NO_PHONE, household__has_phone=True).update(
            status=TargetStatus.PENDING, due_at=now, updated_at=now
        )
        untouched.filter(status=TargetStatus.PENDING, household__has_phone=False).update(
            status=TargetStatus.NO_PHONE, updated_at=now
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
            Target.objects.filter(pk__in=pks[start : start + 500]).update(
                status=TargetStatus.PENDING if phone else TargetStatus.NO_PHONE,
                due_at=now,
                updated_at=now,
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


# --- Status changes -------------------------------------------------------------------------------


def _transition(
    *, actor: Any, campaign: Campaign, to: str, action: str, only_from: str | None = None
) -> Campaign:
    _require_manage(actor, campaign)
    campaign = Campaign.objects.select_for_update().get(pk=campaign.pk)
    if only_from is not None and campaign.status != only_from:
        raise ConflictError(
            f"La campagne « {campaign.name} » est {campaign.get_status_display()}, "
            f"pas {CampaignStatus(only_from).label}."
        )
    if to not in CAMPAIGN_TRANSITIONS[campaign.status]:
        raise ConflictError(
            f"La campagne « {campaign.name} » est {campaign.get_status_display()} : "
            f"elle ne peut pas passer à « {CampaignStatus(to).label} »."
        )
    before = campaign.status
    campaign.status = to
    now = timezone.now()
    fields = ["status", "updated_at"]
    if to == CampaignStatus.RUNNING and campaign.started_at is None:
        campaign.started_at = now
        fields.append("started_at")
    if to == CampaignStatus.CLOSED:
        campaign.closed_at = now
        fields.append("closed_at")
    campaign.save(update_fields=fields)
    audit_log(actor=actor, action=action, obj=campaign, payload={"from": before, "to": to})
    return campaign


@transaction.atomic
def campaign_start(*, actor: Any, campaign: Campaign) -> Campaign:
    """Open the queue: callers can take calls (also resumes a paused campaign)."""
    campaign = Campaign.objects.get(pk=campaign.pk)
    if (
        campaign.status == CampaignStatus.DRAFT
        and not Target.objects.filter(campaign=campaign, status__in=OPEN_TARGET_STATUSES).exists()
    ):
        _require_manage(actor, campaign)
        raise ConflictError(
            f"La campagne « {campaign.name} » n'a aucun ménage à appeler : construisez d'abord la liste."
        )
    return _transition(
        actor=actor, campaign=campaign, to=CampaignStatus.RUNNING, action="campaign.started"
    )


@transaction.atomic
def campaign_pause(*, actor: Any, campaign: Campaign) -> Campaign:
    """Stop handing out calls for a while (calls in progress can still be recorded)."""
    return _transition(
        actor=actor, campaign=campaign, to=CampaignStatus.PAUSED, action="campaign.paused"
    )


@transaction.atomic
def campaign_resume(*, actor: Any, campaign: Campaign) -> Campaign:
    """Hand out calls again after a pause."""
    return _transition(
        actor=actor,
        campaign=campaign,
        to=CampaignStatus.RUNNING,
        action="campaign.resumed",
        only_from=CampaignStatus.PAUSED,
    )


@transaction.atomic
def campaign_close(*, actor: Any, campaign: Campaign) -> Campaign:
    """Close for good: the queue stops, figures are final. Live claims are dropped."""
    campaign = _transition(
        actor=actor, campaign=campaign, to=CampaignStatus.CLOSED, action="campaign.closed"
    )
    Target.objects.filter(campaign=campaign, status=TargetStatus.CLAIMED).update(
        status=TargetStatus.PENDING, claimed_by=None, claimed_at=None, claim_expires_at=None
    )
    return campaign


# --- Targets: manager actions -----------------------------------------------------------------


@transaction.atomic
def target_assign(
    *, actor: Any, target: Target, caller: Any, until: datetime | None = None
) -> Target:
    """Reassign a household to a caller: it goes to them first until `until` (default 1 day)."""
    _require_manage(actor, target.campaign)
    if not caller.has_org_perm(Perm.CALL_TAKE, target.organisation_id):
        raise CampaignInputError(f"{caller.username} ne prend pas d'appels chez ce bailleur.")
    if target.status not in OPEN_TARGET_STATUSES:
        raise ConflictError("Ce ménage n'est plus dans la file d'appels.")
    now = timezone.now()
    Target.objects.filter(pk=target.pk).update(
        preferred_caller=caller, preferred_until=until or now + timedelta(days=1), updated_at=now
    )
    target.refresh_from_db()
    audit_log(
        actor=actor, action="target.assigned", obj=target, payload={"caller": caller.username}
    )
    return target


@transaction.atomic
def target_exclude(*, actor: Any, target: Target, reason: str = "") -> Target:
    """Take a household out of the list (moved, deceased, followed elsewhere…)."""
    _require_manage(actor, target.campaign)
    # Its status now, under lock: a not-reached household leaving the list changes counters.
    target = Target.objects.select_for_update().get(pk=target.pk)
    if target.status in (TargetStatus.DONE, TargetStatus.EXCLUDED):
        raise ConflictError("Ce ménage n'est plus dans la file d'appels.")
    if target.status == TargetStatus.NOT_REACHED:
        counters.counters_add(counters.not_reached_deltas(target, -1))
    Target.objects.filter(pk=target.pk).update(
        status=TargetStatus.EXCLUDED,
        claimed_by=None,
        claim_expires_at=None,
        updated_at=timezone.now(),
    )
    target.refresh_from_db()
    audit_log(actor=actor, action="target.excluded", obj=target, payload={"reason": reason[:200]})
    return target


# --- Recording a call -----------------------------------------------------------------------------


def needs_from_answers(questions: Iterable[ScriptQuestion], answers: dict[str, Any]) -> list[str]:
    """Needs raised by "oui" to script questions that map to a need."""
    out = []
    for q in questions:
        value = answers.get(str(q.pk))
        if q.maps_to_need and q.kind == QuestionKind.YES_NO and value in (True, "yes", "oui"):
            out.append(q.maps_to_need)
    return out


def _validate_answers(questions: list[ScriptQuestion], answers: dict[str, Any]) -> dict[str, Any]:
    by_id = {str(q.pk): q for q in questions}
    clean: dict[str, Any] = {}
    for key, value in (answers or {}).items():
        q = by_id.get(str(key))
        if q is None:
            raise CampaignInputError(
                f"Réponse à une question qui n'est pas dans la trame (n° {key})."
            )
        if value is None or value == "":
            continue
        if q.kind == QuestionKind.YES_NO:
            if value in (True, "yes", "oui"):
                value = True
            elif value in (False, "no", "non"):
                value = False
            else:
                raise CampaignInputError(f"« {q.text} » : répondez oui ou non.")
        elif q.kind == QuestionKind.CHOICE and value not in q.choices:
            raise CampaignInputError(f"« {q.text} » : « {value} » n'est pas un des choix proposés.")
        else:
            value = str(value)[:500]
        clean[str(q.pk)] = value
    return clean


def _flag_wrong_number(*, actor: Any, target: Target, phone: str) -> None:
    """Flag the dialled number (or, if not said, every usable one) as wrong in the register."""
    household = Household.objects.get(pk=target.household_id)
    for occupant in household.occupants.all():
        changed = []
        if (
            occupant.phone
            and not occupant.phone_wrong_number
            and (not phone or occupant.phone == phone)
        ):
            occupant.phone_wrong_number = True
            changed.append("phone_wrong_number")
        if (
            occupant.phone_2
            and not occupant.phone_2_to_check
            and (not phone or occupant.phone_2 == phone)
        ):
            occupant.phone_2_to_check = (
                True  # phone_2 has no wrong-number flag: "to check" hides it
            )
            changed.append("phone_2_to_check")
        if changed:
            occupant.save(update_fields=changed)
            audit_log(
                actor=actor,
                action="occupant.phone_flagged",
                obj=occupant,
                payload={"fields": changed},
            )
    household_refresh_composition(household)


@transaction.atomic
def attempt_record(
    *,
    actor: Any,
    target: Target,
    result: str,
    outcome: str | None = None,
    needs: Iterable[str] = (),
    answers: dict[str, Any] | None = None,
    notes: str = "",
    callback_at: datetime | None = None,
    phone: str = "",
    from_paper: bool = False,
    started_at: datetime | None = None,
    now: datetime | None = None,
) -> Attempt:
    """Record a call and move the household on in the queue.

    The caller must hold the claim (else ConflictError → 409); `from_paper` records a call
    made from a printed sheet, allowed when nobody else holds the household. Then: reached →
    done (or callback if `callback_at`); refused → done; wrong number → the number is flagged
    in the register and the household goes back to the queue if it has another phone, else to
    the not-reached list; no answer / busy / voicemail → retried per the campaign's policy, and
    after the last try → not reached (doorstep visit).
    """
    now = now or timezone.now()
    # Lock the target row only: locking the joined campaign row too (PostgreSQL's default for
    # FOR UPDATE) would make every call of the campaign wait for the previous one to commit.
    target = (
        Target.objects.select_for_update(of=("self",)).select_related("campaign").get(pk=target.pk)
    )
    campaign = target.campaign
    _require(
        actor,
        Perm.CALL_TAKE,
        target.organisation_id,
        "Vous n'êtes pas chargé·e de veille pour ce bailleur : vous ne pouvez pas enregistrer d'appel.",
    )
    if campaign.status == CampaignStatus.CLOSED:
        raise ConflictError(
            f"La campagne « {campaign.name} » est clôturée : l'appel n'est plus enregistrable."
        )
    holds = target.status == TargetStatus.CLAIMED and target.claimed_by_id == actor.pk
    if not holds:
        taken_by_other = (
            target.status == TargetStatus.CLAIMED
            and target.claimed_by_id not in (None, actor.pk)
            and target.claim_expires_at is not None
            and target.claim_expires_at > now
        )
        if target.status == TargetStatus.DEPARTED:
            raise ConflictError(
                "Ce ménage a été marqué parti (il a quitté son logement) : il est sorti de la "
                "file d'appels. Demandez l'appel suivant."
            )
        if not from_paper or taken_by_other or target.status not in OPEN_TARGET_STATUSES:
            raise ConflictError(
                "Ce ménage n'est pas (ou plus) attribué à vous : un·e collègue l'a peut-être pris. "
                "Demandez l'appel suivant."
            )
    # Input.
    if result not in AttemptResult.values:
        raise CampaignInputError(
            f"Résultat d'appel inconnu « {result} » (attendu : {', '.join(AttemptResult.values)})."
        )
    outcome = outcome or None
    if outcome is not None and outcome not in Outcome.values:
        raise CampaignInputError(
            f"Issue inconnue « {outcome} » (attendu : {', '.join(Outcome.values)})."
        )
    need_list = [str(n) for n in needs]
    bad = [n for n in need_list if n not in NeedKind.values]
    if bad:
        raise CampaignInputError(
            f"Besoin inconnu « {bad[0]} » (attendu : {', '.join(NeedKind.values)})."
        )
    questions = list(campaign.questions.all())
    clean_answers = _validate_answers(questions, answers or {})
    need_list = list(dict.fromkeys(need_list + needs_from_answers(questions, clean_answers)))
    reached = result == AttemptResult.REACHED
    if not reached and (outcome or need_list):
        raise CampaignInputError(
            "L'issue et les besoins ne se notent que si le ménage a été joint."
        )
    if need_list and outcome == Outcome.REASSURING:
        raise CampaignInputError(
            "Un appel qui signale des besoins n'est pas « rassurant » : choisissez « suite à donner »."
        )
    if reached and need_list and outcome is None:
        outcome = Outcome.NEEDS_FOLLOW_UP
    if callback_at is not None:
        if result in (AttemptResult.WRONG_NUMBER, AttemptResult.REFUSED):
            raise CampaignInputError("Pas de rappel possible après un faux numéro ou un refus.")
        if callback_at <= now:
            raise CampaignInputError("La date de rappel doit être dans le futur.")
    elif reached and outcome is None:
        raise CampaignInputError(
            "Indiquez l'issue de l'appel : rassurant ou suite à donner (ou une date de rappel)."
        )

    attempt = Attempt.objects.create(
        organisation_id=target.organisation_id,
        campaign=campaign,
        target=target,
        caller=actor,
        started_at=started_at or (target.claimed_at if holds and target.claimed_at else now),
        ended_at=now,
        result=result,
        outcome=outcome or "",
        needs=need_list,
        answers=clean_answers,
        notes=notes,
        callback_at=callback_at,
    )
    if need_list:
        Need.objects.bulk_create(
            Need(
                organisation_id=target.organisation_id,
                household_id=target.household_id,
                attempt=attempt,
                kind=kind,
                created_by=actor,
                created_at=now,
            )
            for kind in need_list
        )

    target.attempts_count += 1
    target.last_result = result
    target.last_attempt_at = now
    target.claimed_by = None
    target.claimed_at = None
    target.claim_expires_at = None
    target.preferred_caller = None
    target.preferred_until = None
    if callback_at is not None:
        target.status = TargetStatus.CALLBACK
        target.due_at = callback_at
        target.preferred_caller = actor
        target.preferred_until = callback_at + timedelta(minutes=campaign.callback_grace_minutes)
    elif reached:
        target.status = TargetStatus.DONE
        target.outcome = outcome or ""
    elif result == AttemptResult.REFUSED:
        target.status = TargetStatus.DONE
    elif result == AttemptResult.WRONG_NUMBER:
        _flag_wrong_number(actor=actor, target=target, phone=phone)
        if Household.objects.filter(pk=target.household_id, has_phone=True).exists():
            target.status = TargetStatus.PENDING  # try the household's other number now
            target.due_at = now
        else:
            target.status = TargetStatus.NOT_REACHED
    else:
        policy = campaign.retry_policy.get(result) or default_retry_policy()[result]
        if target.attempts_count >= int(policy.get("max_attempts", 3)):
            target.status = TargetStatus.NOT_REACHED
        else:
            target.status = TargetStatus.PENDING
            target.due_at = next_try_at(last=now, policy=policy)
    target.save()
    # The stats and dashboard counters, in this transaction (vigie/campaigns/counters.py).
    deltas = counters.attempt_deltas(attempt, need_list)
    if target.status == TargetStatus.NOT_REACHED:  # it was in the queue until this call
        deltas += counters.not_reached_deltas(target, +1)
    counters.counters_add(deltas)
    audit_log(
        actor=actor,
        action="attempt.recorded",
        obj=attempt,
        payload={
            "target": target.pk,
            "result": result,
            "outcome": outcome or "",
            "needs_count": len(need_list),
            "target_status": target.status,
            "from_paper": from_paper,
        },
    )
    return attempt
