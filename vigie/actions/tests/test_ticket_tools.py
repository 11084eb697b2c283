"""What the agency needs to act on a ticket (issue #12 §5): where the problem is (from the
register), to whom it is given (a person of the agency, a contractor), photos and documents kept
privately, served only to who may see the ticket, removed by retention and with the ticket.

Personas: Claire (caller at A), Marc (manager at A), Paul (agency staff, Toulouse Nord), Nina
(agency staff, Toulouse Sud), Bruno (caller at Landlord B).
"""

from __future__ import annotations

import html
from datetime import timedelta

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from vigie.actions.models import Ticket, TicketAttachment
from vigie.actions.services import ticket_assign, ticket_attach, ticket_move, ticket_report
from vigie.actions.services.attachments import attachment_path, storage_dir
from vigie.actions.tests.conftest import raise_needs
from vigie.core.errors import DomainError, PermissionDeniedError
from vigie.core.models import AccessLog, AuditEvent
from vigie.housing.models import Building
from vigie.housing.tests.factories import ResidenceFactory

pytestmark = pytest.mark.django_db

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
JPEG = b"\xff\xd8\xff\xe0" + b"\x00" * 64
PDF = b"%PDF-1.4\n%%EOF\n"


@pytest.fixture(autouse=True)
def _private_dir(settings, tmp_path):
    settings.VIGIE_ATTACHMENTS_DIR = tmp_path / "pieces"


def client_for(user) -> Client:
    c = Client()
    c.force_login(user)
    return c


def text(response) -> str:
    return html.unescape(response.content.decode())


@pytest.fixture
def ticket(campaign, claire, landlord_a):
    """A ticket raised from a call: the household lives 12 rue des Lilas, bât. B, esc. 2, 3rd."""
    (need,) = raise_needs(campaign, claire, ["housing_problem"])
    dwelling = need.household.dwelling
    dwelling.address = "12 rue des Lilas"
    dwelling.building = Building.objects.create(
        organisation=landlord_a, residence=dwelling.residence, name="B"
    )
    dwelling.staircase, dwelling.floor = "2", "3"
    dwelling.save()
    from vigie.actions.services import ticket_from_need

    return ticket_from_need(actor=claire, need=need, category="lighting", note="Hall sans lumière")


def upload(name, data, content_type="application/octet-stream"):
    return SimpleUploadedFile(name, data, content_type=content_type)


# --- Where ---------------------------------------------------------------------------------------


def test_the_ticket_says_address_building_staircase_and_floor_from_the_register(ticket, paul):
    assert (ticket.address, ticket.building, ticket.staircase, ticket.floor) == (
        "12 rue des Lilas",
        "B",
        "2",
        "3",
    )
    page = text(client_for(paul).get(reverse("actions:ticket", args=[ticket.pk])))
    assert "12 rue des Lilas" in page and "bâtiment B" in page
    assert (
        "escalier 2" in page and "3e étage" in page
    )  # a floor as people say it (core.text.floor_label)


def test_the_agency_corrects_the_location_journaled_and_refused_without_address(ticket, paul):
    c = client_for(paul)
    url = reverse("actions:ticket_locate", args=[ticket.pk])
    r = c.post(
        url,
        {
            "version": ticket.version,
            "address": "14 rue des Lilas",
            "building": "C",
            "staircase": "1",
            "floor": "0",
        },
    )
    assert r.status_code == 302
    ticket.refresh_from_db()
    assert (ticket.address, ticket.building, ticket.floor) == ("14 rue des Lilas", "C", "0")
    assert AuditEvent.objects.filter(action="ticket.located", object_id=str(ticket.pk)).exists()
    assert "rez-de-chaussée" in text(c.get(reverse("actions:ticket", args=[ticket.pk])))
    r = c.post(url, {"version": ticket.version, "address": "  ", "building": "Z"})
    assert r.status_code == 400
    page = text(r)
    assert "Indiquez l'adresse où se trouve le problème." in page and 'value="Z"' in page
    ticket.refresh_from_db()
    assert ticket.building == "C"


def test_a_staff_report_without_household_has_no_location_until_the_agency_gives_one(
    marc, residence_nord
):
    t = ticket_report(actor=marc, residence=residence_nord, category="lift")
    assert t.address == ""


# --- Who -----------------------------------------------------------------------------------------


