"""Campaigns: creating one (by hand or from a crisis template), its script, its callers, its status."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from typing import Any

from django.db import transaction
from django.utils import timezone

from vigie.campaigns.choices import (
    CAMPAIGN_TRANSITIONS,
    OPEN_TARGET_STATUSES,
    RETRYABLE_RESULTS,
    CampaignStatus,
    NeedKind,
    QuestionKind,
    TargetStatus,
)
from vigie.campaigns.models import (
    Attempt,
    Campaign,
    ScriptQuestion,
    Target,
    Wave,
    default_retry_policy,
    selects_health_data,
)
from vigie.campaigns.services.common import (
    CampaignInputError,
    check_editable,
    require_health_right,
    require_manage,
)
from vigie.campaigns.services.waves import WaveSpec, wave_spec
from vigie.campaigns.templates_catalog import TEMPLATES
from vigie.core.errors import ConflictError
from vigie.core.models import Organisation, OrganisationKind
from vigie.core.services import audit_log


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
    require_manage(actor, organisation.pk)
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
    specs = [wave_spec(w, i) for i, w in enumerate(waves)]
    for s in specs:
        require_health_right(actor, organisation.pk, s)
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


@transaction.atomic
def script_set(
    *, actor: Any, campaign: Campaign, questions: list[dict[str, Any]]
) -> list[ScriptQuestion]:
    """Replace the call script (only before the first call: recorded answers refer to it)."""
    require_manage(actor, campaign)
    check_editable(campaign)
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
    require_manage(actor, campaign)
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


def _transition(
    *, actor: Any, campaign: Campaign, to: str, action: str, only_from: str | None = None
) -> Campaign:
    require_manage(actor, campaign)
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
        require_manage(actor, campaign)
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
