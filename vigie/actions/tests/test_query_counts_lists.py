"""Actions pages and API lists run a number of queries that does not grow with their rows.

Issue #6 §4. Claire calls households of Landlord A; each call raises needs of several kinds,
and Marc follows them up: a referral sent to the CCAS (accepted by Pierre, who works there),
one proposed to Les Restos, a building ticket for the Toulouse Nord agency (Paul's), a task.
Each test loads a page with two households followed up, then with twenty-five, and asserts
the second load runs no more queries than the first (vigie/core/tests/querycount.py).
"""

from __future__ import annotations

import json
from datetime import date

import pytest
from django.urls import reverse
from django.utils import timezone

from vigie.actions.models import Referral, Task, Ticket
from vigie.actions.services import (
    partner_create,
    referral_create,
    referral_move,
    task_create,
    ticket_from_need,
)
from vigie.campaigns import queue
from vigie.campaigns.choices import NeedKind, NeedStatus
from vigie.campaigns.models import Need
from vigie.campaigns.services import attempt_record
from vigie.campaigns.tests.factories import OLD, SEPTUA, running_campaign
from vigie.conftest import make_user
from vigie.core.models import Organisation, OrganisationKind
from vigie.core.permissions import Role
from vigie.core.tests.querycount import api_client, assert_constant, client_for
from vigie.housing.choices import OccupantRole
from vigie.housing.tests.factories import ResidenceFactory, make_household

pytestmark = pytest.mark.django_db

SMALL, LARGE = 2, 25
NEEDS = [
    NeedKind.GROCERIES,
    NeedKind.MEAL_DELIVERY,
    NeedKind.HEALTH,
    NeedKind.HOUSING_PROBLEM,
    NeedKind.ISOLATION,
]
CATEGORIES = ["cleaning", "lighting", "lift", "heating", "water"]


class FollowUps:
    """A running campaign over LARGE households, each in its own residence of the Nord agency;
    `follow(n)` calls the next n and follows up every need raised."""

    def __init__(self, landlord, marc, claire, pierre, ccas, asso, nord):
        self.landlord, self.marc, self.claire, self.pierre = landlord, marc, claire, pierre
        self.ccas, self.asso = ccas, asso
        self.owners = [claire, marc, None]
        for i in range(LARGE):
            residence = ResidenceFactory(organisation=landlord, agency=nord, name=f"Rés. {i}")
            make_household(
                landlord,
                [
                    dict(OLD, last_name=f"AINE{i}"),
                    dict(SEPTUA, role=OccupantRole.SPOUSE),
                    {"role": OccupantRole.CHILD, "phone": ""},
                ],
                reference=f"BAIL-{i:03d}",
                dwelling__residence=residence,
            )
        self.campaign = running_campaign(landlord, marc)
        self.done = 0

    def follow(self, n: int) -> None:
        for _ in range(n):
            target = queue.next_call(campaign=self.campaign, caller=self.claire)
            attempt = attempt_record(
                actor=self.claire,
                target=target,
                result="reached",
                outcome="needs_follow_up",
                needs=NEEDS,
            )
            needs = {n.kind: n for n in Need.objects.filter(attempt=attempt)}
            sent = referral_create(
                actor=self.marc, need=needs[NeedKind.GROCERIES], partner=self.ccas, note="courses"
            )
            referral_move(actor=self.pierre, referral=sent, to="accepted", version=None)
            referral_create(
                actor=self.marc, need=needs[NeedKind.MEAL_DELIVERY], partner=self.asso, send=False
            )
            ticket_from_need(
                actor=self.marc,
                need=needs[NeedKind.HOUSING_PROBLEM],
                category=CATEGORIES[self.done % len(CATEGORIES)],
            )
            task_create(
                actor=self.marc,
                organisation_id=self.landlord.pk,
                title=f"Rappeler {self.done}",
                due_on=date(2020, 3, 20 + self.done % 5),
                owner=self.owners[self.done % 3],
                need=needs[NeedKind.HEALTH],
            )
            Need.objects.filter(pk=needs[NeedKind.ISOLATION].pk).update(
                status=NeedStatus.RESOLVED, resolved_at=timezone.now()
            )
            self.done += 1


@pytest.fixture
def follow_ups(landlord_a, marc, claire, pierre, ccas, asso, nord):
    f = FollowUps(landlord_a, marc, claire, pierre, ccas, asso, nord)
    f.follow(SMALL)
    return f


def _grow(f: FollowUps):
    return lambda: f.follow(LARGE - SMALL)


# --- Pages --------------------------------------------------------------------------------------


