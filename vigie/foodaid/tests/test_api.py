"""The food-aid API as the issue writes it (§9): paths, bodies, answers and status codes."""

from __future__ import annotations

import uuid
from datetime import date

import pytest
from django.test import Client

from vigie.core.tests.world import bearer
from vigie.foodaid.models import Enrolment, Record
from vigie.foodaid.services import enrolment_create, session_create

pytestmark = pytest.mark.django_db


def call(user, method, url, body=None):
    client = Client()
    headers = bearer(user)
    if body is None:
        return getattr(client, method)(url, **headers)
    return getattr(client, method)(url, body, content_type="application/json", **headers)


def enrol_all(lockdown, marc, mode="collect"):
    return [
        enrolment_create(
            actor=marc,
            programme=lockdown.programme,
            household=h,
            consent_on=date(2020, 3, 20),
            mode=mode,
        )
        for h in lockdown.households[:3]
    ]


def test_residences_lists_what_the_user_may_see(lockdown, marc, bea):
    r = call(marc, "get", "/api/v1/residences")
    assert r.status_code == 200
    names = {row["name"] for row in r.json()}
    assert {"Tabar", "Bagatelle", "Ailleurs"} <= names
    row = next(x for x in r.json() if x["name"] == "Tabar")
    assert set(row) == {"id", "name", "commune", "agency"}
    assert row["commune"] == "Toulouse" and row["agency"]
    assert "Tabar" not in {x["name"] for x in call(bea, "get", "/api/v1/residences").json()}


def test_programme_create(lockdown, marc, partner_org, pierre, bea):
    body = {
        "name": "Colis été",
        "partners": [partner_org.slug],
        "sites": [lockdown.tabar.pk],
        "starts_on": "2020-07-01",
        "ends_on": "2020-08-31",
    }
    r = call(marc, "post", "/api/v1/foodaid/programmes", body)
    assert r.status_code == 201, r.content
    pk = r.json()["id"]
    assert set(r.json()) == {"id"}
    # The operator's worker reads it; the other landlord does not.
    assert call(pierre, "get", f"/api/v1/foodaid/programmes/{pk}").status_code == 200
    assert call(bea, "get", f"/api/v1/foodaid/programmes/{pk}").status_code == 404
    # Unusable input: a French sentence, 422, nothing written.
    bad = call(marc, "post", "/api/v1/foodaid/programmes", {**body, "ends_on": "2020-06-01"})
    assert bad.status_code == 422 and "avant son début" in bad.json()["detail"]
    bad = call(marc, "post", "/api/v1/foodaid/programmes", {**body, "partners": ["nope"]})
    assert bad.status_code == 422 and "nope" in bad.json()["detail"]
    # Another landlord's residence is not a site of A's programme.
    from vigie.housing.tests.factories import ResidenceFactory

    theirs = ResidenceFactory(organisation=bea.memberships.get().organisation)
    bad = call(marc, "post", "/api/v1/foodaid/programmes", {**body, "sites": [theirs.pk]})
    assert bad.status_code == 422
    # Partner workers do not create programmes.
    assert call(pierre, "post", "/api/v1/foodaid/programmes", body).status_code == 403


def test_eligible_proposes_with_reasons(lockdown, marc, claire, pierre, fanny):
    from vigie.campaigns.choices import NeedKind
    from vigie.campaigns.models import Need

    odette, durand, petit, loin = lockdown.households
    Need.objects.create(organisation=lockdown.landlord, household=durand, kind=NeedKind.GROCERIES)
    url = f"/api/v1/foodaid/programmes/{lockdown.programme.pk}/eligible"
    r = call(marc, "get", url)
    assert r.status_code == 200
    by = {row["household"]: row for row in r.json()}
    assert "over_75" in by[odette.pk]["reasons"]
    assert by[odette.pk]["residence"] == lockdown.tabar.pk
    assert set(by[durand.pk]["reasons"]) == {"single_parent", "need:groceries"}
    assert "disability" in by[petit.pk]["reasons"]  # managers may see health data
    assert loin.pk not in by  # not on a site
    # Never automatic, and an enrolled household is no longer proposed.
    assert not Enrolment.objects.exists()
    enrolment_create(
        actor=marc,
        programme=lockdown.programme,
        household=odette,
        consent_on=date(2020, 3, 20),
        mode="delivery",
    )
    assert odette.pk not in {row["household"] for row in call(marc, "get", url).json()}
    # Landlord staff only (§9): a caller of the landlord reads it (this test expected 403
    # before: it followed the manager-only permission, not the issue); partners and funders
    # are refused with a sentence about this action.
    assert call(claire, "get", url).status_code == 200
    for outsider in (pierre, fanny):
        refused = call(outsider, "get", url)
        assert refused.status_code == 403
        assert "ménages proposés" in refused.json()["detail"]


