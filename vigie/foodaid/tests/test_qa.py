"""What a QA pass over the food-aid module found (2 Dec 2026), each case as it was reported:
the people counted, the leases, corrections from the tablet, the waiting list, suppression as
§9 writes it, client_id, who reads what, and loose input."""

from __future__ import annotations

import uuid
from datetime import date, timedelta

import pytest
from django.test import Client
from django.utils import timezone

from vigie.actions.models import Task
from vigie.core.tests.world import bearer
from vigie.foodaid.models import Record
from vigie.foodaid.selectors import report_figures
from vigie.foodaid.services import (
    FoodAidInputError,
    enrolment_create,
    programme_create,
    record_checkin,
    session_close,
    session_create,
)
from vigie.foodaid.tests.conftest import home
from vigie.housing.models import Household
from vigie.housing.tests.factories import OccupantFactory

pytestmark = pytest.mark.django_db

APRIL = (date(2020, 4, 1), date(2020, 4, 30))


def call(user, method, url, body=None):
    client = Client()
    if body is None:
        return getattr(client, method)(url, **bearer(user))
    return getattr(client, method)(url, body, content_type="application/json", **bearer(user))


def signed_in(user):
    c = Client()
    c.force_login(user)
    return c


def enrol(lockdown, marc, household, **kw):
    kw.setdefault("consent_on", date(2020, 3, 20))
    kw.setdefault("mode", "collect")
    return enrolment_create(actor=marc, programme=lockdown.programme, household=household, **kw)


def session(lockdown, marc, site=None, day=date(2020, 4, 2)):
    return session_create(
        actor=marc, programme=lockdown.programme, site=site or lockdown.tabar, day=day
    )


def check(marc, s, e, result="collected", **kw):
    record, _created = record_checkin(
        actor=marc,
        session=s,
        client_id=kw.pop("client_id", uuid.uuid4()),
        enrolment_id=e.pk,
        result=result,
        **kw,
    )
    return record


def crowd(lockdown, marc, s, n, ages, *, disability=False):
    """`n` households of the people born on `ages` (birth dates), all collected at `s`."""
    for i in range(n):
        people = [
            {
                "last_name": f"Foule{i}",
                "first_name": f"P{j}",
                "birth_date": born,
                "role": "enfant" if j else "titulaire",
                "disability": disability and j == 0,
                "phone": "" if j else "0561000000",
            }
            for j, born in enumerate(ages)
        ]
        h = home(lockdown.landlord, lockdown.tabar, people, n=200 + i)
        check(marc, s, enrol(lockdown, marc, h), parcels=1)


# 1. People born after the period's end ----------------------------------------------------------


def test_people_born_after_the_period_are_not_counted_and_unknown_ages_are_said(lockdown, marc):
    odette_h, durand_h, petit_h, _loin = lockdown.households
    # A grandchild born on 15/05/2020 joined Odette; the Petits host someone whose birth date
    # the register does not have.
    OccupantFactory(
        household=odette_h,
        organisation=lockdown.landlord,
        position=5,
        last_name="Martin",
        first_name="Bébé",
        birth_date=date(2020, 5, 15),
        role="enfant",
        phone="",
    )
    OccupantFactory(
        household=petit_h,
        organisation=lockdown.landlord,
        position=5,
        last_name="Petit",
        first_name="Inconnu",
        birth_date=None,
        role="autre",
        phone="",
    )
    s1 = session(lockdown, marc)
    s2 = session(lockdown, marc, lockdown.bagatelle, date(2020, 4, 3))
    check(marc, s1, enrol(lockdown, marc, odette_h), parcels=1)
    check(marc, s1, enrol(lockdown, marc, durand_h), parcels=1)
    check(marc, s2, enrol(lockdown, marc, petit_h), parcels=1)
    f = report_figures(lockdown.programme, *APRIL)
    # Odette; the Durands (3); the Petits (2) and the person of unknown age: 7, not the baby.
    assert f["people"] == 7 and f["households"] == 3
    assert f["by_age"] == {"0-3": 1, "4-15": 1, "16-64": 1, "65+": 3}
    assert f["age_unknown"] == 1
    assert sum(f["by_age"].values()) + f["age_unknown"] == f["people"]
    # Household sizes read the same people: Odette alone (the baby came later), the Durands
    # three, the Petits three.
    assert f["by_size"] == {"1": 1, "2": 0, "3-4": 2, "5+": 0}
    # By the end of June the baby was born: counted, in the 0-3 band; Odette's home is two.
    june = report_figures(lockdown.programme, date(2020, 4, 1), date(2020, 6, 30))
    assert june["people"] == 8 and june["by_age"]["0-3"] == 2
    assert june["by_size"] == {"1": 0, "2": 1, "3-4": 2, "5+": 0}
    # The API gives the same people; the page says the unknown ages.
    url = f"/api/v1/foodaid/programmes/{lockdown.programme.pk}/report?from=2020-04-01&to=2020-04-30"
    got = call(marc, "get", url).json()
    assert got["people"] == 7 and set(got) == {
        "households",
        "people",
        "by_age",
        "with_disability",
        "parcels",
        "suppressed",
        "withheld",
    }
    page = signed_in(marc).get(
        f"/aide-alimentaire/{lockdown.programme.pk}/bilan/?start=01/04/2020&end=30/04/2020"
    )
    text = page.content.decode()
    assert "<td>Personnes aidées</td><td>7</td>" in text
    assert "dont âge inconnu" in text


