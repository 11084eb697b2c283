"""Fixtures of the actions tests: a real local SMTP server, agency staff, a partner, a need.

Personas (on top of vigie/conftest.py): Paul (agency staff at A's Toulouse Nord agency), Nina
(agency staff at A's Toulouse Sud agency), Pierre (partner worker at the CCAS de Toulouse, in
Landlord A's directory), Quentin (partner worker at another association).
"""

from __future__ import annotations

import socket

import pytest

from vigie.actions.services import partner_create
from vigie.campaigns import queue
from vigie.campaigns.models import Need
from vigie.campaigns.services import attempt_record
from vigie.campaigns.tests.factories import OLD, running_campaign
from vigie.conftest import make_user
from vigie.core.models import Organisation, OrganisationKind
from vigie.core.permissions import Role
from vigie.housing.tests.factories import AgencyFactory, ResidenceFactory, make_household


class Inbox:
    """What the local SMTP server received: (envelope sender, recipients, raw message)."""

    def __init__(self) -> None:
        self.messages: list[dict] = []

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 (aiosmtpd's API)
        self.messages.append(
            {
                "to": list(envelope.rcpt_tos),
                "from": envelope.mail_from,
                "data": envelope.content.decode("utf-8", "replace"),
            }
        )
        return "250 Message accepted for delivery"


@pytest.fixture
def smtp(settings):
    """A real SMTP server on 127.0.0.1 (aiosmtpd), and Django's SMTP backend pointed at it."""
    from aiosmtpd.controller import Controller

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    inbox = Inbox()
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST = "127.0.0.1"
    settings.EMAIL_PORT = port
    settings.EMAIL_USE_TLS = False
    settings.EMAIL_HOST_USER = ""
    settings.EMAIL_HOST_PASSWORD = ""
    try:
        yield inbox
    finally:
        controller.stop()


@pytest.fixture
def nord(landlord_a):
    return AgencyFactory(organisation=landlord_a, name="Toulouse Nord", email="nord@example.org")


@pytest.fixture
def sud(landlord_a):
    return AgencyFactory(organisation=landlord_a, name="Toulouse Sud", email="sud@example.org")


@pytest.fixture
def paul(landlord_a, nord):
    return make_user("paul", landlord_a, Role.AGENCY_STAFF, agency_names=["Toulouse Nord"])


@pytest.fixture
def nina(landlord_a, sud):
    return make_user("nina", landlord_a, Role.AGENCY_STAFF, agency_names=["Toulouse Sud"])


@pytest.fixture
def ccas(landlord_a, partner_org, marc):
    """The CCAS de Toulouse in Landlord A's directory (Pierre works there)."""
    return partner_create(
        actor=marc,
        organisation=landlord_a,
        partner_organisation=partner_org,
        name="CCAS de Toulouse",
        kind="ccas",
        services=["meal_delivery", "groceries", "isolation"],
        communes=["31555"],
        notification_email="ccas@example.org",
    )


@pytest.fixture
def asso(landlord_a, marc):
    org = Organisation.objects.create(
        slug="resto", name="Les Restos", kind=OrganisationKind.PARTNER
    )
    return partner_create(
        actor=marc,
        organisation=landlord_a,
        partner_organisation=org,
        name="Les Restos",
        kind="association",
        services=["groceries"],
        notification_email="restos@example.org",
    )


@pytest.fixture
def quentin(asso):
    return make_user("quentin", asso.partner_organisation, Role.PARTNER_WORKER)


@pytest.fixture
def residence_nord(landlord_a, nord):
    return ResidenceFactory(organisation=landlord_a, agency=nord, name="Les Lilas")


@pytest.fixture
def campaign(landlord_a, marc, residence_nord):
    make_household(
        landlord_a,
        [dict(OLD, last_name="DUPONT", first_name="Jeanne", phone="+33561123456")],
        reference="BAIL-DUPONT",
        dwelling__residence=residence_nord,
    )
    return running_campaign(landlord_a, marc)


def raise_needs(campaign, caller, kinds: list[str]) -> list[Need]:
    """Claire calls the next household and records the needs it expressed."""
    target = queue.next_call(campaign=campaign, caller=caller)
    attempt = attempt_record(
        actor=caller,
        target=target,
        result="reached",
        outcome="needs_follow_up",
        needs=kinds,
    )
    return list(Need.objects.filter(attempt=attempt).order_by("id"))
