"""API of the campaigns: create, build, run; the call queue; recording calls; progress.

Same rules as the pages: a user sees only its organisation's campaigns (another's → 404); a
manager (campaign.manage) creates, builds and starts; a caller (call.take) takes calls. Errors
are `{"detail": "phrase"}`: 403 wrong role, 404 not visible, 409 state conflict (someone
else's claim, closed campaign), 422 unusable input.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from ninja import Router, Schema, Status
from ninja.errors import HttpError

from vigie.accounts.http import AuthenticatedRequest
from vigie.api.declare import Detail, needs
from vigie.campaigns import queue, selectors, services
from vigie.campaigns.choices import SENSITIVE_NEEDS
from vigie.campaigns.models import Campaign, Target
from vigie.campaigns.templates_catalog import TEMPLATES
from vigie.core.errors import PermissionDeniedError
from vigie.core.models import AccessAction
from vigie.core.permissions import Perm
from vigie.core.phones import format_phone
from vigie.core.selectors import organisations_where
from vigie.core.sensitivity import may_see_health
from vigie.core.services import access_record
from vigie.housing.api import OccupantOut  # one schema name, one shape

router = Router(tags=["campagnes"])


# --- Schemas ------------------------------------------------------------------------------------


class WaveIn(Schema):
    name: str = ""
    cohorts: list[str] = []
    priority: int = 1
    filters: dict[str, Any] = {}


class QuestionIn(Schema):
    text: str
    kind: str = "yes_no"
    choices: list[str] = []
    maps_to_need: str = ""


class CampaignIn(Schema):
    name: str = ""
    as_of: date
    waves: list[WaveIn] = []
    purpose: str = ""
    template: str | None = None
    organisation: str | None = None
    questions: list[QuestionIn] | None = None


class WaveOut(Schema):
    id: int
    name: str
    priority: int
    cohorts: list[str]
    filters: dict[str, Any]
    paused: bool


class QuestionOut(Schema):
    id: int
    position: int
    text: str
    kind: str
    choices: list[str]
    maps_to_need: str


class CampaignOut(Schema):
    id: int
    organisation: str
    name: str
    purpose: str
    template: str
    as_of: date
    status: str
    claim_minutes: int
    created_at: datetime
    started_at: datetime | None
    closed_at: datetime | None
    waves: list[WaveOut]
    questions: list[QuestionOut]


class WaveCount(Schema):
    name: str
    targets: int
    no_phone: int = 0


class BuildOut(Schema):
    targets: int
    added: int
    waves: list[WaveCount]
    opted_out: int
    no_phone: int


class CallHouseholdOut(Schema):
    """The household as the caller needs it (the register's HouseholdOut is another shape)."""

    id: int
    reference: str
    address: str
    postcode: str
    commune: str
    residence: str
    agency: str
    occupants: list[OccupantOut]
    phones: list[str]


class PreviousAttempt(Schema):
    at: datetime
    caller: str
    result: str
    outcome: str
    notes: str | None


class NextCallOut(Schema):
    target_id: int
    campaign_id: int
    wave: str
    cohorts: list[str]
    status: str
    attempts_count: int
    claim_expires_at: datetime
    callback_at: datetime | None
    household: CallHouseholdOut
    previous_attempts: list[PreviousAttempt]
    open_needs: list[str]


class AttemptIn(Schema):
    result: str
    outcome: str | None = None
    needs: list[str] = []
    answers: dict[str, Any] = {}
    notes: str = ""
    callback_at: datetime | None = None
    phone: str = ""
    from_paper: bool = False


class AttemptOut(Schema):
    id: int
    target_id: int
    result: str
    outcome: str | None
    needs: list[str]
    target_status: str
    callback_at: datetime | None


class WaveStats(Schema):
    name: str
    targets: int
    reached: int
    reassuring: int
    needs_follow_up: int
    not_reached: int
    remaining: int
    no_phone: int
    departed: int = 0


class CallerStats(Schema):
    username: str
    attempts: int
    reached: int
    reassuring: int
    needs_follow_up: int


class StatsOut(Schema):
    targets: int
    reached: int
    reassuring: int
    needs_follow_up: int
    not_reached: int
    refused: int
    remaining: int
    no_phone: int
    departed: int = 0  # households that left (marked departed by an import): out of the queue
    waves: list[WaveStats]
    callers: list[CallerStats]
    needs: dict[str, int]


# --- Helpers --------------------------------------------------------------------------------------


def _campaign(request: AuthenticatedRequest, campaign_id: int) -> Campaign:
    if not request.user.has_org_perm(Perm.CAMPAIGN_VIEW):
        raise PermissionDeniedError(_("Vous n'avez pas accès aux campagnes d'appels."))
    return selectors.campaign_detail(request.user, campaign_id)


def _sensitive(request: AuthenticatedRequest, organisation_id: int) -> bool:
    return may_see_health(request.user, organisation_id)


def _campaign_out(c: Campaign) -> dict[str, Any]:
    return {
        "id": c.pk,
        "organisation": c.organisation.slug,
        "name": c.name,
        "purpose": c.purpose,
        "template": c.template,
        "as_of": c.as_of,
        "status": c.status,
        "claim_minutes": c.claim_minutes,
        "created_at": c.created_at,
        "started_at": c.started_at,
        "closed_at": c.closed_at,
        "waves": list(c.waves.all()),
        "questions": list(c.questions.all()),
    }


def _target_out(request: AuthenticatedRequest, target: Target) -> dict[str, Any]:
    h = target.household
    org_id = target.organisation_id
    sensitive = _sensitive(request, org_id)
    notes = request.user.has_org_perm(Perm.CALL_NOTES_VIEW, org_id)
    as_of = target.campaign.as_of
    occupants = []
    phones: list[str] = []
    for o in h.occupants.order_by("position", "id"):
        own = [format_phone(p) for p in o.usable_phones]
        phones.extend(p for p in own if p not in phones)
        occupants.append(
            {
                "last_name": o.last_name,
                "first_name": o.first_name,
                "role": o.role,
                "age": o.age_on(as_of),
                "phones": own,
            }
        )
    dwelling = h.dwelling
    agency = dwelling.residence.agency
    return {
        "target_id": target.pk,
        "campaign_id": target.campaign_id,
        "wave": target.wave.name_for(sensitive=sensitive),
        "cohorts": [c for c in target.cohorts if sensitive or c != "disability"],
        "status": target.status,
        "attempts_count": target.attempts_count,
        "claim_expires_at": target.claim_expires_at,
        "callback_at": target.due_at if target.preferred_caller_id else None,
        "household": {
            "id": h.pk,
            "reference": h.reference,
            "address": dwelling.address,
            "postcode": dwelling.postcode,
            "commune": dwelling.commune.name,
            "residence": dwelling.residence.name,
            "agency": agency.name if agency else "",
            "occupants": occupants,
            "phones": phones,
        },
        "previous_attempts": [
            {
                "at": a.started_at,
                "caller": a.caller.username if a.caller else "",
                "result": a.result,
                "outcome": a.outcome,
                "notes": a.notes if notes else None,
            }
            for a in selectors.household_attempts(h)
        ],
        "open_needs": [n.kind for n in selectors.household_open_needs(h, sensitive=sensitive)],
    }


# --- Endpoints ------------------------------------------------------------------------------------


@router.get(
    "/campaigns", summary="Campagnes visibles", **needs(Perm.CAMPAIGN_VIEW, list[CampaignOut])
)
def list_campaigns(request: AuthenticatedRequest):
    if not request.user.has_org_perm(Perm.CAMPAIGN_VIEW):
        raise PermissionDeniedError(_("Vous n'avez pas accès aux campagnes d'appels."))
    qs = selectors.campaign_list(request.user).prefetch_related("waves", "questions")
    return [_campaign_out(c) for c in qs]


@router.post(
    "/campaigns",
    summary="Créer une campagne",
    **needs(Perm.CAMPAIGN_MANAGE, {201: CampaignOut}),
)
def create_campaign(request: AuthenticatedRequest, payload: CampaignIn):
    orgs = list(organisations_where(request.user, Perm.CAMPAIGN_MANAGE))
    if not orgs:
        raise PermissionDeniedError(
            _("Seul·e un·e responsable de campagne peut créer une campagne.")
        )
    if payload.organisation:
        org = next((o for o in orgs if o.slug == payload.organisation), None)
        if org is None:
            raise PermissionDeniedError(
                _("Vous ne gérez pas les campagnes de l'organisation « %(org)s ».")
                % {"org": payload.organisation}
            )
    elif len(orgs) == 1:
        org = orgs[0]
    else:
        raise services.CampaignInputError(
            _("Vous gérez plusieurs organisations : précisez « organisation » (%(slugs)s).")
            % {"slugs": ", ".join(o.slug for o in orgs)}
        )
    waves: list[Any] = [w.dict() for w in payload.waves]
    questions = [q.dict() for q in payload.questions] if payload.questions is not None else None
    if payload.template:
        spec = TEMPLATES.get(payload.template)
        if spec is None:
            raise services.CampaignInputError(
                _("Modèle de campagne inconnu « %(template)s » (attendu : %(expected)s).")
                % {"template": payload.template, "expected": ", ".join(TEMPLATES)}
            )
        waves = waves or [dict(w) for w in spec["waves"]]
        questions = questions if questions is not None else [dict(q) for q in spec["questions"]]
    campaign = services.campaign_create(
        actor=request.user,
        organisation=org,
        name=payload.name or (TEMPLATES[payload.template]["name"] if payload.template else ""),
        as_of=payload.as_of,
        purpose=payload.purpose
        or (TEMPLATES[payload.template]["purpose"] if payload.template else ""),
        template=payload.template or "",
        waves=waves,
        questions=questions,
    )
    return Status(201, _campaign_out(selectors.campaign_detail(request.user, campaign.pk)))


@router.get(
    "/campaigns/{campaign_id}", summary="Une campagne", **needs(Perm.CAMPAIGN_VIEW, CampaignOut)
)
def get_campaign(request: AuthenticatedRequest, campaign_id: int):
    return _campaign_out(_campaign(request, campaign_id))


@router.post(
    "/campaigns/{campaign_id}/build",
    summary="Construire la liste",
    **needs(Perm.CAMPAIGN_MANAGE, BuildOut),
)
def build_campaign(request: AuthenticatedRequest, campaign_id: int):
    return services.campaign_build(actor=request.user, campaign=_campaign(request, campaign_id))


def _transition(fn):
    def endpoint(request, campaign_id: int):
        fn(actor=request.user, campaign=_campaign(request, campaign_id))
        return _campaign_out(selectors.campaign_detail(request.user, campaign_id))

    return endpoint


router.post(
    "/campaigns/{campaign_id}/start",
    summary="Lancer (ou reprendre)",
    **needs(Perm.CAMPAIGN_MANAGE, CampaignOut),
    operation_id="campaign_start",
)(_transition(services.campaign_start))
router.post(
    "/campaigns/{campaign_id}/pause",
    summary="Mettre en pause",
    **needs(Perm.CAMPAIGN_MANAGE, CampaignOut),
    operation_id="campaign_pause",
)(_transition(services.campaign_pause))
router.post(
    "/campaigns/{campaign_id}/resume",
    summary="Reprendre",
    **needs(Perm.CAMPAIGN_MANAGE, CampaignOut),
    operation_id="campaign_resume",
)(_transition(services.campaign_resume))
router.post(
    "/campaigns/{campaign_id}/close",
    summary="Clôturer",
    **needs(Perm.CAMPAIGN_MANAGE, CampaignOut),
    operation_id="campaign_close",
)(_transition(services.campaign_close))


@router.post(
    "/campaigns/{campaign_id}/next-call",
    summary="Prendre l'appel suivant",
    **needs(Perm.CALL_TAKE, {200: NextCallOut, 204: None}),
)
def next_call(request: AuthenticatedRequest, campaign_id: int):
    campaign = _campaign(request, campaign_id)
    target = queue.next_call(campaign=campaign, caller=request.user)
    if target is None:
        return Status(204, None)
    target = selectors.target_for_user(request.user, target.pk)
    access_record(
        user=request.user, action=AccessAction.VIEW, obj=target.household, path=request.path
    )
    return _target_out(request, target)


@router.post(
    "/targets/{target_id}/release", summary="Rendre un appel", **needs(Perm.CALL_TAKE, Detail)
)
def release_target(request: AuthenticatedRequest, target_id: int):
    if not request.user.has_org_perm(Perm.CALL_TAKE):
        raise PermissionDeniedError(_("Seul·e un·e chargé·e de veille peut rendre un appel."))
    target = selectors.target_for_user(request.user, target_id)
    queue.claim_release(actor=request.user, target=target)
    return {"detail": _("Appel rendu à la file.")}


@router.post(
    "/targets/{target_id}/attempts",
    summary="Noter un appel",
    **needs(Perm.CALL_TAKE, {201: AttemptOut}),
)
def record_attempt(request: AuthenticatedRequest, target_id: int, payload: AttemptIn):
    if not request.user.has_org_perm(Perm.CAMPAIGN_VIEW):
        raise PermissionDeniedError(_("Vous n'avez pas accès aux campagnes d'appels."))
    target = get_object_or_404(
        Target.objects.visible_to(request.user, Perm.CAMPAIGN_VIEW), pk=target_id
    )
    attempt = services.attempt_record(
        actor=request.user,
        target=target,
        result=payload.result,
        outcome=payload.outcome,
        needs=payload.needs,
        answers=payload.answers,
        notes=payload.notes,
        callback_at=payload.callback_at,
        phone=payload.phone,
        from_paper=payload.from_paper,
    )
    target.refresh_from_db()
    sensitive = _sensitive(request, target.organisation_id)
    return Status(
        201,
        {
            "id": attempt.pk,
            "target_id": target.pk,
            "result": attempt.result,
            "outcome": attempt.outcome or None,
            "needs": [n for n in attempt.needs if sensitive or n not in SENSITIVE_NEEDS],
            "target_status": target.status,
            "callback_at": attempt.callback_at,
        },
    )


@router.get(
    "/campaigns/{campaign_id}/stats", summary="Avancement", **needs(Perm.CAMPAIGN_VIEW, StatsOut)
)
def campaign_stats(request: AuthenticatedRequest, campaign_id: int):
    campaign = _campaign(request, campaign_id)
    return selectors.campaign_stats(
        campaign, sensitive=_sensitive(request, campaign.organisation_id)
    )


@router.get(
    "/campaign-templates",
    summary="Modèles de campagne",
    **needs(Perm.CAMPAIGN_VIEW, dict[str, Any]),
)
def campaign_templates(request: AuthenticatedRequest):
    if not request.user.has_org_perm(Perm.CAMPAIGN_VIEW):
        raise HttpError(403, _("Vous n'avez pas accès aux campagnes d'appels."))
    return {
        key: {"label": t["label"], "name": t["name"], "purpose": t["purpose"], "waves": t["waves"]}
        for key, t in TEMPLATES.items()
    }
