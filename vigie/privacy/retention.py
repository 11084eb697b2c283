"""Retention rules, one per kind of record; `vigie purge` runs them all (daily, as a task).

Each app registers its rules in its own `privacy.py` with `@rule(name, label, days=…)`. A rule
receives the cut-off date — `settings.VIGIE_RETENTION_DAYS[name]` days ago when the deployment
sets it, else the rule's own `days` — and whether to only count, and returns how many records
it removed (or would remove). `RULES` is a registry (`core/registry.py`): this module runs
every entry and names none but its own.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy

from vigie.core.registry import Registry


@dataclass(frozen=True)
class RetentionRule:
    name: str
    label: Any
    fn: Callable[[datetime, bool], int]
    days: int | None

    def period_days(self) -> int:
        configured = settings.VIGIE_RETENTION_DAYS.get(self.name)
        if configured is None and self.days is None:
            raise ImproperlyConfigured(
                f"Retention rule {self.name!r}: no VIGIE_RETENTION_DAYS entry and no default days."
            )
        return int(configured if configured is not None else self.days)  # type: ignore[arg-type]


RULES: Registry[RetentionRule] = Registry("retention rule")


def rule(name: str, label: Any, *, days: int | None = None) -> Callable:
    """Register `fn(cutoff, dry_run) -> int`; `days` is the period when settings name none."""
    return RULES.decorator(name, lambda fn: RetentionRule(name=name, label=label, fn=fn, days=days))


def purge(*, dry_run: bool = False, now: datetime | None = None) -> dict[str, int]:
    """Apply every retention rule; returns {rule: records removed (or that would be)}."""
    from vigie.core.services import audit_log

    now = now or timezone.now()
    report = {}
    with transaction.atomic():
        for name, entry in RULES.items():
            report[name] = entry.fn(now - timedelta(days=entry.period_days()), dry_run)
        if not dry_run:
            audit_log(actor=None, action="retention.purged", payload=report)
    return report


@rule("access_log", gettext_lazy("journal des accès (12 mois)"))
def _access_log(cutoff: datetime, dry_run: bool) -> int:
    from vigie.core.models import AccessLog

    qs = AccessLog.objects.filter(at__lt=cutoff)
    # The only deletion of the access log the application makes (the model refuses updates).
    return qs.count() if dry_run else qs.delete()[0]


@rule("import_runs", gettext_lazy("comptes rendus d'import (leurs erreurs citent des valeurs)"))
def _import_runs(cutoff: datetime, dry_run: bool) -> int:
    from vigie.housing.models import ImportRun

    qs = ImportRun.objects.filter(started_at__lt=cutoff)
    return qs.count() if dry_run else qs.delete()[0]


@rule("departed_households", gettext_lazy("ménages partis (2 ans après le départ)"))
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
