"""The campaign pages: who may see and change what, the console, lists, the paper fallback.

Personas: Marc (manager at Landlord A), Claire (caller at A), Bruno (caller at Landlord B),
Paul (agency staff at A), Pierre (partner worker at the CCAS).
"""

from __future__ import annotations

import csv
import html
import io
from datetime import timedelta

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from vigie.campaigns.choices import CampaignStatus, TargetStatus
from vigie.campaigns.models import Attempt, Campaign, Need, Target
from vigie.campaigns.queue import next_call
from vigie.campaigns.services import attempt_record, campaign_build, campaign_create
from vigie.campaigns.tests.factories import OLD, SEPTUA, WAVES_2020, running_campaign
from vigie.conftest import make_user
from vigie.core.permissions import Role
from vigie.housing.tests.factories import AgencyFactory, make_household

pytestmark = pytest.mark.django_db

HX = {"HTTP_HX_REQUEST": "true"}


def text(response) -> str:
    return html.unescape(response.content.decode())


def client_for(user) -> Client:
    c = Client()
    c.force_login(user)
    return c


@pytest.fixture
def paul(landlord_a):
    AgencyFactory(organisation=landlord_a, name="Toulouse Nord")
    return make_user("paul", landlord_a, Role.AGENCY_STAFF, agency_names=["Toulouse Nord"])


def households(org, n, start=0, **kw):
    for i in range(start, start + n):
        make_household(org, [dict(OLD, last_name=f"AINE{i}", **kw)], reference=f"BAIL-{i:04d}")


# --- Permissions ----------------------------------------------------------------------------------


def test_permissions_caller_manager_other_landlord_agency_partner(
    landlord_a, marc, claire, bruno, paul, pierre
):
    households(landlord_a, 1)
    campaign = running_campaign(landlord_a, marc)
    pk = campaign.pk
    manager_only = [
        reverse("campaigns:create"),
        reverse("campaigns:wave_add", args=[pk]),
        reverse("campaigns:script", args=[pk]),
    ]
    seen_by_callers = [
        reverse("campaigns:list"),
        reverse("campaigns:detail", args=[pk]),
        reverse("campaigns:dashboard", args=[pk]),
        reverse("campaigns:planner", args=[pk]),
        reverse("campaigns:not_reached", args=[pk]),
        reverse("campaigns:no_phone", args=[pk]),
        reverse("campaigns:callbacks", args=[pk]),
        reverse("campaigns:console", args=[pk]),
        reverse("campaigns:my_callbacks", args=[pk]),
        reverse("campaigns:sheet", args=[pk]),
        reverse("campaigns:sheet_csv", args=[pk]),
        reverse("campaigns:sheet_xlsx", args=[pk]),
        reverse("campaigns:paper", args=[pk]),
    ]
    for url in manager_only + seen_by_callers:
        assert client_for(marc).get(url).status_code == 200, url
    for url in seen_by_callers:
        assert client_for(claire).get(url).status_code == 200, url
    for url in manager_only:
        assert client_for(claire).get(url).status_code == 403, url
    # Another landlord's caller: the door opens (he is a caller) but the campaign is not his.
    for url in seen_by_callers[1:]:
        assert client_for(bruno).get(url).status_code == 404, url
    assert (
        reverse("campaigns:detail", args=[pk])
        not in client_for(bruno).get(reverse("campaigns:list")).content.decode()
    )
    # Agency staff and partners do not see campaigns at all.
    for user in (paul, pierre):
        for url in seen_by_callers:
            assert client_for(user).get(url).status_code == 403, (user, url)
    # Changing things is for managers, of their own landlord.
    start = reverse("campaigns:action", args=[pk, "pause"])
    assert client_for(claire).post(start).status_code == 403
    assert client_for(bruno).post(reverse("campaigns:next_call", args=[pk])).status_code == 404


def test_a_caller_lands_on_the_campaigns_when_one_is_running(landlord_a, marc, claire):
    assert client_for(claire).get("/").url == reverse("housing:households")
    households(landlord_a, 1)
    running_campaign(landlord_a, marc)
    assert client_for(claire).get("/").url == reverse("campaigns:list")
    assert client_for(marc).get("/").url == reverse("housing:households")


# --- Manager pages --------------------------------------------------------------------------------


