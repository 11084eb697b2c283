"""Building tickets end to end: a call's housing problem reaches the agency, merges, is resolved
and the household informed; overdue tickets make a task and the digest goes through SMTP.

Personas: Claire (caller at A), Marc (manager at A), Paul (agency staff, Toulouse Nord), Nina
(agency staff, Toulouse Sud), Bruno (caller at Landlord B), Pierre (CCAS).
"""

from __future__ import annotations

import html
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.core.management import call_command
from django.test import Client
from django.urls import reverse

from vigie.actions.choices import TaskOrigin, TicketStatus
from vigie.actions.models import Task, Ticket
from vigie.actions.services import (
    add_working_days,
    ticket_from_need,
    ticket_move,
    ticket_report,
    tickets_overdue_sweep,
)
from vigie.actions.tests.conftest import raise_needs
from vigie.core.errors import ConflictError, PermissionDeniedError

pytestmark = pytest.mark.django_db
PARIS = ZoneInfo("Europe/Paris")


def client_for(user) -> Client:
    c = Client()
    c.force_login(user)
    return c


def text(response) -> str:
    return html.unescape(response.content.decode())


def test_working_days_skip_the_weekend():
    friday = date(2020, 3, 20)
    assert add_working_days(friday, 3) == date(2020, 3, 25)
    assert add_working_days(friday, 1) == date(2020, 3, 23)


def test_housing_problem_becomes_an_agency_ticket_and_merges(
    campaign, claire, marc, paul, nina, bruno, pierre, residence_nord
):
    (need,) = raise_needs(campaign, claire, ["housing_problem"])
    c = client_for(claire)
    r = c.post(
        reverse("actions:need_ticket", args=[need.pk]),
        {f"t{need.pk}-category": "cleaning", f"t{need.pk}-note": "Escalier B sale"},
    )
    assert r.status_code == 302
    ticket = Ticket.objects.get()
    assert ticket.agency.name == "Toulouse Nord" and ticket.residence == residence_nord
    assert ticket.reports_count == 1 and ticket.status == TicketStatus.OPEN
    assert ticket.due_on == add_working_days(ticket.opened_at.astimezone(PARIS).date(), 3)

    # A manager reports the same problem: merged, counted.
    again = ticket_report(actor=marc, residence=residence_nord, category="cleaning", note="Idem")
    assert again.pk == ticket.pk and again.reports_count == 2
    other = ticket_report(actor=marc, residence=residence_nord, category="lighting")
    assert other.pk != ticket.pk

    # Paul (the residence's agency) sees it; Nina (another agency) and Bruno do not (404);
    # Pierre, a partner worker, has no business here (403).
    assert client_for(paul).get(reverse("actions:ticket", args=[ticket.pk])).status_code == 200
    listing = text(client_for(paul).get(reverse("actions:tickets")))
    assert "Les Lilas" in listing and "ménage des parties communes" in listing
    assert client_for(nina).get(reverse("actions:ticket", args=[ticket.pk])).status_code == 404
    assert "Les Lilas" not in text(client_for(nina).get(reverse("actions:tickets")))
    assert client_for(bruno).get(reverse("actions:ticket", args=[ticket.pk])).status_code == 404
    assert client_for(pierre).get(reverse("actions:tickets")).status_code == 403
    with pytest.raises(PermissionDeniedError):
        ticket_move(actor=nina, ticket=ticket, to="acknowledged", version=None)
    # Agency staff see no referral and no task pages.
    assert client_for(paul).get(reverse("actions:referrals")).status_code == 403
    assert client_for(paul).get(reverse("actions:my_tasks")).status_code == 403

    # Paul acknowledges, resolves, and records that the households were told.
    p = client_for(paul)
    ticket.refresh_from_db()
    p.post(
        reverse("actions:ticket_move", args=[ticket.pk]),
        {"to": "acknowledged", "version": ticket.version},
    )
    ticket.refresh_from_db()
    assert ticket.status == TicketStatus.ACKNOWLEDGED and ticket.acknowledged_by == paul
    p.post(
        reverse("actions:ticket_move", args=[ticket.pk]),
        {"to": "resolved", "version": ticket.version, "note": "Nettoyage fait le 20/03"},
    )
    ticket.refresh_from_db()
    need.refresh_from_db()
    assert ticket.status == TicketStatus.RESOLVED and need.status == "resolved"
    p.post(
        reverse("actions:ticket_move", args=[ticket.pk]),
        {"to": "informed", "version": ticket.version},
    )
    ticket.refresh_from_db()
    assert ticket.informed_at and ticket.informed_by == paul
    # A new report after resolution opens a new ticket.
    fresh = ticket_report(actor=marc, residence=residence_nord, category="cleaning")
    assert fresh.pk != ticket.pk and fresh.reports_count == 1
    # The household page shows the ticket to Paul (his agency).
    page = text(client_for(paul).get(reverse("housing:household", args=[need.household_id])))
    assert "Signalement à l'agence : ménage des parties communes" in page


