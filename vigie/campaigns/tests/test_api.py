"""The API contract: shapes, status codes and French sentences."""

import pytest
from django.test import Client

from vigie.accounts.models import ApiToken
from vigie.campaigns.models import Campaign
from vigie.campaigns.tests.factories import OLD, SEPTUA, WAVES_2020, running_campaign
from vigie.conftest import make_user
from vigie.core.permissions import Role
from vigie.housing.tests.factories import make_household

pytestmark = pytest.mark.django_db


def api(user):
    _token, raw = ApiToken.issue(user=user)
    return Client(headers={"Authorization": f"Bearer {raw}"})


def post(client, path, data=None):
    return client.post(path, data=data or {}, content_type="application/json")


CREATE = {"name": "Confinement 2020", "as_of": "2020-03-17", "waves": WAVES_2020}


def test_manager_creates_builds_starts_and_reads_stats(landlord_a, marc):
    make_household(landlord_a, [dict(OLD, disability=True)])
    make_household(landlord_a, [SEPTUA])
    make_household(landlord_a, [OLD], opted_out=True)
    make_household(landlord_a, [dict(OLD, phone="")])
    c = api(marc)
    r = post(c, "/api/v1/campaigns", CREATE)
    assert r.status_code == 201, r.content
    body = r.json()
    cid = body["id"]
    assert body["status"] == "draft" and [w["name"] for w in body["waves"]][0] == "75 ans et plus"
    r = post(c, f"/api/v1/campaigns/{cid}/build")
    assert r.status_code == 200
    assert r.json() == {
        "targets": 2,
        "added": 3,
        "waves": [
            {"name": "75 ans et plus", "targets": 1, "no_phone": 1},
            {"name": "70 à 74 ans", "targets": 1, "no_phone": 0},
            {"name": "Familles monoparentales", "targets": 0, "no_phone": 0},
            {"name": "Handicap", "targets": 0, "no_phone": 0},
        ],
        "opted_out": 1,
        "no_phone": 1,
    }
    assert post(c, f"/api/v1/campaigns/{cid}/start").json()["status"] == "running"
    r = c.get(f"/api/v1/campaigns/{cid}/stats")
    assert r.status_code == 200
    stats = r.json()
    assert stats["targets"] == 2 and stats["remaining"] == 2 and stats["reached"] == 0
    assert stats["waves"][0]["name"] == "75 ans et plus" and stats["callers"] == []
    assert [x["id"] for x in c.get("/api/v1/campaigns").json()] == [cid]


def test_create_from_template(landlord_a, marc):
    r = post(api(marc), "/api/v1/campaigns", {"as_of": "2026-07-01", "template": "heatwave"})
    assert r.status_code == 201
    body = r.json()
    assert body["template"] == "heatwave" and len(body["waves"]) == 3 and body["questions"]
    assert body["name"].startswith("Plan canicule — appels de veille")
    assert body["waves"][0]["name"] == "75 ans et plus"


def test_the_templates_catalogue_answers_its_translated_sentences(landlord_a, marc):
    """The catalogue's sentences are lazy translations: the API answers them as strings."""
    r = api(marc).get("/api/v1/campaign-templates")
    assert r.status_code == 200
    heatwave = r.json()["heatwave"]
    assert (
        heatwave["label"] == "Canicule" and heatwave["name"] == "Plan canicule — appels de veille"
    )
    assert heatwave["waves"][0]["name"] == "75 ans et plus"


def test_caller_takes_and_records_calls(landlord_a, marc, claire):
    make_household(landlord_a, [dict(OLD, disability=True)])
    campaign = running_campaign(landlord_a, marc)
    c = api(claire)
    r = post(c, f"/api/v1/campaigns/{campaign.pk}/next-call")
    assert r.status_code == 200, r.content
    call = r.json()
    assert call["wave"] == "75 ans et plus"
    assert call["cohorts"] == ["over_75", "disability"]
    assert call["household"]["phones"] == ["05 61 00 00 00"]
    r = post(
        c,
        f"/api/v1/targets/{call['target_id']}/attempts",
        {
            "result": "reached",
            "outcome": "reassuring",
            "needs": [],
            "notes": "",
            "callback_at": None,
        },
    )
    assert r.status_code == 201, r.content
    assert r.json()["target_status"] == "done"
    assert post(c, f"/api/v1/campaigns/{campaign.pk}/next-call").status_code == 204
    stats = c.get(f"/api/v1/campaigns/{campaign.pk}/stats").json()
    assert stats["reached"] == 1 and stats["reassuring"] == 1
    assert stats["callers"] == [
        {"username": "claire", "attempts": 1, "reached": 1, "reassuring": 1, "needs_follow_up": 0}
    ]


