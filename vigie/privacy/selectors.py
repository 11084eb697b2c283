"""Reads of the data-protection officer's pages, scoped once (issue #11 §2)."""

from __future__ import annotations

from typing import Any

from django.db.models import Q, QuerySet

from vigie.accounts.models import Membership
from vigie.core.models import AccessLog
from vigie.core.permissions import Perm
from vigie.core.selectors import organisation_ids_where
from vigie.housing.models import Household
from vigie.privacy.models import SubjectRequest


def access_log_visible(user: Any) -> QuerySet[AccessLog]:
    """The access log of the organisations where `user` is DPO: the rows about them, and the
    rows of their members that name no organisation (a sign-in, a refused page)."""
    org_ids = organisation_ids_where(user, Perm.AUDIT_VIEW)
    members = Membership.objects.filter(organisation_id__in=org_ids).values("user_id")
    return AccessLog.objects.filter(
        Q(organisation_id__in=org_ids) | Q(organisation__isnull=True, user_id__in=members)
    )


def households_for_audit(user: Any) -> QuerySet[Household]:
    """The households whose access log `user` reads (looked up by reference on the page)."""
    return Household.objects.visible_to(user, Perm.AUDIT_VIEW)


# The DPO's list of requests: its sort keys (query `tri`) and their ordering.
# The sortable columns of the DPO's lists (core/ordering.py: `?o=echeance`, `?o=-recue`…).
REQUEST_COLUMNS = {
    "echeance": ("due_on", "received_on", "pk"),
    "recue": ("received_on", "pk"),
    "demande": ("kind", "due_on", "pk"),
    "menage": ("household_reference", "due_on", "pk"),
}
ACCESS_LOG_COLUMNS = {
    "at": ("at", "pk"),
    "who": ("user__first_name", "user__last_name", "user__username", "at", "pk"),
}


def subject_requests_visible(user: Any, *, state: str = "open") -> QuerySet[SubjectRequest]:
    """The data-subject requests of the organisations where `user` handles them: open ones
    (`state="open"`), answered ones (`"done"`) or all, by deadline (`REQUEST_COLUMNS` to sort)."""
    qs = SubjectRequest.objects.visible_to(user, Perm.SUBJECT_RIGHTS).select_related("handled_by")
    if state == "open":
        qs = qs.filter(outcome="")
    elif state == "done":
        qs = qs.exclude(outcome="")
    return qs.order_by(*REQUEST_COLUMNS["echeance"])
