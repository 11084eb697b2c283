from vigie.core.permissions import Perm


def vigie(request):
    """What the base template needs to draw the menu for this user."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}

    def can(perm: str) -> bool:
        return user.has_org_perm(perm)

    return {
        "nav": {
            "register": can(Perm.HOUSEHOLD_VIEW),
            "imports": can(Perm.IMPORT_RUN),
            "campaigns": can(Perm.CAMPAIGN_VIEW),
            "calls": can(Perm.CALL_TAKE),
            "audit": can(Perm.AUDIT_VIEW),
            "partners": can(Perm.PARTNER_VIEW),
            "referrals": can(Perm.REFERRAL_VIEW),
            "tickets": can(Perm.TICKET_VIEW),
            "tasks": can(Perm.TASK_VIEW),
            "actions_report": can(Perm.CAMPAIGN_MANAGE),
        },
        "user_orgs": user.organisations(),
    }
