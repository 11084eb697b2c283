"""SQLite with a fair queue for writers.

SQLite lets one write transaction at a time (transactions are IMMEDIATE here, see
docs/decisions/0002). The others wait in SQLite's busy handler, which *polls* with growing
sleeps, up to 100 ms each: under 50 or more concurrent callers some of them starve for seconds.
This backend takes an OS file lock (`flock`) next to the database file before `BEGIN` and
releases it at commit or rollback, so waiters sleep in the kernel and wake as soon as the
previous writer is done — across threads and across processes (gunicorn workers) alike.
"""

from __future__ import annotations

import fcntl
import os

from django.db.backends.sqlite3 import base


class DatabaseWrapper(base.DatabaseWrapper):
    _turn_fd: int | None = None
    _has_turn = False

    def _lock_path(self) -> str | None:
        name = str(self.settings_dict.get("NAME") or "")
        if not name or name == ":memory:" or "mode=memory" in name:
            return None
        return f"{name}.writers.lock"

    def _take_turn(self) -> None:
        path = self._lock_path()
        if path is None or self._has_turn:
            return
        if self._turn_fd is None:
            self._turn_fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o600)
        fcntl.flock(self._turn_fd, fcntl.LOCK_EX)
        self._has_turn = True

    def _give_turn(self) -> None:
        if self._has_turn and self._turn_fd is not None:
            fcntl.flock(self._turn_fd, fcntl.LOCK_UN)
        self._has_turn = False

    def _start_transaction_under_autocommit(self):
        self._take_turn()
        try:
            super()._start_transaction_under_autocommit()
        except BaseException:
            self._give_turn()
            raise

    def _commit(self):
        try:
            return super()._commit()
        finally:
            self._give_turn()

    def _rollback(self):
        try:
            return super()._rollback()
        finally:
            self._give_turn()

    def _close(self):
        try:
            return super()._close()
        finally:
            self._give_turn()
            if self._turn_fd is not None:
                os.close(self._turn_fd)
                self._turn_fd = None
