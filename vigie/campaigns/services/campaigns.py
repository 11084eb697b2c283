"""Campaigns: creating one (by hand or from a crisis template), its script, its callers, its status."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from typing import TYPE_CHECKING, Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from vigie.campaigns.choices import (
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
from vigie.campaigns.transitions import CAMPAIGN, TARGET
from vigie.core import transitions
from vigie.core.errors import ConflictError
from vigie.core.models import Organisation, OrganisationKind
from vigie.core.services import audit_log

if TYPE_CHECKING:
    from vigie.accounts.models import User


def _question_rows(questions: Iterable[dict[str, Any]]) -> list[dict[str, Any]]:
    rows = []
    for i, q in enumerate(questions):
        text = str(q.get("text") or "").strip()
        kind = str(q.get("kind") or QuestionKind.YES_NO)
        need = str(q.get("maps_to_need") or "")
        if not text:
            raise CampaignInputError(
                _("question %(number)s de la trame : le texte est vide.") % {"number": i + 1}
            )
        if kind not in QuestionKind.values:
            raise CampaignInputError(
                _(
                    "question %(number)s de la trame : type « %(kind)s » inconnu (attendu : %(expected)s)."
                )
                % {"number": i + 1, "kind": kind, "expected": ", ".join(QuestionKind.values)}
            )
        if need and need not in NeedKind.values:
            raise CampaignInputError(
                _("question %(number)s de la trame : besoin « %(need)s » inconnu.")
                % {"number": i + 1, "need": need}
            )
        choices = [str(c) for c in (q.get("choices") or [])]
        if kind == QuestionKind.CHOICE and not choices:
            raise CampaignInputError(
                _("question %(number)s de la trame : indiquez les choix possibles.")
                % {"number": i + 1}
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
    actor: User | None,
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
        raise CampaignInputError(_("Seul un bailleur peut lancer une campagne d'appels."))
    name = (name or "").strip()
    if not name:
        raise CampaignInputError(_("Donnez un nom à la campagne."))
    if not isinstance(as_of, date):
        raise CampaignInputError(
            _("La date de référence (as_of) doit être une date, par exemple 2020-03-17.")
        )
    if not waves:
        raise CampaignInputError(_("Une campagne a au moins une vague."))
    specs = [wave_spec(w, i) for i, w in enumerate(waves)]
    for s in specs:
        require_health_right(actor, organisation.pk, s)
    names = [s.name for s in specs]
    duplicate = next((n for n in names if names.count(n) > 1), None)
    if duplicate:
        raise CampaignInputError(
            _("Deux vagues portent le même nom « %(duplicate)s ».") % {"duplicate": duplicate}
        )
    question_rows = _question_rows(questions or [])
    policy = default_retry_policy()
    for result, rule in (retry_policy or {}).items():
        if result not in RETRYABLE_RESULTS:
            raise CampaignInputError(
                _("Règle de relance pour un résultat qui ne se relance pas : « %(result)s ».")
                % {"result": result}
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
    actor: User | None,
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
            _("Modèle de campagne inconnu « %(template)s » (attendu : %(expected)s).")
            % {"template": template, "expected": ", ".join(TEMPLATES)}
        )
    return campaign_create(
        actor=actor,
        organisation=organisation,
        name=name
        or _("%(template)s (%(date)s)")
        % {"template": spec["name"], "date": format(as_of, "%d/%m/%Y")},
        as_of=as_of,
        purpose=purpose or spec["purpose"],
        template=template,
        waves=[dict(w) for w in spec["waves"]],
        questions=[dict(q) for q in spec["questions"]],
    )


@transaction.atomic
def script_set(
    *, actor: User | None, campaign: Campaign, questions: list[dict[str, Any]]
) -> list[ScriptQuestion]:
    """Replace the call script (only before the first call: recorded answers refer to it)."""
    require_manage(actor, campaign)
    check_editable(campaign)
    if Attempt.objects.filter(campaign=campaign).exists():
        raise ConflictError(
            _(
                "Des appels ont déjà été enregistrés avec cette trame : elle ne peut plus être remplacée."
            )
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
def caller_set_paused(
    *, actor: User | None, campaign: Campaign, caller: User, paused: bool
) -> None:
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
    *, actor: User | None, campaign: Campaign, to: str, action: str, only_from: str | None = None
) -> Campaign:
    """Move the campaign through the one transition helper (core/transitions.py)."""
    require_manage(actor, campaign)
    campaign = transitions.lock(CAMPAIGN, campaign)
    if only_from is not None and campaign.status != only_from:
        raise ConflictError(
            _("La campagne « %(name)s » est %(current)s, pas %(expected)s.")
            % {
                "name": campaign.name,
                "current": campaign.get_status_display(),
                "expected": CampaignStatus(only_from).label,
            }
        )

    def stamp(c: Campaign) -> None:
        now = timezone.now()
        if to == CampaignStatus.RUNNING and c.started_at is None:
            c.started_at = now
        if to == CampaignStatus.CLOSED:
            c.closed_at = now

    return transitions.move(CAMPAIGN, campaign, to=to, actor=actor, action=action, apply=stamp)


@transaction.atomic
def campaign_start(*, actor: User | None, campaign: Campaign) -> Campaign:
    """Open the queue: callers can take calls (also resumes a paused campaign)."""
    campaign = Campaign.objects.get(pk=campaign.pk)
    if (
        campaign.status == CampaignStatus.DRAFT
        and not Target.objects.filter(campaign=campaign, status__in=OPEN_TARGET_STATUSES).exists()
    ):
        require_manage(actor, campaign)
        raise ConflictError(
            _("La campagne « %(name)s » n'a aucun ménage à appeler : construisez d'abord la liste.")
            % {"name": campaign.name}
        )
    return _transition(
        actor=actor, campaign=campaign, to=CampaignStatus.RUNNING, action="campaign.started"
    )


@transaction.atomic
def campaign_pause(*, actor: User | None, campaign: Campaign) -> Campaign:
    """Stop handing out calls for a while (calls in progress can still be recorded)."""
    return _transition(
        actor=actor, campaign=campaign, to=CampaignStatus.PAUSED, action="campaign.paused"
    )


@transaction.atomic
def campaign_resume(*, actor: User | None, campaign: Campaign) -> Campaign:
    """Hand out calls again after a pause."""
    return _transition(
        actor=actor,
        campaign=campaign,
        to=CampaignStatus.RUNNING,
        action="campaign.resumed",
        only_from=CampaignStatus.PAUSED,
    )


@transaction.atomic
def campaign_close(*, actor: User | None, campaign: Campaign) -> Campaign:
    """Close for good: the queue stops, figures are final. Live claims are dropped."""
    campaign = _transition(
        actor=actor, campaign=campaign, to=CampaignStatus.CLOSED, action="campaign.closed"
    )
    transitions.move_many(
        TARGET,
        Target.objects.filter(campaign=campaign),
        sources=[TargetStatus.CLAIMED],
        to=TargetStatus.PENDING,
        fields={"claimed_by": None, "claimed_at": None, "claim_expires_at": None},
    )
    return campaign
