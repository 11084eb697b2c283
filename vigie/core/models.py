"""Organisations, the scoping mechanism and the audit journal."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, ClassVar, Self

from django.conf import settings
from django.db import models
from django.db.models.functions import Now
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

if TYPE_CHECKING:
    from vigie.accounts.models import User


class OrganisationKind(models.TextChoices):
    LANDLORD = "landlord", _("Bailleur social")
    MEDIATION_CENTRE = "mediation_centre", _("Centre de médiation")
    PARTNER = "partner", _("Partenaire (CCAS, association…)")
    FUNDER = "funder", _("Financeur")


class Organisation(models.Model):
    """An organisation using Vigie: a landlord, a mediation centre, a partner or a funder."""

    slug = models.SlugField(_("identifiant"), max_length=60, unique=True)
    name = models.CharField(_("nom"), max_length=200)
    kind = models.CharField(_("type"), max_length=20, choices=OrganisationKind.choices)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("organisation")

    def __str__(self) -> str:
        return self.name


class ScopedQuerySet(models.QuerySet):
    """The one place where scoping happens (conventions, habit 3).

    A model holding personal data declares `org_field` (path to its landlord organisation) and,
    where agency staff may see it, `agency_field` (path to the agency). `visible_to(user, perm)`
    keeps the rows of the organisations where the user holds `perm`; for agency staff only
    the rows of their agencies. A record addressed to a partner organisation (a referral)
    declares `partner_field` (path to that organisation): the partner's workers, who hold
    `perm` in their own organisation, see the rows addressed to it and nothing else
    (docs/decisions/0007).

    Health data is part of the scoping (docs/decisions/0010, `core/sensitivity.py`):
    - a model lists in `sensitive_fields` the fields that hold or reveal health data; a
      queryset from `visible_to` that filters, sorts, counts or reads values by one of them is
      narrowed to the organisations where the user holds `household.view_sensitive`, or
      refused (`SensitiveDataDenied`, a 403 sentence) where there are none;
    - a queryset whose *rows* reveal health data (a campaign wave that selects on disability,
      its targets) declares them in `sensitive_rows()`; `visible_to` leaves them out in the
      organisations where the user does not hold `household.view_sensitive`.
    """

    org_field = "organisation"
    agency_field: str | None = None
    partner_field: str | None = None

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # None: not read on a person's behalf (services, imports). Otherwise the organisations
        # where the person may select by health data.
        self._sensitive_org_ids: frozenset[int] | None = None
        self._sensitive_narrowed = False

    def _clone(self) -> Self:
        clone = super()._clone()  # type: ignore[misc]  # Django's private API, not in the stubs
        clone._sensitive_org_ids = self._sensitive_org_ids
        clone._sensitive_narrowed = self._sensitive_narrowed
        return clone

    def sensitive_rows(self) -> models.Q | None:
        """Rows that reveal health data by being there at all; None when there are none."""
        return None

    def _scoped(self, user: User, perm: str) -> tuple[Self, models.Q | None]:
        """The rows of the user's organisations (and agencies, and partner addresses) where
        they hold `perm`, and the filter of the rows the health wall withholds from them."""
        from vigie.core.sensitivity import SENSITIVE_PERM

        if not user.is_authenticated:
            return self.none(), None
        scope = user.scope(perm)
        q = models.Q(**{f"{self.org_field}_id__in": scope.full_org_ids})
        if self.agency_field and scope.agency_ids:
            q |= models.Q(**{f"{self.agency_field}_id__in": scope.agency_ids})
        if self.partner_field and scope.full_org_ids:
            q |= models.Q(**{f"{self.partner_field}_id__in": scope.full_org_ids})
        if not scope.full_org_ids and not (self.agency_field and scope.agency_ids):
            return self.none(), None
        qs = self.filter(q)
        sensitive_ids = frozenset(user.scope(SENSITIVE_PERM).full_org_ids)
        qs._sensitive_org_ids = sensitive_ids
        rows = self.sensitive_rows()
        sees_health_of_all_its_rows = (
            set(scope.full_org_ids) <= sensitive_ids
            and not (self.agency_field and scope.agency_ids)
            and not self.partner_field
        )
        if rows is None or sees_health_of_all_its_rows:
            return qs, None
        return qs, rows & ~models.Q(**{f"{self.org_field}_id__in": sensitive_ids})

    def visible_to(self, user: User, perm: str) -> Self:
        qs, withheld = self._scoped(user, perm)
        if withheld is not None:
            org_ids = qs._sensitive_org_ids
            qs._sensitive_org_ids = None  # the wall's own filter names the sensitive rows
            qs = qs.exclude(withheld)
            qs._sensitive_org_ids = org_ids
        return qs

    def withheld_count(self, user: User, perm: str) -> int:
        """How many rows the health wall keeps from `user` (to say so, never which)."""
        qs, withheld = self._scoped(user, perm)
        if withheld is None:
            return 0
        qs._sensitive_org_ids = None
        return qs.filter(withheld).count()

    # --- health data: narrow or refuse any use of a sensitive field (core/sensitivity.py) ---

    @property
    def sensitive_org_ids(self) -> frozenset[int] | None:
        """Where this queryset may select by health data: None means anywhere (no person)."""
        return self._sensitive_org_ids

    def with_sensitive(self) -> Self:
        """The rows of the organisations where the reader may see health data (refused if none)."""
        from vigie.core.sensitivity import SensitiveDataDenied

        if self._sensitive_org_ids is None or self._sensitive_narrowed:
            return self
        if not self._sensitive_org_ids:
            raise SensitiveDataDenied
        qs = self.filter(**{f"{self.org_field}_id__in": self._sensitive_org_ids})
        qs._sensitive_narrowed = True
        return qs

    def _guard(self, *nodes: Any) -> Self:
        if self._sensitive_org_ids is None or self._sensitive_narrowed:
            return self
        from vigie.core.sensitivity import names_sensitive

        if names_sensitive(self.model, nodes):
            return self.with_sensitive()
        return self

    def _filter_or_exclude(self, negate: bool, args: Any, kwargs: Any) -> Self:
        qs = self._guard(*args, *kwargs.keys(), *kwargs.values())
        return super(ScopedQuerySet, qs)._filter_or_exclude(negate, args, kwargs)  # type: ignore[misc]

    def order_by(self, *field_names: Any) -> Self:
        return super(ScopedQuerySet, self._guard(*field_names)).order_by(*field_names)

    def annotate(self, *args: Any, **kwargs: Any) -> Self:
        qs = self._guard(*args, *kwargs.values())
        return super(ScopedQuerySet, qs).annotate(*args, **kwargs)

    def alias(self, *args: Any, **kwargs: Any) -> Self:
        qs = self._guard(*args, *kwargs.values())
        return super(ScopedQuerySet, qs).alias(*args, **kwargs)

    def aggregate(self, *args: Any, **kwargs: Any) -> dict[str, Any]:
        qs = self._guard(*args, *kwargs.values())
        return super(ScopedQuerySet, qs).aggregate(*args, **kwargs)

    def values(self, *fields: Any, **expressions: Any) -> models.QuerySet[Any, Any]:
        qs = self._guard(*fields, *expressions.values())
        return super(ScopedQuerySet, qs).values(*fields, **expressions)

    def extra(self, *args: Any, **kwargs: Any) -> Any:
        """Raw SQL can name any column: refused on a person's behalf (decision 0010)."""
        from vigie.core.sensitivity import SensitiveDataDenied

        if self._sensitive_org_ids is not None:
            raise SensitiveDataDenied
        return super().extra(*args, **kwargs)  # nosec B610 (pass-through; refused for a person above)

    def raw(self, *args: Any, **kwargs: Any) -> Any:
        from vigie.core.sensitivity import SensitiveDataDenied

        if self._sensitive_org_ids is not None:
            raise SensitiveDataDenied
        return super().raw(*args, **kwargs)

    def values_list(self, *fields: Any, **kwargs: Any) -> models.QuerySet[Any, Any]:
        return super(ScopedQuerySet, self._guard(*fields)).values_list(*fields, **kwargs)


