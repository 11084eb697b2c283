"""Follow-up tasks: an owner, a due date, done or cancelled."""

from __future__ import annotations

from datetime import date, datetime
from typing import TYPE_CHECKING

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from vigie.actions.choices import (
    TaskOrigin,
    TaskStatus,
)
from vigie.actions.models import (
    Referral,
    Task,
    Ticket,
)
from vigie.actions.services.common import (
    ActionInputError,
    require_org,
    require_visible,
)
from vigie.actions.services.needs import need_settle
from vigie.actions.transitions import TASK
from vigie.campaigns.models import Need
from vigie.core import transitions
from vigie.core.errors import ConflictError
from vigie.core.permissions import Perm
from vigie.core.services import audit_log
from vigie.core.transitions import check_version

if TYPE_CHECKING:
    from vigie.accounts.models import User

_TASK_CODES = {TaskStatus.DONE: "task.done", TaskStatus.CANCELLED: "task.cancelled"}


@transaction.atomic
def task_create(
    *,
    actor: User | None,
    organisation_id: int,
    title: str,
    due_on: date,
    owner: User | None = None,
    notes: str = "",
    origin: str = TaskOrigin.MANUAL,
    household_id: int | None = None,
    need: Need | None = None,
    referral: Referral | None = None,
    ticket: Ticket | None = None,
) -> Task:
    """A follow-up with an owner and a due date (the system creates some by itself)."""
    require_org(
        actor, Perm.TASK_MANAGE, organisation_id, _("Vous ne pouvez pas créer de tâche ici.")
    )
    title = (title or "").strip()
    if not title:
        raise ActionInputError(_("Dites ce qu'il faut faire (intitulé de la tâche)."))
    if due_on is None:
        raise ActionInputError(_("Donnez une échéance (jj/mm/aaaa)."))
    if owner is not None and not owner.has_org_perm(Perm.TASK_VIEW, organisation_id):
        raise ActionInputError(
            _("%(username)s ne travaille pas sur les tâches de ce bailleur.")
            % {"username": owner.username}
        )
    if need is not None:
        if need.organisation_id != organisation_id:
            raise ActionInputError(_("Ce besoin n'est pas de ce bailleur."))
        household_id = household_id or need.household_id
    task = Task.objects.create(
        organisation_id=organisation_id,
        title=title[:200],
        notes=notes,
        owner=owner,
        due_on=due_on,
        origin=origin,
        household_id=household_id,
        need=need,
        referral=referral,
        ticket=ticket,
        created_by=actor,
    )
    audit_log(
        actor=actor,
        action="task.created",
        obj=task,
        payload={"origin": origin, "owner": getattr(owner, "pk", None)},
    )
    return task


@transaction.atomic
def task_move(
    *,
    actor: User | None,
    task: Task,
    to: str,
    version: int | None,
    note: str = "",
    now: datetime | None = None,
) -> Task:
    """Mark a task done (resolving its need if nothing else is open on it) or cancel it."""
    now = now or timezone.now()
    if to not in TaskStatus.values:
        raise ActionInputError(_("Statut de tâche inconnu « %(to)s ».") % {"to": to})
    require_visible(
        actor, Task, task.pk, Perm.TASK_MANAGE, _("Vous ne pouvez pas modifier cette tâche.")
    )
    note = (note or "").strip()

    def stamp(t: Task) -> None:
        t.done_at, t.done_by = now, actor
        if note:
            t.notes = (t.notes + "\n" if t.notes else "") + note

    task = transitions.transition(
        TASK,
        task,
        to=to,
        actor=actor,
        action=_TASK_CODES[TaskStatus(to)],
        version=version,
        apply=stamp,
    )
    if to == TaskStatus.DONE and task.need_id:
        need_settle(actor=actor, need_id=task.need_id, via=task, now=now)
    return task


@transaction.atomic
def task_update(
    *,
    actor: User | None,
    task: Task,
    version: int | None,
    owner: User | None = None,
    due_on: date | None = None,
    title: str | None = None,
) -> Task:
    """Reassign a task, move its due date or retitle it."""
    require_visible(
        actor, Task, task.pk, Perm.TASK_MANAGE, _("Vous ne pouvez pas modifier cette tâche.")
    )
    task = Task.objects.select_for_update().get(pk=task.pk)
    check_version(task, version, TASK.name(task))
    if task.status != TaskStatus.OPEN:
        raise ConflictError(_("Cette tâche est close."))
    if owner is not None:
        if not owner.has_org_perm(Perm.TASK_VIEW, task.organisation_id):
            raise ActionInputError(
                _("%(username)s ne travaille pas sur les tâches de ce bailleur.")
                % {"username": owner.username}
            )
        task.owner = owner
    if due_on is not None:
        task.due_on = due_on
    if title:
        task.title = title.strip()[:200]
    task.version += 1
    task.save()
    audit_log(actor=actor, action="task.updated", obj=task)
    return task
