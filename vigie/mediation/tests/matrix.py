"""The mediation centre in the shared test world (core/tests/world.py, test_matrix, sentinel).

Landlord A's case: referred by A's manager to L'Amandier (which serves A), a dispute between
A's household and an outside person, both consented (in progress), one session, a note in each
compartment carrying a marker. Landlord B's case goes to another centre, "Centre QXBRAVO", so
that nothing of it may reach A's people or L'Amandier's.

Personas of the centre: the director (may break the glass), a psychologist (medical) and a
lawyer (legal), both assigned to A's case; the world's mediator (no discipline, not assigned)
reads the case and no note.
"""

from __future__ import annotations

from datetime import date, datetime

from django.utils import timezone

from vigie.accounts.services import user_create
from vigie.core.models import Organisation, OrganisationKind
from vigie.core.permissions import Role

PERSONAS = ("mediation_director", "psychologist", "lawyer")
MARKERS = {
    "mediation": "SENTINELMEDIATIONNOTE",
    "legal": "SENTINELLEGALNOTE",
    "medical": "SENTINELMEDICALNOTE",
}


def _case(land, centre, practitioners):
    from vigie.mediation import services
    from vigie.mediation.models import Party

    manager = land.users[Role.MANAGER]
    case = services.referral_create(
        actor=manager,
        centre=centre.slug,
        type="dispute",
        households=[land.household.pk],
        others=[{"name": f"Voisin {land.token}", "phone": "05 61 00 00 09"}],
        trouble="noise",
        intensity=2,
        summary=f"Bruit la nuit {land.token}",
    )
    director = practitioners["director"]
    services.case_accept(actor=director, case=case)
    for party in Party.objects.filter(case=case):
        case = services.consent_record(
            actor=director, case=case, party=party, given_on=date(2020, 3, 10), how="oral"
        )
    session = services.session_plan(
        actor=director,
        case=case,
        kind="joint",
        parties=[p.pk for p in Party.objects.filter(case=case)],
        modality="video",
        video_url="https://visio.example.org/salle",
        starts_at=timezone.make_aware(datetime(2020, 3, 20, 10, 0)),
        practitioners=[practitioners[k] for k in ("mediator", "lawyer", "psychologist")],
    )
    for key, compartment in (
        ("mediator", "mediation"),
        ("lawyer", "legal"),
        ("psychologist", "medical"),
    ):
        services.note_write(
            actor=practitioners[key],
            case=case,
            compartment=compartment,
            text=f"{MARKERS[compartment]} {land.token}",
        )
    case.refresh_from_db()
    return case, session


def _centre(slug: str, name: str, landlord, practitioners_of=None):
    from vigie.mediation import services

    centre = Organisation.objects.filter(slug=slug).first() or Organisation.objects.create(
        slug=slug, name=name, kind=OrganisationKind.MEDIATION_CENTRE
    )
    services.agreement_create(actor=None, centre=centre, landlord=landlord.org)
    return centre


def _practitioners(centre, suffix: str) -> dict:
    from vigie.mediation import services

    out = {
        "director": user_create(
            username=f"direction-{suffix}", organisation=centre, role=Role.MEDIATION_DIRECTOR
        )
    }
    for key, discipline in (
        ("mediator", "mediator"),
        ("lawyer", "lawyer"),
        ("psychologist", "psychologist"),
    ):
        user = user_create(username=f"{key}-{suffix}", organisation=centre, role=Role.MEDIATOR)
        services.disciplines_set(centre=centre, user=user, disciplines=[discipline])
        out[key] = user
    return out


def extend_world(world) -> None:
    amandier = _centre("amandier", "L'Amandier", world.a)
    staff_a = _practitioners(amandier, "amandier")
    case_a, session_a = _case(world.a, amandier, staff_a)
    other = _centre("centre-qxbravo", "Centre QXBRAVO", world.b)
    staff_b = _practitioners(other, "qxbravo")
    case_b, session_b = _case(world.b, other, staff_b)
    world.a.mediation_case = case_a
    world.b.mediation_case = case_b
    world.a.mediation_session = session_a
    world.b.mediation_session = session_b
    world.extra["mediation"] = {"a": case_a, "b": case_b, "staff": staff_a}
    world.extra_personas["mediation_director"] = staff_a["director"]
    world.extra_personas["psychologist"] = staff_a["psychologist"]
    world.extra_personas["lawyer"] = staff_a["lawyer"]


PARAMS = {
    ("mediation", "pk"): lambda land, u: land.mediation_case.pk,
    ("mediation", "action"): lambda land, u: "accept",
    ("api", "case_id"): lambda land, u: land.mediation_case.pk,
    ("api", "session_id"): lambda land, u: land.mediation_session.pk,
}
