"""API of the register: households, scoped like the pages."""

from __future__ import annotations

from datetime import date

from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Router, Schema

from vigie.accounts.http import AuthenticatedRequest
from vigie.api.declare import needs
from vigie.core.errors import PermissionDeniedError
from vigie.core.models import AccessAction
from vigie.core.permissions import Perm
from vigie.core.phones import format_phone
from vigie.core.sensitivity import may_see_health
from vigie.core.services import access_record
from vigie.housing.cohorts import cohort_counts, cohorts_of
from vigie.housing.models import Household, Residence
from vigie.housing.selectors import by_name_fr

router = Router(tags=["registre"])


class OccupantOut(Schema):
    last_name: str
    first_name: str
    role: str
    age: int | None
    phones: list[str]


class HouseholdOut(Schema):
    id: int
    reference: str
    address: str
    postcode: str
    commune: str
    residence: str
    departed: bool
    cohorts: list[str]
    occupants: list[OccupantOut]


class ResidenceOut(Schema):
    id: int
    name: str
    commune: str
    agency: str


class CohortCounts(Schema):
    over_75: int
    age_70_74: int
    single_parent: int
    disability: int | None = None
    any: int


def household_out(h: Household, *, sensitive: bool, as_of: date | None = None) -> dict:
    as_of = as_of or timezone.localdate()
    cohorts = cohorts_of(h, as_of) if not h.is_departed else []
    if not sensitive:
        cohorts = [c for c in cohorts if c != "disability"]
    return {
        "id": h.pk,
        "reference": h.reference,
        "address": h.dwelling.address,
        "postcode": h.dwelling.postcode,
        "commune": h.dwelling.commune.name,
        "residence": h.dwelling.residence.name,
        "departed": h.is_departed,
        "cohorts": cohorts,
        "occupants": [
            {
                "last_name": o.last_name,
                "first_name": o.first_name,
                "role": o.role,
                "age": o.age_on(as_of),
                "phones": [format_phone(p) for p in o.usable_phones],
            }
            for o in h.occupants.all()
        ],
    }


@router.get(
    "/households/{household_id}", summary="Un ménage", **needs(Perm.HOUSEHOLD_VIEW, HouseholdOut)
)
def get_household(request: AuthenticatedRequest, household_id: int):
    if not request.user.has_org_perm(Perm.HOUSEHOLD_VIEW):
        raise PermissionDeniedError(_("Vous n'avez pas accès au registre."))
    h = get_object_or_404(
        Household.objects.visible_to(request.user, Perm.HOUSEHOLD_VIEW)
        .select_related("dwelling__commune", "dwelling__residence")
        .prefetch_related("occupants"),
        pk=household_id,
    )
    access_record(user=request.user, action=AccessAction.VIEW, obj=h, path=request.path)
    sensitive = may_see_health(request.user, h)
    return household_out(h, sensitive=sensitive)


@router.get(
    "/cohorts",
    summary="Nombre de ménages par cohorte",
    **needs(Perm.HOUSEHOLD_VIEW, CohortCounts),
)
def get_cohorts(request: AuthenticatedRequest, as_of: date | None = None):
    if not request.user.has_org_perm(Perm.HOUSEHOLD_VIEW):
        raise PermissionDeniedError(_("Vous n'avez pas accès au registre."))
    counts = cohort_counts(
        Household.objects.visible_to(request.user, Perm.HOUSEHOLD_VIEW),
        as_of or timezone.localdate(),
    )
    if not request.user.has_org_perm(Perm.HOUSEHOLD_VIEW_SENSITIVE):
        counts["disability"] = None
    return counts


@router.get(
    "/residences",
    summary="Résidences que l'utilisateur peut voir",
    **needs(Perm.HOUSEHOLD_VIEW, list[ResidenceOut]),
)
def list_residences(request: AuthenticatedRequest):
    rows = by_name_fr(
        Residence.objects.visible_to(request.user, Perm.HOUSEHOLD_VIEW).select_related(
            "commune", "agency"
        )
    )
    return [
        {
            "id": r.pk,
            "name": r.name,
            "commune": r.commune.name if r.commune is not None else "",
            "agency": r.agency.name if r.agency is not None else "",
        }
        for r in rows
    ]
