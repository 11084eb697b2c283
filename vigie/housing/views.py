"""Pages of the register: search and filter households, a household, a residence."""

from __future__ import annotations

from django.contrib import messages
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from vigie.core.dates import parse_date
from vigie.core.feedback import service_call
from vigie.core.models import AccessAction
from vigie.core.ordering import order_by_param, ordering_fields
from vigie.core.permissions import Perm, requires
from vigie.core.sensitivity import may_see_health
from vigie.core.services import access_record
from vigie.housing import search, selectors
from vigie.housing.choices import Cohort, OccupantRole
from vigie.housing.cohorts import cohort_counts, cohorts_of
from vigie.housing.models import Commune, Occupant
from vigie.housing.services import occupant_update_contact


def _int(raw: str | None) -> int | None:
    try:
        return int(raw) if raw else None
    except ValueError:
        return None


@requires(Perm.HOUSEHOLD_VIEW)
def households(request):
    """The register: search by name, reference, phone or address; filter; cohort counts."""
    user = request.user
    as_of_raw = request.GET.get("as_of", "").strip()[:20]
    as_of = parse_date(as_of_raw) or timezone.localdate()
    as_of_error = ""
    if as_of_raw and parse_date(as_of_raw) is None:
        # Never silently today: the sentence shows next to the field (and says which date is used).
        as_of_error = _(
            "« %(value)s » n'est pas une date valide (jj/mm/aaaa) : les cohortes sont calculées "
            "au %(today)s, aujourd'hui."
        ) % {"value": as_of_raw, "today": as_of.strftime("%d/%m/%Y")}
    f = selectors.HouseholdFilters.from_query(request.GET)
    # Sorted by a column only without search text (a search ranks by relevance); the chosen
    # order stays in the filter form for when the text is cleared.
    order, ordering = ordering_fields(request, selectors.REGISTER_COLUMNS, default="residence")
    qs = selectors.household_search(user, f, as_of, order=order)
    paginator = search.SearchPaginator(qs, 50) if f.q else Paginator(qs, 50)
    page = paginator.get_page(request.GET.get("page"))
    if f.narrows:
        access_record(
            user=user,
            action=AccessAction.SEARCH,
            object_type="housing.household",
            detail=" ".join(f"{k}={v}" for k, v in request.GET.items() if k != "page" and v),
            path=request.path,
        )
    can_sensitive = user.has_org_perm(Perm.HOUSEHOLD_VIEW_SENSITIVE)
    rows = []
    for h in page.object_list:
        hc = cohorts_of(h, as_of)
        # Per household: a person may see health data in one of their organisations only.
        if not may_see_health(user, h):
            hc = [c for c in hc if c != Cohort.DISABILITY]
        rows.append((h, [Cohort(c).label for c in hc]))
    counts = None
    if not f.q:
        base = selectors.households_visible(user)
        counts = cohort_counts(base, as_of)
        if counts.get(Cohort.DISABILITY.value) is None:
            counts.pop(Cohort.DISABILITY.value, None)
    ctx = {
        "section": "register",
        "can_export": user.has_org_perm(Perm.REGISTER_EXPORT),
        "page": page,
        "rows": rows,
        "filters": f,
        "ordering": ordering,
        "as_of": as_of,
        "as_of_value": as_of_raw if as_of_error else as_of.strftime("%d/%m/%Y"),
        "as_of_error": as_of_error,
        "counts": counts,
        "search_cap": search.RANK_LIMIT,
        "cohorts": [c for c in Cohort if can_sensitive or c != Cohort.DISABILITY],
        "agencies": selectors.agencies_visible(user, Perm.HOUSEHOLD_VIEW),
        "residences": selectors.by_name_fr(selectors.residences_visible(user).only("id", "name")),
        "communes": Commune.objects.filter(
            insee_code__in=selectors.residences_visible(user).values("commune_id")
        ).order_by("name"),
    }
    template = (
        "housing/partials/household_results.html" if request.htmx else "housing/households.html"
    )
    return TemplateResponse(request, template, ctx)


