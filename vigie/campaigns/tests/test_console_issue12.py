"""Issue #12 §2 and §9 and the console's known bugs: the console's settings and next call by
itself, the household by name with its number, distinct keys; the background build with its
progress; a released call not handed back; a call kept when the household left mid-call; the
paper sheet through core.exports; the wave form's refusals next to the field."""

from __future__ import annotations

import csv
import html
import io
import re

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from vigie.campaigns import views_console
from vigie.campaigns.choices import BuildStatus, TargetStatus
from vigie.campaigns.departures import targets_depart
from vigie.campaigns.models import Attempt, CallerSettings, CampaignBuild, Need, Target, Wave
from vigie.campaigns.services import build as build_module
from vigie.campaigns.services import campaign_build_request, campaign_build_run, campaign_create
from vigie.campaigns.tests.factories import AS_OF, OLD, WAVES_2020, running_campaign
from vigie.core.models import AccessLog
from vigie.housing.models import Household
from vigie.housing.tests.factories import make_household

pytestmark = pytest.mark.django_db

HX = {"HTTP_HX_REQUEST": "true"}


def text(response) -> str:
    return html.unescape(response.content.decode())


def client_for(user) -> Client:
    c = Client()
    c.force_login(user)
    return c


def households(org, n, **kw):
    for i in range(n):
        make_household(org, [dict(OLD, last_name=f"AINE{i}", **kw)], reference=f"BAIL-{i:04d}")


def held(campaign, user):
    return Target.objects.get(campaign=campaign, claimed_by=user, status=TargetStatus.CLAIMED)


# --- §2: the console ------------------------------------------------------------------------------


def test_the_call_card_names_the_household_and_gives_the_number_on_one_line(
    landlord_a, marc, claire
):
    make_household(
        landlord_a,
        [
            dict(OLD, last_name="DURAND", first_name="Odette", phone="+33561234567"),
            dict(OLD, last_name="DURAND", first_name="Marcel", phone=""),
        ],
        reference="BAIL-DURAND",
    )
    campaign = running_campaign(landlord_a, marc)
    body = text(client_for(claire).post(reverse("campaigns:next_call", args=[campaign.pk]), **HX))
    title = re.search(r'<h2 id="hh-title"[^>]*>(.*?)</h2>', body).group(1)
    assert title == "DURAND Odette, DURAND Marcel"  # by name, not by lease
    assert "BAIL-DURAND" not in title and "bail BAIL-DURAND" in body
    assert re.search(r'<a class="dial" id="dial" href="tel:\+33561234567">05 61 23 45 67</a>', body)


def test_keys_cannot_be_confused_and_the_notes_have_one():
    keys = [k for _v, k, *_r in views_console.CALL_CHOICES]
    need_keys = [k for _kind, _label, k in views_console.NEED_KEYS]
    everything = [*keys, views_console.NEXT_KEY, views_console.NOTES_KEY]
    assert len(set(everything)) == len(everything)
    # No letter that reads as a digit next to the needs' 1…9, 0 (busy used to be "O").
    assert not {"O", "I"} & set(everything)
    assert dict((v, k) for v, k, *_r in views_console.CALL_CHOICES)["busy"] == "L"
    assert "0" in need_keys and views_console.NOTES_KEY == "N"


def test_after_saving_the_next_household_comes_by_itself_unless_switched_off(
    landlord_a, marc, claire
):
    households(landlord_a, 3)
    campaign = running_campaign(landlord_a, marc)
    c = client_for(claire)
    c.post(reverse("campaigns:next_call", args=[campaign.pk]), **HX)
    first = held(campaign, claire)
    r = c.post(reverse("campaigns:record", args=[first.pk]), {"call": "reassuring"}, **HX)
    body = text(r)
    # Saved, said, and the next household is already on screen (and held for Claire).
    assert "Appel enregistré : Joint — rassurant." in body and 'id="call-form"' in body
    second = held(campaign, claire)
    assert second.pk != first.pk and f'data-target="{second.pk}"' in body
    assert '<strong id="my-count" hx-swap-oob="true">1</strong>' in body

    # Claire switches it off: after saving she gets the "Appel suivant" button instead.
    c.post(
        reverse("campaigns:console_settings"),
        {"shortcuts": "on", "next": reverse("campaigns:console", args=[campaign.pk])},
    )
    assert CallerSettings.objects.get(user=claire).auto_next is False
    r = c.post(reverse("campaigns:record", args=[second.pk]), {"call": "no_answer"}, **HX)
    body = text(r)
    assert 'id="next-call"' in body and 'id="call-form"' not in body
    assert not Target.objects.filter(claimed_by=claire, status=TargetStatus.CLAIMED).exists()


