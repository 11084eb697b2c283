"""API authentication: `Authorization: Bearer <token>` (hashed tokens) or the browser session."""

from __future__ import annotations

from ninja.security import HttpBearer, SessionAuth

from vigie.accounts.models import ApiToken


class BearerToken(HttpBearer):
    def authenticate(self, request, token: str):
        user = ApiToken.authenticate(token)
        if user is not None:
            request.user = user
        return user


class Session(SessionAuth):
    """The signed-in browser session (CSRF checked by ninja for unsafe methods)."""


AUTH = [BearerToken(), Session()]