@requires(Perm.HOUSEHOLD_VIEW)
def quick_search(request):
    """The header box's suggestions (HTMX): the best few households for what is typed; the
    full ranked list is the register page with the same `q`."""
    q = request.GET.get("q", "").strip()[:100]
    found = []
    if len(q) >= 2:
        found = selectors.household_quick_search(request.user, q)
        access_record(
            user=request.user,
            action=AccessAction.SEARCH,
            object_type="housing.household",
            detail=f"q={q}",
            path=request.path,
        )
    rows = []
    for h in found:
        occupants = list(h.occupants.all())
        holder = next((o for o in occupants if o.role != OccupantRole.CHILD), None)
        rows.append((h, holder))
    return TemplateResponse(request, "housing/partials/quick_search.html", {"q": q, "rows": rows})


@requires(Perm.HOUSEHOLD_VIEW)
def household(request, pk: int):
    h = selectors.household_detail(request.user, pk)
    access_record(user=request.user, action=AccessAction.VIEW, obj=h, path=request.path)
    today = timezone.localdate()
    can_sensitive = may_see_health(request.user, h)
    hc = cohorts_of(h, today) if not h.is_departed else []
    if not can_sensitive:
        hc = [c for c in hc if c != Cohort.DISABILITY]
    ctx = {
        "section": "register",
        "h": h,
        "occupants": list(h.occupants.all()),
        "cohorts": [Cohort(c).label for c in hc],
        "can_sensitive": can_sensitive,
        "can_edit": request.user.has_org_perm(Perm.HOUSEHOLD_EDIT, h.organisation_id),
        "can_rights": request.user.has_org_perm(Perm.SUBJECT_RIGHTS, h.organisation_id),
        "can_audit": request.user.has_org_perm(Perm.AUDIT_VIEW, h.organisation_id),
        "timeline": _timeline(request, h),
    }
    return TemplateResponse(request, "housing/household.html", ctx)


def _timeline(request, h):
    """The household's history, newest first: what other apps add (calls, needs…) and the
    journal entries the user may read, in French (housing/timeline.py)."""
    from vigie.housing.timeline import timeline_entries

    return timeline_entries(request.user, h)


@requires(Perm.HOUSEHOLD_EDIT)
@require_POST
def occupant_contact(request, pk: int):
    """Rectify an occupant's phones and e-mail (with a version check against lost updates)."""
    occupant = get_object_or_404(
        Occupant.objects.visible_to(request.user, Perm.HOUSEHOLD_EDIT).select_related("household"),
        pk=pk,
    )
    with service_call(request) as call:
        occupant_update_contact(
            actor=request.user,
            occupant=occupant,
            version=_int(request.POST.get("version")) or 0,
            phone=request.POST.get("phone", ""),
            phone_2=request.POST.get("phone_2", ""),
            email=request.POST.get("email", ""),
        )
        messages.success(request, _("Coordonnées mises à jour."))
    if call.failed:
        # Back to the household page with what was typed, the sentence next to the field.
        response = household(request, occupant.household_id)
        response.context_data["contact_refused"] = {
            "occupant_id": occupant.pk,
            "phone": request.POST.get("phone", ""),
            "phone_2": request.POST.get("phone_2", ""),
            "email": request.POST.get("email", ""),
            "field": call.error.field if call.error else "",
            "error": call.message,
        }
        response.status_code = 409 if call.conflict else 400
        return response
    return redirect("housing:household", pk=occupant.household_id)


@requires(Perm.HOUSEHOLD_VIEW)
def residence(request, pk: int):
    res = get_object_or_404(
        selectors.residences_visible(request.user).select_related("agency", "commune"), pk=pk
    )
    today = timezone.localdate()
    qs, ordering = order_by_param(
        request,
        selectors.residence_households(request.user, res, today),
        selectors.RESIDENCE_COLUMNS,
        default="place",
    )
    page = Paginator(qs, 50).get_page(request.GET.get("page"))
    access_record(user=request.user, action=AccessAction.VIEW, obj=res, path=request.path)
    counts = cohort_counts(
        selectors.households_visible(request.user).filter(dwelling__residence=res), today
    )
    if not may_see_health(request.user, res):
        counts.pop(Cohort.DISABILITY.value, None)
    return TemplateResponse(
        request,
        "housing/residence.html",
        {
            "section": "register",
            "res": res,
            "page": page,
            "ordering": ordering,
            "counts": counts,
            "cohort_labels": dict(Cohort.choices),
        },
    )
