"""Food aid's API (issue #14 §9): programmes, eligibility, enrolments, sessions, check-ins and
the report. Same rules as the pages: reads start from `visible_to` (another organisation's
programme → 404), writes go through the services (wrong role → 403, conflict → 409, unusable
input → 422). Bodies are checked by the services, after the programme or session is found, so
that another landlord's object answers 404 whatever the body.
"""

from __future__ import annotations

from datetime import date

from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from ninja import Query, Router, Schema, Status

from vigie.accounts.http import AuthenticatedRequest
from vigie.api.declare import needs
from vigie.core.models import AccessAction
from vigie.core.selectors import organisations_where
from vigie.core.services import access_record
from vigie.foodaid import selectors, services
from vigie.foodaid.choices import EnrolmentStatus
from vigie.foodaid.models import Enrolment
from vigie.foodaid.permissions import (
    FOODAID_CHECKIN,
    FOODAID_ELIGIBLE,
    FOODAID_MANAGE,
    FOODAID_PLAN,
    FOODAID_PROGRAMMES,
    FOODAID_REPORT,
    FOODAID_VIEW,
)
from vigie.foodaid.services import FoodAidInputError
from vigie.housing.models import Household, Residence

router = Router(tags=["aide alimentaire"])
# The report's query parameters are named `from` and `to` (Python keywords): aliases.
_FROM = Query(None, alias="from")
_TO = Query(None, alias="to")


class FoodIdOut(Schema):
    id: int


class FoodProgrammeIn(Schema):
    name: str
    partners: list[str] = []
    sites: list[int] = []
    starts_on: date
    ends_on: date
    funders: list[str] = []
    basket: str = ""
    free: bool = True
    contribution: str = ""
    places_limit: int | None = None
    parcels_per_household: int = 1


class FoodProgrammeOut(Schema):
    id: int
    name: str
    starts_on: date
    ends_on: date
    partners: list[str]
    # null for a funder's viewer, who reads what it funds and nothing else of the programme.
    sites: list[int] | None
    places_limit: int | None
    free: bool | None


class FoodEligibleOut(Schema):
    household: int
    residence: int
    reasons: list[str]


class FoodEnrolmentIn(Schema):
    household: int
    consent_on: date | None = None
    mode: str = "collect"


class FoodEnrolmentOut(Schema):
    id: int
    name: str
    address: str
    floor: str
    phone: str
    mode: str


class FoodSessionIn(Schema):
    site: int
    date: date
    slots: list[str] = []


class FoodRecordIn(Schema):
    # Strings checked by the service (a UUID, a known result) after the session is found.
    client_id: str
    enrolment: int
    result: str
    # Left out: the programme's parcels per household when collected or delivered, else 0.
    parcels: int | None = None
    quantities: dict[str, int] = {}


class FoodRecordOut(Schema):
    id: int
    client_id: str
    session: int
    enrolment: int
    result: str
    parcels: int
    quantities: dict[str, int]


class FoodReportOut(Schema):
    households: int | None
    people: int | None
    by_age: dict[str, int | None]
    with_disability: int | None
    parcels: int | None
    suppressed: list[str]
    withheld: list[str]


def _programme(request: AuthenticatedRequest, programme_id: int, perm: str):
    return get_object_or_404(selectors.programmes_visible(request.user, perm), pk=programme_id)


def _programme_out(p, *, full: bool = True) -> dict:
    """A programme as the API gives it; `full=False` for a funder's viewer: its id, name,
    period and operating partners, nothing of its sites or places."""
    return {
        "id": p.pk,
        "name": p.name,
        "starts_on": p.starts_on,
        "ends_on": p.ends_on,
        "partners": [pp.partner_organisation.slug for pp in p.partners.all()],
        "sites": [s.pk for s in p.sites.all()] if full else None,
        "places_limit": p.places_limit if full else None,
        "free": p.free if full else None,
    }


def _full_ids(request: AuthenticatedRequest) -> set[int]:
    """The programmes the user reads in full (landlord staff, the partners' workers)."""
    return set(selectors.programmes_visible(request.user).values_list("pk", flat=True))


@router.get(
    "/foodaid/programmes",
    summary="Programmes d'aide alimentaire",
    **needs(FOODAID_PROGRAMMES, list[FoodProgrammeOut]),
)
def programme_list(request: AuthenticatedRequest):
    full = _full_ids(request)
    return [
        _programme_out(p, full=p.pk in full)
        for p in selectors.programmes_visible(request.user, FOODAID_PROGRAMMES)
    ]


@router.post(
    "/foodaid/programmes",
    summary="Créer un programme",
    **needs(FOODAID_MANAGE, {201: FoodIdOut}),
)
def programme_create(request: AuthenticatedRequest, payload: FoodProgrammeIn):
    org = organisations_where(request.user, FOODAID_MANAGE).order_by("pk").first()
    if org is None:  # pragma: no cover - the operation's authentication refused already
        raise FoodAidInputError(_("Aucun bailleur où créer ce programme."))
    p = services.programme_create(
        actor=request.user,
        organisation=org,
        name=payload.name,
        starts_on=payload.starts_on,
        ends_on=payload.ends_on,
        sites=payload.sites,
        partners=payload.partners,
        funders=payload.funders,
        basket=payload.basket,
        free=payload.free,
        contribution=payload.contribution,
        places_limit=payload.places_limit,
        parcels_per_household=payload.parcels_per_household,
    )
    return Status(201, {"id": p.pk})