@pytest.mark.parametrize("who", ["marc", "pierre"])
def test_referral_list_is_constant_in_referrals(
    who, follow_ups, marc, pierre, django_assert_max_num_queries
):
    """Marc's list (both partners, proposed ones too) and Pierre's inbox at the CCAS."""
    c = client_for(marc if who == "marc" else pierre)
    url = reverse("actions:referrals")
    _small, r = assert_constant(
        django_assert_max_num_queries, lambda: c.get(url), _grow(follow_ups)
    )
    body = r.content.decode()
    assert r.status_code == 200 and "AINE" not in body  # names stay on the referral itself
    shown = Referral.objects.exclude(status="proposed") if who == "pierre" else Referral.objects
    assert body.count(reverse("actions:referral", args=[shown.last().pk])) >= 1
    assert shown.count() >= LARGE


@pytest.mark.parametrize("who", ["marc", "paul"])
def test_ticket_list_is_constant_in_tickets(
    who, follow_ups, marc, paul, django_assert_max_num_queries
):
    c = client_for(marc if who == "marc" else paul)
    url = reverse("actions:tickets")
    _small, r = assert_constant(
        django_assert_max_num_queries, lambda: c.get(url), _grow(follow_ups)
    )
    assert r.status_code == 200 and r.content.decode().count("Rés. ") >= LARGE


@pytest.mark.parametrize("query", [{}, {"tout": "1"}], ids=["mine", "every"])
def test_task_list_is_constant_in_tasks(
    query, follow_ups, marc, claire, django_assert_max_num_queries
):
    """« Mes tâches » (Claire's and the unassigned ones), and every open task for Marc."""
    c = client_for(claire if not query else marc)
    url = reverse("actions:my_tasks")
    _small, r = assert_constant(
        django_assert_max_num_queries, lambda: c.get(url, query), _grow(follow_ups)
    )
    assert r.status_code == 200 and "Rappeler 24" in r.content.decode()


def test_partner_directory_is_constant_in_partners(
    landlord_a, marc, ccas, residence_nord, django_assert_max_num_queries
):
    c = client_for(marc)
    url = reverse("actions:partners")

    def grow():
        for i in range(25):
            org = Organisation.objects.create(
                slug=f"asso-{i}", name=f"Asso {i}", kind=OrganisationKind.PARTNER
            )
            partner_create(
                actor=marc,
                organisation=landlord_a,
                partner_organisation=org,
                name=f"Association {i}",
                kind="association",
                services=["groceries", "isolation"][: 1 + i % 2],
                communes=["31555", "31069"][: 1 + i % 2],
            )
            ResidenceFactory(organisation=landlord_a, commune_id=["31003", "31004"][i % 2])

    _small, r = assert_constant(django_assert_max_num_queries, lambda: c.get(url), grow)
    assert r.status_code == 200 and "Association 24" in r.content.decode()


def test_household_needs_page_is_constant_in_needs(follow_ups, marc, django_assert_max_num_queries):
    """One household's needs, each with its referrals, tickets, tasks and the forms to act."""
    need = Need.objects.filter(kind=NeedKind.GROCERIES).order_by("id").first()
    h, attempt = need.household, need.attempt
    c = client_for(marc)
    url = reverse("actions:household_needs", args=[h.pk])

    def grow():
        # The household called again and again: many more needs of every kind, followed up.
        more = Need.objects.bulk_create(
            Need(
                organisation_id=h.organisation_id,
                household=h,
                attempt=attempt,
                kind=kind,
                created_by=marc,
            )
            for _ in range(4)
            for kind in NeedKind.values
        )
        for i, n in enumerate(more):
            if n.kind == NeedKind.GROCERIES:
                referral_create(actor=marc, need=n, partner=follow_ups.ccas, send=i % 2 == 0)
            elif n.kind == NeedKind.HOUSING_PROBLEM:
                ticket_from_need(actor=marc, need=n, category=CATEGORIES[i % 5])
            elif n.kind == NeedKind.HEALTH:
                task_create(
                    actor=marc,
                    organisation_id=h.organisation_id,
                    title=f"Tâche {i}",
                    due_on=date(2020, 4, 1),
                    owner=marc,
                    need=n,
                )

    small, r = assert_constant(django_assert_max_num_queries, lambda: c.get(url), grow)
    assert r.status_code == 200
    assert r.content.decode().count("<form") > small.content.decode().count("<form") * 4


