"""The main menu, declared by the apps (issue #11 §3): core draws it, never lists it.

Each app declares its entries in its own `menu.py`, imported from its `AppConfig.ready()`:

    from vigie.core import menu
    menu.register("register", label=_("Registre"), url_name="housing:households",
                  perm=Perm.HOUSEHOLD_VIEW, order=10)

A user sees an entry only when they hold its permission in at least one organisation — the
same test `@requires` makes at the page's door, so no menu link leads to a 403
(`core/tests/test_menu.py` follows every link as every persona). `section` is what a page puts
in its context to mark its entry current (`aria-current`); it defaults to the key.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.urls import reverse

from vigie.core.permissions import ANY_SIGNED_IN
from vigie.core.registry import Registry


@dataclass(frozen=True)
class MenuEntry:
    key: str
    label: Any  # a lazy gettext string
    url_name: str
    perm: str
    order: int
    section: str
    icon: str = "point"  # a symbol of static/vigie/icons.svg (docs/design.md, "Icons")


MENU: Registry[MenuEntry] = Registry("menu entry")


def register(
    key: str,
    *,
    label: Any,
    url_name: str,
    perm: str,
    order: int = 100,
    section: str = "",
    icon: str = "point",
) -> MenuEntry:
    return MENU.add(
        key,
        MenuEntry(
            key=key,
            label=label,
            url_name=url_name,
            perm=perm,
            order=order,
            section=section or key,
            icon=icon,
        ),
    )


def entries_for(user: Any) -> list[dict[str, Any]]:
    """The user's menu, in order: `[{key, label, url, section, icon}]`."""
    return [
        {
            "key": e.key,
            "label": e.label,
            "url": reverse(e.url_name),
            "section": e.section,
            "icon": e.icon,
        }
        for e in MENU.ordered()
        if e.perm == ANY_SIGNED_IN or user.has_org_perm(e.perm)
    ]
