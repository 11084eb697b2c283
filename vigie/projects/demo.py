"""The projects' part of the demo (`vigie seed_demo`): a micro-crèche in a priority
neighbourhood co-funded by the town, the CAF and a foundation, an intergenerational common
room co-funded by two with a report due next month, and a funder's login (`financeur`, CAF).
The demo's words (French data, not interface sentences) are in `demo_data.json`."""

from __future__ import annotations

import json
from datetime import date, timedelta
from pathlib import Path

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from vigie.core.models import Organisation, OrganisationKind
from vigie.core.permissions import Role

DATA = json.loads((Path(__file__).parent / "demo_data.json").read_text(encoding="utf-8"))


def _funder(slug: str) -> Organisation:
    org = Organisation.objects.filter(slug=slug).first()
    if org is None:
        org = Organisation.objects.create(
            slug=slug, name=DATA["funders"][slug], kind=OrganisationKind.FUNDER
        )
    return org


def _day(year: int, month_day: str) -> date:
    month, day = month_day.split("-")
    return date(year, int(month), int(day))


def seed(*, landlord: Organisation, stdout, password: str) -> list[tuple]:
    from vigie.accounts.models import User
    from vigie.accounts.services import user_create
    from vigie.housing.models import Residence
    from vigie.projects import services
    from vigie.projects.models import Project

    manager = (
        User.objects.filter(memberships__organisation=landlord, memberships__role=Role.MANAGER)
        .order_by("pk")
        .first()
    )
    funders = {slug: _funder(slug) for slug in DATA["funders"]}
    who = DATA["funder_user"]
    accounts = [(who["username"], funders[who["funder"]], Role.FUNDER_VIEWER, {})]
    if not User.objects.filter(username=who["username"]).exists():
        user_create(
            username=who["username"],
            organisation=funders[who["funder"]],
            role=Role.FUNDER_VIEWER,
            password=password,
            first_name=who["first_name"],
            last_name=who["last_name"],
        )
    if Project.objects.filter(organisation=landlord).exists():
        return accounts
    residences = Residence.objects.filter(organisation=landlord).order_by("name")
    qpv = residences.filter(priority_neighbourhood=True).first() or residences.first()
    other = residences.exclude(pk=getattr(qpv, "pk", None)).first()
    today = timezone.localdate()
    year = today.year
    c, r = DATA["creche"], DATA["room"]

    def lines(project, rows):
        for account, label, forecast, actual, funder in rows:
            services.budget_line_add(
                actor=manager,
                project=project,
                year=year,
                account=account,
                label=label,
                forecast=forecast,
                actual=actual,
                funder_slug=funder,
            )

    with transaction.atomic():
        creche = services.project_create(
            actor=manager,
            organisation=landlord,
            title=c["title"],
            kind="childcare",
            residences=[qpv] if qpv else [],
            neighbourhood=qpv.neighbourhood if qpv else "",
            priority_neighbourhood=True,
            starts_on=date(year, 1, 1),
            ends_on=date(year + 2, 12, 31),
            summary=c["summary"],
        )
        for to in ("application", "funded", "running"):
            services.project_move(actor=manager, project=creche, to=to)
        services.project_partner_add(
            actor=manager, project=creche, name=c["partner"][0], role=c["partner"][1]
        )
        for label, due, done in c["milestones"]:
            services.milestone_set(
                actor=manager,
                project=creche,
                label=label,
                due_on=_day(year, due),
                done_on=_day(year, done) if done else None,
            )
        for slug, requested, committed in c["funders"]:
            co = services.co_funder_add(
                actor=manager,
                project=creche,
                funder_slug=slug,
                requested=requested,
                committed=committed,
            )
            half = committed // 2
            services.tranche_add(
                actor=manager,
                project=creche,
                funder_slug=slug,
                amount=half,
                due_on=date(year, 2, 15),
                received_on=date(year, 2, 20),
            )
            # The town's second tranche is late (the portfolio shows it).
            late = slug == "ville-toulouse"
            services.tranche_add(
                actor=manager,
                project=creche,
                funder_slug=slug,
                amount=committed - half,
                due_on=today - timedelta(days=15) if late else date(year, 12, 15),
            )
            services.deadline_add(
                actor=manager, co_funder=co, label=c["deadline"], due_on=date(year + 1, 6, 30)
            )
        slug, text = c["condition"]
        services.condition_add(
            actor=manager, co_funder=creche.funders.get(funder__slug=slug), text=text
        )
        lines(creche, c["lines"])
        services.indicator_add(actor=manager, project=creche, computed="households_reached")
        services.indicator_add(actor=manager, project=creche, computed="tickets_raised")
        ind = c["indicator"]
        kids = services.indicator_add(
            actor=manager,
            project=creche,
            label=ind["label"],
            unit=ind["unit"],
            baseline=ind["baseline"],
            target=ind["target"],
            source=ind["source"],
        )
        for on, value in ind["measures"]:
            services.indicator_measure(
                actor=manager, indicator=kids, value=value, measured_on=_day(year, on)
            )

        room = services.project_create(
            actor=manager,
            organisation=landlord,
            title=r["title"],
            kind="intergenerational",
            residences=[other] if other else [],
            starts_on=date(year, 4, 1),
            ends_on=date(year + 1, 3, 31),
            summary=r["summary"],
        )
        for to in ("application", "funded"):
            services.project_move(actor=manager, project=room, to=to)
        services.project_partner_add(
            actor=manager, project=room, name=r["partner"][0], role=r["partner"][1]
        )
        for slug, requested, committed in r["funders"]:
            services.co_funder_add(
                actor=manager,
                project=room,
                funder_slug=slug,
                requested=requested,
                committed=committed,
            )
            services.tranche_add(
                actor=manager,
                project=room,
                funder_slug=slug,
                amount=committed,
                due_on=date(year, 6, 1),
            )
        slug, label = r["deadline"]
        services.deadline_add(
            actor=manager,
            co_funder=room.funders.get(funder__slug=slug),
            label=label,
            due_on=today + timedelta(days=30),  # one report due next month
        )
        lines(room, r["lines"])
        ind = r["indicator"]
        services.indicator_add(
            actor=manager,
            project=room,
            label=ind["label"],
            unit=ind["unit"],
            target=ind["target"],
            source=ind["source"],
        )
    stdout.write(_("Projets co-financés : %(n)s projets de démonstration.") % {"n": 2} + "\n")
    return accounts
