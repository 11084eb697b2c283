"""Second factor: enrol a TOTP app, then type its code at each sign-in."""

from __future__ import annotations

import segno
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import authenticate
from django.db import transaction
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django_otp import login as otp_login
from django_otp.plugins.otp_totp.models import TOTPDevice

from vigie.accounts.reauth import mark_authenticated
from vigie.accounts.twofactor import is_verified
from vigie.core.permissions import ANY_SIGNED_IN, requires
from vigie.core.services import audit_log


def _next(request) -> str:
    target = request.POST.get("next") or request.GET.get("next") or "/"
    if not url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        return "/"
    return target


@requires(ANY_SIGNED_IN)
def two_factor(request):
    user = request.user
    if is_verified(user):
        return redirect(_next(request))
    device = TOTPDevice.objects.filter(user=user, confirmed=True).first()
    enrolling = device is None
    if enrolling:
        device = TOTPDevice.objects.filter(
            user=user, confirmed=False
        ).first() or TOTPDevice.objects.create(
            user=user, name=_("Application d'authentification"), confirmed=False
        )
    error = ""
    if request.method == "POST":
        token = "".join(request.POST.get("token", "").split())
        allowed, _why = device.verify_is_allowed()
        if not allowed:
            error = _("Trop d'essais erronés : patientez quelques secondes avant de réessayer.")
        elif token.isdigit() and device.verify_token(token):
            with transaction.atomic():
                if enrolling:
                    device.confirmed = True
                    device.save(update_fields=["confirmed"])
                    audit_log(actor=user, action="two_factor.enrolled", obj=user)
                otp_login(request, device)
            messages.success(request, _("Double authentification vérifiée."))
            return redirect(_next(request))
        else:
            error = _(
                "Ce code n'est pas valide : tapez les 6 chiffres affichés en ce moment par "
                "votre application."
            )
    ctx = {"enrolling": enrolling, "error": error, "next": _next(request)}
    if enrolling:
        ctx["qr_svg"] = segno.make(device.config_url, error="m").svg_data_uri(scale=4)
        from base64 import b32encode

        ctx["secret"] = b32encode(device.bin_key).decode()
    return TemplateResponse(request, "accounts/two_factor.html", ctx)


@requires(ANY_SIGNED_IN)
def reauth(request):
    """Type one's password again before a bulk export or a role change (accounts/reauth.py)."""
    error = ""
    if request.method == "POST":
        # Through authenticate(), so django-axes counts failures and locks out as at login.
        user = authenticate(
            request, username=request.user.get_username(), password=request.POST.get("password", "")
        )
        if user is not None and user.pk == request.user.pk:
            mark_authenticated(request)
            audit_log(actor=request.user, action="auth.reauthenticated", obj=request.user)
            return redirect(_next(request))
        error = _("Mot de passe incorrect.")
    return TemplateResponse(
        request,
        "accounts/reauth.html",
        {"error": error, "next": _next(request), "minutes": settings.VIGIE_REAUTH_MINUTES},
    )
