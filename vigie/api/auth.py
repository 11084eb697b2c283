"""API authentication: `Authorization: Bearer <token>` (hashed tokens) or the browser session.

An operation declared with `**needs(Perm.X, …)` (vigie/api/declare.py) gets its own instances
of these classes, bound to `Perm.X`: once the user is known, one who holds the permission in
no organisation gets 403 (and an access-log row) before the operation reads its input — the
API's equivalent of `@requires` on pages. Scoping to the object's organisation stays the
operation's job (`visible_to`, 404).
"""

from __future__ import annotations

from ninja.security import HttpBearer, SessionAuth

from vigie.accounts.models import ApiToken
from vigie.accounts.twofactor import is_verified, requires_2fa
from vigie.core.permissions import ANY_SIGNED_IN, denied_sentence


def _require(request, user, perm: str | None) -> None:
    if perm is None or perm == ANY_SIGNED_IN or user.has_org_perm(perm):
        return
    from vigie.core.errors import PermissionDeniedError
    from vigie.core.models import AccessAction
    from vigie.core.services import access_record

    access_record(user=user, action=AccessAction.DENIED, detail=perm, path=request.path)
    raise PermissionDeniedError(denied_sentence(perm))


class BearerToken(HttpBearer):
    def __init__(self, perm: str | None = None) -> None:
        super().__init__()
        self.perm = perm

    def authenticate(self, request, token: str):
        user = ApiToken.authenticate(token)
        if user is not None:
            request.user = user
            _require(request, user, self.perm)
        return user


class Session(SessionAuth):
    """The signed-in browser session (CSRF checked by ninja for unsafe methods).

    A session whose role requires a second factor counts only once it is verified.
    """

    def __init__(self, perm: str | None = None, csrf: bool = True) -> None:
        super().__init__(csrf=csrf)
        self.perm = perm

    def authenticate(self, request, key):
        user = super().authenticate(request, key)
        if user and requires_2fa(user) and not is_verified(user):
            return None
        if user:
            _require(request, user, self.perm)
        return user


AUTH = [BearerToken(), Session()]


def auth_for(perm: str) -> list:
    """The authentication of an operation that requires `perm`."""
    return [BearerToken(perm), Session(perm)]
