"""The funder's report: a PDF (WeasyPrint, vendored DejaVu fonts) and the data as XLSX.

The PDF holds the narrative, the milestones, the indicators (small cells hidden: the report
leaves the landlord), the funder's own co-funding, and the financial report of the year in
the layout of the CERFA n° 15059 (compte rendu financier): charges, resources and voluntary
contributions, forecast against actual per line, gaps in € and %.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from io import BytesIO
from pathlib import Path
from typing import TYPE_CHECKING, Any

from django.utils import timezone
from django.utils.translation import gettext as _

from vigie.core.pdf import render_pdf
from vigie.projects import selectors
from vigie.projects.budget import euros

if TYPE_CHECKING:
    from vigie.accounts.models import User
    from vigie.core.models import Organisation
    from vigie.projects.models import Project

STATIC = Path(__file__).resolve().parent / "static" / "projects"


def percent(value: Any) -> str:
    if value is None:
        return "—"
    text = f"{Decimal(str(value)):+.2f}".replace(".", ",")
    return f"{text}\u00a0%"


def report_context(
    project: Project, *, year: int, funder: Organisation | None, user: User | None
) -> dict[str, Any]:
    report = selectors.financial_report(project, year=year, funder=funder)
    sections = []
    for key, title in (
        ("charges", _("Charges (comptes 60 à 68)")),
        ("resources", _("Produits (comptes 70 à 78)")),
        ("contributions", _("Contributions volontaires en nature (comptes 86 et 87)")),
    ):
        lines = [
            {
                **line,
                "forecast_text": euros(line["forecast"]),
                "actual_text": euros(line["actual"]),
                "gap_text": euros(line["gap"]) if line["gap"] >= 0 else "−" + euros(-line["gap"]),
                "percent_text": percent(line["gap_percent"]),
            }
            for line in report["lines"]
            if line["nature"] == key
        ]
        total = report["totals"][key]
        diff, pct = report["gaps"][key]["gap"], report["gaps"][key]["gap_percent"]
        sections.append(
            {
                "key": key,
                "title": title,
                "lines": lines,
                "forecast_text": euros(total["forecast"]),
                "actual_text": euros(total["actual"]),
                "gap_text": euros(diff) if diff >= 0 else "−" + euros(-diff),
                "percent_text": percent(pct),
            }
        )
    co_funders = [
        co for co in selectors.co_funders(project) if funder is None or co.funder_id == funder.pk
    ]
    money = [
        {
            "co": co,
            **{k: euros(v) for k, v in selectors.money_of(co).items()},
            "tranches": [
                {
                    "amount": euros(t.amount),
                    "due_on": t.due_on,
                    "received_on": t.received_on,
                }
                for t in co.tranches.all()
            ],
        }
        for co in co_funders
    ]
    return {
        "project": project,
        "funder": funder,
        "year": year,
        "sections": sections,
        "balance": report["balance"],
        "indicators": selectors.indicator_rows(project, exact=False),
        "rule": selectors.SUPPRESSION_RULE,
        "money": money,
        "milestones": list(project.milestones.all()),
        "partners": list(project.partners.all()),
        "generated": timezone.localtime(),
        "font_regular": (STATIC / "fonts" / "DejaVuSans.ttf").as_uri(),
        "font_bold": (STATIC / "fonts" / "DejaVuSans-Bold.ttf").as_uri(),
    }


def funder_report_pdf(
    project: Project, *, year: int, funder: Organisation | None, user: User | None = None
) -> bytes:
    """The funder's report as PDF bytes."""
    return render_pdf(
        "projects/report_pdf.html", report_context(project, year=year, funder=funder, user=user)
    )


def funder_report_xlsx(project: Project, *, year: int, funder: Organisation | None) -> bytes:
    """The report's data as a workbook: the budget, the co-funding, the indicators."""
    from openpyxl import Workbook
    from openpyxl.styles import Font

    report = selectors.financial_report(project, year=year, funder=funder)
    wb = Workbook()
    ws = wb.active
    ws.title = _("Budget %(year)s") % {"year": year}
    ws.append(
        [
            _("Compte"),
            _("Libellé"),
            _("Financeur"),
            _("Prévision"),
            _("Réalisation"),
            _("Écart (€)"),
            _("Écart (%)"),
        ]
    )
    for line in report["lines"]:
        ws.append(
            [
                line["account"],
                line["label"],
                line["funder_name"],
                line["forecast"],
                line["actual"],
                line["gap"],
                None if line["gap_percent"] is None else round(line["gap_percent"], 2),
            ]
        )
    for key, label in (
        ("charges", _("Total des charges")),
        ("resources", _("Total des produits")),
        ("contributions", _("Total des contributions")),
    ):
        t = report["totals"][key]
        ws.append([None, label, None, t["forecast"], t["actual"], t["actual"] - t["forecast"]])
    ws2 = wb.create_sheet(_("Financement"))
    ws2.append(
        [
            _("Financeur"),
            _("Demandé"),
            _("Accordé"),
            _("Reçu"),
            _("Tranche"),
            _("Attendue le"),
            _("Reçue le"),
        ]
    )
    for co in selectors.co_funders(project):
        if funder is not None and co.funder_id != funder.pk:
            continue
        m = selectors.money_of(co)
        ws2.append(
            [co.funder.name, float(m["requested"]), float(m["committed"]), float(m["received"])]
        )
        for t in co.tranches.all():
            ws2.append([None, None, None, None, float(t.amount), t.due_on, t.received_on])
    ws3 = wb.create_sheet(_("Indicateurs"))
    ws3.append([_("Indicateur"), _("Unité"), _("Départ"), _("Cible"), _("Réalisé"), _("Source")])
    for row in selectors.indicator_rows(project, exact=False):
        ws3.append(
            [
                row.indicator.label,
                row.indicator.unit,
                *(None if v is None else float(v) for v in (row.baseline, row.target, row.actual)),
                row.indicator.source,
            ]
        )
    for sheet in (ws, ws2, ws3):
        for cell in sheet[1]:
            cell.font = Font(bold=True)
        for column in sheet.iter_cols():
            for cell in column:
                if isinstance(cell.value, date):
                    cell.number_format = "DD/MM/YYYY"
    buf = BytesIO()
    wb.save(buf)
    return buf.getvalue()
