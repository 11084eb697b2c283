"""Retention rules, one per kind of record; `vigie purge` runs them all (daily, as a task).

Each app registers its rules with `@rule(name)`. A rule receives the cut-off date computed from
`settings.VIGIE_RETENTION_DAYS[name]` and whether to only count, and returns how many records
it removed (or would remove).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

RULES: dict[str, tuple[str, Callable[[datetime, bool], int]]] = {}


def rule(name: str, label: str):
    def decorator(fn):
        RULES[name] = (label, fn)
        return fn

    return decorator


def purge(*, dry_run: bool = False, now: datetime | None = None) -> dict[str, int]:
    """Apply every retention rule; returns {rule: records removed (or that would be)}."""
    from vigie.core.services import audit_log

    now = now or timezone.now()
    report = {}
    with transaction.atomic():
        for name, (_label, fn) in RULES.items():
            days = settings.VIGIE_RETENTION_DAYS[name]
            report[name] = fn(now - timedelta(days=days), dry_run)
        if not dry_run:
            audit_log(actor=None, action="retention.purged", payload=report)
    return report


@rule("access_log", "journal des accès (12 mois)")
def _access_log(cutoff: datetime, dry_run: bool) -> int:
    from vigie.core.models import AccessLog

    qs = AccessLog.objects.filter(at__lt=cutoff)
    # The only deletion of the access log the application makes (the model refuses updates).
    return qs.count() if dry_run else qs.delete()[0]


@rule("import_runs", "comptes rendus d'import (leurs erreurs citent des valeurs)")
def _import_runs(cutoff: datetime, dry_run: bool) -> int:
    from vigie.housing.models import ImportRun

    qs = ImportRun.objects.filter(started_at__lt=cutoff)
    return qs.count() if dry_run else qs.delete()[0]


@rule("departed_households", "ménages partis (2 ans après le départ)")
def _departed_households(cutoff: datetime, dry_run: bool) -> int:
    """Erase the occupants of households that left more than the period ago."""
    from vigie.housing.models import Household
    from vigie.privacy.services import household_erase_occupants

    day = cutoff.date()
    qs = Household.objects.filter(anonymised_on__isnull=True).filter(
        Q(departed_on__lt=day) | Q(end_date__lt=day)
    )
    if dry_run:
        return qs.count()
    n = 0
    for household in qs.iterator(chunk_size=500):
        household_erase_occupants(household=household, actor=None, reason="retention")
        n += 1
    return n