def test_enrol_and_list_what_partners_see(lockdown, marc, pierre, quentin, bea):
    odette, durand, petit, loin = lockdown.households
    url = f"/api/v1/foodaid/programmes/{lockdown.programme.pk}/enrolments"
    r = call(
        marc, "post", url, {"household": odette.pk, "consent_on": "2020-03-20", "mode": "delivery"}
    )
    assert r.status_code == 201 and set(r.json()) == {"id"}
    e = Enrolment.objects.get(pk=r.json()["id"])
    assert e.enrolled_by == marc and e.consent_on == date(2020, 3, 20)
    # Again: a conflict; without consent or another mode or off-site: 422.
    assert (
        call(
            marc,
            "post",
            url,
            {"household": odette.pk, "consent_on": "2020-03-20", "mode": "collect"},
        ).status_code
        == 409
    )
    assert call(marc, "post", url, {"household": durand.pk, "mode": "collect"}).status_code == 422
    assert (
        call(
            marc, "post", url, {"household": durand.pk, "consent_on": "2020-03-20", "mode": "drone"}
        ).status_code
        == 422
    )
    assert (
        call(
            marc, "post", url, {"household": loin.pk, "consent_on": "2020-03-20", "mode": "collect"}
        ).status_code
        == 422
    )
    # The operator's worker reads exactly these fields, nothing else of the register.
    rows = call(pierre, "get", url).json()
    assert rows == [
        {
            "id": e.pk,
            "name": "Martin Odette",
            "address": "1 avenue de Tabar",
            "floor": "2",
            "phone": "05 61 00 00 00",
            "mode": "delivery",
        }
    ]
    assert call(quentin, "get", url).status_code == 404
    assert call(bea, "get", url).status_code == 404


def test_places_limit_puts_the_next_on_the_waiting_list(lockdown, marc):
    lockdown.programme.places_limit = 2
    lockdown.programme.save()
    first, second, third = enrol_all(lockdown, marc)
    assert [first.status, second.status, third.status] == ["enrolled", "enrolled", "waiting"]


def test_sessions_and_idempotent_records(lockdown, marc, pierre, quentin):
    odette, durand, petit = enrol_all(lockdown, marc)
    url = f"/api/v1/foodaid/programmes/{lockdown.programme.pk}/sessions"
    r = call(marc, "post", url, {"site": lockdown.tabar.pk, "date": "2020-04-02"})
    assert r.status_code == 201 and set(r.json()) == {"id"}
    sid = r.json()["id"]
    assert (
        call(marc, "post", url, {"site": lockdown.tabar.pk, "date": "2021-04-02"}).status_code
        == 422
    )
    assert (
        call(marc, "post", url, {"site": lockdown.elsewhere.pk, "date": "2020-04-02"}).status_code
        == 422
    )
    assert (
        call(pierre, "post", url, {"site": lockdown.tabar.pk, "date": "2020-04-02"}).status_code
        == 403
    )
    rec = f"/api/v1/foodaid/sessions/{sid}/records"
    body = {
        "client_id": str(uuid.uuid4()),
        "enrolment": odette.pk,
        "result": "collected",
        "parcels": 2,
    }
    first = call(pierre, "post", rec, body)
    assert first.status_code == 201, first.content
    again = call(pierre, "post", rec, body)
    assert again.status_code == 200 and again.json() == first.json()
    other = call(pierre, "post", rec, {**body, "parcels": 3})
    assert other.status_code == 409
    assert Record.objects.count() == 1
    # Refused input.
    for bad in (
        {**body, "client_id": "pas-un-uuid"},
        {**body, "result": "lost"},
        {**body, "client_id": str(uuid.uuid4()), "result": "not_home"},
        {**body, "client_id": str(uuid.uuid4()), "enrolment": petit.pk},
    ):
        r = call(pierre, "post", rec, bad)
        assert r.status_code == 422, (bad, r.content)
    # A partner that does not run the programme: 404.
    assert call(quentin, "post", rec, {**body, "client_id": str(uuid.uuid4())}).status_code == 404
    assert Record.objects.count() == 1


