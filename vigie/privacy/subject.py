"""What other apps hold on a person: each app registers how to export it and how to erase it.

- `@exporter`: `fn(occupant) -> dict` — a section of the person's data export (only data about
  that person's household, never other households').
- `@eraser`: `fn(household) -> int` — wipes free text and health details held on a household by
  that app (call notes, needs' details…), when no identifiable adult is left in it.
"""

from __future__ import annotations

from collections.abc import Callable

EXPORTERS: dict[str, Callable] = {}
ERASERS: dict[str, Callable] = {}


def exporter(name: str):
    def decorator(fn):
        EXPORTERS[name] = fn
        return fn

    return decorator


def eraser(name: str):
    def decorator(fn):
        ERASERS[name] = fn
        return fn

    return decorator