def test_assign_to_agency_staff_or_a_contractor_journaled(ticket, paul, nina, marc):
    c = client_for(marc)
    url = reverse("actions:ticket_assign", args=[ticket.pk])
    page = text(c.get(reverse("actions:ticket", args=[ticket.pk])))
    assert f'value="{paul.pk}"' in page and f'value="{nina.pk}"' not in page  # Nord only
    r = c.post(
        url,
        {
            "version": ticket.version,
            "assignee": paul.pk,
            "contractor_name": "Électricité Garonne",
            "contractor_contact": "05 61 00 00 00",
        },
    )
    assert r.status_code == 302
    ticket.refresh_from_db()
    assert ticket.assignee == paul and ticket.contractor_name == "Électricité Garonne"
    assert ticket.assigned_at is not None
    entry = AuditEvent.objects.get(action="ticket.assigned", object_id=str(ticket.pk))
    assert entry.payload == {"assignee": "paul", "contractor": "Électricité Garonne"}
    page = text(client_for(paul).get(reverse("actions:ticket", args=[ticket.pk])))
    assert "Électricité Garonne (05 61 00 00 00)" in page
    # Nina is not of this agency: refused next to the field, nothing changed.
    with pytest.raises(DomainError, match="n'est pas du personnel de l'agence"):
        ticket_assign(actor=marc, ticket=ticket, version=ticket.version, assignee_id=nina.pk)
    r = c.post(url, {"version": ticket.version, "contractor_contact": "06 00 00 00 00"})
    assert r.status_code == 400 and "Indiquez le nom de l'entreprise" in text(r)
    ticket.refresh_from_db()
    assert ticket.assignee == paul


def test_only_the_agency_or_a_manager_assigns_and_a_closed_ticket_is_not_assigned(
    ticket, claire, paul, nina
):
    assert (
        client_for(claire)
        .post(reverse("actions:ticket_assign", args=[ticket.pk]), {"version": ticket.version})
        .status_code
        == 403
    )
    with pytest.raises(PermissionDeniedError):
        ticket_assign(
            actor=nina, ticket=ticket, version=ticket.version, assignee_id=None, contractor_name="X"
        )
    ticket = ticket_move(
        actor=paul, ticket=ticket, to="resolved", version=ticket.version, note="Ampoules changées"
    )
    with pytest.raises(DomainError, match="clos"):
        ticket_assign(actor=paul, ticket=ticket, version=ticket.version, assignee_id=paul.pk)


# --- Photos and documents ------------------------------------------------------------------------


def test_a_photo_is_stored_privately_and_served_to_who_sees_the_ticket(ticket, claire, paul):
    c = client_for(claire)
    r = c.post(
        reverse("actions:ticket_attach", args=[ticket.pk]),
        {"file": upload("hall.jpg", JPEG, "image/jpeg")},
    )
    assert r.status_code == 302
    a = TicketAttachment.objects.get()
    path = attachment_path(a)
    assert path.read_bytes() == JPEG and path.is_relative_to(storage_dir())
    assert "hall" not in path.name and a.content_type == "image/jpeg"
    for public in (settings.STATIC_ROOT, settings.MEDIA_ROOT):
        assert not path.is_relative_to(public)
    assert AuditEvent.objects.filter(action="ticket.attachment_added").exists()
    page = text(client_for(paul).get(reverse("actions:ticket", args=[ticket.pk])))
    assert "hall.jpg" in page and reverse("actions:ticket_attachment", args=[a.pk]) in page
    r = client_for(paul).get(reverse("actions:ticket_attachment", args=[a.pk]))
    assert r.status_code == 200 and b"".join(r.streaming_content) == JPEG
    assert r["Content-Type"] == "image/jpeg" and r["X-Content-Type-Options"] == "nosniff"
    assert AccessLog.objects.filter(
        action="view", user=paul, object_type="actions.ticketattachment"
    ).exists()


def test_one_look_at_a_photo_is_one_line_of_the_access_log(ticket, claire, paul):
    """The page's thumbnail, the photo opened, then downloaded, a HEAD: one look, one line (the
    demo's DPO read three views of a photo nobody had opened). Another person's look, or the
    same person's a day later, is its own line."""
    client_for(claire).post(
        reverse("actions:ticket_attach", args=[ticket.pk]),
        {"file": upload("hall.jpg", JPEG, "image/jpeg")},
    )
    a = TicketAttachment.objects.get()
    url = reverse("actions:ticket_attachment", args=[a.pk])
    c = client_for(paul)
    for _request in range(2):
        c.get(reverse("actions:ticket", args=[ticket.pk]))
        c.get(url)  # the thumbnail, then the photo opened
    c.get(url + "?telecharger=1")
    c.head(url)
    views = AccessLog.objects.filter(object_type="actions.ticketattachment", object_id=str(a.pk))
    assert views.filter(user=paul).count() == 1
    client_for(claire).get(url)
    assert views.filter(user=claire).count() == 1
    AccessLog.objects.filter(user=paul).update(at=timezone.now() - timedelta(days=1))
    c.get(url)
    assert views.filter(user=paul).count() == 2


