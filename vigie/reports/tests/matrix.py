"""The reports module in the shared test world (core/tests/world.py): per landlord, three
alerts (one sent to the managers, one to the callers, one of the health rule) and a heatwave-
register consent."""

from __future__ import annotations

from typing import Any

from django.utils import timezone

from vigie.core.permissions import Role

PERSONAS: tuple[str, ...] = ()


def extend_world(world: Any) -> None:
    from vigie.reports.models import Alert, AlertRule, RegisterConsent
    from vigie.reports.services import rules_ensure

    today = timezone.localdate()
    for land in (world.a, world.b):
        rules = {r.code: r for r in rules_ensure(organisation_id=land.org.pk)}
        AlertRule.objects.filter(pk=rules["not_reached"].pk).update(team=Role.CALLER)

        def alert(code: str, household: Any, reason: str, land=land, rules=rules) -> Alert:
            return Alert.objects.create(
                organisation=land.org,
                rule=rules[code],
                rule_code=code,
                household=household,
                subject_key=f"h:{household.pk}",
                reason=reason,
                raised_on=today,
            )

        world.extra[f"reports_alert_manager_{land.token}"] = alert(
            "rent_arrears", land.household, f"2 mois d'impayé de loyer {land.token}"
        )
        world.extra[f"reports_alert_caller_{land.token}"] = alert(
            "not_reached", land.retry, f"Injoignable {land.token}"
        )
        world.extra[f"reports_alert_health_{land.token}"] = alert(
            "disability_no_lift", land.household, f"Handicap au 3 étage sans ascenseur {land.token}"
        )
        world.extra[f"reports_consent_{land.token}"] = RegisterConsent.objects.create(
            organisation=land.org, household=land.waiting, given_on=today
        )


def _alert(land: Any, user: Any) -> int:
    """The alert a persona receives: the callers' rule for a caller, else the managers'."""
    from vigie.reports.models import Alert

    code = "not_reached" if user is not None and Role.CALLER in user.roles() else "rent_arrears"
    return Alert.objects.get(organisation=land.org, rule_code=code).pk


def _consent(land: Any, user: Any) -> int:
    from vigie.reports.models import RegisterConsent

    return RegisterConsent.objects.get(organisation=land.org).pk


PARAMS = {
    ("api", "alert_id"): _alert,
    ("reports", "pk"): _alert,
    ("reports:consent_withdraw", "pk"): _consent,
}

PARAMS.update(
    {
        ("reports:table_export", "table"): lambda land, u: "cohorts_agency",
        ("reports:table_export", "fmt"): lambda land, u: "csv",
        ("reports:ccas_export", "fmt"): lambda land, u: "csv",
        ("reports:rule_update", "code"): lambda land, u: "rent_arrears",
    }
)
