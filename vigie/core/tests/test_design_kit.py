"""The design kit's promises that need no browser (docs/design.md, docs/decisions/0017):
badges and buttons readable (contrast AA), every icon a page asks for exists in the vendored
sprite, sortable lists, form fields with their error next to them, the header's language
switch as two buttons."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from django import forms
from django.conf import settings
from django.template import Context, Template
from django.test import RequestFactory
from django.urls import reverse

from vigie.core import menu
from vigie.core.models import Organisation
from vigie.core.ordering import order_by_param

STATIC = Path(settings.BASE_DIR) / "static" / "vigie"
CSS = (STATIC / "vigie.css").read_text()


def _luminance(hex_colour: str) -> float:
    rgb = [int(hex_colour[i : i + 2], 16) / 255 for i in (1, 3, 5)]
    lin = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in rgb]
    return 0.2126 * lin[0] + 0.7152 * lin[1] + 0.0722 * lin[2]


def contrast(a: str, b: str) -> float:
    hi, lo = sorted((_luminance(a), _luminance(b)), reverse=True)
    return (hi + 0.05) / (lo + 0.05)


def token(name: str) -> str:
    return re.search(rf"--{name}:\s*(#[0-9a-fA-F]{{6}})", CSS).group(1)


@pytest.mark.parametrize("tone", ["ok", "warn", "bad", "info", "grey", "violet"])
def test_each_badge_reads_at_aa_contrast(tone):
    """A badge's word on its tinted background, and the tone on a white card (WCAG 1.4.3)."""
    assert contrast(token(tone), token(f"{tone}-soft")) >= 4.5
    assert contrast(token(tone), "#ffffff") >= 4.5


@pytest.mark.parametrize("background", ["brand", "ok", "bad", "top"])
def test_white_on_buttons_and_header_reads_at_aa_contrast(background):
    assert contrast("#ffffff", token(background)) >= 4.5


def test_muted_text_reads_at_aa_contrast_on_cards_and_page():
    assert contrast(token("muted"), token("card")) >= 4.5
    assert contrast(token("muted"), token("bg")) >= 4.5


def test_every_status_code_has_a_colour():
    """A status badge's colour comes from its code: each status of every machine has one."""
    from vigie.actions.choices import ReferralStatus, TaskStatus, TicketStatus
    from vigie.campaigns.choices import CampaignStatus, TargetStatus

    codes = {
        c
        for choices in (ReferralStatus, TaskStatus, TicketStatus, CampaignStatus, TargetStatus)
        for c in choices.values
    }
    missing = sorted(c for c in codes if f".tag.status-{c}" not in CSS)
    assert not missing, missing


def _status_fields():
    """(model, field) for every model's `status` field with choices, modules' included."""
    from django.apps import apps

    for model in apps.get_models():
        if not model.__module__.startswith("vigie."):
            continue  # django-tasks' own statuses are never shown
        for field in model._meta.get_fields():
            if field.name == "status" and getattr(field, "choices", None):
                yield model, field


def _colour_families() -> dict[str, str]:
    """Status code → its colour (the CSS variable its `.tag.status-<code>` rule paints with)."""
    families = {}
    for selectors, body in re.findall(r"([^{}]*\.tag\.status-[^{}]*)\{([^}]*)\}", CSS):
        colour = re.search(r"(?<![-\w])color:\s*var\(--([\w-]+)\)", body)
        for code in re.findall(r"\.tag\.status-([\w-]+)", selectors):
            families[code] = colour.group(1) if colour else "info"
    return families


def test_every_modules_status_has_a_colour_and_one_word_one_colour():
    """Every status of every module (mediation, food aid, projects, alerts… not only the
    campaigns') has its colour, and a status word means one colour everywhere: "en cours" was
    green for campaigns but blue for mediation cases and projects (docs/guide/se-reperer.md:
    green = en cours)."""
    families = _colour_families()
    missing, by_word = [], {}
    for model, field in _status_fields():
        for code, label in field.choices:
            if code not in families:
                missing.append(f"{model._meta.label}.status {code}")
                continue
            if model._meta.label != "campaigns.CampaignBuild":  # a progress card, no badge
                by_word.setdefault(str(label).lower(), {})[code] = families[code]
    assert not missing, missing
    mixed = {w: f for w, f in by_word.items() if len(set(f.values())) > 1}
    assert not mixed, mixed
    assert families["in_progress"] == families["running"] == "ok"