def test_report_is_constant_in_campaigns_needs_and_partners(
    follow_ups, landlord_a, marc, django_assert_max_num_queries
):
    """The manager's report: the campaigns to choose from, the chosen one by kind and partner."""
    from vigie.campaigns.services import campaign_create
    from vigie.campaigns.tests.factories import AS_OF, WAVES_2020

    c = client_for(marc)
    url = reverse("actions:report")

    def grow():
        follow_ups.follow(LARGE - SMALL)
        for i in range(10):
            campaign_create(
                actor=marc,
                organisation=landlord_a,
                name=f"Campagne {i}",
                as_of=AS_OF,
                waves=WAVES_2020[:1],
            )

    _small, r = assert_constant(
        django_assert_max_num_queries,
        lambda: c.get(url, {"campaign": follow_ups.campaign.pk}),
        grow,
    )
    assert r.status_code == 200 and "Campagne 9" in r.content.decode()


@pytest.mark.parametrize("where", ["page", "api"])
def test_referral_is_constant_in_steps_and_occupants(
    where, follow_ups, marc, pierre, django_assert_max_num_queries
):
    """One referral, as a page and from the API: its card (the household's adults, their
    phones) and its steps."""
    r = Referral.objects.filter(partner=follow_ups.ccas).order_by("id").first()
    if where == "page":
        c, url = client_for(marc), reverse("actions:referral", args=[r.pk])
    else:
        c, url = api_client(marc), f"/api/v1/referrals/{r.pk}"

    def grow():
        from vigie.actions.models import ReferralStep
        from vigie.housing.tests.factories import OccupantFactory

        ReferralStep.objects.bulk_create(
            ReferralStep(
                organisation_id=r.organisation_id,
                referral=r,
                status="accepted",
                at=timezone.now(),
                by=[marc, pierre][i % 2],
                note=f"étape {i}",
            )
            for i in range(20)
        )
        for i in range(6):
            OccupantFactory(
                household=r.household,
                organisation_id=r.organisation_id,
                position=10 + i,
                role=OccupantRole.CO_LEASEHOLDER,
                last_name=f"COTITULAIRE{i}",
            )

    _small, page = assert_constant(django_assert_max_num_queries, lambda: c.get(url), grow)
    body = page.content.decode() if where == "page" else json.dumps(page.json(), ensure_ascii=False)
    assert "étape 19" in body and "COTITULAIRE5" in body


def test_ticket_page_is_constant_in_reports(follow_ups, marc, django_assert_max_num_queries):
    from vigie.actions.services import ticket_report

    t = Ticket.objects.order_by("id").first()
    c = client_for(marc)
    url = reverse("actions:ticket", args=[t.pk])
    callers = [make_user(f"agent{i}", t.organisation, Role.MANAGER) for i in range(5)]

    def grow():
        for i in range(20):
            ticket_report(
                actor=callers[i % 5], residence=t.residence, category=t.category, note=f"rep {i}"
            )

    _small, page = assert_constant(django_assert_max_num_queries, lambda: c.get(url), grow)
    assert "rep 19" in page.content.decode()


# --- API ----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "who, path",
    [
        ("marc", "/api/v1/needs"),
        ("marc", "/api/v1/referrals"),
        ("pierre", "/api/v1/referrals"),
        ("marc", "/api/v1/tickets"),
        ("paul", "/api/v1/tickets"),
        ("marc", "/api/v1/tasks"),
        ("claire", "/api/v1/tasks?mine=true"),
    ],
)
def test_api_lists_are_constant_in_rows(
    who, path, follow_ups, marc, pierre, paul, claire, django_assert_max_num_queries
):
    user = {"marc": marc, "pierre": pierre, "paul": paul, "claire": claire}[who]
    c = api_client(user)
    small, large = assert_constant(
        django_assert_max_num_queries, lambda: c.get(path), _grow(follow_ups)
    )
    assert small.status_code == 200 and large.status_code == 200
    assert len(large.json()) > len(small.json()) >= 1
    if path == "/api/v1/tasks":
        assert len(large.json()) == Task.objects.filter(status="open").count()


@pytest.mark.parametrize(
    "path", ["/api/v1/partners", "/api/v1/partners?commune=31555&service=groceries"]
)
def test_api_partner_list_is_constant_in_partners(
    path, landlord_a, marc, ccas, django_assert_max_num_queries
):
    c = api_client(marc)

    def grow():
        for i in range(25):
            org = Organisation.objects.create(
                slug=f"asso-{i}", name=f"Asso {i}", kind=OrganisationKind.PARTNER
            )
            partner_create(
                actor=marc,
                organisation=landlord_a,
                partner_organisation=org,
                name=f"Association {i}",
                kind="association",
                services=["groceries"],
                communes=["31555", "31069"][: 1 + i % 2],
            )

    small, large = assert_constant(django_assert_max_num_queries, lambda: c.get(path), grow)
    assert len(large.json()) == len(small.json()) + 25
