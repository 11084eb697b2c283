"""A wave's filters read as French words on the campaign page (issue #9 §10)."""

from vigie.campaigns.templates_catalog import LIVING_ALONE
from vigie.campaigns.wave_labels import filter_labels


def test_living_alone_reads_as_words():
    assert filter_labels(LIVING_ALONE, sensitive=True) == ["1 adulte", "sans enfant"]


def test_ranges_and_flags():
    assert filter_labels(
        {"age_min": 70, "age_max": 74, "adults_min": 2, "children_min": 1, "without_phone": True},
        sensitive=True,
    ) == ["doyen·ne de 70 à 74 ans", "2 adultes ou plus", "1 enfant ou plus", "sans téléphone"]


def test_disability_only_for_who_may_see_it():
    assert filter_labels({"disability": False}, sensitive=True) == ["sans situation de handicap"]
    assert filter_labels({"disability": True}, sensitive=False) == []


def test_names_instead_of_ids():
    assert filter_labels(
        {"agency_ids": [3], "communes": ["31555"]},
        sensitive=True,
        names={"agency_ids": {3: "Toulouse Nord"}, "communes": {"31555": "Toulouse"}},
    ) == ["agences : Toulouse Nord", "communes : Toulouse"]


def test_the_campaign_page_shows_words_not_keys(db, client, landlord_a, marc):
    from vigie.campaigns.tests.factories import OLD, running_campaign
    from vigie.housing.tests.factories import make_household

    make_household(landlord_a, [OLD])
    campaign = running_campaign(
        landlord_a,
        marc,
        waves=[{"name": "Seuls", "cohorts": ["over_75"], "filters": dict(LIVING_ALONE)}],
    )
    client.force_login(marc)
    page = client.get(f"/campagnes/{campaign.pk}/").content.decode()
    assert "1 adulte" in page and "sans enfant" in page
    assert "adults_min" not in page and "children_max" not in page


def test_the_planner_writes_and_reads_decimals_the_french_way(db, client, landlord_a, marc):
    from vigie.campaigns.tests.factories import OLD, running_campaign
    from vigie.housing.tests.factories import make_household

    make_household(landlord_a, [OLD])
    campaign = running_campaign(landlord_a, marc)
    client.force_login(marc)
    page = client.get(f"/campagnes/{campaign.pk}/planificateur/").content.decode()
    assert 'value="1,3"' in page and 'value="1.3"' not in page
    answer = client.get(
        f"/campagnes/{campaign.pk}/planificateur/",
        {"callers": 2, "call_minutes": "4,5", "hours_per_day": "6", "attempts": "1,5"},
    )
    assert answer.status_code == 200
    assert 'value="4,5"' in answer.content.decode()
    assert "errorlist" not in answer.content.decode()


def test_place_names_take_the_right_de():
    from vigie.core.templatetags.vigie import de

    assert de("Toulouse") == "de Toulouse"
    assert de("Albi") == "d'Albi"
    assert de("Le Havre") == "du Havre"
    assert de("Les Ulis") == "des Ulis"
    assert de("Écully") == "d'Écully"
    assert de("La Rochelle") == "de La Rochelle"