def test_no_template_shows_a_status_word_in_a_plain_badge():
    """A status is shown with `{% status_badge %}` (its colour from its code), never in a
    plain `<span class="tag">` that paints every status blue."""
    root = Path(settings.BASE_DIR)
    plain = re.compile(r'<span class="tag[^"]*"[^>]*>\s*{{\s*[\w.]+\.get_status_display\s*}}')
    found = [
        f"{html.relative_to(root)}: {m.group(0)}"
        for html in root.rglob("*.html")
        for m in plain.finditer(html.read_text())
    ]
    assert not found, found


def _icons_used() -> set[str]:
    used = {e.icon for e in menu.MENU.values()}
    root = Path(settings.BASE_DIR)
    for html in root.rglob("*.html"):
        used |= set(re.findall(r"""{%\s*icon\s+["']([\w-]+)["']""", html.read_text()))
    return used


def test_every_icon_asked_for_is_in_the_vendored_sprite():
    sprite = (STATIC / "icons.svg").read_text()
    available = set(re.findall(r'<symbol id="i-([\w-]+)"', sprite))
    assert {"search", "logout", "menu-2", "inbox", "arrows-sort"} <= available
    assert not _icons_used() - available, _icons_used() - available


def test_the_sprite_is_served_by_vigie_and_loads_nothing_from_outside():
    sprite = (STATIC / "icons.svg").read_text()
    assert "http" not in sprite.replace('xmlns="http://www.w3.org/2000/svg"', "")
    for path in (STATIC / "vigie.css", STATIC / "vigie.js"):
        assert not re.search(r"https?://|@import|url\(\s*['\"]?//", path.read_text()), path


def test_the_icon_tag_is_decorative_unless_labelled():
    html = Template(
        '{% load vigie %}{% icon "search" %}|{% icon "logout" label="Sortir" %}'
    ).render(Context())
    plain, labelled = html.split("|")
    assert 'aria-hidden="true"' in plain and "icons.svg#i-search" in plain
    assert 'role="img"' in labelled and 'aria-label="Sortir"' in labelled


# --- Sortable lists ---------------------------------------------------------------------------


@pytest.mark.django_db
def test_a_list_sorts_by_a_declared_column_and_ignores_any_other():
    for name in ("Bravo", "Alpha", "Charlie"):
        Organisation.objects.create(slug=name.lower(), name=name)
    columns = {"name": ("name",)}
    qs = Organisation.objects.filter(slug__in=["alpha", "bravo", "charlie"])
    rf = RequestFactory()
    ordered, current = order_by_param(rf.get("/?o=-name"), qs, columns, default="name")
    assert current == "-name" and [o.name for o in ordered] == ["Charlie", "Bravo", "Alpha"]
    ordered, current = order_by_param(rf.get("/?o=password"), qs, columns, default="name")
    assert current == "name" and [o.name for o in ordered] == ["Alpha", "Bravo", "Charlie"]


def test_a_sortable_header_links_the_other_way_and_says_its_order():
    request = RequestFactory().get("/actions/signalements/?status=all&o=due&page=3")
    template = Template(
        '{% load vigie %}{% sort_th "due" "Échéance" %}{% sort_th "opened" "Ouvert" %}'
    )
    html = template.render(Context({"request": request, "ordering": "due"}))
    due, opened = html.split("</th>")[:2]
    assert 'aria-sort="ascending"' in due and "o=-due" in due and "status=all" in due
    assert "page=" not in due  # a new order starts at the first page
    assert "aria-sort" not in opened and "o=opened" in opened


