"""The projects' part of the shared test world (core/tests/world.py, `module_matrices`).

Each landlord runs a project in its residence, co-funded by a funder organisation of its own
(`Fondation QXALPHA`, `Fondation QXBRAVO`), with a tranche, a report due, a document of the
co-funding, a budget and two indicators. The `funder_viewer` persona is a user of A's funder:
it must read A's project (aggregates) and get 404 on B's.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from vigie.accounts.services import user_create
from vigie.core.models import Organisation, OrganisationKind
from vigie.core.permissions import Role
from vigie.projects import services

PERSONAS = ("funder_viewer",)

# token → the ids of that landlord's objects (rebuilt with each world).
IDS: dict[str, dict[str, int]] = {}


def _blank_pdf() -> bytes:
    from io import BytesIO

    from pypdf import PdfWriter

    writer = PdfWriter()
    writer.add_blank_page(width=200, height=200)
    buf = BytesIO()
    writer.write(buf)
    return buf.getvalue()


def _project(land: Any, funder: Organisation | None = None) -> dict[str, int]:
    manager = land.users[Role.MANAGER]
    funder = funder or Organisation.objects.create(
        slug=f"fondation-{land.token.lower()}",
        name=f"Fondation {land.token}",
        kind=OrganisationKind.FUNDER,
    )
    project = services.project_create(
        actor=manager,
        organisation=land.org,
        title=f"Micro-crèche {land.token}",
        kind="childcare",
        residences=[land.residence],
        starts_on=date(2020, 1, 1),
        summary=f"Action {land.token}",
    )
    co = services.co_funder_add(
        actor=manager, project=project, funder_slug=funder.slug, requested=20000, committed=15000
    )
    tranche = services.tranche_add(
        actor=manager,
        project=project,
        funder_slug=funder.slug,
        amount=7500,
        due_on=date(2020, 3, 1),
    )
    deadline = services.deadline_add(
        actor=manager, co_funder=co, label=f"Bilan {land.token}", due_on=date(2030, 6, 30)
    )
    milestone = services.milestone_set(
        actor=manager, project=project, label=f"Ouverture {land.token}", due_on=date(2020, 9, 1)
    )
    doc = services.document_store(
        actor=manager,
        project=project,
        co_funder=co,
        kind="agreement",
        title=f"Convention {land.token}",
        file_name="convention.pdf",
        content=_blank_pdf(),
    )
    line = services.budget_line_add(
        actor=manager,
        project=project,
        year=2020,
        account="606",
        label=f"Achats {land.token}",
        forecast=1200,
        actual=1100,
    )
    services.budget_line_add(
        actor=manager,
        project=project,
        year=2020,
        account="741",
        label=f"Subvention {land.token}",
        forecast=1200,
        actual=1100,
        funder_slug=funder.slug,
    )
    computed = services.indicator_add(actor=manager, project=project, computed="households_reached")
    services.indicator_add(
        actor=manager,
        project=project,
        label=f"Enfants accueillis {land.token}",
        unit="enfants",
        target=10,
        source="registre de la crèche",
    )
    return {
        "project": project.pk,
        "funder_org": funder.pk,
        "tranche": tranche.pk,
        "deadline": deadline.pk,
        "milestone": milestone.pk,
        "document": doc.pk,
        "line": line.pk,
        "indicator": computed.pk,
    }


def extend_world(world: Any) -> None:
    # One funder organisation reads both modules of landlord A: the food-aid funder persona's
    # (vigie/foodaid/tests/matrix.py, when installed) co-funds A's project too, so every funder
    # persona holds its role where its objects are.
    shared = world.extra_personas.get("foodaid_funder")
    funder_a = shared.memberships.get().organisation if shared is not None else None
    for land in (world.a, world.b):
        IDS[land.token] = _project(land, funder_a if land is world.a else None)
    world.extra["projects"] = {token: dict(ids) for token, ids in IDS.items()}
    funder = Organisation.objects.get(pk=IDS[world.a.token]["funder_org"])
    world.extra_personas["funder_viewer"] = user_create(
        username="funder-viewer", organisation=funder, role=Role.FUNDER_VIEWER
    )


def _id(name: str):
    return lambda land, user: IDS[land.token][name]


PARAMS = {
    ("api", "project_id"): _id("project"),
    ("projects", "pk"): _id("project"),
    ("projects", "tranche_pk"): _id("tranche"),
    ("projects", "deadline_pk"): _id("deadline"),
    ("projects", "milestone_pk"): _id("milestone"),
    ("projects", "doc_pk"): _id("document"),
    ("projects", "line_pk"): _id("line"),
    ("projects", "indicator_pk"): _id("indicator"),
}
