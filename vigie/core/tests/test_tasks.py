"""Background tasks: enqueued only once the transaction commits, run by the database worker."""

from __future__ import annotations

import io

import pytest
from django.core.management import call_command
from django.db import transaction
from django.test import override_settings
from django_tasks_db.models import DBTaskResult

from vigie.core.tasks import MAINTENANCE_QUEUE, backup_now, enqueue_on_commit

DATABASE_TASKS = {
    "default": {
        "BACKEND": "django_tasks_db.DatabaseBackend",
        "QUEUES": ["default", MAINTENANCE_QUEUE],
    }
}


def test_a_task_waits_for_the_commit(db, tmp_path, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        with transaction.atomic():
            enqueue_on_commit(backup_now, str(tmp_path), keep=2)
            assert not list(tmp_path.iterdir()), "nothing runs before the commit"
    assert len(callbacks) == 1
    assert len(list(tmp_path.glob("vigie-*"))) == 1


def test_a_task_of_a_rolled_back_transaction_never_runs(db, tmp_path):
    with override_settings(TASKS=DATABASE_TASKS):
        try:
            with transaction.atomic():
                enqueue_on_commit(backup_now, str(tmp_path))
                raise RuntimeError("the service failed")
        except RuntimeError:
            pass
        assert not DBTaskResult.objects.exists()


def test_the_database_worker_runs_a_queued_task(
    db, tmp_path, monkeypatch, django_capture_on_commit_callbacks
):
    # The worker drops stale connections between tasks; inside the test's transaction that
    # would break the test, not the worker.
    monkeypatch.setattr(
        "django_tasks_db.management.commands.db_worker.close_old_connections", lambda: None
    )
    with override_settings(TASKS=DATABASE_TASKS):
        with django_capture_on_commit_callbacks(execute=True):
            enqueue_on_commit(backup_now, str(tmp_path), keep=5)
        queued = DBTaskResult.objects.get()
        assert queued.queue_name == MAINTENANCE_QUEUE
        assert queued.status == "READY"
        assert not list(tmp_path.iterdir()), "the request does not do the work"

        call_command(
            "db_worker",
            queue_name="*",
            batch=True,
            reload=False,
            startup_delay=False,
            interval=0,
            verbosity=0,
            stdout=io.StringIO(),
        )

        queued.refresh_from_db()
        assert queued.status == "SUCCESSFUL", queued.traceback
        written = list(tmp_path.glob("vigie-*"))
        assert len(written) == 1
        assert queued.return_value == str(written[0])


@pytest.mark.parametrize("queue", ["default", MAINTENANCE_QUEUE])
def test_the_configured_backend_knows_vigie_s_queues(queue):
    from django_tasks import default_task_backend

    assert queue in default_task_backend.queues
