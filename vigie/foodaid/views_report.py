"""Food-aid reports for the landlord, the partners and the funders: a page, a CSV and a PDF.

Every figure comes from the register and the check-ins (`selectors.report_for`). The landlord's
managers read exact figures on the page; the files are for funders, so they are always
suppressed (`core.smallcells.suppress`, under 11 hidden, the rule printed under the table)."""

from __future__ import annotations

from datetime import date

from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from vigie.accounts.reauth import recent_auth_required
from vigie.core.exports import table_response
from vigie.core.models import AccessAction
from vigie.core.pdf import pdf_response, render_pdf
from vigie.core.permissions import requires
from vigie.core.services import access_record
from vigie.foodaid import selectors
from vigie.foodaid.choices import AGE_BANDS
from vigie.foodaid.forms import ReportForm
from vigie.foodaid.permissions import FOODAID_REPORT

SECTION = "foodaid_reports"
# The rule applied to food aid's figures (issue #14 §9: under 11 hidden, no second figure;
# `core.smallcells.RULE` also speaks of the second one, which food aid does not hide).
RULE = gettext_lazy("Secret statistique : les effectifs inférieurs à 11 sont masqués (« < 11 »).")


def _programme(request, pk: int):
    return get_object_or_404(selectors.programmes_visible(request.user, FOODAID_REPORT), pk=pk)


def _period(request, p) -> tuple[ReportForm, date, date, int | None]:
    form = ReportForm(request.GET or None, sites=p.sites.all())
    start, end, site = p.starts_on, p.ends_on, None
    if form.is_valid():
        d = form.cleaned_data
        start = d["start"] or start
        end = d["end"] or end
        site = int(d["site"]) if d["site"] else None
        if end < start:
            form.add_error("end", _("La fin de la période est avant son début."))
            start, end = p.starts_on, p.ends_on
    return form, start, end, site


def _rows(r: dict) -> list[tuple[str, str]]:
    """(label, figure as shown): "< 11" when suppressed, "non communiqué" when withheld."""
    labels = {
        "0-3": _("dont 0 à 3 ans"),
        "4-15": _("dont 4 à 15 ans"),
        "16-64": _("dont 16 à 64 ans"),
        "65+": _("dont 65 ans et plus"),
    }
    items = [
        ("households", _("Ménages aidés"), r["households"]),
        ("people", _("Personnes aidées"), r["people"]),
        *((k, labels[k], r["by_age"][k]) for k, _l, _h in AGE_BANDS),
        (
            "age_unknown",
            _("dont âge inconnu (date de naissance absente du registre)"),
            r["age_unknown"],
        ),
        ("with_disability", _("Personnes en situation de handicap"), r["with_disability"]),
        ("parcels", _("Colis remis"), r["parcels"]),
    ]
    sizes = {
        "1": _("ménages d'une personne"),
        "2": _("ménages de deux personnes"),
        "3-4": _("ménages de trois ou quatre personnes"),
        "5+": _("ménages de cinq personnes ou plus"),
    }
    items += [(f"size:{k}", label, r["by_size"][k]) for k, label in sizes.items()]
    out = []
    for key, label, value in items:
        if key in r["withheld"]:
            shown = _("non communiqué")
        elif value is None:
            shown = _("< 11")
        else:
            shown = str(value)
        out.append((label, shown))
    return out


@requires(FOODAID_REPORT)
def reports(request):
    """The programmes whose figures the user may read (a funder: those it funds)."""
    rows = selectors.programmes_visible(request.user, FOODAID_REPORT).order_by("-starts_on")
    return TemplateResponse(
        request, "foodaid/reports.html", {"section": SECTION, "programmes": rows}
    )


@requires(FOODAID_REPORT)
def report(request, pk: int):
    p = _programme(request, pk)
    form, start, end, site = _period(request, p)
    r = selectors.report_for(p, request.user, start, end, site_id=site)
    return TemplateResponse(
        request,
        "foodaid/report.html",
        {
            "section": SECTION,
            "p": p,
            "form": form,
            "r": r,
            "rows": _rows(r),
            "start": start,
            "end": end,
            "rule": RULE,
            "query": request.GET.urlencode(),
        },
    )


def _funders_report(request, pk: int):
    p = _programme(request, pk)
    _form, start, end, site = _period(request, p)
    return (
        p,
        start,
        end,
        selectors.report_for(p, request.user, start, end, site_id=site, exact=False),
    )


@requires(FOODAID_REPORT)
@recent_auth_required
def report_csv(request, pk: int):
    p, start, end, r = _funders_report(request, pk)
    rows: list[tuple[str, str]] = _rows(r)
    rows.append((_("Période"), f"{start:%d/%m/%Y} – {end:%d/%m/%Y}"))
    rows.append((_("Règle"), str(RULE)))
    return table_response(
        request,
        fmt="csv",
        header=[_("Indicateur"), p.name],
        rows=rows,
        filename="aide-alimentaire-bilan",
        sheet_title=_("Bilan"),
        object_type="foodaid.programme",
        obj=p,
        detail=f"{start:%Y-%m-%d}..{end:%Y-%m-%d}",
    )


@requires(FOODAID_REPORT)
@recent_auth_required
def report_pdf(request, pk: int):
    """The funders' PDF (WeasyPrint): suppressed figures, the rule stated under them."""
    p, start, end, r = _funders_report(request, pk)
    access_record(
        user=request.user,
        action=AccessAction.EXPORT,
        obj=p,
        object_type="foodaid.programme",
        detail=f"pdf {start:%Y-%m-%d}..{end:%Y-%m-%d}",
        path=request.get_full_path(),
    )
    pdf = render_pdf(
        "foodaid/report_pdf.html",
        {
            "p": p,
            "rows": _rows(r),
            "r": r,
            "start": start,
            "end": end,
            "rule": RULE,
            "today": timezone.localdate(),
            "funders": list(p.funders.all()),
            "partners": list(p.partners.select_related("partner_organisation")),
        },
    )
    return pdf_response(pdf, f"aide-alimentaire-bilan-{timezone.localdate():%Y%m%d}.pdf")
