"""The home page, declared by the apps (issue #11 §3): where each role lands, and the cards.

- **Landings** (`register_landing`): `fn(user) -> url name | None`, asked in `order`; the first
  that answers sends the user there when they open Vigie (a caller with a running campaign →
  the campaigns, a partner worker → the referrals sent to them…).
- **Cards** (`register_card`): shown on the welcome page to a user who lands nowhere else and
  holds the card's permission. `context(request) -> dict | None` gives the card's template its
  context (None hides the card, e.g. nothing to show).

Core imports no app for either: each app declares its own in its `home.py`, imported from its
`AppConfig.ready()`.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from vigie.core.permissions import ANY_SIGNED_IN
from vigie.core.registry import Registry


@dataclass(frozen=True)
class Landing:
    key: str
    where: Callable[[Any], str | None]
    order: int


@dataclass(frozen=True)
class Card:
    key: str
    title: Any  # a lazy gettext string
    template: str
    perm: str
    context: Callable[[Any], dict | None]
    order: int


LANDINGS: Registry[Landing] = Registry("landing")
CARDS: Registry[Card] = Registry("dashboard card")


def register_landing(key: str, where: Callable[[Any], str | None], *, order: int = 100) -> None:
    LANDINGS.add(key, Landing(key=key, where=where, order=order))


def register_card(
    key: str,
    *,
    title: Any,
    template: str,
    perm: str,
    context: Callable[[Any], dict | None] = lambda request: {},
    order: int = 100,
) -> Card:
    return CARDS.add(
        key,
        Card(key=key, title=title, template=template, perm=perm, context=context, order=order),
    )


def landing_for(user: Any) -> str | None:
    for landing in LANDINGS.ordered():
        where = landing.where(user)
        if where:
            return where
    return None


def cards_for(request: Any) -> list[dict[str, Any]]:
    """The cards `request.user` may see, in order: `[{key, title, template, context}]`."""
    shown = []
    for card in CARDS.ordered():
        if card.perm != ANY_SIGNED_IN and not request.user.has_org_perm(card.perm):
            continue
        context = card.context(request)
        if context is None:
            continue
        shown.append(
            {"key": card.key, "title": card.title, "template": card.template, "context": context}
        )
    return shown
