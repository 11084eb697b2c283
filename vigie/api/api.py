"""The one ninja API object. Each app has its own `api.py` router, mounted here."""

from __future__ import annotations

from functools import wraps
from inspect import iscoroutinefunction

from django.db import DataError
from django.http import Http404, HttpRequest
from django.urls import URLPattern, re_path
from django.utils.translation import gettext as _
from ninja import NinjaAPI
from ninja.errors import (
    AuthenticationError,
    AuthorizationError,
    HttpError,
    Throttled,
    ValidationError,
)

from vigie.api import errors as french
from vigie.api.auth import AUTH
from vigie.core.errors import DomainError


class VigieAPI(NinjaAPI):
    """Ninja's API, answering every error in French JSON (vigie/api/errors.py):
    - a refused parameter: 422 with a French sentence per error, naming the field;
    - a method an address does not take: 405 `{"detail": …}` with `Allow`;
    - an address under /api/ no operation has: 404 `{"detail": …}` (not the HTML page)."""

    def validation_error_from_error_contexts(self, error_contexts) -> ValidationError:
        errors = []
        for context in error_contexts:
            model = context.model
            source = model.__ninja_param_source__
            raw = context.pydantic_validation_error.errors(include_url=False)
            if source != "body":
                # query, path…: the name the caller wrote, as ninja maps it back
                reverse = model.__ninja_flatten_map_reverse__
                raw = [{**e, "loc": reverse.get(e["loc"], e["loc"])} for e in raw]
                model = None
            errors.extend(french.describe(model, source, raw))
        return ValidationError(errors)

    def _get_urls(self):
        urls = super()._get_urls()
        for pattern in urls:
            if not isinstance(pattern, URLPattern):
                continue
            if pattern.name == "api-root":  # /api/ itself: ninja raises an HTML 404 there
                pattern.callback = french.not_found
            elif not iscoroutinefunction(pattern.callback):
                pattern.callback = _json_not_allowed(pattern.callback)
        # Last: any other address under /api/ is a JSON 404, not Vigie's HTML page.
        urls.append(re_path(r"^.*$", french.not_found, name="not-found"))
        return urls


def _json_not_allowed(view):
    """Ninja answers a method an address does not take with a plain-text English 405."""

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        response = view(request, *args, **kwargs)
        if response.status_code == 405 and "Allow" in response:
            return french.not_allowed(request, response["Allow"].split(", "))
        return response

    return wrapper


api = VigieAPI(
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
    if request.headers.get("Authorization", "").lower().startswith("bearer "):
        message = _(
            "Jeton d'accès inconnu ou révoqué : créez-en un nouveau (vigie create_token) "
            "et envoyez-le dans l'en-tête « Authorization: Bearer <jeton> »."
        )
    else:
        message = _("Authentification requise (jeton Bearer ou session).")
    response = api.create_response(request, {"detail": message}, status=401)
    response["WWW-Authenticate"] = "Bearer"
    return response


@api.exception_handler(ValidationError)
def invalid(request: HttpRequest, exc: ValidationError):
    errors = exc.errors
    if not all("field" in e and "msg" in e for e in errors):  # raised by hand, not by ninja
        errors = [
            err
            for e in errors
            for err in french.describe(None, str((e.get("loc") or ["body"])[0]), [e])
        ]
    return api.create_response(
        request, {"detail": french.detail(errors), "errors": errors}, status=422
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
    """Vigie's own HttpErrors are French already; ninja's few are said in French here."""
    message = str(exc)
    if exc.status_code == 400 and message.startswith("Cannot parse request body"):
        message = french.json_error(exc.__cause__)
    elif exc.status_code == 403 and message.startswith("CSRF check"):
        message = _(
            "Vérification CSRF échouée : une requête faite avec la session du navigateur doit "
            "porter le jeton CSRF (en-tête X-CSRFToken) ; un script utilise un jeton Bearer."
        )
    elif isinstance(exc, Throttled):
        message = _("Trop de requêtes : réessayez dans quelques instants.")
    elif isinstance(exc, AuthorizationError) and message == "Forbidden":
        message = _("Accès refusé.")
    return api.create_response(request, {"detail": message}, status=exc.status_code)


def _mount() -> None:
    """Mount the router of every installed app declaring `api_router` (a dotted path) on its
    AppConfig, in INSTALLED_APPS order: a new module's API needs no line here."""
    from django.apps import apps
    from django.utils.module_loading import import_string

    for config in apps.get_app_configs():
        router = getattr(config, "api_router", None)
        if router:
            api.add_router("/v1", import_string(router))


def _input_schemas(annotation, found: list) -> None:
    """The ninja Schemas an input annotation holds (nested ones first), each once."""
    import typing

    from ninja import Schema

    if isinstance(annotation, type) and issubclass(annotation, Schema):
        if annotation in found:
            return
        for info in annotation.model_fields.values():
            _input_schemas(info.annotation, found)
        found.append(annotation)
        return
    for arg in typing.get_args(annotation):
        _input_schemas(arg, found)


def _forbid_unknown_keys() -> None:
    """An unknown key in a request body is refused (422 naming it), never silently ignored: a
    misspelt or misplaced key (`residence_ids` beside `filters` instead of inside) would
    otherwise change what the request does without a word. Applied here to every operation's
    body schema, so that no module has to remember it (vigie/api/tests/test_errors.py checks
    that every body schema forbids them). Output schemas are left alone."""
    operations = [
        op
        for bound in api._get_bound_routers()
        for view in bound.path_operations.values()
        for op in view.operations
    ]
    bodies = [m for op in operations for m in op.models if m.__ninja_param_source__ == "body"]
    outputs: list = []
    for op in operations:
        for model in (getattr(op, "response_models", None) or {}).values():
            for info in getattr(model, "model_fields", {}).values():
                _input_schemas(info.annotation, outputs)
    inputs: list = []
    for body in bodies:
        for info in body.model_fields.values():
            _input_schemas(info.annotation, inputs)
    for schema in inputs:  # nested schemas first: their parents are rebuilt with them
        if schema in outputs or schema.model_config.get("extra") is not None:
            continue  # also an answer, or decided by its author
        schema.model_config = {**schema.model_config, "extra": "forbid"}
        schema.model_rebuild(force=True)
    for body in bodies:
        body.model_rebuild(force=True)


def body_schemas() -> list:
    """Every ninja Schema a request body of the API is read with (for the tests)."""
    found: list = []
    for bound in api._get_bound_routers():
        for view in bound.path_operations.values():
            for op in view.operations:
                for model in op.models:
                    if model.__ninja_param_source__ == "body":
                        for info in model.model_fields.values():
                            _input_schemas(info.annotation, found)
    return found


_mount()
_forbid_unknown_keys()
