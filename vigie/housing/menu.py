"""The register's menu entries (core/menu.py)."""

from django.utils.translation import gettext_lazy as _

from vigie.core import menu
from vigie.core.permissions import Perm

menu.register(
    "register",
    label=_("Registre"),
    url_name="housing:households",
    perm=Perm.HOUSEHOLD_VIEW,
    order=10,
    icon="address-book",
)
menu.register(
    "imports",
    label=_("Imports"),
    url_name="housing:imports",
    perm=Perm.IMPORT_RUN,
    order=80,
    icon="file-import",
)
