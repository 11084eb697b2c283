from django import template
from django.utils import timezone

from vigie.core.phones import format_phone
from vigie.core.text import floor_label, floor_short, of_person

register = template.Library()


@register.filter
def phone_fr(value: str) -> str:
    """Show a stored E.164 phone number the French way: 05 61 00 00 00."""
    return format_phone(value)


@register.filter
def tel_href(value: str) -> str:
    return "tel:" + (value or "").replace(" ", "")


@register.filter
def age_on(birth_date, day=None):
    if not birth_date:
        return ""
    day = day or timezone.localdate()
    return day.year - birth_date.year - ((day.month, day.day) < (birth_date.month, birth_date.day))


@register.simple_tag(takes_context=True)
def query_replace(context, **kwargs):
    """The current query string with some parameters replaced (for pagination links)."""
    params = context["request"].GET.copy()
    for key, value in kwargs.items():
        if value in (None, ""):
            params.pop(key, None)
        else:
            params[key] = value
    return params.urlencode()


@register.filter
def get_item(mapping, key):
    return mapping.get(key, key) if hasattr(mapping, "get") else ""


@register.filter
def de(name: str) -> str:
    """French "de" before a place name: "de Toulouse", "d'Albi", "du Havre", "des Ulis".
    In another language, the name as it is (the sentence around it says "of", "for"…).
    The elision itself is core.text.of_person's; a place adds the articles "Le"/"Les"."""
    from django.utils.translation import get_language

    name = (name or "").strip()
    if (get_language() or "fr").startswith("fr"):
        if name.startswith("Le "):
            return "du " + name[3:]
        if name.startswith("Les "):
            return "des " + name[4:]
    return of_person(name)


# --- The design kit (docs/design.md) ---------------------------------------------------------


@register.simple_tag
def icon(name: str, label: str = "", cls: str = ""):
    """An icon of the vendored sprite (static/vigie/icons.svg): decorative unless `label`."""
    from django.templatetags.static import static
    from django.utils.html import format_html

    href = f"{static('vigie/icons.svg')}#i-{name}"
    if label:
        return format_html(
            '<svg class="icon {}" role="img" aria-label="{}" focusable="false"><use href="{}"></use></svg>',
            cls,
            label,
            href,
        )
    return format_html(
        '<svg class="icon {}" aria-hidden="true" focusable="false"><use href="{}"></use></svg>',
        cls,
        href,
    )


@register.inclusion_tag("includes/status.html")
def status_badge(code: str, label: str, id: str = ""):
    """A status as a coloured badge: `{% status_badge r.status r.get_status_display %}`; the
    colour comes from the code (`.tag.status-<code>` in vigie.css)."""
    return {"code": code, "label": label, "id": id}


@register.inclusion_tag("includes/th_sort.html", takes_context=True)
def sort_th(context, key: str, label: str, cls: str = ""):
    """A sortable column header for a view that orders with `core.ordering.order_by_param`:
    a link that sorts by `key` (again: the other way), and `aria-sort` on the current one."""
    current = context.get("ordering") or ""
    params = context["request"].GET.copy()
    params.pop("page", None)
    if current == key:
        direction, params["o"] = "ascending", "-" + key
    elif current == "-" + key:
        direction, params["o"] = "descending", key
    else:
        direction, params["o"] = "", key
    return {"label": label, "direction": direction, "query": params.urlencode(), "cls": cls}


@register.filter
def decimal_fr(value, places: int = 1) -> str:
    """A number with the decimal comma in French ("1,3"), the point in English."""
    from django.utils.formats import number_format

    if value in (None, ""):
        return ""
    return number_format(value, decimal_pos=int(places), use_l10n=True)


@register.filter
def floor_fr(value) -> str:
    """A floor in words: "rez-de-chaussée", "1er étage", "3e étage" (core.text.floor_label)."""
    return floor_label(str(value or ""))


@register.filter
def floor_col(value) -> str:
    """A floor in a table's "Étage" column: "RDC", "1er", "3e" (core.text.floor_short)."""
    return floor_short(str(value or ""))


@register.filter(name="of_person")
def of_person_filter(name) -> str:
    """French "de"/"d'" before a person's name: "d'Émilie Durand" (core.text.of_person)."""
    return of_person(str(name or ""))


@register.filter
def holds(user, perm: str) -> bool:
    """Whether `user` holds `perm` in at least one organisation — for a link to a page that
    would answer 403 otherwise: `{% if request.user|holds:"alert.view" %}<a …>{% endif %}`."""
    return bool(getattr(user, "is_authenticated", False) and user.has_org_perm(perm))


@register.filter
def number_fr(value):
    """A count or a figure with the thousands grouped as the language writes them ("1 500" in
    French, "1,500" in English, like `intcomma`); text ("< 11", "—") is left as it is."""
    from decimal import Decimal

    from django.utils.formats import number_format

    if isinstance(value, bool) or not isinstance(value, (int, float, Decimal)):
        return value
    return number_format(value, use_l10n=True, force_grouping=True)
