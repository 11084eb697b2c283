"""The permission matrix: every page and every API operation, for every role (issue #5 §1).

For each URL pattern (walked from the URLconf, so a new app's pages are in it as soon as they
are mounted) and each API operation (walked from the OpenAPI document), signed in as each
role, on landlord A's objects and on landlord B's:

- anonymous → the login page (pages) or 401 (API);
- a role without the declared permission → 403 (or 404);
- another organisation's object → 404, never data;
- a role with the permission, on its own organisation's object → a real answer (2xx/3xx, or
  a 4xx the operation documents for a state or input problem — never 403/404/5xx).

Path parameters are filled from PARAMS, keyed by (URL name or namespace, parameter name). A
route with a parameter nobody mapped fails the test: add its factory below.
Every response to a user of one landlord is also checked for the other landlord's token
(`QXBRAVO`), so a list or a search that leaks another organisation's rows fails too.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from django.db import transaction
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver

from vigie.api.api import api
from vigie.api.declare import PERMISSION_KEY
from vigie.core.permissions import ANY_SIGNED_IN, Perm, Role, role_has
from vigie.core.tests.test_permission_matrix import EXEMPT_PREFIXES
from vigie.core.tests.world import (
    PERSONAS,
    Landlord,
    World,
    bearer,
    built_once,
    fresh,
    module_matrices,
    persona,
)

# Who signs in: each persona of landlord A (partner worker and mediator included), and landlord
# B's five roles, so that the walls are checked from both sides.
SIDES = [("a", role) for role in PERSONAS] + [("b", role) for role in PERSONAS[:5]]


def side(world: World, which: str, role: str) -> tuple[Any, Landlord, Landlord]:
    """(user, own landlord, other landlord)."""
    if which == "a":
        return persona(world, role), world.a, world.b
    return world.b.users[role], world.b, world.a


pytestmark = pytest.mark.django_db

LOGIN = "/comptes/connexion/"
NO_OBJECT = object()  # this parameter has no own-organisation object (only the denied checks)


def campaign_for(land: Landlord, user: Any) -> Any:
    """The campaign a role reads: the one with a disability wave when it may see health data,
    else the over-75s one — the first is withheld from it (test_health_wall.py checks that)."""
    if user is not None and not user.has_org_perm(Perm.HOUSEHOLD_VIEW_SENSITIVE, land.org.pk):
        return land.plain_campaign
    return land.campaign


# (URL name, parameter) or (namespace, parameter) → the id in a landlord, given the user.
Factory = Callable[[Landlord, Any], Any]
PARAMS: dict[tuple[str, str], Factory] = {
    ("housing", "pk"): lambda land, u: land.household.pk,
    ("housing:occupant_contact", "pk"): lambda land, u: land.occupant.pk,
    ("housing:residence", "pk"): lambda land, u: land.residence.pk,
    ("housing:import_run", "pk"): lambda land, u: land.import_run.pk,
    ("housing:import_undo_departures", "pk"): lambda land, u: land.import_run.pk,
    # A pending upload lives in the uploader's session files: tested in test_import_web.py.
    ("housing", "token"): lambda land, u: NO_OBJECT,
    ("campaigns", "pk"): lambda land, u: campaign_for(land, u).pk,
    ("campaigns:target_assign", "pk"): lambda land, u: land.waiting_target.pk,
    ("campaigns:record", "pk"): lambda land, u: land.waiting_target.pk,
    ("campaigns:release", "pk"): lambda land, u: land.waiting_target.pk,
    ("campaigns", "wave_pk"): lambda land, u: campaign_for(land, u).waves.order_by("pk").first().pk,
    ("campaigns", "user_pk"): lambda land, u: land.users[Role.CALLER].pk,
    ("campaigns", "action"): lambda land, u: "pause",
    ("privacy", "pk"): lambda land, u: land.occupant.pk,
    ("privacy", "action"): lambda land, u: "opposition",
    ("actions:partner", "pk"): lambda land, u: land.partner.pk,
    ("actions:partner_edit", "pk"): lambda land, u: land.partner.pk,
    # Reference data shared by both landlords (their residences are in Toulouse): the same URL.
    ("actions:ccas_create", "insee"): lambda land, u: land.residence.commune_id,
    ("actions:household_needs", "pk"): lambda land, u: land.household.pk,
    ("actions:need_refer", "pk"): lambda land, u: land.need.pk,
    ("actions:need_ticket", "pk"): lambda land, u: land.need.pk,
    ("actions:need_task", "pk"): lambda land, u: land.need.pk,
    ("actions:referral", "pk"): lambda land, u: land.referral.pk,
    ("actions:referral_move", "pk"): lambda land, u: land.referral.pk,
    ("actions:ticket", "pk"): lambda land, u: land.ticket.pk,
    ("actions:ticket_move", "pk"): lambda land, u: land.ticket.pk,
    ("actions:task", "pk"): lambda land, u: land.task.pk,
    ("actions:task_move", "pk"): lambda land, u: land.task.pk,
    ("actions:report_csv", "pk"): lambda land, u: campaign_for(land, u).pk,
    ("actions:report_xlsx", "pk"): lambda land, u: campaign_for(land, u).pk,
    ("accounts", "pk"): lambda land, u: land.users[Role.CALLER].pk,
    ("accounts:user_role_remove", "pk"): lambda land, u: (
        land.users[Role.CALLER].memberships.get().pk
    ),
    # Public pages reached from an e-mail link: tested in accounts/tests/test_admin_users.py.
    ("accounts", "uidb64"): lambda land, u: NO_OBJECT,
    ("accounts", "token"): lambda land, u: NO_OBJECT,
    ("api", "household_id"): lambda land, u: land.household.pk,
    ("api", "campaign_id"): lambda land, u: campaign_for(land, u).pk,
    ("api", "target_id"): lambda land, u: land.waiting_target.pk,
    ("api", "partner_id"): lambda land, u: land.partner.pk,
    ("api", "need_id"): lambda land, u: land.need.pk,
    ("api", "referral_id"): lambda land, u: land.referral.pk,
    ("api", "ticket_id"): lambda land, u: land.ticket.pk,
    ("api", "task_id"): lambda land, u: land.task.pk,
}

for _module in module_matrices():
    PARAMS.update(getattr(_module, "PARAMS", {}))

# Pages that end the session: checked anonymously only (they would sign the persona out).
SIGNS_OUT = {"accounts:logout"}

PARAM_RE = re.compile(r"<(?:(\w+):)?(\w+)>")


def _walk(patterns, prefix="", namespace=""):
    for p in patterns:
        if isinstance(p, URLResolver):
            ns = p.namespace or namespace
            yield from _walk(p.url_patterns, prefix + str(p.pattern), ns)
        elif isinstance(p, URLPattern):
            yield prefix + str(p.pattern), namespace, p.name, p.callback


def pages() -> Iterator[tuple[str, str, str, Any]]:
    for route, namespace, name, view in _walk(get_resolver().url_patterns):
        if not route.startswith(EXEMPT_PREFIXES):
            yield route, namespace, f"{namespace}:{name}", view


def factory_for(namespace: str, name: str, param: str) -> Factory | None:
    return PARAMS.get((name, param)) or PARAMS.get((namespace, param))


def fill(route: str, namespace: str, name: str, land: Landlord, user: Any) -> str | None:
    """The concrete URL of `route` on `land`'s objects; None when it has no such object."""
    values = {}
    for _conv, param in PARAM_RE.findall(route):
        value = factory_for(namespace, name, param)(land, user)
        if value is NO_OBJECT:
            return None
        values[param] = value
    return "/" + PARAM_RE.sub(lambda m: str(values[m.group(2)]), route)


