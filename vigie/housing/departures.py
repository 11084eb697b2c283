"""What else must happen when a full import marks households departed: other apps register.

A handler is `fn(*, household_ids: list[int], run, actor, now) -> None`. The import calls the
handlers inside its transaction, before it writes the households, so that the departure and its
consequences commit together (the campaigns app takes the households out of every call queue).
`housing` does not import the apps built on it: they register here from their AppConfig.ready.
"""

from __future__ import annotations

from collections.abc import Callable

_HANDLERS: list[Callable] = []


def register_departure_handler(fn: Callable) -> Callable:
    if fn not in _HANDLERS:
        _HANDLERS.append(fn)
    return fn


def households_departing(*, household_ids: list[int], run, actor, now) -> None:
    """Tell every registered app that these households are being marked departed by `run`."""
    if not household_ids:
        return
    for handler in _HANDLERS:
        handler(household_ids=household_ids, run=run, actor=actor, now=now)
