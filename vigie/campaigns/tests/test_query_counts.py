"""List pages and API lists of campaigns run a number of queries that does not grow with rows.

Issue #6 §4: each test loads a page with a few rows, then with many more, and asserts the second
load runs no more queries than the first (Marc manages at Landlord A, Claire calls there).
"""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from vigie.accounts.models import ApiToken
from vigie.campaigns.choices import TargetStatus
from vigie.campaigns.models import Target
from vigie.campaigns.services import campaign_create
from vigie.campaigns.tests.factories import OLD, WAVES_2020, running_campaign
from vigie.housing.tests.factories import make_household

pytestmark = pytest.mark.django_db


def client_for(user) -> Client:
    c = Client()
    c.force_login(user)
    return c


def _constant(django_assert_max_num_queries, get, grow, *, first_max: int = 30):
    """Queries of `get()` after `grow()` are at most those before it; returns the last body."""
    get()  # warm caches (session, content types)
    with django_assert_max_num_queries(first_max) as small:
        get()
    grow()
    with django_assert_max_num_queries(len(small.captured_queries)):
        response = get()
    return response


def test_api_campaign_list_is_constant_in_queries(landlord_a, marc, django_assert_max_num_queries):
    _token, raw = ApiToken.issue(user=marc)
    c = Client(headers={"Authorization": f"Bearer {raw}"})

    def create(names):
        for name in names:
            campaign_create(
                actor=marc,
                organisation=landlord_a,
                name=name,
                as_of=timezone.localdate(),
                waves=WAVES_2020,
            )

    create(["C0", "C1"])
    r = _constant(
        django_assert_max_num_queries,
        lambda: c.get("/api/v1/campaigns"),
        lambda: create([f"C{i}" for i in range(2, 12)]),
    )
    assert r.status_code == 200 and len(r.json()) == 12


def _callbacks_for(campaign, caller, n: int) -> None:
    """Turn `n` pending targets into callbacks promised by `caller`."""
    pks = list(
        Target.objects.filter(campaign=campaign, status=TargetStatus.PENDING).values_list(
            "pk", flat=True
        )[:n]
    )
    Target.objects.filter(pk__in=pks).update(
        status=TargetStatus.CALLBACK, preferred_caller=caller, due_at=timezone.now()
    )


@pytest.mark.parametrize("page", ["callbacks", "my_callbacks"])
def test_callback_lists_are_constant_in_queries(
    page, landlord_a, marc, claire, django_assert_max_num_queries
):
    for _ in range(12):
        make_household(landlord_a, [OLD])
    campaign = running_campaign(landlord_a, marc)
    _callbacks_for(campaign, claire, 2)
    c = client_for(marc if page == "callbacks" else claire)
    url = reverse(f"campaigns:{page}", args=[campaign.pk])
    r = _constant(
        django_assert_max_num_queries,
        lambda: c.get(url),
        lambda: _callbacks_for(campaign, claire, 10),
    )
    assert r.status_code == 200


def test_caller_sheet_is_constant_in_queries(
    landlord_a, marc, claire, django_assert_max_num_queries
):
    for _ in range(2):
        make_household(landlord_a, [OLD])
    campaign = running_campaign(landlord_a, marc)
    c = client_for(claire)
    url = reverse("campaigns:sheet", args=[campaign.pk])

    def grow():
        households = [make_household(landlord_a, [OLD, OLD]) for _ in range(8)]
        # Rebuilding a running campaign is not allowed: add the newcomers' targets directly.
        wave = campaign.waves.order_by("priority").first()
        Target.objects.bulk_create(
            Target(
                organisation=landlord_a,
                campaign=campaign,
                wave=wave,
                household=h,
                status=TargetStatus.PENDING,
                priority=wave.priority,
                due_at=timezone.now(),
            )
            for h in households
        )

    r = _constant(django_assert_max_num_queries, lambda: c.get(url), grow)
    assert r.status_code == 200
    assert Target.objects.filter(campaign=campaign).count() == 10


def test_campaign_detail_is_constant_in_waves(landlord_a, marc, django_assert_max_num_queries):
    from vigie.campaigns.services import wave_add

    for _ in range(3):
        make_household(landlord_a, [OLD])
    campaign = campaign_create(
        actor=marc,
        organisation=landlord_a,
        name="Canicule",
        as_of=timezone.localdate(),
        waves=WAVES_2020[:1],
    )
    c = client_for(marc)
    url = reverse("campaigns:detail", args=[campaign.pk])

    def grow():
        for i in range(6):
            wave_add(
                actor=marc,
                campaign=campaign,
                wave={"name": f"Vague {i}", "cohorts": ["disability"], "priority": 2 + i},
            )

    r = _constant(django_assert_max_num_queries, lambda: c.get(url), grow)
    assert r.status_code == 200 and "Vague 5" in r.content.decode()


def test_planner_is_constant_in_households(landlord_a, marc, django_assert_max_num_queries):
    """The preview runs one query per wave by design (docs/decisions/0003), none per household."""
    for _ in range(2):
        make_household(landlord_a, [OLD])
    campaign = campaign_create(
        actor=marc,
        organisation=landlord_a,
        name="Canicule",
        as_of=timezone.localdate(),
        waves=WAVES_2020,
    )
    c = client_for(marc)
    url = reverse("campaigns:planner", args=[campaign.pk])
    query = {"callers": 4, "call_minutes": 5, "hours_per_day": 6, "attempts": 1.5}
    r = _constant(
        django_assert_max_num_queries,
        lambda: c.get(url, query),
        lambda: [make_household(landlord_a, [OLD, OLD]) for _ in range(10)],
    )
    assert r.status_code == 200 and "Appels estimés" in r.content.decode()  # a plan is shown
