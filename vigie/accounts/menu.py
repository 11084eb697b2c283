"""The accounts app's menu entries (core/menu.py)."""

from django.utils.translation import gettext_lazy as _

from vigie.core import menu
from vigie.core.permissions import Perm

menu.register(
    "users",
    label=_("Utilisateurs"),
    url_name="accounts:users",
    perm=Perm.ORG_ADMIN,
    order=90,
    section="users",
    icon="users",
)
