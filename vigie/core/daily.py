"""The jobs `vigie daily` queues every morning, declared by the apps that own them.

Core never names another app's task: each app registers its daily job from its
`AppConfig.ready()` (`daily.register(purge_task)`), as journal codes are (docs/decisions/0012).
"""

from __future__ import annotations

from typing import Any

_JOBS: dict[str, Any] = {}


def register(task: Any) -> Any:
    """Declare a `django_tasks` task to be queued once a day by `vigie daily`; returns it."""
    _JOBS[task.module_path] = task
    return task


def jobs() -> list[Any]:
    """The registered daily tasks, in registration order (app order in INSTALLED_APPS)."""
    return list(_JOBS.values())
