import time

from django.contrib.auth import SESSION_KEY
from django.shortcuts import redirect
from django.urls import reverse

from vigie.accounts.twofactor import is_verified, requires_2fa

_ALLOWED = ("/comptes/", "/static/", "/i18n/")


class TwoFactorMiddleware:
    """A user whose role requires a second factor reaches nothing until it is verified.

    The API is guarded in `vigie.api.auth` (a session needs the same verification; personal
    tokens are issued by an administrator and are themselves the second credential).
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        path = request.path_info
        if (
            user is not None
            and user.is_authenticated
            and not path.startswith(_ALLOWED)
            and not path.startswith("/api/")
            and requires_2fa(user)
            and not is_verified(user)
        ):
            return redirect(f"{reverse('accounts:two_factor')}?next={path}")
        return self.get_response(request)


class IdleTimeoutMiddleware:
    """Log out after `SESSION_COOKIE_AGE` (30 minutes) without a request, to within a minute.

    Each save of the session pushes its expiry 30 minutes ahead. Saving it on every request
    (`SESSION_SAVE_EVERY_REQUEST`) would make every page a database write — on SQLite a turn
    in the writers' queue, shared by all users — so a signed-in session is saved only when its
    last save is over `REFRESH_SECONDS` old: a user idle for 30 minutes is signed out between
    29 and 30 minutes after their last request.
    """

    REFRESH_SECONDS = 60
    KEY = "_vigie_refreshed"

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        session = getattr(request, "session", None)
        if session is None or session.get(SESSION_KEY) is None:
            return response
        now = int(time.time())
        if now - int(session.get(self.KEY, 0)) >= self.REFRESH_SECONDS:
            session[self.KEY] = now  # modified: SessionMiddleware saves it with a new expiry
        return response
