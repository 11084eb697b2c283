"""Writes of the actions app: the partner directory, referrals, building tickets and tasks.

Each service is atomic, checks the actor against the same scoped querysets the pages read
(`visible_to`), refuses a stale `version` (ConflictError → 409), moves statuses only along the
tables in `choices.py`, and leaves one journal row per change. E-mails go out `on_commit`.
`actor=None` is the system (the daily sweep).

One module per topic: `partners`, `referrals`, `tickets`, `tasks`, `needs` (resolved when their
work is done), `calendar` (working days); `common` holds the shared checks. The names are
re-exported here, so callers write `from vigie.actions.services import referral_move`.
"""

from vigie.actions.services.attachments import (
    ticket_attach,
    ticket_attachment_remove,
)
from vigie.actions.services.common import (
    ActionInputError,
    manager_for,
    require_org,
    require_visible,
)
from vigie.actions.services.needs import (
    need_has_open_work,
    need_settle,
)
from vigie.actions.services.partners import (
    PARTNER_FIELDS,
    partner_create,
    partner_create_ccas,
    partner_update,
)
from vigie.actions.services.referrals import (
    referral_create,
    referral_move,
)
from vigie.actions.services.tasks import (
    task_create,
    task_move,
    task_update,
)
from vigie.actions.services.tickets import (
    ticket_assign,
    ticket_assignees,
    ticket_from_need,
    ticket_locate,
    ticket_mark_informed,
    ticket_move,
    ticket_report,
    tickets_overdue_sweep,
)
from vigie.core.workdays import (  # re-exported: the calendar is core's (decision 0012)
    add_working_days,
    public_holidays,
)

__all__ = [
    "ActionInputError",
    "PARTNER_FIELDS",
    "add_working_days",
    "manager_for",
    "need_has_open_work",
    "need_settle",
    "partner_create",
    "partner_create_ccas",
    "partner_update",
    "public_holidays",
    "referral_create",
    "referral_move",
    "require_org",
    "require_visible",
    "task_create",
    "task_move",
    "task_update",
    "ticket_assign",
    "ticket_assignees",
    "ticket_attach",
    "ticket_attachment_remove",
    "ticket_from_need",
    "ticket_locate",
    "ticket_mark_informed",
    "ticket_move",
    "ticket_report",
    "tickets_overdue_sweep",
]
