"""The status machines of the actions app (core/transitions.py): referrals, tickets, tasks."""

from __future__ import annotations

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from vigie.actions.choices import REFERRAL_TRANSITIONS, TASK_TRANSITIONS, TICKET_TRANSITIONS
from vigie.actions.models import Referral, Task, Ticket
from vigie.core.transitions import StatusMachine

REFERRAL = StatusMachine(
    model=Referral, table=REFERRAL_TRANSITIONS, name=lambda r: _("L'orientation")
)
TICKET = StatusMachine(
    model=Ticket,
    table=TICKET_TRANSITIONS,
    name=lambda t: _("Le signalement"),
    pronoun=gettext_lazy("il"),
)
TASK = StatusMachine(model=Task, table=TASK_TRANSITIONS, name=lambda t: _("La tâche"))
