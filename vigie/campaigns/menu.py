"""The call campaigns' menu entry (core/menu.py)."""

from django.utils.translation import gettext_lazy as _

from vigie.core import menu
from vigie.core.permissions import Perm

menu.register(
    "campaigns",
    label=_("Campagnes"),
    url_name="campaigns:list",
    perm=Perm.CAMPAIGN_VIEW,
    order=20,
    icon="phone-call",
)