def test_another_organisation_or_agency_gets_404_for_the_file(ticket, claire, bruno, nina):
    a = ticket_attach(actor=claire, ticket=ticket, upload=upload("plan.pdf", PDF))
    url = reverse("actions:ticket_attachment", args=[a.pk])
    assert client_for(bruno).get(url).status_code == 404
    assert client_for(nina).get(url).status_code == 404  # agency staff of another agency
    assert client_for(bruno).post(
        reverse("actions:ticket_attach", args=[ticket.pk]), {"file": upload("x.pdf", PDF)}
    ).status_code in (403, 404)
    assert TicketAttachment.objects.count() == 1


def test_wrong_type_or_too_large_is_refused_in_french_and_nothing_is_kept(ticket, claire, settings):
    c = client_for(claire)
    url = reverse("actions:ticket_attach", args=[ticket.pk])
    r = c.post(url, {"file": upload("photo.jpg", b"MZ\x90\x00 not a picture")})
    assert r.status_code == 400
    assert (
        "« photo.jpg » n'est pas accepté : joignez une photo (JPEG, PNG ou WebP) ou un "
        "document PDF."
    ) in text(r)
    settings.VIGIE_ATTACHMENT_MAX_MB = 1
    r = c.post(url, {"file": upload("grand.png", PNG + b"\x00" * (1024 * 1024 + 300_000))})
    assert r.status_code == 400
    assert "« grand.png » pèse 1,3 Mo : la limite est de 1 Mo." in text(r)
    assert not TicketAttachment.objects.exists()
    assert not any(storage_dir().rglob("*")) if storage_dir().exists() else True


def test_the_agency_removes_an_attachment_and_its_file_goes(
    ticket, claire, paul, django_capture_on_commit_callbacks
):
    a = ticket_attach(actor=claire, ticket=ticket, upload=upload("a.png", PNG))
    path = attachment_path(a)
    url = reverse("actions:ticket_attachment_remove", args=[a.pk])
    assert client_for(claire).post(url).status_code == 403  # a caller adds, never removes
    assert path.exists()
    with django_capture_on_commit_callbacks(execute=True):
        r = client_for(paul).post(url)
    assert r.status_code == 302
    assert not TicketAttachment.objects.exists() and not path.exists()
    assert AuditEvent.objects.filter(action="ticket.attachment_removed").exists()


@pytest.mark.django_db(transaction=True)
def test_files_go_with_their_ticket_and_by_retention(campaign, claire, paul, residence_nord):
    from vigie.privacy.retention import purge

    t1 = ticket_report(actor=claire, residence=residence_nord, category="lift")
    first = attachment_path(ticket_attach(actor=claire, ticket=t1, upload=upload("a.png", PNG)))
    Ticket.objects.filter(pk=t1.pk).delete()  # the ticket erased: the file with it
    assert not first.exists()

    t2 = ticket_report(actor=claire, residence=residence_nord, category="cleaning")
    old = attachment_path(ticket_attach(actor=claire, ticket=t2, upload=upload("b.pdf", PDF)))
    t2 = ticket_move(actor=paul, ticket=t2, to="resolved", version=t2.version, note="Fait")
    other = ResidenceFactory(organisation=residence_nord.organisation, agency=residence_nord.agency)
    t3 = ticket_report(actor=claire, residence=other, category="cleaning")
    kept = attachment_path(ticket_attach(actor=claire, ticket=t3, upload=upload("c.png", PNG)))
    assert purge(dry_run=True)["ticket_attachments"] == 0  # closed today: kept a year
    Ticket.objects.filter(pk=t2.pk).update(resolved_at=timezone.now() - timedelta(days=366))
    assert purge(dry_run=True)["ticket_attachments"] == 1
    assert purge()["ticket_attachments"] == 1
    assert not old.exists() and kept.exists()  # the open ticket keeps its photo
    assert TicketAttachment.objects.count() == 1
