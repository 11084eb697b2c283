"""Roles and permissions, named once: the UI, the API and the tests all use these names.

A user holds a role in an organisation (accounts.Membership). A role grants a set of
permissions, and a permission is only ever checked *for an organisation*: holding
`household.view` at landlord A says nothing about landlord B.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

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
    # The modules' roles (their permissions are declared by the modules: mediation, projects).
    MEDIATION_DIRECTOR = "mediation_director", _("Directeur·rice du centre de médiation")
    FUNDER_VIEWER = "funder_viewer", _("Financeur (lecture)")


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
    # Data-subject requests (GDPR art. 15-17, 21): export, rectify, erase, object.
    SUBJECT_RIGHTS = "privacy.subject_rights"
    # Partners, referrals, building tickets and follow-up tasks (vigie.actions, issue #4).
    PARTNER_VIEW = "partner.view"
    PARTNER_MANAGE = "partner.manage"
    # Landlord side of a referral: see, propose, send, cancel.
    REFERRAL_VIEW = "referral.view"
    REFERRAL_MANAGE = "referral.manage"
    # Partner side: accept, decline, record what was done. Held in the *partner* organisation;
    # referrals reach it through `partner_field` in `ScopedQuerySet` (docs/decisions/0007).
    REFERRAL_HANDLE = "referral.handle"
    TICKET_VIEW = "ticket.view"
    # Raise a building problem (caller, manager); acknowledge and resolve it (agency, manager).
    TICKET_REPORT = "ticket.report"
    TICKET_MANAGE = "ticket.manage"
    TASK_VIEW = "task.view"
    TASK_MANAGE = "task.manage"


# What a user is told when their role lacks a permission (API 403 `detail`): a sentence naming
# who may do it, in French.
# Apps add theirs with `declare` (below); values may be lazy gettext strings.
DENIED_SENTENCES: dict[str, Any] = {
    Perm.HOUSEHOLD_VIEW: _("Vous n'avez pas accès au registre."),
    Perm.HOUSEHOLD_VIEW_SENSITIVE: _("Votre rôle ne donne pas accès aux données de santé."),
    Perm.HOUSEHOLD_EDIT: _("Votre rôle ne permet pas de modifier le registre."),
    Perm.REGISTER_EXPORT: _("Votre rôle ne permet pas d'exporter le registre."),
    Perm.IMPORT_RUN: _("Seul·e un·e administrateur·rice ou un·e responsable peut importer."),
    Perm.CAMPAIGN_VIEW: _("Vous n'avez pas accès aux campagnes d'appels."),
    Perm.CAMPAIGN_MANAGE: _("Seul·e un·e responsable de campagne peut faire cela."),
    Perm.CALL_TAKE: _("Seul·e un·e chargé·e de veille peut prendre ou noter des appels."),
    Perm.CALL_NOTES_VIEW: _("Votre rôle ne donne pas accès aux notes d'appel."),
    Perm.ORG_ADMIN: _("Seul·e un·e administrateur·rice peut faire cela."),
    Perm.AUDIT_VIEW: _("Seul·e le ou la DPO peut consulter le journal des accès."),
    Perm.SUBJECT_RIGHTS: _("Seul·e le ou la DPO traite les demandes des personnes."),
}


def denied_sentence(perm: str) -> str:
    """The declared French sentence for a missing permission (a generic one if undeclared)."""
    sentence = DENIED_SENTENCES.get(perm)
    return (
        str(sentence)
        if sentence is not None
        else str(_("Votre rôle ne donne pas accès à cette opération."))
    )


_LANDLORD_READ = {Perm.HOUSEHOLD_VIEW, Perm.CAMPAIGN_VIEW}

# The permissions core and the register's apps grant; other apps add theirs with `declare`
# (the actions app's are in vigie/actions/permissions.py).
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
    Role.MEDIATION_DIRECTOR: frozenset(),
    Role.FUNDER_VIEWER: frozenset(),
    Role.DPO: frozenset(
        {Perm.HOUSEHOLD_VIEW, Perm.HOUSEHOLD_VIEW_SENSITIVE, Perm.AUDIT_VIEW, Perm.SUBJECT_RIGHTS}
    ),
}


def declare(code: str, *, denied: Any, roles: Iterable[str]) -> str:
    """Declare a permission from the app that owns it (issue #11 §3); returns `code`.

    `denied` is the French sentence (lazy gettext) a user lacking it reads on the 403 page and
    in the API's `detail`, naming who may do it; `roles` are the roles that grant it. Called
    from a module the app imports in its `AppConfig.ready()`, e.g. vigie/actions/permissions.py:

        TICKET_VIEW = declare("ticket.view", denied=_("…"), roles={Role.MANAGER, Role.CALLER})

    Declaring the same permission again adds roles (harmless when they are the same); a
    different sentence for a declared permission is a programming error.
    """
    known = DENIED_SENTENCES.get(code)
    if known is not None and str(known) != str(denied):
        raise ValueError(f"Permission {code!r} is already declared with another sentence.")
    DENIED_SENTENCES[code] = denied
    for role in roles:
        ROLE_PERMISSIONS[role] = ROLE_PERMISSIONS.get(role, frozenset()) | {code}
    return code


def declared_permissions() -> dict[str, frozenset[str]]:
    """Permission → the roles granting it (the permission matrix of docs/permissions)."""
    grants: dict[str, set[str]] = {code: set() for code in DENIED_SENTENCES}
    for role, perms in ROLE_PERMISSIONS.items():
        for perm in perms:
            grants.setdefault(perm, set()).add(role)
    return {perm: frozenset(roles) for perm, roles in grants.items()}


def role_has(role: str, perm: str) -> bool:
    return perm in ROLE_PERMISSIONS.get(role, frozenset())


# Pages declare the permission they need with @requires; a test checks every URL does.
ANY_SIGNED_IN = "signed_in"


def requires(perm: str):
    """Decorate a view: 403 (and an access-log row) unless the user holds `perm` somewhere.

    Holding it *somewhere* is only the door: the view still reads through `visible_to(user,
    perm)`, so objects of other organisations stay 404.
    """
    from functools import wraps

    def decorator(view):
        @wraps(view)
        def wrapper(request, *args, **kwargs):
            if perm != ANY_SIGNED_IN and not request.user.has_org_perm(perm):
                from django.core.exceptions import PermissionDenied

                from vigie.core.models import AccessAction
                from vigie.core.services import access_record

                access_record(
                    user=request.user, action=AccessAction.DENIED, detail=perm, path=request.path
                )
                # The 403 page (templates/403.html) shows this sentence.
                raise PermissionDenied(denied_sentence(perm))
            return view(request, *args, **kwargs)

        wrapper.vigie_permission = perm
        return wrapper

    return decorator
