"""The demo's food aid (called by `seed_demo`): the lockdown distribution of 2020.

The purchasing-cooperative association and the régie de quartier of the demo's partner
directory (seed_demo `_partners`) run it for 112 households (fewer in a small stock: only
households whose lease ran through the programme, from 23/03 to 30/06/2020) of two residences,
Tabar and Bagatelle (the two largest residences of Toulouse in the demo stock — the régie works in
Toulouse, Colomiers and Blagnac, the Ville de Toulouse funds it — renamed so, their
households' search text written again), with three sessions:
two closed (their no-shows and failed deliveries became follow-up tasks), the third still open
for the tablet screen. Run twice, it changes nothing.
"""

from __future__ import annotations

import random
import uuid
from datetime import date

from django.db import transaction
from django.db.models import Count
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

PROGRAMME = gettext_lazy("Distribution alimentaire du confinement")
PLACES = 112
STARTS_ON, ENDS_ON, CONSENT_ON = date(2020, 3, 23), date(2020, 6, 30), date(2020, 3, 20)
# INSEE codes: Toulouse; the régie's communes (seed_demo's partner directory).
TOULOUSE = ("31555",)
REGIE_COMMUNES = ("31555", "31149", "31069")


def seed(*, landlord, stdout, password) -> list:
    from vigie.accounts.models import User
    from vigie.actions.models import Partner
    from vigie.foodaid.models import Programme
    from vigie.foodaid.selectors import eligible
    from vigie.foodaid.services import (
        enrolment_create,
        programme_create,
        record_checkin,
        session_close,
        session_create,
    )
    from vigie.housing.models import Household, Residence
    from vigie.housing.services import refresh_households_search_text

    if Programme.objects.filter(organisation=landlord, name=str(PROGRAMME)).exists():
        from vigie.accounts.models import Membership

        m = Membership.objects.filter(user__username="financeur").select_related("organisation")
        return [("financeur", x.organisation, x.role, {}) for x in m]
    manager = User.objects.get(username="responsable")
    asso = Partner.objects.filter(organisation=landlord, kind="association").first()
    regie = Partner.objects.filter(organisation=landlord, kind="regie").first()
    if asso is None or regie is None:
        return []
    rng = random.Random(2020)  # nosec B311 (the demo's made-up check-ins, not security)
    # Households whose lease ran through the whole programme (some have left since).
    active = (
        Household.objects.filter(organisation=landlord, anonymised_on__isnull=True)
        .active_on(STARTS_ON)
        .active_on(ENDS_ON)
    )
    with transaction.atomic():
        sites = []
        for name in ("Tabar", "Bagatelle"):
            residence = Residence.objects.filter(organisation=landlord, name=name).first()
            if residence is None:
                # The largest residences of Toulouse, where the régie works and whose town
                # funds the programme (else of the régie's other communes, else any).
                candidates = active.exclude(dwelling__residence__name__in=("Tabar", "Bagatelle"))
                largest = None
                for communes in (TOULOUSE, REGIE_COMMUNES, None):
                    qs = candidates
                    if communes is not None:
                        qs = qs.filter(dwelling__commune__insee_code__in=communes)
                    largest = (
                        qs.values("dwelling__residence")
                        .annotate(n=Count("pk"))
                        .order_by("-n", "dwelling__residence")
                        .first()
                    )
                    if largest is not None:
                        break
                if largest is None:
                    return []
                residence = Residence.objects.get(pk=largest["dwelling__residence"])
                Residence.objects.filter(pk=residence.pk).update(name=name)
                residence.name = name
                # The search reads the residence's name in each household's search_text.
                refresh_households_search_text(
                    Household.objects.filter(dwelling__residence=residence)
                )
            sites.append(residence)
        tabar, bagatelle = sites
        programme = programme_create(
            actor=manager,
            organisation=landlord,
            name=str(PROGRAMME),
            starts_on=STARTS_ON,
            ends_on=ENDS_ON,
            sites=[tabar.pk, bagatelle.pk],
            partners=[
                (asso.partner_organisation.slug, "purchasing"),
                (regie.partner_organisation.slug, "delivery"),
            ],
            funders=[_("Ville de Toulouse"), _("Fondation pour l'aide alimentaire (démo)")],
            basket=_("Produits secs, conserves, produits d'hygiène ; fruits et légumes de saison."),
            parcels_per_household=1,
            free=True,
            places_limit=PLACES,
        )
        # Proposed first (over-75s, single parents, needs raised in calls…), then the others;
        # only households whose lease ran through the programme.
        pool = set(active.filter(dwelling__residence__in=sites).values_list("pk", flat=True))
        proposed = [row for row in eligible(programme, manager) if row["household"] in pool]
        reasons = {row["household"]: row["reasons"] for row in proposed}
        others = sorted(pool - set(reasons))
        chosen = [row["household"] for row in proposed][:PLACES]
        chosen += others[: PLACES - len(chosen)]
        households = Household.objects.filter(pk__in=chosen).select_related("dwelling")
        enrolments = []
        for h in households:
            why = reasons.get(h.pk, [])
            delivery = "over_75" in why or "disability" in why or rng.random() < 0.1
            enrolments.append(
                enrolment_create(
                    actor=manager,
                    programme=programme,
                    household=h,
                    consent_on=max(CONSENT_ON, h.start_date or CONSENT_ON),
                    mode="delivery" if delivery else "collect",
                    delivery_reason=("over_75" if "over_75" in why else "no_one")
                    if delivery
                    else "",
                )
            )
        by_site = {tabar.pk: [], bagatelle.pk: []}
        for e in enrolments:
            by_site[e.household.dwelling.residence_id].append(e)
        plan = [
            (tabar, date(2020, 4, 2), True),
            (bagatelle, date(2020, 4, 3), True),
            (tabar, date(2020, 4, 16), False),
        ]
        for site, day, close in plan:
            session = session_create(
                actor=manager,
                programme=programme,
                site=site,
                day=day,
                slots=["10:00-12:00", "14:00-16:00"],
            )
            for e in by_site[site.pk]:
                draw = rng.random()
                if not close and draw < 0.5:
                    continue  # the open session: half still to check in on the tablet
                if e.mode == "delivery":
                    result = (
                        "delivered"
                        if draw < 0.8
                        else "not_home"
                        if draw < 0.93
                        else "wrong_address"
                    )
                else:
                    result = "collected" if draw < 0.85 else "refused" if draw < 0.88 else None
                if result is None:
                    continue  # did not come
                record_checkin(
                    actor=manager,
                    session=session,
                    client_id=uuid.UUID(int=rng.getrandbits(128), version=4),
                    enrolment_id=e.pk,
                    result=result,
                )
            if close:
                session_close(actor=manager, session=session)
    # The funder's reader: the figures of what it funds, suppressed, never a household.
    from vigie.accounts.services import user_create
    from vigie.core.models import Organisation, OrganisationKind
    from vigie.core.permissions import Role
    from vigie.foodaid.models import ProgrammeFunder

    funder = Organisation.objects.filter(slug="fondation-demo").first() or (
        Organisation.objects.create(
            slug="fondation-demo",
            name=str(_("Fondation pour l'aide alimentaire (démo)")),
            kind=OrganisationKind.FUNDER,
        )
    )
    ProgrammeFunder.objects.filter(programme=programme, funder_organisation=None).exclude(
        name=str(_("Ville de Toulouse"))
    ).update(funder_organisation=funder)
    accounts = []
    if not User.objects.filter(username="financeur").exists():
        user_create(
            username="financeur", organisation=funder, role=Role.FUNDER_VIEWER, password=password
        )
    accounts.append(("financeur", funder, Role.FUNDER_VIEWER, {}))
    stdout.write(
        ngettext(
            "Aide alimentaire : %(n)s ménage inscrit à Tabar et Bagatelle, 3 distributions.",
            "Aide alimentaire : %(n)s ménages inscrits à Tabar et Bagatelle, 3 distributions.",
            len(enrolments),
        )
        % {"n": len(enrolments)}
        + "\n"
    )
    return accounts
