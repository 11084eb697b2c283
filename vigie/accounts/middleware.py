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
