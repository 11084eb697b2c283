"""Data-subject rights: export, rectification, erasure (anonymisation), objection, refusal."""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from vigie.core.errors import ConflictError, DomainError
from vigie.core.services import audit_log
from vigie.housing.choices import ADULT_ROLES
from vigie.housing.models import Household, Occupant
from vigie.housing.services import household_refresh_composition
from vigie.privacy.deadlines import MAX_EXTENSION_MONTHS, due_date
from vigie.privacy.models import RequestKind, RequestOutcome, SubjectRequest
from vigie.privacy.subject import ERASERS, EXPORTERS

if TYPE_CHECKING:
    from vigie.accounts.models import User

ANONYMISED = "Anonymisé"


def subject_export(*, occupant: Occupant) -> dict:
    """Everything Vigie holds on one person, without other people's personal data."""
    h = occupant.household
    d = h.dwelling
    data = {
        "personne": {
            "nom": occupant.last_name,
            "prenom": occupant.first_name,
            "date_naissance": occupant.birth_date.strftime("%d/%m/%Y")
            if occupant.birth_date
            else None,
            "role": occupant.get_role_display(),
            "telephone": occupant.phone,
            "telephone_2": occupant.phone_2,
            "email": occupant.email,
            "situation_de_handicap": occupant.disability,
            "opposition_aux_appels": occupant.opted_out or h.opted_out,
        },
        "bail": {
            "reference": h.reference,
            "date_entree": h.start_date.strftime("%d/%m/%Y") if h.start_date else None,
            "date_sortie": h.end_date.strftime("%d/%m/%Y") if h.end_date else None,
            "logement": d.reference,
            "adresse": f"{d.address}, {d.postcode} {d.commune.name}",
            "residence": d.residence.name,
            # Other occupants are named by role only: their data is theirs.
            "autres_occupants": [
                o.get_role_display() for o in h.occupants.all() if o.pk != occupant.pk
            ],
        },
        "demandes_rgpd": [
            {
                "type": r.get_kind_display(),
                "recue_le": r.received_on.strftime("%d/%m/%Y"),
                "reponse_due_le": r.due_on.strftime("%d/%m/%Y"),
                "issue": r.get_outcome_display() if r.outcome else _("en cours"),
                "le": timezone.localtime(r.handled_at).strftime("%d/%m/%Y %H:%M")
                if r.handled_at
                else None,
            }
            for r in SubjectRequest.objects.filter(occupant=occupant)
        ],
    }
    for name, fn in EXPORTERS.items():
        data[name] = fn(occupant)
    return data


def _check_kind(kind: str) -> None:
    if kind not in RequestKind.values:
        raise DomainError(_("Type de demande inconnu « %(kind)s ».") % {"kind": kind})


@transaction.atomic
def subject_request_receive(
    *, actor: User | None, occupant: Occupant, kind: str, received_on: date
) -> SubjectRequest:
    """Record a request when it arrives: its deadline runs from `received_on`."""
    _check_kind(kind)
    if received_on > timezone.localdate():
        raise DomainError(
            _("La date de réception ne peut pas être dans le futur."), field="received_on"
        )
    # One open request of a kind per person: a second letter about the same right joins the
    # first (its deadline runs from the first receipt). The person's row is locked so that two
    # DPOs recording the same letter at once make one request.
    Occupant.objects.select_for_update().filter(pk=occupant.pk).first()
    waiting = SubjectRequest.objects.filter(occupant=occupant, kind=kind, outcome="").first()
    if waiting is not None:
        raise ConflictError(
            _(
                "Une demande « %(kind)s » de cette personne, reçue le %(received)s, attend déjà "
                "sa réponse (échéance le %(due)s) : traitez-la plutôt que d'en enregistrer une "
                "seconde."
            )
            % {
                "kind": waiting.get_kind_display(),
                "received": waiting.received_on.strftime("%d/%m/%Y"),
                "due": waiting.due_on.strftime("%d/%m/%Y"),
            }
        )
    req = SubjectRequest.objects.create(
        organisation_id=occupant.organisation_id,
        occupant=occupant,
        household_reference=occupant.household.reference,
        kind=kind,
        received_on=received_on,
        due_on=due_date(received_on),
    )
    audit_log(
        actor=actor,
        action="subject.received",
        obj=occupant.household,
        payload={"request": req.pk, "kind": kind, "due_on": req.due_on.isoformat()},
    )
    return req


