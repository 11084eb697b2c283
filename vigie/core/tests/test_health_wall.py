"""Health data is part of the scoping (issue #7 finding 1, docs/decisions/0010).

A role without `household.view_sensitive` can't filter, sort, count, read values or export by
disability, whatever the path: the register's filter, a query built by hand on a scoped
queryset (across relations, in an aggregate, in a subquery), the API's counts, a campaign whose
wave selects on disability. A person with two memberships only selects by disability in the
organisation where their role allows it.
"""

from __future__ import annotations

from datetime import date

import pytest
from django.db.models import Count, Exists, F, FilteredRelation, OuterRef, Q, Subquery
from django.test import Client

from vigie.accounts.models import User
from vigie.accounts.services import user_create
from vigie.campaigns.models import Campaign, Wave
from vigie.campaigns.services import campaign_create, wave_update
from vigie.campaigns.tests.factories import AS_OF
from vigie.core.errors import PermissionDeniedError
from vigie.core.models import AccessAction, AccessLog
from vigie.core.permissions import Perm, Role
from vigie.core.sensitivity import SensitiveDataDenied
from vigie.housing.models import Household, Occupant, Residence
from vigie.housing.tests.factories import make_household

pytestmark = pytest.mark.django_db


@pytest.fixture
def register(landlord_a, landlord_b):
    """In each landlord: one household with a disability, one over 75 without."""
    out = {}
    for org, tag in ((landlord_a, "A"), (landlord_b, "B")):
        out[f"dis{tag}"] = make_household(
            org,
            [{"last_name": f"Handi{tag}", "birth_date": date(1960, 1, 1), "disability": True}],
            reference=f"DIS-{tag}",
        )
        out[f"old{tag}"] = make_household(
            org,
            [{"last_name": f"Aine{tag}", "birth_date": date(1930, 1, 1)}],
            reference=f"OLD-{tag}",
        )
    return out


@pytest.fixture
def duo(landlord_a, landlord_b):
    """Administrator at A (no health data there), manager at B (health data there)."""
    user_create(username="duo", organisation=landlord_a, role=Role.ADMIN)
    user_create(username="duo", organisation=landlord_b, role=Role.MANAGER)
    return User.objects.get(username="duo")


def refs(qs) -> set[str]:
    return set(qs.values_list("reference", flat=True))


# --- the queryset: every way of naming a sensitive field ---------------------------------


@pytest.mark.parametrize(
    "use",
    [
        lambda qs: qs.filter(has_disability=True),
        lambda qs: qs.exclude(has_disability=False),
        lambda qs: qs.filter(Q(adults=1) | Q(has_disability=True)),
        lambda qs: qs.filter(occupants__disability=True),
        lambda qs: qs.order_by("-has_disability"),
        lambda qs: qs.values("reference", "has_disability"),
        lambda qs: qs.values_list("has_disability", flat=True),
        lambda qs: qs.annotate(h=F("has_disability")),
        lambda qs: qs.alias(h=F("has_disability")).filter(h=True),
        lambda qs: qs.aggregate(n=Count("id", filter=Q(has_disability=True))),
        lambda qs: qs.filter(
            Exists(Occupant.objects.filter(household=OuterRef("pk"), disability=True))
        ),
    ],
    ids=[
        "filter",
        "exclude",
        "q-or",
        "relation",
        "order_by",
        "values",
        "values_list",
        "annotate",
        "alias",
        "aggregate-filter",
        "exists-subquery",
    ],
)
def test_a_role_without_health_data_cannot_select_by_it(register, amina, use):
    qs = Household.objects.visible_to(amina, Perm.HOUSEHOLD_VIEW)
    with pytest.raises(SensitiveDataDenied) as exc:
        use(qs)
    assert "données de santé" in exc.value.message
    assert isinstance(exc.value, PermissionDeniedError)


def test_other_models_reach_it_through_relations(register, amina):
    residences = Residence.objects.visible_to(amina, Perm.HOUSEHOLD_VIEW)
    with pytest.raises(SensitiveDataDenied):
        residences.filter(dwellings__households__has_disability=True)
    occupants = Occupant.objects.visible_to(amina, Perm.HOUSEHOLD_VIEW)
    with pytest.raises(SensitiveDataDenied):
        occupants.filter(disability=True)
    with pytest.raises(SensitiveDataDenied):
        occupants.order_by("household__has_disability")


