"""The menu is what the apps declare (core/menu.py), and no link of it leads to a 403."""

from __future__ import annotations

import pytest
from django.test import Client

from vigie.core import menu
from vigie.core.permissions import Perm
from vigie.core.tests.world import PERSONAS, build_world, persona

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("role", PERSONAS)
def test_every_menu_link_opens_for_each_persona(role):
    world = build_world()
    user = persona(world, role)
    client = Client()
    client.force_login(user)
    entries = menu.entries_for(user)
    page = client.get("/", follow=True).content.decode()
    failures = []
    for entry in entries:
        if f'href="{entry["url"]}"' not in page:
            failures.append(f"{entry['key']} missing from the menu drawn for {role}")
        status = client.get(entry["url"]).status_code
        if status not in (200, 302):
            failures.append(f"{entry['url']} answered {status} to {role}")
    for key, entry in menu.MENU.items():
        if not user.has_org_perm(entry.perm) and key in {e["key"] for e in entries}:
            failures.append(f"{key} shown to {role} without {entry.perm}")
    assert not failures, failures


def test_the_menu_is_declared_by_the_apps_not_by_core():
    keys = set(menu.MENU)
    assert {"register", "imports", "campaigns", "referrals", "tickets", "tasks"} <= keys
    assert {"partners", "actions_report", "audit"} <= keys
    assert menu.MENU["register"].perm == Perm.HOUSEHOLD_VIEW
    assert menu.MENU["register"].url_name == "housing:households"
    # Core declares none itself: every entry comes from an app's own menu.py.
    from vigie.core.menu import MENU

    assert all(not e.url_name.startswith("core:") for e in MENU.values())


def test_a_declared_entry_shows_for_its_permission_only(claire, dora):
    menu.register("test_entry", label="Essai", url_name="privacy:access_log", perm=Perm.AUDIT_VIEW)
    try:
        assert "test_entry" in {e["key"] for e in menu.entries_for(dora)}
        assert "test_entry" not in {e["key"] for e in menu.entries_for(claire)}
    finally:
        menu.MENU.remove("test_entry")


def test_declaring_an_entry_twice_differently_is_refused():
    with pytest.raises(ValueError):
        menu.register("register", label="Autre", url_name="core:home", perm=Perm.HOUSEHOLD_VIEW)


def test_core_home_and_menu_import_no_app():
    """The home page and the menu read registries: core names no app above it (issue #11 §4)."""
    import re
    from pathlib import Path

    core = Path(menu.__file__).parent
    for name in ("views.py", "home.py", "menu.py", "context_processors.py", "registry.py"):
        source = (core / name).read_text()
        found = re.findall(r"vigie\.(housing|campaigns|actions|privacy)\b", source)
        assert not found, f"core/{name} imports {found}"
