"""The food-aid pages: a manager sets a programme up and enrols households with their consent,
plans a session, prints the signing sheet and the delivery rounds; after the session the
no-shows become follow-up tasks; the partner's worker reads only its programme's households."""

from __future__ import annotations

import uuid
from datetime import date

import pytest
from django.test import Client

from vigie.actions.models import Task
from vigie.foodaid.models import DistributionSession, Enrolment, Programme
from vigie.foodaid.services import enrolment_create, record_checkin, session_close, session_create
from vigie.housing.models import Building
from vigie.housing.tests.factories import make_household

pytestmark = pytest.mark.django_db


def signed_in(user):
    c = Client()
    c.force_login(user)
    return c


def enrol(lockdown, marc, household, mode="collect", **kw):
    return enrolment_create(
        actor=marc,
        programme=lockdown.programme,
        household=household,
        consent_on=date(2020, 3, 20),
        mode=mode,
        **kw,
    )


def test_manager_creates_a_programme_and_enrols_with_consent(lockdown, marc, partner_org):
    from vigie.actions.services import partner_create

    partner_create(
        actor=marc,
        organisation=lockdown.landlord,
        partner_organisation=partner_org,
        name="CCAS",
        kind="ccas",
        services=["groceries"],
        communes=[],
    )
    c = signed_in(marc)
    page = c.get("/aide-alimentaire/nouveau/")
    assert page.status_code == 200 and "CCAS de Toulouse" in page.content.decode()
    r = c.post(
        "/aide-alimentaire/nouveau/",
        {
            "name": "Colis de printemps",
            "starts_on": "01/04/2020",
            "ends_on": "30/04/2020",
            "sites": [lockdown.tabar.pk],
            "partner": partner_org.slug,
            "partner_role": "delivery",
            "parcels_per_household": 2,
            "free": "on",
            "funders": "Ville de Toulouse\nÉtat",
        },
    )
    assert r.status_code == 302, r.content
    p = Programme.objects.get(name="Colis de printemps")
    assert [f.name for f in p.funders.all()] == ["Ville de Toulouse", "État"]
    assert p.partners.get().role == "delivery"
    # Refused: the dates in the wrong order, said next to the field, nothing written.
    r = c.post(
        "/aide-alimentaire/nouveau/",
        {
            "name": "Mauvais",
            "starts_on": "30/04/2020",
            "ends_on": "01/04/2020",
            "sites": [lockdown.tabar.pk],
            "parcels_per_household": 1,
        },
    )
    assert r.status_code == 400 and "avant son début" in r.content.decode()
    assert not Programme.objects.filter(name="Mauvais").exists()
    # Eligibility proposes, the manager enrols one household.
    odette = lockdown.households[0]
    page = c.get(f"/aide-alimentaire/{lockdown.programme.pk}/eligibles/")
    assert "plus de 75 ans" in page.content.decode() and "Loin" not in page.content.decode()
    r = c.post(
        f"/aide-alimentaire/{lockdown.programme.pk}/eligibles/",
        {"household": odette.pk, "consent_on": "20/03/2020", "mode": "delivery"},
    )
    assert r.status_code == 302
    assert Enrolment.objects.get(household=odette).enrolled_by == marc
    r = c.post(
        f"/aide-alimentaire/{lockdown.programme.pk}/eligibles/",
        {"household": lockdown.households[1].pk, "consent_on": "", "mode": "collect"},
    )
    assert r.status_code == 400
    assert not Enrolment.objects.filter(household=lockdown.households[1]).exists()


