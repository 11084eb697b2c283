"""The household timeline: other apps register providers that add their entries.

A provider is `fn(user, household) -> list[TimelineEntry]`; it returns only what the user may see.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime


@dataclass
class TimelineEntry:
    at: datetime
    kind: str  # "call", "need", "referral", "ticket", "task", "register"
    title: str
    detail: str = ""
    tags: list[str] = field(default_factory=list)
    url: str = ""


_PROVIDERS: list[Callable] = []


def register_provider(fn: Callable) -> Callable:
    _PROVIDERS.append(fn)
    return fn


def timeline_entries(user, household) -> list[TimelineEntry]:
    entries: list[TimelineEntry] = []
    for provider in _PROVIDERS:
        entries.extend(provider(user, household))
    entries.sort(key=lambda e: e.at, reverse=True)
    return entries
