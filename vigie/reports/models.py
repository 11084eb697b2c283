"""Early warnings (rules and the alerts they raise) and the heatwave-register consent."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from vigie.core.models import OrganisationOwned, ScopedQuerySet, Versioned
from vigie.core.permissions import Role
from vigie.reports.choices import SENSITIVE_RULES, AlertStatus, RuleCode


class AlertRule(OrganisationOwned, Versioned):
    """A landlord's settings of one early-warning rule: on or off, its parameters, who receives
    its alerts. `version` goes up with every change; each alert keeps the version it was
    raised under."""

    code = models.CharField(_("règle"), max_length=40, choices=RuleCode.choices)
    active = models.BooleanField(_("active"), default=True)
    parameters = models.JSONField(_("paramètres"), default=dict, blank=True)
    # The team that receives the alerts (and the follow-up task): a landlord role.
    team = models.CharField(_("équipe destinataire"), max_length=20, choices=Role.choices)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["code"]
        verbose_name = _("règle d'alerte")
        constraints = [
            models.UniqueConstraint(fields=["organisation", "code"], name="alert_rule_unique")
        ]

    def __str__(self) -> str:
        return self.get_code_display()


class AlertQuerySet(ScopedQuerySet):
    def sensitive_rows(self) -> models.Q:
        """An alert of a health rule says a household has a disability by being there."""
        return models.Q(rule_code__in=[str(c) for c in SENSITIVE_RULES])


class Alert(OrganisationOwned, Versioned):
    """An early warning about a household (or a staircase): the reason in words, for a person
    to look at. It decides nothing; a person closes it."""

    rule = models.ForeignKey(AlertRule, on_delete=models.PROTECT, related_name="alerts")
    rule_code = models.CharField(_("règle"), max_length=40, choices=RuleCode.choices)
    rule_version = models.PositiveIntegerField(default=1)
    household = models.ForeignKey(
        "housing.Household", null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    # What the alert is about: "h:<household id>" or "s:<residence>:<building>:<staircase>".
    subject_key = models.CharField(max_length=120)
    # What made it fire (the last contact's date, the months of arrears…): a closed alert is
    # raised again only when this changes (docs/guide/rapports.md).
    evidence = models.CharField(max_length=120, blank=True)
    place = models.CharField(_("lieu"), max_length=300, blank=True)
    reason = models.TextField(_("motif"))
    status = models.CharField(
        _("statut"), max_length=10, choices=AlertStatus.choices, default=AlertStatus.OPEN
    )
    raised_on = models.DateField(_("levée le"))
    task = models.ForeignKey(
        "actions.Task", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    closed_at = models.DateTimeField(_("close le"), null=True, blank=True)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    closing_note = models.CharField(_("ce qui a été fait"), max_length=500, blank=True)

    objects = AlertQuerySet.as_manager()

    class Meta:
        ordering = ["-raised_on", "-id"]
        verbose_name = _("alerte")
        constraints = [
            # A run never raises an alert again while one is open for the same subject and rule.
            models.UniqueConstraint(
                fields=["organisation", "rule_code", "subject_key"],
                condition=models.Q(status=AlertStatus.OPEN),
                name="alert_one_open_per_subject",
            )
        ]
        indexes = [
            models.Index(fields=["organisation", "status", "rule_code"], name="alert_list"),
            models.Index(fields=["organisation", "rule_code", "subject_key"], name="alert_subject"),
        ]

    def __str__(self) -> str:
        return f"{self.get_rule_code_display()} — {self.subject_key}"


class RegisterConsent(OrganisationOwned):
    """A household's consent to be passed on to its town's CCAS for the heatwave register
    (registre canicule, décret 2004-926: voluntary, for that purpose only)."""

    household = models.ForeignKey("housing.Household", on_delete=models.CASCADE, related_name="+")
    given_on = models.DateField(_("consentement donné le"))
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    withdrawn_on = models.DateField(_("retiré le"), null=True, blank=True)

    class Meta:
        ordering = ["-given_on", "-id"]
        verbose_name = _("consentement au registre canicule")
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "household"],
                condition=models.Q(withdrawn_on__isnull=True),
                name="register_consent_one_current",
            )
        ]
