"""English through the language cookie; French otherwise, whatever the browser asks.

The source strings are French and the English catalogue is committed compiled
(vigie/locale/en/LC_MESSAGES/django.mo), so serving English needs no gettext tools; only the
test that the catalogue is up to date with the source runs GNU gettext's xgettext (Debian
package gettext, installed by `make system-deps`). Dates stay dd/mm/yyyy in both languages
(vigie/formats/en/formats.py).
"""

from __future__ import annotations

import re
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


def _catalogues() -> list:
    """The project's English catalogue, then each app's own (a module that keeps its messages
    beside its code, `vigie/<app>/locale/`, so that modules written side by side don't edit
    one file)."""
    main = settings.LOCALE_PATHS[0] / "en" / "LC_MESSAGES" / "django.po"
    apps_ = sorted(main.parents[3].glob("*/locale/en/LC_MESSAGES/django.po"))
    return [main, *apps_]


def test_the_english_catalogue_is_complete_and_compiled():
    """Every entry translated, none fuzzy, and the committed .mo matches the .po."""
    assert len(_po_entries(_catalogues()[0])) > 500
    for po in _catalogues():
        _check_catalogue(po)


def _check_catalogue(po) -> None:
    import gettext

    folder = po.parent
    entries = _po_entries(po)
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
    known: set[tuple[str, str, str]] = set()
    for po in _catalogues():
        known |= _keys(_po_entries(po))
    missing = sorted(_keys(extracted) - known, key=lambda k: k[1])
    assert not missing, (
        f"{len(missing)} message(s) of the source missing from {committed.name} "
        "(run `make messages`, translate, commit .po and .mo):\n"
        + "\n".join(
            f"  {msgid!r}" + (f" (context {ctx!r})" if ctx else "") for ctx, msgid, _ in missing
        )
    )


# --- French sentences written in Python must go through gettext -----------------------------

#: Accented letters, or a common French word standing alone, mark a literal as French.
FRENCH = re.compile(
    r"[àâçéèêëîïôûùüÿœÀÂÇÉÈÊËÎÏÔÛÙÜŸŒ]"
    r"|\b(?:le|la|les|des|du|une|est|sont|pas|aucun|aucune|pour|dans|avec|sur|ce|cette|ces"
    r"|ne|vous|votre|vos|nous|il|elle|ou|et|de|au|aux|un|en|sans|mais|par|vers|chez|depuis"
    r"|ligne|fichier|bail"
    r"|introuvable|inconnu|inconnue|aucunes?|appels?|campagnes?|locataires?)\b"
    r"|\b[ldjnqs]'[a-zéèêàâ]",
    re.IGNORECASE,
)

#: Keys, slugs and URL parts: no space, no accent.
IDENTIFIER = re.compile(r"^[A-Za-z0-9_\-/.:<>{}…]*$")

#: Calls whose string arguments are translated: the names `makemessages` extracts (xgettext's
#: defaults plus Django's keywords). An alias such as `_lazy` is not extracted, so not allowed.
GETTEXT_CALLS = {
    "_",
    "gettext",
    "gettext_lazy",
    "ngettext",
    "ngettext_lazy",
    "pgettext",
    "pgettext_lazy",
    "npgettext",
    "npgettext_lazy",
    "gettext_noop",
}
#: Methods whose arguments are never shown to a user.
LOG_METHODS = {"debug", "info", "warning", "error", "exception", "critical", "log"}

#: The OpenAPI documentation (`summary=`, `description=`, `tags=` of the API's routes) is
#: written for integrators and stays in French, as docs/ does.
OPENAPI_KEYWORDS = {"summary", "description", "tags"}

#: Files whose sentences another branch of issue #11 is making translatable right now.
#: Remove an entry once that branch is merged: the test then covers the file again.
OWNED_ELSEWHERE: dict[str, str] = {}

#: Files whose French literals are data, not interface sentences.
DATA_FILES = {
    "housing/demo.py": "the demo register's French names, addresses and notes (data)",
    "actions/suggestions.py": "French words matched in a caller's notes (data, not sentences)",
    "core/templatetags/vigie.py": "French elision of place names, applied only in French",
    "core/text.py": "French elision before a person's name and folding rules (letters, 'de ')",
}

