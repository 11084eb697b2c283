"""The register's search (housing/search.py): ranked, communes found, accents and case ignored,
scoped, health data never shown, logged, the index kept by the database (SQLite and PostgreSQL:
`make test-postgres` runs this file too)."""

from __future__ import annotations

from datetime import date

import pytest
from django.db import connection
from django.urls import reverse

from vigie.accounts.services import user_create
from vigie.conftest import PASSWORD
from vigie.core.models import AccessLog
from vigie.core.permissions import Role
from vigie.housing import selectors
from vigie.housing.models import Commune, Household
from vigie.housing.search import ensure_search_index, normalise, parse
from vigie.housing.services import occupant_update_contact
from vigie.housing.tests.factories import AgencyFactory, ResidenceFactory, make_household

pytestmark = pytest.mark.django_db

ALBI, TOULOUSE, SETE = "81004", "31555", "34301"


def at(org, ref, address, insee, name="NOM", first="Jean", **kw):
    commune = Commune.objects.get(pk=insee)
    return make_household(
        org,
        [{"last_name": name, "first_name": first, **kw}],
        reference=ref,
        dwelling__address=address,
        dwelling__commune=commune,
        dwelling__postcode=commune.postcodes.first().postcode,
        dwelling__residence__commune=commune,
    )


@pytest.fixture
def street(landlord_a):
    """Number 1 of three rues du Moulin, and its neighbours that "1 rue du Moulin" must not
    drown (the issue's 298 equal households)."""
    return {
        "albi_1": at(landlord_a, "ALBI-1A", "1 rue du Moulin", ALBI),
        "albi_1b": at(landlord_a, "ALBI-1B", "1, rue du Moulin", ALBI),
        "toulouse_1": at(landlord_a, "TLS-1", "1 rue du Moulin", TOULOUSE),
        "albi_11": at(landlord_a, "ALBI-11", "11 rue du Moulin", ALBI),
        "albi_jean": at(landlord_a, "ALBI-JM", "1 rue Jean Moulin", ALBI),
        "albi_chemin": at(landlord_a, "ALBI-CH", "1 chemin du Moulin", ALBI),
        "albi_name": at(landlord_a, "ALBI-NOM", "3 rue Pasteur", ALBI, name="MOULIN"),
        "sete": at(landlord_a, "SETE-1", "1 rue du Moulin", SETE, name="LEFÈVRE", first="Éléonore"),
    }


def refs(user, q):
    f = selectors.HouseholdFilters(q=q, status="all")
    return [h.reference for h in selectors.household_search(user, f, date.today())]


def test_number_street_and_commune_rank_first(marc, street):
    found = refs(marc, "1 rue du Moulin")
    assert set(found[:4]) == {"ALBI-1A", "ALBI-1B", "TLS-1", "SETE-1"}
    assert "ALBI-11" not in found  # 11 is not 1
    assert found.index("ALBI-JM") > 3 and found.index("ALBI-CH") > 3

    albi = refs(marc, "1 rue du moulin albi")
    assert set(albi[:2]) == {"ALBI-1A", "ALBI-1B"}
    assert "TLS-1" not in albi and "SETE-1" not in albi


def test_commune_names_are_searchable_with_or_without_accents(marc, street):
    assert set(refs(marc, "Albi")) == {r for r in refs(marc, "albi")}
    assert "TLS-1" not in refs(marc, "albi") and "ALBI-NOM" in refs(marc, "albi")
    assert refs(marc, "Sète") == refs(marc, "SETE") == ["SETE-1"]
    assert refs(marc, "moulin albi")[0] != "ALBI-NOM"  # the street before the surname


def test_accents_and_case_are_ignored(marc, street):
    for q in ("lefevre", "LEFÈVRE", "Lefèvre eleonore", "ÉLÉONORE"):
        assert refs(marc, q) == ["SETE-1"], q


def test_a_surname_found_whole_comes_before_a_longer_one(marc, landlord_a):
    at(landlord_a, "LONG", "2 rue Pasteur", TOULOUSE, name="DUPONTEL")
    at(landlord_a, "EXACT", "4 rue Pasteur", TOULOUSE, name="DUPONT")
    assert refs(marc, "dupont") == ["EXACT", "LONG"]


def test_saint_is_found_however_it_is_written(marc, landlord_a):
    at(landlord_a, "SJ", "5 rue Saint-Jean", TOULOUSE)
    for q in ("st jean", "St-Jean", "saint jean", "SAINT JEAN"):
        assert refs(marc, q) == ["SJ"], q


