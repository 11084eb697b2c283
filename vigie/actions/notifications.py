"""E-mails the actions services send (on commit): the partner's notice of a new referral.

E-mails carry no personal data: no name, address, phone nor need — only a link to Vigie, where
the reader signs in and sees what their role allows (issue #4 §3, issue #5). This module imports
no service, so services can enqueue its tasks without an import cycle.
"""

from __future__ import annotations

import logging

from django.conf import settings
from django.core.mail import send_mail
from django.urls import reverse
from django.utils.translation import gettext as _
from django_tasks import task

logger = logging.getLogger(__name__)


def link(name: str, *args: object, query: str = "", base_url: str = "") -> str:
    """An absolute link into Vigie: on `base_url` (the address the person who caused the
    e-mail was using, `request.build_absolute_uri("/")`), else on the deployment's
    VIGIE_BASE_URL (a nightly job has no request)."""
    return (base_url or settings.VIGIE_BASE_URL).rstrip("/") + reverse(name, args=args) + query


@task()
def referral_notify_partner(referral_id: int, base_url: str = "") -> int:
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
    body = _(
        "Bonjour,\n\n"
        "%(landlord)s vous a adressé une nouvelle orientation dans Vigie.\n\n"
        "Pour la consulter (connexion requise) : %(link)s\n\n"
        "Ce message ne contient volontairement aucune donnée personnelle.\n"
        "— Vigie"
    ) % {
        "landlord": referral.organisation.name,
        "link": link("actions:referral", referral.pk, base_url=base_url),
    }
    return send_mail(
        subject=_("Vigie : nouvelle orientation à traiter"),
        message=body,
        from_email=None,
        recipient_list=[to],
    )
