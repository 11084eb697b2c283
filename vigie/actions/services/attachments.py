"""Photos and documents attached to a building ticket (issue #12 §5).

Files are kept privately under the data directory (`VIGIE_ATTACHMENTS_DIR`, by default
`<VIGIE_DATA_DIR>/attachments/<organisation id>/`), under a random name: never under static
or media, never served by the web server. `views_work.ticket_attachment` serves one to who may
see its ticket. Only what a phone or a scanner produces is taken (JPEG, PNG, WebP, PDF), known
by its first bytes rather than its name, up to `VIGIE_ATTACHMENT_MAX_MB`. A file goes when its
row goes (a signal, after commit): removed by hand, by the retention rule
`ticket_attachments` (actions/privacy.py), or with its ticket or organisation.
"""

from __future__ import annotations

import os
import secrets
from pathlib import Path
from typing import TYPE_CHECKING

from django.conf import settings
from django.db import transaction
from django.db.models.signals import post_delete
from django.dispatch import receiver
from django.utils.translation import gettext as _

from vigie.actions.models import Ticket, TicketAttachment
from vigie.actions.services.common import ActionInputError, require_visible
from vigie.core.errors import ConflictError
from vigie.core.permissions import Perm
from vigie.core.services import audit_log

if TYPE_CHECKING:
    from django.core.files.uploadedfile import UploadedFile

    from vigie.accounts.models import User

MAX_PER_TICKET = 20
# (first bytes, content type) of what is taken; WebP is RIFF....WEBP.
_SIGNATURES = (
    (b"\xff\xd8\xff", "image/jpeg"),
    (b"\x89PNG\r\n\x1a\n", "image/png"),
    (b"%PDF-", "application/pdf"),
)


def max_bytes() -> int:
    return int(getattr(settings, "VIGIE_ATTACHMENT_MAX_MB", 10)) * 1024 * 1024


def storage_dir() -> Path:
    return Path(getattr(settings, "VIGIE_ATTACHMENTS_DIR", settings.DATA_DIR / "attachments"))


def attachment_path(attachment: TicketAttachment) -> Path:
    return storage_dir() / str(attachment.organisation_id) / attachment.storage_name


def sniff(head: bytes) -> str | None:
    """The content type the first bytes say, if it is one that is taken."""
    for signature, content_type in _SIGNATURES:
        if head.startswith(signature):
            return content_type
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return "image/webp"
    return None


def _size_fr(n: int) -> str:
    return f"{n / 1024 / 1024:.1f}".replace(".", ",")


@transaction.atomic
def ticket_attach(*, actor: User | None, ticket: Ticket, upload: UploadedFile) -> TicketAttachment:
    """Attach a photo or a document to a ticket; refuses, with a sentence, anything else."""
    require_visible(
        actor,
        Ticket,
        ticket.pk,
        Perm.TICKET_VIEW,
        _("Vous ne pouvez pas joindre de fichier à ce signalement."),
    )
    name = Path(upload.name or "fichier").name[:200]
    if upload.size is None or upload.size == 0:
        raise ActionInputError(_("« %(name)s » est vide.") % {"name": name}, field="file")
    if upload.size > max_bytes():
        raise ActionInputError(
            _("« %(name)s » pèse %(size)s Mo : la limite est de %(max)s Mo.")
            % {"name": name, "size": _size_fr(upload.size), "max": max_bytes() // 1024 // 1024},
            field="file",
        )
    upload.seek(0)
    head = upload.read(16)
    upload.seek(0)
    content_type = sniff(head)
    if content_type is None:
        raise ActionInputError(
            _(
                "« %(name)s » n'est pas accepté : joignez une photo (JPEG, PNG ou WebP) ou un "
                "document PDF."
            )
            % {"name": name},
            field="file",
        )
    locked = Ticket.objects.select_for_update().get(pk=ticket.pk)
    if TicketAttachment.objects.filter(ticket=locked).count() >= MAX_PER_TICKET:
        raise ConflictError(
            _("Ce signalement a déjà %(n)s pièces jointes : retirez-en une d'abord.")
            % {"n": MAX_PER_TICKET}
        )
    attachment = TicketAttachment(
        organisation_id=locked.organisation_id,
        ticket=locked,
        file_name=name,
        storage_name=secrets.token_hex(16),
        content_type=content_type,
        size=upload.size,
        uploaded_by=actor,
    )
    path = attachment_path(attachment)
    path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    # Readable by Vigie only (mode 0600), never overwriting (O_EXCL).
    with os.fdopen(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600), "wb") as out:
        for chunk in upload.chunks():
            out.write(chunk)
    try:
        attachment.save()
        audit_log(
            actor=actor,
            action="ticket.attachment_added",
            obj=locked,
            payload={"type": content_type, "size": upload.size},
        )
    except Exception:
        path.unlink(missing_ok=True)
        raise
    return attachment


@transaction.atomic
def ticket_attachment_remove(*, actor: User | None, attachment: TicketAttachment) -> None:
    """Remove an attachment (the agency, or a manager): its file goes after commit."""
    require_visible(
        actor,
        TicketAttachment,
        attachment.pk,
        Perm.TICKET_MANAGE,
        _(
            "Seule l'agence en charge de la résidence (ou un·e responsable) retire une pièce jointe."
        ),
    )
    ticket = attachment.ticket
    audit_log(
        actor=actor,
        action="ticket.attachment_removed",
        obj=ticket,
        payload={"type": attachment.content_type, "size": attachment.size},
    )
    attachment.delete()


@receiver(post_delete, sender=TicketAttachment)
def _remove_file(sender, instance: TicketAttachment, **kwargs) -> None:
    path = attachment_path(instance)
    transaction.on_commit(lambda: path.unlink(missing_ok=True))
