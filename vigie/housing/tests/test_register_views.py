"""The register pages: search, filters, walls between organisations, constant query counts."""

import html
from datetime import date

import pytest
from django.urls import reverse

from vigie.accounts.services import user_create
from vigie.conftest import PASSWORD
from vigie.core.models import AccessLog
from vigie.core.permissions import Role
from vigie.housing.choices import OccupantRole
from vigie.housing.models import Household
from vigie.housing.tests.factories import AgencyFactory, ResidenceFactory, make_household

pytestmark = pytest.mark.django_db


@pytest.fixture
def register_a(landlord_a):
    """Landlord A: Mme Durand (over 75, disability) and the Martin single-parent family."""
    durand = make_household(
        landlord_a,
        [
            {
                "last_name": "DURAND",
                "first_name": "Odette",
                "birth_date": date(1938, 4, 2),
                "disability": True,
                "phone": "+33561234567",
            }
        ],
        reference="BAIL-DURAND",
    )
    martin = make_household(
        landlord_a,
        [
            {"last_name": "MARTIN", "first_name": "Julie", "birth_date": date(1990, 1, 1)},
            {
                "last_name": "MARTIN",
                "first_name": "Léo",
                "birth_date": date(2015, 1, 1),
                "role": OccupantRole.CHILD,
                "phone": "",
            },
        ],
        reference="BAIL-MARTIN",
    )
    return durand, martin


def login(client, user):
    client.force_login(user)
    return client


def test_search_by_name_reference_and_phone(client, claire, register_a):
    login(client, claire)
    url = reverse("housing:households")
    assert "BAIL-DURAND" in client.get(url, {"q": "durand"}).content.decode()
    r = client.get(url, {"q": "BAIL-MARTIN"}).content.decode()
    assert "BAIL-MARTIN" in r and "BAIL-DURAND" not in r
    # The phone as people write it finds the household.
    assert "BAIL-DURAND" in client.get(url, {"q": "05 61 23 45 67"}).content.decode()
    assert "BAIL-DURAND" not in client.get(url, {"q": "0699999999"}).content.decode()


def test_search_is_logged_without_results(client, claire, register_a):
    login(client, claire)
    client.get(reverse("housing:households"), {"q": "durand"})
    log = AccessLog.objects.get(action="search")
    assert log.user == claire and "q=durand" in log.detail


def test_cohort_filter_matches_cohort_counts(client, claire, register_a):
    login(client, claire)
    html = client.get(reverse("housing:households"), {"cohort": "single_parent"}).content.decode()
    assert "BAIL-MARTIN" in html and "BAIL-DURAND" not in html
    html = client.get(reverse("housing:households"), {"cohort": "over_75"}).content.decode()
    assert "BAIL-DURAND" in html and "BAIL-MARTIN" not in html


def test_household_page_shows_ages_and_french_phone_and_logs_the_view(client, claire, register_a):
    durand, _ = register_a
    login(client, claire)
    html = client.get(reverse("housing:household", args=[durand.pk])).content.decode()
    assert "05 61 23 45 67" in html and 'href="tel:+33561234567"' in html
    assert "02/04/1938" in html
    assert "handicap" in html  # a caller may see the disability flag
    assert AccessLog.objects.filter(action="view", object_id=str(durand.pk), user=claire).exists()


def test_other_landlord_household_is_404_and_absent_from_search(client, bruno, register_a):
    durand, _ = register_a
    login(client, bruno)
    assert client.get(reverse("housing:household", args=[durand.pk])).status_code == 404
    html = client.get(reverse("housing:households"), {"q": "durand"}).content.decode()
    assert "BAIL-DURAND" not in html
    res = durand.dwelling.residence
    assert client.get(reverse("housing:residence", args=[res.pk])).status_code == 404


