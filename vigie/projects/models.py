"""Co-financed social projects: the project, its co-funders and their money, its budget and
indicators (issue #15). Every record belongs to the landlord running the project; a funder's
users reach the projects their organisation co-funds through `ProjectQuerySet.visible_to`."""

from __future__ import annotations

from decimal import Decimal
from typing import TYPE_CHECKING, Self

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from vigie.core.models import Organisation, OrganisationOwned, ScopedQuerySet, Versioned
from vigie.projects.choices import DocumentKind, ProjectKind, ProjectStatus

if TYPE_CHECKING:
    from vigie.accounts.models import User

MONEY = {"max_digits": 12, "decimal_places": 2}


class ProjectQuerySet(ScopedQuerySet):
    """The landlord's staff see their organisation's projects; a funder's users (who hold the
    permission in their funder organisation) see the projects that organisation co-funds —
    whatever their status — and nothing else (as partners see the referrals addressed to them,
    docs/decisions/0007)."""

    def visible_to(self, user: User, perm: str) -> Self:
        if not user.is_authenticated:
            return self.none()
        org_ids = user.scope(perm).full_org_ids
        if not org_ids:
            return self.none()
        funded = ProjectFunder.objects.filter(funder_id__in=org_ids).values("project_id")
        return self.filter(models.Q(organisation_id__in=org_ids) | models.Q(pk__in=funded))


class Project(OrganisationOwned, Versioned):
    """A social-innovation project at the scale of a building or a neighbourhood."""

    title = models.CharField(_("intitulé"), max_length=200)
    kind = models.CharField(_("type"), max_length=20, choices=ProjectKind.choices)
    status = models.CharField(
        _("statut"), max_length=12, choices=ProjectStatus.choices, default=ProjectStatus.IDEA
    )
    summary = models.TextField(_("présentation de l'action"), blank=True)
    # Where: residences, some buildings, or a neighbourhood (its residences count then).
    residences = models.ManyToManyField(
        "housing.Residence",
        through="ProjectResidence",
        blank=True,
        related_name="+",
        verbose_name=_("résidences"),
    )
    buildings = models.ManyToManyField(
        "housing.Building",
        through="ProjectBuilding",
        blank=True,
        related_name="+",
        verbose_name=_("bâtiments"),
    )
    neighbourhood = models.CharField(_("quartier"), max_length=150, blank=True)
    priority_neighbourhood = models.BooleanField(_("quartier prioritaire (QPV)"), default=False)
    lead = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("pilote"),
    )
    starts_on = models.DateField(_("début"), null=True, blank=True)
    ends_on = models.DateField(_("fin"), null=True, blank=True)

    objects = ProjectQuerySet.as_manager()

    class Meta:
        ordering = ["title", "id"]
        verbose_name = _("projet")

    def __str__(self) -> str:
        return self.title


class ProjectResidence(OrganisationOwned):
    """A residence where the project acts (the link carries the landlord: docs/scaling.md)."""

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="+")
    residence = models.ForeignKey("housing.Residence", on_delete=models.CASCADE, related_name="+")

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "project", "residence"], name="project_residence_unique"
            )
        ]


class ProjectBuilding(OrganisationOwned):
    """A building where the project acts."""

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="+")
    building = models.ForeignKey("housing.Building", on_delete=models.CASCADE, related_name="+")

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "project", "building"], name="project_building_unique"
            )
        ]


class ProjectPartner(OrganisationOwned):
    """An operating partner of the project (the association running the crèche…) and its role."""

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="partners")
    name = models.CharField(_("partenaire"), max_length=200)
    role = models.CharField(_("rôle"), max_length=200)

    class Meta:
        ordering = ["name", "id"]


class Milestone(OrganisationOwned):
    """A dated step of the project (opening, first committee, evaluation…)."""

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="milestones")
    label = models.CharField(_("jalon"), max_length=200)
    due_on = models.DateField(_("prévu le"))
    done_on = models.DateField(_("atteint le"), null=True, blank=True)

    class Meta:
        ordering = ["due_on", "id"]


class ProjectFunder(OrganisationOwned):
    """A co-funder of the project: an organisation of kind "funder", what was asked of it and
    what it committed (what it paid is the sum of its received tranches)."""

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="funders")
    funder = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="+", verbose_name=_("financeur")
    )
    requested = models.DecimalField(_("montant demandé"), **MONEY, default=Decimal(0))
    committed = models.DecimalField(_("montant accordé"), **MONEY, null=True, blank=True)
    conditions = models.TextField(_("conditions"), blank=True)

    class Meta:
        ordering = ["funder__name", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "project", "funder"], name="project_funder_unique"
            )
        ]

    def __str__(self) -> str:
        return self.funder.name


