"""Activity per landlord: the page, its CSV (core.exports) and its PDF (WeasyPrint).

The same figures as `GET /api/v1/mediation/activity` (activity.activity_for): the director reads
exact figures, a landlord's managers their own through small-cell suppression.
"""

from __future__ import annotations

from django.template.response import TemplateResponse
from django.utils.translation import gettext as _

from vigie.accounts.reauth import recent_auth_required
from vigie.core.dates import parse_date
from vigie.core.exports import table_response
from vigie.core.models import AccessAction
from vigie.core.pdf import pdf_response, render_pdf
from vigie.core.permissions import requires
from vigie.core.services import access_record
from vigie.core.smallcells import RULE
from vigie.mediation.activity import activity_for
from vigie.mediation.choices import Modality, Outcome, Trouble
from vigie.mediation.permissions import ACTIVITY
from vigie.mediation.selectors import centres_serving


def _figures(request) -> dict:
    return activity_for(
        request.user,
        landlord=request.GET.get("bailleur", ""),
        start=parse_date(request.GET.get("du")),
        end=parse_date(request.GET.get("au")),
    )


def _shown(value) -> str:
    return _("< 11") if value is None else str(value)


def _rows(fig: dict) -> list[tuple[str, str, str]]:
    rows = [
        (_("Synthèse"), _("Orientations reçues"), _shown(fig["referrals"])),
        (_("Synthèse"), _("Acceptées"), _shown(fig["accepted"])),
        (_("Synthèse"), _("Refusées"), _shown(fig["declined"])),
        (_("Synthèse"), _("Terminées"), _shown(fig["closed"])),
        (
            _("Synthèse"),
            _("Durée médiane (jours)"),
            "—" if fig["median_days"] is None else str(fig["median_days"]),
        ),
    ]
    rows += [
        (_("Résultats"), str(label), _shown(fig["outcomes"][c])) for c, label in Outcome.choices
    ]
    rows += [
        (_("Séances par modalité"), str(label), _shown(fig["sessions_by_modality"][c]))
        for c, label in Modality.choices
    ]
    rows += [
        (_("Troubles"), str(label), _shown(fig["troubles"][c])) for c, label in Trouble.choices
    ]
    return rows


def _context(request) -> dict:
    fig = _figures(request)
    landlords = sorted(
        {a.landlord for a in centres_serving_user(request.user)}, key=lambda o: o.name
    )
    return {
        "fig": fig,
        "rows": _rows(fig),
        "rule": RULE if fig["suppressed"] else "",
        "landlords": landlords,
        "query": request.GET.urlencode(),
        "section": "mediation_activity",
    }


def centres_serving_user(user):
    """The conventions a director's centre holds (to pick a landlord on the page)."""
    from vigie.mediation.models import ServiceAgreement

    return ServiceAgreement.objects.visible_to(user, ACTIVITY).select_related("landlord")


@requires(ACTIVITY)
def activity_page(request):
    return TemplateResponse(request, "mediation/activity.html", _context(request))


@requires(ACTIVITY)
@recent_auth_required
def activity_csv(request):
    fig = _figures(request)
    return table_response(
        request,
        fmt="csv",
        header=[_("Rubrique"), _("Indicateur"), _("Valeur")],
        rows=_rows(fig),
        filename="activite-mediation",
        sheet_title=_("Activité"),
        object_type="mediation.activity",
        detail=f"{fig['landlord'] or 'tous'} {fig['from']}..{fig['to']}",
    )


@requires(ACTIVITY)
@recent_auth_required
def activity_pdf(request):
    pdf = render_pdf("mediation/activity_pdf.html", _context(request), request=request)
    access_record(
        user=request.user,
        action=AccessAction.EXPORT,
        object_type="mediation.activity",
        detail="pdf",
        path=request.get_full_path(),
    )
    return pdf_response(pdf, "activite-mediation.pdf")


__all__ = ["activity_csv", "activity_page", "activity_pdf", "centres_serving"]
