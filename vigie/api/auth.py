"""API authentication: `Authorization: Bearer <token>` (hashed tokens) or the browser session."""

from __future__ import annotations

from ninja.security import HttpBearer, SessionAuth

from vigie.accounts.models import ApiToken
from vigie.accounts.twofactor import is_verified, requires_2fa


class BearerToken(HttpBearer):
    def authenticate(self, request, token: str):
        user = ApiToken.authenticate(token)
        if user is not None:
            request.user = user
        return user


class Session(SessionAuth):
    """The signed-in browser session (CSRF checked by ninja for unsafe methods).

    A session whose role requires a second factor counts only once it is verified.
    """

    def authenticate(self, request, key):
        user = super().authenticate(request, key)
        if user and requires_2fa(user) and not is_verified(user):
            return None
        return user


AUTH = [BearerToken(), Session()]
