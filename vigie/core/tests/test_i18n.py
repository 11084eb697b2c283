"""English through the language cookie; French otherwise, whatever the browser asks.

The source strings are French and the English catalogue is committed compiled
(vigie/locale/en/LC_MESSAGES/django.mo), so serving English needs no gettext tools; only the
test that the catalogue is up to date with the source runs GNU gettext's xgettext (Debian
package gettext, installed by `make system-deps`). Dates stay dd/mm/yyyy in both languages
(vigie/formats/en/formats.py).
"""

from __future__ import annotations

import shutil
from datetime import date

import pytest
from django.conf import settings
from django.core.management import call_command
from django.test import override_settings
from django.urls import reverse
from django.utils import formats, translation

from vigie.housing.tests.factories import make_household

pytestmark = pytest.mark.django_db


@pytest.fixture
def english(client):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


@pytest.fixture
def household(landlord_a):
    return make_household(
        landlord_a,
        [{"last_name": "DURAND", "first_name": "Odette", "birth_date": date(1938, 4, 2)}],
        reference="BAIL-DURAND",
    )


def text(response) -> str:
    return response.content.decode()


def test_login_page_in_english_with_the_cookie(english):
    response = english.get(reverse("accounts:login"))
    body = text(response)
    assert response["Content-Language"] == "en"
    assert '<html lang="en">' in body
    assert "Sign in" in body and "Username" in body and "Password" in body
    assert "Se connecter" not in body and "Mot de passe" not in body


def test_login_page_in_french_by_default_even_if_the_browser_asks_for_english(client):
    response = client.get(reverse("accounts:login"), HTTP_ACCEPT_LANGUAGE="en")
    body = text(response)
    assert response["Content-Language"] == "fr"
    assert '<html lang="fr">' in body
    assert "Se connecter" in body and "Mot de passe" in body
    assert "Sign in" not in body


def test_an_unknown_language_in_the_cookie_falls_back_to_french(client):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "de"
    response = client.get(reverse("accounts:login"))
    assert response["Content-Language"] == "fr"
    assert "Se connecter" in text(response)


def test_register_in_english_for_a_caller(english, claire, household):
    english.force_login(claire)
    response = english.get(reverse("housing:households"))
    body = text(response)
    assert response.status_code == 200
    assert response["Content-Language"] == "en"
    for word in ("Household register", "Search", "Cohorts on", "75 and over: ", "Sign out"):
        assert word in body, word
    for word in ("Registre des ménages", "Rechercher", "Se déconnecter", "75 ans et plus"):
        assert word not in body, word


def test_register_in_french_without_the_cookie(client, claire, household):
    client.force_login(claire)
    response = client.get(reverse("housing:households"), HTTP_ACCEPT_LANGUAGE="en")
    body = text(response)
    assert response["Content-Language"] == "fr"
    assert "Registre des ménages" in body and "75 ans et plus : " in body
    assert "Household register" not in body


@pytest.mark.parametrize(
    ("page", "english_words", "french"),
    [
        (
            "actions:partners",
            ["Partner directory", "Add a partner", "No partners yet.", "Municipalities"],
            ["Annuaire des partenaires", "Ajouter un partenaire", "Aucun partenaire"],
        ),
        (
            "actions:tickets",
            ["Residence reports", "Report a problem", "overdue only", "Due by", "No reports."],
            ["Signalements des résidences", "Signaler un problème", "en retard seulement"],
        ),
        (
            "actions:my_tasks",
            ["My tasks", "New task", "All open tasks", "Regarding", "No open tasks."],
            ["Mes tâches", "Nouvelle tâche", "Au sujet de", "Aucune tâche ouverte."],
        ),
        (
            "actions:report",
            ["Call follow-up", "No campaigns."],
            ["Suites des appels", "Aucune campagne."],
        ),
    ],
)
def test_follow_up_pages_in_english_with_the_cookie(english, marc, page, english_words, french):
    """The partner directory, reports, tasks and follow-up report: English throughout."""
    english.force_login(marc)
    response = english.get(reverse(page))
    body = text(response)
    assert response.status_code == 200 and response["Content-Language"] == "en"
    for word in english_words:
        assert word in body, word
    for word in french:
        assert word not in body, word


def test_household_needs_in_english_with_the_cookie(english, claire, household):
    english.force_login(claire)
    response = english.get(reverse("actions:household_needs", args=[household.pk]))
    body = text(response)
    assert response["Content-Language"] == "en"
    assert "Needs of household BAIL-DURAND" in body
    assert "No needs reported for this household." in body
    assert "Besoins du ménage" not in body and "Aucun besoin signalé" not in body


@pytest.mark.parametrize("language", ["fr", "en"])
def test_dates_stay_dd_mm_yyyy_in_both_languages(client, claire, household, language):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    client.force_login(claire)
    response = client.get(reverse("housing:household", args=[household.pk]))
    body = text(response)
    assert response["Content-Language"] == language
    assert "02/04/1938" in body
    assert ("years" in body) == (language == "en")
    # Dates shown without an explicit format follow the language's formats: d/m/Y in English too.
    with translation.override(language):
        assert formats.date_format(date(2025, 6, 5)) == (
            "05/06/2025" if language == "en" else "5 juin 2025"
        )
        assert formats.date_format(date(2025, 6, 5), "SHORT_DATE_FORMAT") == "05/06/2025"


