"""The centre's card on the welcome page: cases waiting for an answer, cases in progress."""

from django.utils.translation import gettext_lazy as _

from vigie.core.home import register_card
from vigie.mediation.choices import CaseStatus
from vigie.mediation.permissions import CASE_HANDLE
from vigie.mediation.selectors import centre_cases


def _card(request) -> dict:
    cases = centre_cases(request.user)
    return {
        "waiting": cases.filter(status=CaseStatus.REFERRED).count(),
        "open": cases.filter(status=CaseStatus.IN_PROGRESS).count(),
    }


register_card(
    "mediation",
    title=_("Médiation"),
    template="mediation/card.html",
    perm=CASE_HANDLE,
    context=_card,
)
