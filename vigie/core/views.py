from django.shortcuts import redirect
from django.template.response import TemplateResponse

from vigie.core.permissions import ANY_SIGNED_IN, Perm, Role, requires


@requires(ANY_SIGNED_IN)
def home(request):
    """The landing page: where each role starts its day."""
    user = request.user
    if user.has_org_perm(Perm.CALL_TAKE) and not user.has_org_perm(Perm.CAMPAIGN_MANAGE):
        # A caller's day starts at the calls, when a campaign is running; otherwise the register.
        from vigie.campaigns.selectors import running_campaigns_for_caller

        if running_campaigns_for_caller(user).exists():
            return redirect("campaigns:list")
    if user.has_org_perm(Perm.REFERRAL_HANDLE) and not user.has_org_perm(Perm.HOUSEHOLD_VIEW):
        return redirect("actions:referrals")  # a partner worker: the referrals sent to them
    if user.roles() == {Role.AGENCY_STAFF}:
        return redirect("actions:tickets")  # agency staff: their agencies' building problems
    if user.has_org_perm(Perm.HOUSEHOLD_VIEW):
        return redirect("housing:households")
    return TemplateResponse(request, "core/home.html", {})
