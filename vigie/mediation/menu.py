from django.utils.translation import gettext_lazy as _

from vigie.core import menu
from vigie.mediation.permissions import ACTIVITY, CASE_HANDLE, REFER

# The centre's side: its cases; the landlord's side: the situations it referred.
menu.register(
    "mediation",
    label=_("Médiation"),
    url_name="mediation:cases",
    perm=CASE_HANDLE,
    order=60,
    icon="messages",
)
menu.register(
    "mediation_referrals",
    label=_("Médiations"),
    url_name="mediation:referrals",
    perm=REFER,
    order=61,
    icon="messages",
)
menu.register(
    "mediation_activity",
    label=_("Activité de médiation"),
    url_name="mediation:activity",
    perm=ACTIVITY,
    order=62,
    icon="calendar-stats",
)