# 2. Leases -------------------------------------------------------------------------------------


def test_consent_and_enrolment_follow_the_lease(lockdown, marc):
    url = f"/api/v1/foodaid/programmes/{lockdown.programme.pk}/enrolments"
    odette_h, durand_h, *_ = lockdown.households
    # Before the lease began (1900): refused, the field named.
    r = call(marc, "post", url, {"household": odette_h.pk, "consent_on": "1900-01-01"})
    assert r.status_code == 422 and "consentement" in r.json()["detail"]
    assert "bail" in r.json()["detail"]
    # In the future: refused.
    tomorrow = (timezone.localdate() + timedelta(days=1)).isoformat()
    r = call(marc, "post", url, {"household": odette_h.pk, "consent_on": tomorrow})
    assert r.status_code == 422 and "futur" in r.json()["detail"]
    # A lease that starts after the programme ends: refused.
    Household.objects.filter(pk=durand_h.pk).update(start_date=date(2020, 9, 1))
    r = call(marc, "post", url, {"household": durand_h.pk, "consent_on": "2020-09-01"})
    assert r.status_code == 422 and "bail" in r.json()["detail"].lower()
    # A lease that ended before it began: refused too.
    Household.objects.filter(pk=durand_h.pk).update(
        start_date=date(2010, 1, 1), end_date=date(2019, 12, 31)
    )
    r = call(marc, "post", url, {"household": durand_h.pk, "consent_on": "2019-06-01"})
    assert r.status_code == 422
    assert not lockdown.programme.enrolments.exists()


def test_eligible_proposes_only_households_whose_lease_overlaps_the_programme(lockdown, marc):
    odette_h, durand_h, *_ = lockdown.households
    # Moved in after the programme ended (still there today): not proposed, as it cannot be
    # enrolled.
    Household.objects.filter(pk=durand_h.pk).update(start_date=date(2021, 1, 1))
    url = f"/api/v1/foodaid/programmes/{lockdown.programme.pk}/eligible"
    proposed = {row["household"] for row in call(marc, "get", url).json()}
    assert odette_h.pk in proposed and durand_h.pk not in proposed


def test_no_checkin_outside_the_lease(lockdown, marc):
    odette_h = lockdown.households[0]
    Household.objects.filter(pk=odette_h.pk).update(start_date=date(2020, 4, 10))
    odette_h.refresh_from_db()
    e = enrol(lockdown, marc, odette_h, consent_on=date(2020, 4, 10))
    early = session(lockdown, marc, day=date(2020, 4, 2))
    with pytest.raises(FoodAidInputError) as refused:
        check(marc, early, e, parcels=1)
    assert "bail" in str(refused.value.message)
    later = session(lockdown, marc, day=date(2020, 4, 16))
    check(marc, later, e, parcels=1)
    # The report counts the record of 16/04 (the refused one was never stored).
    f = report_figures(lockdown.programme, *APRIL)
    assert f["households"] == 1 and f["parcels"] == 1
    assert (
        report_figures(lockdown.programme, date(2020, 4, 1), date(2020, 4, 10))["households"] == 0
    )
    # The tablet's list for the early session does not expect the household.
    tablet = signed_in(marc).get(f"/aide-alimentaire/distributions/{early.pk}/pointage/")
    assert e.pk not in {h["e"] for h in tablet.context["data"]["households"]}


