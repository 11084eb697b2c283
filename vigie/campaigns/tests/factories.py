"""Helpers to build households and campaigns quickly in tests."""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

from vigie.campaigns.services import campaign_build, campaign_create, campaign_start
from vigie.housing.choices import OccupantRole
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
        name="Confinement",
        as_of=AS_OF,
        waves=waves or WAVES_2020,
        **kw,
    )
    campaign_build(actor=manager, campaign=c, now=BUILT_AT)
    return campaign_start(actor=manager, campaign=c)
