"""What other apps hold on a person: each app registers how to export it and how to erase it.

- `@exporter(name)`: `fn(occupant) -> dict` — a section of the person's data export (only
  data about that person's household, never other households');
- `@eraser(name)`: `fn(household) -> int` — wipes free text and health details held on a
  household by that app (call notes, needs' details…), when no identifiable adult is left in it.

Both are registries (`core/registry.py`) filled from the app's own `privacy.py`, imported from
its `AppConfig.ready()`; `privacy.services` runs every entry, and names none.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from vigie.core.registry import Registry

EXPORTERS: Registry[Callable[[Any], dict]] = Registry("subject exporter")
ERASERS: Registry[Callable[[Any], int]] = Registry("subject eraser")


def exporter(name: str) -> Callable:
    return EXPORTERS.decorator(name)


def eraser(name: str) -> Callable:
    return ERASERS.decorator(name)
