"""Food-aid pages: programmes, eligibility and enrolment, sessions with their signing sheet and
delivery rounds, the tablet check-in screen, and the partners' view of the households they serve.
Reports are in views_report.py."""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from vigie.core.confirm import Danger, confirmation_page
from vigie.core.feedback import service_call
from vigie.core.models import AccessAction, Organisation
from vigie.core.ordering import order_by_param
from vigie.core.permissions import requires
from vigie.core.selectors import organisation_ids_where
from vigie.core.services import access_record
from vigie.core.text import floor_label
from vigie.foodaid import selectors, services
from vigie.foodaid.choices import REACHED, EnrolmentStatus, Mode, Result, SessionStatus
from vigie.foodaid.forms import EnrolForm, ProgrammeForm, SessionForm
from vigie.foodaid.models import DistributionSession, Enrolment
from vigie.foodaid.permissions import FOODAID_CHECKIN, FOODAID_MANAGE, FOODAID_VIEW
from vigie.housing.models import Household
from vigie.housing.selectors import residences_visible

SECTION = "foodaid"
# The programmes list's sortable columns (core/ordering.py), the latest first by default.
PROGRAMME_COLUMNS = {"name": ("name", "pk"), "period": ("starts_on", "ends_on", "pk")}


def _programme(request, pk: int, perm: str = FOODAID_VIEW):
    return get_object_or_404(selectors.programmes_visible(request.user, perm), pk=pk)


def _session(request, pk: int, perm: str = FOODAID_VIEW) -> DistributionSession:
    return get_object_or_404(selectors.sessions_visible(request.user, perm), pk=pk)


@requires(FOODAID_VIEW)
def programmes(request):
    """The programmes the user runs or works on (a partner: the ones its organisation runs)."""
    rows, ordering = order_by_param(
        request, selectors.programmes_visible(request.user), PROGRAMME_COLUMNS, default="-period"
    )
    return TemplateResponse(
        request,
        "foodaid/programmes.html",
        {
            "section": SECTION,
            "programmes": rows,
            "ordering": ordering,
            "can_manage": request.user.has_org_perm(FOODAID_MANAGE),
        },
    )


@requires(FOODAID_MANAGE)
def programme_new(request):
    org_ids = organisation_ids_where(request.user, FOODAID_MANAGE)
    org = Organisation.objects.get(pk=org_ids[0])
    residences = residences_visible(request.user, FOODAID_MANAGE).order_by("name")
    partners = (
        Organisation.objects.filter(partner_profiles__organisation_id=org.pk)
        .distinct()
        .order_by("name")
    )
    form = ProgrammeForm(
        request.POST or None, residences=residences, partners=partners, initial={"free": True}
    )
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        chosen = [(d["partner"], d["partner_role"] or "distribution")] if d["partner"] else []
        if d["partner_2"]:
            chosen.append((d["partner_2"], d["partner_2_role"] or "distribution"))
        with service_call(request, form=form):
            p = services.programme_create(
                actor=request.user,
                organisation=org,
                name=d["name"],
                starts_on=d["starts_on"],
                ends_on=d["ends_on"],
                sites=[int(s) for s in d["sites"]],
                place=d["place"],
                partners=chosen,
                funders=[line.strip() for line in d["funders"].splitlines() if line.strip()],
                basket=d["basket"],
                parcels_per_household=d["parcels_per_household"],
                free=d["free"],
                contribution=d["contribution"],
                places_limit=d["places_limit"],
            )
            messages.success(request, _("Programme créé."))
            return redirect("foodaid:programme", pk=p.pk)
    status = 400 if request.method == "POST" else 200
    return TemplateResponse(
        request, "foodaid/programme_form.html", {"section": SECTION, "form": form}, status=status
    )


@requires(FOODAID_VIEW)
def programme(request, pk: int):
    """A programme: who runs it, where, its sessions and its enrolled households. Partners read
    the households' name, address, floor, phone and mode — nothing else of the register."""
    p = _programme(request, pk)
    user = request.user
    is_manager = selectors.is_landlord_manager(user, p)
    is_partner = not user.has_org_perm(FOODAID_VIEW, p.organisation_id)
    enrolments = Enrolment.objects.filter(programme=p).exclude(status=EnrolmentStatus.WITHDRAWN)
    if is_partner:
        # The waiting list stays with the landlord: partners read the enrolled households only.
        enrolments = enrolments.filter(status=EnrolmentStatus.ENROLLED)
    rows = selectors.contacts(enrolments)
    access_record(
        user=user, action=AccessAction.VIEW, obj=p, detail="foodaid enrolments", path=request.path
    )
    details = {}
    if is_manager:
        details = {
            e.pk: e
            for e in enrolments.select_related("enrolled_by").only(
                "pk", "consent_on", "enrolled_by__username", "flagged_at", "status"
            )
        }
    sessions = list(p.sessions.select_related("site").order_by("date", "id"))
    return TemplateResponse(
        request,
        "foodaid/programme.html",
        {
            "section": SECTION,
            "p": p,
            "rows": [(r, details.get(r.id)) for r in rows if r.status == EnrolmentStatus.ENROLLED],
            "waiting": [r for r in rows if r.status == EnrolmentStatus.WAITING],
            "sessions": sessions,
            "is_manager": is_manager,
            "is_partner": is_partner,
            "session_form": SessionForm(sites=p.sites.all()) if is_manager else None,
            "today": timezone.localdate(),
        },
    )


