"""Where a user holds a permission, for the pages and API operations that need organisations
rather than rows (a form's choice of organisation, "may this user create here?").

Rows are read through `Model.objects.visible_to(user, perm)`; these helpers are the only other
door, so no view or endpoint reads `user.scope(...)` itself (issue #11 §2, a test checks it).
Whole organisations only: agency staff hold their permissions in some agencies, never in an
organisation as a whole (`agency_ids_where` gives those agencies).
"""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet

from vigie.core.models import Organisation


def organisation_ids_where(user: Any, perm: str) -> tuple[int, ...]:
    """Ids of the organisations where `user` holds `perm` over the whole organisation."""
    if not user.is_authenticated:
        return ()
    return user.scope(perm).full_org_ids


def agency_ids_where(user: Any, perm: str) -> tuple[int, ...]:
    """Ids of the agencies where `user` (agency staff) holds `perm`, outside whole organisations."""
    if not user.is_authenticated:
        return ()
    return user.scope(perm).agency_ids


def organisations_where(user: Any, perm: str) -> QuerySet[Organisation]:
    """The organisations where `user` holds `perm` over the whole organisation."""
    return Organisation.objects.filter(pk__in=organisation_ids_where(user, perm))
