"""Where a caller lands (core/home.py): the calls, when a campaign of theirs is running."""

from vigie.core.home import register_landing
from vigie.core.permissions import Perm


def _caller_with_running_campaign(user) -> str | None:
    if not user.has_org_perm(Perm.CALL_TAKE) or user.has_org_perm(Perm.CAMPAIGN_MANAGE):
        return None
    from vigie.campaigns.selectors import running_campaigns_for_caller

    return "campaigns:list" if running_campaigns_for_caller(user).exists() else None


register_landing("campaigns.caller", _caller_with_running_campaign, order=10)
