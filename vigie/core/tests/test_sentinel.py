"""Sensitive fields stay behind their walls, on every page, API answer and export (issue #5 §2).

A unique marker is planted in each sensitive field of landlord A — call notes
(`call.notes_view`), the disability cohort's label and the health needs' labels
(`household.view_sensitive`) — then every GET page (filled with A's ids, plus the register's
search and cohort filter), every API operation and every export (CSV, XLSX, JSON) is read as
each role. A marker may appear only for a role holding its permission *in landlord A*; and it
must appear somewhere for the roles that hold it, so the test cannot pass by reading nothing.

Labels are not enough: a list filtered by disability says who has one by who is *in* it. So
the references of A's households with a disability are markers too, on every read that
selects households by health data (SELECTIVE_GETS: the cohort filter, the lists of the
campaign with a disability wave). And besides one persona per role, a person with two
memberships reads everything: administrator at A (no health data) and manager at B (health
data) — B's right must not open A's wall (docs/decisions/0010).
"""

from __future__ import annotations

import io
import json
import re
import zipfile

import pytest
from django.test import Client

from vigie.accounts.models import User
from vigie.campaigns.choices import SENSITIVE_NEEDS, NeedKind
from vigie.campaigns.models import Need, ScriptQuestion
from vigie.core.permissions import Perm, Role
from vigie.core.tests.test_matrix import (
    PARAM_RE,
    SIGNS_OUT,
    api_body,
    api_call,
    api_operations,
    api_url,
    declared,
    fill,
    pages,
    schema,
)
from vigie.core.tests.world import (
    DISABILITY_WAVE,
    NOTES_MARKER,
    PERSONAS,
    bearer,
    build_world,
    persona,
)
from vigie.housing.choices import Cohort
from vigie.housing.models import Household

pytestmark = pytest.mark.django_db

DISABILITY_MARKER = "SENTINELDISABILITY"
HEALTH_MARKER = "SENTINELHEALTH"

# marker → the permission that lets a role read it. Raw values in JSON count too.
WALLS: dict[str, tuple[str, list[bytes]]] = {
    "notes": (Perm.CALL_NOTES_VIEW, [NOTES_MARKER.encode()]),
    "disability": (
        Perm.HOUSEHOLD_VIEW_SENSITIVE,
        [
            DISABILITY_MARKER.encode(),
            # The "handicap" tag of the household page and the console.
            b'class="tag warn">handicap<',
            b'"disability"',  # a cohort, as a JSON value (see json_values)
        ],
    ),
    # The disability wave's name, next to a household (see DEFINITION_PAGES).
    "disability wave": (Perm.HOUSEHOLD_VIEW_SENSITIVE, [DISABILITY_WAVE.encode()]),
    "health needs": (
        Perm.HOUSEHOLD_VIEW_SENSITIVE,
        [HEALTH_MARKER.encode()] + [f'"{n}"'.encode() for n in SENSITIVE_NEEDS],
    ),
}

# The partner directory lists the services partners offer ("health", "medication"…): a
# partner's offer, not a household's need — only the need codes are exempt there, not labels.
SERVICE_PAGES = {
    "actions:partners",
    "actions:partner",
    "actions:partner_new",
    "actions:partner_edit",
}
SERVICE_CODES = {f'"{n}"' for n in SENSITIVE_NEEDS}

# A data-subject access request (RGPD art. 15) hands the person everything held on them, call
# notes included: the DPO (privacy.subject_rights) reads them there and only there.
SUBJECT_PAGES = {"privacy:person", "privacy:person_export"}


def shared_with_consent(world, role: str, what: str) -> bool:
    """The referral of landlord A shares the household's disability with its consent: the
    worker of the partner it was sent to reads it on that referral, nowhere else."""
    pk = world.a.referral.pk
    return role == Role.PARTNER_WORKER and what in (
        f"GET /actions/orientations/{pk}/",
        f"API GET /api/v1/referrals/{pk}",
    )


# Extra reads beyond the bare URL patterns: the register's search and filters.
EXTRA_GETS = ["/registre/?cohort=disability", "/registre/?q=QXALPHA", "/registre/?status=all"]


def selective_gets(world) -> list[str]:
    """Reads whose result is a selection by health data: being listed there says it. The
    crawl fills campaign URLs with the campaign each role may read (test_matrix.campaign_for);
    these ask for the one with a disability wave whoever reads."""
    pk = world.a.campaign.pk
    return [
        "/registre/?cohort=disability",
        "/registre/?cohort=disability&status=all",
        "/registre/?cohort=disability&ordre=has_disability",
        f"/campagnes/{pk}/",
        f"/campagnes/{pk}/planificateur/",
        f"/campagnes/{pk}/tableau-de-bord/",
        f"/campagnes/{pk}/injoignables/",
        f"/campagnes/{pk}/sans-telephone/",
        f"/campagnes/{pk}/rappels/",
        f"/campagnes/{pk}/feuille/",
        f"/campagnes/{pk}/feuille.csv",
        f"/api/v1/campaigns/{pk}",
        f"/api/v1/campaigns/{pk}/stats",
    ]