def test_single_key_shortcuts_can_be_switched_off(landlord_a, marc, claire):
    households(landlord_a, 1)
    campaign = running_campaign(landlord_a, marc)
    c = client_for(claire)
    page = text(c.get(reverse("campaigns:console", args=[campaign.pk])))
    assert 'data-shortcuts="on"' in page  # on by default
    r = c.post(
        reverse("campaigns:console_settings"),
        {"auto_next": "on", "next": reverse("campaigns:console", args=[campaign.pk])},
    )
    assert r.url == reverse("campaigns:console", args=[campaign.pk])
    page = text(c.get(reverse("campaigns:console", args=[campaign.pk])))
    assert 'data-shortcuts="off"' in page and "Les raccourcis à une touche sont désactivés" in page
    prefs = CallerSettings.objects.get(user=claire)
    assert prefs.shortcuts is False and prefs.auto_next is True
    # An outside address is never where the settings form sends back to.
    r = c.post(reverse("campaigns:console_settings"), {"next": "https://evil.example/"})
    assert r.url == reverse("campaigns:list")


# --- Known bugs ----------------------------------------------------------------------------------


def test_release_then_next_call_gives_another_household(landlord_a, marc, claire):
    households(landlord_a, 2)
    campaign = running_campaign(landlord_a, marc)
    c = client_for(claire)
    c.post(reverse("campaigns:next_call", args=[campaign.pk]), **HX)
    first = held(campaign, claire)
    c.post(reverse("campaigns:release", args=[first.pk]), **HX)
    c.post(reverse("campaigns:next_call", args=[campaign.pk]), **HX)
    assert held(campaign, claire).pk != first.pk
    # With nobody else to call, the one given back comes back.
    other = held(campaign, claire)
    c.post(reverse("campaigns:record", args=[other.pk]), {"call": "reassuring"}, **HX)
    c.post(reverse("campaigns:next_call", args=[campaign.pk]), **HX)
    c.post(reverse("campaigns:release", args=[first.pk]), **HX)
    c.post(reverse("campaigns:next_call", args=[campaign.pk]), **HX)
    assert held(campaign, claire).pk == first.pk


def test_a_call_on_a_household_that_departed_mid_call_is_kept_and_said(landlord_a, marc, claire):
    households(landlord_a, 2)
    campaign = running_campaign(landlord_a, marc)
    c = client_for(claire)
    card = text(c.post(reverse("campaigns:next_call", args=[campaign.pk]), **HX))
    target = held(campaign, claire)
    token = re.search(r'name="claim" value="([^"]+)"', card).group(1)
    # An import marks the household departed while Claire is on the phone.
    Household.objects.filter(pk=target.household_id).update(departed_on=timezone.localdate())
    targets_depart(household_ids=[target.household_id], run=None, actor=None, now=timezone.now())
    target.refresh_from_db()
    assert target.status == TargetStatus.DEPARTED and target.claimed_by is None

    r = c.post(
        reverse("campaigns:record", args=[target.pk]),
        {
            "call": "follow_up",
            "needs": ["groceries"],
            "notes": "Part chez sa fille",
            "claim": token,
        },
        **HX,
    )
    body = text(r)
    assert "marqué parti pendant votre appel" in body and "Vos notes" in body
    attempt = Attempt.objects.get(target=target)
    assert attempt.notes == "Part chez sa fille" and attempt.caller == claire
    assert Need.objects.filter(attempt=attempt, kind="groceries").exists()
    target.refresh_from_db()
    assert target.status == TargetStatus.DEPARTED and target.attempts_count == 1

    # Without the card's token (another caller's post), the departed household is refused.
    other = Target.objects.exclude(pk=target.pk).get(campaign=campaign)
    Household.objects.filter(pk=other.household_id).update(departed_on=timezone.localdate())
    targets_depart(household_ids=[other.household_id], run=None, actor=None, now=timezone.now())
    r = c.post(reverse("campaigns:record", args=[other.pk]), {"call": "reassuring"}, **HX)
    assert "marqué parti" in text(r) and not Attempt.objects.filter(target=other).exists()