def test_manager_starts_a_heatwave_campaign_from_its_template(
    landlord_a, marc, django_capture_on_commit_callbacks
):
    households(landlord_a, 2)
    make_household(landlord_a, [dict(OLD, phone="")], reference="BAIL-NOPHONE")
    make_household(landlord_a, [OLD], reference="BAIL-OPPOSE", opted_out=True)
    c = client_for(marc)
    page = c.get(reverse("campaigns:create")).content.decode()
    assert "Canicule" in page and "Grand froid" in page and "Confinement" in page
    r = c.post(
        reverse("campaigns:create"),
        {"mode": "template", "template": "heatwave", "as_of": "01/07/2026", "name": ""},
    )
    campaign = Campaign.objects.get()
    assert r.url == reverse("campaigns:detail", args=[campaign.pk])
    assert campaign.template == "heatwave" and campaign.as_of.isoformat() == "2026-07-01"
    assert campaign.waves.count() == 3 and campaign.questions.exists()
    # The build runs in the background (the worker; here the immediate backend, on commit).
    with django_capture_on_commit_callbacks(execute=True):
        r = c.post(reverse("campaigns:action", args=[campaign.pk, "build"]), follow=True)
    r = c.get(reverse("campaigns:detail", args=[campaign.pk]))
    body = r.content.decode()
    assert "Résultat de la construction" in body
    assert "2 ménages à appeler" in body and "1 opposés aux appels" in body
    assert "1 sans téléphone" in body
    c.post(reverse("campaigns:action", args=[campaign.pk, "start"]))
    campaign.refresh_from_db()
    assert campaign.status == CampaignStatus.RUNNING
    c.post(reverse("campaigns:action", args=[campaign.pk, "pause"]))
    campaign.refresh_from_db()
    assert campaign.status == CampaignStatus.PAUSED
    c.post(reverse("campaigns:action", args=[campaign.pk, "resume"]))
    campaign.refresh_from_db()
    assert campaign.status == CampaignStatus.RUNNING


def test_bad_date_is_refused_with_a_sentence(landlord_a, marc):
    r = client_for(marc).post(
        reverse("campaigns:create"),
        {"mode": "template", "template": "heatwave", "as_of": "31/02/2026"},
    )
    assert "Saisissez une date au format jj/mm/aaaa." in r.content.decode()
    assert not Campaign.objects.exists()


def test_manager_creates_from_scratch_edits_waves_and_script(landlord_a, marc):
    c = client_for(marc)
    c.post(
        reverse("campaigns:create"),
        {
            "mode": "scratch",
            "s-name": "Vigilance quartier",
            "s-as_of": "17/03/2020",
            "s-wave_name": "Aînés",
            "s-cohorts": ["over_75"],
        },
    )
    campaign = Campaign.objects.get()
    r = c.post(
        reverse("campaigns:wave_add", args=[campaign.pk]),
        {
            "name": "Seuls en QPV",
            "priority": "2",
            "adults_max": "1",
            "priority_neighbourhood": "yes",
            "communes": "31555, 31069",
        },
    )
    assert r.status_code == 302
    wave = campaign.waves.get(name="Seuls en QPV")
    assert wave.filters == {
        "adults_max": 1,
        "priority_neighbourhood": True,
        "communes": ["31555", "31069"],
    }
    r = c.post(
        reverse("campaigns:wave_edit", args=[campaign.pk, wave.pk]),
        {"name": "Seuls en QPV", "priority": "3", "cohorts": ["age_70_74"]},
    )
    wave.refresh_from_db()
    assert wave.priority == 3 and wave.cohorts == ["age_70_74"] and wave.filters == {}
    data = {"q-TOTAL_FORMS": "3", "q-INITIAL_FORMS": "0"}
    rows = [
        ("2", "Avez-vous besoin de courses ?", "yes_no", "", "groceries"),
        ("1", "Comment allez-vous ?", "choice", "bien; moyen; mal", ""),
        ("", "", "yes_no", "", ""),
    ]
    for i, (pos, text, kind, choices, need) in enumerate(rows):
        data |= {
            f"q-{i}-position": pos,
            f"q-{i}-text": text,
            f"q-{i}-kind": kind,
            f"q-{i}-choices": choices,
            f"q-{i}-maps_to_need": need,
        }
    assert c.post(reverse("campaigns:script", args=[campaign.pk]), data).status_code == 302
    qs = list(campaign.questions.all())
    assert [q.text for q in qs] == ["Comment allez-vous ?", "Avez-vous besoin de courses ?"]
    assert qs[0].choices == ["bien", "moyen", "mal"] and qs[1].maps_to_need == "groceries"


