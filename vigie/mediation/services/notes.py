"""Notes behind the walls of their compartment (issue #13 §6)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db import transaction
from django.utils.translation import gettext as _

from vigie.core.errors import DomainError, PermissionDeniedError
from vigie.core.services import audit_log
from vigie.mediation.choices import Compartment
from vigie.mediation.models import Case, Note
from vigie.mediation.permissions import NOTES
from vigie.mediation.selectors import writable_compartments
from vigie.mediation.services.common import require_centre

if TYPE_CHECKING:
    from vigie.accounts.models import User


@transaction.atomic
def note_write(*, actor: User, case: Case, compartment: str, text: str) -> Note:
    """A note in a compartment: only by a practitioner assigned to the case whose discipline
    belongs to that compartment. The journal row says a note was written, never what."""
    require_centre(actor, NOTES, case)
    if compartment not in Compartment.values:
        raise DomainError(
            _("Compartiment inconnu : « %(v)s » (mediation, legal ou medical).")
            % {"v": compartment},
            field="compartment",
        )
    text = (text or "").strip()
    if not text:
        raise DomainError(_("La note est vide."), field="text")
    if compartment not in writable_compartments(actor, case):
        raise PermissionDeniedError(
            _(
                "Vous n'écrivez pas dans le compartiment « %(c)s » de cette médiation : il faut y "
                "être affecté·e avec une discipline de ce compartiment."
            )
            % {"c": Compartment(compartment).label}
        )
    note = Note.objects.create(
        organisation_id=case.organisation_id,
        case=case,
        compartment=compartment,
        author=actor,
        text=text[:20000],
    )
    audit_log(
        actor=actor,
        action="mediation.note_written",
        obj=case,
        payload={"compartment": compartment},
    )
    return note
