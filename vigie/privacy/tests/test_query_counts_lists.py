"""Privacy pages run a number of queries that does not grow with the rows they show.

Issue #6 §4. Dora is Landlord A's DPO. The access log with entries of every kind (households,
occupants, campaigns, searches; many users, many households), a person's page and export with a
long history (calls, needs, referrals, building reports, tasks, refused requests, other
occupants). Each test loads a page with a small data set, then with a large one, and asserts
the second load runs no more queries than the first (vigie/core/tests/querycount.py).
"""

from __future__ import annotations

import pytest
from django.urls import reverse

from vigie.actions.services import partner_create
from vigie.campaigns.tests.factories import OLD, running_campaign
from vigie.conftest import make_user
from vigie.core.models import AccessAction
from vigie.core.permissions import Role
from vigie.core.services import access_record
from vigie.core.tests.querycount import add_history, assert_constant, client_for
from vigie.housing.choices import OccupantRole
from vigie.housing.tests.factories import OccupantFactory, make_household
from vigie.privacy.services import subject_request_refuse

pytestmark = pytest.mark.django_db


def _entries(landlord, campaign, users, n: int, start: int = 0) -> None:
    """`n` rounds of reads of every kind: a household, an occupant, a campaign, a search."""
    for i in range(start, start + n):
        user = users[i % len(users)]
        h = make_household(landlord, [{"last_name": f"LU{i}"}], reference=f"LU-{i:03d}")
        access_record(user=user, action=AccessAction.VIEW, obj=h, path=f"/registre/menages/{h.pk}/")
        access_record(user=user, action=AccessAction.VIEW, obj=h.occupants.first())
        access_record(user=user, action=AccessAction.EXPORT, obj=campaign, detail="sheet")
        access_record(
            user=user, action=AccessAction.SEARCH, object_type="housing.household", detail="q"
        )


def test_access_log_is_constant_in_entries_of_every_kind(
    landlord_a, marc, claire, dora, django_assert_max_num_queries
):
    make_household(landlord_a, [OLD])
    campaign = running_campaign(landlord_a, marc)
    _entries(landlord_a, campaign, [claire], 1)
    c = client_for(dora)
    url = reverse("privacy:access_log")
    users = [claire, marc] + [make_user(f"appelant{i}", landlord_a, Role.CALLER) for i in range(4)]
    small, r = assert_constant(
        django_assert_max_num_queries,
        lambda: c.get(url),
        lambda: _entries(landlord_a, campaign, users, 13, start=1),
    )
    body = r.content.decode()
    assert r.status_code == 200 and "LU-013" in body and "appelant3" in body


@pytest.fixture
def person(landlord_a, partner_org, marc, claire):
    """Jeanne, called once and followed up; the campaign and partner to add history with."""
    h = make_household(landlord_a, [dict(OLD, last_name="DURAND", first_name="Jeanne")])
    campaign = running_campaign(landlord_a, marc)
    partner = partner_create(
        actor=marc,
        organisation=landlord_a,
        partner_organisation=partner_org,
        name="CCAS de Toulouse",
        kind="ccas",
        services=["groceries"],
        communes=["31555"],
    )
    add_history(h, campaign=campaign, manager=marc, callers=[claire], partner=partner, n=1)
    return h.occupants.get(), campaign, partner


def _grow_person(occupant, campaign, partner, marc, dora, landlord):
    def grow():
        h = occupant.household
        callers = [make_user(f"appelant{i}", landlord, Role.CALLER) for i in range(3)]
        add_history(h, campaign=campaign, manager=marc, callers=callers, partner=partner, n=24)
        for i in range(6):
            OccupantFactory(
                household=h,
                organisation=landlord,
                position=10 + i,
                role=OccupantRole.CHILD if i % 2 else OccupantRole.SPOUSE,
            )
        for i in range(10):
            subject_request_refuse(
                actor=dora,
                occupant=occupant,
                kind=["access", "erasure"][i % 2],
                legal_reason=f"Obligation légale de conservation n° {i}",
            )

    return grow


def test_person_page_is_constant_in_history(
    person, landlord_a, marc, dora, django_assert_max_num_queries
):
    occupant, campaign, partner = person
    subject_request_refuse(
        actor=dora, occupant=occupant, kind="access", legal_reason="Obligation légale initiale"
    )
    c = client_for(dora)
    url = reverse("privacy:person", args=[occupant.pk])
    _small, r = assert_constant(
        django_assert_max_num_queries,
        lambda: c.get(url),
        _grow_person(occupant, campaign, partner, marc, dora, landlord_a),
    )
    body = r.content.decode()
    assert r.status_code == 200 and "Suivi 23" in body and "conservation n° 9" in body


def test_person_export_is_constant_in_history(
    person, landlord_a, marc, dora, django_assert_max_num_queries
):
    """The JSON download (Dora signed in just before: no second password)."""
    occupant, campaign, partner = person
    c = client_for(dora)
    url = reverse("privacy:person_export", args=[occupant.pk])
    _small, r = assert_constant(
        django_assert_max_num_queries,
        lambda: c.get(url),
        _grow_person(occupant, campaign, partner, marc, dora, landlord_a),
    )
    data = r.json()
    # Each download is itself a request answered (art. 15): 10 refused + those downloads.
    assert len(data["appels"]) == 25 and len(data["demandes_rgpd"]) >= 10


def test_the_requests_list_is_constant_in_requests(landlord_a, dora, django_assert_max_num_queries):
    from datetime import timedelta

    from django.utils import timezone

    from vigie.privacy.services import subject_request_receive

    def receive(start: int, n: int) -> None:
        for i in range(start, start + n):
            h = make_household(landlord_a, [{"last_name": f"RQ{i}"}], reference=f"RQ-{i:03d}")
            subject_request_receive(
                actor=dora,
                occupant=h.occupants.first(),
                kind="access",
                received_on=timezone.localdate() - timedelta(days=i),
            )

    receive(0, 1)
    c = client_for(dora)
    url = reverse("privacy:requests")
    small, r = assert_constant(
        django_assert_max_num_queries, lambda: c.get(url, {"etat": "all"}), lambda: receive(1, 12)
    )
    assert r.status_code == 200 and "RQ-012" in r.content.decode()
