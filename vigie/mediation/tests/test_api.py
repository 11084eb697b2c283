"""The mediation API as the issue writes it (#13 §11): payloads, answers, codes, and the walls.

Marc (manager at landlord A) refers a noise dispute between two of A's households to
L'Amandier, which serves A and B; Diane directs the centre, Paula is a psychologist, Luc a
lawyer, Medi a mediator; Bruno (caller at B) must see nothing of A's referral.
"""

from __future__ import annotations

import json
from datetime import date, timedelta

import pytest
from django.core import mail
from django.test import Client

from vigie.core.models import AccessLog, AuditEvent
from vigie.core.tests.world import bearer
from vigie.mediation.models import Assignment, Case, Session

pytestmark = pytest.mark.django_db

LANDLORD_FIELDS = {"id", "status", "outcome", "referred_on", "opened_on", "closed_on", "agreement"}
YESTERDAY = (date.today() - timedelta(days=1)).isoformat()


def call(user, method, url, body=None):
    client = Client()
    headers = bearer(user)
    if body is None:
        return getattr(client, method)(url, **headers)
    return getattr(client, method)(
        url, json.dumps(body), content_type="application/json", **headers
    )


def refer(marc, households, **extra):
    body = {
        "centre": "amandier",
        "type": "dispute",
        "households": [h.pk for h in households],
        "others": [],
        "trouble": "noise",
        "intensity": 2,
        "summary": "Musique forte la nuit",
        **extra,
    }
    return call(marc, "post", "/api/v1/mediation/referrals", body)


@pytest.fixture
def case_id(marc, amandier, two_households):
    response = refer(marc, two_households)
    assert response.status_code == 201, response.content
    assert response.json() == {"id": response.json()["id"], "status": "referred"}
    return response.json()["id"]


def open_case(diane, case_id, two_households):
    assert call(diane, "post", f"/api/v1/mediation/cases/{case_id}/accept").status_code == 200
    for h in two_households:
        r = call(
            diane,
            "post",
            f"/api/v1/mediation/cases/{case_id}/consents",
            {"household": h.pk, "given_on": YESTERDAY, "how": "oral"},
        )
        assert r.status_code == 200, r.content
    return r.json()


def test_referral_then_landlord_reads_exactly_its_fields(marc, diane, case_id):
    listed = call(marc, "get", "/api/v1/mediation/cases").json()
    assert [set(row) for row in listed] == [LANDLORD_FIELDS]
    detail = call(marc, "get", f"/api/v1/mediation/cases/{case_id}").json()
    assert set(detail) == LANDLORD_FIELDS
    assert detail["status"] == "referred" and detail["agreement"] is None
    # The centre's people get the parties.
    full = call(diane, "get", f"/api/v1/mediation/cases/{case_id}").json()
    assert {p["role"] for p in full["parties"]} == {"applicant", "respondent"}
    assert {"id", "household", "name", "role"} <= set(full["parties"][0])
    assert "DUPONT Jeanne" in {p["name"] for p in full["parties"]}


def test_a_second_landlord_served_by_the_same_centre_sees_nothing(bruno, case_id):
    assert call(bruno, "get", "/api/v1/mediation/cases").json() == []
    assert call(bruno, "get", f"/api/v1/mediation/cases/{case_id}").status_code == 404
    assert call(bruno, "get", f"/api/v1/mediation/cases/{case_id}/notes").status_code == 403


def test_a_household_of_another_served_landlord_is_a_party_its_landlord_sees_nothing(
    marc, bruno, diane, amandier, two_households, household_b
):
    r = refer(marc, [two_households[0], household_b])
    assert r.status_code == 201
    case_id = r.json()["id"]
    full = call(diane, "get", f"/api/v1/mediation/cases/{case_id}").json()
    assert {p["household"] for p in full["parties"]} == {two_households[0].pk, household_b.pk}
    # Landlord B did not refer it: nothing, not even on its household's page.
    assert call(bruno, "get", "/api/v1/mediation/cases").json() == []
    assert call(bruno, "get", f"/api/v1/mediation/cases/{case_id}").status_code == 404
    client = Client()
    client.force_login(bruno)
    page = client.get(f"/registre/menages/{household_b.pk}/").content.decode()
    assert "Médiation en cours" not in page
    # A's staff learn nothing of B's household from the answer.
    assert b"DURAND" not in call(marc, "get", f"/api/v1/mediation/cases/{case_id}").content