def test_the_paper_sheet_downloads_through_core_exports(landlord_a, marc, claire):
    make_household(
        landlord_a,
        [dict(OLD, last_name="=HYPERLINK(1)", first_name="", phone="+33561000000")],
        reference="BAIL-X",
    )
    campaign = running_campaign(landlord_a, marc)
    c = client_for(claire)
    r = c.get(reverse("campaigns:sheet_csv", args=[campaign.pk]), {"n": "3"})
    rows = list(csv.reader(io.StringIO(r.content.decode("utf-8-sig")), delimiter=";"))
    assert rows[0][-4] == "résultat (R S P M L F X C)"
    # A cell that Excel would run as a formula is defused (core.exports does it).
    assert rows[1][3].startswith("'=HYPERLINK(1)")
    assert r["Content-Disposition"].startswith(
        f'attachment; filename="feuille-appels-{campaign.pk}-claire-'
    )
    log = AccessLog.objects.filter(user=claire, action="export").latest("at")
    assert log.detail == "csv sheet | Appels"
    r = c.get(reverse("campaigns:sheet_xlsx", args=[campaign.pk]), {"n": "3"})
    assert r["Content-Type"].startswith("application/vnd.openxmlformats")


@pytest.mark.parametrize(
    "fields, field, sentence",
    [
        ({"age_min": "80", "age_max": "70"}, "age_max", "le minimum (80) dépasse le maximum (70)"),
        ({"communes": "31555, 31000"}, "communes", "« 31000 » n'est pas le code INSEE"),
        ({"communes": "Albi"}, "communes", "« ALBI » n'est pas le code INSEE"),
    ],
)
def test_the_wave_form_refuses_bad_filters_next_to_the_field(
    landlord_a, marc, fields, field, sentence
):
    campaign = campaign_create(
        actor=marc, organisation=landlord_a, name="Test", as_of=AS_OF, waves=WAVES_2020
    )
    before = Wave.objects.filter(campaign=campaign).count()
    r = client_for(marc).post(
        reverse("campaigns:wave_add", args=[campaign.pk]),
        {"name": "Vague test", "priority": "3", **fields},
    )
    assert r.status_code == 200
    form = r.context["form"]
    assert any(sentence in e for e in form.errors.get(field, [])), form.errors
    assert sentence in text(r)
    assert Wave.objects.filter(campaign=campaign).count() == before  # nothing written
    # A known commune's INSEE code goes through.
    r = client_for(marc).post(
        reverse("campaigns:wave_add", args=[campaign.pk]),
        {
            "name": "Vague ok",
            "priority": "3",
            "communes": "31555",
            "age_min": "70",
            "age_max": "80",
        },
    )
    assert r.status_code == 302 and Wave.objects.get(name="Vague ok").filters["communes"] == [
        "31555"
    ]


# --- §9: the build in the background ------------------------------------------------------------------


def test_the_build_runs_in_the_background_and_the_page_shows_its_progress(
    landlord_a, marc, monkeypatch
):
    households(landlord_a, 3)
    campaign = campaign_create(
        actor=marc, organisation=landlord_a, name="Grande", as_of=AS_OF, waves=WAVES_2020
    )
    c = client_for(marc)
    # The manager's request returns at once: nothing is built yet, the page says it is waiting.
    r = c.post(reverse("campaigns:action", args=[campaign.pk, "build"]))
    assert r.status_code == 302 and r.url.endswith("#build")
    assert not Target.objects.filter(campaign=campaign).exists()
    build = CampaignBuild.objects.get(campaign=campaign)
    assert build.status == BuildStatus.QUEUED
    page = text(c.get(reverse("campaigns:detail", args=[campaign.pk])))
    status_url = reverse("campaigns:build_status", args=[campaign.pk, build.pk])
    assert f'hx-get="{status_url}"' in page and 'hx-trigger="every 1s"' in page
    assert "En attente du service de calcul" in page and "<progress" in page
    assert 'type="submit" disabled aria-describedby="build"' in page  # no second click
    # Asking again while it waits does not start a second build.
    assert campaign_build_request(actor=marc, campaign=campaign).pk == build.pk

    # While the worker runs it, the polled fragment moves on, wave by wave.
    seen: list[str] = []
    real = build_module._wave_rows

    def watched(*args, **kwargs):
        seen.append(text(c.get(status_url, **HX)))
        return real(*args, **kwargs)

    monkeypatch.setattr(build_module, "_wave_rows", watched)
    campaign_build_run(build_id=build.pk)
    assert "Sélection des ménages : vague 1 sur 4" in seen[0]
    assert "Sélection des ménages : vague 2 sur 4" in seen[1]
    percents = [int(re.search(r'<progress[^>]*value="(\d+)"', s).group(1)) for s in seen]
    assert percents == sorted(percents) and percents[-1] > 0
    # Done: the fragment asks the page to reload, which shows the result.
    r = c.get(status_url, **HX)
    assert r["HX-Refresh"] == "true"
    page = text(c.get(reverse("campaigns:detail", args=[campaign.pk])))
    assert "Résultat de la construction" in page and "3 ménages à appeler (3 ajoutés)" in page
    assert Target.objects.filter(campaign=campaign).count() == 3


