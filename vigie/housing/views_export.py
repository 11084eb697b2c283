"""The register as a file, with the filters of the page (issue #9 §7)."""

from __future__ import annotations

from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from vigie.accounts.reauth import recent_auth_required
from vigie.core.dates import parse_date
from vigie.core.exports import table_response
from vigie.core.ordering import ordering_fields
from vigie.core.permissions import Perm, requires
from vigie.core.phones import format_phone
from vigie.core.selectors import organisation_ids_where
from vigie.core.sensitivity import may_see_health
from vigie.housing import selectors
from vigie.housing.choices import Cohort
from vigie.housing.cohorts import cohorts_of


def register_rows(user, qs, as_of):
    """One row per household of the filtered register; disability only where the reader may."""
    for h in qs.iterator(chunk_size=2000):
        d = h.dwelling
        occupants = list(h.occupants.all())
        cohorts = cohorts_of(h, as_of) if not h.is_departed else []
        if not may_see_health(user, h):
            cohorts = [c for c in cohorts if c != Cohort.DISABILITY]
        yield [
            h.reference,
            d.address,
            d.postcode,
            d.commune.name,
            d.residence.name,
            d.residence.agency.name if d.residence.agency else "",
            d.building.name if d.building else "",
            d.staircase,
            d.floor,
            d.door,
            " ; ".join(
                " ".join(p for p in (o.last_name, o.first_name) if p)
                + f" ({o.get_role_display()}"
                + (
                    ngettext(", %(n)s an", ", %(n)s ans", o.age_on(as_of) or 0)
                    % {"n": o.age_on(as_of)}
                    if o.age_on(as_of) is not None
                    else ""
                )
                + ")"
                for o in occupants
            ),
            " ; ".join(format_phone(p) for o in occupants for p in o.usable_phones),
            ", ".join(str(Cohort(c).label) for c in cohorts),
            h.departed_on or h.end_date,
            h.opted_out or any(o.opted_out for o in occupants),
        ]


def _register_export(request, fmt: str):
    f = selectors.HouseholdFilters.from_query(request.GET)
    as_of = parse_date(request.GET.get("as_of", "")) or timezone.localdate()
    header = [
        _("référence bail"),
        _("adresse"),
        _("code postal"),
        _("commune"),
        _("résidence"),
        _("agence"),
        _("bâtiment"),
        _("escalier"),
        _("étage"),
        _("porte"),
        _("occupant·es"),
        _("téléphones"),
        _("cohortes au %(date)s") % {"date": as_of.strftime("%d/%m/%Y")},
        _("parti le (ou fin du bail)"),
        _("opposé·e aux appels"),
    ]
    detail = " ".join(f"{k}={v}" for k, v in request.GET.items() if v)
    # Built here, before the access log is written: a refused filter (health data) is a 403,
    # not an export (QA: it was logged as both).
    order, _ordering = ordering_fields(request, selectors.REGISTER_COLUMNS, default="residence")
    qs = selectors.household_search(
        request.user, f, as_of, perm=Perm.REGISTER_EXPORT, order=order
    ).select_related("dwelling__building")
    # The organisations whose households the file holds (none matched: those it could have).
    organisation_ids = set(qs.order_by().values_list("organisation_id", flat=True).distinct())
    return table_response(
        request,
        fmt=fmt,
        header=header,
        rows=register_rows(request.user, qs, as_of),
        filename="registre",
        sheet_title=_("Registre"),
        object_type="housing.household",
        detail=detail,
        organisation_ids=organisation_ids
        or organisation_ids_where(request.user, Perm.REGISTER_EXPORT),
    )


@requires(Perm.REGISTER_EXPORT)
@recent_auth_required
def register_csv(request):
    return _register_export(request, "csv")


@requires(Perm.REGISTER_EXPORT)
@recent_auth_required
def register_xlsx(request):
    return _register_export(request, "xlsx")