def test_set_language_switches_to_english(client, claire):
    client.force_login(claire)
    response = client.post(reverse("set_language"), {"language": "en", "next": "/"})
    assert response.status_code == 302
    assert client.cookies[settings.LANGUAGE_COOKIE_NAME].value == "en"
    assert "Household register" in text(client.get(reverse("housing:households")))


def _po_entries(path) -> list[dict[str, str]]:
    """The entries of a .po file: {"msgctxt", "msgid", "msgid_plural", "msgstr", "msgstr[0]"…}."""
    import ast

    entries: list[dict[str, str]] = []
    entry: dict[str, str] = {}
    key = ""
    for line in path.read_text(encoding="utf-8").splitlines() + [""]:
        if line.startswith("#~"):
            continue
        if not line.strip():
            if entry:
                entries.append(entry)
            entry, key = {}, ""
        elif line.startswith('"'):
            entry[key] += ast.literal_eval(line)
        elif not line.startswith("#"):
            key, _, value = line.partition(" ")
            entry[key] = ast.literal_eval(value)
        elif line.startswith("#,") and "fuzzy" in line:
            entry["fuzzy"] = "1"
    return [e for e in entries if e.get("msgid")]


def test_the_english_catalogue_is_complete_and_compiled():
    """Every entry translated, none fuzzy, and the committed .mo matches the .po."""
    import gettext

    folder = settings.LOCALE_PATHS[0] / "en" / "LC_MESSAGES"
    entries = _po_entries(folder / "django.po")
    assert len(entries) > 500
    with (folder / "django.mo").open("rb") as fh:
        catalog = gettext.GNUTranslations(fh)._catalog
    for e in entries:
        assert "fuzzy" not in e, e["msgid"]
        key = f"{e['msgctxt']}\x04{e['msgid']}" if "msgctxt" in e else e["msgid"]
        if "msgid_plural" in e:
            assert e["msgstr[0]"] and e["msgstr[1]"], e["msgid"]
            assert catalog.get((key, 0)) == e["msgstr[0]"], f"recompile: {e['msgid']}"
            assert catalog.get((key, 1)) == e["msgstr[1]"], f"recompile: {e['msgid']}"
        else:
            assert e["msgstr"], e["msgid"]
            assert catalog.get(key) == e["msgstr"], f"recompile (make messages): {e['msgid']}"


def _keys(entries: list[dict[str, str]]) -> set[tuple[str, str, str]]:
    return {(e.get("msgctxt", ""), e["msgid"], e.get("msgid_plural", "")) for e in entries}


def test_every_string_of_the_source_is_in_the_english_catalogue(tmp_path, monkeypatch):
    """Extract the messages as `make messages` does, but from a copy of the source into an empty
    locale dir, and name the msgids the committed django.po lacks (run `make messages`).

    A copy, because makemessages writes next to the files it reads (a .py per template, the
    .pot, the .po) and must leave the repository alone; an empty locale dir, so that what comes
    out is exactly what the source holds, with no msgmerge guess in between.
    """
    tools = ("xgettext", "msguniq", "msgattrib")
    if not all(shutil.which(tool) for tool in tools):
        pytest.fail(f"GNU gettext is missing ({', '.join(tools)}): run `make system-deps`")
    source = settings.LOCALE_PATHS[0].parent  # the vigie package, where `make messages` runs
    committed = settings.LOCALE_PATHS[0] / "en" / "LC_MESSAGES" / "django.po"
    before = committed.read_bytes()
    copy = tmp_path / "vigie"
    shutil.copytree(
        source,
        copy,
        ignore=shutil.ignore_patterns("locale", "__pycache__", "*.pyc", "*.mo", "*.po"),
    )
    (copy / "locale").mkdir()
    monkeypatch.chdir(copy)
    with override_settings(LOCALE_PATHS=[copy / "locale"]):
        # The options of the Makefile's `messages` target.
        call_command(
            "makemessages",
            locale=["en"],
            no_obsolete=True,
            ignore_patterns=["*/tests/*", "*/migrations/*"],
            verbosity=0,
        )
    extracted = _po_entries(copy / "locale" / "en" / "LC_MESSAGES" / "django.po")
    assert committed.read_bytes() == before, "the test must not touch the committed catalogue"
    assert len(extracted) > 500, "extraction found too few messages: is the copy complete?"
    missing = sorted(_keys(extracted) - _keys(_po_entries(committed)), key=lambda k: k[1])
    assert not missing, (
        f"{len(missing)} message(s) of the source missing from {committed.name} "
        "(run `make messages`, translate, commit .po and .mo):\n"
        + "\n".join(
            f"  {msgid!r}" + (f" (context {ctx!r})" if ctx else "") for ctx, msgid, _ in missing
        )
    )
