"""The dashboard's figures as tables: what the page shows, what the CSV/XLSX files hold and what
the funders' page publishes (small cells hidden) — one definition for the three."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.utils.translation import gettext as _

from vigie.campaigns.choices import CampaignStatus
from vigie.housing.choices import Cohort
from vigie.reports import selectors

TABLES = (
    "cohorts_agency",
    "cohorts_residence",
    "campaigns",
    "needs_kind",
    "needs_partner",
    "tickets",
    "trends",
)


def _cohort_header(columns: list[str]) -> list[str]:
    labels = {
        "households": _("ménages actifs"),
        Cohort.OVER_75.value: str(Cohort.OVER_75.label),
        Cohort.AGE_70_74.value: str(Cohort.AGE_70_74.label),
        Cohort.SINGLE_PARENT.value: str(Cohort.SINGLE_PARENT.label),
        Cohort.DISABILITY.value: str(Cohort.DISABILITY.label),
    }
    return [labels[c] for c in columns]


def _days(value: float | None) -> Any:
    return "" if value is None else value


def build(figures: dict[str, Any], key: str) -> dict[str, Any]:
    """{"title", "how", "header", "rows", "count_columns"} of one table of an overview."""
    c = figures["cohorts"]
    if key == "cohorts_agency":
        cols = c["columns"]
        rows = [[a["agency"], *(a[k] for k in cols)] for a in c["by_agency"]]
        rows.append([_("Total"), *(c["total"][k] for k in cols)])
        return {
            "title": _("Ménages par cohorte et par agence"),
            "how": selectors.HOW["cohorts"],
            "header": [_("agence"), *_cohort_header(cols)],
            "rows": rows,
            "count_columns": list(range(1, len(cols) + 1)),
        }
    if key == "cohorts_residence":
        cols = c["columns"]
        return {
            "title": _("Ménages par cohorte et par résidence"),
            "how": selectors.HOW["cohorts"],
            "header": [_("agence"), _("résidence"), *_cohort_header(cols)],
            "rows": [
                [r["agency"], r["residence"], *(r[k] for k in cols)] for r in c["by_residence"]
            ],
            "count_columns": list(range(2, len(cols) + 2)),
        }
    if key == "campaigns":
        return {
            "title": _("Avancement des campagnes"),
            "how": selectors.HOW["campaigns"],
            "header": [
                _("campagne"),
                _("statut"),
                _("ménages"),
                _("joints (terminé)"),
                _("injoignables"),
                _("restant à appeler"),
                _("avancement (%)"),
                _("appels"),
            ],
            "rows": [
                [
                    x["name"],
                    # The word, not the code ("en cours", not "running"), on the page and in
                    # the file alike.
                    str(dict(CampaignStatus.choices).get(x["status"], x["status"])),
                    x["targets"],
                    x["done"],
                    x["not_reached"],
                    x["remaining"],
                    x["progress"],
                    x["attempts"],
                ]
                for x in figures["campaigns"]
            ],
            "count_columns": [2, 3, 4, 5],
        }
    n = figures["needs"]
    if key == "needs_kind":
        rows = [
            [k["label"], k["raised"], k["resolved"], _days(k["median_days"])] for k in n["by_kind"]
        ]
        rows.append([_("Total"), n["raised"], n["resolved"], _days(n["median_days"])])
        return {
            "title": _("Besoins signalés et résolus, par type"),
            "how": selectors.HOW["needs_by_kind"],
            "header": [_("besoin"), _("signalés"), _("résolus"), _("délai médian (jours)")],
            "rows": rows,
            "count_columns": [1, 2],
        }
    if key == "needs_partner":
        return {
            "title": _("Orientations par partenaire"),
            "how": selectors.HOW["needs_by_partner"],
            "header": [
                _("partenaire"),
                _("orientations"),
                _("réalisées"),
                _("refusées"),
                _("délai médian (jours)"),
            ],
            "rows": [
                [p["partner"], p["referrals"], p["done"], p["declined"], _days(p["median_days"])]
                for p in n["by_partner"]
            ],
            "count_columns": [1, 2, 3],
        }
    if key == "tickets":
        return {
            "title": _("Signalements d'immeuble par agence"),
            "how": selectors.HOW["tickets"],
            "header": [
                _("agence"),
                _("ouverts sur la période"),
                _("résolus sur la période"),
                _("ouverts aujourd'hui"),
                _("dont en retard"),
                _("résolus après la date limite"),
                _("délai médian (jours)"),
            ],
            "rows": [
                [
                    t["agency"],
                    t["opened"],
                    t["resolved"],
                    t["open"],
                    t["overdue"],
                    t["late"],
                    _days(t["median_days"]),
                ]
                for t in figures["tickets"]["by_agency"]
            ],
            "count_columns": [],
        }
    if key == "trends":
        return {
            "title": _("Tendances par mois"),
            "how": selectors.HOW["trends"],
            "header": [
                _("mois"),
                _("besoins signalés"),
                _("besoins résolus"),
                _("signalements ouverts"),
            ],
            "rows": [
                [
                    t["month"].strftime("%m/%Y"),
                    t["needs_raised"],
                    t["needs_resolved"],
                    t["tickets_opened"],
                ]
                for t in figures["trends"]
            ],
            "count_columns": [],
        }
    raise KeyError(key)


def period_of(params: Any, today: date) -> tuple[date, date, str]:
    """The period of a page (`from`, `to` as dd/mm/yyyy or yyyy-mm-dd; default: the last 12
    months) and a sentence when something typed is not a date (the default is used then)."""
    from datetime import timedelta

    from vigie.core.dates import parse_date

    error = ""
    raw_to, raw_from = (params.get("to") or "").strip(), (params.get("from") or "").strip()
    end = parse_date(raw_to)
    if end is None:
        if raw_to:
            error = _("« %(value)s » n'est pas une date (jj/mm/aaaa).") % {"value": raw_to}
        end = today
    start = parse_date(raw_from)
    if start is None:
        if raw_from:
            error = _("« %(value)s » n'est pas une date (jj/mm/aaaa).") % {"value": raw_from}
        start = end - timedelta(days=365)
    if end < start:
        error = _("La fin de la période est avant son début : les 12 mois avant la fin sont pris.")
        start = end - timedelta(days=365)
    return start, end, error