def test_a_household_of_a_landlord_the_centre_does_not_serve_is_not_found(marc, amandier):
    from vigie.core.models import Organisation, OrganisationKind
    from vigie.housing.tests.factories import make_household

    far = Organisation.objects.create(slug="loin-hlm", name="Loin", kind=OrganisationKind.LANDLORD)
    stranger = make_household(far, [{"last_name": "LOIN"}], reference="BAIL-LOIN")
    assert refer(marc, [stranger]).status_code == 404
    assert Case.objects.count() == 0


def test_an_unserved_centre_or_bad_codes_are_refused_with_a_sentence(
    marc, amandier, two_households
):
    from vigie.core.models import Organisation, OrganisationKind

    Organisation.objects.create(slug="loin", name="Loin", kind=OrganisationKind.MEDIATION_CENTRE)
    r = refer(marc, two_households, centre="loin")
    assert r.status_code == 400 and "ne sert pas" in r.json()["detail"]
    assert refer(marc, two_households, trouble="bagarre").status_code == 400
    assert refer(marc, two_households, intensity=7).status_code == 400
    r = refer(marc, [], others=[{"name": "M. X", "phone": "pas un numéro"}])
    assert r.status_code == 400 and "numéro" in r.json()["detail"]
    assert Case.objects.count() == 0


def test_an_outside_person_is_a_party(marc, diane, amandier, two_households):
    r = refer(marc, two_households[:1], others=[{"name": "M. Voisin", "phone": "06 12 34 56 78"}])
    full = call(diane, "get", f"/api/v1/mediation/cases/{r.json()['id']}").json()
    outsider = next(p for p in full["parties"] if p["household"] is None)
    assert outsider["name"] == "M. Voisin" and outsider["role"] == "respondent"


def test_landlord_staff_cannot_act_for_the_centre(marc, case_id):
    for action in ("accept", "resume"):
        assert call(marc, "post", f"/api/v1/mediation/cases/{case_id}/{action}").status_code == 403


def test_every_consent_opens_the_case_by_itself(marc, diane, case_id, two_households):
    call(diane, "post", f"/api/v1/mediation/cases/{case_id}/accept")
    party = call(diane, "get", f"/api/v1/mediation/cases/{case_id}").json()["parties"][0]
    r = call(
        diane,
        "post",
        f"/api/v1/mediation/cases/{case_id}/consents",
        {"party": party["id"], "given_on": YESTERDAY, "how": "written"},
    )
    assert r.json()["status"] == "awaiting_consent"
    r = call(
        diane,
        "post",
        f"/api/v1/mediation/cases/{case_id}/consents",
        {"household": two_households[1].pk, "given_on": YESTERDAY, "how": "email"},
    )
    assert r.json()["status"] == "in_progress"
    seen = call(marc, "get", f"/api/v1/mediation/cases/{case_id}").json()
    assert seen["status"] == "in_progress" and seen["opened_on"] == date.today().isoformat()


def test_a_party_refusing_closes_as_not_engaged(diane, case_id, two_households):
    call(diane, "post", f"/api/v1/mediation/cases/{case_id}/accept")
    r = call(
        diane,
        "post",
        f"/api/v1/mediation/cases/{case_id}/consents",
        {"household": two_households[0].pk, "given_on": YESTERDAY, "how": "oral", "given": False},
    )
    assert (r.json()["status"], r.json()["outcome"]) == ("closed", "not_engaged")


