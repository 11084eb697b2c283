"""Background tasks of the campaigns app (docs/decisions/0004): the build of a large list."""

from __future__ import annotations

from django_tasks import task


@task()
def campaign_build_task(build_id: int) -> str:
    """Build a campaign's list for `campaign_build_request`; returns the build's status."""
    from vigie.campaigns.services.build import campaign_build_run

    return campaign_build_run(build_id=build_id).status
