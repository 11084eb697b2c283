"""The follow-up report as a file (issue #9 §7): figures only, never a household; and the
working lists of the actions app as files (issue #12 §7)."""

from __future__ import annotations

from django.db.models import Q
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.translation import gettext as _

from vigie.accounts.reauth import recent_auth_required
from vigie.actions import selectors
from vigie.actions.choices import SERVICE_CHOICES
from vigie.actions.permissions import REFERRAL_EXPORT
from vigie.actions.views import PARTNER_COLUMNS, REFERRAL_COLUMNS, TASK_COLUMNS
from vigie.actions.views_work import TICKET_COLUMNS
from vigie.campaigns.choices import SENSITIVE_NEEDS, NeedKind
from vigie.campaigns.models import Campaign
from vigie.core.exports import table_response
from vigie.core.ordering import order_by_param
from vigie.core.permissions import Perm, requires
from vigie.core.phones import format_phone
from vigie.core.selectors import organisation_ids_where
from vigie.core.sensitivity import may_see_health


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


# --- The working lists as files (issue #12 §7) -----------------------------------------------------
#
# Each export reads the page's own selector with the page's own filters (`from_query`), so the
# file holds what the list shows, behind the same walls; `table_response` neutralises formulas
# and writes one access-log row per organisation whose rows the file holds.


def _detail(request) -> str:
    return " ".join(f"{k}={v}" for k, v in request.GET.items() if v)


def _org_ids(rows, user, perm: str) -> set[int]:
    """The organisations whose rows are in the file (none matched: those it could have held)."""
    found = {r.organisation_id for r in rows}
    return found or set(organisation_ids_where(user, perm))


def _export(request, fmt, *, header, rows, filename, sheet_title, object_type, perm, orgs=None):
    return table_response(
        request,
        fmt=fmt,
        header=header,
        rows=[list(r) for r in rows],
        filename=filename,
        sheet_title=sheet_title,
        object_type=object_type,
        detail=_detail(request),
        organisation_ids=orgs if orgs is not None else organisation_ids_where(request.user, perm),
    )


def _needs(request, fmt: str):
    needs = list(selectors.need_search(request.user, selectors.NeedFilters.from_query(request.GET)))
    rows = []
    for n in needs:
        d = n.household.dwelling
        rows.append(
            [
                n.created_at,
                n.attempt.campaign.name if n.attempt_id and n.attempt else "",
                n.household.reference,
                d.address,
                d.postcode,
                d.commune.name,
                n.get_kind_display(),
                n.get_status_display(),
                n.resolved_at,
            ]
        )
    return _export(
        request,
        fmt,
        header=[
            _("signalé le"),
            _("campagne"),
            _("référence bail"),
            _("adresse"),
            _("code postal"),
            _("commune"),
            _("besoin"),
            _("statut"),
            _("résolu le"),
        ],
        rows=rows,
        filename="besoins",
        sheet_title=_("Besoins"),
        object_type="campaigns.need",
        perm=Perm.CAMPAIGN_MANAGE,
        orgs=_org_ids(needs, request.user, Perm.CAMPAIGN_MANAGE),
    )


@requires(Perm.CAMPAIGN_MANAGE)
@recent_auth_required
def needs_csv(request):
    return _needs(request, "csv")


@requires(Perm.CAMPAIGN_MANAGE)
@recent_auth_required
def needs_xlsx(request):
    return _needs(request, "xlsx")


def _referrals(request, fmt: str):
    user = request.user
    # The page's selector and filters, narrowed to where the user may export: a caller who is
    # also a manager elsewhere exports only that other organisation's referrals.
    allowed = organisation_ids_where(user, REFERRAL_EXPORT)
    qs = selectors.referrals_visible(
        user, selectors.ReferralFilters.from_query(request.GET)
    ).filter(Q(organisation_id__in=allowed) | Q(partner_organisation_id__in=allowed))
    # In the page's order (its `o`), newest first by default.
    referrals = list(order_by_param(request, qs, REFERRAL_COLUMNS, default="-date")[0])
    rows = []
    for r in referrals:
        partner_side = selectors.is_partner_side(user, r)
        kind = r.need.kind
        if kind in SENSITIVE_NEEDS and not partner_side and not may_see_health(user, r.need):
            need = _("besoin confidentiel (santé)")
        else:
            need = str(NeedKind(kind).label)
        rows.append(
            [
                r.sent_at or r.created_at,
                need,
                r.household.dwelling.commune.name,
                r.partner.name,
                r.organisation.name,
                r.get_status_display(),
                r.closed_at,
            ]
        )
    return _export(
        request,
        fmt,
        header=[
            _("date"),
            _("besoin"),
            _("commune"),
            _("partenaire"),
            _("adressée par"),
            _("statut"),
            _("close le"),
        ],
        rows=rows,
        filename="orientations",
        sheet_title=_("Orientations"),
        object_type="actions.referral",
        perm=REFERRAL_EXPORT,
        orgs=_org_ids(referrals, user, REFERRAL_EXPORT),
    )