def test_partner_worker_and_mediator_have_no_register(client, pierre, maya, register_a):
    for user in (pierre, maya):
        login(client, user)
        assert client.get(reverse("housing:households")).status_code == 403
    assert AccessLog.objects.filter(action="denied").count() == 2


def test_anonymous_is_sent_to_login(client, register_a):
    r = client.get(reverse("housing:households"))
    assert r.status_code == 302 and reverse("accounts:login") in r["Location"]


def test_agency_staff_see_their_agency_only_and_no_health_data(client, landlord_a, register_a):
    durand, martin = register_a
    nord = AgencyFactory(organisation=landlord_a, name="Agence Nord")
    res = ResidenceFactory(organisation=landlord_a, agency=nord)
    mine = make_household(
        landlord_a,
        [{"last_name": "PETIT", "disability": True, "birth_date": date(1940, 1, 1)}],
        dwelling__residence=res,
        reference="BAIL-PETIT",
    )
    paul = user_create(
        username="paul",
        organisation=landlord_a,
        role=Role.AGENCY_STAFF,
        password=PASSWORD,
        agency_names=["Agence Nord"],
    )
    login(client, paul)
    html = client.get(reverse("housing:households")).content.decode()
    assert "BAIL-PETIT" in html and "BAIL-DURAND" not in html
    assert client.get(reverse("housing:household", args=[durand.pk])).status_code == 404
    page = client.get(reverse("housing:household", args=[mine.pk])).content.decode()
    assert "PETIT" in page
    assert "handicap" not in page.lower()
    assert "Situation de handicap" not in html


def test_household_list_runs_constant_queries(
    client, claire, landlord_a, django_assert_max_num_queries
):
    login(client, claire)
    for i in range(3):
        make_household(
            landlord_a, [{"last_name": f"NOM{i}"}, {"role": OccupantRole.CHILD, "phone": ""}]
        )
    url = reverse("housing:households")
    client.get(url)  # warm caches (sessions, content types)
    with django_assert_max_num_queries(14) as small:
        client.get(url)
    for i in range(40):
        make_household(landlord_a, [{"last_name": f"AUTRE{i}"}, {"role": OccupantRole.SPOUSE}])
    with django_assert_max_num_queries(len(small.captured_queries)):
        client.get(url)


def test_contact_rectification_refuses_a_stale_version(client, claire, register_a):
    durand, _ = register_a
    occ = durand.occupants.get()
    login(client, claire)
    url = reverse("housing:occupant_contact", args=[occ.pk])
    r = client.post(
        url,
        {"version": durand.version, "phone": "06 12 34 56 78", "phone_2": "", "email": ""},
        follow=True,
    )
    assert "Coordonnées mises à jour" in r.content.decode()
    occ.refresh_from_db()
    assert occ.phone == "+33612345678"
    # A second form opened before the first save must not overwrite it.
    r = client.post(
        url,
        {"version": durand.version, "phone": "05 61 00 00 00", "phone_2": "", "email": ""},
        follow=True,
    )
    assert "modifié par quelqu'un d'autre" in html.unescape(r.content.decode())
    occ.refresh_from_db()
    assert occ.phone == "+33612345678"
    assert Household.objects.get(pk=durand.pk).has_phone


def test_residence_page_runs_constant_queries(
    client, claire, landlord_a, django_assert_max_num_queries
):
    res = ResidenceFactory(organisation=landlord_a)
    for i in range(3):
        make_household(landlord_a, [{"last_name": f"R{i}"}], dwelling__residence=res)
    client.force_login(claire)
    url = reverse("housing:residence", args=[res.pk])
    client.get(url)
    with django_assert_max_num_queries(20) as small:
        assert client.get(url).status_code == 200
    for i in range(30):
        make_household(
            landlord_a,
            [{"last_name": f"S{i}"}, {"role": OccupantRole.CHILD}],
            dwelling__residence=res,
        )
    with django_assert_max_num_queries(len(small.captured_queries)):
        client.get(url)
