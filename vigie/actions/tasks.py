"""Background tasks of the actions app: the daily chore and the agencies' digest.

The referral e-mail to a partner is in `notifications.py`: services enqueue it, and this module
calls services, so keeping it here would make services and tasks import each other.

E-mails carry no personal data: no name, address, phone nor need — only a link to Vigie, where
the reader signs in and sees what their role allows (issue #4 §3, issue #5).
"""

from __future__ import annotations

import logging
from datetime import timedelta

from django.core.mail import send_mail
from django.db.models import Count, Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django_tasks import task

from vigie.actions.notifications import link
from vigie.actions.services.tickets import tickets_overdue_sweep
from vigie.core.templatetags.vigie import de

logger = logging.getLogger(__name__)


@task()
def ticket_digest() -> int:
    """The daily digest to each agency: open, overdue and new tickets, counted, with a link."""
    from vigie.actions.choices import OPEN_TICKET_STATUSES
    from vigie.actions.models import Ticket
    from vigie.housing.models import Agency

    today = timezone.localdate()
    since = timezone.now() - timedelta(days=1)
    counts = (
        Ticket.objects.filter(status__in=OPEN_TICKET_STATUSES, agency__isnull=False)
        .values("agency_id")
        .annotate(
            open=Count("id"),
            overdue=Count("id", filter=Q(due_on__lt=today)),
            new=Count("id", filter=Q(opened_at__gte=since)),
        )
    )
    by_agency = {row["agency_id"]: row for row in counts}
    sent = 0
    for agency in Agency.objects.filter(pk__in=by_agency).exclude(email="").order_by("pk"):
        row = by_agency[agency.pk]
        body = _(
            "Bonjour,\n\n"
            "Signalements %(of_agency)s au %(date)s :\n"
            "- ouverts : %(open)s\n"
            "- en retard : %(overdue)s\n"
            "- nouveaux depuis hier : %(new)s\n\n"
            "Pour les traiter (connexion requise) : %(link)s\n\n"
            "— Vigie"
        ) % {
            "of_agency": de(agency.name),
            "date": f"{today:%d/%m/%Y}",
            "open": row["open"],
            "overdue": row["overdue"],
            "new": row["new"],
            "link": link("actions:tickets", query=f"?agency={agency.pk}"),
        }
        sent += send_mail(
            subject=_("Vigie : signalements du %(date)s — %(agency)s")
            % {"date": f"{today:%d/%m/%Y}", "agency": agency.name},
            message=body,
            from_email=None,
            recipient_list=[agency.email],
        )
    return sent


@task()
def actions_daily() -> dict[str, int]:
    """The daily chore: follow-up tasks for overdue tickets, then the agencies' digest."""
    overdue = tickets_overdue_sweep()
    return {"overdue_tasks": overdue, "digests": ticket_digest.call()}