def test_sheet_and_rounds(lockdown, marc, pierre):
    odette, durand, petit, _loin = lockdown.households
    b1 = Building.objects.get(residence=lockdown.tabar, name="B1")
    upstairs = make_household(
        lockdown.landlord,
        [{"last_name": "Zola", "first_name": "Émile"}],
        dwelling__residence=lockdown.tabar,
        dwelling__building=b1,
        dwelling__staircase="A",
        dwelling__floor="5",
    )
    downstairs = make_household(
        lockdown.landlord,
        [{"last_name": "Abel", "first_name": "Ana"}],
        dwelling__residence=lockdown.tabar,
        dwelling__building=b1,
        dwelling__staircase="A",
        dwelling__floor="RDC",
    )
    for h in (odette, upstairs, downstairs):
        enrol(lockdown, marc, h, mode="delivery")
    enrol(lockdown, marc, durand, mode="collect")
    s = session_create(
        actor=marc,
        programme=lockdown.programme,
        site=lockdown.tabar,
        day=date(2020, 4, 2),
        slots=["10:00-12:00"],
    )
    c = signed_in(pierre)
    sheet = c.get(f"/aide-alimentaire/distributions/{s.pk}/emargement/").content.decode()
    assert "Durand Sonia" in sheet and "Martin" not in sheet  # delivered ones are not on it
    rounds = c.get(f"/aide-alimentaire/distributions/{s.pk}/tournees/").content.decode()
    # B1, staircase A: ground floor, 2nd, 5th.
    assert rounds.index("Abel") < rounds.index("Martin") < rounds.index("Zola")
    assert "Durand" not in rounds


def test_closing_a_session_turns_no_shows_into_tasks_and_flags_twice_absent(lockdown, marc):
    odette, durand, petit, _loin = lockdown.households
    e_odette = enrol(lockdown, marc, odette, mode="delivery")
    e_durand = enrol(lockdown, marc, durand)
    s1 = session_create(
        actor=marc, programme=lockdown.programme, site=lockdown.tabar, day=date(2020, 4, 2)
    )
    record_checkin(
        actor=marc, session=s1, client_id=uuid.uuid4(), enrolment_id=e_odette.pk, result="not_home"
    )
    record_checkin(
        actor=marc,
        session=s1,
        client_id=uuid.uuid4(),
        enrolment_id=e_durand.pk,
        result="collected",
        parcels=1,
    )
    c = signed_in(marc)
    # Without confirmation nothing happens.
    r = c.post(f"/aide-alimentaire/distributions/{s1.pk}/cloturer/")
    assert r.status_code == 200 and DistributionSession.objects.get(pk=s1.pk).status == "planned"
    r = c.post(f"/aide-alimentaire/distributions/{s1.pk}/cloturer/", {"confirmed": "1"})
    assert r.status_code == 302
    tasks = Task.objects.filter(household=odette)
    assert tasks.count() == 1 and "livraison" in tasks.get().title and tasks.get().owner == marc
    # Its origin says where it comes from (it read "créée à la main").
    assert tasks.get().get_origin_display() == "aide alimentaire (distribution)"
    assert not Task.objects.filter(household=durand).exists()
    # Closed: no more records.
    from vigie.core.errors import ConflictError

    with pytest.raises(ConflictError):
        record_checkin(
            actor=marc,
            session=s1,
            client_id=uuid.uuid4(),
            enrolment_id=e_durand.pk,
            result="collected",
            parcels=1,
        )
    # Second session: both absent (Durand with no record at all). Odette is flagged.
    s2 = session_create(
        actor=marc, programme=lockdown.programme, site=lockdown.tabar, day=date(2020, 4, 9)
    )
    done = session_close(actor=marc, session=s2)
    assert done == {"tasks": 2, "flagged": 1}
    e_odette.refresh_from_db()
    assert e_odette.flagged_at is not None
    assert Task.objects.filter(household=odette, title__contains="deux fois").get().owner == marc
    assert Enrolment.objects.get(pk=e_durand.pk).flagged_at is None


