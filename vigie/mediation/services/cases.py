"""A case's life: referral by a landlord, the centre's answer, consents, pause, closure."""

from __future__ import annotations

from datetime import date, timedelta
from typing import TYPE_CHECKING, Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from vigie.core import transitions
from vigie.core.errors import ConflictError, DomainError, PermissionDeniedError
from vigie.core.models import AccessAction, Organisation, OrganisationKind
from vigie.core.permissions import Perm, Role
from vigie.core.phones import parse_phone
from vigie.core.services import access_record, audit_log
from vigie.mediation.choices import (
    CaseStatus,
    CaseType,
    ConsentHow,
    Outcome,
    PartyRole,
    Trouble,
)
from vigie.mediation.models import Assignment, BreakGlass, Case, Party, ServiceAgreement
from vigie.mediation.permissions import ASSIGN, BREAK_GLASS, CASE_HANDLE, REFER
from vigie.mediation.services.common import NotFoundError, require_centre
from vigie.mediation.transitions import CASE

if TYPE_CHECKING:
    from vigie.accounts.models import User

# How long a break-glass opens every compartment of the case to the director.
BREAK_GLASS_HOURS = 24


def _landlord_of(actor: User, visible: list[Any], landlord: Organisation | None):
    """The landlord on whose behalf the actor refers: named, or their only one, or the one of
    the first household of theirs named."""
    ids = actor.scope(REFER).full_org_ids
    if landlord is not None:
        if landlord.pk not in ids:
            raise PermissionDeniedError(
                _("Vous n'orientez pas vers la médiation au nom de %(org)s.") % {"org": landlord}
            )
        return landlord
    if len(ids) == 1:
        return Organisation.objects.get(pk=ids[0])
    for household in visible:
        if household.organisation_id in ids:
            return Organisation.objects.get(pk=household.organisation_id)
    raise DomainError(_("Précisez le bailleur au nom duquel vous orientez."), field="landlord")


@transaction.atomic
def referral_create(
    *,
    actor: User,
    centre: str | Organisation,
    type: str,
    households: list[int] | None = None,
    others: list[dict[str, str]] | None = None,
    trouble: str,
    intensity: int,
    summary: str = "",
    landlord: Organisation | None = None,
    need: Any = None,
    ticket: Any = None,
) -> Case:
    """A landlord refers a situation to a centre serving it; the case starts `referred`."""
    from vigie.housing.models import Household

    if not actor.has_org_perm(REFER):
        raise PermissionDeniedError(
            _(
                "Seul·e un·e responsable ou un·e chargé·e de veille du bailleur oriente vers la médiation."
            )
        )
    if type not in CaseType.values:
        raise DomainError(
            _("Type inconnu : « %(v)s » (dispute ou support).") % {"v": type}, field="type"
        )
    if trouble not in Trouble.values:
        raise DomainError(
            _("Trouble inconnu : « %(v)s » (codes : %(codes)s).")
            % {"v": trouble, "codes": ", ".join(Trouble.values)},
            field="trouble",
        )
    if not isinstance(intensity, int) or not 1 <= intensity <= 4:
        raise DomainError(
            _("L'intensité va de 1 à 4 (reçu : %(v)s).") % {"v": intensity}, field="intensity"
        )
    household_ids = list(dict.fromkeys(households or []))
    found = {
        h.pk: h
        for h in Household.objects.visible_to(actor, Perm.HOUSEHOLD_VIEW).filter(
            pk__in=household_ids
        )
    }
    landlord = _landlord_of(actor, list(found.values()), landlord)
    centre_org: Organisation | None
    if isinstance(centre, Organisation):
        centre_org = centre
    else:
        centre_org = Organisation.objects.filter(
            slug=centre, kind=OrganisationKind.MEDIATION_CENTRE
        ).first()
    if (
        centre_org is None
        or not ServiceAgreement.objects.filter(organisation=centre_org, landlord=landlord).exists()
    ):
        raise DomainError(
            _("Le centre de médiation « %(c)s » ne sert pas %(landlord)s (aucune convention).")
            % {"c": getattr(centre_org, "slug", centre), "landlord": landlord.name},
            field="centre",
        )
    # A party may be a household of another landlord the centre serves (a dispute between
    # neighbours of two landlords): named by its id, never shown to the referrer, and that
    # landlord sees nothing of the case (it did not refer it).
    served = ServiceAgreement.objects.filter(organisation=centre_org).values("landlord_id")
    missing = [pk for pk in household_ids if pk not in found]
    if missing:
        found.update(
            (h.pk, h) for h in Household.objects.filter(pk__in=missing, organisation_id__in=served)
        )
    missing = [pk for pk in household_ids if pk not in found]
    if missing:
        raise NotFoundError(_("Ménage n° %(id)s introuvable.") % {"id": missing[0]})
    chosen = [found[pk] for pk in household_ids]
    outsiders = []
    for i, other in enumerate(others or [], start=1):
        name = str(other.get("name", "")).strip()
        raw_phone = str(other.get("phone", "")).strip()
        if not name:
            raise DomainError(
                _("Personne extérieure n° %(n)s : le nom manque.") % {"n": i}, field="others"
            )
        phone = parse_phone(raw_phone) if raw_phone else ""
        if phone is None:
            raise DomainError(
                _("Personne extérieure n° %(n)s : « %(phone)s » n'est pas un numéro valide.")
                % {"n": i, "phone": raw_phone},
                field="others",
            )
        outsiders.append(
            {"name": name[:200], "phone": phone, "email": str(other.get("email", ""))[:254]}
        )
    if not chosen and not outsiders:
        raise DomainError(
            _("Nommez au moins une partie : un ménage ou une personne extérieure."),
            field="households",
        )
    case = Case.objects.create(
        organisation=centre_org,
        landlord=landlord,
        type=type,
        trouble=trouble,
        intensity=intensity,
        summary=summary[:4000],
        referred_by=actor,
        referred_on=timezone.localdate(),
        need=need,
        ticket=ticket,
    )
    first_role = PartyRole.APPLICANT
    later_role = PartyRole.RESPONDENT if type == CaseType.DISPUTE else PartyRole.OTHER
    rank = 0
    for household in chosen:
        Party.objects.create(
            organisation=centre_org,
            case=case,
            household=household,
            role=first_role if rank == 0 else later_role,
        )
        rank += 1
    for other in outsiders:
        Party.objects.create(
            organisation=centre_org,
            case=case,
            role=first_role if rank == 0 else later_role,
            **other,
        )
        rank += 1
    audit_log(
        actor=actor,
        action="mediation.case_referred",
        obj=case,
        payload={"landlord": landlord.slug, "type": type, "trouble": trouble},
    )
    return case


