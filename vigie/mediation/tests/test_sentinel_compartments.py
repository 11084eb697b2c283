"""The sentinel crawl for the mediation walls (issue #13 "Done when").

The shared world (core/tests/world.py + this app's tests/matrix.py) plants a marker in each
compartment of landlord A's case. Every page, API answer and export the core sentinel crawls
(`test_sentinel.reads`) is read as each persona: a compartment's marker may appear only for a
practitioner assigned with a discipline of that compartment — never for the landlord's staff,
the unassigned mediator or the director without a break-glass — and it must appear for those
who may read it, so the test cannot pass by reading nothing.
"""

from __future__ import annotations

import pytest

from vigie.core.permissions import Role
from vigie.core.tests.test_sentinel import reads
from vigie.core.tests.world import build_world, persona
from vigie.mediation.tests.matrix import MARKERS

pytestmark = pytest.mark.django_db


def test_compartment_markers_reach_only_their_practitioners():
    world = build_world()
    staff = world.extra["mediation"]["staff"]
    readers = {
        "manager at A": (persona(world, Role.MANAGER), set()),
        "caller at A": (persona(world, Role.CALLER), set()),
        "DPO at A": (persona(world, Role.DPO), set()),
        "unassigned mediator": (persona(world, Role.MEDIATOR), set()),
        "director": (persona(world, "mediation_director"), set()),
        "lawyer": (persona(world, "lawyer"), {"legal"}),
        "psychologist": (persona(world, "psychologist"), {"medical"}),
        "mediator with the mediation discipline": (staff["mediator"], {"mediation"}),
    }
    leaks, seen = [], set()
    for who, (user, allowed) in readers.items():
        for what, _name, body, _specific in reads(world, user):
            for compartment, marker in MARKERS.items():
                if marker.encode() in body:
                    if compartment in allowed:
                        seen.add((who, compartment))
                    else:
                        leaks.append(f"{who} reads the {compartment} compartment in {what}")
    assert not leaks, "\n".join(leaks)
    expected = {(who, c) for who, (_u, allowed) in readers.items() for c in allowed}
    assert seen == expected


def test_the_break_glass_opens_every_compartment_to_the_director_only():
    from vigie.mediation import services

    world = build_world()
    director = persona(world, "mediation_director")
    case = world.a.mediation_case
    services.break_glass(actor=director, case=case, reason="Plainte contre un praticien")
    bodies = b"".join(body for _w, _n, body, _s in reads(world, director))
    assert all(marker.encode() in bodies for marker in MARKERS.values())
