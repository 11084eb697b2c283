from django import template
from django.utils import timezone

from vigie.core.phones import format_phone

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


_VOWELS = tuple("AEIOUYÂÀÉÈÊËÎÏÔÛÙÜŸŒ")


@register.filter
def de(name: str) -> str:
    """French "de" before a place name: "de Toulouse", "d'Albi", "du Havre", "des Ulis".
    In another language, the name as it is (the sentence around it says "of", "for"…)."""
    from django.utils.translation import get_language

    name = (name or "").strip()
    if not (get_language() or "fr").startswith("fr"):
        return name
    if name.startswith("Le "):
        return "du " + name[3:]
    if name.startswith("Les "):
        return "des " + name[4:]
    if name[:1].upper() in _VOWELS or name.upper().startswith(_VOWELS):
        return "d'" + name
    return "de " + name
