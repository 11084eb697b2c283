"""Every page of every persona, in Chromium at 1366×900 and 1024×768 (issue #12, "Done when").

For each persona of the shared world (core/tests/world.py, modules' personas included) and each
page of the URLconf it may open (walked as core/tests/test_matrix.py walks it, with its PARAMS):

- no horizontal scroll: `document.documentElement.scrollWidth <= clientWidth`, at both sizes,
  and the header on one row (the menu's overflow goes under "Plus");
- no raw code in what the page shows (RAW_CODES below: snake_case identifiers, dotted model
  labels or permission/journal codes such as `actions.referral 2` or `referral.view`, a
  decimal point, "bail(s)" plurals, an empty list shown as an item, "1. Aucun événement");
- no link of the menu that answers 403 to that persona.

And the caller console: the result buttons and "Enregistrer" are visible without scrolling at
both sizes. One browser, one page reused, each URL loaded once and measured at both sizes.
"""

from __future__ import annotations

import re
from functools import lru_cache
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.contrib.auth import get_user_model
from django.test import Client

from vigie.browser import browser_page
from vigie.core.permissions import ANY_SIGNED_IN, Role, role_has
from vigie.core.tests.test_matrix import SIGNS_OUT, campaign_for, declared, fill, pages
from vigie.core.tests.world import PERSONAS, build_world, persona

SIZES = ((1366, 900), (1024, 768))
HEADER_ONE_ROW = 64  # px: the header's bar is one row (its menu overflows into "Plus")

# What a page must never show a user (checked on its visible text, e-mail addresses, web
# addresses and <code>/<kbd>/<samp>/<pre> taken out: those show what a user types or a file holds).
RAW_CODES = {
    # adults_min, follow_up, actions_report: French words never hold an underscore.
    # (A column of the landlord's import file is named as the file names it: "colonne date_naissance".)
    "snake_case identifier": re.compile(
        r"(?<![\w@./:-])(?<!colonne )(?<!colonnes )[a-z][a-z0-9]*(?:_[a-z0-9]+)+(?![\w@/-])"
    ),
    # actions.referral, referral.view, campaign.script_set: a dotted lower-case code. A file
    # name a user gave (photo.png on a ticket) is their words, not a code.
    "dotted code": re.compile(
        r"(?<![\w@./-])[a-z]{2,}(?:_[a-z]+)*\.(?!(?:png|jpe?g|webp|pdf|csv|xlsx|ics)\b)"
        r"[a-z]{2,}(?:_[a-z]+)*(?![\w@/-])"
    ),
    # 1.3 in French is 1,3 (dates are dd/mm/yyyy, so no date matches).
    "decimal point": re.compile(r"(?<![\w.,/:-])\d+\.\d+(?![\w.])"),
    # "bail(s) créé(s)": ngettext says it.
    "(s) plural": re.compile(r"\w\((?:s|x|es|e)\)"),
    # +33561000001: a phone is shown the French way (05 61 00 00 01, core.phones).
    "phone in E.164": re.compile(r"\+33\d{9}\b"),
}

# The page's visible text, the header's signed-in name aside (a username is data, not a code).
PAGE_STATE = """async () => {
  window.dispatchEvent(new Event("resize"));
  await new Promise(r => requestAnimationFrame(() => requestAnimationFrame(r)));
  const skip = "script, style, code, kbd, samp, pre, header.top .who, [hidden]";
  const parts = [];
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  for (let n = walker.nextNode(); n; n = walker.nextNode()) {
    const el = n.parentElement;
    if (!el || el.closest(skip)) continue;
    if (!el.closest("select") && !el.checkVisibility({visibilityProperty: true})) continue;
    parts.push(n.textContent);
  }
  const emptyLists = [...document.querySelectorAll("ol, ul:not(nav ul)")].filter(ol =>
    ol.children.length === 1 && /^\\s*(Aucun|Aucune|Pas de|Rien)/.test(ol.children[0].textContent)
  ).map(ol => ol.textContent.trim().slice(0, 60));
  const de = document.documentElement;
  const bar = document.querySelector("header.top .bar");
  return {
    scrollWidth: de.scrollWidth, clientWidth: de.clientWidth,
    headerHeight: bar ? bar.getBoundingClientRect().height : 0,
    text: parts.join(" ").replace(/\\s+/g, " "),
    menu: [...document.querySelectorAll("nav.mainnav a[href]")].map(a => a.getAttribute("href")),
    emptyLists,
  };
}"""

STRIP = re.compile(r"\S+@\S+|https?://\S+")

# A lower-case word standing alone (not in a path, an address, a hyphenated name).
WORD = re.compile(r"(?<![\w@./:-])[a-z]{3,}(?![\w@/-])")
# Messages that name codes on purpose, for an API or command-line user ("Statut inconnu « x »
# (attendu : open ou closed)", "--discipline … rôle mediator"): not a source of French words.
_NAMES_CODES = re.compile(r"inconnu|--|vigie \w")


