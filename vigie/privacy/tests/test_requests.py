"""Data-subject requests: received date, legal deadline (GDPR art. 12(3)), extension, the
DPO's list of what is late and what is due soon."""

from datetime import date, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from vigie.accounts.services import user_create
from vigie.conftest import PASSWORD
from vigie.core.models import AuditEvent
from vigie.core.permissions import Role
from vigie.housing.tests.factories import make_household
from vigie.privacy.deadlines import add_months, deadline_words, due_date
from vigie.privacy.models import SubjectRequest

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("received", "months", "due"),
    [
        (date(2027, 1, 31), 1, date(2027, 2, 28)),  # February is shorter: its last day
        (date(2028, 1, 31), 1, date(2028, 2, 29)),  # leap year
        (date(2027, 1, 15), 1, date(2027, 2, 15)),
        (date(2026, 12, 31), 1, date(2027, 1, 31)),  # over the year's end
        (date(2027, 3, 31), 1, date(2027, 4, 30)),
        (date(2027, 1, 31), 3, date(2027, 4, 30)),  # extended by two: from the receipt
    ],
)
def test_month_arithmetic_at_month_ends(received, months, due):
    assert add_months(received, months) == due


def test_due_date_is_one_month_then_up_to_three():
    assert due_date(date(2027, 1, 31)) == date(2027, 2, 28)
    assert due_date(date(2027, 1, 31), 2) == date(2027, 4, 30)
    assert due_date(date(2027, 11, 30), 2) == date(2028, 2, 29)


def test_deadline_in_words():
    today = date(2027, 3, 10)
    assert (
        deadline_words(date(2027, 3, 7), today) == "en retard de 3 jours (échéance le 07/03/2027)"
    )
    assert deadline_words(date(2027, 3, 9), today) == "en retard de 1 jour (échéance le 09/03/2027)"
    assert deadline_words(today, today) == "à traiter aujourd'hui (10/03/2027)"
    assert (
        deadline_words(date(2027, 3, 15), today)
        == "à traiter dans 5 jours (au plus tard le 15/03/2027)"
    )


@pytest.fixture
def odette(landlord_a):
    h = make_household(
        landlord_a, [{"last_name": "DURAND", "first_name": "Odette"}], reference="BAIL-DURAND"
    )
    return h.occupants.get()


def _receive(client, occupant, kind, received_on):
    return client.post(
        reverse("privacy:person_action", args=[occupant.pk, "recevoir"]),
        {"kind": kind, "received_on": received_on.strftime("%d/%m/%Y")},
    )


def test_a_request_is_recorded_when_received_with_its_deadline(client, dora, odette):
    client.force_login(dora)
    received = timezone.localdate() - timedelta(days=3)
    _receive(client, odette, "access", received)
    req = SubjectRequest.objects.get()
    assert req.is_open and req.received_on == received and req.due_on == due_date(received)
    assert AuditEvent.objects.filter(action="subject.received", object_id=str(odette.household_id))
    html = client.get(reverse("privacy:person", args=[odette.pk])).content.decode()
    assert req.due_on.strftime("%d/%m/%Y") in html and "à traiter dans" in html


def test_a_received_date_in_the_future_or_not_a_date_is_refused(client, dora, odette):
    client.force_login(dora)
    r = _receive(client, odette, "access", timezone.localdate() + timedelta(days=1))
    assert "ne peut pas être dans le futur" in client.get(r.url).content.decode()
    client.post(
        reverse("privacy:person_action", args=[odette.pk, "recevoir"]),
        {"kind": "access", "received_on": "31/02/2027"},
    )
    assert not SubjectRequest.objects.exists()


def test_a_second_open_request_of_the_same_kind_is_refused(client, dora, odette):
    """Two "droit d'accès" letters from one person made two pending requests (QA finding)."""
    client.force_login(dora)
    first = timezone.localdate() - timedelta(days=5)
    _receive(client, odette, "access", first)
    r = _receive(client, odette, "access", timezone.localdate())
    page = client.get(r.url).content.decode()
    assert "attend déjà sa réponse" in page and first.strftime("%d/%m/%Y") in page
    assert SubjectRequest.objects.count() == 1
    # Another right, or the same once answered, is a new request.
    _receive(client, odette, "objection", timezone.localdate())
    assert SubjectRequest.objects.count() == 2
    client.get(reverse("privacy:person_export", args=[odette.pk]))  # answers the access one
    _receive(client, odette, "access", timezone.localdate())
    assert SubjectRequest.objects.filter(kind="access").count() == 2