def test_a_need_is_reported_once_and_only_housing_needs_become_tickets(campaign, claire):
    housing, meals = raise_needs(campaign, claire, ["housing_problem", "meal_delivery"])
    ticket_from_need(actor=claire, need=housing, category="lift")
    with pytest.raises(ConflictError):
        ticket_from_need(actor=claire, need=housing, category="lift")
    with pytest.raises(Exception, match="problème de logement"):
        ticket_from_need(actor=claire, need=meals, category="lift")


def test_stale_ticket_save_is_refused(campaign, marc, paul, residence_nord):
    t = ticket_report(actor=marc, residence=residence_nord, category="water")
    ticket_move(actor=paul, ticket=t, to="acknowledged", version=t.version)
    with pytest.raises(ConflictError, match="quelqu'un d'autre"):
        ticket_move(actor=marc, ticket=t, to="cancelled", version=t.version, note="doublon")


def test_overdue_ticket_makes_one_task_and_the_digest_goes_through_smtp(
    campaign, claire, marc, paul, residence_nord, smtp
):
    (need,) = raise_needs(campaign, claire, ["housing_problem"])
    t = ticket_from_need(actor=claire, need=need, category="cleaning")
    Ticket.objects.filter(pk=t.pk).update(due_on=date.today() - timedelta(days=2))
    listing = text(client_for(paul).get(reverse("actions:tickets")))
    assert 'class="overdue"' in listing and "en retard" in listing

    call_command("ticket_digest", "--now")
    task = Task.objects.get(ticket=t)
    assert task.owner == marc and task.origin == TaskOrigin.TICKET_OVERDUE
    assert "Les Lilas" in task.title
    assert tickets_overdue_sweep() == 0  # never twice for the same ticket
    (mail,) = [m for m in smtp.messages if m["to"] == ["nord@example.org"]]
    assert "en retard : 1" in mail["data"] and "/actions/signalements/?agency=" in mail["data"]
    assert "Signalements de Toulouse Nord au " in mail["data"]  # not "l'agence Agence …"
    assert "DUPONT" not in mail["data"] and "+33561123456" not in mail["data"]
    # Marc finds it in his tasks.
    mine = text(client_for(marc).get(reverse("actions:my_tasks")))
    assert "Signalement en retard" in mine


def test_ticket_list_has_constant_queries(
    landlord_a, marc, paul, nord, django_assert_max_num_queries
):
    from vigie.housing.tests.factories import ResidenceFactory

    for i in range(12):
        res = ResidenceFactory(organisation=landlord_a, agency=nord, name=f"Résidence {i}")
        ticket_report(actor=marc, residence=res, category="cleaning")
    for user in (marc, paul):
        c = client_for(user)
        with django_assert_max_num_queries(12):
            response = c.get(reverse("actions:tickets"))
        assert text(response).count("ménage des parties communes") >= 12


def test_ticket_opened_on_a_friday_is_due_after_the_weekend(marc, residence_nord):
    friday = datetime(2020, 3, 20, 10, 0, tzinfo=PARIS)
    t = ticket_report(actor=marc, residence=residence_nord, category="cleaning", now=friday)
    assert t.due_on == date(2020, 3, 25)


def test_working_days_skip_french_public_holidays():
    from vigie.actions.services import public_holidays

    # Easter 2026 is 5 April: Easter Monday 6/4, Ascension 14/5, Whit Monday 25/5.
    assert {date(2026, 4, 6), date(2026, 5, 14), date(2026, 5, 25)} <= public_holidays(2026)
    assert date(2024, 4, 1) in public_holidays(2024)  # Easter Monday 2024
    assert date(2025, 4, 21) in public_holidays(2025)  # Easter Monday 2025
    assert len(public_holidays(2026)) == 11
    # A ticket opened on Wednesday 30 April 2025 with 3 working days: 1 May is a holiday,
    # so 2 May, 5 May, 6 May → Tuesday 6 May.
    assert add_working_days(date(2025, 4, 30), 3) == date(2025, 5, 6)
    # Over Christmas: Wednesday 24/12/2025 + 1 → Friday 26 (25 is a holiday).
    assert add_working_days(date(2025, 12, 24), 1) == date(2025, 12, 26)
    # 14 July 2026 is a Tuesday: Monday 13 + 1 → Wednesday 15.
    assert add_working_days(date(2026, 7, 13), 1) == date(2026, 7, 15)


def test_a_cancelled_ticket_was_never_taken_in_hand(campaign, marc, paul, residence_nord):
    """QA: cancelling an open ticket stamped it "pris en compte"; resolving one still does."""
    t = ticket_report(actor=marc, residence=residence_nord, category="lift")
    t = ticket_move(actor=marc, ticket=t, to="cancelled", version=t.version, note="doublon")
    assert t.acknowledged_at is None and t.acknowledged_by is None
    other = ticket_report(actor=marc, residence=residence_nord, category="water")
    other = ticket_move(actor=paul, ticket=other, to="resolved", version=other.version, note="ok")
    assert other.acknowledged_at is not None
