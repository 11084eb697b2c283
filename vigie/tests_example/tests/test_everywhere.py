"""A module plugs into every registry without a line changed in core (issue #11 §3).

The suggestion box (vigie/tests_example) declares one of each — a permission with its denial
sentence, a menu entry, a URLconf prefix, a journal code, a timeline provider, a data-subject
exporter and eraser, a retention rule, a home-page card — and shows up in the menu, the
permission matrix and the sentinel crawl, a person's export, an erasure, `vigie purge`, the
household timeline and the home page.
"""

from __future__ import annotations

import json
import subprocess
from datetime import date, timedelta
from pathlib import Path

import pytest
from django.core.management import call_command
from django.test import Client, RequestFactory
from django.utils import timezone

from vigie.core.home import cards_for
from vigie.core.permissions import Role, denied_sentence, role_has
from vigie.core.tests import test_matrix, test_sentinel
from vigie.housing.tests.factories import make_household
from vigie.housing.timeline import timeline_entries
from vigie.privacy.services import occupant_erase, subject_export
from vigie.tests_example.models import Suggestion
from vigie.tests_example.permissions import SUGGESTION_VIEW
from vigie.tests_example.services import suggestion_record

pytestmark = pytest.mark.django_db

IDEA = "Un banc devant le bâtiment B"
MENU_LINK = 'href="/idees/"'


@pytest.fixture
def household(landlord_a):
    return make_household(
        landlord_a,
        [{"last_name": "DURAND", "first_name": "Odette", "birth_date": date(1938, 4, 2)}],
        reference="BAIL-DURAND",
    )


@pytest.fixture
def idea(household, marc):
    return suggestion_record(actor=marc, household=household, text=IDEA)


def test_nothing_outside_the_module_names_it():
    """The proof's premise: core and the other apps don't know the module exists."""
    root = Path(__file__).resolve().parents[2]  # vigie/
    out = subprocess.run(
        [
            "grep",
            "-rlE",
            r"tests_example|Suggestion\b|suggestion\.|/idees/|ideas:|\"ideas\"",
            str(root),
            "--include=*.py",
            "--include=*.html",
        ],
        capture_output=True,
        text=True,
    ).stdout.split()
    outside = sorted(
        str(Path(p).relative_to(root)) for p in out if "tests_example" not in Path(p).parts
    )
    # settings.py installs it under pytest; nothing else may mention it.
    assert outside == ["settings.py"], outside


def test_its_permission_is_declared_with_its_sentence(client, claire):
    assert role_has(Role.MANAGER, SUGGESTION_VIEW) and role_has(Role.MEDIATOR, SUGGESTION_VIEW)
    assert not role_has(Role.CALLER, SUGGESTION_VIEW)
    sentence = "Seul·e un·e responsable ou un·e médiateur·rice lit la boîte à idées."
    assert denied_sentence(SUGGESTION_VIEW) == sentence
    client.force_login(claire)
    response = client.get("/idees/")
    assert response.status_code == 403 and sentence in response.content.decode()


def test_its_menu_entry_shows_for_the_roles_holding_its_permission(client, marc, claire, maya):
    for user, shown in ((marc, True), (maya, True), (claire, False)):
        client.force_login(user)
        page = client.get("/", follow=True).content.decode()
        assert (MENU_LINK in page) is shown, user.username
        assert ("Boîte à idées" in page) is shown, user.username


def test_its_page_is_mounted_and_scoped(client, marc, idea, landlord_b):
    other = make_household(landlord_b, [{"last_name": "MARTIN"}], reference="BAIL-B")
    suggestion_record(actor=None, household=other, text="Idée de l'autre bailleur")
    client.force_login(marc)
    page = client.get("/idees/").content.decode()
    assert IDEA in page and "Idée de l'autre bailleur" not in page
    assert 'aria-current="page"' in page.split(MENU_LINK)[1].split(">")[0]


def test_the_permission_matrix_and_the_sentinel_crawl_walk_its_page():
    """Both walk the URLconf (test_matrix.pages): the module's page is in their crawl, with
    the permission it declared — so every persona's matrix run checks it answers 200 or 403."""
    walked = {name: test_matrix.declared(view) for _r, _ns, name, view in test_matrix.pages()}
    assert walked["ideas:list"] == SUGGESTION_VIEW
    assert test_sentinel.pages is test_matrix.pages


def test_the_matrix_answers_for_every_persona_on_its_page():
    from vigie.core.tests.world import PERSONAS, build_world, persona

    world = build_world()
    for role in PERSONAS:
        user = persona(world, role)
        client = Client()
        client.force_login(user)
        status = client.get("/idees/").status_code
        assert status == (200 if user.has_org_perm(SUGGESTION_VIEW) else 403), role


def test_its_journal_code_and_provider_reach_the_timeline(marc, claire, household, idea):
    seen = [e.title for e in timeline_entries(marc, household)]
    assert IDEA in seen  # its timeline provider
    assert "Idée déposée dans la boîte à idées" in seen  # its journal code's French label
    not_seen = [e.title for e in timeline_entries(claire, household)]
    assert IDEA not in not_seen and "Idée déposée dans la boîte à idées" not in not_seen


def test_a_persons_export_contains_its_data(household, idea):
    data = subject_export(occupant=household.occupants.get())
    assert data["boite_a_idees"]["idees"][0]["texte"] == IDEA
    json.dumps(data)  # the export is JSON


def test_erasure_wipes_its_data(dora, household, idea):
    occupant_erase(actor=dora, occupant=household.occupants.get())
    idea.refresh_from_db()
    assert idea.text == ""


def test_purge_runs_its_retention_rule(idea, household, capsys):
    old = suggestion_record(actor=None, household=household, text="Vieille idée")
    Suggestion.objects.filter(pk=old.pk).update(created_at=timezone.now() - timedelta(days=400))
    call_command("purge", "--json")
    report = json.loads(capsys.readouterr().out)
    assert report["suggestions"] == 1
    assert list(Suggestion.objects.values_list("text", flat=True)) == [IDEA]


def test_its_card_is_on_the_home_page(client, maya, marc, claire, idea):
    # A mediator lands on the welcome page (no landing declared for her role): the card is there.
    client.force_login(maya)
    page = client.get("/").content.decode()
    assert 'id="carte-ideas"' in page and "0 idées en attente." in page
    # Its context is read with the reader's scope: the manager's organisation has one idea.
    request = RequestFactory().get("/")
    request.user = marc
    cards = {c["key"]: c for c in cards_for(request)}
    assert cards["ideas"]["context"] == {"count": 1}
    request.user = claire  # no permission, no card
    assert "ideas" not in {c["key"] for c in cards_for(request)}
