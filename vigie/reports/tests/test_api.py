"""The reports API as external checks call it: shapes, walls, errors."""

from __future__ import annotations

import pytest
from django.test import Client

from vigie.accounts.models import ApiToken
from vigie.campaigns.choices import CampaignStatus, TargetStatus
from vigie.campaigns.models import Campaign, Target
from vigie.reports.models import Alert
from vigie.reports.tests.world import TODAY, frozen_today, plant

pytestmark = pytest.mark.django_db


def api(user) -> Client:
    _token, raw = ApiToken.issue(user=user)
    return Client(HTTP_AUTHORIZATION=f"Bearer {raw}")


@pytest.fixture
def planted(landlord_a, marc):
    return plant(landlord_a, marc)


@pytest.fixture
def today():
    with frozen_today():
        yield TODAY


def test_alerts_run_and_list(planted, marc, claire, today):
    r = api(marc).post("/api/v1/alerts/run")
    assert r.status_code == 200, r.content
    body = r.json()
    assert set(body) == {"raised", "by_rule"}
    assert body["by_rule"] == {rule: len(keys) for rule, keys in planted.expected.items()}
    assert api(marc).post("/api/v1/alerts/run").json()["raised"] == 0

    r = api(marc).get("/api/v1/alerts", {"rule": "rent_arrears", "status": "open"})
    assert r.status_code == 200
    (alert,) = r.json()
    assert set(alert) == {"id", "rule", "household", "reference", "reason", "status", "raised_on"}
    owing = planted.households["arrears_1"]
    assert alert["household"] == owing.pk and alert["reference"] == owing.reference
    assert alert["status"] == "open" and alert["raised_on"] == TODAY.isoformat()
    stair = api(marc).get("/api/v1/alerts", {"rule": "repeated_tickets_staircase"}).json()
    assert stair[0]["household"] is None and "escalier 2" in stair[0]["reference"]
    # Sent to the managers by default: a caller receives none.
    assert api(claire).get("/api/v1/alerts").json() == []
    assert api(marc).get("/api/v1/alerts", {"rule": "nope"}).status_code == 422
    # Close one.
    r = api(marc).post(
        f"/api/v1/alerts/{alert['id']}/close", {"note": "appelé"}, content_type="application/json"
    )
    assert r.status_code == 200 and r.json()["status"] == "closed"
    assert api(marc).get("/api/v1/alerts", {"rule": "rent_arrears"}).json() == []


def test_callers_run_nothing_and_another_landlord_sees_nothing(planted, marc, claire, bruno, today):
    assert api(claire).post("/api/v1/alerts/run").status_code == 403
    api(marc).post("/api/v1/alerts/run")
    one = Alert.objects.filter(rule_code="rent_arrears").get()
    assert api(bruno).get("/api/v1/alerts").json() == []
    r = api(bruno).post(f"/api/v1/alerts/{one.pk}/close", {}, content_type="application/json")
    assert r.status_code in (403, 404)


def test_map_has_one_feature_per_commune_and_walls_health(planted, marc, amina, today):
    r = api(marc).get("/api/v1/reports/map", {"figure": "households_over_75", "level": "commune"})
    assert r.status_code == 200, r.content
    features = r.json()["features"]
    assert features and set(features[0]) == {"insee", "name", "value"}
    assert {f["insee"] for f in features} == {"31555"}
    r = api(marc).get("/api/v1/reports/map", {"figure": "households_disability"})
    assert r.status_code == 200
    # The administrator reads the dashboards but not health data.
    r = api(amina).get("/api/v1/reports/map", {"figure": "households_disability"})
    assert r.status_code == 403 and "santé" in r.json()["detail"]
    assert api(amina).get("/api/v1/reports/map", {"figure": "open_tickets"}).status_code == 200
    assert api(marc).get("/api/v1/reports/map", {"figure": "bogus"}).status_code == 422
    assert (
        api(marc).get("/api/v1/reports/map", {"figure": "open_tickets", "level": "x"}).status_code
        == 422
    )


def test_overview_shape_and_period(planted, marc, amina, today):
    r = api(marc).get("/api/v1/reports/overview", {"from": "2026-01-01", "to": "2026-06-30"})
    assert r.status_code == 200, r.content
    body = r.json()
    assert body["from"] == "2026-01-01" and body["to"] == "2026-06-30"
    for key in ("cohorts", "campaigns", "needs", "tickets", "trends", "alerts", "modules"):
        assert key in body
    assert body["cohorts"]["total"]["disability"] is not None
    admin = api(amina).get("/api/v1/reports/overview").json()
    assert admin["cohorts"]["total"]["disability"] is None
    assert admin["alerts"]["disability_no_lift"] is None
    bad = api(marc).get("/api/v1/reports/overview", {"from": "2026-06-30", "to": "2026-01-01"})
    assert bad.status_code == 422 and "avant son début" in bad.json()["detail"]
    schema = Client().get("/api/openapi.json").json()
    assert "/api/v1/reports/overview" in schema["paths"]


def test_playbooks_build_a_draft_campaign(planted, marc, claire, today):
    r = api(marc).post(
        "/api/v1/playbooks/heatwave/prepare", {"level": 3}, content_type="application/json"
    )
    assert r.status_code == 201, r.content
    campaign = Campaign.objects.get(pk=r.json()["campaign"])
    assert campaign.status == CampaignStatus.DRAFT and campaign.built_at is not None
    assert campaign.template == "heatwave" and "niveau 3" in campaign.name
    assert campaign.waves.count() == 4
    targets = Target.objects.filter(campaign=campaign)
    assert targets.filter(household=planted.households["old_never"]).exists()
    assert (
        targets.filter(status__in=[TargetStatus.PENDING, TargetStatus.NO_PHONE]).count()
        == targets.count()
    )
    r = api(marc).post(
        "/api/v1/playbooks/heatwave/prepare", {"level": 5}, content_type="application/json"
    )
    assert r.status_code == 422
    r = api(marc).post("/api/v1/playbooks/cold/prepare")
    assert r.status_code == 201
    assert Campaign.objects.get(pk=r.json()["campaign"]).template == "cold_spell"
    r = api(claire).post("/api/v1/playbooks/cold/prepare")
    assert r.status_code == 403
