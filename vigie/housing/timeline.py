"""The household timeline: other apps register providers that add their entries.

A provider is `fn(user, household) -> list[TimelineEntry]`; it returns only what the user may see.

The journal (`core.AuditEvent`) adds the entries written about the household and its occupants,
each shown only to the roles allowed to read its code and always by its French label
(`core/journal.py`, issue #10 §3). The data-protection officer also reads the journal of the
records around the household — calls, needs, referrals, tickets, tasks — that an app declares
with `register_journal_subjects(fn)`, `fn(household) -> [(object_type, ids)]`: that is the
household's full history, which the DPO's own permissions do not reach through the providers.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise

from vigie.core.registry import Registry


@dataclass
class TimelineEntry:
    at: datetime
    kind: str  # "call", "need", "referral", "ticket", "task", "register", "journal"
    title: str
    detail: str = ""
    tags: Sequence[StrOrPromise] = field(default_factory=list)  # choice labels are lazy
    url: str = ""


# Keyed by the function's dotted name, so importing a module twice registers it once.
PROVIDERS: Registry[Callable[[Any, Any], list[TimelineEntry]]] = Registry("timeline provider")
JOURNAL_SUBJECTS: Registry[Callable[[Any], Iterable[tuple[str, Iterable[Any]]]]] = Registry(
    "timeline journal subjects"
)

JOURNAL_LIMIT = 100


def _name(fn: Callable) -> str:
    return f"{fn.__module__}.{fn.__qualname__}"


def register_provider(fn: Callable) -> Callable:
    """`@register_provider` on `fn(user, household) -> list[TimelineEntry]`, in the app's module."""
    PROVIDERS.remove(_name(fn))
    PROVIDERS.add(_name(fn), fn)
    return fn


def register_journal_subjects(fn: Callable) -> Callable:
    JOURNAL_SUBJECTS.remove(_name(fn))
    JOURNAL_SUBJECTS.add(_name(fn), fn)
    return fn


def journal_subjects_of(household) -> list[tuple[str, list]]:
    """The records around a household the apps declare: [(object_type, ids)]."""
    return [pair for subjects in JOURNAL_SUBJECTS.values() for pair in subjects(household)]


def journal_entries(user, household, limit: int = JOURNAL_LIMIT) -> list[TimelineEntry]:
    """The journal rows about the household that `user` may read, newest first, in French."""
    from django.db.models import Q

    from vigie.core import journal
    from vigie.core.models import AuditEvent
    from vigie.core.permissions import Perm

    org_id = household.organisation_id
    readable = [code for code in journal.codes() if journal.may_see(user, code, org_id)]
    if not readable:
        return []
    about = Q(object_type="housing.household", object_id=str(household.pk)) | Q(
        object_type="housing.occupant",
        object_id__in=[str(o.pk) for o in household.occupants.all()],
    )
    if user.has_org_perm(Perm.AUDIT_VIEW, org_id):
        for subjects in JOURNAL_SUBJECTS.values():
            for object_type, ids in subjects(household):
                about |= Q(object_type=object_type, object_id__in=[str(pk) for pk in ids])
    rows = (
        AuditEvent.objects.filter(about, organisation_id=org_id, action__in=readable)
        .select_related("actor")
        .order_by("-at", "-id")[:limit]
    )
    return [
        TimelineEntry(
            at=ev.at,
            kind="journal",
            title=journal.label_of(ev.action, ev.payload),
            tags=[ev.actor.username] if ev.actor else [],
        )
        for ev in rows
    ]


def timeline_entries(user, household) -> list[TimelineEntry]:
    entries: list[TimelineEntry] = []
    for provider in PROVIDERS.values():
        entries.extend(provider(user, household))
    entries.extend(journal_entries(user, household))
    entries.sort(key=lambda e: e.at, reverse=True)
    return entries