def case_accept(*, actor: User | None, case: Case, version: int | None = None) -> Case:
    require_centre(actor, CASE_HANDLE, case)
    return transitions.transition(
        CASE,
        case,
        to=CaseStatus.ACCEPTED,
        actor=actor,
        action="mediation.case_accepted",
        version=version,
        apply=lambda c: setattr(c, "answered_on", timezone.localdate()),
    )


def case_decline(
    *, actor: User | None, case: Case, reason: str, version: int | None = None
) -> Case:
    require_centre(actor, CASE_HANDLE, case)
    reason = (reason or "").strip()
    if not reason:
        raise DomainError(_("Donnez le motif du refus."), field="reason")

    def apply(c: Case) -> None:
        c.answered_on = timezone.localdate()
        c.decline_reason = reason[:500]

    return transitions.transition(
        CASE,
        case,
        to=CaseStatus.DECLINED,
        actor=actor,
        action="mediation.case_declined",
        version=version,
        apply=apply,
    )


def party_of(case: Case, *, party: int | None = None, household: int | None = None) -> Party:
    """A party of the case by its own id, or by its household's id."""
    qs = Party.objects.filter(case=case)
    found = None
    if party is not None:
        found = qs.filter(pk=party).first()
    elif household is not None:
        found = qs.filter(household_id=household).first()
    if found is None:
        raise DomainError(
            _("Cette personne n'est pas une partie de la médiation n° %(id)s.") % {"id": case.pk},
            field="party",
        )
    return found


@transaction.atomic
def consent_record(
    *,
    actor: User | None,
    case: Case,
    party: Party,
    given_on: date,
    how: str,
    refused: bool = False,
) -> Case:
    """A party's agreement to mediation (or refusal). Every party agreeing opens the case; one
    refusing closes it as "not engaged"."""
    require_centre(actor, CASE_HANDLE, case)
    case = transitions.lock(CASE, case)
    if case.status not in (CaseStatus.ACCEPTED, CaseStatus.AWAITING_CONSENT):
        raise ConflictError(
            _(
                "Les accords se recueillent une fois la médiation acceptée et avant son ouverture "
                "(elle est « %(status)s »)."
            )
            % {"status": CaseStatus(case.status).label}
        )
    if how not in ConsentHow.values:
        raise DomainError(
            _("Forme de l'accord inconnue : « %(v)s » (written, oral ou email).") % {"v": how},
            field="how",
        )
    if given_on > timezone.localdate():
        raise DomainError(
            _("La date de l'accord ne peut pas être dans le futur."), field="given_on"
        )
    party.consent_on = given_on
    party.consent_how = how
    party.consent_refused = refused
    party.save(update_fields=["consent_on", "consent_how", "consent_refused", "updated_at"])
    audit_log(
        actor=actor,
        action="mediation.consent_recorded",
        obj=case,
        payload={"party": party.pk, "how": how, "refused": refused},
    )
    if case.status == CaseStatus.ACCEPTED:
        case = transitions.move(
            CASE,
            case,
            to=CaseStatus.AWAITING_CONSENT,
            actor=actor,
            action="mediation.case_awaiting_consent",
        )
    if refused:

        def not_engaged(c: Case) -> None:
            c.outcome = Outcome.NOT_ENGAGED
            c.closed_on = timezone.localdate()

        return transitions.move(
            CASE,
            case,
            to=CaseStatus.CLOSED,
            actor=actor,
            action="mediation.case_closed",
            payload={"outcome": Outcome.NOT_ENGAGED},
            apply=not_engaged,
        )
    parties = list(Party.objects.filter(case=case))
    if parties and all(p.consented for p in parties):
        case = transitions.move(
            CASE,
            case,
            to=CaseStatus.IN_PROGRESS,
            actor=actor,
            action="mediation.case_opened",
            apply=lambda c: setattr(c, "opened_on", c.opened_on or timezone.localdate()),
        )
    return case


