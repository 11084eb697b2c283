"""Indicators Vigie computes from what it knows (docs/decisions/0015-computed-indicators.md).

A computed indicator is a named function of the project's *perimeter* — plain ids and dates,
never a `Project` — returning a count:

    compute(*, organisation_id: int, residence_ids: list[int], building_ids: list[int],
            since: date | None, until: date) -> int

`residence_ids` are the project's residences (with those of its neighbourhood and of its
buildings); `building_ids` its buildings (a residence not listed whole counts only through
them: a record tied to a dwelling counts when its dwelling is in one of the residences, or in
one of the buildings). The count runs on the system's behalf (not through `visible_to`):
it never leaves as anything but a number, and funders read it through small-cell suppression.

Two ways to declare one:

1. `register(code, label=…, unit=…, compute=fn)` from this app (the campaigns and actions
   computations below);
2. a lower module (food aid, mediation) cannot import this app (the dependency layers), so it
   declares its computations in its own `project_indicators.py`:

       # vigie/foodaid/project_indicators.py
       from django.utils.translation import gettext_lazy as _
       PROJECT_INDICATORS = [
           {"code": "foodaid_enrolled", "label": _("ménages inscrits à l'aide alimentaire"),
            "unit": _("ménages"), "compute": households_enrolled},
       ]

   and `discover()` (run from this app's `ready()`) registers every installed app's list.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, time
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from vigie.core.registry import Registry


@dataclass(frozen=True)
class ComputedIndicator:
    code: str
    label: Any  # lazy gettext
    unit: Any
    compute: Callable[..., int]
    # A count of people or households (hidden from funders under 11); False for tickets.
    headcount: bool = True


COMPUTED: Registry[ComputedIndicator] = Registry("computed indicator")


def register(
    code: str, *, label: Any, compute: Callable[..., int], unit: Any = "", headcount: bool = True
) -> None:
    COMPUTED.add(
        code,
        ComputedIndicator(code=code, label=label, unit=unit, compute=compute, headcount=headcount),
    )


def discover() -> None:
    """Register the `PROJECT_INDICATORS` of every installed Vigie app's `project_indicators`."""
    from django.apps import apps

    for config in apps.get_app_configs():
        if not config.name.startswith("vigie."):
            continue
        name = f"{config.name}.project_indicators"
        try:
            module = importlib.import_module(name)
        except ModuleNotFoundError as exc:
            if exc.name != name:
                raise
            continue
        for entry in getattr(module, "PROJECT_INDICATORS", ()):
            register(
                entry["code"],
                label=entry["label"],
                unit=entry.get("unit", ""),
                compute=entry["compute"],
                headcount=entry.get("headcount", True),
            )


def _bounds(since: date | None, until: date) -> tuple[datetime | None, datetime]:
    tz = timezone.get_current_timezone()
    start = datetime.combine(since, time.min, tz) if since else None
    return start, datetime.combine(until, time.max, tz)


def _dwelling_q(prefix: str, residence_ids: list[int], building_ids: list[int]):
    from django.db.models import Q

    return Q(**{f"{prefix}residence_id__in": residence_ids}) | Q(
        **{f"{prefix}building_id__in": building_ids}
    )


def households_reached(
    *,
    organisation_id: int,
    residence_ids: list[int],
    building_ids: list[int],
    since: date | None,
    until: date,
) -> int:
    """Households of the perimeter reached by a call of a campaign in the period."""
    from vigie.campaigns.choices import AttemptResult
    from vigie.campaigns.models import Attempt

    start, end = _bounds(since, until)
    qs = Attempt.objects.filter(
        organisation_id=organisation_id,
        result=AttemptResult.REACHED,
        started_at__lte=end,
    ).filter(_dwelling_q("target__household__dwelling__", residence_ids, building_ids))
    if start is not None:
        qs = qs.filter(started_at__gte=start)
    return qs.values("target__household_id").distinct().count()


def tickets_raised(
    *,
    organisation_id: int,
    residence_ids: list[int],
    building_ids: list[int],
    since: date | None,
    until: date,
) -> int:
    """Building tickets opened on the perimeter's residences in the period (a ticket is about
    a residence: the residences of the project's buildings count)."""
    from django.db.models import Q

    from vigie.actions.models import Ticket
    from vigie.housing.models import Building

    start, end = _bounds(since, until)
    of_buildings = Building.objects.filter(pk__in=building_ids).values("residence_id")
    qs = Ticket.objects.filter(organisation_id=organisation_id, opened_at__lte=end).filter(
        Q(residence_id__in=residence_ids) | Q(residence_id__in=of_buildings)
    )
    if start is not None:
        qs = qs.filter(opened_at__gte=start)
    return qs.count()


register(
    "households_reached",
    label=_("ménages des résidences du projet joints lors des campagnes d'appels"),
    unit=_("ménages"),
    compute=households_reached,
)
register(
    "tickets_raised",
    label=_("signalements sur les résidences du projet"),
    unit=_("signalements"),
    compute=tickets_raised,
    headcount=False,
)
