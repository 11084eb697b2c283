"""The one ninja API object. Each app has its own `api.py` router, mounted here."""

from __future__ import annotations

from django.db import DataError
from django.http import Http404, HttpRequest
from django.utils.translation import gettext as _
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError, ValidationError

from vigie.api.auth import AUTH
from vigie.core.errors import DomainError

api = NinjaAPI(
    title="Vigie API",
    version="1",
    urls_namespace="api",
    auth=AUTH,
    docs_url="/docs",
    openapi_url="/openapi.json",
    description="API de Vigie. Authentification : `Authorization: Bearer <jeton>` "
    '(jeton créé par `vigie create_token UTILISATEUR`). Erreurs : `{"detail": "phrase"}`.',
)


@api.exception_handler(DomainError)
def domain_error(request: HttpRequest, exc: DomainError):
    from vigie.core.sensitivity import SENSITIVE_PERM, SensitiveDataDenied

    if isinstance(exc, SensitiveDataDenied):
        from vigie.core.models import AccessAction
        from vigie.core.services import access_record

        access_record(
            user=request.user, action=AccessAction.DENIED, detail=SENSITIVE_PERM, path=request.path
        )
    return api.create_response(request, {"detail": exc.message}, status=exc.status_code)


@api.exception_handler(Http404)
def not_found(request: HttpRequest, exc):
    return api.create_response(request, {"detail": _("Objet introuvable.")}, status=404)


@api.exception_handler(AuthenticationError)
def unauthenticated(request: HttpRequest, exc):
    return api.create_response(
        request,
        {"detail": _("Authentification requise (jeton Bearer ou session).")},
        status=401,
    )


@api.exception_handler(ValidationError)
def invalid(request: HttpRequest, exc: ValidationError):
    parts = []
    for err in exc.errors:
        loc = ".".join(str(p) for p in err.get("loc", []) if p not in ("body", "payload"))
        parts.append(f"{loc} : {err.get('msg')}" if loc else str(err.get("msg")))
    return api.create_response(
        request,
        {
            "detail": _("Requête invalide — %(errors)s") % {"errors": " ; ".join(parts)},
            "errors": exc.errors,
        },
        status=422,
    )


@api.exception_handler(OverflowError)
@api.exception_handler(DataError)
def out_of_range(request: HttpRequest, exc):
    """A number too large for the database (an id or offset past 2^63) is the caller's error."""
    return api.create_response(
        request,
        {
            "detail": _(
                "Requête invalide — un nombre dépasse les valeurs possibles "
                "(identifiant ou pagination)."
            )
        },
        status=422,
    )


@api.exception_handler(HttpError)
def http_error(request: HttpRequest, exc: HttpError):
    return api.create_response(request, {"detail": str(exc)}, status=exc.status_code)


def _mount() -> None:
    """Mount the router of every installed app declaring `api_router` (a dotted path) on its
    AppConfig, in INSTALLED_APPS order: a new module's API needs no line here."""
    from django.apps import apps
    from django.utils.module_loading import import_string

    for config in apps.get_app_configs():
        router = getattr(config, "api_router", None)
        if router:
            api.add_router("/v1", import_string(router))


_mount()