def test_a_failed_build_is_said_in_words_and_leaves_the_list_as_it_was(
    landlord_a, marc, monkeypatch
):
    households(landlord_a, 2)
    campaign = campaign_create(
        actor=marc, organisation=landlord_a, name="Grande", as_of=AS_OF, waves=WAVES_2020
    )
    c = client_for(marc)
    build = campaign_build_request(actor=marc, campaign=campaign)

    def broken(*args, **kwargs):
        raise RuntimeError("disk full")

    monkeypatch.setattr(build_module, "_targets_return", broken)
    campaign_build_run(build_id=build.pk)
    build.refresh_from_db()
    assert build.status == BuildStatus.FAILED
    body = text(c.get(reverse("campaigns:build_status", args=[campaign.pk, build.pk]), **HX))
    assert (
        "La construction de la liste a échoué" in body and "la liste est restée comme avant" in body
    )
    assert "hx-trigger" not in body and "disk full" not in body  # polling stops; no raw error
    assert not Target.objects.filter(
        campaign=campaign
    ).exists()  # one transaction: nothing half-written

    # A refusal of the service (the campaign was closed meanwhile) is its own sentence.
    monkeypatch.undo()
    build = campaign_build_request(actor=marc, campaign=campaign)
    from vigie.campaigns.services import campaign_close

    campaign_close(actor=marc, campaign=campaign)
    campaign_build_run(build_id=build.pk)
    page = text(c.get(reverse("campaigns:detail", args=[campaign.pk])))
    assert "La campagne « Grande » est clôturée : elle ne change plus." in page


@pytest.mark.skipif(
    "postgres" not in __import__("os").environ.get("DATABASE_URL", ""),
    reason="progress from inside the writing transaction is told on PostgreSQL only",
)
def test_on_postgresql_the_bar_moves_while_the_list_is_written(
    restore_reference_data, transactional_db, landlord_a, marc, monkeypatch
):
    from django.db import DEFAULT_DB_ALIAS, connections

    households(landlord_a, 3)
    campaign = campaign_create(
        actor=marc, organisation=landlord_a, name="Grande", as_of=AS_OF, waves=WAVES_2020
    )
    monkeypatch.setattr(build_module, "BUILD_BATCH", 1)
    seen: list[str] = []
    real = build_module._targets_return

    def watched(*args, **kwargs):  # inside the writing transaction, after the inserts
        other = connections.create_connection(DEFAULT_DB_ALIAS)
        try:
            with other.cursor() as cursor:
                cursor.execute(
                    f"SELECT phase FROM {CampaignBuild._meta.db_table} WHERE campaign_id = %s",
                    [campaign.pk],
                )
                seen.append(cursor.fetchone()[0])
        finally:
            other.close()
        return real(*args, **kwargs)

    monkeypatch.setattr(build_module, "_targets_return", watched)
    # Outside a transaction the task is enqueued at once (here: run at once, as by the worker).
    build = campaign_build_request(actor=marc, campaign=campaign)
    build.refresh_from_db()
    assert seen == ["Écriture de la liste : 2 ménages sur 3…"], build.error
    build.refresh_from_db()
    assert build.status == BuildStatus.DONE and build.percent == 100


def test_the_full_console_page_counts_the_calls_once(landlord_a, marc, claire):
    """The partials' out-of-band counter is for HTMX answers only: in the whole page it showed
    a stray bold "0" under "Appel suivant" and a second id="my-count" (QA finding)."""
    households(landlord_a, 2)
    campaign = running_campaign(landlord_a, marc)
    c = client_for(claire)
    page = text(c.get(reverse("campaigns:console", args=[campaign.pk])))
    assert page.count('id="my-count"') == 1 and "hx-swap-oob" not in page
    c.post(reverse("campaigns:next_call", args=[campaign.pk]), **HX)
    page = text(c.get(reverse("campaigns:console", args=[campaign.pk])))  # with a call held
    assert page.count('id="my-count"') == 1
