"""Every detail the source writes in the access log reads in French on the DPO's page (issue #12
§8): the test finds each `access_record(detail=…)` and `table_response(detail=…)` call in vigie/
and renders a sample of what it writes. A new call without its sample here fails: add the
sample, and the words (privacy/access_log_words.py, or the module's `describe()`)."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest
from django.conf import settings

from vigie.core.models import AccessLog
from vigie.core.permissions import declared_permissions
from vigie.core.tests.test_browser_pages import choice_codes, raw_codes
from vigie.privacy.access_log_words import access_log_rows

pytestmark = pytest.mark.django_db

ROOT = Path(settings.BASE_DIR)

# (file, the `detail=` expression as written) → samples of what it writes: (action,
# object_type, object_id, detail as stored — table_response adds "fmt " and " | title").
SAMPLES: dict[tuple[str, str], list[tuple[str, str, str, str]]] = {
    ("actions/views_export.py", "'actions report'"): [
        ("export", "campaigns.campaign", "999", "csv actions report | Suites des appels")
    ],
    ("actions/views_export.py", "_detail(request)"): [
        ("export", "actions.ticket", "", "xlsx status=open category=lift o=-due | Signalements"),
        ("export", "actions.task", "", "csv tout=1 | Tâches"),
        ("export", "actions.referral", "", "csv status=sent | Orientations"),
        ("export", "campaigns.need", "", "csv | Besoins"),
        ("export", "actions.partner", "", "csv | Partenaires"),
    ],
    ("campaigns/views_console.py", "'sheet'"): [
        ("export", "campaigns.campaign", "999", "sheet"),
        ("export", "campaigns.campaign", "999", "xlsx sheet | Appels"),
    ],
    ("campaigns/views_export.py", "'results'"): [
        ("export", "campaigns.campaign", "999", "csv results | Résultats")
    ],
    ("campaigns/views_export.py", "which"): [
        ("export", "campaigns.campaign", "999", "csv not_reached | Injoignables"),
        ("export", "campaigns.campaign", "999", "xlsx no_phone | Sans téléphone"),
    ],
    ("campaigns/views_manager.py", "which"): [
        ("view", "campaigns.campaign", "999", "not_reached"),
        ("view", "campaigns.campaign", "999", "no_phone"),
    ],
    ("foodaid/api.py", "'foodaid eligible'"): [
        ("search", "foodaid.programme", "999", "foodaid eligible")
    ],
    ("foodaid/api.py", "'foodaid enrolments'"): [
        ("view", "foodaid.programme", "999", "foodaid enrolments")
    ],
    ("foodaid/views.py", "'foodaid enrolments'"): [
        ("view", "foodaid.programme", "999", "foodaid enrolments")
    ],
    ("foodaid/views.py", "'foodaid eligible'"): [
        ("search", "foodaid.programme", "999", "foodaid eligible")
    ],
    ("foodaid/views.py", "'foodaid session'"): [
        ("view", "foodaid.distributionsession", "999", "foodaid session")
    ],
    ("foodaid/views.py", "'foodaid signing sheet'"): [
        ("view", "foodaid.distributionsession", "999", "foodaid signing sheet")
    ],
    ("foodaid/views.py", "'foodaid rounds'"): [
        ("view", "foodaid.distributionsession", "999", "foodaid rounds")
    ],
    ("foodaid/views.py", "'foodaid checkin'"): [
        ("view", "foodaid.distributionsession", "999", "foodaid checkin")
    ],
    ("foodaid/views_report.py", "f'{start:%Y-%m-%d}..{end:%Y-%m-%d}'"): [
        ("export", "foodaid.programme", "999", "csv 2020-03-01..2020-06-30 | Bilan")
    ],
    ("foodaid/views_report.py", "f'pdf {start:%Y-%m-%d}..{end:%Y-%m-%d}'"): [
        ("export", "foodaid.programme", "999", "pdf 2020-03-01..2020-06-30")
    ],
    (
        "housing/views.py",
        "' '.join((f'{k}={v}' for k, v in request.GET.items() if k != 'page' and v))",
    ): [
        ("search", "housing.household", "", "q=1 rue Alsace-Lorraine Muret cohort=over_75"),
        ("search", "housing.household", "", "status=departed as_of=2026-01-31"),
    ],
    ("housing/views.py", "f'q={q}'"): [
        ("search", "housing.household", "", "q=1 rue Alsace-Lorraine Muret")
    ],
    ("housing/views_export.py", "detail"): [
        ("export", "housing.household", "", "xlsx cohort=over_75 q=Dupont | Registre")
    ],
    ("mediation/api.py", "'notes : ' + (', '.join(compartments) or '-')"): [
        ("view", "mediation.case", "999", "notes : legal, mediation")
    ],
    ("mediation/views.py", "'notes : ' + (', '.join(sorted(readable)) or '-')"): [
        ("view", "mediation.case", "999", "notes : mediation"),
        ("view", "mediation.case", "999", "notes : -"),
    ],
    ("mediation/api.py", "f'list: {len(centre_cases)}'"): [
        ("view", "mediation.case", "", "list: 12")
    ],
    ("mediation/services/cases.py", "'break-glass'"): [
        ("view", "mediation.case", "999", "break-glass")
    ],
    (
        "mediation/views_activity.py",
        "f\"{fig['landlord'] or 'tous'} {fig['from']}..{fig['to']}\"",
    ): [("export", "mediation.activity", "", "csv tous 2026-01-01..2026-06-30 | Activité")],
    ("mediation/views_activity.py", "'pdf'"): [("export", "mediation.activity", "", "pdf")],
    ("projects/views.py", "f\"xlsx {year} {(funder.slug if funder else '')}\".strip()"): [
        ("export", "projects.project", "999", "xlsx 2026 caf-31"),
        ("export", "projects.project", "999", "xlsx 2026"),
    ],
    ("reports/api.py", "f'api list {len(page)}'"): [("view", "alert", "", "api list 3")],
    ("reports/views.py", "f'list {len(rows)}'"): [
        ("view", "alert", "", "list 147"),
        ("view", "alert", "", "list 1"),
    ],
    ("reports/views.py", "table"): [
        ("export", "reports.figures", "", "csv cohorts_agency | Cohortes par agence")
    ],
    ("reports/views.py", "f'ccas register {insee}'"): [
        ("export", "reports.registerconsent", "", "csv ccas register 31555 | Registre canicule")
    ],
}
# Details that are a permission code: every declared permission reads as its sentence.
PERMISSION_CALLS = {
    ("api/api.py", "SENSITIVE_PERM"),
    ("api/auth.py", "perm"),
    ("core/middleware.py", "SENSITIVE_PERM"),
    ("core/permissions.py", "perm"),
}
# The writer every export goes through (its callers' samples are above).
WRAPPERS = {"core/exports.py"}
# French words a code may share with its words ("notes : …" → "notes lisibles : …").
FRENCH = {"notes", "tous"}


def calls_with_a_detail() -> set[tuple[str, str]]:
    found = set()
    for path in ROOT.rglob("*.py"):
        rel = path.relative_to(ROOT).as_posix()
        if "/tests/" in f"/{rel}" or "/migrations/" in rel or rel in WRAPPERS:
            continue
        for node in ast.walk(ast.parse(path.read_text())):
            if not isinstance(node, ast.Call):
                continue
            name = getattr(node.func, "id", None) or getattr(node.func, "attr", None)
            if name not in ("access_record", "table_response"):
                continue
            for kw in node.keywords:
                if kw.arg == "detail":
                    found.add((rel, ast.unparse(kw.value)))
    return found


def test_every_detail_written_has_its_sample_here():
    found = calls_with_a_detail()
    known = set(SAMPLES) | PERMISSION_CALLS
    assert not found - known, f"add a sample (and its words) for: {sorted(found - known)}"
    assert not known - found, f"samples of calls that are gone: {sorted(known - found)}"


def _code_words(detail: str) -> set[str]:
    """The words of a detail that are code: not a value a user typed (after `key=`)."""
    codes = re.sub(r"=(.*?)(?=\s+\w+=|\s+\||$)", "=", detail)
    codes = codes.split(" | ")[0]  # the sheet's title is French already
    return {w for w in re.findall(r"[a-z][a-z_:-]*[a-z]", codes) if w not in FRENCH}


def shown(dora, action, object_type, object_id, detail) -> dict:
    entry = AccessLog(action=action, object_type=object_type, object_id=object_id, detail=detail)
    return access_log_rows(dora, [entry])[0]


@pytest.mark.parametrize(
    "sample", [s for samples in SAMPLES.values() for s in samples], ids=lambda s: s[3]
)
def test_each_detail_reads_in_french(sample, dora):
    row = shown(dora, *sample)
    text = f"{row['object']} — {row['detail']}"
    assert row["detail"] and row["detail"] != sample[3], text
    assert row["object"] and not row["object"].endswith("n°"), f"{row['object']!r}: {sample}"
    assert not re.search(r"\d{4}-\d{2}-\d{2}", text), f"a date is dd/mm/yyyy: «{text}»"
    assert not raw_codes(text, choice_codes()), raw_codes(text, choice_codes())
    left = {w for w in _code_words(sample[3]) if re.search(rf"(?<![\w-]){w}(?![\w-])", text)}
    assert not left, f"codes shown as they are: {left} in «{text}»"


def test_every_refused_permission_reads_as_its_sentence(dora):
    for perm in declared_permissions():
        row = shown(dora, "denied", "", "", perm)
        assert row["detail"] != perm and not raw_codes(row["detail"]), (perm, row["detail"])