@transaction.atomic
def subject_request_extend(
    *, actor: User | None, request_id: int, occupant: Occupant, months: int, reason: str
) -> SubjectRequest:
    """Extend an open request's deadline once, by one or two months (art. 12(3)), with the
    reason the person is told. Only within the first month: the person must hear of the
    extension before the first deadline."""
    req = (
        SubjectRequest.objects.select_for_update().filter(pk=request_id, occupant=occupant).first()
    )
    if req is None:
        raise DomainError(_("Cette demande n'existe pas pour cette personne."))
    if not req.is_open:
        raise DomainError(
            _("Cette demande a déjà reçu sa réponse : son délai ne se prolonge plus.")
        )
    if req.extension_months:
        raise DomainError(
            _("Le délai de cette demande a déjà été prolongé : il ne se prolonge qu'une fois.")
        )
    if months not in range(1, MAX_EXTENSION_MONTHS + 1):
        raise DomainError(
            _("La prolongation est d'un ou deux mois au plus (RGPD, art. 12, § 3)."), field="months"
        )
    if timezone.localdate() > req.due_on:
        raise DomainError(
            _(
                "Trop tard pour prolonger : la personne devait être informée de la prolongation "
                "avant le %(date)s (un mois après la réception)."
            )
            % {"date": req.due_on.strftime("%d/%m/%Y")}
        )
    reason = reason.strip()
    if len(reason) < 10:
        raise DomainError(
            _("Indiquez le motif de la prolongation, tel qu'il a été communiqué à la personne."),
            field="reason",
        )
    req.extension_months = months
    req.extension_reason = reason
    req.due_on = due_date(req.received_on, months)
    req.save(update_fields=["extension_months", "extension_reason", "due_on"])
    audit_log(
        actor=actor,
        action="subject.extended",
        obj=occupant.household,
        payload={"request": req.pk, "months": months, "due_on": req.due_on.isoformat()},
    )
    return req


def _request_answered(
    *,
    actor: User | None,
    occupant: Occupant,
    kind: str,
    outcome: str,
    legal_reason: str = "",
) -> SubjectRequest:
    """The answer to the person's oldest open request of this kind; a request answered at once
    (never recorded as received) is received today."""
    req = (
        SubjectRequest.objects.select_for_update()
        .filter(occupant=occupant, kind=kind, outcome="")
        .order_by("received_on", "id")
        .first()
    )
    if req is None:
        today = timezone.localdate()
        req = SubjectRequest(
            organisation_id=occupant.organisation_id,
            occupant=occupant,
            household_reference=occupant.household.reference,
            kind=kind,
            received_on=today,
            due_on=due_date(today),
        )
    req.outcome, req.legal_reason = outcome, legal_reason
    req.handled_by = actor if getattr(actor, "pk", None) else None
    req.handled_at = timezone.now()
    req.save()
    return req


def _anonymise(occupant: Occupant) -> None:
    occupant.last_name = ANONYMISED
    occupant.first_name = ""
    occupant.birth_date = None
    occupant.phone = occupant.phone_2 = occupant.email = ""
    occupant.phone_to_check = occupant.phone_2_to_check = occupant.email_to_check = False
    occupant.phone_wrong_number = False
    occupant.disability = False
    occupant.opted_out = True
    occupant.save()


def _identifiable_adults_left(household: Household) -> bool:
    return household.occupants.filter(role__in=ADULT_ROLES).exclude(last_name=ANONYMISED).exists()


def _run_erasers(household: Household) -> dict[str, int]:
    return {name: fn(household) for name, fn in ERASERS.items()}


