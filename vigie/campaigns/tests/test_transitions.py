"""The claim stays one SQL statement (decision 0009), but its statuses come from the target's
from→to table (choices.TARGET_TRANSITIONS), like every other move (decision 0011)."""

from __future__ import annotations

from datetime import timedelta

from django.utils import timezone

from vigie.campaigns.choices import TARGET_CLAIM_SOURCES, TARGET_TRANSITIONS, TargetStatus
from vigie.campaigns.models import Target
from vigie.campaigns.queue import _claim_sql, next_call
from vigie.campaigns.tests.factories import old_household, running_campaign


def test_the_claim_sql_reads_and_writes_only_the_statuses_the_table_allows(
    landlord_a, marc, claire
):
    old_household(landlord_a)
    campaign = running_campaign(landlord_a, marc)
    now = timezone.now()
    _sql, params = _claim_sql(
        campaign=campaign, caller=claire, now=now, expires=now, skip_locked=False
    )
    used = {p for p in params if isinstance(p, str) and p in TargetStatus.values}
    assert set(TARGET_CLAIM_SOURCES) == {
        s for s, to in TARGET_TRANSITIONS.items() if "claimed" in to
    }
    assert used == set(TARGET_CLAIM_SOURCES) | {TargetStatus.CLAIMED}


def test_the_claim_takes_a_due_household_from_exactly_the_table_s_sources(landlord_a, marc, claire):
    old_household(landlord_a)
    campaign = running_campaign(landlord_a, marc)
    target = Target.objects.get(campaign=campaign)
    past = timezone.now() - timedelta(hours=1)
    for status in TargetStatus.values:
        Target.objects.filter(pk=target.pk).update(
            status=status,
            due_at=past,
            claimed_by=marc if status == TargetStatus.CLAIMED else None,
            claim_expires_at=past if status == TargetStatus.CLAIMED else None,
            preferred_caller=None,
        )
        claimed = next_call(campaign=campaign, caller=claire)
        if status in TARGET_CLAIM_SOURCES:
            assert claimed is not None and claimed.pk == target.pk, status
            assert Target.objects.get(pk=target.pk).status == TargetStatus.CLAIMED
        else:
            assert claimed is None, status
            assert Target.objects.get(pk=target.pk).status == status
