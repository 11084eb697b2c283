"""Each early-warning rule fires on the households planted for it and on no other."""

from __future__ import annotations

import pytest

from vigie.actions.choices import TaskStatus
from vigie.actions.models import Task
from vigie.core.models import AuditEvent
from vigie.housing.models import Household
from vigie.reports.choices import AlertStatus
from vigie.reports.models import Alert, AlertRule
from vigie.reports.rules import floor_number, months_before
from vigie.reports.services import alert_close, alerts_run, rule_update
from vigie.reports.tests.world import TODAY, plant

pytestmark = pytest.mark.django_db


@pytest.fixture
def planted(landlord_a, marc):
    return plant(landlord_a, marc)


def subjects(org, rule):
    return set(
        Alert.objects.filter(organisation=org, rule_code=rule).values_list("subject_key", flat=True)
    )


def test_each_rule_fires_on_its_planted_households_and_no_other(planted, marc, landlord_b, bruno):
    other = plant(landlord_b, None)  # another landlord, run separately
    result = alerts_run(actor=marc, organisation=planted.org, today=TODAY)
    assert result["by_rule"] == {rule: len(keys) for rule, keys in planted.expected.items()}
    assert result["raised"] == sum(len(k) for k in planted.expected.values())
    for rule, keys in planted.expected.items():
        assert subjects(planted.org, rule) == keys, rule
    assert not Alert.objects.filter(organisation=other.org).exists()
    # One journal row for the run, with the counts.
    event = AuditEvent.objects.get(action="alerts.run", organisation=planted.org)
    assert event.payload["raised"] == result["raised"]


def test_a_run_never_raises_an_open_alert_again(planted, marc):
    first = alerts_run(actor=marc, organisation=planted.org, today=TODAY)
    again = alerts_run(actor=marc, organisation=planted.org, today=TODAY)
    assert first["raised"] > 0
    assert again["raised"] == 0
    assert Alert.objects.filter(organisation=planted.org).count() == first["raised"]


def test_each_alert_raises_a_task_for_the_rules_team_with_the_reason(planted, marc):
    alerts_run(actor=marc, organisation=planted.org, today=TODAY)
    arrears = Alert.objects.get(rule_code="rent_arrears")
    assert arrears.task.status == TaskStatus.OPEN
    assert arrears.task.household_id == planted.households["arrears_1"].pk
    # What to do first in the title; the team it is meant for in the notes; an alert's task
    # says so (it read "créée à la main", its title started with the team — QA finding).
    assert "1 mois d'impayé" in arrears.task.title and "Responsable" not in arrears.task.title
    assert "pour : Responsable" in arrears.task.notes
    assert arrears.task.origin == "alert" and arrears.task.get_origin_display() == "alerte"
    assert "1 mois d'impayé de loyer" in arrears.reason
    # A health rule's task keeps the reason in the alert, behind the wall.
    lift = Alert.objects.get(rule_code="disability_no_lift")
    assert "handicap" not in (lift.task.title + lift.task.notes).lower()
    assert lift.task.origin == "alert" and "pour :" in lift.task.notes
    assert "handicap" in lift.reason.lower() and "3 étage" in lift.reason
    never = Alert.objects.get(
        rule_code="no_contact_over_75_alone", household=planted.households["old_never"]
    )
    assert "depuis son entrée le 01/01/2020" in never.reason
    assert Task.objects.filter(organisation=planted.org).count() == Alert.objects.count()


def test_a_closed_alert_comes_back_only_when_its_evidence_changes(planted, marc):
    alerts_run(actor=marc, organisation=planted.org, today=TODAY)
    alert = Alert.objects.get(rule_code="rent_arrears")
    closed = alert_close(actor=marc, alert=alert, note="Appel fait, plan d'apurement")
    assert closed.status == AlertStatus.CLOSED and closed.closed_by == marc
    assert Task.objects.get(pk=alert.task_id).status == TaskStatus.DONE
    assert alerts_run(actor=marc, organisation=planted.org, today=TODAY)["raised"] == 0
    Household.objects.filter(pk=alert.household_id).update(arrears_months=2)
    result = alerts_run(actor=marc, organisation=planted.org, today=TODAY)
    assert result["by_rule"]["rent_arrears"] == 1 and result["raised"] == 1


def test_rule_settings_are_per_landlord_and_versioned(planted, marc):
    alerts_run(actor=marc, organisation=planted.org, today=TODAY)
    rule = AlertRule.objects.get(organisation=planted.org, code="no_contact_over_75_alone")
    assert rule.team == "manager" and rule.active and rule.parameters == {"months": 6}
    Alert.objects.all().delete()
    # 9 months: the household called 250 days ago (about 8 months) no longer qualifies.
    rule = rule_update(actor=marc, rule=rule, active=True, team="caller", parameters={"months": 9})
    assert rule.version == 2
    result = alerts_run(actor=marc, organisation=planted.org, today=TODAY)
    assert subjects(planted.org, "no_contact_over_75_alone") == {
        f"h:{planted.households['old_never'].pk}"
    }
    alert = Alert.objects.get(rule_code="no_contact_over_75_alone")
    assert alert.rule_version == 2 and "pour : Chargé·e de veille" in alert.task.notes
    off = AlertRule.objects.get(organisation=planted.org, code="rent_arrears")
    rule_update(actor=marc, rule=off, active=False, team="manager", parameters={})
    Alert.objects.filter(rule_code="rent_arrears").delete()
    assert (
        alerts_run(actor=marc, organisation=planted.org, today=TODAY)["by_rule"]["rent_arrears"]
        == 0
    )
    del result


def test_the_health_rule_goes_only_to_a_team_that_may_see_health(planted, marc, amina):
    from vigie.core.errors import DomainError, PermissionDeniedError
    from vigie.reports.services import rules_ensure

    rule = next(
        r for r in rules_ensure(organisation_id=planted.org.pk) if r.code == "disability_no_lift"
    )
    with pytest.raises(DomainError):
        rule_update(actor=marc, rule=rule, active=True, team="agency_staff", parameters={})
    with pytest.raises(PermissionDeniedError):
        rule_update(actor=amina, rule=rule, active=True, team="manager", parameters={})


def test_floor_and_month_arithmetic():
    assert [floor_number(t) for t in ("RDC", "rez-de-chaussée", "0", "3e", "2ème", "", "x")] == [
        0,
        0,
        0,
        3,
        2,
        None,
        None,
    ]
    from datetime import date

    assert months_before(date(2026, 3, 31), 1) == date(2026, 2, 28)
    assert months_before(date(2026, 6, 15), 6) == date(2025, 12, 15)
    assert months_before(date(2026, 1, 15), 13) == date(2024, 12, 15)
