"""Writes of the core app: the audit journal and the access log."""

from __future__ import annotations

from datetime import timedelta
from typing import TYPE_CHECKING, Any, cast

from django.db import models
from django.utils import timezone

from vigie.core.models import AccessAction, AccessLog, AuditEvent, Organisation

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

    from vigie.accounts.models import User


def audit_log(
    *,
    actor: User | AnonymousUser | None,
    action: str,
    obj: models.Model | None = None,
    organisation: Organisation | int | None = None,
    payload: dict[str, Any] | None = None,
) -> AuditEvent:
    """Record a state change. Call it inside the transaction that makes the change."""
    org_id = organisation.pk if isinstance(organisation, Organisation) else organisation
    if org_id is None and obj is not None:
        org_id = getattr(obj, "organisation_id", None)
    return AuditEvent.objects.create(
        actor=cast("User", actor) if getattr(actor, "pk", None) else None,  # anonymous: none
        organisation_id=org_id,
        action=action,
        object_type=obj._meta.label_lower if obj is not None else "",
        object_id=str(obj.pk) if obj is not None else "",
        payload=payload or {},
    )


def access_record(
    *,
    user: User | AnonymousUser | None,
    action: str | AccessAction,
    obj: models.Model | None = None,
    object_type: str = "",
    detail: str = "",
    path: str = "",
    organisation_id: int | None = None,
    once_within: timedelta | None = None,
) -> None:
    """Record a read of personal data (a view, a search, an export) or a denied access.

    The organisation is the object's, or `organisation_id` for a read of many rows (an export).
    `once_within`: one user action may fetch the same object several times (a photo's thumbnail
    on its page, then the photo opened, a PDF viewer's range requests): the same user's same
    action on the same object within that time is one read, recorded once.
    """
    if organisation_id is None and obj is not None:
        organisation_id = getattr(obj, "organisation_id", None)
    user_pk = getattr(user, "pk", None)
    if once_within is not None and obj is not None and user_pk is not None:
        if AccessLog.objects.filter(
            user_id=user_pk,
            action=action,
            object_type=obj._meta.label_lower,
            object_id=str(obj.pk),
            at__gte=timezone.now() - once_within,
        ).exists():
            return
    AccessLog.objects.create(
        user=cast("User", user) if getattr(user, "pk", None) else None,  # anonymous: none
        organisation_id=organisation_id,
        action=action,
        object_type=obj._meta.label_lower if obj is not None else object_type,
        object_id=str(obj.pk) if obj is not None else "",
        detail=detail[:300],
        path=path[:300],
    )
