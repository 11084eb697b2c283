"""Needs raised in calls: resolved once the work opened on them is done."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from django.db.models import Model
from django.utils import timezone

from vigie.actions.choices import (
    OPEN_REFERRAL_STATUSES,
    OPEN_TICKET_STATUSES,
    TaskStatus,
)
from vigie.actions.models import (
    Referral,
    Task,
    TicketReport,
)
from vigie.campaigns.choices import NeedStatus
from vigie.campaigns.models import Need
from vigie.campaigns.transitions import NEED
from vigie.core import transitions

if TYPE_CHECKING:
    from vigie.accounts.models import User


def need_has_open_work(need_id: int, *, exclude: Model | None = None) -> bool:
    referrals = Referral.objects.filter(need_id=need_id, status__in=OPEN_REFERRAL_STATUSES)
    tickets = TicketReport.objects.filter(need_id=need_id, ticket__status__in=OPEN_TICKET_STATUSES)
    tasks = Task.objects.filter(need_id=need_id, status=TaskStatus.OPEN)
    if isinstance(exclude, Referral):
        referrals = referrals.exclude(pk=exclude.pk)
    if isinstance(exclude, Task):
        tasks = tasks.exclude(pk=exclude.pk)
    return referrals.exists() or tickets.exists() or tasks.exists()


def need_settle(
    *, actor: User | None, need_id: int, via: Model, now: datetime | None = None
) -> bool:
    """Resolve a need once its referral, ticket or task is done and nothing else is open on it.

    Called by the services that close that work, inside their transaction.
    """
    need = Need.objects.select_for_update(of=("self",)).filter(pk=need_id).first()
    if need is None or need.status != NeedStatus.OPEN:
        return False
    if need_has_open_work(need.pk, exclude=via):
        return False

    def stamp(n: Need) -> None:
        n.resolved_at = now or timezone.now()

    transitions.move(
        NEED,
        need,
        to=NeedStatus.RESOLVED,
        actor=actor,
        action="need.resolved",
        payload={"via": via._meta.label_lower, "via_id": via.pk},
        apply=stamp,
    )
    return True