def test_other_filters_still_work_for_that_role(register, amina):
    qs = Household.objects.visible_to(amina, Perm.HOUSEHOLD_VIEW)
    assert refs(qs.filter(oldest_adult_birth_date__lte=date(1940, 1, 1))) == {"OLD-A"}
    assert refs(qs) == {"DIS-A", "OLD-A"}


def test_a_role_with_health_data_selects_by_it_in_its_organisation(register, marc):
    qs = Household.objects.visible_to(marc, Perm.HOUSEHOLD_VIEW)
    assert refs(qs.filter(has_disability=True)) == {"DIS-A"}


def test_two_memberships_select_by_it_only_where_the_role_allows(register, duo):
    qs = Household.objects.visible_to(duo, Perm.HOUSEHOLD_VIEW)
    assert refs(qs) == {"DIS-A", "OLD-A", "DIS-B", "OLD-B"}
    # Who is in the result: B's household only, never A's.
    assert refs(qs.filter(has_disability=True)) == {"DIS-B"}
    assert refs(qs.filter(has_disability=False)) == {"OLD-B"}
    assert refs(qs.order_by("has_disability")) == {"DIS-B", "OLD-B"}


def test_the_system_is_not_restricted(register):
    """Services, imports and the campaign build read for the system, not for a person."""
    assert refs(Household.objects.filter(has_disability=True)) == {"DIS-A", "DIS-B"}


# --- the register, its counts and the API --------------------------------------------------


def test_register_cohort_filter_is_refused_to_roles_without_health_data(
    client, register, amina, landlord_a
):
    client.force_login(amina)
    response = client.get("/registre/?cohort=disability")
    assert response.status_code == 403
    assert b"DIS-A" not in response.content
    assert AccessLog.objects.filter(
        user=amina, action=AccessAction.DENIED, detail=Perm.HOUSEHOLD_VIEW_SENSITIVE
    ).exists()
    # The choice is not offered either.
    page = client.get("/registre/")
    assert page.status_code == 200
    assert b'value="disability"' not in page.content


def test_register_cohort_filter_lists_only_where_a_two_org_user_may(client, register, duo):
    client.force_login(duo)
    response = client.get("/registre/?cohort=disability")
    assert response.status_code == 200
    assert b"DIS-B" in response.content
    assert b"DIS-A" not in response.content and b"OLD-" not in response.content


def test_counts_leave_disability_out_for_roles_without_it(register, amina, marc, duo):
    from vigie.housing.cohorts import cohort_counts

    def counts(user):
        return cohort_counts(Household.objects.visible_to(user, Perm.HOUSEHOLD_VIEW), AS_OF)

    a = counts(amina)
    # The household with a disability only is in no cohort for a reader without health data.
    assert a["disability"] is None and a["over_75"] == 1 and a["any"] == 1
    assert counts(marc)["disability"] == 1 and counts(marc)["any"] == 2
    d = counts(duo)
    assert d["disability"] == 1  # B's only
    assert d["over_75"] == 2 and d["any"] == 3  # A's disability-only household not counted


def test_api_cohort_counts(register, amina, duo):
    from vigie.core.tests.world import bearer

    r = Client().get("/api/v1/cohorts?as_of=2020-03-17", **bearer(amina))
    assert r.status_code == 200 and r.json()["disability"] is None and r.json()["any"] == 1
    r = Client().get("/api/v1/cohorts?as_of=2020-03-17", **bearer(duo))
    assert r.json()["disability"] == 1 and r.json()["any"] == 3


# --- campaigns: a wave on disability makes the campaign health data -------------------------


@pytest.fixture
def campaigns(register, marc, landlord_a):
    health = campaign_create(
        actor=marc,
        organisation=landlord_a,
        name="Confinement",
        as_of=AS_OF,
        waves=[
            {"name": "Situations de handicap", "cohorts": ["disability"]},
            {"name": "Aînés", "cohorts": ["over_75"], "priority": 2},
        ],
    )
    plain = campaign_create(
        actor=marc,
        organisation=landlord_a,
        name="Canicule",
        as_of=AS_OF,
        waves=[{"name": "Aînés", "cohorts": ["over_75"]}],
    )
    return health, plain


