"""Checks shared by the campaigns services: who may act, and whether the campaign still changes."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.utils.translation import gettext as _

from vigie.campaigns.choices import (
    CampaignStatus,
)
from vigie.campaigns.models import (
    Campaign,
    selects_health_data,
)
from vigie.core.errors import ConflictError, DomainError, PermissionDeniedError
from vigie.core.permissions import Perm, denied_sentence

if TYPE_CHECKING:
    from vigie.accounts.models import User
    from vigie.campaigns.services.waves import WaveSpec


class CampaignInputError(DomainError):
    """Input that cannot be used as given (unknown cohort, missing outcome…): HTTP 422."""

    status_code = 422


def require_perm(actor: User | None, perm: str, organisation_id: int, message: str) -> None:
    if actor is not None and not actor.has_org_perm(perm, organisation_id):
        raise PermissionDeniedError(message)


def require_health_right(
    actor: User | None, org_id: int, spec: WaveSpec, *, force: bool = False
) -> None:
    """A wave that selects on disability is health data: only a role that may see it sets it."""
    if force or selects_health_data(spec.cohorts, spec.filters):
        require_perm(
            actor,
            Perm.HOUSEHOLD_VIEW_SENSITIVE,
            org_id,
            str(denied_sentence(Perm.HOUSEHOLD_VIEW_SENSITIVE)),
        )


def require_manage(actor: User | None, campaign_or_org_id: Campaign | int) -> None:
    org_id = (
        campaign_or_org_id.organisation_id
        if isinstance(campaign_or_org_id, Campaign)
        else campaign_or_org_id
    )
    require_perm(
        actor,
        Perm.CAMPAIGN_MANAGE,
        org_id,
        _("Seul·e un·e responsable de campagne de ce bailleur peut faire cela."),
    )


def check_editable(campaign: Campaign) -> None:
    if campaign.status == CampaignStatus.CLOSED:
        raise ConflictError(
            _("La campagne « %(name)s » est clôturée : elle ne change plus.")
            % {"name": campaign.name}
        )
