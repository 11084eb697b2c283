"""The request type of code that runs once the user is known to be signed in."""

from __future__ import annotations

from django.http import HttpRequest

from vigie.accounts.models import User


class AuthenticatedRequest(HttpRequest):
    """A request whose `user` is a signed-in Vigie `User`, never `AnonymousUser`.

    For annotations only (django-stubs' documented pattern): API operations get it once their
    authentication (vigie/api/auth.py) has set `request.user`; pages behind `login_required`.
    Imported at run time, not under TYPE_CHECKING, because django-ninja reads the signatures.
    """

    user: User