def disability_refs(world) -> list[bytes]:
    """References of landlord A's households with a disability."""
    return [
        ref.encode()
        for ref in Household.objects.filter(
            organisation=world.a.org, has_disability=True
        ).values_list("reference", flat=True)
    ]


def two_orgs_user(world) -> User:
    """Administrator at A (no health data there), manager at B (health data there)."""
    from vigie.accounts.services import user_create

    user = user_create(username="duo", organisation=world.a.org, role=Role.ADMIN)
    user_create(username="duo", organisation=world.b.org, role=Role.MANAGER)
    return User.objects.get(pk=user.pk)


@pytest.fixture
def planted(monkeypatch):
    """The sensitive labels replaced by markers, wherever Vigie reads them from."""
    monkeypatch.setattr(Cohort.DISABILITY, "_label_", DISABILITY_MARKER)
    for need in SENSITIVE_NEEDS:
        monkeypatch.setattr(NeedKind(need), "_label_", f"{HEALTH_MARKER}-{need}")
    for model, name in ((Need, "kind"), (ScriptQuestion, "maps_to_need")):
        monkeypatch.setattr(model._meta.get_field(name), "choices", NeedKind.choices)
    return build_world()


def readable(response) -> bytes:
    """The text of a page, a CSV, a JSON answer, or every cell of an XLSX workbook."""
    raw = (
        b"".join(response.streaming_content)
        if getattr(response, "streaming", False)
        else response.content
    )
    if raw[:2] == b"PK":
        with zipfile.ZipFile(io.BytesIO(raw)) as z:
            raw = b"".join(z.read(n) for n in z.namelist() if n.endswith(".xml"))
    if raw[:5] == b"%PDF-":  # a report (projects' funder PDF): its text
        from pypdf import PdfReader

        raw = "\n".join(p.extract_text() for p in PdfReader(io.BytesIO(raw)).pages).encode()
    return raw


def json_values(raw: bytes) -> bytes:
    """An API answer's values, without keys and without campaign definitions.

    Keys name fields (`"disability": null` says nothing); a wave's cohort list is how a
    manager defined the campaign, not a household's data.
    """
    out: list[str] = []

    def walk(node):
        if isinstance(node, dict):
            for key, value in node.items():
                if key != "waves":
                    walk(value)
        elif isinstance(node, list):
            for value in node:
                walk(value)
        elif node is not None:
            out.append(json.dumps(node, ensure_ascii=False))

    walk(json.loads(raw or b"null"))
    return "\n".join(out).encode()


def reads(world, user: User) -> list[tuple[str, str, bytes, bool]]:
    """Everything `user` can read in landlord A: (what, URL name, body, about A only).

    "About A only": a page or answer on one of A's objects (its URL has an id). Lists and
    forms without one may mix the organisations of a person with several memberships.
    """
    out = []
    client = Client()
    client.force_login(user)
    urls = []
    for route, namespace, name, view in pages():
        if declared(view) is None or name in SIGNS_OUT:
            continue
        url = fill(route, namespace, name, world.a, user)
        if url is not None:
            specific = bool(PARAM_RE.findall(route))
            urls.append((name, url, specific))
            if name in ("campaigns:sheet", "campaigns:sheet_csv", "campaigns:sheet_xlsx"):
                # A manager prints any caller's sheet.
                urls.append((name, f"{url}?caller={world.a.users[Role.CALLER].pk}", specific))
    for name, url, specific in urls + [("housing:households", url, False) for url in EXTRA_GETS]:
        response = client.get(url)
        if response.status_code == 200:
            out.append((f"GET {url}", name, readable(response), specific))
    for url in selective_gets(world):
        if url.startswith("/api/"):
            response = api_call(Client(), "get", url, None, **bearer(user))
            body = json_values(response.content) if response.status_code == 200 else b""
        else:
            response = client.get(url)
            body = readable(response) if response.status_code == 200 else b""
        if body:
            out.append((f"GET {url}", "selective", body, "/campagnes/" in url or "/api/" in url))
    doc = schema()
    auth = bearer(user)
    for path, method, op in api_operations():
        url = api_url(path, world.a, user)
        response = api_call(Client(), method, url, api_body(op, doc, world.a, user), **auth)
        if response.status_code < 300:
            specific = "{" in path
            body = (
                json_values(response.content)
                if response.get("Content-Type", "").startswith("application/json")
                else readable(response)  # a file the API serves (a PDF report)
            )
            out.append((f"API {method.upper()} {url}", "api", body, specific))
    # The next call a caller is given (the household not reached, with its notes).
    response = api_call(
        Client(), "post", f"/api/v1/campaigns/{world.a.campaign.pk}/next-call", None, **auth
    )
    if response.status_code == 200:
        out.append(("API next-call", "api", json_values(response.content), True))
    return out


