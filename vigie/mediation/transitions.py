"""The status machine of a mediation case (core/transitions.py)."""

from __future__ import annotations

from django.utils.translation import gettext as _

from vigie.core.transitions import StatusMachine
from vigie.mediation.choices import CASE_TRANSITIONS
from vigie.mediation.models import Case

CASE = StatusMachine(model=Case, table=CASE_TRANSITIONS, name=lambda c: _("La médiation"))
