"""Food aid's status machine (core/transitions.py): a distribution is planned, then closed."""

from __future__ import annotations

from django.utils.translation import gettext as _

from vigie.core.transitions import StatusMachine
from vigie.foodaid.choices import SESSION_TRANSITIONS
from vigie.foodaid.models import DistributionSession

SESSION = StatusMachine(
    model=DistributionSession, table=SESSION_TRANSITIONS, name=lambda s: _("La distribution")
)