@pytest.mark.django_db
def test_the_tickets_list_sorts_by_its_due_date(client, django_user_model):
    from vigie.core.permissions import Role
    from vigie.core.tests.world import build_world, persona

    world = build_world()
    client.force_login(persona(world, Role.AGENCY_STAFF))
    page = client.get(reverse("actions:tickets") + "?status=all&o=-due").content.decode()
    assert 'aria-sort="descending"' in page
    assert 'name="o" value="-due"' in page  # the filters keep the order


# --- Form fields ----------------------------------------------------------------------------


class _Form(forms.Form):
    phone = forms.CharField(label="Téléphone", help_text="10 chiffres")
    consent = forms.BooleanField(label="Accord")


def test_a_refused_field_shows_its_error_with_the_field():
    form = _Form(data={"phone": ""})
    html = str(form["phone"].as_field_group())
    assert html.strip().startswith('<div class="field has-error">')
    label, error, widget = (html.index("<label"), html.index("errorlist"), html.index("<input"))
    assert label < error < widget  # label, the error, then the input (GOV.UK order)
    assert 'aria-invalid="true"' in html


def test_the_language_switch_is_two_buttons_not_a_form_with_ok(client, django_user_model):
    page = client.get(reverse("accounts:login")).content.decode()
    switch = page.split('class="lang"')[1].split("</form>")[0]
    assert 'name="language" value="fr"' in switch and 'name="language" value="en"' in switch
    assert 'aria-pressed="true"' in switch and "<select" not in switch and ">OK<" not in switch


def test_tabs_mark_the_current_page_and_empty_states_say_it_in_words():
    tabs = [
        {"url": "/a/", "label": "Programme", "current": True, "icon": "basket"},
        {"url": "/b/", "label": "Distributions", "current": False},
    ]
    html = Template(
        '{% include "includes/tabs.html" with tabs=tabs label="Pages" %}'
        '{% include "includes/empty.html" with text="Aucun programme." action_url="/n/" action_label="Créer" %}'
    ).render(Context({"tabs": tabs}))
    assert '<nav class="tabs no-print" aria-label="Pages">' in html
    assert 'href="/a/" aria-current="page"' in html and 'href="/b/">' in html
    assert '<div class="empty">' in html and "<p>Aucun programme.</p>" in html
    assert 'class="btn secondary" href="/n/">Créer</a>' in html


def test_a_status_badge_carries_its_code_as_a_colour_and_its_word():
    html = Template('{% load vigie %}{% status_badge "declined" "refusée" id="s" %}').render(
        Context()
    )
    assert html.strip() == '<span class="tag status status-declined" id="s">refusée</span>'


def test_every_button_wears_a_kit_class():
    """A `<button>` is `.btn` (primary, secondary, ok, small…) or `.link`: the reports'
    "Afficher", "Filtrer", "Clore" were bare browser buttons. The header's own buttons (language,
    sign-out) are drawn by the header's rules."""
    root = Path(settings.BASE_DIR)
    bare = []
    for html in root.rglob("*.html"):
        if html.relative_to(root).as_posix() == "templates/base.html":
            continue
        for tag in re.findall(r"<button\b[^>]*>", html.read_text()):
            if not re.search(r'class="[^"]*\b(btn|link)\b', tag):
                bare.append(f"{html.relative_to(root)}: {tag}")
    assert not bare, bare


def test_number_fr_groups_thousands_the_french_way():
    from django.contrib.humanize.templatetags.humanize import intcomma
    from django.utils import translation

    from vigie.core.templatetags.vigie import number_fr

    with translation.override("fr"):
        assert number_fr(1500) == intcomma(1500) == "1\xa0500" and number_fr(12) == "12"
        assert number_fr("< 11") == "< 11" and number_fr(None) is None
    with translation.override("en"):
        assert number_fr(1500) == "1,500"


def test_every_menu_entry_has_its_own_icon():
    """Médiation, Projets, Demandes RGPD, the reports' entries showed the default dot."""
    dots = sorted(k for k, e in menu.MENU.items() if e.icon == "point")
    assert not dots, dots