def test_report_counts_and_suppression(lockdown, marc, pierre, fanny):
    odette, durand, petit = enrol_all(lockdown, marc)
    s1 = session_create(
        actor=marc, programme=lockdown.programme, site=lockdown.tabar, day=date(2020, 4, 2)
    )
    s2 = session_create(
        actor=marc, programme=lockdown.programme, site=lockdown.bagatelle, day=date(2020, 4, 3)
    )
    from vigie.foodaid.services import record_checkin

    for s, e, res, n in (
        (s1, odette, "delivered", 1),
        (s1, durand, "collected", 2),
        (s2, petit, "not_home", 0),
    ):
        record_checkin(
            actor=marc, session=s, client_id=uuid.uuid4(), enrolment_id=e.pk, result=res, parcels=n
        )
    # Odette collected again later: still one household.
    s3 = session_create(
        actor=marc, programme=lockdown.programme, site=lockdown.tabar, day=date(2020, 4, 9)
    )
    record_checkin(
        actor=marc,
        session=s3,
        client_id=uuid.uuid4(),
        enrolment_id=odette.pk,
        result="collected",
        parcels=1,
    )
    url = f"/api/v1/foodaid/programmes/{lockdown.programme.pk}/report?from=2020-04-01&to=2020-04-30"
    r = call(marc, "get", url).json()
    assert r["households"] == 2 and r["people"] == 4 and r["parcels"] == 4
    # Ages on 30/04/2020: Odette 82, Sonia 35, Léo 3, Inès 10.
    assert r["by_age"] == {"0-3": 1, "4-15": 1, "16-64": 1, "65+": 1}
    assert r["with_disability"] == 0  # Jean Petit was not at home
    assert r["suppressed"] == []
    # Before the second session: only the first.
    early = call(marc, "get", url.replace("to=2020-04-30", "to=2020-04-02")).json()
    assert early["parcels"] == 3 and early["households"] == 2
    # Anyone else: every figure under 11 is hidden and named.
    for user in (pierre, fanny):
        got = call(user, "get", url)
        assert got.status_code == 200, got.content
        got = got.json()
        assert got["households"] is None and "households" in got["suppressed"]
        assert got["by_age"]["0-3"] is None and "0-3" in got["suppressed"]
        # The disability count: hidden and named for both (under 11).
        assert got["with_disability"] is None and "with_disability" in got["suppressed"]


def test_report_figures_of_11_or_more_reach_partners_and_funders(lockdown, marc, pierre, fanny):
    """Suppression hides small figures only: 12 households of two people, one of them with a
    disability, all collected — every reader gets the figures, the disability count too."""
    from vigie.foodaid.services import record_checkin
    from vigie.foodaid.tests.conftest import home

    session = session_create(
        actor=marc, programme=lockdown.programme, site=lockdown.tabar, day=date(2020, 4, 2)
    )
    for i in range(12):
        h = home(
            lockdown.landlord,
            lockdown.tabar,
            [
                {"last_name": f"Aîné{i}", "first_name": "A", "birth_date": date(1940, 1, 1)},
                {
                    "last_name": f"Aîné{i}",
                    "first_name": "B",
                    "birth_date": date(1942, 1, 1),
                    "disability": True,
                    "phone": "",
                },
            ],
            n=100 + i,
        )
        e = enrolment_create(
            actor=marc,
            programme=lockdown.programme,
            household=h,
            consent_on=date(2020, 3, 20),
            mode="collect",
        )
        record_checkin(
            actor=marc,
            session=session,
            client_id=uuid.uuid4(),
            enrolment_id=e.pk,
            result="collected",
            parcels=1,
        )
    url = f"/api/v1/foodaid/programmes/{lockdown.programme.pk}/report?from=2020-04-01&to=2020-04-30"
    exact = call(marc, "get", url).json()
    assert (exact["households"], exact["people"], exact["with_disability"]) == (12, 24, 12)
    for user in (pierre, fanny):
        got = call(user, "get", url)
        assert got.status_code == 200, got.content
        got = got.json()
        assert (got["households"], got["people"], got["parcels"]) == (12, 24, 12)
        assert got["by_age"]["65+"] == 24
        # The other age bands are 0: hidden (under 11) and named.
        assert got["by_age"]["0-3"] is None and "0-3" in got["suppressed"]
    # The funder reads the disability count (issue #14 §7)…
    funder = call(fanny, "get", url).json()
    assert funder["with_disability"] == 12 and funder["withheld"] == []
    # …the operating partner's worker never does: it knows who came on which day, and two
    # periods a day apart would name the household (decision 0014).
    partner = call(pierre, "get", url).json()
    assert partner["with_disability"] is None
    assert "with_disability" in partner["suppressed"] and partner["withheld"] == ["with_disability"]