def test_partner_reads_only_its_programmes_households(lockdown, marc, pierre, quentin, claire):
    odette, durand, petit, _loin = lockdown.households
    enrol(lockdown, marc, odette)
    enrol(lockdown, marc, petit, mode="delivery", delivery_reason="disability")
    url = f"/aide-alimentaire/{lockdown.programme.pk}/"
    page = signed_in(pierre).get(url)
    body = page.content.decode()
    assert page.status_code == 200
    assert "Martin Odette" in body and "05 61 00 00 00" in body and "Petit Jean" in body
    # Nothing else of the register: no cohort, no disability (not shared), no consent details.
    for word in ("handicap", "plus de 75", "Consentement", "Durand"):
        assert word not in body, word
    assert (
        signed_in(pierre).get(f"/aide-alimentaire/{lockdown.programme.pk}/eligibles/").status_code
        == 403
    )
    assert signed_in(quentin).get(url).status_code == 404
    assert (
        signed_in(quentin)
        .get("/aide-alimentaire/")
        .content.decode()
        .count("Distribution confinement")
        == 0
    )
    # The landlord's manager sees the enrolment details.
    assert "Consentement" in signed_in(marc).get(url).content.decode()


def test_checkin_screen_carries_the_expected_households(lockdown, marc, pierre, claire):
    e = enrol(lockdown, marc, lockdown.households[0])
    s = session_create(
        actor=marc, programme=lockdown.programme, site=lockdown.tabar, day=date(2020, 4, 2)
    )
    page = signed_in(pierre).get(f"/aide-alimentaire/distributions/{s.pk}/pointage/")
    body = page.content.decode()
    assert page.status_code == 200
    assert f'"e": {e.pk}' in body and "checkin.js" in body
    assert f"/api/v1/foodaid/sessions/{s.pk}/records" in body
    # A caller reads sessions but does not check households in.
    assert (
        signed_in(claire).get(f"/aide-alimentaire/distributions/{s.pk}/pointage/").status_code
        == 403
    )


def test_report_page_csv_and_pdf(lockdown, marc, fanny):
    e = enrol(lockdown, marc, lockdown.households[1])
    s = session_create(
        actor=marc, programme=lockdown.programme, site=lockdown.tabar, day=date(2020, 4, 2)
    )
    record_checkin(
        actor=marc,
        session=s,
        client_id=uuid.uuid4(),
        enrolment_id=e.pk,
        result="collected",
        parcels=2,
    )
    base = f"/aide-alimentaire/{lockdown.programme.pk}/bilan"
    page = signed_in(marc).get(base + "/").content.decode()
    assert "<td>Personnes aidées</td><td>3</td>" in page
    # Household composition: the Durands are three.
    assert "<td>ménages de trois ou quatre personnes</td><td>1</td>" in page
    assert "<td>ménages d&#x27;une personne</td><td>0</td>" in page
    funder = signed_in(fanny)
    shown = funder.get(base + "/").content.decode()
    assert "&lt; 11" in shown and "<td>3</td>" not in shown and "Secret statistique" in shown
    csv = funder.get(base + ".csv")
    assert csv.status_code == 200
    text = csv.content.decode("utf-8-sig")
    assert "Personnes aidées;< 11" in text and "Secret statistique" in text
    pdf = signed_in(marc).get(base + ".pdf")
    assert pdf.status_code == 200 and pdf["Content-Type"] == "application/pdf"
    from io import BytesIO

    from pypdf import PdfReader

    words = "".join(p.extract_text() for p in PdfReader(BytesIO(pdf.content)).pages)
    # The funders' file is suppressed even when a manager prints it, and states the rule.
    assert "< 11" in words and "Secret statistique" in words


def test_household_timeline_shows_enrolment_and_distributions(lockdown, marc):
    odette = lockdown.households[0]
    e = enrol(lockdown, marc, odette)
    s = session_create(
        actor=marc, programme=lockdown.programme, site=lockdown.tabar, day=date(2020, 4, 2)
    )
    record_checkin(
        actor=marc,
        session=s,
        client_id=uuid.uuid4(),
        enrolment_id=e.pk,
        result="collected",
        parcels=1,
    )
    body = signed_in(marc).get(f"/registre/menages/{odette.pk}/").content.decode()
    assert "Inscrit à « Distribution confinement »" in body
    assert "Distribution du 02/04/2020 : retiré" in body
