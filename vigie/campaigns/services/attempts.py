"""Recording a call: check the claim and the input, move the household on in the queue."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from vigie.campaigns import counters
from vigie.campaigns.choices import (
    OPEN_TARGET_STATUSES,
    AttemptResult,
    CampaignStatus,
    NeedKind,
    Outcome,
    QuestionKind,
    TargetStatus,
)
from vigie.campaigns.models import (
    Attempt,
    Need,
    ScriptQuestion,
    Target,
    default_retry_policy,
)
from vigie.campaigns.queue import next_try_at
from vigie.campaigns.services.common import (
    CampaignInputError,
    require_perm,
)
from vigie.campaigns.transitions import TARGET
from vigie.core import transitions
from vigie.core.errors import ConflictError
from vigie.core.permissions import Perm
from vigie.core.services import audit_log
from vigie.housing.models import Household
from vigie.housing.services import household_refresh_composition

if TYPE_CHECKING:
    from vigie.accounts.models import User


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
                _("Réponse à une question qui n'est pas dans la trame (n° %(key)s).") % {"key": key}
            )
        if value is None or value == "":
            continue
        if q.kind == QuestionKind.YES_NO:
            if value in (True, "yes", "oui"):
                value = True
            elif value in (False, "no", "non"):
                value = False
            else:
                raise CampaignInputError(
                    _("« %(text)s » : répondez oui ou non.") % {"text": q.text}
                )
        elif q.kind == QuestionKind.CHOICE and value not in q.choices:
            raise CampaignInputError(
                _("« %(text)s » : « %(value)s » n'est pas un des choix proposés.")
                % {"text": q.text, "value": value}
            )
        else:
            value = str(value)[:500]
        clean[str(q.pk)] = value
    return clean


def _flag_wrong_number(*, actor: User | None, target: Target, phone: str) -> None:
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
    actor: User | None,
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
    held_when_departed: bool = False,
) -> Attempt:
    """Record a call and move the household on in the queue.

    The caller must hold the claim (else ConflictError → 409); `from_paper` records a call
    made from a printed sheet, allowed when nobody else holds the household. Then: reached →
    done (or callback if `callback_at`); refused → done; wrong number → the number is flagged
    in the register and the household goes back to the queue if it has another phone, else to
    the not-reached list; no answer / busy / voicemail → retried per the campaign's policy, and
    after the last try → not reached (doorstep visit).

    A household marked departed while the caller was on the phone (an import clears the
    claim, campaigns/departures.py) is refused, unless the page vouches that this caller held
    it (`held_when_departed`, a signed token of the call card): the call did happen, so it is
    kept in the household's history with its needs and notes, and the household stays out of
    the queue (`attempt.departed_during_call` is then set on the returned attempt).
    """
    now = now or timezone.now()
    # Lock the target row only: locking the joined campaign row too (PostgreSQL's default for
    # FOR UPDATE) would make every call of the campaign wait for the previous one to commit.
    target = transitions.lock(TARGET, target, related=("campaign",))
    campaign = target.campaign
    require_perm(
        actor,
        Perm.CALL_TAKE,
        target.organisation_id,
        _(
            "Vous n'êtes pas chargé·e de veille pour ce bailleur : vous ne pouvez pas enregistrer d'appel."
        ),
    )
    if campaign.status == CampaignStatus.CLOSED:
        raise ConflictError(
            _("La campagne « %(name)s » est clôturée : l'appel n'est plus enregistrable.")
            % {"name": campaign.name}
        )
    actor_pk = actor.pk if actor is not None else None
    holds = target.status == TargetStatus.CLAIMED and target.claimed_by_id == actor_pk
    if not holds:
        taken_by_other = (
            target.status == TargetStatus.CLAIMED
            and target.claimed_by_id not in (None, actor_pk)
            and target.claim_expires_at is not None
            and target.claim_expires_at > now
        )
        if target.status == TargetStatus.DEPARTED and held_when_departed and not from_paper:
            pass  # recorded below; the household stays departed
        elif target.status == TargetStatus.DEPARTED:
            raise ConflictError(
                _(
                    "Ce ménage a été marqué parti (il a quitté son logement) : il est sorti de la file d'appels. Demandez l'appel suivant."
                )
            )
        elif not from_paper or taken_by_other or target.status not in OPEN_TARGET_STATUSES:
            raise ConflictError(
                _(
                    "Ce ménage n'est pas (ou plus) attribué à vous : un·e collègue l'a peut-être pris. Demandez l'appel suivant."
                )
            )
    # Input.
    if result not in AttemptResult.values:
        raise CampaignInputError(
            _("Résultat d'appel inconnu « %(result)s » (attendu : %(expected)s).")
            % {"result": result, "expected": ", ".join(AttemptResult.values)}
        )
    outcome = outcome or None
    if outcome is not None and outcome not in Outcome.values:
        raise CampaignInputError(
            _("Issue inconnue « %(outcome)s » (attendu : %(expected)s).")
            % {"outcome": outcome, "expected": ", ".join(Outcome.values)}
        )
    need_list = [str(n) for n in needs]
    bad = [n for n in need_list if n not in NeedKind.values]
    if bad:
        raise CampaignInputError(
            _("Besoin inconnu « %(value)s » (attendu : %(expected)s).")
            % {"value": bad[0], "expected": ", ".join(NeedKind.values)}
        )
    questions = list(campaign.questions.all())
    clean_answers = _validate_answers(questions, answers or {})
    need_list = list(dict.fromkeys(need_list + needs_from_answers(questions, clean_answers)))
    reached = result == AttemptResult.REACHED
    if not reached and (outcome or need_list):
        raise CampaignInputError(
            _("L'issue et les besoins ne se notent que si le ménage a été joint.")
        )
    if need_list and outcome == Outcome.REASSURING:
        raise CampaignInputError(
            _(
                "Un appel qui signale des besoins n'est pas « rassurant » : choisissez « suite à donner »."
            )
        )
    if reached and need_list and outcome is None:
        outcome = Outcome.NEEDS_FOLLOW_UP
    if callback_at is not None:
        if result in (AttemptResult.WRONG_NUMBER, AttemptResult.REFUSED):
            raise CampaignInputError(_("Pas de rappel possible après un faux numéro ou un refus."))
        if callback_at <= now:
            raise CampaignInputError(_("La date de rappel doit être dans le futur."))
    elif reached and outcome is None:
        raise CampaignInputError(
            _("Indiquez l'issue de l'appel : rassurant ou suite à donner (ou une date de rappel).")
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

    if target.status == TargetStatus.DEPARTED:
        # Departed during the call: the call is kept, the household stays out of the queue.
        Target.objects.filter(pk=target.pk).update(
            attempts_count=target.attempts_count + 1,
            last_result=result,
            last_attempt_at=now,
            updated_at=now,
        )
        audit_log(
            actor=actor,
            action="attempt.recorded",
            obj=attempt,
            payload={
                "target": target.pk,
                "result": result,
                "outcome": outcome or "",
                "needs_count": len(need_list),
                "target_status": TargetStatus.DEPARTED,
                "from_paper": False,
                "departed_during_call": True,
            },
        )
        counters.counters_add(counters.attempt_deltas(attempt, need_list))
        attempt.departed_during_call = True  # type: ignore[attr-defined]
        return attempt

    target.attempts_count += 1
    target.last_result = result
    target.last_attempt_at = now
    target.claimed_by = None
    target.claimed_at = None
    target.claim_expires_at = None
    target.preferred_caller = None
    target.preferred_until = None
    if callback_at is not None:
        to = TargetStatus.CALLBACK
        target.due_at = callback_at
        target.preferred_caller = actor
        target.preferred_until = callback_at + timedelta(minutes=campaign.callback_grace_minutes)
    elif reached:
        to = TargetStatus.DONE
        target.outcome = outcome or ""
    elif result == AttemptResult.REFUSED:
        to = TargetStatus.DONE
    elif result == AttemptResult.WRONG_NUMBER:
        _flag_wrong_number(actor=actor, target=target, phone=phone)
        if Household.objects.filter(pk=target.household_id, has_phone=True).exists():
            to = TargetStatus.PENDING  # try the household's other number now
            target.due_at = now
        else:
            to = TargetStatus.NOT_REACHED
    else:
        policy = campaign.retry_policy.get(result) or default_retry_policy()[result]
        if target.attempts_count >= int(policy.get("max_attempts", 3)):
            to = TargetStatus.NOT_REACHED
        else:
            to = TargetStatus.PENDING
            target.due_at = next_try_at(last=now, policy=policy)
    payload = {
        "target": target.pk,
        "result": result,
        "outcome": outcome or "",
        "needs_count": len(need_list),
        "target_status": to,
        "from_paper": from_paper,
    }
    transitions.move(
        TARGET,
        target,
        to=to,
        actor=actor,
        action="attempt.recorded",
        journal_obj=attempt,
        payload=payload,
    )
    # The stats and dashboard counters, in this transaction (vigie/campaigns/counters.py).
    deltas = counters.attempt_deltas(attempt, need_list)
    if target.status == TargetStatus.NOT_REACHED:  # it was in the queue until this call
        deltas += counters.not_reached_deltas(target, +1)
    counters.counters_add(deltas)
    return attempt