def declared(view) -> str | None:
    return getattr(view, "vigie_permission", None) or getattr(
        getattr(view, "view_class", None), "vigie_permission", None
    )


# What a POST-only page needs in its form to get past input checks (else an empty form).
POST_DATA: dict[str, Callable[[Landlord], dict]] = {
    "campaigns:target_assign": lambda land: {"caller": land.users[Role.CALLER].pk},
}


def request(client: Client, url: str, data: dict | None = None) -> Any:
    """GET, or POST for a POST-only page; rolled back, so pages don't interact."""
    with transaction.atomic():
        response = client.get(url)
        if response.status_code == 405:
            response = client.post(url, data or {})
        transaction.set_rollback(True)
    return response


def content(response) -> bytes:
    if getattr(response, "streaming", False):
        return b"".join(response.streaming_content)
    return response.content


def test_every_route_parameter_is_mapped():
    missing = [
        f"{name} <{param}>"
        for route, namespace, name, _view in pages()
        for _conv, param in PARAM_RE.findall(route)
        if factory_for(namespace, name, param) is None
    ]
    missing += [
        f"{method.upper()} {path} {{{param}}}"
        for path, method, _op in api_operations()
        for param in re.findall(r"{(\w+)}", path)
        if factory_for("api", "api", param) is None
    ]
    assert not missing, f"Add these parameters to PARAMS in {__file__}: {missing}"