# 3. A correction from the tablet ---------------------------------------------------------------


def test_the_latest_record_of_a_household_at_a_session_counts(lockdown, marc):
    odette_h, durand_h, *_ = lockdown.households
    odette, durand = enrol(lockdown, marc, odette_h), enrol(lockdown, marc, durand_h)
    s = session(lockdown, marc)
    t = timezone.now()
    check(marc, s, odette, parcels=1, taken_at=t)
    # "Collected", then corrected to "not home": not home.
    check(marc, s, odette, "not_home", taken_at=t + timedelta(minutes=2))
    check(marc, s, durand, parcels=2, taken_at=t)
    check(marc, s, durand, parcels=3, taken_at=t + timedelta(minutes=1))
    assert Record.objects.filter(session=s).count() == 4  # both kept, for traceability
    f = report_figures(lockdown.programme, *APRIL)
    assert (f["households"], f["people"], f["parcels"]) == (1, 3, 3)
    # The session page and the tablet show the correction.
    page = signed_in(marc).get(f"/aide-alimentaire/distributions/{s.pk}/").content.decode()
    assert "1 servi" in page and "2 servis" not in page
    tablet = signed_in(marc).get(f"/aide-alimentaire/distributions/{s.pk}/pointage/")
    households = {h["e"]: h["done"] for h in tablet.context["data"]["households"]}
    assert households[odette.pk] == "not_home" and households[durand.pk] == "collected"
    # After the session Odette, not at home in the end, is a follow-up task.
    done = session_close(actor=marc, session=s)
    assert done["tasks"] == 1
    assert Task.objects.filter(household=odette_h, title__contains="absent").exists()


# 4. The waiting list stays with the landlord ---------------------------------------------------


def test_partners_read_enrolled_households_only(lockdown, marc, pierre):
    lockdown.programme.places_limit = 1
    lockdown.programme.save()
    odette_h, durand_h, *_ = lockdown.households
    enrol(lockdown, marc, odette_h)
    waiting = enrol(lockdown, marc, durand_h)
    assert waiting.status == "waiting"
    url = f"/api/v1/foodaid/programmes/{lockdown.programme.pk}/enrolments"
    for user in (pierre, marc):
        rows = call(user, "get", url).json()
        assert [r["name"] for r in rows] == ["Martin Odette"]
        assert set(rows[0]) == {"id", "name", "address", "floor", "phone", "mode"}
    page = signed_in(pierre).get(f"/aide-alimentaire/{lockdown.programme.pk}/").content.decode()
    assert "Martin Odette" in page and "Durand" not in page and "Liste d&#x27;attente" not in page
    # The landlord's manager still sees the waiting list on the page.
    page = signed_in(marc).get(f"/aide-alimentaire/{lockdown.programme.pk}/").content.decode()
    assert "Durand Sonia" in page


# 5 and 6. Suppression as §9 writes it ----------------------------------------------------------


def test_only_figures_under_11_are_hidden(lockdown, marc, pierre, fanny):
    s = session(lockdown, marc)
    # 12 households of three: a child of 10, an adult, an elder; no one aged 0-3.
    crowd(lockdown, marc, s, 12, [date(1985, 1, 1), date(2010, 1, 1), date(1940, 1, 1)])
    url = f"/api/v1/foodaid/programmes/{lockdown.programme.pk}/report?from=2020-04-01&to=2020-04-30"
    for user in (pierre, fanny):
        got = call(user, "get", url).json()
        # 0-3 is 0: hidden; the three other bands are 12 each: shown (no second band hidden,
        # though the total lets one derive 0-3 — the rule).
        assert got["by_age"] == {"0-3": None, "4-15": 12, "16-64": 12, "65+": 12}
        assert "0-3" in got["suppressed"] and "4-15" not in got["suppressed"]
        assert got["people"] == 36
    # The page, the CSV and the PDF give the funder the same figures and the same rule.
    base = f"/aide-alimentaire/{lockdown.programme.pk}/bilan"
    q = "?start=01/04/2020&end=30/04/2020"
    page = signed_in(fanny).get(base + "/" + q).content.decode()
    assert "<td>dont 4 à 15 ans</td><td>12</td>" in page
    assert "<td>ménages de trois ou quatre personnes</td><td>12</td>" in page
    assert "second effectif" not in page and "Secret statistique" in page
    text = signed_in(fanny).get(base + ".csv" + q).content.decode("utf-8-sig")
    assert "dont 4 à 15 ans;12" in text and "dont 0 à 3 ans;< 11" in text
    assert "second effectif" not in text
    from io import BytesIO

    from pypdf import PdfReader

    pdf = signed_in(fanny).get(base + ".pdf" + q)
    words = "".join(p.extract_text() for p in PdfReader(BytesIO(pdf.content)).pages)
    assert "second effectif" not in words and "< 11" in words