@lru_cache(maxsize=1)
def choice_codes() -> frozenset[str]:
    """The models' choice values a page shows by their label, never as they are: "mediator"
    (a discipline), "open", "running", "lawyer"… A value that is a French word Vigie writes
    anyway (in a choice's label or a message: "joint", "distribution") is not one."""
    import polib
    from django.apps import apps

    def words(text: str) -> set[str]:
        text = re.sub(r"%\(\w+\)[sd]|\{\{.*?\}\}|\{%.*?%\}", " ", text)
        return set(re.findall(r"[a-zà-ÿœ]+", text.lower()))

    french: set[str] = set()
    values: set[str] = set()
    for model in apps.get_models():
        if not model.__module__.startswith("vigie."):
            continue
        for field in model._meta.get_fields():
            for value, label in getattr(field, "choices", None) or ():
                french |= words(str(label))
                if isinstance(value, str) and re.fullmatch(r"[a-z]{3,}", value):
                    if value != str(label).strip().lower():
                        values.add(value)
    root = Path(settings.BASE_DIR)
    for po in root.glob("**/locale/en/LC_MESSAGES/django.po"):
        for entry in polib.pofile(str(po)):
            for msgid in (entry.msgid, entry.msgid_plural):
                if msgid and not _NAMES_CODES.search(msgid):
                    french |= words(msgid)
    return frozenset(values - french)


def raw_codes(
    text: str, choices: frozenset[str] = frozenset(), data: frozenset[str] = frozenset()
) -> list[str]:
    """The codes in `text`; with `choices` (choice_codes()), a choice value shown as it is too,
    unless it is one of the page's own `data` (a username such as "mediator")."""
    text = STRIP.sub(" ", text)
    found = []
    for what, pattern in RAW_CODES.items():
        for m in pattern.finditer(text):
            start = max(0, m.start() - 30)
            found.append(f"{what} «{m.group(0)}» in …{text[start : m.end() + 30]}…")
    for m in WORD.finditer(text):
        if m.group(0) in choices and m.group(0) not in data:
            start = max(0, m.start() - 30)
            found.append(f"choice code «{m.group(0)}» in …{text[start : m.end() + 30]}…")
    return found


def session_cookie(user: Any, base_url: str) -> dict:
    client = Client()
    client.force_login(user)
    return {
        "name": settings.SESSION_COOKIE_NAME,
        "value": client.cookies[settings.SESSION_COOKIE_NAME].value,
        "url": base_url,
    }


def readable_pages(world: Any, user: Any) -> list[str]:
    """The URLs of the pages `user` may open (GET), on their own landlord's objects."""
    urls = []
    for route, namespace, name, view in pages():
        perm = declared(view)
        if perm is None or name in SIGNS_OUT:
            continue
        if not (perm == ANY_SIGNED_IN or any(role_has(r, perm) for r in user.roles())):
            continue
        url = fill(route, namespace, name, world.a, user)
        if url is not None and url not in urls:
            urls.append(url)
    return urls


def check_more_menu(page: Any, where: str, failures: list[str]) -> bool:
    """When the menu overflows, "Plus" opens on the entries that did not fit, and they can be
    followed; False when this page's menu fits (try again on another page)."""
    more = page.locator("details.mainnav-more")
    if more.count() == 0 or not more.is_visible():
        return False
    more.locator("summary").click()
    links = more.locator(".mainnav-overflow a")
    if links.count() == 0 or not links.first.is_visible():
        failures.append(f"{where}: 'Plus' opens on nothing")
    page.keyboard.press("Escape")
    if more.evaluate("d => d.open"):
        failures.append(f"{where}: Escape does not close 'Plus'")
    return True


def sign_in_as(page: Any, user: Any, base_url: str) -> None:
    page.context.clear_cookies()
    page.context.add_cookies([session_cookie(user, base_url)])


