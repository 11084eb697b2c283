"""Food aid's menu entries (core/menu.py)."""

from django.utils.translation import gettext_lazy as _

from vigie.core import menu
from vigie.foodaid.permissions import FOODAID_REPORT, FOODAID_VIEW

menu.register(
    "foodaid",
    label=_("Aide alimentaire"),
    url_name="foodaid:programmes",
    perm=FOODAID_VIEW,
    order=75,
    icon="basket",
)
menu.register(
    "foodaid_reports",
    label=_("Bilans aide alimentaire"),
    url_name="foodaid:reports",
    perm=FOODAID_REPORT,
    order=76,
    icon="chart-bar",
)
