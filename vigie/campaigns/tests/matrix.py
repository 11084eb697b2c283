"""The campaigns app's part of the shared test world (core/tests/world.py): a background build
of each landlord's campaign, for the build's progress page (issue #12 §9)."""

from __future__ import annotations

from typing import Any


def extend_world(world: Any) -> None:
    from vigie.campaigns.models import CampaignBuild

    for land in (world.a, world.b):
        for campaign in (land.campaign, land.plain_campaign):
            world.extra[f"build-{campaign.pk}"] = CampaignBuild.objects.create(
                organisation_id=campaign.organisation_id,
                campaign=campaign,
                status="done",
                result={"targets": 0, "added": 0, "opted_out": 0, "no_phone": 0, "waves": []},
            )


def _build(land: Any, user: Any) -> int:
    from vigie.core.permissions import Perm

    # The campaign the role reads (core/tests/test_matrix.py, campaign_for).
    if user is not None and not user.has_org_perm(Perm.HOUSEHOLD_VIEW_SENSITIVE, land.org.pk):
        campaign = land.plain_campaign
    else:
        campaign = land.campaign
    from vigie.campaigns.models import CampaignBuild

    return CampaignBuild.objects.filter(campaign=campaign).latest("pk").pk


PERSONAS: tuple[str, ...] = ()
PARAMS = {("campaigns:build_status", "build_pk"): _build}