@pytest.mark.django_db(transaction=True)
def test_every_page_of_every_persona_fits_and_shows_no_raw_code(live_server):
    world = build_world()
    failures: list[str] = []
    visited = 0
    choices = choice_codes()
    # Usernames are data ("mediator" is a persona's username as well as a discipline's code).
    usernames = frozenset(get_user_model().objects.values_list("username", flat=True))
    overflowing = []  # personas whose menu went under "Plus" at 1024 px
    with browser_page() as page:
        for role in PERSONAS:
            user = persona(world, role)
            sign_in_as(page, user, live_server.url)
            client = Client()
            client.force_login(user)
            menu_status: dict[str, int] = {}
            more_checked = False
            for url in readable_pages(world, user):
                try:
                    response = page.goto(live_server.url + url)
                except Exception as exc:  # a file download (CSV, XLSX, PDF): not a page
                    if "Download is starting" in str(exc):
                        continue
                    raise
                if response is None or response.status != 200:
                    continue  # a POST-only route (405) or a refusal: the matrix checks those
                if "text/html" not in (response.headers.get("content-type") or ""):
                    continue
                visited += 1
                shown = page.url.removeprefix(live_server.url)
                for width, height in SIZES:
                    page.set_viewport_size({"width": width, "height": height})
                    state = page.evaluate(PAGE_STATE)
                    where = f"{role} {shown} at {width}×{height}"
                    if state["scrollWidth"] > state["clientWidth"]:
                        failures.append(
                            f"{where}: horizontal scroll ({state['scrollWidth']} > "
                            f"{state['clientWidth']} px)"
                        )
                    if state["headerHeight"] > HEADER_ONE_ROW:
                        failures.append(f"{where}: the header wraps ({state['headerHeight']} px)")
                    if width == SIZES[0][0]:
                        failures += [
                            f"{role} {shown}: {r}"
                            for r in raw_codes(state["text"], choices, usernames)
                        ]
                        failures += [
                            f"{role} {shown}: an empty list shown as its item: {e}"
                            for e in state["emptyLists"]
                        ]
                    if width == SIZES[1][0] and not more_checked:
                        more_checked = check_more_menu(page, f"{role} {shown}", failures)
                        if more_checked:
                            overflowing.append(role)
                    for href in state["menu"]:
                        if href not in menu_status:
                            menu_status[href] = client.get(href).status_code
                        if menu_status[href] == 403:
                            failures.append(f"{where}: the menu links to {href}, a 403")
    assert visited > 50, f"only {visited} pages visited"
    assert overflowing, "no menu overflowed at 1024 px: the 'Plus' menu went untested"
    assert not failures, f"{len(failures)} problems:\n" + "\n".join(dict.fromkeys(failures))


@pytest.mark.django_db(transaction=True)
def test_the_console_result_buttons_are_visible_without_scrolling(live_server):
    world = build_world()
    caller = persona(world, Role.CALLER)
    campaign = campaign_for(world.a, caller)
    failures = []
    with browser_page() as page:
        sign_in_as(page, caller, live_server.url)
        page.set_viewport_size({"width": SIZES[0][0], "height": SIZES[0][1]})
        page.goto(f"{live_server.url}/campagnes/{campaign.pk}/console/")
        page.locator("#next-call").click()
        page.locator("#call-form").wait_for()
        for width, height in SIZES:
            page.set_viewport_size({"width": width, "height": height})
            page.evaluate("window.scrollTo(0, 0)")
            for what, selector in (
                ("the result buttons", "fieldset.outcomes"),
                ("the save button", "#save-call"),
            ):
                box = page.locator(selector).bounding_box()
                if box is None or box["y"] < 0 or box["y"] + box["height"] > height:
                    failures.append(f"{what} at {width}×{height}: {box}")
    assert not failures, failures


@pytest.mark.parametrize(
    "text",
    [
        "adults_min = 1 · adults_max = 1",
        "Consultation de actions.referral 2",
        "Permission referral.view",
        "campaign.script_set",
        "1.3 appels par ménage",
        "5 bail(s) créé(s)",
        "Statut : follow_up",
        "Jeanne — +33561000001",
    ],
)
def test_a_raw_code_is_caught(text):
    assert raw_codes(text), text


@pytest.mark.parametrize(
    "text",
    [
        "Praticien·nes paula mediator",  # the demo's mediation case page
        "avocat lawyer",
        "Statut : running",
        "notes : legal, medical",
    ],
)
def test_a_choice_shown_by_its_code_is_caught(text):
    assert raw_codes(text, choice_codes()), text


@pytest.mark.parametrize(
    "text",
    [
        "Médiation n° 3 — en cours, médiateur·rice, avocat·e",
        "conjoint·e, joint, une application, la distribution",
        "/mediation/3/ · marc@example.org",
        "Affecté à mediator",  # a username (data) that is also a code
    ],
)
def test_a_french_page_is_not_taken_for_choice_codes(text):
    assert not raw_codes(text, choice_codes(), frozenset({"mediator"})), raw_codes(
        text, choice_codes(), frozenset({"mediator"})
    )


@pytest.mark.parametrize(
    "text",
    [
        "Créer le CCAS d'Albi",
        "M. Dupont, bât. A, esc. 2",
        "05 61 00 00 00 — 12/03/2026 à 10:30",
        "Écrire à jean.dupont@example.org ou voir https://vigie.example.org/aide",
        "1 234,5 ménages, 1,3 appel en moyenne, etc.",
        "Page 1 sur 3 — REF-QXALPHA-1",
        "Responsable de campagne · chargé·e de veille",
        "ligne 5, colonne date_naissance : « 31/02/1950 » n'est pas une date valide",
        "Photos et documents : photo.png, 40 octets · devis.pdf",
    ],
)
def test_french_text_is_not_taken_for_a_raw_code(text):
    assert not raw_codes(text), raw_codes(text)