def test_the_exact_figures_sentence_is_for_exact_readers_only(lockdown, marc, fanny):
    s = session(lockdown, marc)
    # Every figure of the table at 11 or more; the household sizes other than 3-4 are 0.
    crowd(
        lockdown,
        marc,
        s,
        12,
        [date(1985, 1, 1), date(2010, 1, 1), date(1940, 1, 1), date(2019, 1, 1)],
        disability=True,
    )
    base = f"/aide-alimentaire/{lockdown.programme.pk}/bilan/"
    funder = signed_in(fanny).get(base).content.decode()
    assert "<td>&lt; 11</td>" in funder  # household sizes of 1, 2, 5+
    assert "Vous lisez les chiffres exacts" not in funder
    manager = signed_in(marc).get(base).content.decode()
    assert "Vous lisez les chiffres exacts" in manager and "<td>&lt; 11</td>" not in manager


# 7. client_id names one record everywhere ------------------------------------------------------


def test_a_client_id_on_another_session_is_a_conflict(lockdown, marc, pierre):
    odette = enrol(lockdown, marc, lockdown.households[0])
    s1 = session(lockdown, marc)
    s2 = session(lockdown, marc, day=date(2020, 4, 16))
    body = {"client_id": str(uuid.uuid4()), "enrolment": odette.pk, "result": "collected"}
    assert (
        call(pierre, "post", f"/api/v1/foodaid/sessions/{s1.pk}/records", body).status_code == 201
    )
    again = call(pierre, "post", f"/api/v1/foodaid/sessions/{s2.pk}/records", body)
    assert again.status_code == 409 and "autre distribution" in again.json()["detail"]
    assert Record.objects.count() == 1


# 8. Who reads eligibility; refusals name the action --------------------------------------------


def test_refusals_name_the_action(lockdown, pierre):
    url = f"/api/v1/foodaid/programmes/{lockdown.programme.pk}/sessions"
    r = call(pierre, "post", url, {"site": lockdown.tabar.pk, "date": "2020-04-02"})
    assert r.status_code == 403 and "programme les distributions" in r.json()["detail"]
    r = call(pierre, "get", f"/api/v1/foodaid/programmes/{lockdown.programme.pk}/eligible")
    assert r.status_code == 403 and "inscrit" not in r.json()["detail"]


# 9. Loose input --------------------------------------------------------------------------------


def test_a_name_too_long_is_refused(lockdown, marc):
    body = {
        "name": "A" * 1000,
        "sites": [lockdown.tabar.pk],
        "starts_on": "2020-07-01",
        "ends_on": "2020-08-31",
    }
    r = call(marc, "post", "/api/v1/foodaid/programmes", body)
    assert r.status_code == 422 and "nom" in r.json()["detail"] and "200" in r.json()["detail"]


def test_long_names_wrap_on_the_programmes_page(lockdown, marc):
    lockdown.programme.name = "X" * 200
    lockdown.programme.save()
    page = signed_in(marc).get("/aide-alimentaire/").content.decode()
    assert 'class="wrap-name"' in page
    from pathlib import Path

    css = (Path(__file__).parents[1] / "static/foodaid/foodaid.css").read_text()
    assert ".wrap-name { overflow-wrap: anywhere" in css


