"""The queue's rules under a moved clock: order, leases, callbacks, retries."""

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

from vigie.campaigns.choices import TargetStatus
from vigie.campaigns.models import Need, Target
from vigie.campaigns.queue import claim_release, next_call, next_try_at
from vigie.campaigns.services import attempt_record, campaign_pause, wave_set_paused
from vigie.campaigns.tests.factories import OLD, SEPTUA, running_campaign
from vigie.conftest import make_user
from vigie.core.errors import ConflictError
from vigie.core.models import AuditEvent
from vigie.core.permissions import Role
from vigie.housing.models import Occupant
from vigie.housing.tests.factories import make_household

pytestmark = pytest.mark.django_db
PARIS = ZoneInfo("Europe/Paris")


def at(day, hour, minute=0):
    return datetime(2020, 3, day, hour, minute, tzinfo=PARIS)


@pytest.fixture
def sophie(landlord_a):
    """Sophie, a second caller at Landlord A."""
    return make_user("sophie", landlord_a, Role.CALLER)


def test_wave_priority_then_build_order(landlord_a, marc, claire):
    septua = make_household(landlord_a, [SEPTUA])
    old = make_household(landlord_a, [OLD])
    c = running_campaign(landlord_a, marc)
    first = next_call(campaign=c, caller=claire, now=at(18, 10))
    assert first.household == old  # wave 1 before wave 2, though built second
    attempt_record(
        actor=claire, target=first, result="reached", outcome="reassuring", now=at(18, 10, 5)
    )
    assert next_call(campaign=c, caller=claire, now=at(18, 10, 6)).household == septua


def test_a_claim_is_never_shared_and_expires(landlord_a, marc, claire, sophie):
    make_household(landlord_a, [OLD])
    c = running_campaign(landlord_a, marc)
    t = next_call(campaign=c, caller=claire, now=at(18, 10))
    assert t.claimed_by == claire and t.status == TargetStatus.CLAIMED
    assert next_call(campaign=c, caller=sophie, now=at(18, 10, 14)) is None
    # Claire reloads her console: she gets the same household back.
    assert next_call(campaign=c, caller=claire, now=at(18, 10, 1)).pk == t.pk
    # Claire walks away; after the lease (15 min from her last ask) Sophie can take it.
    again = next_call(campaign=c, caller=sophie, now=at(18, 10, 17))
    assert again.pk == t.pk and again.claimed_by == sophie
    with pytest.raises(ConflictError):
        attempt_record(
            actor=claire, target=t, result="reached", outcome="reassuring", now=at(18, 10, 18)
        )


def test_release_puts_the_household_back(landlord_a, marc, claire, sophie):
    make_household(landlord_a, [OLD])
    c = running_campaign(landlord_a, marc)
    t = next_call(campaign=c, caller=claire)
    claim_release(actor=claire, target=t)
    assert next_call(campaign=c, caller=sophie).pk == t.pk


def test_no_answer_retries_at_another_time_of_day_then_not_reached(landlord_a, marc, claire):
    make_household(landlord_a, [OLD])
    c = running_campaign(landlord_a, marc)
    t = next_call(campaign=c, caller=claire, now=at(18, 10))
    attempt_record(actor=claire, target=t, result="no_answer", now=at(18, 10, 2))
    t.refresh_from_db()
    assert t.status == TargetStatus.PENDING
    assert t.due_at == at(18, 14)  # morning try → afternoon, at least 2 h later
    assert next_call(campaign=c, caller=claire, now=at(18, 13, 59)) is None
    t = next_call(campaign=c, caller=claire, now=at(18, 15))
    attempt_record(actor=claire, target=t, result="busy", now=at(18, 15, 1))
    t.refresh_from_db()
    assert t.due_at == at(19, 9)  # afternoon try → next morning
    assert next_call(campaign=c, caller=claire, now=at(19, 8, 59)) is None
    t = next_call(campaign=c, caller=claire, now=at(19, 9, 30))
    attempt_record(actor=claire, target=t, result="voicemail", now=at(19, 9, 31))
    t.refresh_from_db()
    assert t.status == TargetStatus.NOT_REACHED and t.attempts_count == 3
    assert next_call(campaign=c, caller=claire, now=at(25, 10)) is None


def test_next_try_respects_the_minimum_gap():
    policy = {"min_gap_minutes": 120, "other_half_day": True}
    assert next_try_at(last=at(18, 12, 30), policy=policy) == at(18, 14, 30)
    assert next_try_at(last=at(18, 20), policy=policy) == at(19, 9)
    assert next_try_at(
        last=at(18, 10), policy={"min_gap_minutes": 60, "other_half_day": False}
    ) == at(18, 11)


def test_callback_goes_to_the_same_caller_first_then_to_colleagues(
    landlord_a, marc, claire, sophie
):
    make_household(landlord_a, [OLD])
    other = make_household(landlord_a, [OLD])
    c = running_campaign(landlord_a, marc)
    t = next_call(campaign=c, caller=claire, now=at(18, 10))
    attempt_record(
        actor=claire, target=t, result="reached", callback_at=at(19, 14), now=at(18, 10, 3)
    )
    t.refresh_from_db()
    assert t.status == TargetStatus.CALLBACK and t.preferred_caller == claire
    # Before the appointment it is not due; Sophie gets the other household.
    s = next_call(campaign=c, caller=sophie, now=at(18, 10, 5))
    assert s.household == other
    attempt_record(
        actor=sophie, target=s, result="reached", outcome="reassuring", now=at(18, 10, 6)
    )
    # At the appointment, within the grace period, only Claire gets it.
    assert next_call(campaign=c, caller=sophie, now=at(19, 14, 10)) is None
    # After 30 minutes of grace, a colleague may take it.
    taken = next_call(campaign=c, caller=sophie, now=at(19, 14, 31))
    assert taken.pk == t.pk


