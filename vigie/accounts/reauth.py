"""Re-authentication before a bulk export or a role change (issue #5 §3, OWASP ASVS 4.0 §3.7).

A session remembers when its user last typed their password: at sign-in (`user_logged_in`)
and at each re-authentication. A view decorated with `@recent_auth_required` asks for the
password again when that is older than `VIGIE_REAUTH_MINUTES` (10), then carries on to the
page that was asked for. Wrong passwords count towards the same lockout as the login page
(django-axes: 5 failures, 15 minutes), because the password is checked through `authenticate`.
"""

from __future__ import annotations

import time
from functools import wraps
from urllib.parse import urlencode

from django.conf import settings
from django.contrib.auth.signals import user_logged_in
from django.dispatch import receiver
from django.http import HttpResponse
from django.shortcuts import redirect
from django.urls import reverse

SESSION_KEY = "vigie_auth_at"


def window_seconds() -> int:
    return int(getattr(settings, "VIGIE_REAUTH_MINUTES", 10)) * 60


def mark_authenticated(request) -> None:
    request.session[SESSION_KEY] = int(time.time())


def is_recent(request) -> bool:
    at = request.session.get(SESSION_KEY)
    return isinstance(at, int) and time.time() - at < window_seconds()


@receiver(user_logged_in, dispatch_uid="vigie.reauth.mark")
def _on_login(sender, request, user, **kwargs):
    if request is not None and hasattr(request, "session"):
        mark_authenticated(request)


def _same_site_path(request, url: str) -> str:
    """The path (and query) of `url` when it is on this site, else ""."""
    from urllib.parse import urlsplit

    from django.utils.http import url_has_allowed_host_and_scheme

    if not url or not url_has_allowed_host_and_scheme(url, allowed_hosts={request.get_host()}):
        return ""
    parts = urlsplit(url)
    return parts.path + (f"?{parts.query}" if parts.query else "")


def recent_auth_required(view):
    """Decorate a view: ask for the password again unless typed in the last 10 minutes."""

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if is_recent(request):
            return view(request, *args, **kwargs)
        # Back to the same page afterwards; a form's POST is not replayed (the user resubmits),
        # so after a POST back to the page the form was on, never to the form's address (QA:
        # it answered "Cette adresse enregistre un formulaire").
        back = request.get_full_path()
        if request.method != "GET":
            back = _same_site_path(request, request.META.get("HTTP_REFERER", "")) or "/"
        target = reverse("accounts:reauth") + "?" + urlencode({"next": back})
        if getattr(request, "htmx", False):
            response = HttpResponse(status=204)
            response["HX-Redirect"] = target
            return response
        return redirect(target)

    wrapper.vigie_recent_auth = True
    return wrapper
