"""Vigie's own French 403, 404 and 500 pages, with the menu and a way back (issue #10 §8), also
in the demo, which runs with VIGIE_DEBUG=1: Django's technical pages need VIGIE_DEBUG_PAGES=1.

Personas: Claire (caller at A), Pierre (partner worker at the CCAS).
"""

from __future__ import annotations

import html
import os
import subprocess
import sys

import pytest
from django.template.loader import get_template
from django.test import Client
from django.urls import reverse

pytestmark = pytest.mark.django_db


def text(response) -> str:
    return html.unescape(response.content.decode())


def client_for(user) -> Client:
    c = Client()
    c.force_login(user)
    return c


def test_404_is_french_with_the_menu_and_a_way_home(claire):
    r = client_for(claire).get("/registre/menages/999999999/")
    assert r.status_code == 404
    page = text(r)
    assert "Page introuvable" in page
    assert 'aria-label="Menu principal"' in page and "Campagnes" in page
    assert f'href="{reverse("core:home")}"' in page and "Revenir à l'accueil" in page
    assert "Not Found" not in page
    r = client_for(claire).get("/pas-une-page/")
    assert r.status_code == 404 and "Page introuvable" in text(r)


def test_403_says_why_in_french(pierre):
    r = client_for(pierre).get(reverse("housing:households"))
    assert r.status_code == 403
    page = text(r)
    assert "Accès refusé" in page
    assert "Vous n'avez pas accès au registre." in page  # core/permissions.py DENIED_SENTENCES
    assert "Revenir à l'accueil" in page and 'aria-label="Menu principal"' in page


def test_500_renders_without_context_or_request():
    page = get_template("500.html").render({})
    assert "Une erreur est survenue" in page and 'href="/"' in page


def _boom(request):
    raise RuntimeError("boom")


urlpatterns = [*__import__("vigie.urls", fromlist=["urlpatterns"]).urlpatterns]
urlpatterns.append(__import__("django.urls", fromlist=["path"]).path("boom/", _boom))
handler500 = "django.views.defaults.server_error"


def test_500_page_is_served_on_an_unexpected_error(claire, settings):
    settings.ROOT_URLCONF = __name__
    c = client_for(claire)
    c.raise_request_exception = False
    r = c.get("/boom/")
    assert r.status_code == 500
    assert "Une erreur est survenue" in text(r) and "Traceback" not in text(r)


@pytest.mark.parametrize(
    ("pages", "debug"), [(None, False), ("0", False), ("1", True)], ids=["demo", "off", "on"]
)
def test_the_demo_shows_vigies_pages_not_djangos(pages, debug, tmp_path):
    """`make demo` sets VIGIE_DEBUG=1 only: Django's DEBUG (technical pages) stays off."""
    env = {**os.environ, "VIGIE_DEBUG": "1", "VIGIE_DATA_DIR": str(tmp_path)}
    env.pop("VIGIE_DEBUG_PAGES", None)
    if pages is not None:
        env["VIGIE_DEBUG_PAGES"] = pages
    out = subprocess.run(
        [sys.executable, "-c", "import vigie.settings as s; print(s.DEBUG, s.DEVELOPMENT)"],
        env=env,
        capture_output=True,
        text=True,
        check=True,
    ).stdout.split()
    assert out == [str(debug), "True"]


def test_a_form_address_opened_directly_is_a_french_page_not_an_empty_405(claire):
    """Found by QA: GET on a POST-only address (a reload after a refused form) showed the
    browser's English "HTTP ERROR 405"."""
    r = client_for(claire).get("/actions/orientations/1/statut/")
    assert r.status_code == 405 and r["Allow"] == "POST"
    page = text(r)
    assert "Cette adresse enregistre un formulaire" in page and "Rien n'a été modifié" in page
    assert 'aria-label="Menu principal"' in page


def test_the_api_keeps_its_own_405(claire):
    r = client_for(claire).get("/api/v1/campaigns/1/next-call")
    assert r.status_code == 405
    assert "Cette adresse enregistre" not in r.content.decode()
