"""Background tasks of the core app, and the one way to enqueue from a service.

Tasks run in `vigie db_worker` (django-tasks' database backend, docs/decisions/0004). A task
receives ids and plain values (JSON), never model instances, and re-reads what it needs: the
row may have changed, or been erased, between enqueue and run.
"""

from __future__ import annotations

from functools import partial
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import transaction
from django_tasks import task
from django_tasks.base import Task

MAINTENANCE_QUEUE = "maintenance"


def enqueue_on_commit(task: Task, *args: Any, using: str | None = None, **kwargs: Any) -> None:
    """Enqueue `task(*args, **kwargs)` once the current transaction commits (habit 4).

    Enqueued inside the transaction, a task could run before its data is committed (it would
    not find it), or run although the transaction rolled back. Outside a transaction it is
    enqueued at once.
    """
    transaction.on_commit(partial(task.enqueue, *args, **kwargs), using=using)


@task(queue_name=MAINTENANCE_QUEUE)
def backup_now(directory: str = "", keep: int | None = None) -> str:
    """Write a dated backup into `directory` (default VIGIE_BACKUP_DIR), keep the newest ones.

    For the "back up now" button of a later administration page: the request returns at once
    and the worker does the copy. The nightly backup does not need the worker: a systemd timer
    runs `vigie backup` directly (deploy/vigie-backup.timer).
    """
    from vigie.core.backup import backup_database, prune_backups

    target = Path(directory or settings.VIGIE_BACKUP_DIR)
    target.mkdir(parents=True, exist_ok=True)
    written = backup_database(target)
    prune_backups(target, keep=settings.VIGIE_BACKUP_KEEP if keep is None else keep)
    return str(written)
