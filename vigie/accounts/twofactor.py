"""Who must use a second factor (TOTP), and helpers around django-otp."""

from __future__ import annotations

from django.conf import settings

from vigie.core.permissions import Perm, Role

# Roles that see health data, mediation files or the access log, and administrators.
SENSITIVE_PERMS = (
    Perm.HOUSEHOLD_VIEW_SENSITIVE,
    Perm.AUDIT_VIEW,
    Perm.ORG_ADMIN,
    Perm.CALL_NOTES_VIEW,
)
ALWAYS_2FA_ROLES = {Role.ADMIN, Role.DPO, Role.MEDIATOR}


def requires_2fa(user) -> bool:
    if not getattr(settings, "VIGIE_REQUIRE_2FA", True) or not user.is_authenticated:
        return False
    if user.is_superuser or user.roles() & ALWAYS_2FA_ROLES:
        return True
    return any(user.has_org_perm(p) for p in SENSITIVE_PERMS)


def is_verified(user) -> bool:
    verified = getattr(user, "is_verified", None)
    return bool(verified and verified())
