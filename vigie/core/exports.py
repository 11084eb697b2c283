"""Lists as files: one way to write a table as CSV (for French Excel) or XLSX (issue #9 §7).

Every export of personal data goes through `table_response`: the view declares its permission
with `@requires`, asks for the password again with `@recent_auth_required` (a test fails for an
export route without it), reads through `visible_to` — so the health wall (decision 0010) and
the organisation walls apply to the file as to the page — and `table_response` writes the
access-log row (who exported what, with which filters; never the rows).
"""

from __future__ import annotations

import csv
from collections.abc import Iterable, Sequence
from io import BytesIO
from typing import Any

from django.http import HttpResponse
from django.utils import timezone

from vigie.core.models import AccessAction
from vigie.core.services import access_record

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
# A cell starting with one of these is a formula for Excel/LibreOffice (CSV injection).
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def _cell(value: Any) -> Any:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "oui" if value else "non"
    if hasattr(value, "strftime") and hasattr(value, "tzinfo") and value.tzinfo is not None:
        return timezone.localtime(value).strftime("%d/%m/%Y %H:%M")
    if hasattr(value, "strftime"):
        return value.strftime("%d/%m/%Y")
    if isinstance(value, str) and value.startswith(_FORMULA_START):
        return "'" + value
    return value


def table_response(
    request,
    *,
    fmt: str,
    header: Sequence[str],
    rows: Iterable[Sequence[Any]],
    filename: str,
    sheet_title: str,
    object_type: str,
    obj: Any = None,
    detail: str = "",
    organisation_ids: Iterable[int] = (),
) -> HttpResponse:
    """`rows` under `header` as `filename`.csv (UTF-8 with BOM, `;`) or .xlsx, access-logged.

    A list of many organisations' rows (the register) names them in `organisation_ids`: one
    access-log row each, so every organisation's DPO reads the export of its households.
    """
    if fmt not in ("csv", "xlsx"):
        raise ValueError(fmt)
    for organisation_id in sorted(set(organisation_ids)) or [None]:
        access_record(
            user=request.user,
            action=AccessAction.EXPORT,
            obj=obj,
            object_type=object_type,
            detail=(f"{fmt} " + detail).strip(),
            path=request.get_full_path(),
            organisation_id=organisation_id,
        )
    name = f"{filename}-{timezone.localdate():%Y%m%d}.{fmt}"
    if fmt == "csv":
        response = HttpResponse(content_type="text/csv; charset=utf-8")
        response.write("\ufeff")
        writer = csv.writer(response, delimiter=";")
        writer.writerow(header)
        writer.writerows([_cell(v) for v in row] for row in rows)
    else:
        from openpyxl import Workbook
        from openpyxl.styles import Font

        wb = Workbook(write_only=False)
        ws = wb.active
        ws.title = sheet_title[:31]
        ws.append(list(header))
        for cell in ws[1]:
            cell.font = Font(bold=True)
        for row in rows:
            ws.append([_cell(v) for v in row])
        ws.freeze_panes = "A2"
        buf = BytesIO()
        wb.save(buf)
        response = HttpResponse(buf.getvalue(), content_type=XLSX)
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response
