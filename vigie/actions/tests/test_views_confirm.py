"""Cancelling a referral, a ticket or a task asks first (issue #10, finding 7): the server
refuses it without the confirmation field, and the cancel action stands apart from the others
with its own « Motif de l'annulation » field.

Personas: Claire (caller at A), Marc (manager at A), Paul (agency staff, Toulouse Nord), Pierre
(CCAS).
"""

from __future__ import annotations

import html

import pytest
from django.test import Client
from django.urls import reverse

from vigie.actions.choices import ReferralStatus, TaskStatus, TicketStatus
from vigie.actions.models import Referral, Task, Ticket
from vigie.actions.services import referral_create, task_create, ticket_report
from vigie.actions.tests.conftest import raise_needs

pytestmark = pytest.mark.django_db


def client_for(user) -> Client:
    c = Client()
    c.force_login(user)
    return c


def text(response) -> str:
    return html.unescape(response.content.decode())


def test_cancelling_a_ticket_needs_the_confirmation_and_keeps_the_reason(
    marc, paul, residence_nord
):
    t = ticket_report(actor=marc, residence=residence_nord, category="cleaning", note="Hall sale")
    c = client_for(paul)
    url = reverse("actions:ticket_move", args=[t.pk])
    r = c.post(url, {"to": "cancelled", "version": t.version, "note": "Doublon du n° 12"})
    assert r.status_code == 200
    page = text(r)
    assert "Annuler le signalement « ménage des parties communes » de Les Lilas ?" in page
    assert "fermé sans être résolu" in page
    # The reason typed is posted again with the confirmation.
    assert 'value="Doublon du n° 12"' in page
    assert Ticket.objects.get(pk=t.pk).status == TicketStatus.OPEN
    c.post(
        url, {"to": "cancelled", "version": t.version, "note": "Doublon du n° 12", "confirmed": "1"}
    )
    t.refresh_from_db()
    assert t.status == TicketStatus.CANCELLED and t.resolution == "Doublon du n° 12"


def test_the_ticket_page_sets_cancel_apart_with_its_own_reason_field(marc, paul, residence_nord):
    t = ticket_report(actor=marc, residence=residence_nord, category="cleaning")
    page = text(client_for(paul).get(reverse("actions:ticket", args=[t.pk])))
    zone = page.index('class="danger-zone"')
    # « Prendre en compte » comes first and is not the dangerous style; cancel comes last.
    assert page.index("Prendre en compte") < zone
    assert page.index("Annuler le signalement…") > zone
    assert "Motif de l'annulation" in page[zone:]
    assert "Motif de l'annulation" not in page[:zone] and ">Motif<" not in page


def test_cancelling_a_referral_needs_the_confirmation(campaign, claire, ccas):
    (need,) = raise_needs(campaign, claire, ["meal_delivery"])
    r = referral_create(actor=claire, need=need, partner=ccas)
    c = client_for(claire)
    page = text(c.get(reverse("actions:referral", args=[r.pk])))
    assert "Annuler l'orientation…" in page and "Motif de l'annulation" in page
    url = reverse("actions:referral_move", args=[r.pk])
    resp = c.post(url, {"to": "cancelled", "version": r.version, "note": "Erreur de ménage"})
    assert "Annuler l'orientation vers « CCAS de Toulouse » ?" in text(resp)
    assert Referral.objects.get(pk=r.pk).status == ReferralStatus.SENT
    c.post(url, {"to": "cancelled", "version": r.version, "note": "Erreur", "confirmed": "1"})
    assert Referral.objects.get(pk=r.pk).status == ReferralStatus.CANCELLED


def test_cancelling_a_task_needs_the_confirmation(landlord_a, marc):
    from django.utils import timezone

    t = task_create(
        actor=marc,
        organisation_id=landlord_a.pk,
        title="Rappeler M. Dupont",
        due_on=timezone.localdate(),
        owner=marc,
    )
    c = client_for(marc)
    url = reverse("actions:task_move", args=[t.pk])
    resp = c.post(url, {"to": "cancelled", "version": t.version})
    assert "Annuler la tâche « Rappeler M. Dupont » ?" in text(resp)
    assert Task.objects.get(pk=t.pk).status == TaskStatus.OPEN
    c.post(url, {"to": "cancelled", "version": t.version, "confirmed": "1"})
    assert Task.objects.get(pk=t.pk).status == TaskStatus.CANCELLED
