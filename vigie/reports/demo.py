"""Demo data of the reports app (`make demo`): lifts and arrears on part of the demo stock (the
demo export has no `ascenseur` / `impaye_mois` columns), a few heatwave-register consents, and
a first run of the early-warning rules, so that the alerts page and the maps have something
to show."""

from __future__ import annotations

from typing import Any

from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _


def seed(*, landlord: Any, stdout: Any, password: str) -> list:
    from vigie.housing.models import Building, Household
    from vigie.reports.models import RegisterConsent
    from vigie.reports.services import alerts_run

    buildings = Building.objects.filter(organisation=landlord)
    buildings.update(has_lift=True)
    buildings.annotate(m=F("pk") % 3).filter(m=0).update(has_lift=False)
    households = Household.objects.filter(organisation=landlord)
    households.annotate(m=F("pk") % 40).filter(m=0).update(arrears_months=1)
    households.annotate(m=F("pk") % 97).filter(m=0).update(arrears_months=3)
    today = timezone.localdate()
    consenting = households.active_on(today).filter(oldest_adult_birth_date__isnull=False)
    for h in consenting.order_by("oldest_adult_birth_date")[:30]:
        RegisterConsent.objects.get_or_create(
            organisation=landlord,
            household=h,
            withdrawn_on=None,
            defaults={"given_on": today},
        )
    result = alerts_run(actor=None, organisation=landlord)
    stdout.write(_("Alertes levées : %(raised)s (%(by_rule)s)") % result + "\n")
    return []
