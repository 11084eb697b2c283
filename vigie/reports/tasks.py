"""The nightly early-warning run (`vigie daily`)."""

from __future__ import annotations

from django_tasks import task

from vigie.core import daily


@task()
def alerts_daily() -> dict[str, int]:
    """Every landlord's active rules, as of today: new alerts and their follow-up tasks."""
    from vigie.reports.services import alerts_run

    result = alerts_run(actor=None)
    return {"raised": result["raised"]}


daily.register(alerts_daily)
