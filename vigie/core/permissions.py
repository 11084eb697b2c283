"""Roles and permissions, named once: the UI, the API and the tests all use these names.

A user holds a role in an organisation (accounts.Membership). A role grants a set of
permissions, and a permission is only ever checked *for an organisation*: holding
`household.view` at landlord A says nothing about landlord B.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    ADMIN = "admin", _("Administrateur·rice")
    MANAGER = "manager", _("Responsable de campagne / partenariats")
    CALLER = "caller", _("Chargé·e de veille")
    AGENCY_STAFF = "agency_staff", _("Personnel d'agence")
    PARTNER_WORKER = "partner_worker", _("Intervenant·e partenaire")
    MEDIATOR = "mediator", _("Médiateur·rice")
    DPO = "dpo", _("Délégué·e à la protection des données")


class Perm:
    """Permission names. Strings, so that they read the same in code, API docs and tests."""

    HOUSEHOLD_VIEW = "household.view"
    # Disability is health data (GDPR art. 9): seeing it is a permission of its own.
    HOUSEHOLD_VIEW_SENSITIVE = "household.view_sensitive"
    HOUSEHOLD_EDIT = "household.edit"
    REGISTER_EXPORT = "register.export"
    IMPORT_RUN = "import.run"
    CAMPAIGN_VIEW = "campaign.view"
    CAMPAIGN_MANAGE = "campaign.manage"
    CALL_TAKE = "call.take"
    CALL_NOTES_VIEW = "call.notes_view"
    ORG_ADMIN = "org.admin"
    AUDIT_VIEW = "audit.view"


_LANDLORD_READ = {Perm.HOUSEHOLD_VIEW, Perm.CAMPAIGN_VIEW}

ROLE_PERMISSIONS: dict[str, frozenset[str]] = {
    Role.ADMIN: frozenset(
        _LANDLORD_READ
        | {Perm.IMPORT_RUN, Perm.ORG_ADMIN, Perm.HOUSEHOLD_EDIT, Perm.REGISTER_EXPORT}
    ),
    Role.MANAGER: frozenset(
        _LANDLORD_READ
        | {
            Perm.HOUSEHOLD_VIEW_SENSITIVE,
            Perm.HOUSEHOLD_EDIT,
            Perm.REGISTER_EXPORT,
            Perm.IMPORT_RUN,
            Perm.CAMPAIGN_MANAGE,
            Perm.CALL_TAKE,
            Perm.CALL_NOTES_VIEW,
        }
    ),
    Role.CALLER: frozenset(
        _LANDLORD_READ
        | {Perm.HOUSEHOLD_VIEW_SENSITIVE, Perm.HOUSEHOLD_EDIT, Perm.CALL_TAKE, Perm.CALL_NOTES_VIEW}
    ),
    # Agency staff see the households of their own agencies, never health data.
    Role.AGENCY_STAFF: frozenset({Perm.HOUSEHOLD_VIEW}),
    Role.PARTNER_WORKER: frozenset(),
    Role.MEDIATOR: frozenset(),
    Role.DPO: frozenset({Perm.HOUSEHOLD_VIEW, Perm.HOUSEHOLD_VIEW_SENSITIVE, Perm.AUDIT_VIEW}),
}


def role_has(role: str, perm: str) -> bool:
    return perm in ROLE_PERMISSIONS.get(role, frozenset())