@transaction.atomic
def occupant_erase(*, actor: User | None, occupant: Occupant) -> SubjectRequest:
    """Erase one person (art. 17): anonymise the occupant, everywhere it is named.

    The household's call notes and needs' details are wiped too when no identifiable adult is
    left in it, since they can only be about that person then.
    """
    household = Household.objects.select_for_update().get(pk=occupant.household_id)
    _anonymise(occupant)
    erased = {}
    if not _identifiable_adults_left(household):
        erased = _run_erasers(household)
        household.opted_out = True
        household.save(update_fields=["opted_out"])
    household_refresh_composition(household)
    req = _request_answered(
        actor=actor, occupant=occupant, kind=RequestKind.ERASURE, outcome=RequestOutcome.DONE
    )
    audit_log(
        actor=actor,
        action="subject.erased",
        obj=household,
        payload={"request": req.pk, "erased": erased},
    )
    return req


@transaction.atomic
def household_erase_occupants(*, household: Household, actor: User | None, reason: str) -> None:
    """Erase every occupant of a household (retention after departure)."""
    for occupant in household.occupants.all():
        _anonymise(occupant)
    erased = _run_erasers(household)
    household.anonymised_on = timezone.localdate()
    household.save(update_fields=["anonymised_on"])
    household_refresh_composition(household)
    audit_log(
        actor=actor,
        action="household.anonymised",
        obj=household,
        payload={"reason": reason, "erased": erased},
    )


@transaction.atomic
def occupant_object(*, actor: User | None, occupant: Occupant) -> SubjectRequest:
    """Objection to outreach (art. 21): the household leaves every future call list."""
    occupant.opted_out = True
    occupant.save(update_fields=["opted_out"])
    Household.objects.filter(pk=occupant.household_id).update(opted_out=True)
    req = _request_answered(
        actor=actor, occupant=occupant, kind=RequestKind.OBJECTION, outcome=RequestOutcome.DONE
    )
    audit_log(
        actor=actor, action="subject.objected", obj=occupant.household, payload={"request": req.pk}
    )
    return req


@transaction.atomic
def occupant_rectify(
    *,
    actor: User | None,
    occupant: Occupant,
    version: int,
    last_name: str,
    first_name: str,
    birth_date: date | None,
) -> SubjectRequest:
    """Rectification (art. 16) of identity; contact details are rectified on the household page."""
    household = Household.objects.select_for_update().get(pk=occupant.household_id)
    if household.version != version:
        raise ConflictError(
            _("Ce ménage a été modifié entre-temps : rechargez la page avant de rectifier.")
        )
    if not last_name.strip():
        raise DomainError(_("Le nom ne peut pas être vide."))
    if birth_date and birth_date > timezone.localdate():
        raise DomainError(_("La date de naissance ne peut pas être dans le futur."))
    occupant.last_name, occupant.first_name, occupant.birth_date = (
        last_name.strip(),
        first_name.strip(),
        birth_date,
    )
    occupant.save(update_fields=["last_name", "first_name", "birth_date"])
    Household.objects.filter(pk=household.pk).update(version=household.version + 1)
    household_refresh_composition(household)
    req = _request_answered(
        actor=actor, occupant=occupant, kind=RequestKind.RECTIFICATION, outcome=RequestOutcome.DONE
    )
    audit_log(actor=actor, action="subject.rectified", obj=household, payload={"request": req.pk})
    return req


@transaction.atomic
def subject_request_refuse(
    *, actor: User | None, occupant: Occupant, kind: str, legal_reason: str
) -> SubjectRequest:
    _check_kind(kind)
    if len(legal_reason.strip()) < 10:
        raise DomainError(
            _(
                "Indiquez le motif légal du refus (par exemple une obligation légale de "
                "conservation)."
            )
        )
    req = _request_answered(
        actor=actor,
        occupant=occupant,
        kind=kind,
        outcome=RequestOutcome.REFUSED,
        legal_reason=legal_reason.strip(),
    )
    audit_log(
        actor=actor,
        action="subject.refused",
        obj=occupant.household,
        payload={"request": req.pk, "kind": kind},
    )
    return req


@transaction.atomic
def subject_access_record(*, actor: User | None, occupant: Occupant) -> SubjectRequest:
    req = _request_answered(
        actor=actor, occupant=occupant, kind=RequestKind.ACCESS, outcome=RequestOutcome.DONE
    )
    audit_log(
        actor=actor, action="subject.exported", obj=occupant.household, payload={"request": req.pk}
    )
    return req