@pytest.fixture(scope="module")
def shared_world(django_db_setup, django_db_blocker) -> Iterator[World]:
    """Built once for the module (~0.5 s a build, 40-odd tests); see `built_once`."""
    with built_once(django_db_blocker) as world:
        yield world


@pytest.fixture
def world(shared_world, db) -> World:
    return fresh(shared_world)


def _leaks_other(body: bytes, other: Landlord) -> bool:
    return other.token.encode() in body


@pytest.mark.parametrize("which,role", SIDES)
def test_pages_matrix(world, which, role):
    user, own, other = side(world, which, role)
    client = Client()
    client.force_login(user)
    failures = []
    links: dict[str, str] = {}  # a link found on a page → the first page it was on
    for route, namespace, name, view in pages():
        perm = declared(view)
        if perm is None or name in SIGNS_OUT:
            continue  # test_permission_matrix.py fails for it; login page is public
        allowed = perm == ANY_SIGNED_IN or any(role_has(r, perm) for r in user.roles())
        own_url = fill(route, namespace, name, own, user)
        other_url = fill(route, namespace, name, other, user)
        if own_url is not None:
            response = request(client, own_url, POST_DATA.get(name, lambda land: {})(own))
            status, body = response.status_code, content(response)
            if not allowed and status not in (403, 404):
                failures.append(f"{own_url} ({perm}) answered {status}, expected 403")
            if allowed and (status >= 500 or status in (403, 404)):
                failures.append(f"{own_url} ({perm}) answered {status} on own object")
            # A page read: 200, or a redirect within Vigie (the home page sends each role on).
            if allowed and response.request["REQUEST_METHOD"] == "GET":
                if status not in (200, 302) or response.get("Location", "").startswith(LOGIN):
                    failures.append(f"GET {own_url} ({perm}) answered {status}, expected 200")
                if status == 200:
                    for href in LINK_RE.findall(body.decode(errors="replace")):
                        links.setdefault(href, own_url)
            if _leaks_other(body, other):
                failures.append(f"{own_url} shows {other.token}'s data")
        if other_url != own_url and other_url is not None:
            response = request(client, other_url, POST_DATA.get(name, lambda land: {})(other))
            if response.status_code not in ((404,) if allowed else (403, 404)):
                failures.append(f"{other_url} (other landlord) answered {response.status_code}")
    failures += _links_refused(user, links)
    assert not failures, f"{role} of {own.token}:\n" + "\n".join(failures)


# A link inside Vigie on a page (not a static file, not a fragment).
LINK_RE = re.compile(r'<a\b[^>]*\bhref="(/(?!static/|media/)[^"#?]*)')