@requires(FOODAID_MANAGE)
def programme_eligible(request, pk: int):
    """Households proposed from the register (cohorts, needs raised in calls, referrals): a
    person enrols each one, with its consent — never automatic."""
    p = _programme(request, pk, FOODAID_MANAGE)
    form = EnrolForm(request.POST or None, initial={"consent_on": timezone.localdate()})
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            d = form.cleaned_data
            household = (
                Household.objects.visible_to(request.user, FOODAID_MANAGE)
                .select_related("dwelling")
                .filter(pk=d["household"])
                .first()
            )
            if household is None:
                raise Http404
            with service_call(request, form=form):
                e = services.enrolment_create(
                    actor=request.user,
                    programme=p,
                    household=household,
                    consent_on=d["consent_on"],
                    mode=d["mode"],
                    delivery_reason=d["delivery_reason"],
                    share_disability=d["share_disability"],
                )
                if e.status == EnrolmentStatus.WAITING:
                    messages.warning(
                        request, _("Plus de place : le ménage est inscrit sur la liste d'attente.")
                    )
                else:
                    messages.success(request, _("Ménage inscrit."))
                return redirect("foodaid:eligible", pk=p.pk)
    proposals = selectors.eligible(p, request.user)
    households = {
        h.pk: h
        for h in Household.objects.filter(pk__in=[r["household"] for r in proposals])
        .select_related("dwelling__residence")
        .prefetch_related("occupants")
    }
    access_record(
        user=request.user,
        action=AccessAction.SEARCH,
        obj=p,
        detail="foodaid eligible",
        path=request.path,
    )
    labels = {
        "over_75": _("plus de 75 ans"),
        "age_70_74": _("70 à 74 ans"),
        "single_parent": _("famille monoparentale"),
        "disability": _("situation de handicap"),
        "need:groceries": _("besoin : courses"),
        "need:financial_hardship": _("besoin : difficultés financières"),
        "need:meal_delivery": _("besoin : portage de repas"),
        "referral": _("orienté vers un partenaire du programme"),
    }
    items = [
        {
            "h": households[r["household"]],
            "people": list(households[r["household"]].occupants.all()),
            "reasons": [labels.get(x, x) for x in r["reasons"]],
            "suggest_delivery": "over_75" in r["reasons"] or "disability" in r["reasons"],
        }
        for r in proposals
    ]
    return TemplateResponse(
        request,
        "foodaid/eligible.html",
        {"section": SECTION, "p": p, "items": items, "form": form, "modes": Mode.choices},
        status=status,
    )


@requires(FOODAID_MANAGE)
@require_POST
def session_new(request, pk: int):
    p = _programme(request, pk, FOODAID_MANAGE)
    form = SessionForm(request.POST, sites=p.sites.all())
    if form.is_valid():
        d = form.cleaned_data
        site = p.sites.get(pk=d["site"])
        with service_call(request):
            s = services.session_create(
                actor=request.user,
                programme=p,
                site=site,
                day=d["date"],
                slots=[x for x in d["slots"].split(",")],
            )
            messages.success(request, _("Distribution programmée."))
            return redirect("foodaid:session", pk=s.pk)
    else:
        for errors in form.errors.values():
            for e in errors:
                messages.error(request, e)
    return redirect("foodaid:programme", pk=p.pk)


def close_danger(s: DistributionSession) -> Danger:
    from django.urls import reverse

    return Danger(
        key="close",
        button=_("Clôturer la distribution…"),
        question=_("Clôturer la distribution du %(day)s ?") % {"day": s.date.strftime("%d/%m/%Y")},
        consequence=_(
            "Plus aucun passage ne pourra être enregistré. Chaque ménage absent ou non livré "
            "devient une tâche de suivi ; un ménage absent deux fois est signalé à la personne "
            "qui l'a inscrit."
        ),
        confirm=_("Oui, clôturer"),
        back_url=reverse("foodaid:session", args=[s.pk]),
    )


