"""The projects' daily job: e-mail reminders before reports are due, computed indicators.

A reminder goes to the project's lead (else the landlord's partnerships managers) 30, 7 and
1 days before a report is due; it names the project, the funder and the date — no personal
data — with a link to the project.
"""

from __future__ import annotations

import logging

from django.conf import settings
from django.core.mail import send_mail
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django_tasks import task

logger = logging.getLogger(__name__)


def _recipients(project) -> list[str]:
    from vigie.accounts.models import Membership
    from vigie.core.permissions import Role

    if project.lead is not None and project.lead.is_active and project.lead.email:
        return [project.lead.email]
    return sorted(
        {
            m.user.email
            for m in Membership.objects.filter(
                organisation_id=project.organisation_id, role=Role.MANAGER, user__is_active=True
            ).select_related("user")
            if m.user.email
        }
    )


def send_reminders(today=None) -> int:
    """Send the reminders due today; returns the e-mails sent."""
    from vigie.projects.services import reminder_sent, reminders_due

    today = today or timezone.localdate()
    sent = 0
    for deadline, days in reminders_due(today):
        project = deadline.co_funder.project
        to = _recipients(project)
        if not to:
            logger.info("project %s: nobody to remind of deadline %s", project.pk, deadline.pk)
            continue
        body = _(
            "Bonjour,\n\n"
            "Le compte rendu « %(label)s » du projet « %(project)s » est attendu par "
            "%(funder)s le %(date)s (%(left)s).\n\n"
            "Le projet dans Vigie (connexion requise) : %(link)s\n\n"
            "— Vigie"
        ) % {
            "label": deadline.label,
            "project": project.title,
            "funder": deadline.co_funder.funder.name,
            "date": f"{deadline.due_on:%d/%m/%Y}",
            "left": ngettext("dans %(n)s jour", "dans %(n)s jours", days) % {"n": days},
            "link": settings.VIGIE_BASE_URL.rstrip("/")
            + reverse("projects:detail", args=[project.pk]),
        }
        sent += send_mail(
            subject=_("Vigie : compte rendu à remettre le %(date)s — %(project)s")
            % {"date": f"{deadline.due_on:%d/%m/%Y}", "project": project.title},
            message=body,
            from_email=None,
            recipient_list=to,
        )
        reminder_sent(deadline=deadline, days=days)
    return sent


@task()
def projects_daily() -> dict[str, int]:
    """Reminders before reports are due, then the computed indicators' new values."""
    from vigie.projects.services import indicators_refresh_all

    return {"reminders": send_reminders(), "indicators": indicators_refresh_all()}