@transaction.atomic
def practitioner_assign(*, actor: User | None, case: Case, user: User) -> Assignment:
    """Assign a practitioner of the centre to the case (the director; or by naming them in a
    session)."""
    if actor is not None:
        require_centre(actor, ASSIGN, case)
    return _assign(actor=actor, case=case, user=user)


def _assign(*, actor: User | None, case: Case, user: User) -> Assignment:
    if not user.memberships.filter(
        organisation_id=case.organisation_id, role__in=(Role.MEDIATOR, Role.MEDIATION_DIRECTOR)
    ).exists():
        raise DomainError(
            _("%(user)s n'est pas praticien·ne du centre.") % {"user": user.username},
            field="username",
        )
    assignment, created = Assignment.objects.get_or_create(
        organisation_id=case.organisation_id, case=case, user=user
    )
    if created:
        audit_log(
            actor=actor,
            action="mediation.practitioner_assigned",
            obj=case,
            payload={"username": user.username},
        )
    return assignment


def case_pause(
    *, actor: User | None, case: Case, reason: str, resume_on: date, version: int | None = None
) -> Case:
    require_centre(actor, CASE_HANDLE, case)
    reason = (reason or "").strip()
    if not reason:
        raise DomainError(_("Donnez le motif de la pause."), field="reason")

    def apply(c: Case) -> None:
        c.pause_reason = reason[:500]
        c.resume_on = resume_on

    return transitions.transition(
        CASE,
        case,
        to=CaseStatus.PAUSED,
        actor=actor,
        action="mediation.case_paused",
        version=version,
        apply=apply,
        payload={"resume_on": resume_on.isoformat()},
    )


def case_resume(*, actor: User | None, case: Case, version: int | None = None) -> Case:
    require_centre(actor, CASE_HANDLE, case)

    def apply(c: Case) -> None:
        c.resume_on = None

    return transitions.transition(
        CASE,
        case,
        to=CaseStatus.IN_PROGRESS,
        actor=actor,
        action="mediation.case_resumed",
        version=version,
        apply=apply,
    )


def case_close(
    *,
    actor: User | None,
    case: Case,
    outcome: str,
    agreement_text: str = "",
    agreement_shareable: bool = False,
    agreement_signed_on: date | None = None,
    version: int | None = None,
) -> Case:
    """Close with an outcome; an "agreement" outcome carries the protocole d'accord."""
    require_centre(actor, CASE_HANDLE, case)
    if outcome not in Outcome.values:
        raise DomainError(
            _("Résultat inconnu : « %(v)s » (codes : %(codes)s).")
            % {"v": outcome, "codes": ", ".join(Outcome.values)},
            field="outcome",
        )
    text = (agreement_text or "").strip()
    if outcome == Outcome.AGREEMENT and not text:
        raise DomainError(
            _("Un accord signé se clôt avec le texte du protocole d'accord."),
            field="agreement_text",
        )
    today = timezone.localdate()

    def apply(c: Case) -> None:
        c.outcome = outcome
        c.closed_on = today
        if outcome == Outcome.AGREEMENT:
            c.agreement_text = text
            c.agreement_shareable = bool(agreement_shareable)
            c.agreement_signed_on = agreement_signed_on or today

    return transitions.transition(
        CASE,
        case,
        to=CaseStatus.CLOSED,
        actor=actor,
        action="mediation.case_closed",
        version=version,
        apply=apply,
        payload={"outcome": outcome, "shareable": bool(agreement_shareable)},
    )


@transaction.atomic
def break_glass(*, actor: User, case: Case, reason: str, path: str = "") -> BreakGlass:
    """The director opens every compartment of the case for a day: journal and access log."""
    require_centre(actor, BREAK_GLASS, case)
    reason = (reason or "").strip()
    if len(reason) < 3:
        raise DomainError(_("Donnez le motif de la levée du secret."), field="reason")
    glass = BreakGlass.objects.create(
        organisation_id=case.organisation_id,
        case=case,
        user=actor,
        reason=reason[:500],
        expires_at=timezone.now() + timedelta(hours=BREAK_GLASS_HOURS),
    )
    audit_log(
        actor=actor,
        action="mediation.break_glass",
        obj=case,
        payload={"reason": reason[:500]},
    )
    access_record(user=actor, action=AccessAction.VIEW, obj=case, detail="break-glass", path=path)
    return glass
