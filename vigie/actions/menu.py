"""The actions app's menu entries (core/menu.py)."""

from django.utils.translation import gettext_lazy as _

from vigie.core import menu
from vigie.core.permissions import Perm

menu.register(
    "referrals",
    label=_("Orientations"),
    url_name="actions:referrals",
    perm=Perm.REFERRAL_VIEW,
    order=30,
    icon="route",
)
menu.register(
    "tickets",
    label=_("Signalements"),
    url_name="actions:tickets",
    perm=Perm.TICKET_VIEW,
    order=40,
    icon="tool",
)
menu.register(
    "tasks",
    label=_("Mes tâches"),
    url_name="actions:my_tasks",
    perm=Perm.TASK_VIEW,
    order=50,
    icon="checklist",
)
menu.register(
    "partners",
    label=_("Partenaires"),
    url_name="actions:partners",
    perm=Perm.PARTNER_VIEW,
    order=60,
    icon="heart-handshake",
)
menu.register(
    "actions_report",
    label=_("Suites des appels"),
    url_name="actions:report",
    perm=Perm.CAMPAIGN_MANAGE,
    order=70,
    icon="report-analytics",
)
