"""Helpers to build households and campaigns quickly in tests."""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

from django.db import connection

from vigie.campaigns.services import campaign_build, campaign_create, campaign_start
from vigie.housing.choices import OccupantRole
from vigie.housing.search import refresh_statistics
from vigie.housing.tests.factories import make_household

AS_OF = date(2020, 3, 17)
# Built at 8:00 on the first morning of the lockdown: tests move the clock from there.
BUILT_AT = datetime(2020, 3, 17, 8, 0, tzinfo=ZoneInfo("Europe/Paris"))

OLD = {"birth_date": date(1935, 1, 1)}  # 85 on AS_OF
SEPTUA = {"birth_date": date(1948, 1, 1)}  # 72
YOUNG = {"birth_date": date(1985, 1, 1)}
CHILD = {"birth_date": date(2012, 1, 1), "role": OccupantRole.CHILD, "phone": ""}

WAVES_2020 = [
    {"name": "75 ans et plus", "cohorts": ["over_75"], "priority": 1},
    {"name": "70 à 74 ans", "cohorts": ["age_70_74"], "priority": 2},
    {"name": "Familles monoparentales", "cohorts": ["single_parent"], "priority": 2},
    {"name": "Handicap", "cohorts": ["disability"], "priority": 2},
]


def old_household(org, **kw):
    return make_household(org, [dict(OLD, **kw)])


def running_campaign(org, manager, waves=None, **kw):
    c = campaign_create(
        actor=manager,
        organisation=org,
        name=kw.pop("name", "Confinement"),
        as_of=AS_OF,
        waves=waves or WAVES_2020,
        **kw,
    )
    campaign_build(actor=manager, campaign=c, now=BUILT_AT)
    return campaign_start(actor=manager, campaign=c)


def bulk_landlord(org, *, dwellings: int, seed: int = 2020, agencies: int = 3) -> dict[str, int]:
    """A landlord of realistic make-up, written with bulk inserts (seconds for 12,000 homes).

    Proportions follow the 2020 story for 12,000 dwellings: ~1,000 households over 75,
    ~400 aged 70–74, ~500 single-parent families, ~650 with a disability; 5 % without a usable
    phone, 1 % opposed to calls. Derived composition fields are set with the occupants.
    """
    import random

    from vigie.housing.choices import OccupantRole as R
    from vigie.housing.models import Agency, Commune, Dwelling, Household, Occupant, Residence

    rng = random.Random(seed)
    commune, _ = Commune.objects.get_or_create(
        insee_code="31555",
        defaults={
            "name": "Toulouse",
            "match_name": "TOULOUSE",
            "kind": "COM",
            "department_code": "31",
        },
    )
    agency_objs = Agency.objects.bulk_create(
        Agency(organisation=org, name=f"Agence {i + 1} ({org.slug})") for i in range(agencies)
    )
    residences = Residence.objects.bulk_create(
        Residence(
            organisation=org,
            agency=agency_objs[i % agencies],
            name=f"Résidence {i + 1} ({org.slug})",
            commune=commune,
            priority_neighbourhood=i % 5 == 0,
        )
        for i in range(max(1, dwellings // 60))
    )
    homes = Dwelling.objects.bulk_create(
        (
            Dwelling(
                organisation=org,
                reference=f"{org.slug}-L{i:06d}",
                residence=residences[i % len(residences)],
                address=f"{i + 1} rue des Lilas",
                postcode="31000",
                commune=commune,
                type="T3",
            )
            for i in range(dwellings)
        ),
        batch_size=2000,
    )

    def birth(age: int) -> date:
        return date(AS_OF.year - age - 1, rng.randint(1, 12), rng.randint(1, 28))

    households, occupant_sets = [], []
    for i, home in enumerate(homes):
        roll = rng.random()
        people: list[tuple[str, date, bool]] = []  # role, birth date, disability
        if roll < 0.085:
            people = [(R.LEASEHOLDER, birth(rng.randint(76, 95)), False)]
            if rng.random() < 0.3:
                people.append((R.SPOUSE, birth(rng.randint(72, 92)), False))
        elif roll < 0.12:
            people = [(R.LEASEHOLDER, birth(rng.randint(70, 73)), False)]
        elif roll < 0.162:
            people = [(R.LEASEHOLDER, birth(rng.randint(25, 50)), False)]
            people += [
                (R.CHILD, birth(rng.randint(1, 16)), False) for _ in range(rng.randint(1, 3))
            ]
        elif roll < 0.216:
            people = [(R.LEASEHOLDER, birth(rng.randint(30, 65)), True)]
        else:
            people = [(R.LEASEHOLDER, birth(rng.randint(22, 68)), False)]
            if rng.random() < 0.5:  # a couple, with or without children; else alone
                people.append((R.SPOUSE, birth(rng.randint(22, 68)), False))
                people += [
                    (R.CHILD, birth(rng.randint(1, 17)), False) for _ in range(rng.randint(0, 2))
                ]
        has_phone = rng.random() >= 0.05
        adult_births = [b for r, b, _d in people if r != R.CHILD]
        households.append(
            Household(
                organisation=org,
                reference=f"{org.slug}-B{i:06d}",
                dwelling=home,
                start_date=date(2005, 1, 1),
                opted_out=rng.random() < 0.01,
                adults=len(adult_births),
                children=sum(1 for r, _b, _d in people if r == R.CHILD),
                oldest_adult_birth_date=min(adult_births) if adult_births else None,
                has_disability=any(d for _r, _b, d in people),
                has_phone=has_phone,
            )
        )
        occupant_sets.append((people, has_phone))
    Household.objects.bulk_create(households, batch_size=2000)
    occupants = []
    for h, (people, has_phone) in zip(households, occupant_sets, strict=True):
        for pos, (role, born, disability) in enumerate(people):
            occupants.append(
                Occupant(
                    organisation=org,
                    household=h,
                    position=pos,
                    last_name=f"Nom{h.pk}",
                    first_name="Prénom",
                    birth_date=born,
                    role=role,
                    phone=f"+3356{h.pk % 10_000_000:07d}" if has_phone and pos == 0 else "",
                    disability=disability,
                )
            )
    Occupant.objects.bulk_create(occupants, batch_size=5000)
    # As the ERP import does after its writes: without fresh statistics PostgreSQL plans the
    # first console lookups on what an earlier test left in these tables (another landlord,
    # a few rows) and ran them for minutes inside the whole suite, until autovacuum came by.
    refresh_statistics(connection)
    return {"households": len(households), "occupants": len(occupants)}