@router.get(
    "/foodaid/programmes/{programme_id}",
    summary="Un programme",
    **needs(FOODAID_PROGRAMMES, FoodProgrammeOut),
)
def programme_detail(request: AuthenticatedRequest, programme_id: int):
    p = _programme(request, programme_id, FOODAID_PROGRAMMES)
    return _programme_out(p, full=p.pk in _full_ids(request))


@router.get(
    "/foodaid/programmes/{programme_id}/eligible",
    summary="Ménages proposés (éligibilité, jamais automatique)",
    **needs(FOODAID_ELIGIBLE, list[FoodEligibleOut]),
)
def programme_eligible(request: AuthenticatedRequest, programme_id: int):
    # The landlord's own staff only: `visible_to` with this permission reaches no partner.
    programme = _programme(request, programme_id, FOODAID_ELIGIBLE)
    rows = selectors.eligible(programme, request.user)
    access_record(
        user=request.user,
        action=AccessAction.SEARCH,
        obj=programme,
        detail="foodaid eligible",
        path=request.path,
    )
    return rows


@router.post(
    "/foodaid/programmes/{programme_id}/enrolments",
    summary="Inscrire un ménage (avec son consentement)",
    **needs(FOODAID_MANAGE, {201: FoodIdOut}),
)
def enrolment_create(request: AuthenticatedRequest, programme_id: int, payload: FoodEnrolmentIn):
    programme = _programme(request, programme_id, FOODAID_MANAGE)
    household = (
        Household.objects.visible_to(request.user, FOODAID_MANAGE)
        .select_related("dwelling")
        .filter(pk=payload.household)
        .first()
    )
    if household is None:
        raise FoodAidInputError(
            _("Ménage %(id)s inconnu chez ce bailleur.") % {"id": payload.household},
            field="household",
        )
    e = services.enrolment_create(
        actor=request.user,
        programme=programme,
        household=household,
        consent_on=payload.consent_on,
        mode=payload.mode,
    )
    return Status(201, {"id": e.pk})


@router.get(
    "/foodaid/programmes/{programme_id}/enrolments",
    summary="Ménages inscrits : nom, adresse, étage, téléphone, mode",
    **needs(FOODAID_VIEW, list[FoodEnrolmentOut]),
)
def enrolment_list(request: AuthenticatedRequest, programme_id: int):
    programme = _programme(request, programme_id, FOODAID_VIEW)
    # Enrolled households only: the waiting list stays with the landlord.
    rows = selectors.contacts(
        Enrolment.objects.filter(programme=programme, status=EnrolmentStatus.ENROLLED)
    )
    access_record(
        user=request.user,
        action=AccessAction.VIEW,
        obj=programme,
        detail="foodaid enrolments",
        path=request.path,
    )
    return [
        {
            "id": c.id,
            "name": c.name,
            "address": c.address,
            "floor": c.floor,
            "phone": c.phone,
            "mode": c.mode,
        }
        for c in rows
    ]


@router.post(
    "/foodaid/programmes/{programme_id}/sessions",
    summary="Programmer une distribution",
    **needs(FOODAID_PLAN, {201: FoodIdOut}),
)
def session_create(request: AuthenticatedRequest, programme_id: int, payload: FoodSessionIn):
    programme = _programme(request, programme_id, FOODAID_PLAN)
    site = Residence.objects.filter(
        pk=payload.site, organisation_id=programme.organisation_id
    ).first()
    if site is None:
        raise FoodAidInputError(
            _("Résidence %(id)s inconnue chez ce bailleur.") % {"id": payload.site}, field="site"
        )
    s = services.session_create(
        actor=request.user, programme=programme, site=site, day=payload.date, slots=payload.slots
    )
    return Status(201, {"id": s.pk})


def _record_out(r) -> dict:
    return {
        "id": r.pk,
        "client_id": str(r.client_id),
        "session": r.session_id,
        "enrolment": r.enrolment_id,
        "result": r.result,
        "parcels": r.parcels,
        "quantities": r.quantities or {},
    }


@router.post(
    "/foodaid/sessions/{session_id}/records",
    summary="Enregistrer un passage (idempotent sur client_id)",
    **needs(FOODAID_CHECKIN, {200: FoodRecordOut, 201: FoodRecordOut}),
)
def record_create(request: AuthenticatedRequest, session_id: int, payload: FoodRecordIn):
    session = get_object_or_404(
        selectors.sessions_visible(request.user, FOODAID_CHECKIN), pk=session_id
    )
    record, created = services.record_checkin(
        actor=request.user,
        session=session,
        client_id=payload.client_id,
        enrolment_id=payload.enrolment,
        result=payload.result,
        parcels=payload.parcels,
        quantities=payload.quantities,
    )
    return Status(201 if created else 200, _record_out(record))


@router.get(
    "/foodaid/programmes/{programme_id}/report",
    summary="Bilan : ménages et personnes aidés, par âge, colis",
    **needs(FOODAID_REPORT, FoodReportOut),
)
def programme_report(
    request: AuthenticatedRequest,
    programme_id: int,
    start: date | None = _FROM,
    end: date | None = _TO,
    site: int | None = None,
):
    programme = _programme(request, programme_id, FOODAID_REPORT)
    start = start or programme.starts_on
    end = end or programme.ends_on
    if end < start:
        raise FoodAidInputError(_("La date « to » est avant la date « from »."))
    return selectors.report_for(programme, request.user, start, end, site_id=site)