@requires(REFERRAL_EXPORT)
@recent_auth_required
def referrals_csv(request):
    return _referrals(request, "csv")


@requires(REFERRAL_EXPORT)
@recent_auth_required
def referrals_xlsx(request):
    return _referrals(request, "xlsx")


def _tickets(request, fmt: str):
    today = timezone.localdate()
    qs = selectors.ticket_search(request.user, selectors.TicketFilters.from_query(request.GET))
    tickets = list(order_by_param(request, qs, TICKET_COLUMNS, default="due")[0])
    rows = [
        [
            t.residence.name,
            t.residence.commune.name,
            t.get_category_display(),
            t.reports_count,
            t.opened_at,
            t.due_on,
            t.is_open and t.due_on < today,
            t.agency.name if t.agency else "",
            t.get_status_display(),
            t.informed_at,
        ]
        for t in tickets
    ]
    return _export(
        request,
        fmt,
        header=[
            _("résidence"),
            _("commune"),
            _("catégorie"),
            _("signalements"),
            _("ouvert le"),
            _("à traiter avant le"),
            _("en retard"),
            _("agence"),
            _("statut"),
            _("ménages informés le"),
        ],
        rows=rows,
        filename="signalements",
        sheet_title=_("Signalements"),
        object_type="actions.ticket",
        perm=Perm.TICKET_VIEW,
        orgs=_org_ids(tickets, request.user, Perm.TICKET_VIEW),
    )


@requires(Perm.TICKET_VIEW)
@recent_auth_required
def tickets_csv(request):
    return _tickets(request, "csv")


@requires(Perm.TICKET_VIEW)
@recent_auth_required
def tickets_xlsx(request):
    return _tickets(request, "xlsx")


def _tasks(request, fmt: str):
    qs = selectors.task_list(request.user, every=request.GET.get("tout") == "1")
    tasks = list(order_by_param(request, qs, TASK_COLUMNS, default="due")[0])
    rows = []
    for t in tasks:
        if t.household_id:
            about = _("ménage %(reference)s") % {"reference": t.household.reference}
        elif t.ticket_id:
            about = t.ticket.residence.name
        else:
            about = ""
        owner = (t.owner.get_full_name() or t.owner.username) if t.owner else _("à attribuer")
        rows.append([t.due_on, t.title, owner, about, t.get_status_display()])
    return _export(
        request,
        fmt,
        header=[_("échéance"), _("tâche"), _("responsable"), _("au sujet de"), _("statut")],
        rows=rows,
        filename="taches",
        sheet_title=_("Tâches"),
        object_type="actions.task",
        perm=Perm.TASK_VIEW,
        orgs=_org_ids(tasks, request.user, Perm.TASK_VIEW),
    )


@requires(Perm.TASK_VIEW)
@recent_auth_required
def tasks_csv(request):
    return _tasks(request, "csv")


@requires(Perm.TASK_VIEW)
@recent_auth_required
def tasks_xlsx(request):
    return _tasks(request, "xlsx")


def _partners(request, fmt: str):
    qs = selectors.partner_search(request.user, request.GET.get("service", ""))
    partners = list(order_by_param(request, qs, PARTNER_COLUMNS, default="name")[0])
    labels = dict(SERVICE_CHOICES)
    rows = [
        [
            p.name,
            p.get_kind_display(),
            ", ".join(str(labels.get(s, s)) for s in p.services),
            ", ".join(c.name for c in p.communes.all()),
            format_phone(p.phone) if p.phone else "",
            p.email,
            p.address,
            p.active,
        ]
        for p in partners
    ]
    return _export(
        request,
        fmt,
        header=[
            _("nom"),
            _("type"),
            _("services"),
            _("communes"),
            _("téléphone"),
            _("e-mail"),
            _("adresse"),
            _("actif"),
        ],
        rows=rows,
        filename="partenaires",
        sheet_title=_("Partenaires"),
        object_type="actions.partner",
        perm=Perm.PARTNER_VIEW,
        orgs=_org_ids(partners, request.user, Perm.PARTNER_VIEW),
    )


@requires(Perm.PARTNER_VIEW)
@recent_auth_required
def partners_csv(request):
    return _partners(request, "csv")


@requires(Perm.PARTNER_VIEW)
@recent_auth_required
def partners_xlsx(request):
    return _partners(request, "xlsx")
