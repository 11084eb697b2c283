"""Permissions declared by the apps that own them, each with its French denial sentence."""

from __future__ import annotations

from vigie.core.permissions import (
    DENIED_SENTENCES,
    ROLE_PERMISSIONS,
    Perm,
    Role,
    declared_permissions,
    denied_sentence,
)

ACTIONS_PERMS = {
    Perm.PARTNER_VIEW,
    Perm.PARTNER_MANAGE,
    Perm.REFERRAL_VIEW,
    Perm.REFERRAL_MANAGE,
    Perm.REFERRAL_HANDLE,
    Perm.TICKET_VIEW,
    Perm.TICKET_REPORT,
    Perm.TICKET_MANAGE,
    Perm.TASK_VIEW,
    Perm.TASK_MANAGE,
}

GENERIC = "Votre rôle ne donne pas accès à cette opération."


def test_every_granted_permission_has_its_own_denial_sentence():
    granted = set().union(*ROLE_PERMISSIONS.values())
    missing = sorted(p for p in granted if p not in DENIED_SENTENCES)
    assert not missing, f"Permissions granted without a denial sentence: {missing}"
    assert all(denied_sentence(p) != GENERIC for p in granted)


def test_actions_permissions_keep_their_roles():
    """Moving the declarations to vigie/actions/permissions.py changed no role's rights."""
    grants = declared_permissions()
    assert grants[Perm.PARTNER_VIEW] == {Role.ADMIN, Role.MANAGER, Role.CALLER}
    assert grants[Perm.PARTNER_MANAGE] == {Role.ADMIN, Role.MANAGER}
    assert grants[Perm.REFERRAL_VIEW] == {Role.MANAGER, Role.CALLER, Role.PARTNER_WORKER}
    assert grants[Perm.REFERRAL_MANAGE] == {Role.MANAGER, Role.CALLER}
    assert grants[Perm.REFERRAL_HANDLE] == {Role.PARTNER_WORKER}
    assert grants[Perm.TICKET_VIEW] == {Role.MANAGER, Role.CALLER, Role.AGENCY_STAFF}
    assert grants[Perm.TICKET_REPORT] == {Role.MANAGER, Role.CALLER}
    assert grants[Perm.TICKET_MANAGE] == {Role.MANAGER, Role.AGENCY_STAFF}
    assert grants[Perm.TASK_VIEW] == {Role.MANAGER, Role.CALLER}
    assert grants[Perm.TASK_MANAGE] == {Role.MANAGER, Role.CALLER}


def test_actions_permissions_are_not_granted_in_core():
    """core/permissions.py names them (Perm.X) but grants none: the actions app does. Read in a
    fresh interpreter, before any app declared anything."""
    import json
    import subprocess
    import sys

    script = (
        "import json; from vigie.core import permissions as p; "
        "print(json.dumps([sorted(set().union(*p.ROLE_PERMISSIONS.values())), "
        "sorted(p.DENIED_SENTENCES)]))"
    )
    out = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=True)
    granted, sentences = json.loads(out.stdout)
    assert not ACTIONS_PERMS & set(granted)
    assert not ACTIONS_PERMS & set(sentences)