def test_disability_and_health_needs_hidden_without_the_sensitive_permission(
    landlord_a, marc, amina
):
    make_household(landlord_a, [dict(OLD, disability=True)])
    # A campaign with a wave on disability is withheld from Amina altogether (decision 0010,
    # core/tests/test_health_wall.py); in an over-75s campaign she sees the stats without health.
    campaign = running_campaign(landlord_a, marc, waves=[{"name": "Aînés", "cohorts": ["over_75"]}])
    assert (
        api(amina)
        .get(f"/api/v1/campaigns/{running_campaign(landlord_a, marc, name='Handicap').pk}/stats")
        .status_code
        == 404
    )
    call = post(api(marc), f"/api/v1/campaigns/{campaign.pk}/next-call").json()
    post(
        api(marc),
        f"/api/v1/targets/{call['target_id']}/attempts",
        {"result": "reached", "needs": ["health", "groceries"]},
    )
    # Amina (administrator) may see campaigns but not health data.
    stats = api(amina).get(f"/api/v1/campaigns/{campaign.pk}/stats").json()
    assert stats["needs"] == {"groceries": 1}
    assert api(marc).get(f"/api/v1/campaigns/{campaign.pk}/stats").json()["needs"] == {
        "groceries": 1,
        "health": 1,
    }


def test_another_landlords_campaign_is_404(landlord_a, landlord_b, marc, bruno):
    make_household(landlord_a, [OLD])
    campaign = running_campaign(landlord_a, marc)
    c = api(bruno)
    assert c.get(f"/api/v1/campaigns/{campaign.pk}").status_code == 404
    r = post(c, f"/api/v1/campaigns/{campaign.pk}/next-call")
    assert r.status_code == 404 and r.json()["detail"]
    target = campaign.targets.get()
    assert (
        post(c, f"/api/v1/targets/{target.pk}/attempts", {"result": "refused"}).status_code == 404
    )
    assert c.get("/api/v1/campaigns").json() == []


def test_wrong_role_is_403_with_a_sentence(landlord_a, marc, claire, pierre):
    make_household(landlord_a, [OLD])
    r = post(api(claire), "/api/v1/campaigns", CREATE)
    assert r.status_code == 403 and "responsable" in r.json()["detail"]
    campaign = running_campaign(landlord_a, marc)
    r = post(api(claire), f"/api/v1/campaigns/{campaign.pk}/pause")
    assert r.status_code == 403
    amina = make_user("amina2", landlord_a, Role.ADMIN)
    r = post(api(amina), f"/api/v1/campaigns/{campaign.pk}/next-call")
    assert r.status_code == 403 and "appels" in r.json()["detail"]
    assert api(pierre).get("/api/v1/campaigns").status_code == 403


def test_someone_elses_claim_is_409(landlord_a, marc, claire):
    make_household(landlord_a, [OLD])
    campaign = running_campaign(landlord_a, marc)
    sophie = make_user("sophie", landlord_a, Role.CALLER)
    call = post(api(claire), f"/api/v1/campaigns/{campaign.pk}/next-call").json()
    assert post(api(sophie), f"/api/v1/campaigns/{campaign.pk}/next-call").status_code == 204
    r = post(api(sophie), f"/api/v1/targets/{call['target_id']}/attempts", {"result": "refused"})
    assert r.status_code == 409 and "collègue" in r.json()["detail"]


def test_bad_input_is_422_with_a_sentence(landlord_a, marc, claire):
    r = post(api(marc), "/api/v1/campaigns", {**CREATE, "waves": [{"cohorts": ["over_80"]}]})
    assert r.status_code == 422 and "over_80" in r.json()["detail"]
    r = post(api(marc), "/api/v1/campaigns", {"name": "x", "as_of": "17/03/2020", "waves": []})
    assert r.status_code == 422 and r.json()["detail"].startswith("Requête invalide")
    make_household(landlord_a, [OLD])
    campaign = running_campaign(landlord_a, marc)
    call = post(api(claire), f"/api/v1/campaigns/{campaign.pk}/next-call").json()
    r = post(api(claire), f"/api/v1/targets/{call['target_id']}/attempts", {"result": "reached"})
    assert r.status_code == 422 and "issue" in r.json()["detail"]
    r = post(api(claire), f"/api/v1/targets/{call['target_id']}/attempts", {"result": "perdu"})
    assert r.status_code == 422


def test_closed_campaign_conflicts(landlord_a, marc):
    make_household(landlord_a, [OLD])
    campaign = running_campaign(landlord_a, marc)
    c = api(marc)
    assert post(c, f"/api/v1/campaigns/{campaign.pk}/close").status_code == 200
    r = post(c, f"/api/v1/campaigns/{campaign.pk}/start")
    assert r.status_code == 409 and "clôturée" in r.json()["detail"]
    assert Campaign.objects.get(pk=campaign.pk).status == "closed"


def test_stats_use_a_constant_number_of_queries(landlord_a, marc, django_assert_max_num_queries):
    for _ in range(5):
        make_household(landlord_a, [OLD])
    campaign = running_campaign(landlord_a, marc)
    from vigie.campaigns.selectors import campaign_stats

    with django_assert_max_num_queries(4):
        campaign_stats(campaign)
