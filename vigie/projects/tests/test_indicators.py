"""Computed indicators equal what the test counts from the register; the registry takes the
lower modules' computations; funders read small counts hidden; reminders go before a report."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone

from vigie.actions.choices import TicketCategory
from vigie.actions.services import ticket_report
from vigie.campaigns.choices import AttemptResult
from vigie.campaigns.models import Attempt, Target
from vigie.campaigns.tests.factories import OLD, running_campaign
from vigie.housing.models import Household
from vigie.housing.tests.factories import DwellingFactory, ResidenceFactory, make_household
from vigie.projects import indicators, selectors, services
from vigie.projects.models import IndicatorValue

pytestmark = pytest.mark.django_db
PARIS = ZoneInfo("Europe/Paris")


def _home(org, residence):
    return make_household(
        org, [dict(OLD)], dwelling=DwellingFactory(organisation=org, residence=residence)
    )


def _call(target, result, at):
    Attempt.objects.create(
        organisation_id=target.organisation_id,
        campaign=target.campaign,
        target=target,
        started_at=at,
        ended_at=at + timedelta(minutes=5),
        result=result,
    )


def test_computed_indicators_equal_the_register(landlord_a, marc, residence):
    elsewhere = ResidenceFactory(organisation=landlord_a, name="Ailleurs")
    inside = [_home(landlord_a, residence) for _ in range(4)]
    outside = [_home(landlord_a, elsewhere) for _ in range(2)]
    campaign = running_campaign(
        landlord_a, marc, waves=[{"name": "75 ans et plus", "cohorts": ["over_75"], "priority": 1}]
    )
    targets = {t.household_id: t for t in Target.objects.filter(campaign=campaign)}
    in_period = datetime(2020, 3, 18, 10, 0, tzinfo=PARIS)
    before = datetime(2019, 6, 1, 10, 0, tzinfo=PARIS)
    _call(targets[inside[0].pk], AttemptResult.REACHED, in_period)
    _call(targets[inside[0].pk], AttemptResult.REACHED, in_period + timedelta(days=1))  # twice
    _call(targets[inside[1].pk], AttemptResult.NO_ANSWER, in_period)
    _call(targets[inside[2].pk], AttemptResult.REACHED, before)  # before the project
    _call(targets[inside[3].pk], AttemptResult.REACHED, in_period)
    _call(targets[outside[0].pk], AttemptResult.REACHED, in_period)
    ticket_report(actor=marc, residence=residence, category=TicketCategory.LIGHTING, note="hall")
    ticket_report(actor=marc, residence=elsewhere, category=TicketCategory.LIGHTING, note="hall")

    project = services.project_create(
        actor=marc,
        organisation=landlord_a,
        title="Salle",
        kind="common_room",
        residences=[residence],
        starts_on=date(2020, 1, 1),
    )
    reached = services.indicator_add(actor=marc, project=project, computed="households_reached")
    tickets = services.indicator_add(actor=marc, project=project, computed="tickets_raised")

    # What the test counts from the register, independently of the code under test.
    project_homes = set(
        Household.objects.filter(dwelling__residence=residence).values_list("pk", flat=True)
    )
    expected = {
        a.target.household_id
        for a in Attempt.objects.select_related("target")
        if a.result == AttemptResult.REACHED
        and a.target.household_id in project_homes
        and a.started_at.date() >= project.starts_on
    }
    assert len(expected) == 2
    values = {r.indicator.computed: r.actual for r in selectors.indicator_rows(project, exact=True)}
    assert values["households_reached"] == len(expected)
    assert values["tickets_raised"] == 1
    # A new call moves the daily figure: one more history row.
    _call(targets[inside[1].pk], AttemptResult.REACHED, in_period)
    services.indicators_refresh_all(today=timezone.localdate() + timedelta(days=1))
    history = list(IndicatorValue.objects.filter(indicator=reached).values_list("value", flat=True))
    assert history == [2, 3]
    assert IndicatorValue.objects.filter(indicator=tickets).count() == 1
    # A building named alone: only its dwellings count.
    building_project = services.project_create(
        actor=marc,
        organisation=landlord_a,
        title="Bâtiment",
        kind="other",
        starts_on=date(2020, 1, 1),
    )
    from vigie.housing.models import Building

    b = Building.objects.create(organisation=landlord_a, residence=elsewhere, name="B")
    DwellingFactory._meta.model.objects.filter(pk=outside[0].dwelling_id).update(building=b)
    building_project.buildings.set([b], through_defaults={"organisation_id": landlord_a.pk})
    assert selectors.computed_value(building_project, "households_reached") == 1


def test_a_lower_module_plugs_its_computation_in(landlord_a, marc, residence, monkeypatch):
    import sys
    import types

    seen = {}

    def enrolled(*, organisation_id, residence_ids, building_ids, since, until):
        seen.update(residence_ids=residence_ids, since=since)
        return 42

    module = types.ModuleType("vigie.foodaid.project_indicators")
    module.PROJECT_INDICATORS = [
        {"code": "test_enrolled", "label": "inscrits", "unit": "ménages", "compute": enrolled}
    ]
    monkeypatch.setitem(sys.modules, "vigie.foodaid.project_indicators", module)
    indicators.discover()
    try:
        project = services.project_create(
            actor=marc,
            organisation=landlord_a,
            title="P",
            kind="other",
            residences=[residence],
            starts_on=date(2021, 1, 1),
        )
        services.indicator_add(actor=marc, project=project, computed="test_enrolled")
        assert selectors.indicator_rows(project, exact=True)[0].actual == 42
        assert seen == {"residence_ids": [residence.pk], "since": date(2021, 1, 1)}
    finally:
        indicators.COMPUTED.remove("test_enrolled")


def test_funders_read_small_counts_hidden(marc, creche):
    small = services.indicator_add(actor=marc, project=creche, label="Familles", target=20)
    services.indicator_measure(actor=marc, indicator=small, value=6, measured_on=date(2026, 1, 5))
    services.indicator_measure(actor=marc, indicator=small, value=12, measured_on=date(2026, 6, 5))
    money = services.indicator_add(actor=marc, project=creche, label="Heures", headcount=False)
    services.indicator_measure(actor=marc, indicator=money, value=3)
    outside = {r.indicator.label: r for r in selectors.indicator_rows(creche, exact=False)}
    assert outside["Familles"].actual == 12 and outside["Familles"].suppressed
    assert [h["value"] for h in outside["Familles"].history] == [None, 12]
    assert outside["Heures"].actual == 3 and not outside["Heures"].suppressed
    inside = {r.indicator.label: r for r in selectors.indicator_rows(creche, exact=True)}
    assert [h["value"] for h in inside["Familles"].history] == [6, 12]


def test_reminders_before_a_report_is_due(smtp, marc, creche):
    from vigie.projects.tasks import send_reminders

    marc.email = "marc@example.org"
    marc.save()
    co = creche.funders.get(funder__slug="caf-31")
    today = date(2026, 5, 1)
    services.deadline_add(
        actor=marc, co_funder=co, label="Bilan", due_on=today + timedelta(days=20)
    )
    assert send_reminders(today) == 1  # the 30-day one, as it was entered late: once
    assert send_reminders(today) == 0
    assert send_reminders(today + timedelta(days=13)) == 1  # 7 days before
    assert send_reminders(today + timedelta(days=19)) == 1  # the day before
    assert len(smtp.messages) == 3
    message = smtp.messages[0]
    assert message["to"] == ["marc@example.org"]
    assert "Bilan" in message["data"] and "CAF de la Haute-Garonne" in message["data"]