ScopedManager = models.Manager.from_queryset(ScopedQuerySet, "ScopedManager")


class OrganisationOwned(models.Model):
    """The base of every record that belongs to one organisation (conventions, habit 3).

    It gives the organisation key, the timestamps and the scoped manager (`visible_to`), so a
    module never writes them by hand. A subclass with its own queryset class (extra
    `agency_field`, `sensitive_rows`…) sets `objects = ItsQuerySet.as_manager()`; one whose
    status moves through `core.transitions` also mixes in `Versioned`. A test
    (core/tests/test_organisation_owned.py) fails on a model with an `organisation` key that
    does not inherit this, unless it is listed there with its reason.
    """

    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="+", verbose_name=_("organisation")
    )
    # A database default too: set-based inserts (the campaign build, the import) fill them.
    created_at = models.DateTimeField(_("créé le"), default=timezone.now, db_default=Now())
    updated_at = models.DateTimeField(_("modifié le"), auto_now=True, db_default=Now())

    # Typed with Self so that mypy (django-stubs) gives each subclass its own manager type.
    objects: ClassVar[ScopedManager[Self]] = ScopedManager()

    class Meta:
        abstract = True


class Versioned(models.Model):
    """A version number for optimistic locking: `core.transitions` checks and raises it."""

    version = models.PositiveIntegerField(default=1)

    class Meta:
        abstract = True


class AuditEvent(models.Model):
    """A journal row: who changed what, when (never health details in the payload)."""

    at = models.DateTimeField(auto_now_add=True, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    organisation = models.ForeignKey(
        Organisation, null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    action = models.CharField(max_length=80, db_index=True)
    object_type = models.CharField(max_length=60, blank=True)
    object_id = models.CharField(max_length=60, blank=True)
    payload = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["-at", "-id"]
        indexes = [models.Index(fields=["organisation", "object_type", "object_id"])]

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self.pk:
            raise RuntimeError("The audit journal is append-only.")
        super().save(*args, **kwargs)


class AccessAction(models.TextChoices):
    VIEW = "view", _("consultation")
    SEARCH = "search", _("recherche")
    EXPORT = "export", _("export")
    DENIED = "denied", _("accès refusé")


class AccessLog(models.Model):
    """Who read which personal record, when (CNIL 2021-122). Append-only; no health details."""

    at = models.DateTimeField(auto_now_add=True, db_index=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    organisation = models.ForeignKey(
        Organisation, null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    action = models.CharField(max_length=10, choices=AccessAction.choices)
    object_type = models.CharField(max_length=60, blank=True)
    object_id = models.CharField(max_length=60, blank=True)
    # What was asked (a search's criteria, an export's filters): never the results.
    detail = models.CharField(max_length=300, blank=True)
    path = models.CharField(max_length=300, blank=True)

    class Meta:
        ordering = ["-at", "-id"]
        indexes = [models.Index(fields=["object_type", "object_id", "at"])]

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self.pk:
            raise RuntimeError("The access log is append-only.")
        super().save(*args, **kwargs)
