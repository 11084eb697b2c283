"""Deny by default: every page declares the permission it needs (issue #5 §1)."""

from django.urls import URLPattern, URLResolver, get_resolver

# Django's own machinery, outside Vigie's pages: the admin (staff only), the language switch,
# the API (ninja checks its own auth per operation, see vigie/api/tests).
EXEMPT_PREFIXES = ("admin/", "i18n/", "api/")


def _walk(patterns, prefix=""):
    for p in patterns:
        if isinstance(p, URLResolver):
            yield from _walk(p.url_patterns, prefix + str(p.pattern))
        elif isinstance(p, URLPattern):
            yield prefix + str(p.pattern), p.callback


def vigie_views():
    for route, view in _walk(get_resolver().url_patterns):
        if route.startswith(EXEMPT_PREFIXES):
            continue
        yield route, view


def test_every_page_declares_a_permission_or_is_public_on_purpose():
    missing = []
    for route, view in vigie_views():
        public = getattr(view, "login_required", True) is False
        view_class = getattr(view, "view_class", None)
        declared = getattr(view, "vigie_permission", None) or getattr(
            view_class, "vigie_permission", None
        )
        if not public and not declared:
            missing.append(route)
    assert not missing, f"Pages without a declared permission: {missing}"


def test_public_pages_are_only_the_login_and_forgotten_password_pages():
    public = [r for r, v in vigie_views() if getattr(v, "login_required", True) is False]
    assert public == [
        "comptes/connexion/",
        "comptes/mot-de-passe-oublie/",
        "comptes/mot-de-passe-oublie/envoye/",
        "comptes/mot-de-passe/<uidb64>/<token>/",
        "comptes/mot-de-passe/choisi/",
    ]


def test_api_schema_names_are_unique():
    """Two schemas with one name would make the OpenAPI spec describe one of them wrongly."""
    from collections import Counter

    from ninja import Schema

    from vigie.api.api import api

    api.get_openapi_schema()  # imports every router
    names = Counter(
        cls.__name__
        for cls in _all_subclasses(Schema)
        if cls.__module__.startswith("vigie.") and ".tests." not in cls.__module__
    )
    assert not [n for n, k in names.items() if k > 1]


def _all_subclasses(cls):
    for sub in cls.__subclasses__():
        yield sub
        yield from _all_subclasses(sub)
