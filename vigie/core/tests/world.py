"""A small world for the permission matrix and the sentinel test (issue #5 §1–2).

Two landlords, each with one user per landlord role and one object of every kind (agency,
residence, households, a running campaign with targets and a recorded call, an import run),
a partner organisation with its worker and a mediation centre with its mediator.

The actions app: each landlord has a partner in its directory, a referral of the called
household's groceries need sent to that partner (with the household's consent to share its
disability), a building ticket for its agency and a follow-up task on the health need. Landlord
A's partner is the partner worker's organisation; landlord B refers to another association, so
the partner worker reads A's referral and must get 404 on B's.

Every name written for landlord A contains `QXALPHA`, for landlord B `QXBRAVO`: a response to
a user of one landlord must never contain the other's token, whatever the page.
"""

from __future__ import annotations

import copy
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from django.db import transaction
from django.utils import timezone

from vigie.accounts.models import ApiToken, User
from vigie.accounts.services import user_create
from vigie.actions.choices import PartnerKind, TicketCategory
from vigie.actions.models import Partner, Referral, Task, Ticket
from vigie.actions.services import partner_create, referral_create, task_create, ticket_report
from vigie.campaigns import queue
from vigie.campaigns.choices import AttemptResult, NeedKind, Outcome
from vigie.campaigns.models import Attempt, Campaign, Need, Target
from vigie.campaigns.services import attempt_record, campaign_build, campaign_create, campaign_start
from vigie.campaigns.tests.factories import AS_OF, BUILT_AT
from vigie.core.models import Organisation, OrganisationKind
from vigie.core.permissions import Role
from vigie.housing.choices import ImportStatus
from vigie.housing.models import Agency, Household, ImportRun, Occupant, Residence
from vigie.housing.tests.factories import DwellingFactory, ResidenceFactory, make_household

LANDLORD_ROLES = (Role.ADMIN, Role.MANAGER, Role.CALLER, Role.AGENCY_STAFF, Role.DPO)
# What the sentinel plants in call notes (call.notes_view only), and in the name of the wave
# that selects households with a disability (next to a household, that name says its health).
NOTES_MARKER = "SENTINELNOTES"
DISABILITY_WAVE = "Vague SENTINELWAVE"


@dataclass
class Landlord:
    token: str
    org: Organisation
    agency: Agency
    residence: Residence
    # In the disability cohort, called, with a health need and notes: the sensitive one.
    household: Household
    occupant: Occupant
    # In the disability cohort, not reached: back in the queue with notes.
    retry: Household
    # Over 75, still waiting in the queue.
    waiting: Household
    campaign: Campaign
    # Over-75s only: the campaign a role without household.view_sensitive may read (a campaign
    # with a wave on disability is withheld from it, docs/decisions/0010).
    plain_campaign: Campaign
    target: Target
    waiting_target: Target
    attempt: Attempt
    import_run: ImportRun
    users: dict[str, User] = field(default_factory=dict)
    # The actions app (filled by _actions once the partner organisations exist).
    partner: Partner | None = None
    need: Need | None = None  # the called household's groceries need (not health)
    health_need: Need | None = None
    referral: Referral | None = None
    ticket: Ticket | None = None
    task: Task | None = None


@dataclass
class World:
    a: Landlord
    b: Landlord
    partner: Organisation
    mediation: Organisation
    partner_worker: User
    mediator: User
    # What each module's `tests/matrix.py` adds (`extend_world`): its objects by name, and the
    # users of its own personas (`PERSONAS` there) by persona name.
    extra: dict[str, Any] = field(default_factory=dict)
    extra_personas: dict[str, User] = field(default_factory=dict)

    def other(self, landlord: Landlord) -> Landlord:
        return self.b if landlord is self.a else self.a


