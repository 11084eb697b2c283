"""Reads of the mediation centre: who sees which case, and which compartments of its notes.

- The centre's people (mediators, practitioners, director) read the centre's cases.
- A landlord's managers and callers read the cases *their landlord referred* — and of those
  only status, dates, outcome and the agreement if the parties allowed it (`landlord_view`).
  A landlord whose household is a party to another landlord's case sees nothing of it.
- Notes: a practitioner reads a compartment only when assigned to the case with a discipline
  of that compartment; the director reads every compartment of a case for a day after breaking
  the glass (logged, shown to the DPO). Nobody else reads any note.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.db.models import Prefetch, QuerySet
from django.shortcuts import get_object_or_404
from django.utils import timezone

from vigie.mediation.choices import DISCIPLINE_COMPARTMENT, Compartment
from vigie.mediation.models import (
    Assignment,
    BreakGlass,
    Case,
    Note,
    Party,
    PractitionerDiscipline,
    ServiceAgreement,
    Session,
    SessionParty,
)
from vigie.mediation.permissions import CASE_HANDLE, CASE_VIEW, NOTES

if TYPE_CHECKING:
    from vigie.accounts.models import User


def cases_visible(user: User) -> QuerySet[Case]:
    """Every case the user may open: the centre's own, and the landlord's referrals."""
    return Case.objects.visible_to(user, CASE_VIEW).select_related("organisation", "landlord")


def centre_cases(user: User) -> QuerySet[Case]:
    """The cases of the centres where the user works (never a landlord's view)."""
    return (
        Case.objects.visible_to(user, CASE_HANDLE)
        .filter(organisation_id__in=user.scope(CASE_HANDLE).full_org_ids)
        .select_related("organisation", "landlord")
    )


def referred_cases(user: User) -> QuerySet[Case]:
    """The cases the user's landlords referred (landlord side)."""
    landlords = user.scope(CASE_VIEW).full_org_ids
    return cases_visible(user).filter(landlord_id__in=landlords)


def case_for(user: User, pk: int) -> Case:
    """A case the user may open (another organisation's is a 404)."""
    return get_object_or_404(cases_visible(user), pk=pk)


def is_centre_side(user: User, case: Case) -> bool:
    return user.has_org_perm(CASE_HANDLE, case.organisation_id)


def case_detail(case: Case) -> Case:
    """The case with its parties, sessions and practitioners (the centre's view)."""
    return case_detail_many([case.pk])[0]


def case_detail_many(ids: list[int]) -> list[Case]:
    return list(
        Case.objects.filter(pk__in=ids)
        .select_related("organisation", "landlord", "referred_by")
        .prefetch_related(
            Prefetch(
                "parties",
                queryset=Party.objects.select_related("household").prefetch_related(
                    "household__occupants"
                ),
            ),
            Prefetch(
                "sessions",
                queryset=Session.objects.prefetch_related(
                    "practitioners",
                    Prefetch("attendees", queryset=SessionParty.objects.select_related("party")),
                ),
            ),
            Prefetch("assignments", queryset=Assignment.objects.select_related("user")),
        )
    )


def disciplines_of(user: User, centre_id: int) -> list[str]:
    return list(
        PractitionerDiscipline.objects.filter(organisation_id=centre_id, user=user).values_list(
            "discipline", flat=True
        )
    )


def is_assigned(user: User, case: Case) -> bool:
    return Assignment.objects.filter(case=case, user=user).exists()


def writable_compartments(user: User, case: Case) -> set[str]:
    """The compartments the user may write in: assigned, with a discipline of it."""
    if not user.has_org_perm(NOTES, case.organisation_id) or not is_assigned(user, case):
        return set()
    return {DISCIPLINE_COMPARTMENT[d] for d in disciplines_of(user, case.organisation_id)}


def active_break_glass(user: User, case: Case) -> BreakGlass | None:
    return BreakGlass.objects.filter(case=case, user=user, expires_at__gt=timezone.now()).first()


def readable_compartments(user: User, case: Case) -> set[str]:
    """The compartments of the case's notes the user may read (see the module)."""
    if not user.has_org_perm(NOTES, case.organisation_id):
        return set()
    readable = writable_compartments(user, case)
    if active_break_glass(user, case) is not None:
        readable |= set(Compartment.values)
    return readable


def notes_readable(user: User, case: Case) -> QuerySet[Note]:
    """The notes the user may read, by compartment (the caller access-logs the read)."""
    return (
        Note.objects.filter(case=case, compartment__in=readable_compartments(user, case))
        .select_related("author")
        .order_by("compartment", "created_at", "pk")
    )


def agreement_for_landlord(case: Case) -> dict[str, Any] | None:
    """What the referring landlord learns of the agreement: yes/no, the text only if shared."""
    if case.outcome == "":
        return None
    return {
        "reached": case.agreement_reached,
        "text": case.agreement_text
        if case.agreement_reached and case.agreement_shareable
        else None,
    }


def landlord_view(case: Case) -> dict[str, Any]:
    """A case as its referring landlord reads it: exactly these fields (issue #13 §11)."""
    return {
        "id": case.pk,
        "status": case.status,
        "outcome": case.outcome or None,
        "referred_on": case.referred_on,
        "opened_on": case.opened_on,
        "closed_on": case.closed_on,
        "agreement": agreement_for_landlord(case),
    }


def centres_serving(landlord_ids) -> QuerySet[ServiceAgreement]:
    return ServiceAgreement.objects.filter(landlord_id__in=landlord_ids).select_related(
        "organisation", "landlord"
    )


def household_cases(user: User, household) -> list[Case]:
    """The cases referred by the user's landlord in which the household is a party."""
    return list(
        referred_cases(user)
        .filter(parties__household=household)
        .distinct()
        .order_by("-referred_on", "-pk")
    )


def practitioner_sessions(user: User, centre_ids, start, end) -> QuerySet[Session]:
    """The sessions of a practitioner between two datetimes (the week calendar)."""
    return (
        Session.objects.filter(
            organisation_id__in=centre_ids,
            practitioners=user,
            starts_at__gte=start,
            starts_at__lt=end,
        )
        .select_related("case")
        .order_by("starts_at")
    )


def disciplines_by_user(centre_id: int, user_ids: list[int]) -> dict[int, list[str]]:
    out: dict[int, list[str]] = {}
    for user_id, code in PractitionerDiscipline.objects.filter(
        organisation_id=centre_id, user_id__in=user_ids
    ).values_list("user_id", "discipline"):
        out.setdefault(user_id, []).append(code)
    return out


def centre_ids(user: User, perm: str = CASE_HANDLE) -> tuple[int, ...]:
    """The centres where the user holds `perm` (the centre's people)."""
    return user.scope(perm).full_org_ids


def centres_for_referrer(user: User) -> QuerySet[ServiceAgreement]:
    """The conventions of the landlords on whose behalf the user refers."""
    from vigie.mediation.permissions import REFER

    return centres_serving(user.scope(REFER).full_org_ids)