def test_parcels_left_out_are_the_programmes_and_none_for_a_household_not_reached(
    lockdown, marc, pierre
):
    lockdown.programme.parcels_per_household = 2
    lockdown.programme.save()
    odette, durand = (enrol(lockdown, marc, h) for h in lockdown.households[:2])
    s = session(lockdown, marc)
    rec = f"/api/v1/foodaid/sessions/{s.pk}/records"
    body = {"client_id": str(uuid.uuid4()), "enrolment": odette.pk, "result": "collected"}
    r = call(pierre, "post", rec, body)
    assert r.status_code == 201 and r.json()["parcels"] == 2
    # Replayed as sent: the same record.
    assert call(pierre, "post", rec, body).status_code == 200
    body = {"client_id": str(uuid.uuid4()), "enrolment": durand.pk, "result": "not_home"}
    r = call(pierre, "post", rec, body)
    assert r.status_code == 201 and r.json()["parcels"] == 0
    r = call(pierre, "post", rec, {**body, "client_id": str(uuid.uuid4()), "parcels": 1})
    assert r.status_code == 422 and "colis" in r.json()["detail"]


def test_one_session_per_site_and_day(lockdown, marc):
    url = f"/api/v1/foodaid/programmes/{lockdown.programme.pk}/sessions"
    body = {"site": lockdown.tabar.pk, "date": "2020-04-02"}
    assert call(marc, "post", url, body).status_code == 201
    again = call(marc, "post", url, {**body, "slots": ["14:00-16:00"]})
    assert again.status_code == 409 and "une seule par site" in again.json()["detail"]
    # Another site the same day is another distribution.
    assert call(marc, "post", url, {**body, "site": lockdown.bagatelle.pk}).status_code == 201


def test_no_checkin_before_the_session_day(lockdown, marc, partner_org, pierre):
    today = timezone.localdate()
    p = programme_create(
        actor=marc,
        organisation=lockdown.landlord,
        name="Colis à venir",
        starts_on=today - timedelta(days=10),
        ends_on=today + timedelta(days=30),
        sites=[lockdown.tabar.pk],
        partners=[partner_org.slug],
    )
    e = enrolment_create(
        actor=marc, programme=p, household=lockdown.households[0], consent_on=today, mode="collect"
    )
    s = session_create(actor=marc, programme=p, site=lockdown.tabar, day=today + timedelta(days=7))
    body = {"client_id": str(uuid.uuid4()), "enrolment": e.pk, "result": "collected"}
    r = call(pierre, "post", f"/api/v1/foodaid/sessions/{s.pk}/records", body)
    assert r.status_code == 409 and "pas encore eu lieu" in r.json()["detail"]
    today_s = session_create(actor=marc, programme=p, site=lockdown.tabar, day=today)
    r = call(pierre, "post", f"/api/v1/foodaid/sessions/{today_s.pk}/records", body)
    assert r.status_code == 201


# 10. Funders list what they fund ---------------------------------------------------------------


def test_funders_list_the_programmes_they_fund(lockdown, marc, fanny, quentin, bea, partner_org):
    programme_create(
        actor=marc,
        organisation=lockdown.landlord,
        name="Non financé",
        starts_on=date(2020, 7, 1),
        ends_on=date(2020, 8, 31),
        sites=[lockdown.tabar.pk],
        partners=[partner_org.slug],
    )
    r = call(fanny, "get", "/api/v1/foodaid/programmes")
    assert r.status_code == 200
    assert r.json() == [
        {
            "id": lockdown.programme.pk,
            "name": "Distribution confinement",
            "starts_on": "2020-03-23",
            "ends_on": "2020-06-30",
            "partners": [partner_org.slug],
            "sites": None,
            "places_limit": None,
            "free": None,
        }
    ]
    detail = call(fanny, "get", f"/api/v1/foodaid/programmes/{lockdown.programme.pk}")
    assert detail.status_code == 200 and detail.json()["sites"] is None
    # The landlord's manager reads both in full; another partner and another landlord nothing.
    mine = call(marc, "get", "/api/v1/foodaid/programmes").json()
    assert len(mine) == 2 and all(p["sites"] == [lockdown.tabar.pk] or p["sites"] for p in mine)
    assert call(quentin, "get", "/api/v1/foodaid/programmes").json() == []
    assert (
        call(bea, "get", f"/api/v1/foodaid/programmes/{lockdown.programme.pk}").status_code == 404
    )
    # Still no household for the funder.
    enrolments = f"/api/v1/foodaid/programmes/{lockdown.programme.pk}/enrolments"
    assert call(fanny, "get", enrolments).status_code == 403