def test_wave_says_whether_it_selects_on_disability(campaigns, marc):
    health, plain = campaigns
    assert list(health.waves.values_list("health_data", flat=True)) == [True, False]
    wave = plain.waves.get()
    assert not wave.health_data
    # A filter "without disability" selects on it too.
    wave_update(actor=marc, wave=wave, changes={"filters": {"disability": False}})
    wave.refresh_from_db()
    assert wave.health_data


def test_a_campaign_with_a_disability_wave_is_withheld_from_roles_without_health_data(
    client, campaigns, amina, marc
):
    health, plain = campaigns
    assert set(Campaign.objects.visible_to(amina, Perm.CAMPAIGN_VIEW)) == {plain}
    assert set(Campaign.objects.visible_to(marc, Perm.CAMPAIGN_VIEW)) == {health, plain}
    assert not Wave.objects.visible_to(amina, Perm.CAMPAIGN_VIEW).filter(campaign=health).exists()
    client.force_login(amina)
    for url in (f"/campagnes/{health.pk}/", f"/campagnes/{health.pk}/planificateur/"):
        assert client.get(url).status_code == 404, url
    assert client.get(f"/campagnes/{plain.pk}/").status_code == 200
    listing = client.get("/campagnes/")
    assert b"Confinement" not in listing.content and b"Canicule" in listing.content
    assert b'data-withheld="1"' in listing.content
    client.force_login(marc)
    listing = client.get("/campagnes/")
    assert b"Confinement" in listing.content and b"data-withheld" not in listing.content


def test_api_withholds_the_campaign_too(campaigns, amina):
    from vigie.core.tests.world import bearer

    health, plain = campaigns
    auth = bearer(amina)
    assert Client().get(f"/api/v1/campaigns/{health.pk}", **auth).status_code == 404
    assert Client().get(f"/api/v1/campaigns/{health.pk}/stats", **auth).status_code == 404
    listed = {c["id"] for c in Client().get("/api/v1/campaigns", **auth).json()}
    assert listed == {plain.pk}


def test_only_a_role_with_health_data_defines_a_wave_on_it(campaigns, landlord_a, monkeypatch):
    """A manager's role always holds it; a role that could manage without it is refused."""
    from vigie.core import permissions

    monkeypatch.setitem(
        permissions.ROLE_PERMISSIONS,
        Role.ADMIN,
        permissions.ROLE_PERMISSIONS[Role.ADMIN] | {Perm.CAMPAIGN_MANAGE},
    )
    admin = user_create(username="chef", organisation=landlord_a, role=Role.ADMIN)
    with pytest.raises(PermissionDeniedError):
        campaign_create(
            actor=admin,
            organisation=landlord_a,
            name="Handicap",
            as_of=AS_OF,
            waves=[{"name": "H", "cohorts": ["disability"]}],
        )
    with pytest.raises(PermissionDeniedError):
        campaign_create(
            actor=admin,
            organisation=landlord_a,
            name="Sans handicap",
            as_of=AS_OF,
            waves=[{"name": "H", "cohorts": [], "filters": {"disability": False}}],
        )
    assert not Campaign.objects.filter(name__in=["Handicap", "Sans handicap"]).exists()


@pytest.mark.parametrize(
    "use",
    [
        lambda qs: qs.filter(pk__in=Household.objects.filter(has_disability=True)),
        lambda qs: qs.filter(
            pk__in=Occupant.objects.filter(disability=True).values("household_id")
        ),
        lambda qs: qs.annotate(
            d=FilteredRelation("occupants", condition=Q(occupants__disability=True))
        ).filter(d__isnull=False),
        lambda qs: qs.annotate(
            d=Subquery(Household.objects.filter(pk=OuterRef("pk")).values("has_disability")[:1])
        ),
        lambda qs: qs.extra(where=["has_disability"]),
        lambda qs: qs.raw("SELECT * FROM housing_household WHERE has_disability"),
    ],
    ids=[
        "queryset-value",
        "values-subquery",
        "filtered-relation",
        "subquery-select",
        "extra",
        "raw",
    ],
)
def test_the_wall_catches_subqueries_and_raw_sql(register, amina, use):
    """Review findings: these returned the households with a disability to the admin."""
    qs = Household.objects.visible_to(amina, Perm.HOUSEHOLD_VIEW)
    with pytest.raises(SensitiveDataDenied):
        list(use(qs))