def test_sensitive_markers_appear_only_for_roles_holding_the_permission(planted):
    world = planted
    walls = dict(WALLS)
    walls["disability membership"] = (Perm.HOUSEHOLD_VIEW_SENSITIVE, disability_refs(world))
    assert len(walls["disability membership"][1]) == 3
    # A's own call notes (B's carry the same marker with B's token).
    walls["A's notes"] = (Perm.CALL_NOTES_VIEW, [f"{NOTES_MARKER} {world.a.token}".encode()])
    # The campaign with a disability wave: its name anywhere (a call on a household's history,
    # a list) says the household was selected for its health (the QA finding of issue #10).
    walls["health campaign"] = (
        Perm.HOUSEHOLD_VIEW_SENSITIVE,
        [world.a.campaign.name.encode()],
    )
    about_a_only = {"disability membership", "A's notes", "health campaign"}
    leaks, seen = [], {wall: False for wall in walls}
    seen["disability shared with consent"] = False
    readers = [(role, persona(world, role)) for role in PERSONAS]
    readers.append(("administrator at A and manager at B", two_orgs_user(world)))
    for role, user in readers:
        for what, name, body, specific in reads(world, user):
            for wall, (perm, markers) in walls.items():
                if wall == "disability membership" and name != "selective":
                    continue  # a household in an unfiltered list says nothing of its health
                if wall == "health needs" and name in SERVICE_PAGES:
                    markers = [m for m in markers if m.decode() not in SERVICE_CODES]
                found = [m.decode() for m in markers if m in body]
                if not found:
                    continue
                # On a page about A, or for a marker only A has, the right must be held in A;
                # a list may mix A and B for a person with both memberships.
                in_a = specific or wall in about_a_only
                if user.has_org_perm(perm, world.a.org.pk if in_a else None):
                    seen[wall] = True
                elif wall == "disability" and shared_with_consent(world, role, what):
                    seen["disability shared with consent"] = True
                elif (
                    wall in ("notes", "A's notes")
                    and name in SUBJECT_PAGES
                    and user.has_org_perm(Perm.SUBJECT_RIGHTS, world.a.org.pk)
                ):
                    continue
                else:
                    leaks.append(f"{role} reads {wall} ({', '.join(found)}) in {what}")
    assert not leaks, "\n".join(leaks)
    # The crawl really reached the sensitive data for the roles allowed to read it.
    assert all(seen.values()), seen


def test_the_admin_is_for_superusers_only(planted):
    """A staff account, even with every model permission, does not reach the admin."""
    from django.contrib.auth.models import Permission

    staff = User.objects.create(username="support", is_staff=True)
    staff.user_permissions.set(Permission.objects.all())
    client = Client()
    client.force_login(staff)
    for url in ("/admin/", "/admin/campaigns/attempt/", "/admin/housing/occupant/"):
        response = client.get(url)
        assert response.status_code == 302 and "/admin/login/" in response["Location"], url


def test_the_admin_does_not_show_call_notes_even_to_a_superuser(planted):
    admin = User.objects.create(username="root", is_staff=True, is_superuser=True)
    client = Client()
    client.force_login(admin)
    pk = planted.a.attempt.pk
    for url in ("/admin/campaigns/attempt/", f"/admin/campaigns/attempt/{pk}/change/"):
        response = client.get(url)
        assert response.status_code == 200, url
        assert NOTES_MARKER.encode() not in response.content, url


def test_markers_are_really_planted(planted):
    assert Cohort.DISABILITY.label == DISABILITY_MARKER
    assert re.match(HEALTH_MARKER, str(NeedKind.HEALTH.label))


def test_the_journal_holds_no_health_details(planted):
    """Recording calls with notes and health needs leaves journal rows without either."""
    from vigie.core.models import AuditEvent

    payloads = json.dumps(list(AuditEvent.objects.values_list("payload", flat=True)))
    assert AuditEvent.objects.filter(action="attempt.recorded").count() >= 2
    assert NOTES_MARKER not in payloads
    for need in SENSITIVE_NEEDS:
        assert f'"{need}"' not in payloads, need
    assert '"disability"' not in payloads