class Tranche(OrganisationOwned):
    """A payment expected from a co-funder: its amount, when it is due, when it came."""

    co_funder = models.ForeignKey(ProjectFunder, on_delete=models.CASCADE, related_name="tranches")
    amount = models.DecimalField(_("montant"), **MONEY)
    due_on = models.DateField(_("attendue le"))
    received_on = models.DateField(_("reçue le"), null=True, blank=True)

    class Meta:
        ordering = ["due_on", "id"]


class FundingCondition(OrganisationOwned):
    """A condition a co-funder attached to its money (a report, a count, a visit…)."""

    co_funder = models.ForeignKey(
        ProjectFunder, on_delete=models.CASCADE, related_name="condition_set"
    )
    text = models.CharField(_("condition"), max_length=300)
    met_on = models.DateField(_("remplie le"), null=True, blank=True)

    class Meta:
        ordering = ["id"]


class ReportingDeadline(OrganisationOwned):
    """A report owed to a co-funder by a date; reminders go out by e-mail before it."""

    co_funder = models.ForeignKey(ProjectFunder, on_delete=models.CASCADE, related_name="deadlines")
    label = models.CharField(_("rapport"), max_length=200)
    due_on = models.DateField(_("à rendre le"))
    submitted_on = models.DateField(_("rendu le"), null=True, blank=True)
    # The reminders already sent, as days before the due date (e.g. [30, 7]).
    reminders_sent = models.JSONField(default=list, blank=True)

    class Meta:
        ordering = ["due_on", "id"]


class ProjectDocument(OrganisationOwned):
    """An agreement, a decision or a report, stored privately under the data directory and
    served only to who may see the project (a funder's users: the documents of their own
    co-funding)."""

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="documents")
    co_funder = models.ForeignKey(
        ProjectFunder, null=True, blank=True, on_delete=models.CASCADE, related_name="documents"
    )
    kind = models.CharField(_("type"), max_length=12, choices=DocumentKind.choices)
    title = models.CharField(_("titre"), max_length=200)
    file_name = models.CharField(max_length=200)
    # Path relative to the documents directory (settings.DATA_DIR / "projects").
    stored_as = models.CharField(max_length=200)
    content_type = models.CharField(max_length=100)
    size = models.PositiveIntegerField()
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "stored_as"], name="project_document_unique_file"
            )
        ]


class BudgetLine(OrganisationOwned):
    """A line of the action's budget for a year: an account (60–68, 70–78, 86–87), forecast and
    actual. A co-funder's subsidy is a 74x line naming its funder."""

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="budget_lines")
    year = models.PositiveSmallIntegerField(_("exercice"))
    account = models.CharField(_("compte"), max_length=6)
    label = models.CharField(_("libellé"), max_length=200)
    forecast = models.DecimalField(_("prévisionnel"), **MONEY, default=Decimal(0))
    actual = models.DecimalField(_("réalisé"), **MONEY, default=Decimal(0))
    funder = models.ForeignKey(
        Organisation,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("financeur"),
    )

    class Meta:
        ordering = ["year", "account", "id"]
        indexes = [models.Index(fields=["project", "year"])]


class Indicator(OrganisationOwned):
    """What the project measures: baseline, target and the latest value. A computed indicator
    names its computation (`computed`, see indicators.py); an entered one its source."""

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="indicators")
    label = models.CharField(_("indicateur"), max_length=200)
    unit = models.CharField(_("unité"), max_length=50, blank=True)
    computed = models.CharField(_("calculé par Vigie"), max_length=40, blank=True)
    # A count of people or households: small cells are hidden from funders.
    headcount = models.BooleanField(_("effectif de personnes ou de ménages"), default=True)
    baseline = models.DecimalField(_("situation de départ"), **MONEY, null=True, blank=True)
    target = models.DecimalField(_("cible"), **MONEY, null=True, blank=True)
    source = models.CharField(_("source"), max_length=200, blank=True)

    class Meta:
        ordering = ["id"]


class IndicatorValue(OrganisationOwned):
    """One measure of an indicator at a date (its history)."""

    indicator = models.ForeignKey(Indicator, on_delete=models.CASCADE, related_name="values")
    measured_on = models.DateField(_("mesuré le"))
    value = models.DecimalField(_("valeur"), **MONEY)
    source = models.CharField(_("source"), max_length=200, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["measured_on", "id"]
