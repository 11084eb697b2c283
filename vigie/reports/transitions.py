"""The status machine of alerts (core/transitions.py): open → closed, by a person."""

from __future__ import annotations

from django.utils.translation import gettext as _

from vigie.core.transitions import StatusMachine
from vigie.reports.choices import ALERT_TRANSITIONS
from vigie.reports.models import Alert

ALERT = StatusMachine(model=Alert, table=ALERT_TRANSITIONS, name=lambda a: _("L'alerte"))
