"""The actions app's part of the shared test world (core/tests/world.py): a photo on each
landlord's ticket, so the matrix and the sentinel reach the attachment pages (issue #12 §5)."""

from __future__ import annotations

from django.core.files.uploadedfile import SimpleUploadedFile

PERSONAS: tuple[str, ...] = ()
_ATTACHMENTS: dict[int, int] = {}  # landlord organisation id → its ticket's attachment id

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32


def extend_world(world) -> None:
    from vigie.actions.services import ticket_attach

    for land in (world.a, world.b):
        attachment = ticket_attach(
            actor=None,
            ticket=land.ticket,
            upload=SimpleUploadedFile("photo.png", PNG, content_type="image/png"),
        )
        _ATTACHMENTS[land.org.pk] = attachment.pk
    world.extra["ticket_attachments"] = dict(_ATTACHMENTS)


PARAMS = {
    ("actions:ticket_locate", "pk"): lambda land, u: land.ticket.pk,
    ("actions:ticket_assign", "pk"): lambda land, u: land.ticket.pk,
    ("actions:ticket_attach", "pk"): lambda land, u: land.ticket.pk,
    ("actions:ticket_attachment", "pk"): lambda land, u: _ATTACHMENTS[land.org.pk],
    ("actions:ticket_attachment_remove", "pk"): lambda land, u: _ATTACHMENTS[land.org.pk],
}
