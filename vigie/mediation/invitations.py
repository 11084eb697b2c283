"""Session invitations by e-mail with an iCalendar file (RFC 5546: REQUEST, CANCEL).

One UID per session; every update raises SEQUENCE, so calendar programs replace the event
instead of adding a second one; a cancellation is METHOD:CANCEL with the same UID. Times are
written with TZID Europe/Paris. The e-mail names no party and says nothing of the case: the
date, the place (or the phone/video link) and the centre.

This module imports no service: services enqueue its tasks on commit.
"""

from __future__ import annotations

import logging
from datetime import timedelta
from zoneinfo import ZoneInfo

from django.conf import settings
from django.core.mail import EmailMessage
from django.utils import timezone
from django.utils.translation import gettext as _
from django_tasks import task

logger = logging.getLogger(__name__)
PARIS = ZoneInfo("Europe/Paris")


def recipients(session) -> list[str]:
    """The e-mail addresses of the parties invited and of the session's practitioners."""
    from vigie.housing.models import Occupant

    emails: list[str] = []
    for attendee in session.attendees.select_related("party"):
        party = attendee.party
        if party.email:
            emails.append(party.email)
        elif party.household_id:
            emails.extend(
                e
                for e in Occupant.objects.filter(household_id=party.household_id)
                .exclude(email="")
                .order_by("position")
                .values_list("email", flat=True)[:1]
            )
    emails.extend(u.email for u in session.practitioners.all() if u.email)
    return list(dict.fromkeys(emails))


def ics(session, method: str) -> bytes:
    """The iCalendar file of the session for `method` ("REQUEST" or "CANCEL")."""
    from icalendar import Calendar, Event, vCalAddress, vText

    from vigie.mediation.choices import Modality

    cal = Calendar()
    cal.add("prodid", "-//Vigie//Mediation//FR")
    cal.add("version", "2.0")
    cal.add("method", method)
    event = Event()
    event.add("uid", session.uid)
    event.add("sequence", session.sequence)
    event.add("dtstamp", timezone.now())
    start = timezone.localtime(session.starts_at, PARIS)
    event.add("dtstart", start)
    event.add("dtend", start + timedelta(minutes=session.minutes))
    centre = session.organisation.name
    event.add("summary", _("Rendez-vous de médiation — %(centre)s") % {"centre": centre})
    where = {
        Modality.ON_SITE: _("Au centre de médiation %(centre)s") % {"centre": centre},
        Modality.PHONE: _("Par téléphone : le centre vous appelle"),
        Modality.VIDEO: session.video_url,
        Modality.HOME: _("À domicile"),
    }[session.modality]
    event.add("location", where)
    if session.modality == Modality.VIDEO and session.video_url:
        event.add("url", session.video_url)
    organizer = vCalAddress(f"mailto:{settings.DEFAULT_FROM_EMAIL}")
    organizer.params["cn"] = vText(centre)
    event.add("organizer", organizer)
    for email in recipients(session):
        attendee = vCalAddress(f"mailto:{email}")
        attendee.params["role"] = vText("REQ-PARTICIPANT")
        attendee.params["partstat"] = vText("NEEDS-ACTION")
        attendee.params["rsvp"] = vText("TRUE")
        event.add("attendee", attendee, encode=0)
    event.add("status", "CANCELLED" if method == "CANCEL" else "CONFIRMED")
    cal.add_component(event)
    cal.add_missing_timezones()
    return cal.to_ical()


def _send(session, method: str, subject: str, intro: str) -> int:
    to = recipients(session)
    if not to:
        logger.info("mediation session %s: nobody to invite by e-mail", session.pk)
        return 0
    start = timezone.localtime(session.starts_at, PARIS)
    body = _(
        "Bonjour,\n\n%(intro)s\n\nLe %(date)s à %(time)s, durée %(minutes)s minutes.\n"
        "%(where)s\n\nLe fichier joint ajoute ce rendez-vous à votre agenda.\n— %(centre)s"
    ) % {
        "intro": intro,
        "date": f"{start:%d/%m/%Y}",
        "time": f"{start:%H:%M}",
        "minutes": session.minutes,
        "where": session.video_url if session.modality == "video" else "",
        "centre": session.organisation.name,
    }
    message = EmailMessage(subject=subject, body=body, to=to)
    message.attach(
        "invitation.ics", ics(session, method), f"text/calendar; method={method}; charset=utf-8"
    )
    return message.send()


def _session(session_id: int):
    from vigie.mediation.models import Session

    return (
        Session.objects.select_related("organisation")
        .prefetch_related("practitioners")
        .filter(pk=session_id)
        .first()
    )


@task()
def session_invite(session_id: int) -> int:
    """The invitation (or its update: SEQUENCE tells calendars it replaces the first)."""
    session = _session(session_id)
    if session is None or session.cancelled:
        return 0
    if session.sequence == 0:
        subject = _("Invitation : rendez-vous de médiation")
        intro = _("Vous êtes invité·e à un rendez-vous de médiation.")
    else:
        subject = _("Modification : rendez-vous de médiation")
        intro = _("Votre rendez-vous de médiation a changé ; voici ses nouvelles informations.")
    return _send(session, "REQUEST", subject, intro)


@task()
def session_cancel_notice(session_id: int) -> int:
    session = _session(session_id)
    if session is None:
        return 0
    return _send(
        session,
        "CANCEL",
        _("Annulation : rendez-vous de médiation"),
        _("Votre rendez-vous de médiation est annulé."),
    )


@task()
def session_reminders() -> int:
    """The reminder 48 hours before: every session starting in the next 48 hours, once."""
    from vigie.mediation.models import Session

    now = timezone.now()
    due = Session.objects.filter(
        cancelled=False,
        reminded_at__isnull=True,
        starts_at__gt=now,
        starts_at__lte=now + timedelta(hours=48),
    ).select_related("organisation")
    sent = 0
    for session in due:
        sent += _send(
            session,
            "REQUEST",
            _("Rappel : rendez-vous de médiation"),
            _("Nous vous rappelons votre rendez-vous de médiation."),
        )
        Session.objects.filter(pk=session.pk).update(reminded_at=now)
    return sent
