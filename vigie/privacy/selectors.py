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
REQUEST_SORTS = {
    "echeance": ("due_on", "received_on", "id"),
    "-echeance": ("-due_on", "-received_on", "-id"),
    "recue": ("received_on", "id"),
    "-recue": ("-received_on", "-id"),
    "demande": ("kind", "due_on", "id"),
    "menage": ("household_reference", "due_on", "id"),
}


def subject_requests_visible(
    user: Any, *, state: str = "open", sort: str = "echeance"
) -> QuerySet[SubjectRequest]:
    """The data-subject requests of the organisations where `user` handles them: open ones
    (`state="open"`), answered ones (`"done"`) or all, in the order of `REQUEST_SORTS[sort]`."""
    qs = SubjectRequest.objects.visible_to(user, Perm.SUBJECT_RIGHTS).select_related("handled_by")
    if state == "open":
        qs = qs.filter(outcome="")
    elif state == "done":
        qs = qs.exclude(outcome="")
    return qs.order_by(*REQUEST_SORTS.get(sort, REQUEST_SORTS["echeance"]))
