"""The data-protection officer's menu entry (core/menu.py)."""

from django.utils.translation import gettext_lazy as _

from vigie.core import menu
from vigie.core.permissions import Perm

menu.register(
    "audit",
    label=_("Journal des accès"),
    url_name="privacy:access_log",
    perm=Perm.AUDIT_VIEW,
    order=90,
    section="privacy",
    icon="shield-lock",
)

menu.register(
    "subject_requests",
    label=_("Demandes RGPD"),
    url_name="privacy:requests",
    perm=Perm.SUBJECT_RIGHTS,
    order=91,
    icon="user-shield",
)
