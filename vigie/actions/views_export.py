"""The follow-up report as a file (issue #9 §7): figures only, never a household."""

from __future__ import annotations

from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _

from vigie.accounts.reauth import recent_auth_required
from vigie.actions import selectors
from vigie.campaigns.models import Campaign
from vigie.core.exports import table_response
from vigie.core.permissions import Perm, requires


def _report(request, pk: int, fmt: str):
    campaign = get_object_or_404(
        Campaign.objects.visible_to(request.user, Perm.CAMPAIGN_MANAGE), pk=pk
    )
    r = selectors.campaign_actions_report(request.user, campaign)
    header = [
        _("tableau"),
        _("besoin ou partenaire"),
        _("signalés ou orientés"),
        _("en cours"),
        _("résolus ou réalisés"),
        _("refusés"),
        _("délai médian (jours)"),
    ]
    rows = [
        [_("par besoin"), str(k["label"]), k["raised"], "", k["resolved"], "", k["median"]]
        for k in r["by_kind"]
    ] + [
        [
            _("par partenaire"),
            p["name"],
            p["referred"],
            p["open"],
            p["done"],
            p["declined"],
            p["median"],
        ]
        for p in r["by_partner"]
    ]
    rows.append([_("total"), "", r["raised"], "", r["resolved"], "", r["median"]])
    return table_response(
        request,
        fmt=fmt,
        header=header,
        rows=rows,
        filename=f"suites-campagne-{campaign.pk}",
        sheet_title=_("Suites des appels"),
        object_type="campaigns.campaign",
        obj=campaign,
        detail="actions report",
    )


@requires(Perm.CAMPAIGN_MANAGE)
@recent_auth_required
def report_csv(request, pk: int):
    return _report(request, pk, "csv")


@requires(Perm.CAMPAIGN_MANAGE)
@recent_auth_required
def report_xlsx(request, pk: int):
    return _report(request, pk, "xlsx")
