"""The status machines of the campaigns app (core/transitions.py): campaigns, targets, needs."""

from __future__ import annotations

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from vigie.campaigns.choices import CAMPAIGN_TRANSITIONS, NEED_TRANSITIONS, TARGET_TRANSITIONS
from vigie.campaigns.models import Campaign, Need, Target
from vigie.core.transitions import StatusMachine

CAMPAIGN = StatusMachine(
    model=Campaign,
    table=CAMPAIGN_TRANSITIONS,
    name=lambda c: _("La campagne « %(name)s »") % {"name": c.name},
)
TARGET = StatusMachine(
    model=Target,
    table=TARGET_TRANSITIONS,
    name=lambda t: (
        _("Le ménage n° %(household)s de la liste d'appel") % {"household": t.household_id}
    ),
    pronoun=gettext_lazy("il"),
)
NEED = StatusMachine(
    model=Need, table=NEED_TRANSITIONS, name=lambda n: _("Le besoin"), pronoun=gettext_lazy("il")
)