def _links_refused(user, links: dict[str, str]) -> list[str]:
    """Links a page offers that the user's roles may not open: a page never shows a way to
    "Accès refusé" (issue #12 §6 says it of menus; the QA found it on the reports page)."""
    from django.urls import Resolver404, resolve

    out = []
    for href, page in links.items():
        try:
            match = resolve(href)
        except Resolver404:
            continue
        perm = declared(match.func)
        if perm is None or perm == ANY_SIGNED_IN:
            continue
        if not any(role_has(r, perm) for r in user.roles()):
            out.append(f"{page} links to {href}, which needs {perm}")
    return out


def test_pages_send_anonymous_to_login(world):
    client = Client()
    failures = []
    for route, namespace, name, view in pages():
        if declared(view) is None:
            continue
        url = fill(route, namespace, name, world.a, None) or fill(
            route, namespace, name, world.b, None
        )
        if url is None:
            url = "/" + PARAM_RE.sub("4f2b8a1e-2c57-4f3c-9a11-0b7f6d2e9c33", route)
        response = request(client, url)
        if response.status_code != 302 or not response["Location"].startswith(LOGIN):
            failures.append(f"{url}: {response.status_code}")
    assert not failures, failures


# --- The API ----------------------------------------------------------------------------------


def schema() -> dict:
    return api.get_openapi_schema()


def api_operations() -> Iterator[tuple[str, str, dict]]:
    for path, methods in schema()["paths"].items():
        for method, op in methods.items():
            yield path, method, op


def example(node: dict, doc: dict) -> Any:
    """A minimal value valid against a JSON schema (required properties only)."""
    if "$ref" in node:
        target = doc
        for part in node["$ref"].lstrip("#/").split("/"):
            target = target[part]
        return example(target, doc)
    for combo in ("anyOf", "oneOf", "allOf"):
        if combo in node:
            options = [o for o in node[combo] if o.get("type") != "null"] or node[combo]
            return example(options[0], doc)
    if "default" in node:
        return node["default"]
    kind = node.get("type")
    if kind == "object":
        return {
            k: example(v, doc)
            for k, v in node.get("properties", {}).items()
            if k in node.get("required", [])
        }
    if kind == "array":
        return []
    if kind == "string":
        return {"date": "2020-03-17", "date-time": "2020-03-17T10:00:00+01:00"}.get(
            node.get("format", ""), "x"
        )
    if kind in ("integer", "number"):
        return 1
    if kind == "boolean":
        return False
    return None


def api_body(op: dict, doc: dict, land: Landlord | None = None, user: Any = None) -> dict | None:
    """A minimal valid body; its required ids (`need_id`…) name `land`'s objects, from PARAMS,
    so that an operation creating something from an object reaches its real checks."""
    content = op.get("requestBody", {}).get("content", {}).get("application/json")
    if not content:
        return None
    body = example(content["schema"], doc)
    if land is not None and isinstance(body, dict):
        for key in body:
            if ("api", key) in PARAMS:
                body[key] = PARAMS[("api", key)](land, user)
    return body


def api_url(path: str, land: Landlord, user: Any) -> str:
    return re.sub(r"{(\w+)}", lambda m: str(PARAMS[("api", m.group(1))](land, user)), path)


def api_call(client: Client, method: str, url: str, body: Any, **headers) -> Any:
    with transaction.atomic():
        if body is None:
            response = getattr(client, method)(url, **headers)
        else:
            response = getattr(client, method)(
                url, body, content_type="application/json", **headers
            )
        transaction.set_rollback(True)
    return response


def test_every_api_operation_declares_its_permission_and_errors():
    missing, undocumented = [], []
    for path, method, op in api_operations():
        if PERMISSION_KEY not in op:
            missing.append(f"{method.upper()} {path}")
        codes = {str(c) for c in op.get("responses", {})}
        if not {"401", "403", "404", "422"} <= codes:
            undocumented.append(f"{method.upper()} {path}: {sorted(codes)}")
    assert not missing, (
        f"API operations without a declared permission (use **needs(Perm.X, …), "
        f"vigie/api/declare.py): {missing}"
    )
    assert not undocumented, f"API operations not declaring their error answers: {undocumented}"


