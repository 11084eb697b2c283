"""The daily retention run, as a background task (executed by `vigie db_worker`)."""

from __future__ import annotations

from django_tasks import task

from vigie.core.tasks import MAINTENANCE_QUEUE


@task(queue_name=MAINTENANCE_QUEUE)
def purge_task() -> dict[str, int]:
    """Apply every retention period (docs/privacy.md); the report is the task's result."""
    from vigie.privacy.retention import purge

    return purge()
