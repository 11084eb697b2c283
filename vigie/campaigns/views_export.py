"""A campaign's results as a file, for its manager (issue #9 §7); its visit lists (not
reached, no phone) as files (issue #12 §7)."""

from __future__ import annotations

from django.utils.translation import gettext as _

from vigie.accounts.reauth import recent_auth_required
from vigie.campaigns import selectors
from vigie.campaigns.choices import SENSITIVE_NEEDS, NeedKind
from vigie.core.exports import table_response
from vigie.core.ordering import order_by_param
from vigie.core.permissions import Perm, requires
from vigie.core.sensitivity import may_see_health
from vigie.housing.choices import ADULT_ROLES


def _results(request, pk: int, fmt: str):
    campaign, targets = selectors.campaign_results(request.user, pk)
    sensitive = may_see_health(request.user, campaign)
    header = [
        _("référence bail"),
        _("occupant·es"),
        _("adresse"),
        _("commune"),
        _("vague"),
        _("statut"),
        _("appels"),
        _("dernier appel"),
        _("dernier résultat"),
        _("issue"),
        _("besoins signalés"),
    ]

    def rows():
        for t in targets.iterator(chunk_size=2000):
            h = t.household
            needs = [
                n.kind
                for a in t.attempts.all()
                for n in a.raised_needs.all()
                if sensitive or n.kind not in SENSITIVE_NEEDS
            ]
            yield [
                h.reference,
                " ; ".join(
                    " ".join(p for p in (o.last_name, o.first_name) if p) for o in h.occupants.all()
                ),
                h.dwelling.address,
                h.dwelling.commune.name,
                t.wave.name_for(sensitive=sensitive),
                t.get_status_display(),
                t.attempts_count,
                t.last_attempt_at,
                t.get_last_result_display(),
                t.get_outcome_display(),
                ", ".join(str(NeedKind(k).label) for k in dict.fromkeys(needs)),
            ]

    return table_response(
        request,
        fmt=fmt,
        header=header,
        rows=rows(),
        filename=f"campagne-{campaign.pk}-resultats",
        sheet_title=_("Résultats"),
        object_type="campaigns.campaign",
        obj=campaign,
        detail="results",
    )


@requires(Perm.CAMPAIGN_MANAGE)
@recent_auth_required
def results_csv(request, pk: int):
    return _results(request, pk, "csv")


@requires(Perm.CAMPAIGN_MANAGE)
@recent_auth_required
def results_xlsx(request, pk: int):
    return _results(request, pk, "xlsx")


# --- The visit lists as files (issue #12 §7) -------------------------------------------------------


def _target_list(request, pk: int, fmt: str, *, which: str):
    """The households not reached (or without a phone) as the page lists them, for the
    agencies' visits: the page's selector, a confidential wave's name only for who may see it."""
    campaign = selectors.campaign_for(request.user, pk, Perm.CAMPAIGN_MANAGE)
    sensitive = may_see_health(request.user, campaign)
    qs = (
        selectors.not_reached_list(campaign)
        if which == "not_reached"
        else selectors.no_phone_list(campaign)
    )
    qs, _ordering = order_by_param(request, qs, selectors.VISIT_LIST_COLUMNS, default="agency")
    header = [
        _("agence"),
        _("adresse"),
        _("code postal"),
        _("commune"),
        _("résidence"),
        _("escalier"),
        _("étage"),
        _("porte"),
        _("référence bail"),
        _("occupant·es"),
        _("vague"),
    ]
    if which == "not_reached":
        header += [_("tentatives"), _("dernier résultat"), _("dernier appel")]

    def rows():
        for t in qs.iterator(chunk_size=2000):
            h = t.household
            d = h.dwelling
            row = [
                d.residence.agency.name if d.residence.agency else "",
                d.address,
                d.postcode,
                d.commune.name,
                d.residence.name,
                d.staircase,
                d.floor,
                d.door,
                h.reference,
                " ; ".join(
                    " ".join(p for p in (o.last_name, o.first_name) if p)
                    for o in h.occupants.all()
                    if o.role in ADULT_ROLES
                ),
                t.wave.name_for(sensitive=sensitive),
            ]
            if which == "not_reached":
                row += [t.attempts_count, t.get_last_result_display(), t.last_attempt_at]
            yield row

    return table_response(
        request,
        fmt=fmt,
        header=header,
        rows=rows(),
        filename=f"campagne-{campaign.pk}-"
        + ("injoignables" if which == "not_reached" else "sans-telephone"),
        sheet_title=_("Injoignables") if which == "not_reached" else _("Sans téléphone"),
        object_type="campaigns.campaign",
        obj=campaign,
        detail=which,
    )


@requires(Perm.CAMPAIGN_MANAGE)
@recent_auth_required
def not_reached_csv(request, pk: int):
    return _target_list(request, pk, "csv", which="not_reached")


@requires(Perm.CAMPAIGN_MANAGE)
@recent_auth_required
def not_reached_xlsx(request, pk: int):
    return _target_list(request, pk, "xlsx", which="not_reached")


@requires(Perm.CAMPAIGN_MANAGE)
@recent_auth_required
def no_phone_csv(request, pk: int):
    return _target_list(request, pk, "csv", which="no_phone")


@requires(Perm.CAMPAIGN_MANAGE)
@recent_auth_required
def no_phone_xlsx(request, pk: int):
    return _target_list(request, pk, "xlsx", which="no_phone")