def _landlord(slug: str, token: str) -> Landlord:
    org = Organisation.objects.create(
        slug=slug, name=f"Bailleur {token}", kind=OrganisationKind.LANDLORD
    )
    residence = ResidenceFactory(organisation=org, name=f"Résidence {token}")
    agency = residence.agency
    agency.name = f"Agence {token}"
    agency.save()
    users = {}
    for role in LANDLORD_ROLES:
        users[role] = user_create(
            username=f"{role}-{slug}",
            organisation=org,
            role=role,
            # No password: personas sign in with force_login or a token (hashing is slow).
            password=None,
            agency_names=[agency.name] if role == Role.AGENCY_STAFF else None,
        )

    def home(**occupant: Any) -> Household:
        dwelling = DwellingFactory(organisation=org, residence=residence, address=f"1 rue {token}")
        return make_household(
            org,
            [
                {
                    "last_name": f"Nom{token}",
                    "first_name": "Jeanne",
                    "phone": "+33561000001",
                    **occupant,
                }
            ],
            dwelling=dwelling,
            reference=f"REF-{token}-{dwelling.pk}",
        )

    household = home(birth_date=date(1960, 1, 1), disability=True)
    retry = home(birth_date=date(1962, 1, 1), disability=True, phone="+33561000003")
    waiting = home(birth_date=date(1935, 1, 1), phone="+33561000002")
    # No usable phone: on the "sans téléphone" list that every campaign.view role reads.
    home(birth_date=date(1958, 1, 1), disability=True, phone="")
    manager, caller = users[Role.MANAGER], users[Role.CALLER]
    campaign = campaign_create(
        actor=manager,
        organisation=org,
        name=f"Campagne {token}",
        as_of=AS_OF,
        waves=[
            {"name": DISABILITY_WAVE, "cohorts": ["disability"], "priority": 1},
            {"name": "Vague 2", "cohorts": ["over_75"], "priority": 2},
        ],
    )
    campaign_build(actor=manager, campaign=campaign, now=BUILT_AT)
    campaign_start(actor=manager, campaign=campaign)
    attempts: dict[int, Attempt] = {}
    for _ in range(2):
        claimed = queue.next_call(campaign=campaign, caller=caller)
        assert claimed is not None and claimed.household_id in (household.pk, retry.pk)
        if claimed.household_id == household.pk:
            attempts[household.pk] = attempt_record(
                actor=caller,
                target=claimed,
                result=AttemptResult.REACHED,
                outcome=Outcome.NEEDS_FOLLOW_UP,
                needs=[NeedKind.HEALTH, NeedKind.GROCERIES],
                notes=f"{NOTES_MARKER} {token} suit un traitement lourd",
            )
        else:  # not reached: back in the queue, its notes show on the next call and sheets
            attempts[retry.pk] = attempt_record(
                actor=caller,
                target=claimed,
                result=AttemptResult.NO_ANSWER,
                notes=f"{NOTES_MARKER} {token} rappeler après sa dialyse",
            )
    attempt = attempts[household.pk]
    # Due again now (not in a few hours): it heads the queue, the call sheets and next-call, so
    # the crawl meets its notes and its disability cohort there.
    Target.objects.filter(campaign=campaign, household=retry).update(due_at=BUILT_AT)
    target = attempt.target
    plain_campaign = campaign_create(
        actor=manager,
        organisation=org,
        name=f"Canicule {token}",
        as_of=AS_OF,
        waves=[{"name": "Plus de 75 ans", "cohorts": ["over_75"], "priority": 1}],
    )
    campaign_build(actor=manager, campaign=plain_campaign, now=BUILT_AT)
    campaign_start(actor=manager, campaign=plain_campaign)
    import_run = ImportRun.objects.create(
        organisation=org,
        user=users[Role.ADMIN],
        file_name=f"import-{token}.csv",
        file_sha256="0" * 64,
        rows=2,
        status=ImportStatus.IMPORTED,
        finished_at=timezone.now(),
    )
    return Landlord(
        token=token,
        org=org,
        agency=agency,
        residence=residence,
        household=household,
        occupant=household.occupants.get(),
        retry=retry,
        waiting=waiting,
        campaign=campaign,
        plain_campaign=plain_campaign,
        target=Target.objects.get(pk=target.pk),
        waiting_target=Target.objects.get(campaign=campaign, household=waiting),
        attempt=attempt,
        import_run=import_run,
        users=users,
    )


