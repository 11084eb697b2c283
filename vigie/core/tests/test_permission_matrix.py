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


def test_public_pages_are_only_the_login_page():
    public = [r for r, v in vigie_views() if getattr(v, "login_required", True) is False]
    assert public == ["comptes/connexion/"]