@requires(FOODAID_VIEW)
def session(request, pk: int):
    s = _session(request, pk)
    rows = selectors.contacts(services.expected_enrolments(s))
    last = services.latest_results(s)
    access_record(
        user=request.user,
        action=AccessAction.VIEW,
        obj=s,
        detail="foodaid session",
        path=request.path,
    )
    can_checkin = (
        DistributionSession.objects.visible_to(request.user, FOODAID_CHECKIN)
        .filter(pk=s.pk)
        .exists()
    )
    return TemplateResponse(
        request,
        "foodaid/session.html",
        {
            "section": SECTION,
            "s": s,
            "rows": [(c, last.get(c.id)) for c in rows],
            "reached": sum(1 for r in last.values() if r.result in REACHED),
            "can_checkin": can_checkin and s.status == SessionStatus.PLANNED,
            "close_danger": close_danger(s)
            if can_checkin and s.status == SessionStatus.PLANNED
            else None,
        },
    )


@requires(FOODAID_VIEW)
def session_sheet(request, pk: int):
    """The printable signing sheet (liste d'émargement) of the households who collect."""
    s = _session(request, pk)
    rows = [
        c for c in selectors.contacts(services.expected_enrolments(s)) if c.mode == Mode.COLLECT
    ]
    rows.sort(key=lambda c: c.name)
    access_record(
        user=request.user,
        action=AccessAction.VIEW,
        obj=s,
        detail="foodaid signing sheet",
        path=request.path,
    )
    return TemplateResponse(
        request, "foodaid/sheet.html", {"section": SECTION, "s": s, "rows": rows}
    )


@requires(FOODAID_VIEW)
def session_rounds(request, pk: int):
    """The delivery rounds for the régie: by building, staircase, floor."""
    s = _session(request, pk)
    rows = [
        c for c in selectors.contacts(services.expected_enrolments(s)) if c.mode == Mode.DELIVERY
    ]
    access_record(
        user=request.user,
        action=AccessAction.VIEW,
        obj=s,
        detail="foodaid rounds",
        path=request.path,
    )
    groups: list[tuple[str, list]] = []
    for c in rows:
        key = " — ".join(
            x
            for x in (
                c.building and _("bâtiment %(b)s") % {"b": c.building},
                c.staircase and _("escalier %(e)s") % {"e": c.staircase},
            )
            if x
        )
        if not groups or groups[-1][0] != key:
            groups.append((key, []))
        groups[-1][1].append(c)
    return TemplateResponse(
        request, "foodaid/rounds.html", {"section": SECTION, "s": s, "groups": groups}
    )


@requires(FOODAID_CHECKIN)
def session_checkin(request, pk: int):
    """The tablet screen: two taps to a household, one to record; works through network cuts
    (static/foodaid/checkin.js queues each record with its own id until the server has it)."""
    s = _session(request, pk, FOODAID_CHECKIN)
    last = services.latest_results(s)
    households = [
        {
            "e": c.id,
            "name": c.name,
            "ref": c.reference,
            "num": c.door,
            "addr": c.address,
            "floor": floor_label(c.floor),
            "mode": c.mode,
            "done": last[c.id].result if c.id in last else "",
        }
        for c in selectors.contacts(services.expected_enrolments(s))
    ]
    access_record(
        user=request.user,
        action=AccessAction.VIEW,
        obj=s,
        detail="foodaid checkin",
        path=request.path,
    )
    return TemplateResponse(
        request,
        "foodaid/checkin.html",
        {
            "section": SECTION,
            "s": s,
            "data": {
                "session": s.pk,
                "closed": s.status != SessionStatus.PLANNED,
                "parcels": s.programme.parcels_per_household,
                "households": households,
                "results": {k: str(v) for k, v in Result.choices},
            },
        },
    )


@requires(FOODAID_CHECKIN)
@require_POST
def session_close(request, pk: int):
    s = _session(request, pk, FOODAID_CHECKIN)
    page = confirmation_page(request, close_danger(s), section=SECTION)
    if page is not None:
        return page
    with service_call(request):
        done = services.session_close(actor=request.user, session=s)
        tasks = ngettext(
            "%(n)s tâche de suivi créée", "%(n)s tâches de suivi créées", done["tasks"]
        ) % {"n": done["tasks"]}
        flagged = ngettext(
            "%(n)s ménage absent deux fois signalé",
            "%(n)s ménages absents deux fois signalés",
            done["flagged"],
        ) % {"n": done["flagged"]}
        messages.success(
            request,
            _("Distribution clôturée : %(tasks)s, %(flagged)s.")
            % {"tasks": tasks, "flagged": flagged},
        )
    return redirect("foodaid:session", pk=s.pk)
