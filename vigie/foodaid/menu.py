"""Food aid's menu entry (core/menu.py)."""

from django.utils.translation import gettext_lazy as _

from vigie.core import menu
from vigie.foodaid.permissions import FOODAID_VIEW

menu.register(
    "foodaid",
    label=_("Aide alimentaire"),
    url_name="foodaid:programmes",
    perm=FOODAID_VIEW,
    order=80,
)
