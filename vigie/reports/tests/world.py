"""Planted households for the reports tests: each rule's positives and near-miss decoys."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from unittest import mock
from zoneinfo import ZoneInfo

from django.utils import timezone

from vigie.actions.choices import ReferralStatus, TicketCategory, TicketStatus
from vigie.actions.models import Partner, Referral, Ticket, TicketReport
from vigie.campaigns.choices import TargetStatus
from vigie.campaigns.models import Campaign, Need, Target
from vigie.campaigns.services import campaign_create
from vigie.core.models import Organisation, OrganisationKind
from vigie.housing.choices import OccupantRole
from vigie.housing.models import Building, Household
from vigie.housing.tests.factories import DwellingFactory, ResidenceFactory, make_household

TODAY = date(2026, 6, 15)
PARIS = ZoneInfo("Europe/Paris")
OLD = {"birth_date": date(1940, 1, 1)}
YOUNG = {"birth_date": date(1985, 1, 1)}
CHILD = {"birth_date": date(2015, 1, 1), "role": OccupantRole.CHILD, "phone": ""}


def frozen_today():
    """`timezone.localdate()` answers TODAY (a date given as argument is still converted)."""
    real = timezone.localdate

    def localdate(value=None, timezone=None):
        return TODAY if value is None else real(value, timezone)

    return mock.patch("django.utils.timezone.localdate", side_effect=localdate)


def at(days_ago: int) -> datetime:
    return datetime.combine(TODAY - timedelta(days=days_ago), datetime.min.time(), PARIS).replace(
        hour=10
    )


@dataclass
class Planted:
    org: Organisation
    expected: dict[str, set[str]] = field(default_factory=dict)
    households: dict[str, Household] = field(default_factory=dict)


def plant(org: Organisation, manager, partner_org: Organisation | None = None) -> Planted:
    """Households that each rule must find (`expected[rule]` = subject keys), and others it
    must not."""
    p = Planted(org)
    residence = ResidenceFactory(organisation=org, name=f"Les Tilleuls {org.slug}")
    lift_yes = Building.objects.create(
        organisation=org, residence=residence, name="A", has_lift=True
    )
    lift_no = Building.objects.create(
        organisation=org, residence=residence, name="B", has_lift=False
    )
    lift_unknown = Building.objects.create(organisation=org, residence=residence, name="C")

    def home(name, occupants, building=None, staircase="", floor="", **kw):
        dwelling = DwellingFactory(
            organisation=org,
            residence=residence,
            building=building,
            staircase=staircase,
            floor=floor,
        )
        h = make_household(org, occupants, dwelling=dwelling, **kw)
        p.households[name] = h
        return h

    # no_contact_over_75_alone
    never = home("old_never", [OLD], start_date=date(2020, 1, 1))
    home("old_new_tenant", [OLD], start_date=TODAY - timedelta(days=60))
    called_recently = home("old_called_recently", [OLD], start_date=date(2015, 1, 1))
    called_long_ago = home("old_called_long_ago", [OLD], start_date=date(2015, 1, 1))
    referred = home("old_referred_recently", [OLD], start_date=date(2015, 1, 1))
    reported = home("old_reported_recently", [OLD], start_date=date(2015, 1, 1))
    home("old_couple", [OLD, OLD], start_date=date(2015, 1, 1))
    home("old_with_child", [OLD, CHILD], start_date=date(2015, 1, 1))
    home("young_alone", [YOUNG], start_date=date(2015, 1, 1))
    home("old_departed", [OLD], start_date=date(2015, 1, 1), departed_on=TODAY - timedelta(days=3))
    p.expected["no_contact_over_75_alone"] = {f"h:{never.pk}", f"h:{called_long_ago.pk}"}

    campaign = campaign_create(
        actor=manager,
        organisation=org,
        name="Veille",
        as_of=TODAY,
        waves=[{"name": "Tous", "cohorts": [], "priority": 1}],
    )
    wave = campaign.waves.get()
    Campaign.objects.filter(pk=campaign.pk).update(created_at=at(60))

    def target(h, status, days_ago, attempts=1):
        return Target.objects.create(
            organisation=org,
            campaign=campaign,
            wave=wave,
            household=h,
            status=status,
            attempts_count=attempts,
            last_attempt_at=at(days_ago),
        )

    target(called_recently, TargetStatus.DONE, 30)
    target(called_long_ago, TargetStatus.DONE, 250)

    # not_reached
    unreachable = home("not_reached", [YOUNG])
    target(unreachable, TargetStatus.NOT_REACHED, 5, attempts=3)
    target(home("callback", [YOUNG]), TargetStatus.CALLBACK, 5, attempts=2)
    p.expected["not_reached"] = {f"h:{unreachable.pk}"}

    # referral_declined_twice (and the recent referral of an over-75)
    partner_org = partner_org or Organisation.objects.create(
        slug=f"ccas-{org.slug}", name="CCAS", kind=OrganisationKind.PARTNER
    )
    partner = Partner.objects.create(
        organisation=org, partner_organisation=partner_org, kind="ccas", name="CCAS test"
    )

    kinds: list[str] = ["groceries", "isolation", "meal_delivery"]

    def referral(h, status, days_ago):
        need = Need.objects.create(organisation=org, household=h, kind=kinds[len(kinds) % 3])
        kinds.append(need.kind)
        Need.objects.filter(pk=need.pk).update(created_at=at(days_ago + 3))
        need.refresh_from_db()
        Referral.objects.create(
            organisation=org,
            partner=partner,
            partner_organisation=partner_org,
            household=h,
            need=need,
            status=status,
            created_at=at(days_ago + 2),
            sent_at=at(days_ago + 1),
            closed_at=at(days_ago) if status != ReferralStatus.SENT else None,
        )

    declined_twice = home("declined_twice", [YOUNG])
    referral(declined_twice, ReferralStatus.DECLINED, 40)
    referral(declined_twice, ReferralStatus.DECLINED, 10)
    once = home("declined_once", [YOUNG])
    referral(once, ReferralStatus.DECLINED, 40)
    referral(once, ReferralStatus.DONE, 10)
    long_ago = home("declined_long_ago", [YOUNG])
    referral(long_ago, ReferralStatus.DECLINED, 500)
    referral(long_ago, ReferralStatus.DECLINED, 10)
    referral(referred, ReferralStatus.SENT, 10)
    p.expected["referral_declined_twice"] = {f"h:{declined_twice.pk}"}

    # repeated_tickets_staircase: three distinct tickets from staircase 2 of building A
    def ticket(category, days_ago, *households):
        t = Ticket.objects.create(
            organisation=org,
            residence=residence,
            agency=residence.agency,
            category=category,
            status=TicketStatus.RESOLVED,
            opened_at=at(days_ago),
            due_on=TODAY,
        )
        for h in households:
            TicketReport.objects.create(organisation=org, ticket=t, household=h, at=at(days_ago))
        return t

    s1 = home("stair_1", [YOUNG], building=lift_yes, staircase="2", floor="1")
    s2 = home("stair_2", [YOUNG], building=lift_yes, staircase="2", floor="2")
    other = home("stair_other", [YOUNG], building=lift_yes, staircase="3", floor="2")
    ticket(TicketCategory.CLEANING, 10, s1)
    ticket(TicketCategory.LIGHTING, 20, s2, s1)
    ticket(TicketCategory.PESTS, 30, s2)
    ticket(TicketCategory.WATER, 120, other)  # too old
    ticket(TicketCategory.HEATING, 5, other)
    ticket(TicketCategory.OTHER, 5, other)
    ticket(TicketCategory.ENTRANCE_DOOR, 3, reported)
    p.expected["repeated_tickets_staircase"] = {f"s:{residence.pk}:{lift_yes.pk}:2"}

    # disability_no_lift
    upstairs = home(
        "disabled_upstairs", [{**YOUNG, "disability": True}], building=lift_no, floor="3e"
    )
    home("disabled_ground", [{**YOUNG, "disability": True}], building=lift_no, floor="RDC")
    home("disabled_lift", [{**YOUNG, "disability": True}], building=lift_yes, floor="4")
    home("disabled_unknown", [{**YOUNG, "disability": True}], building=lift_unknown, floor="4")
    home("able_upstairs", [YOUNG], building=lift_no, floor="4")
    p.expected["disability_no_lift"] = {f"h:{upstairs.pk}"}

    # rent_arrears
    owing = home("arrears_1", [YOUNG], arrears_months=1)
    home("arrears_0", [YOUNG], arrears_months=0)
    home("arrears_unknown", [YOUNG])
    home("arrears_departed", [YOUNG], arrears_months=4, departed_on=TODAY - timedelta(days=1))
    p.expected["rent_arrears"] = {f"h:{owing.pk}"}
    return p
