"""Food aid in the shared test world (core/tests/world.py): each landlord runs a programme on its
residence with a partner operator — landlord A with the world's partner organisation (so the
partner worker reads A's programme and must get 404 on B's), B with its own association — and
A's programme has a funder whose viewer reads its report only. Each programme has one enrolled
household (the over-75 one, no health data), a session and a check-in."""

from __future__ import annotations

import uuid
from datetime import timedelta

from django.utils import timezone

from vigie.core.models import Organisation, OrganisationKind
from vigie.core.permissions import Role

FUNDER = "foodaid_funder"
PERSONAS = (FUNDER,)


def extend_world(world) -> None:
    from vigie.accounts.models import Membership, User
    from vigie.foodaid.services import (
        enrolment_create,
        programme_create,
        record_checkin,
        session_create,
    )

    today = timezone.localdate()
    funder = Organisation.objects.create(
        slug="fonds-qxalpha", name="Fonds QXALPHA", kind=OrganisationKind.FUNDER
    )
    viewer = User.objects.create(username="foodaid-funder")
    Membership.objects.create(user=viewer, organisation=funder, role=Role.FUNDER_VIEWER)
    world.extra_personas[FUNDER] = viewer
    for land in (world.a, world.b):
        manager = land.users[Role.MANAGER]
        operator = world.partner if land is world.a else land.partner.partner_organisation
        programme = programme_create(
            actor=manager,
            organisation=land.org,
            name=f"Colis {land.token}",
            starts_on=today - timedelta(days=30),
            ends_on=today + timedelta(days=60),
            sites=[land.residence.pk],
            partners=[operator.slug],
            funders=[(f"Fonds {land.token}", funder.slug)] if land is world.a else [],
        )
        enrolment = enrolment_create(
            actor=manager,
            programme=programme,
            household=land.waiting,
            consent_on=today,
            mode="delivery",
        )
        session = session_create(
            actor=manager,
            programme=programme,
            site=land.residence,
            day=today,
            slots=["10:00-12:00"],
        )
        record, _created = record_checkin(
            actor=manager,
            session=session,
            client_id=uuid.uuid4(),
            enrolment_id=enrolment.pk,
            result="delivered",
            parcels=1,
        )
        world.extra[f"foodaid_{land.token}"] = {
            "programme": programme,
            "enrolment": enrolment,
            "session": session,
            "record": record,
        }


def _programme(land, user):
    return _objects(land)["programme"].pk


def _objects(land):
    # The world keeps each module's objects in world.extra; the landlord carries no back link,
    # so look them up by the landlord's token.
    from vigie.foodaid.models import DistributionSession, Programme

    programme = Programme.objects.get(organisation=land.org, name=f"Colis {land.token}")
    return {
        "programme": programme,
        "session": DistributionSession.objects.filter(programme=programme).order_by("pk").first(),
    }


def _session(land, user):
    return _objects(land)["session"].pk


PARAMS = {
    ("foodaid", "pk"): _programme,
    ("foodaid:session", "pk"): _session,
    ("foodaid:session_sheet", "pk"): _session,
    ("foodaid:session_rounds", "pk"): _session,
    ("foodaid:session_checkin", "pk"): _session,
    ("foodaid:session_close", "pk"): _session,
    ("api", "programme_id"): _programme,
    ("api", "session_id"): _session,
}