def test_reference_and_phone(marc, landlord_a):
    h = at(landlord_a, "B0012345", "7 rue Pasteur", TOULOUSE, phone="+33561234567")
    at(landlord_a, "B0012399", "9 rue Pasteur", TOULOUSE, phone="+33561000000")
    assert refs(marc, "B0012345") == ["B0012345"]
    assert refs(marc, "b00123") == ["B0012345", "B0012399"]
    for q in ("05 61 23 45 67", "0561234567", "+33 5 61 23 45 67"):
        assert refs(marc, q) == [h.reference], q


def test_query_parsing():
    assert normalise("Rue de l'Église, 31000 TOULOUSE") == "rue de l eglise 31000 toulouse"
    q = parse("1 bd du Moulin")
    assert q.words == ("1", "boulevard", "du", "moulin")
    assert q.required == (("1", True), ("moulin", False))  # street type and article only rank
    assert parse("rue du").required == (("rue", False), ("du", False))
    assert parse("  ").empty and parse("a").empty


def test_an_edit_and_an_erasure_reach_the_index(marc, landlord_a):
    h = at(landlord_a, "EDIT", "8 rue Pasteur", TOULOUSE, phone="+33561234567")
    occupant = h.occupants.get()
    occupant_update_contact(
        actor=marc,
        occupant=occupant,
        version=h.version,
        phone="06 99 88 77 66",
        phone_2="",
        email="",
    )
    assert refs(marc, "0699887766") == ["EDIT"]
    assert refs(marc, "0561234567") == []
    Household.objects.filter(pk=h.pk).update(search_text="")
    assert refs(marc, "pasteur") == []


def test_agency_staff_find_their_agency_only_and_other_landlords_nothing(
    client, landlord_a, bruno, street
):
    nord = AgencyFactory(organisation=landlord_a, name="Agence Nord")
    mine = at(landlord_a, "MINE-1", "1 rue du Moulin", ALBI)
    mine.dwelling.residence = ResidenceFactory(organisation=landlord_a, agency=nord)
    mine.dwelling.save()
    paul = user_create(
        username="paul",
        organisation=landlord_a,
        role=Role.AGENCY_STAFF,
        password=PASSWORD,
        agency_names=["Agence Nord"],
    )
    assert refs(paul, "1 rue du Moulin") == ["MINE-1"]
    client.force_login(paul)
    html = client.get(reverse("housing:quick_search"), {"q": "moulin"}).content.decode()
    assert "MINE-1" in html and "ALBI-1A" not in html
    assert refs(bruno, "1 rue du Moulin") == []
    client.force_login(bruno)
    html = client.get(reverse("housing:quick_search"), {"q": "moulin"}).content.decode()
    assert "ALBI-1A" not in html and "Aucun ménage" in html


def test_health_data_is_never_a_way_in(client, claire, landlord_a):
    at(landlord_a, "SANTE", "2 rue Pasteur", TOULOUSE, name="ROCHE", disability=True)
    client.force_login(claire)
    for q in ("handicap", "oui", "situation"):
        assert refs(claire, q) == [], q
    html = client.get(reverse("housing:quick_search"), {"q": "roche"}).content.decode()
    assert "SANTE" in html and "handicap" not in html.lower()


def test_header_box_suggests_and_logs_like_the_register(client, claire, pierre, street):
    client.force_login(claire)
    home = client.get(reverse("housing:households")).content.decode()
    assert 'id="header-q"' in home and reverse("housing:quick_search") in home
    r = client.get(
        reverse("housing:quick_search"), {"q": "1 rue du moulin albi"}, HTTP_HX_REQUEST="true"
    )
    html = r.content.decode()
    assert r.status_code == 200
    assert "ALBI-1A" in html and "ALBI-1B" in html and "TLS-1" not in html
    assert html.index("ALBI-1B") < html.index("ALBI-JM")
    assert "1 rue du Moulin, 81000 Albi" in html
    assert "Voir tous les résultats" in html and "q=1%20rue%20du%20moulin%20albi" in html
    log = AccessLog.objects.get(action="search", path=reverse("housing:quick_search"))
    assert log.user == claire and log.detail == "q=1 rue du moulin albi"
    # One letter: nothing asked of the database, nothing logged.
    assert client.get(reverse("housing:quick_search"), {"q": "a"}).content.decode().strip() == ""
    assert AccessLog.objects.filter(action="search").count() == 1
    # No register, no box, and the suggestions answer 403.
    client.force_login(pierre)
    assert 'id="header-q"' not in client.get(reverse("core:home"), follow=True).content.decode()
    assert client.get(reverse("housing:quick_search"), {"q": "moulin"}).status_code == 403


