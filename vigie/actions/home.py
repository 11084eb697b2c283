"""Where partner workers and agency staff land (core/home.py)."""

from vigie.core.home import register_landing
from vigie.core.permissions import Perm, Role


def _partner_worker(user) -> str | None:
    # A partner worker: the referrals sent to them.
    if user.has_org_perm(Perm.REFERRAL_HANDLE) and not user.has_org_perm(Perm.HOUSEHOLD_VIEW):
        return "actions:referrals"
    return None


def _agency_staff(user) -> str | None:
    # Agency staff: their agencies' building problems.
    return "actions:tickets" if user.roles() == {Role.AGENCY_STAFF} else None


register_landing("actions.partner_worker", _partner_worker, order=20)
register_landing("actions.agency_staff", _agency_staff, order=30)