def test_planner_gives_a_finish_date_per_wave(landlord_a, marc):
    households(landlord_a, 10)
    campaign = running_campaign(landlord_a, marc)
    r = client_for(marc).get(
        reverse("campaigns:planner", args=[campaign.pk]),
        {
            "callers": "1",
            "call_minutes": "60",
            "hours_per_day": "4",
            "attempts": "1",
            "start": "18/03/2020",
        },
    )
    body = r.content.decode()
    # 10 households, 4 calls a day: the first wave ends on the third day.
    assert "20/03/2020" in body


def _work(campaign, caller, results):
    for result in results:
        t = next_call(campaign=campaign, caller=caller)
        kw = {"outcome": "reassuring"} if result == "reached" else {}
        attempt_record(actor=caller, target=t, result=result, **kw)


def test_dashboard_shows_progress_in_constant_queries(
    landlord_a, marc, claire, django_assert_max_num_queries
):
    households(landlord_a, 3)
    make_household(landlord_a, [SEPTUA])
    campaign = running_campaign(landlord_a, marc)
    _work(campaign, claire, ["reached", "no_answer"])
    c = client_for(marc)
    url = reverse("campaigns:dashboard", args=[campaign.pk])
    with django_assert_max_num_queries(20) as small:
        r = c.get(url, **HX)
    n_small = len(small.captured_queries)  # read now: each request resets Django's query log
    body = r.content.decode()
    assert "75 ans et plus" in body and "claire" in body and 'class="seg ok w' in body
    assert "every 15s" in c.get(url).content.decode()
    # Ten times more households, callers and calls: the same number of queries.
    households(landlord_a, 30, start=100)
    campaign_build(actor=marc, campaign=campaign)
    for i in range(3):
        _work(campaign, make_user(f"appelant{i}", landlord_a, Role.CALLER), ["reached"] * 3)
    with django_assert_max_num_queries(n_small):
        c.get(url, **HX)


@pytest.mark.parametrize("which", ["not_reached", "no_phone"])
def test_visit_lists_paginate_in_constant_queries(
    which, landlord_a, marc, claire, django_assert_max_num_queries
):
    phone = "" if which == "no_phone" else "+33561000000"
    households(landlord_a, 3, phone=phone)
    make_household(landlord_a, [OLD], reference="BAIL-APPEL")  # a campaign starts with one
    campaign = running_campaign(landlord_a, marc)
    if which == "not_reached":
        Target.objects.filter(campaign=campaign).update(status=TargetStatus.NOT_REACHED)
    c = client_for(marc)
    url = reverse(f"campaigns:{which}", args=[campaign.pk])
    with django_assert_max_num_queries(30) as small:
        body = c.get(url).content.decode()
    n_small = len(small.captured_queries)
    assert "BAIL-0000" in body and "AINE0" in body
    households(landlord_a, 55, start=100, phone=phone)
    campaign_build(actor=marc, campaign=campaign)
    if which == "not_reached":
        Target.objects.filter(campaign=campaign).update(status=TargetStatus.NOT_REACHED)
    with django_assert_max_num_queries(n_small):
        body = c.get(url).content.decode()
    assert "Page 1 sur 1" not in body and "Page 1 sur" in body


# --- The console ----------------------------------------------------------------------------------


def test_console_takes_a_call_shows_the_household_and_records_it(landlord_a, marc, claire):
    make_household(
        landlord_a,
        [dict(OLD, last_name="DURAND", first_name="Odette", phone="+33561234567", disability=True)],
        reference="BAIL-DURAND",
    )
    campaign = running_campaign(
        landlord_a,
        marc,
        questions=[
            {"text": "Avez-vous besoin de courses ?", "kind": "yes_no", "maps_to_need": "groceries"}
        ],
    )
    c = client_for(claire)
    page = c.get(reverse("campaigns:console", args=[campaign.pk])).content.decode()
    assert "Appel suivant" in page and "<kbd>R</kbd>" in page
    r = c.post(reverse("campaigns:next_call", args=[campaign.pk]), **HX)
    body = r.content.decode()
    assert "BAIL-DURAND" in body and "DURAND Odette" in body
    assert 'href="tel:+33561234567"' in body and "05 61 23 45 67" in body
    assert "Situation de handicap" in body  # Claire may see health data
    target = Target.objects.get(campaign=campaign)
    q = campaign.questions.get()
    r = c.post(
        reverse("campaigns:record", args=[target.pk]),
        {"call": "follow_up", f"q{q.pk}": "yes", "notes": "Voisine absente"},
        **HX,
    )
    assert "Appel enregistré : Joint — suite à donner." in r.content.decode()
    attempt = Attempt.objects.get()
    assert attempt.caller == claire and attempt.result == "reached"
    assert attempt.outcome == "needs_follow_up" and attempt.needs == ["groceries"]
    assert Need.objects.filter(kind="groceries").exists()
    r = c.post(reverse("campaigns:next_call", args=[campaign.pk]), **HX)
    assert "Rien à appeler pour le moment" in r.content.decode()