@pytest.mark.parametrize("which,role", SIDES)
def test_api_matrix(world, which, role):
    doc = schema()
    user, own, other = side(world, which, role)
    client = Client()
    auth = bearer(user)
    failures = []
    for path, method, op in api_operations():
        perm = op[PERMISSION_KEY]
        allowed = any(role_has(r, perm) for r in user.roles())
        body = api_body(op, doc, own, user)
        own_url = api_url(path, own, user)
        other_url = api_url(path, other, user)
        response = api_call(client, method, own_url, body, **auth)
        status = response.status_code
        if not allowed and status not in (403, 404):
            failures.append(f"{method.upper()} {own_url} ({perm}) answered {status}, expected 403")
        if allowed and (status >= 500 or status in (401, 403, 404)):
            failures.append(f"{method.upper()} {own_url} ({perm}) answered {status} on own object")
        if allowed and method == "get" and status != 200:
            failures.append(f"GET {own_url} ({perm}) answered {status}, expected 200")
        if status not in {int(c) for c in op["responses"]}:
            failures.append(f"{method.upper()} {own_url}: undocumented status {status}")
        if _leaks_other(response.content, other):
            failures.append(f"{method.upper()} {own_url} shows {other.token}'s data")
        if other_url != own_url:
            response = api_call(client, method, other_url, body, **auth)
            if response.status_code not in ((404,) if allowed else (403, 404)):
                failures.append(
                    f"{method.upper()} {other_url} (other landlord) answered {response.status_code}"
                )
    assert not failures, f"{role} of {own.token}:\n" + "\n".join(failures)


def test_api_without_credentials_is_401(world):
    doc = schema()
    client = Client()
    failures = []
    for path, method, op in api_operations():
        url = api_url(path, world.a, None)
        status = api_call(client, method, url, api_body(op, doc)).status_code
        if status != 401:
            failures.append(f"{method.upper()} {url}: {status}")
    bad = {"HTTP_AUTHORIZATION": "Bearer vg_not-a-token"}
    for path, method, op in api_operations():
        url = api_url(path, world.a, None)
        status = api_call(client, method, url, api_body(op, doc), **bad).status_code
        if status != 401:
            failures.append(f"{method.upper()} {url} with a bad token: {status}")
    assert not failures, failures


def test_a_revoked_or_expired_token_is_refused(world):
    from django.utils import timezone

    from vigie.accounts.models import ApiToken

    user = world.a.users[Role.MANAGER]
    client = Client()
    for change in ({"revoked_at": timezone.now()}, {"expires_at": timezone.now()}):
        token, raw = ApiToken.issue(user=user)
        assert (
            client.get("/api/v1/campaigns", HTTP_AUTHORIZATION=f"Bearer {raw}").status_code == 200
        )
        ApiToken.objects.filter(pk=token.pk).update(**change)
        assert (
            client.get("/api/v1/campaigns", HTTP_AUTHORIZATION=f"Bearer {raw}").status_code == 401
        )


def test_api_schema_names_are_unique():
    """The OpenAPI document keys schemas by class name: two `HouseholdOut` in two apps would
    silently document one operation with the other's schema (schemathesis found it)."""
    import inspect
    from collections import defaultdict

    from ninja import Schema

    by_name = defaultdict(set)
    for _prefix, router in api._routers:
        for path_view in router.path_operations.values():
            for operation in path_view.operations:
                module = inspect.getmodule(operation.view_func)
                for value in vars(module).values():
                    if inspect.isclass(value) and issubclass(value, Schema) and value is not Schema:
                        by_name[value.__name__].add(f"{value.__module__}.{value.__qualname__}")
    clashes = {name: sorted(where) for name, where in by_name.items() if len(where) > 1}
    assert not clashes, f"Schema classes sharing a name across the API: {clashes}"
