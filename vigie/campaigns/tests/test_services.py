from datetime import date

import pytest

from vigie.campaigns.choices import CampaignStatus, TargetStatus
from vigie.campaigns.models import Target
from vigie.campaigns.services import (
    campaign_build,
    campaign_close,
    campaign_create,
    campaign_from_template,
    campaign_pause,
    campaign_resume,
    campaign_start,
    wave_update,
)
from vigie.campaigns.tests.factories import AS_OF, CHILD, OLD, SEPTUA, WAVES_2020, YOUNG
from vigie.core.errors import ConflictError, PermissionDeniedError
from vigie.core.models import AuditEvent
from vigie.housing.choices import OccupantRole
from vigie.housing.tests.factories import make_household

pytestmark = pytest.mark.django_db


def test_build_puts_each_household_in_its_highest_priority_wave(landlord_a, marc):
    old_disabled = make_household(landlord_a, [dict(OLD, disability=True)])
    septua = make_household(landlord_a, [SEPTUA])
    single_parent = make_household(landlord_a, [YOUNG, CHILD])
    disabled = make_household(landlord_a, [dict(YOUNG, disability=True)])
    make_household(landlord_a, [YOUNG])  # in no cohort
    c = campaign_create(
        actor=marc, organisation=landlord_a, name="C", as_of=AS_OF, waves=WAVES_2020
    )
    result = campaign_build(actor=marc, campaign=c)
    assert result["targets"] == 4
    assert [(w["name"], w["targets"]) for w in result["waves"]] == [
        ("75 ans et plus", 1),
        ("70 à 74 ans", 1),
        ("Familles monoparentales", 1),
        ("Handicap", 1),
    ]
    t = Target.objects.get(campaign=c, household=old_disabled)
    assert t.wave.name == "75 ans et plus"
    assert t.cohorts == ["over_75", "disability"]
    assert Target.objects.get(household=septua).wave.name == "70 à 74 ans"
    assert Target.objects.get(household=single_parent).wave.name == "Familles monoparentales"
    assert Target.objects.get(household=disabled).wave.name == "Handicap"
    assert AuditEvent.objects.filter(action="campaign.built").count() == 1


def test_build_counts_opted_out_and_sets_no_phone_apart(landlord_a, marc):
    make_household(landlord_a, [OLD], opted_out=True)
    # Every adult opposed calls: out, even though the household flag is not set.
    make_household(
        landlord_a, [dict(OLD, opted_out=True), dict(OLD, role=OccupantRole.SPOUSE, opted_out=True)]
    )
    # One adult of two opposed: still called.
    make_household(landlord_a, [dict(OLD, opted_out=True), dict(OLD, role=OccupantRole.SPOUSE)])
    no_phone = make_household(landlord_a, [dict(OLD, phone="")])
    c = campaign_create(
        actor=marc, organisation=landlord_a, name="C", as_of=AS_OF, waves=WAVES_2020
    )
    result = campaign_build(actor=marc, campaign=c)
    assert result["opted_out"] == 2
    assert result["no_phone"] == 1
    assert result["targets"] == 1
    assert Target.objects.get(household=no_phone).status == TargetStatus.NO_PHONE


def test_rebuild_adds_newcomers_without_touching_worked_targets(landlord_a, marc):
    first = make_household(landlord_a, [OLD])
    c = campaign_create(
        actor=marc, organisation=landlord_a, name="C", as_of=AS_OF, waves=WAVES_2020
    )
    campaign_build(actor=marc, campaign=c)
    campaign_start(actor=marc, campaign=c)
    Target.objects.filter(household=first).update(status=TargetStatus.DONE, attempts_count=1)
    newcomer = make_household(landlord_a, [SEPTUA])
    result = campaign_build(actor=marc, campaign=c)
    assert result["added"] == 1
    assert result["targets"] == 2
    assert Target.objects.get(household=first).status == TargetStatus.DONE
    assert Target.objects.get(household=newcomer).status == TargetStatus.PENDING


def test_transitions_follow_the_table(landlord_a, marc):
    make_household(landlord_a, [OLD])
    c = campaign_create(
        actor=marc, organisation=landlord_a, name="C", as_of=AS_OF, waves=WAVES_2020
    )
    with pytest.raises(ConflictError):
        campaign_start(actor=marc, campaign=c)  # nothing built yet
    campaign_build(actor=marc, campaign=c)
    with pytest.raises(ConflictError):
        campaign_resume(actor=marc, campaign=c)
    assert campaign_start(actor=marc, campaign=c).status == CampaignStatus.RUNNING
    assert campaign_pause(actor=marc, campaign=c).status == CampaignStatus.PAUSED
    assert campaign_resume(actor=marc, campaign=c).status == CampaignStatus.RUNNING
    assert campaign_close(actor=marc, campaign=c).status == CampaignStatus.CLOSED
    with pytest.raises(ConflictError):
        campaign_start(actor=marc, campaign=c)
    with pytest.raises(ConflictError):
        campaign_build(actor=marc, campaign=c)
    actions = list(
        AuditEvent.objects.filter(object_type="campaigns.campaign").values_list("action", flat=True)
    )
    assert "campaign.resumed" in actions and "campaign.closed" in actions


def test_only_managers_create_and_build(landlord_a, claire):
    with pytest.raises(PermissionDeniedError):
        campaign_create(
            actor=claire, organisation=landlord_a, name="C", as_of=AS_OF, waves=WAVES_2020
        )


def test_heatwave_template_and_living_alone_filter(landlord_a, marc):
    alone = make_household(landlord_a, [YOUNG])
    make_household(landlord_a, [YOUNG, dict(YOUNG, role=OccupantRole.SPOUSE)])
    c = campaign_from_template(
        actor=marc, organisation=landlord_a, template="heatwave", as_of=date(2026, 7, 1)
    )
    assert [w.name for w in c.waves.all()] == [
        "75 ans et plus",
        "Situation de handicap",
        "Personnes vivant seules",
    ]
    assert c.questions.filter(maps_to_need="groceries").exists()
    result = campaign_build(actor=marc, campaign=c)
    assert result["targets"] == 1
    assert Target.objects.get(campaign=c).household == alone


def test_wave_priority_change_reaches_the_queue(landlord_a, marc):
    make_household(landlord_a, [SEPTUA])
    c = campaign_create(
        actor=marc, organisation=landlord_a, name="C", as_of=AS_OF, waves=WAVES_2020
    )
    campaign_build(actor=marc, campaign=c)
    wave = c.waves.get(name="70 à 74 ans")
    wave_update(actor=marc, wave=wave, changes={"priority": 1})
    assert Target.objects.get(campaign=c).priority == 1