def test_callback_for_this_caller_comes_before_wave_priority(landlord_a, marc, claire):
    septua = make_household(landlord_a, [SEPTUA])
    make_household(landlord_a, [OLD])
    c = running_campaign(landlord_a, marc)
    first = next_call(campaign=c, caller=claire, now=at(18, 9))  # the over-75
    attempt_record(
        actor=claire, target=first, result="reached", outcome="reassuring", now=at(18, 9, 1)
    )
    t = next_call(campaign=c, caller=claire, now=at(18, 9, 2))
    assert t.household == septua
    attempt_record(
        actor=claire, target=t, result="reached", callback_at=at(18, 11), now=at(18, 9, 3)
    )
    make_household(landlord_a, [OLD])  # a newcomer in wave 1
    from vigie.campaigns.services import campaign_build

    campaign_build(actor=marc, campaign=c, now=at(18, 9, 4))
    assert next_call(campaign=c, caller=claire, now=at(18, 11, 1)).household == septua


def test_wrong_number_flags_the_phone_and_tries_the_other_one(landlord_a, marc, claire):
    h = make_household(landlord_a, [dict(OLD, phone="+33561000001", phone_2="+33612345678")])
    c = running_campaign(landlord_a, marc)
    t = next_call(campaign=c, caller=claire)
    attempt_record(actor=claire, target=t, result="wrong_number", phone="+33561000001")
    o = Occupant.objects.get(household=h)
    assert o.phone_wrong_number and not o.phone_2_to_check
    t.refresh_from_db()
    assert t.status == TargetStatus.PENDING
    t = next_call(campaign=c, caller=claire)
    attempt_record(actor=claire, target=t, result="wrong_number")
    t.refresh_from_db()
    h.refresh_from_db()
    assert t.status == TargetStatus.NOT_REACHED and not h.has_phone
    assert AuditEvent.objects.filter(action="occupant.phone_flagged").count() == 2


def test_refused_is_out_of_the_queue(landlord_a, marc, claire):
    make_household(landlord_a, [OLD])
    c = running_campaign(landlord_a, marc)
    t = next_call(campaign=c, caller=claire)
    attempt_record(actor=claire, target=t, result="refused")
    t.refresh_from_db()
    assert t.status == TargetStatus.DONE
    assert next_call(campaign=c, caller=claire) is None


def test_attempt_creates_needs_from_answers_and_journals_without_notes(landlord_a, marc, claire):
    h = make_household(landlord_a, [OLD])
    c = running_campaign(
        landlord_a,
        marc,
        questions=[
            {
                "text": "Avez-vous besoin de courses ?",
                "kind": "yes_no",
                "maps_to_need": "groceries",
            },
            {"text": "Vous sentez-vous isolé·e ?", "kind": "yes_no", "maps_to_need": "isolation"},
        ],
    )
    q1, q2 = c.questions.all()
    t = next_call(campaign=c, caller=claire)
    a = attempt_record(
        actor=claire,
        target=t,
        result="reached",
        needs=["health"],
        answers={str(q1.pk): "oui", str(q2.pk): "non"},
        notes="Diabète, traitement à renouveler",
    )
    assert a.outcome == "needs_follow_up"
    assert sorted(Need.objects.filter(household=h).values_list("kind", flat=True)) == [
        "groceries",
        "health",
    ]
    event = AuditEvent.objects.get(action="attempt.recorded")
    assert "Diabète" not in str(event.payload) and "health" not in str(event.payload)
    assert Target.objects.get(pk=t.pk).outcome == "needs_follow_up"


def test_reached_needs_an_outcome_and_reassuring_has_no_needs(landlord_a, marc, claire):
    from vigie.campaigns.services import CampaignInputError

    make_household(landlord_a, [OLD])
    c = running_campaign(landlord_a, marc)
    t = next_call(campaign=c, caller=claire)
    with pytest.raises(CampaignInputError):
        attempt_record(actor=claire, target=t, result="reached")
    with pytest.raises(CampaignInputError):
        attempt_record(
            actor=claire, target=t, result="reached", outcome="reassuring", needs=["groceries"]
        )
    with pytest.raises(CampaignInputError):
        attempt_record(actor=claire, target=t, result="no_answer", outcome="reassuring")


def test_paused_wave_and_campaign_hand_out_nothing(landlord_a, marc, claire):
    make_household(landlord_a, [OLD])
    c = running_campaign(landlord_a, marc)
    wave_set_paused(actor=marc, wave=c.waves.get(priority=1), paused=True)
    assert next_call(campaign=c, caller=claire) is None
    wave_set_paused(actor=marc, wave=c.waves.get(priority=1), paused=False)
    campaign_pause(actor=marc, campaign=c)
    with pytest.raises(ConflictError):
        next_call(campaign=c, caller=claire)


def test_paper_entry_records_an_unclaimed_household(landlord_a, marc, claire, sophie):
    make_household(landlord_a, [OLD])
    c = running_campaign(landlord_a, marc)
    from vigie.campaigns.selectors import caller_sheet

    sheet = caller_sheet(c, claire, n=10)
    assert len(sheet) == 1
    with pytest.raises(ConflictError):
        attempt_record(actor=claire, target=sheet[0], result="refused")
    attempt_record(
        actor=claire, target=sheet[0], result="reached", outcome="reassuring", from_paper=True
    )
    assert next_call(campaign=c, caller=sophie) is None