def test_console_says_when_the_call_was_taken_by_someone_else(landlord_a, marc, claire):
    households(landlord_a, 1)
    campaign = running_campaign(landlord_a, marc)
    c = client_for(claire)
    c.post(reverse("campaigns:next_call", args=[campaign.pk]), **HX)
    target = Target.objects.get()
    # Claire walked away; her claim expired and Marc took the household.
    Target.objects.filter(pk=target.pk).update(
        claim_expires_at=timezone.now() - timedelta(minutes=1)
    )
    assert next_call(campaign=campaign, caller=marc).pk == target.pk
    r = c.post(reverse("campaigns:record", args=[target.pk]), {"call": "reassuring"}, **HX)
    body = text(r)
    assert "un·e collègue l'a peut-être pris" in body and 'id="next-call"' in body
    assert not Attempt.objects.exists()


def test_console_input_error_keeps_the_form(landlord_a, marc, claire):
    households(landlord_a, 1)
    campaign = running_campaign(landlord_a, marc)
    c = client_for(claire)
    c.post(reverse("campaigns:next_call", args=[campaign.pk]), **HX)
    target = Target.objects.get()
    r = c.post(reverse("campaigns:record", args=[target.pk]), {"call": "callback"}, **HX)
    assert r["HX-Retarget"] == "#call-errors"
    assert "Indiquez la date et l'heure du rappel." in text(r)
    r = c.post(
        reverse("campaigns:record", args=[target.pk]),
        {"call": "callback", "callback_at": "2099-03-19T14:00"},
        **HX,
    )
    assert "Rappel le 19/03/2099 à 14:00" in r.content.decode()
    target.refresh_from_db()
    assert target.status == TargetStatus.CALLBACK and target.preferred_caller == claire
    assert (
        "19/03/2099 14:00"
        in c.get(reverse("campaigns:my_callbacks", args=[campaign.pk])).content.decode()
    )
    page = c.post(reverse("campaigns:next_call", args=[campaign.pk]), **HX).content.decode()
    assert "Rien à appeler" in page and "Votre prochain rappel : le 19/03/2099 à 14:00" in page


def test_paused_caller_is_told_so(landlord_a, marc, claire):
    households(landlord_a, 1)
    campaign = running_campaign(landlord_a, marc)
    client_for(marc).post(
        reverse("campaigns:caller_pause", args=[campaign.pk, claire.pk]), {"paused": "1"}
    )
    r = client_for(claire).post(reverse("campaigns:next_call", args=[campaign.pk]), **HX)
    assert "vous a mis·e en pause" in r.content.decode()


def test_manager_reassigns_a_callback(landlord_a, marc, claire):
    households(landlord_a, 1)
    campaign = running_campaign(landlord_a, marc)
    t = next_call(campaign=campaign, caller=claire)
    attempt_record(
        actor=claire, target=t, result="no_answer", callback_at=timezone.now() + timedelta(hours=2)
    )
    other = make_user("sami", landlord_a, Role.CALLER)
    c = client_for(marc)
    assert "claire" in c.get(reverse("campaigns:callbacks", args=[campaign.pk])).content.decode()
    c.post(reverse("campaigns:target_assign", args=[t.pk]), {"caller": other.pk})
    t.refresh_from_db()
    assert t.preferred_caller == other


# --- Working without the system -------------------------------------------------------------------