#: French literals that are not shown to anyone as a sentence of Vigie: (file, start of literal).
NOT_SENTENCES: set[tuple[str, str]] = {
    # What an erased name becomes in the register: data, the same in every language.
    ("privacy/services.py", "Anonymisé"),
    # The demo's organisations and partners: data, like the demo register (housing/demo.py).
    ("housing/management/commands/seed_demo.py", "Occitanie Habitat (démo)"),
    ("housing/management/commands/seed_demo.py", "Habitat Voisin (démo)"),
    ("housing/management/commands/seed_demo.py", "L'Amandier, centre de médiation"),
    ("housing/management/commands/seed_demo.py", "Régie de quartier Bagatelle"),
    ("housing/management/commands/seed_demo.py", "du lundi au vendredi"),
}


def _french_literals(path, relative: str) -> list[tuple[int, str]]:
    """(line, text) of each French str literal or f-string of a module outside gettext calls,
    log calls and docstrings."""
    import ast

    tree = ast.parse(path.read_text(encoding="utf-8"))
    skip: set[int] = set()  # ids of nodes whose strings are allowed

    def call_name(node: ast.Call) -> str:
        func = node.func
        return func.id if isinstance(func, ast.Name) else getattr(func, "attr", "")

    for node in ast.walk(tree):
        if isinstance(node, ast.Call):
            name = call_name(node)
            is_log = (
                isinstance(node.func, ast.Attribute)
                and name in LOG_METHODS
                and "log" in ast.unparse(node.func.value).lower()
            )
            if name in GETTEXT_CALLS or is_log:
                for child in [*node.args, *(k.value for k in node.keywords)]:
                    skip.update(id(n) for n in ast.walk(child))
            for keyword in node.keywords:
                if keyword.arg in OPENAPI_KEYWORDS:
                    skip.update(id(n) for n in ast.walk(keyword.value))
        if isinstance(node, (ast.Module, ast.ClassDef, ast.FunctionDef, ast.AsyncFunctionDef)):
            body = node.body
            if body and isinstance(body[0], ast.Expr) and isinstance(body[0].value, ast.Constant):
                skip.add(id(body[0].value))
    found = []
    for node in ast.walk(tree):
        if id(node) in skip:
            continue
        if isinstance(node, ast.JoinedStr):
            skip.update(id(n) for n in ast.walk(node))
            text = "".join(v.value if isinstance(v, ast.Constant) else "{…}" for v in node.values)
        elif isinstance(node, ast.Constant) and isinstance(node.value, str):
            text = node.value
        else:
            continue
        if IDENTIFIER.match(text):
            continue  # a key, a slug, a URL part ("le", "bail", "journal-des-acces/")
        if FRENCH.search(text) and not any(
            relative == f and text.startswith(start) for f, start in NOT_SENTENCES
        ):
            found.append((node.lineno, text))
    return sorted(found)


def test_no_french_sentence_in_python_escapes_gettext():
    """Every French literal of the Python source goes through gettext (`_("… %(x)s") % {…}`):
    flash messages, DomainError sentences, API errors, form errors, command output.

    Not literals, so not checked: comments; docstrings; log messages (never shown, and in
    English). Tests, migrations, settings and the benchmark are outside the interface.
    """
    root = settings.LOCALE_PATHS[0].parent  # the vigie package
    offenders = []
    for path in sorted(root.rglob("*.py")):
        relative = path.relative_to(root).as_posix()
        parts = relative.split("/")
        if "tests" in parts or "migrations" in parts or parts[0] in {"settings.py", "bench"}:
            continue
        if parts[-1] == "conftest.py" or relative == "browser.py":  # test fixtures and helpers
            continue
        if relative in OWNED_ELSEWHERE or relative in DATA_FILES:
            continue
        offenders += [
            f"  vigie/{relative}:{line}: {text[:90]!r}"
            for line, text in _french_literals(path, relative)
        ]
    assert not offenders, (
        f"{len(offenders)} French literal(s) outside gettext — wrap them in _() with named "
        "parameters, or name them in NOT_SENTENCES if no one ever reads them:\n"
        + "\n".join(offenders)
    )


def test_every_command_of_vigie_prints_its_help():
    """Command help is a lazy translation (`gettext_lazy`): argparse wants a str, which
    `TranslatedCommand` gives it. `vigie <command> --help` must work for each command."""
    from django.core.management import get_commands, load_command_class

    ours = {name: app for name, app in get_commands().items() if app.startswith("vigie")}
    assert len(ours) > 10
    for name, app in ours.items():
        command = load_command_class(app, name)
        help_text = command.create_parser("vigie", name).format_help()
        assert str(command.help).split()[0] in help_text, name