def test_decline_with_a_reason_the_landlord_sees(marc, diane, case_id):
    assert (
        call(
            diane, "post", f"/api/v1/mediation/cases/{case_id}/decline", {"reason": ""}
        ).status_code
        == 400
    )
    r = call(
        diane,
        "post",
        f"/api/v1/mediation/cases/{case_id}/decline",
        {"reason": "Déjà devant le tribunal"},
    )
    assert r.json()["status"] == "declined"
    assert call(marc, "get", f"/api/v1/mediation/cases/{case_id}").json()["status"] == "declined"
    # No move outside the table.
    assert call(diane, "post", f"/api/v1/mediation/cases/{case_id}/accept").status_code == 409


def test_pause_and_resume(diane, case_id, two_households):
    open_case(diane, case_id, two_households)
    r = call(
        diane,
        "post",
        f"/api/v1/mediation/cases/{case_id}/pause",
        {"reason": "Confinement", "resume_on": "2020-05-11"},
    )
    assert (r.json()["status"], r.json()["resume_on"]) == ("paused", "2020-05-11")
    assert (
        call(
            diane,
            "post",
            f"/api/v1/mediation/cases/{case_id}/pause",
            {"reason": "x", "resume_on": "2020-05-11"},
        ).status_code
        == 409
    )
    assert (
        call(diane, "post", f"/api/v1/mediation/cases/{case_id}/resume").json()["status"]
        == "in_progress"
    )


def test_notes_stay_in_their_compartments(
    marc, diane, paula, luc, medi, maya, case_id, two_households
):
    open_case(diane, case_id, two_households)
    url = f"/api/v1/mediation/cases/{case_id}/notes"
    # Not assigned yet: refused even in their own compartment.
    assert call(paula, "post", url, {"compartment": "medical", "text": "x"}).status_code == 403
    for user in (paula, luc, medi):
        r = call(
            diane,
            "post",
            f"/api/v1/mediation/cases/{case_id}/practitioners",
            {"username": user.username},
        )
        assert r.status_code == 200
    assert (
        call(paula, "post", url, {"compartment": "medical", "text": "PSYNOTE"}).status_code == 201
    )
    assert call(luc, "post", url, {"compartment": "legal", "text": "LAWNOTE"}).status_code == 201
    assert (
        call(medi, "post", url, {"compartment": "mediation", "text": "MEDNOTE"}).status_code == 201
    )
    # A discipline outside the compartment is refused.
    assert call(luc, "post", url, {"compartment": "medical", "text": "x"}).status_code == 403
    assert call(paula, "post", url, {"compartment": "legal", "text": "x"}).status_code == 403
    texts = lambda user: {n["text"] for n in call(user, "get", url).json()}  # noqa: E731
    assert texts(paula) == {"PSYNOTE"}
    assert texts(luc) == {"LAWNOTE"}
    assert texts(medi) == {"MEDNOTE"}
    assert texts(maya) == set()  # a practitioner of the centre, not assigned
    assert texts(diane) == set()  # the director, until the glass is broken
    assert call(marc, "get", url).status_code == 403
    # Nothing of a note in the landlord's or the centre's case reads.
    for user in (marc, diane, maya):
        body = call(user, "get", f"/api/v1/mediation/cases/{case_id}").content
        assert b"PSYNOTE" not in body and b"LAWNOTE" not in body
    # Every read of notes is access-logged.
    assert AccessLog.objects.filter(detail__startswith="notes", user=luc).exists()


def test_break_glass_is_the_directors_logged_for_the_dpo(
    diane, medi, paula, case_id, two_households
):
    open_case(diane, case_id, two_households)
    call(diane, "post", f"/api/v1/mediation/cases/{case_id}/practitioners", {"username": "paula"})
    call(
        paula,
        "post",
        f"/api/v1/mediation/cases/{case_id}/notes",
        {"compartment": "medical", "text": "PSYNOTE"},
    )
    url = f"/api/v1/mediation/cases/{case_id}/break-glass"
    assert call(medi, "post", url, {"reason": "curiosité"}).status_code == 403
    r = call(diane, "post", url, {"reason": "Plainte d'une partie contre un praticien"})
    assert r.status_code == 200
    notes = call(diane, "get", f"/api/v1/mediation/cases/{case_id}/notes").json()
    assert [n["text"] for n in notes] == ["PSYNOTE"]
    event = AuditEvent.objects.get(action="mediation.break_glass")
    assert event.actor == diane and "Plainte" in event.payload["reason"]
    assert AccessLog.objects.filter(user=diane, detail="break-glass").exists()
    from vigie.core import journal

    assert journal.codes()["mediation.break_glass"]


