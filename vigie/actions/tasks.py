"""Background tasks of the actions app: the partner's e-mail and the agencies' daily digest.

E-mails carry no personal data: no name, address, phone nor need — only a link to Vigie, where
the reader signs in and sees what their role allows (issue #4 §3, issue #5).
"""

from __future__ import annotations

import logging
from datetime import timedelta

from django.conf import settings
from django.core.mail import send_mail
from django.db.models import Count, Q
from django.urls import reverse
from django.utils import timezone
from django_tasks import task

logger = logging.getLogger(__name__)


def _link(name: str, *args: object, query: str = "") -> str:
    return settings.VIGIE_BASE_URL.rstrip("/") + reverse(name, args=args) + query


@task()
def referral_notify_partner(referral_id: int) -> int:
    """Tell the partner a referral is waiting for it (a link only). Returns e-mails sent."""
    from vigie.actions.choices import ReferralStatus
    from vigie.actions.models import Referral

    referral = (
        Referral.objects.select_related("partner", "organisation").filter(pk=referral_id).first()
    )
    if referral is None or referral.status != ReferralStatus.SENT:
        return 0
    to = referral.partner.notification_email
    if not to:
        logger.info(
            "referral %s: partner %s has no notification e-mail", referral.pk, referral.partner_id
        )
        return 0
    body = (
        "Bonjour,\n\n"
        f"{referral.organisation.name} vous a adressé une nouvelle orientation dans Vigie.\n\n"
        f"Pour la consulter (connexion requise) : {_link('actions:referral', referral.pk)}\n\n"
        "Ce message ne contient volontairement aucune donnée personnelle.\n"
        "— Vigie"
    )
    return send_mail(
        subject="Vigie : nouvelle orientation à traiter",
        message=body,
        from_email=None,
        recipient_list=[to],
    )


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
        body = (
            "Bonjour,\n\n"
            f"Signalements de l'agence {agency.name} au {today:%d/%m/%Y} :\n"
            f"- ouverts : {row['open']}\n"
            f"- en retard : {row['overdue']}\n"
            f"- nouveaux depuis hier : {row['new']}\n\n"
            f"Pour les traiter (connexion requise) : "
            f"{_link('actions:tickets', query=f'?agency={agency.pk}')}\n\n"
            "— Vigie"
        )
        sent += send_mail(
            subject=f"Vigie : signalements du {today:%d/%m/%Y} — {agency.name}",
            message=body,
            from_email=None,
            recipient_list=[agency.email],
        )
    return sent


@task()
def actions_daily() -> dict[str, int]:
    """The daily chore: follow-up tasks for overdue tickets, then the agencies' digest."""
    from vigie.actions.services import tickets_overdue_sweep

    overdue = tickets_overdue_sweep()
    return {"overdue_tasks": overdue, "digests": ticket_digest.call()}