def _actions(land: Landlord, partner_org: Organisation) -> None:
    """A partner, a referral sent to it sharing the disability with consent, a ticket, a task."""
    manager = land.users[Role.MANAGER]
    land.partner = partner_create(
        actor=manager,
        organisation=land.org,
        partner_organisation=partner_org,
        name=f"Partenaire {land.token}",
        kind=PartnerKind.ASSOCIATION,
        services=["groceries"],
        communes=[land.residence.commune_id],
    )
    land.need = Need.objects.get(household=land.household, kind=NeedKind.GROCERIES)
    land.health_need = Need.objects.get(household=land.household, kind=NeedKind.HEALTH)
    land.referral = referral_create(
        actor=manager,
        need=land.need,
        partner=land.partner,
        note=f"Courses pour {land.token}",
        share_cohorts=True,
        share_disability=True,
        consent=True,
    )
    land.ticket = ticket_report(
        actor=manager,
        residence=land.residence,
        category=TicketCategory.LIGHTING,
        note=f"Hall {land.token} sans lumière",
    )
    land.task = task_create(
        actor=manager,
        organisation_id=land.org.pk,
        title=f"Rappeler {land.token}",
        due_on=AS_OF,
        owner=land.users[Role.CALLER],
        need=land.health_need,
    )


def build_world() -> World:
    a = _landlord("patrimoine", "QXALPHA")
    b = _landlord("autre-hlm", "QXBRAVO")
    partner = Organisation.objects.create(
        slug="ccas", name="CCAS de Toulouse", kind=OrganisationKind.PARTNER
    )
    _actions(a, partner)
    _actions(
        b,
        Organisation.objects.create(
            slug="entraide", name="Entraide QXBRAVO", kind=OrganisationKind.PARTNER
        ),
    )
    mediation = Organisation.objects.create(
        slug="amandier", name="L'Amandier", kind=OrganisationKind.MEDIATION_CENTRE
    )
    world = World(
        a=a,
        b=b,
        partner=partner,
        mediation=mediation,
        partner_worker=user_create(
            username="partner", organisation=partner, role=Role.PARTNER_WORKER
        ),
        mediator=user_create(username="mediator", organisation=mediation, role=Role.MEDIATOR),
    )
    for module in module_matrices():
        extend = getattr(module, "extend_world", None)
        if extend is not None:
            extend(world)
    return world


def module_matrices() -> list[Any]:
    """Each app's `tests/matrix.py`, where a module adds to the shared world without editing
    this file: `extend_world(world)` (its objects in `world.extra`, its personas' users in
    `world.extra_personas`), `PERSONAS` (names of its personas, signed in by the matrix and the
    sentinel) and `PARAMS` (its routes' parameters, as in core/tests/test_matrix.py)."""
    import importlib

    from django.apps import apps

    found = []
    for config in apps.get_app_configs():
        if not config.name.startswith("vigie.") or config.name == "vigie.core":
            continue
        name = f"{config.name}.tests.matrix"
        try:
            found.append(importlib.import_module(name))
        except ModuleNotFoundError as exc:
            if exc.name not in (name, f"{config.name}.tests"):
                raise
    return found


@contextmanager
def built_once(django_db_blocker, build: Callable[[], World] = build_world) -> Iterator[World]:
    """The world, built once for a module (or session) in a transaction rolled back at the end.

    Use it in a module-scoped fixture, and hand each test `copy.deepcopy` of it next to the
    `db` fixture: pytest-django then wraps the test in a savepoint inside this transaction and
    rolls it back after the test, so each test starts from the world as built, whatever the
    previous one wrote (Django's `TestCase.setUpTestData` does the same).
    """
    with django_db_blocker.unblock():
        outer = transaction.atomic()
        # As TestCase's own atomics: services' durable blocks may run inside it.
        outer._from_testcase = True
        outer.__enter__()
    try:
        with django_db_blocker.unblock():
            world = build()
        yield world
    finally:
        with django_db_blocker.unblock():
            transaction.set_rollback(True)
            outer.__exit__(None, None, None)


def fresh(world: World) -> World:
    """A copy of the shared world's objects for one test (its rows are rolled back anyway)."""
    return copy.deepcopy(world)


# Who signs in: landlord A's five roles, the partner worker and the mediator. Landlord B's users
# own the objects that must stay invisible (the matrix is symmetric by construction).
PERSONAS = (
    *LANDLORD_ROLES,
    Role.PARTNER_WORKER,
    Role.MEDIATOR,
    *(name for module in module_matrices() for name in getattr(module, "PERSONAS", ())),
)


def persona(world: World, role: str) -> User:
    if role in world.extra_personas:
        return world.extra_personas[role]
    if role == Role.PARTNER_WORKER:
        return world.partner_worker
    if role == Role.MEDIATOR:
        return world.mediator
    return world.a.users[role]


def bearer(user: User) -> dict[str, str]:
    _token, raw = ApiToken.issue(user=user, name="test")
    return {"HTTP_AUTHORIZATION": f"Bearer {raw}"}