def test_close_with_a_shared_agreement_the_landlord_reads(marc, diane, case_id, two_households):
    open_case(diane, case_id, two_households)
    r = call(
        diane,
        "post",
        f"/api/v1/mediation/cases/{case_id}/close",
        {
            "outcome": "agreement",
            "agreement_text": "Pas de musique après 22 h",
            "agreement_shareable": True,
        },
    )
    assert r.json()["status"] == "closed"
    seen = call(marc, "get", f"/api/v1/mediation/cases/{case_id}").json()
    assert seen["outcome"] == "agreement" and seen["closed_on"] == date.today().isoformat()
    assert seen["agreement"] == {"reached": True, "text": "Pas de musique après 22 h"}


def test_an_agreement_not_shared_says_only_yes(marc, diane, case_id, two_households):
    open_case(diane, case_id, two_households)
    call(
        diane,
        "post",
        f"/api/v1/mediation/cases/{case_id}/close",
        {"outcome": "agreement", "agreement_text": "SECRET TEXT", "agreement_shareable": False},
    )
    response = call(marc, "get", f"/api/v1/mediation/cases/{case_id}")
    assert response.json()["agreement"] == {"reached": True, "text": None}
    assert b"SECRET TEXT" not in response.content
    # An agreement outcome without its text is refused.
    assert Case.objects.get(pk=case_id).status == "closed"


def test_failure_outcome_is_agreement_no(marc, diane, case_id, two_households):
    open_case(diane, case_id, two_households)
    assert (
        call(
            diane, "post", f"/api/v1/mediation/cases/{case_id}/close", {"outcome": "agreement"}
        ).status_code
        == 400
    )
    call(diane, "post", f"/api/v1/mediation/cases/{case_id}/close", {"outcome": "failure"})
    assert call(marc, "get", f"/api/v1/mediation/cases/{case_id}").json()["agreement"] == {
        "reached": False,
        "text": None,
    }


def _ics(message):
    from icalendar import Calendar

    (attachment,) = [a for a in message.attachments if a[0].endswith(".ics")]
    return Calendar.from_ical(attachment[1])


@pytest.fixture
def on_commit(monkeypatch):
    """Send at once the e-mails services send after their commit (the test's transaction is
    rolled back, never committed)."""
    monkeypatch.setattr("django.db.transaction.on_commit", lambda fn, *a, **k: fn())


