"""A caller's own console settings (issue #12 §2)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db import transaction

from vigie.campaigns.models import CallerSettings
from vigie.core.services import audit_log

if TYPE_CHECKING:
    from vigie.accounts.models import User


@transaction.atomic
def caller_settings_set(*, actor: User, auto_next: bool, shortcuts: bool) -> CallerSettings:
    """Save the caller's own settings: next call by itself, single-key shortcuts on or off."""
    row, _created = CallerSettings.objects.select_for_update().get_or_create(user=actor)
    changed = {
        k: v
        for k, v in (("auto_next", auto_next), ("shortcuts", shortcuts))
        if getattr(row, k) != v
    }
    if changed or _created:
        row.auto_next, row.shortcuts = auto_next, shortcuts
        row.save()
        audit_log(actor=actor, action="caller_settings.updated", obj=row, payload=changed)
    return row