def test_suggestions_run_constant_queries(
    client, claire, landlord_a, django_assert_max_num_queries
):
    client.force_login(claire)
    url = reverse("housing:quick_search")
    at(landlord_a, "Q0", "1 rue Pasteur", TOULOUSE, name="QUERY")
    client.get(url, {"q": "query"})
    with django_assert_max_num_queries(20) as few:
        client.get(url, {"q": "query"})
    for i in range(1, 12):
        at(landlord_a, f"Q{i}", f"{i} rue Pasteur", TOULOUSE, name="QUERY")
    with django_assert_max_num_queries(len(few.captured_queries)):
        client.get(url, {"q": "query"})


@pytest.mark.skipif(connection.vendor != "sqlite", reason="SQLite rebuilds tables, PG doesn't")
def test_lost_triggers_are_put_back(marc, landlord_a):
    with connection.cursor() as cursor:
        cursor.execute("DROP TRIGGER housing_household_fts_au")
    ensure_search_index(connection)
    h = at(landlord_a, "TRIG", "8 rue Pasteur", TOULOUSE, name="AVANT")
    h.occupants.update(last_name="APRES")
    from vigie.housing.services import household_refresh_composition

    household_refresh_composition(h)
    assert refs(marc, "apres") == ["TRIG"] and refs(marc, "avant") == []


def test_too_many_candidates_are_listed_unranked_newest_first(marc, street, monkeypatch):
    from vigie.housing import search

    ranked = refs(marc, "albi")
    monkeypatch.setattr(search, "RANK_LIMIT", 3)
    unranked = refs(marc, "albi")
    assert sorted(unranked) == sorted(ranked)
    newest_first = Household.objects.filter(reference__in=ranked).order_by("-pk")
    assert unranked == [h.reference for h in newest_first]
    qs = selectors.household_search(marc, selectors.HouseholdFilters(q="albi"), date.today())
    assert "search_rank" not in qs.query.annotations


def test_a_search_matching_too_many_says_so_instead_of_counting_them_all(
    client, marc, street, monkeypatch
):
    from vigie.housing import search

    client.force_login(marc)
    url = reverse("housing:households")
    page = client.get(url, {"q": "albi", "status": "all"}).content.decode()
    assert "6 ménages" in page
    monkeypatch.setattr(search, "RANK_LIMIT", 3)
    page = client.get(url, {"q": "albi", "status": "all"}).content.decode()
    assert "Plus de 3 ménages correspondent : les 3 plus récents sont listés." in page
    assert page.count('href="/registre/menages/') == 3


@pytest.mark.skipif(connection.vendor != "sqlite", reason="SQLite's planner statistics")
def test_statistics_lost_by_a_table_rebuild_are_taken_again(marc, street):
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE housing_household")
        cursor.execute("DELETE FROM sqlite_stat1 WHERE tbl = 'housing_household'")
        ensure_search_index(connection)
        cursor.execute("SELECT COUNT(*) FROM sqlite_stat1 WHERE tbl = 'housing_household'")
        assert cursor.fetchone()[0] > 0


def test_an_import_in_a_fresh_process_makes_communes_searchable(marc, landlord_a):
    """The communes' names are read before PostgreSQL's COPY starts (no query may run
    during it): with an empty cache, as in a new process, the import still goes through."""
    from vigie.housing import importing
    from vigie.housing.demo import generate_export
    from vigie.housing.importing import import_stock

    importing._commune_names.clear()
    export = generate_export(dwellings=30, seed=4)
    report = import_stock(organisation=landlord_a, data=export.data, file_name="export.csv")
    assert report.imported and not report.errors
    h = Household.objects.filter(organisation=landlord_a).select_related("dwelling__commune")[0]
    assert h.reference in refs(marc, h.dwelling.commune.name)


def test_a_renamed_residence_is_found_by_its_new_name_once_refreshed(marc, landlord_a):
    """The demo renames residences (Tabar, Bagatelle): their households' search text must
    follow, or the new name finds nothing (found by trying the demo)."""
    from vigie.housing.models import Residence
    from vigie.housing.services import refresh_households_search_text

    h = at(landlord_a, "REN-1", "2 rue Haute", ALBI, name="DUPONT")
    residence = h.dwelling.residence
    Residence.objects.filter(pk=residence.pk).update(name="Bagatelle")
    assert refs(marc, "bagatelle") == []  # the stale index, as the demo had it
    assert refresh_households_search_text(Household.objects.filter(pk=h.pk)) == 1
    assert refs(marc, "bagatelle") == ["REN-1"]
    assert refs(marc, "Dupont Bagatelle") == ["REN-1"]