def test_sessions_invite_with_ics_updates_and_cancellations(
    diane, medi, luc, case_id, two_households, on_commit
):
    open_case(diane, case_id, two_households)
    full = call(diane, "get", f"/api/v1/mediation/cases/{case_id}").json()
    parties = [p["id"] for p in full["parties"]]
    mail.outbox.clear()
    r = call(
        diane,
        "post",
        f"/api/v1/mediation/cases/{case_id}/sessions",
        {
            "kind": "separate",
            "parties": [parties[0]],
            "modality": "phone",
            "starts_at": "2026-12-10T10:00:00+01:00",
            "minutes": 45,
            "practitioners": ["medi"],
        },
    )
    assert r.status_code == 201 and set(r.json()) == {"id"}
    assert Assignment.objects.filter(case_id=case_id, user=medi).exists()
    (invite,) = mail.outbox
    assert set(invite.to) == {"dupont@example.org", "medi@amandier.example"}
    cal = _ics(invite)
    event = cal.walk("VEVENT")[0]
    assert str(cal["METHOD"]) == "REQUEST" and int(event["SEQUENCE"]) == 0
    assert event["DTSTART"].params["TZID"] == "Europe/Paris"
    assert str(event["ORGANIZER"]).startswith("mailto:")
    assert len(event.get("ATTENDEE")) == 2
    # A separate session is for one party; a joint one for two or more; video needs its link.
    bad = {
        "kind": "separate",
        "parties": parties,
        "modality": "phone",
        "starts_at": "2026-12-10T10:00:00+01:00",
    }
    assert (
        call(diane, "post", f"/api/v1/mediation/cases/{case_id}/sessions", bad).status_code == 400
    )
    joint = {
        "kind": "joint",
        "parties": [h.pk for h in two_households],
        "modality": "video",
        "starts_at": "2026-12-11T14:00:00+01:00",
        "practitioners": ["luc"],
    }
    assert (
        call(diane, "post", f"/api/v1/mediation/cases/{case_id}/sessions", joint).status_code == 400
    )
    joint["video_url"] = "https://visio.example.org/amandier"
    r = call(diane, "post", f"/api/v1/mediation/cases/{case_id}/sessions", joint)
    assert r.status_code == 201
    session = Session.objects.get(pk=r.json()["id"])
    uid = session.uid
    mail.outbox.clear()
    call(
        diane,
        "post",
        f"/api/v1/mediation/sessions/{session.pk}/reschedule",
        {
            "starts_at": "2026-12-12T14:00:00+01:00",
            "minutes": 90,
            "modality": "video",
            "video_url": "https://visio.example.org/amandier",
        },
    )
    event = _ics(mail.outbox[0]).walk("VEVENT")[0]
    assert (str(event["UID"]), int(event["SEQUENCE"])) == (uid, 1)
    mail.outbox.clear()
    call(diane, "post", f"/api/v1/mediation/sessions/{session.pk}/cancel")
    cal = _ics(mail.outbox[0])
    assert str(cal["METHOD"]) == "CANCEL" and str(cal.walk("VEVENT")[0]["UID"]) == uid
    # Attendance of the first session.
    first = Session.objects.filter(case_id=case_id).order_by("pk").first()
    r = call(
        diane,
        "post",
        f"/api/v1/mediation/sessions/{first.pk}/attendance",
        {"attendance": [{"party": parties[0], "status": "seen"}]},
    )
    assert r.status_code == 200
    assert first.attendees.get().attendance == "seen"


def test_reminders_48_hours_before(diane, case_id, two_households):
    from django.utils import timezone

    from vigie.mediation.invitations import session_reminders

    open_case(diane, case_id, two_households)
    full = call(diane, "get", f"/api/v1/mediation/cases/{case_id}").json()
    soon = (timezone.now() + timedelta(hours=30)).isoformat()
    later = (timezone.now() + timedelta(days=5)).isoformat()
    for when in (soon, later):
        call(
            diane,
            "post",
            f"/api/v1/mediation/cases/{case_id}/sessions",
            {
                "kind": "separate",
                "parties": [full["parties"][0]["id"]],
                "modality": "on_site",
                "starts_at": when,
            },
        )
    mail.outbox.clear()
    assert session_reminders.call() == 1
    assert "Rappel" in mail.outbox[0].subject
    assert session_reminders.call() == 0  # once


def test_activity_exact_for_the_director_suppressed_for_the_landlord(marc, diane, bruno, case_id):
    r = call(
        diane, "get", "/api/v1/mediation/activity?landlord=patrimoine&from=2000-01-01&to=2100-12-31"
    )
    body = r.json()
    assert r.status_code == 200 and body["referrals"] == 1 and body["troubles"]["noise"] == 1
    assert {
        "landlord",
        "from",
        "to",
        "referrals",
        "accepted",
        "declined",
        "closed",
        "outcomes",
        "median_days",
        "sessions_by_modality",
        "troubles",
    } <= set(body)
    mine = call(
        marc, "get", "/api/v1/mediation/activity?landlord=patrimoine&from=2000-01-01&to=2100-12-31"
    ).json()
    assert mine["referrals"] is None and "referrals" in mine["suppressed"]
    assert call(marc, "get", "/api/v1/mediation/activity?landlord=autre-hlm").status_code == 404
    assert call(bruno, "get", "/api/v1/mediation/activity").status_code == 403