def test_answering_closes_the_open_request_and_says_if_late(client, dora, odette):
    client.force_login(dora)
    _receive(client, odette, "access", timezone.localdate() - timedelta(days=40))
    client.get(reverse("privacy:person_export", args=[odette.pk]))
    req = SubjectRequest.objects.get()  # the same request, answered: not a second one
    assert req.outcome == "done" and req.handled_by == dora and req.handled_late
    html = client.get(reverse("privacy:requests"), {"etat": "done"}).content.decode()
    assert "hors délai" in html


def test_the_dpo_list_shows_what_is_late_and_due_soon(client, dora, odette, landlord_b):
    today = timezone.localdate()
    client.force_login(dora)
    _receive(client, odette, "access", today - timedelta(days=40))  # late
    _receive(client, odette, "rectification", add_months(today, -1) + timedelta(days=3))  # soon
    _receive(client, odette, "objection", today)  # due in a month
    html = client.get(reverse("privacy:requests")).content.decode()
    late = SubjectRequest.objects.get(kind="access")
    days_late = (today - late.due_on).days
    assert f"en retard de {days_late} jours (échéance le {late.due_on:%d/%m/%Y})" in html
    assert "1 demande en retard" in html and "1 demande à traiter dans les 7 jours" in html
    # Sorted by deadline, the late one first; reversed on request.
    assert html.index("droit d&#x27;accès") < html.index("opposition (art. 21)")
    html = client.get(reverse("privacy:requests"), {"tri": "-echeance"}).content.decode()
    assert html.index("opposition (art. 21)") < html.index("droit d&#x27;accès")
    assert 'aria-sort="descending"' in html
    # Another landlord's DPO sees none of them.
    dpo_b = user_create(username="dpo-b", organisation=landlord_b, role=Role.DPO, password=PASSWORD)
    client.force_login(dpo_b)
    html = client.get(reverse("privacy:requests")).content.decode()
    assert "BAIL-DURAND" not in html and "Aucune demande en retard" in html


def test_only_the_dpo_reaches_the_list(client, marc):
    client.force_login(marc)
    assert client.get(reverse("privacy:requests")).status_code == 403


def _extend(client, occupant, req, months, reason="Demande complexe : dossiers papier en agence"):
    return client.post(
        reverse("privacy:person_action", args=[occupant.pk, "prolonger"]),
        {"request": req.pk, "months": months, "reason": reason},
    )


def test_extension_once_only_up_to_two_months_with_a_reason(client, dora, odette):
    client.force_login(dora)
    received = timezone.localdate() - timedelta(days=5)
    _receive(client, odette, "access", received)
    req = SubjectRequest.objects.get()
    _extend(client, odette, req, 3)
    _extend(client, odette, req, 2, reason="trop")
    req.refresh_from_db()
    assert req.extension_months == 0 and req.due_on == due_date(received)
    _extend(client, odette, req, 2)
    req.refresh_from_db()
    assert req.extension_months == 2 and req.due_on == add_months(received, 3)
    assert req.extension_reason.startswith("Demande complexe")
    event = AuditEvent.objects.get(action="subject.extended")
    assert event.payload == {"request": req.pk, "months": 2, "due_on": req.due_on.isoformat()}
    r = _extend(client, odette, req, 1)
    assert "ne se prolonge qu&#x27;une fois" in client.get(r.url).content.decode()
    req.refresh_from_db()
    assert (
        req.extension_months == 2
        and AuditEvent.objects.filter(action="subject.extended").count() == 1
    )


def test_no_extension_after_the_first_month_nor_of_an_answered_request(client, dora, odette):
    client.force_login(dora)
    _receive(client, odette, "access", timezone.localdate() - timedelta(days=40))
    _receive(client, odette, "objection", timezone.localdate())
    late = SubjectRequest.objects.get(kind="access")
    r = _extend(client, odette, late, 1)
    assert "Trop tard pour prolonger" in client.get(r.url).content.decode()
    client.post(reverse("privacy:person_action", args=[odette.pk, "opposition"]))
    answered = SubjectRequest.objects.get(kind="objection")
    assert answered.outcome == "done"
    _extend(client, odette, answered, 1)
    late.refresh_from_db()
    answered.refresh_from_db()
    assert late.extension_months == 0 and answered.extension_months == 0