def test_sheet_reserves_its_households_and_downloads_as_csv_and_xlsx(landlord_a, marc, claire):
    households(landlord_a, 4)
    campaign = running_campaign(
        landlord_a, marc, questions=[{"text": "Besoin de courses ?", "kind": "yes_no"}]
    )
    c = client_for(claire)
    r = c.post(reverse("campaigns:sheet_reserve", args=[campaign.pk]), {"n": "3"}, follow=True)
    body = r.content.decode()
    assert "3 ménages réservés pour claire" in body and body.count("réservé jusqu'au") == 3
    reserved = set(
        Target.objects.filter(preferred_caller=claire).values_list(
            "household__reference", flat=True
        )
    )
    assert reserved == {"BAIL-0000", "BAIL-0001", "BAIL-0002"}
    # A colleague online is not handed a household on Claire's sheet.
    other = make_user("sami", landlord_a, Role.CALLER)
    assert next_call(campaign=campaign, caller=other).household.reference == "BAIL-0003"

    r = c.get(reverse("campaigns:sheet_csv", args=[campaign.pk]), {"n": "3"})
    text = r.content.decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(text), delimiter=";"))
    assert rows[0][:3] == ["n° cible", "référence bail", "vague"]
    assert "Besoin de courses ?" in rows[0]
    assert [row[1] for row in rows[1:]] == ["BAIL-0000", "BAIL-0001", "BAIL-0002"]
    assert rows[1][4] == "05 61 00 00 00"
    r = c.get(reverse("campaigns:sheet_xlsx", args=[campaign.pk]), {"n": "3"})
    ws = load_workbook(io.BytesIO(r.content)).active
    assert ws["B1"].value == "référence bail" and ws["B2"].value == "BAIL-0000"
    assert ws.max_row == 4


def test_paper_entry_records_attempts_through_the_service(landlord_a, marc, claire):
    households(landlord_a, 3)
    campaign = running_campaign(landlord_a, marc)
    c = client_for(claire)
    c.post(reverse("campaigns:sheet_reserve", args=[campaign.pk]), {"n": "3"})
    targets = list(Target.objects.filter(preferred_caller=claire).order_by("id"))
    page = c.get(reverse("campaigns:paper", args=[campaign.pk])).content.decode()
    assert all(t.household.reference in page for t in targets)
    a, b, d = targets
    r = c.post(
        reverse("campaigns:paper", args=[campaign.pk]),
        {
            f"t{a.pk}-call": "reassuring",
            f"t{b.pk}-call": "follow_up",
            f"t{b.pk}-needs": ["meal_delivery", "isolation"],
            f"t{b.pk}-notes": "Vit seule depuis janvier",
            f"t{d.pk}-call": "",
        },
        follow=True,
    )
    assert "2 appels enregistrés depuis la feuille." in r.content.decode()
    attempts = {x.target_id: x for x in Attempt.objects.all()}
    assert set(attempts) == {a.pk, b.pk}
    assert attempts[b.pk].needs == ["meal_delivery", "isolation"]
    assert attempts[b.pk].notes == "Vit seule depuis janvier"
    # The row left empty stays on the sheet; an impossible row says why.
    r = c.post(
        reverse("campaigns:paper", args=[campaign.pk]),
        {f"t{d.pk}-call": "no_answer", f"t{d.pk}-needs": ["groceries"]},
    )
    assert "L'issue et les besoins ne se notent que si le ménage a été joint." in text(r)
    assert Attempt.objects.count() == 2


def test_a_manager_prepares_a_sheet_for_a_caller_but_a_caller_not_for_another(
    landlord_a, marc, claire
):
    households(landlord_a, 2)
    campaign = running_campaign(landlord_a, marc)
    client_for(marc).post(
        reverse("campaigns:sheet_reserve", args=[campaign.pk]), {"n": "2", "caller": claire.pk}
    )
    assert Target.objects.filter(preferred_caller=claire).count() == 2
    other = make_user("sami", landlord_a, Role.CALLER)
    r = client_for(other).post(
        reverse("campaigns:sheet_reserve", args=[campaign.pk]), {"n": "2", "caller": claire.pk}
    )
    assert r.status_code == 404


def test_campaign_list_is_constant_in_queries(landlord_a, marc, django_assert_max_num_queries):
    c = client_for(marc)
    for i in range(2):
        campaign_create(
            actor=marc,
            organisation=landlord_a,
            name=f"C{i}",
            as_of=timezone.localdate(),
            waves=WAVES_2020,
        )
    with django_assert_max_num_queries(20) as small:
        c.get(reverse("campaigns:list"))
    n_small = len(small.captured_queries)
    for i in range(2, 12):
        campaign_create(
            actor=marc,
            organisation=landlord_a,
            name=f"C{i}",
            as_of=timezone.localdate(),
            waves=WAVES_2020,
        )
    with django_assert_max_num_queries(n_small):
        body = c.get(reverse("campaigns:list")).content.decode()
    assert "C11" in body
