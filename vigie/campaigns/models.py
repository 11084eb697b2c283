"""Campaigns, waves, call scripts, targets (the call queue), attempts and needs — issue #3."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from vigie.campaigns.choices import (
    SENSITIVE_NEEDS,
    AttemptResult,
    BuildStatus,
    CampaignStatus,
    CounterMetric,
    NeedKind,
    NeedStatus,
    Outcome,
    QuestionKind,
    TargetStatus,
)
from vigie.core.models import OrganisationOwned, ScopedQuerySet

# How an unreached household comes back, per result. `max_attempts` counts all attempts of the
# target; `min_gap_minutes` is the shortest wait; `other_half_day` moves the next try to the
# other half of the day (morning ↔ afternoon), when people who were out may be in.
DEFAULT_RETRY_POLICY: dict[str, dict[str, Any]] = {
    AttemptResult.NO_ANSWER.value: {
        "max_attempts": 3,
        "min_gap_minutes": 120,
        "other_half_day": True,
    },
    AttemptResult.BUSY.value: {"max_attempts": 3, "min_gap_minutes": 120, "other_half_day": True},
    AttemptResult.VOICEMAIL.value: {
        "max_attempts": 3,
        "min_gap_minutes": 120,
        "other_half_day": True,
    },
}


def default_retry_policy() -> dict[str, dict[str, Any]]:
    return {k: dict(v) for k, v in DEFAULT_RETRY_POLICY.items()}


def default_claim_minutes() -> int:
    return settings.VIGIE_CLAIM_MINUTES


def _has_health_wave(campaign_path: str) -> models.Q:
    """The rows of a campaign with a wave that selects on disability: its lists, counts and
    planner say who has one (or how many, by difference), so the whole campaign — its waves,
    targets and calls — is for roles holding household.view_sensitive (decision 0010)."""
    return models.Q(
        models.Exists(
            Wave.objects.filter(campaign=models.OuterRef(campaign_path), health_data=True)
        )
    )


class CampaignQuerySet(ScopedQuerySet):
    def sensitive_rows(self) -> models.Q:
        return _has_health_wave("pk")


class Campaign(OrganisationOwned):
    """A calling campaign (campagne d'appels): who to call, in which waves, with which script."""

    name = models.CharField(_("nom"), max_length=200)
    purpose = models.TextField(_("objet"), blank=True)
    template = models.CharField(_("modèle"), max_length=30, blank=True)
    as_of = models.DateField(_("date de référence des cohortes"))
    status = models.CharField(
        _("statut"), max_length=10, choices=CampaignStatus.choices, default=CampaignStatus.DRAFT
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    started_at = models.DateTimeField(null=True, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)
    built_at = models.DateTimeField(null=True, blank=True)
    retry_policy = models.JSONField(_("règles de relance"), default=default_retry_policy)
    claim_minutes = models.PositiveSmallIntegerField(
        _("durée de réservation d'un appel (minutes)"), default=default_claim_minutes
    )
    callback_grace_minutes = models.PositiveSmallIntegerField(
        _("délai avant qu'un rappel passe à un·e collègue (minutes)"), default=30
    )
    # Callers the manager has paused on this campaign: the queue gives them nothing.
    paused_callers = models.ManyToManyField(
        settings.AUTH_USER_MODEL, blank=True, related_name="+", through="PausedCaller"
    )

    objects = CampaignQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("campagne")

    def __str__(self) -> str:
        return self.name


def selects_health_data(cohorts: Any, filters: Any) -> bool:
    """A wave's cohorts or filters name disability (either way: "no" selects on it too)."""
    return "disability" in (cohorts or []) or "disability" in (filters or {})


class WaveQuerySet(ScopedQuerySet):
    def sensitive_rows(self) -> models.Q:
        return _has_health_wave("campaign")


class Wave(OrganisationOwned):
    """A wave (vague) of a campaign: the households of some cohorts, called in priority order.

    `cohorts` lists standard cohorts (a household qualifies if it is in any of them; an empty
    list means "every household"); `filters` narrows further (see services.wave_filter_q for the
    keys). Lower `priority` is called first.
    """

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="waves")
    name = models.CharField(_("nom"), max_length=150)
    priority = models.PositiveSmallIntegerField(_("priorité"), default=1)
    cohorts = models.JSONField(_("cohortes"), default=list, blank=True)
    filters = models.JSONField(_("filtres"), default=dict, blank=True)
    paused = models.BooleanField(_("en pause"), default=False)
    # Derived from cohorts and filters on save (see selects_health_data): the scoping reads it.
    health_data = models.BooleanField(default=False, editable=False)

    objects = WaveQuerySet.as_manager()
    sensitive_fields = ("health_data",)

    class Meta:
        ordering = ["priority", "id"]
        verbose_name = _("vague")
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "campaign", "name"], name="wave_unique_name"
            )
        ]

    def __str__(self) -> str:
        return self.name

    def save(self, *args: Any, **kwargs: Any) -> None:
        self.health_data = self.selects_health_data
        update_fields = kwargs.get("update_fields")
        if update_fields is not None and {"cohorts", "filters"} & set(update_fields):
            kwargs["update_fields"] = {*update_fields, "health_data"}
        super().save(*args, **kwargs)

    @property
    def selects_health_data(self) -> bool:
        """Whether the wave selects on disability: then being in it says a household's health."""
        return selects_health_data(self.cohorts, self.filters)

    def name_for(self, *, sensitive: bool) -> str:
        """The wave's name as shown next to a household to someone with or without
        household.view_sensitive ("Situation de handicap" would say the household's health)."""
        if sensitive or not self.selects_health_data:
            return self.name
        return str(_("vague confidentielle"))


class ScriptQuestion(OrganisationOwned):
    """A question of the call script (trame d'appel); a "yes" can raise a need by itself."""

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="questions")
    position = models.PositiveSmallIntegerField(default=0)
    text = models.CharField(_("question"), max_length=300)
    kind = models.CharField(_("type"), max_length=10, choices=QuestionKind.choices)
    choices = models.JSONField(_("choix possibles"), default=list, blank=True)
    maps_to_need = models.CharField(
        _("besoin signalé par un « oui »"), max_length=30, choices=NeedKind.choices, blank=True
    )

    class Meta:
        ordering = ["position", "id"]
        verbose_name = _("question de la trame")

    def __str__(self) -> str:
        return self.text


class TargetQuerySet(ScopedQuerySet):
    def sensitive_rows(self) -> models.Q:
        return _has_health_wave("campaign")


class Target(OrganisationOwned):
    """A household to call in a campaign: its place in the call queue and where it stands."""

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="targets")
    wave = models.ForeignKey(Wave, on_delete=models.CASCADE, related_name="targets")
    household = models.ForeignKey(
        "housing.Household", on_delete=models.CASCADE, related_name="campaign_targets"
    )
    # All the standard cohorts the household was in at build time (not only its wave's).
    cohorts = models.JSONField(default=list, blank=True)
    status = models.CharField(
        max_length=12, choices=TargetStatus.choices, default=TargetStatus.PENDING
    )
    # The wave's priority, copied so that the queue reads one table.
    priority = models.PositiveSmallIntegerField(default=1)
    due_at = models.DateTimeField(default=timezone.now)
    claimed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    claimed_at = models.DateTimeField(null=True, blank=True)
    claim_expires_at = models.DateTimeField(null=True, blank=True)
    attempts_count = models.PositiveSmallIntegerField(default=0)
    # A callback goes first to the caller who promised it, until `preferred_until`.
    preferred_caller = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    preferred_until = models.DateTimeField(null=True, blank=True)
    last_result = models.CharField(max_length=12, choices=AttemptResult.choices, blank=True)
    last_attempt_at = models.DateTimeField(null=True, blank=True)
    outcome = models.CharField(max_length=16, choices=Outcome.choices, blank=True)

    objects = TargetQuerySet.as_manager()
    # The household's cohorts at build time: "disability" among them is health data.
    sensitive_fields = ("cohorts",)

    class Meta:
        verbose_name = _("ménage à appeler")
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "campaign", "household"], name="target_unique_household"
            )
        ]
        indexes = [
            # Queue order with its tie-break (id): an index walk, never a sort of the queue.
            models.Index(
                fields=["campaign", "status", "priority", "due_at", "id"], name="target_queue_order"
            ),
            models.Index(fields=["campaign", "claimed_by"], name="target_claims"),
            # A caller's own callbacks, looked up at each claim.
            models.Index(fields=["campaign", "preferred_caller"], name="target_preferred"),
        ]

    def __str__(self) -> str:
        return f"{self.campaign_id}:{self.household_id}"

    def is_claimed_by(self, user: Any, now: Any = None) -> bool:
        now = now or timezone.now()
        return (
            self.claimed_by_id == getattr(user, "pk", None)
            and self.claim_expires_at is not None
            and self.claim_expires_at > now
        )


class AttemptQuerySet(ScopedQuerySet):
    def sensitive_rows(self) -> models.Q:
        return _has_health_wave("target__campaign")


class Attempt(OrganisationOwned):
    """One call to a household: who called, when, what happened, what was said."""

    # Append-only, with its own time: no created/modified stamps.
    created_at = None  # type: ignore[assignment]
    updated_at = None  # type: ignore[assignment]

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="attempts")
    target = models.ForeignKey(Target, on_delete=models.CASCADE, related_name="attempts")
    caller = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    started_at = models.DateTimeField()
    ended_at = models.DateTimeField()
    result = models.CharField(_("résultat"), max_length=12, choices=AttemptResult.choices)
    outcome = models.CharField(_("issue"), max_length=16, choices=Outcome.choices, blank=True)
    needs = models.JSONField(_("besoins signalés"), default=list, blank=True)
    answers = models.JSONField(_("réponses à la trame"), default=dict, blank=True)
    # Free notes may hold health details: shown only with call.notes_view, never journaled.
    notes = models.TextField(_("notes"), blank=True)
    callback_at = models.DateTimeField(_("à rappeler le"), null=True, blank=True)

    objects = AttemptQuerySet.as_manager()

    class Meta:
        ordering = ["-started_at", "-id"]
        verbose_name = _("appel")
        # Covers the per-caller figures of the dashboard (counts by result and outcome): with
        # millions of attempts the database reads the index alone, never the table.
        indexes = [
            models.Index(
                fields=["campaign", "caller", "result", "outcome"],
                include=["id"],  # PostgreSQL; SQLite indexes carry the rowid anyway
                name="attempt_caller_result",
            )
        ]

    def __str__(self) -> str:
        return f"{self.target_id} {self.result}"


class NeedQuerySet(ScopedQuerySet):
    def sensitive_rows(self) -> models.Q:
        # A health, medication or psychological-support need says the household's health.
        return models.Q(kind__in=SENSITIVE_NEEDS)


class Need(OrganisationOwned):
    """A need a household expressed during a call (courses, portage de repas…), to follow up."""

    household = models.ForeignKey(
        "housing.Household", on_delete=models.CASCADE, related_name="needs"
    )
    attempt = models.ForeignKey(
        Attempt, null=True, blank=True, on_delete=models.SET_NULL, related_name="raised_needs"
    )
    kind = models.CharField(_("besoin"), max_length=30, choices=NeedKind.choices)
    status = models.CharField(
        _("statut"), max_length=10, choices=NeedStatus.choices, default=NeedStatus.OPEN
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    resolved_at = models.DateTimeField(null=True, blank=True)

    objects = NeedQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("besoin")
        indexes = [
            models.Index(fields=["organisation", "status", "kind"], name="need_status"),
            # The reports' needs of a period (dashboard, needs map): found by creation date and
            # counted from the index alone (bench/bench_reports.py, docs/performance.md).
            models.Index(
                fields=["organisation", "created_at", "household", "kind", "status", "resolved_at"],
                name="need_created",
            ),
        ]

    def __str__(self) -> str:
        return self.get_kind_display()


class PausedCaller(OrganisationOwned):
    """A caller the manager has paused on a campaign: the queue gives them nothing."""

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="+")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "campaign", "user"], name="paused_caller_unique"
            )
        ]


class CampaignCounter(OrganisationOwned):
    """A running tally of one caller's calls in a campaign, for the stats and the dashboard.

    Figures only, never a person's data. One row per (caller, metric, result, outcome, need):
    `attempts` rows count calls by result and outcome, `needs` rows count needs raised by kind,
    the `not_reached` row counts the not-reached households this caller tried. Kept true by
    the services that record, change or erase calls (vigie/campaigns/counters.py), in their
    own transaction; `vigie rebuild_counters` recounts them from the calls (decision 0008).
    Keyed by caller so that two callers recording at once never update the same row.
    """

    # Append-only, with its own time: no created/modified stamps.
    created_at = None  # type: ignore[assignment]
    updated_at = None  # type: ignore[assignment]

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="counters")
    # NULL once the caller's account is deleted (as Attempt.caller): the rows then add up.
    caller = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    metric = models.CharField(max_length=12, choices=CounterMetric.choices)
    result = models.CharField(max_length=12, choices=AttemptResult.choices, blank=True)
    outcome = models.CharField(max_length=16, choices=Outcome.choices, blank=True)
    need = models.CharField(max_length=30, choices=NeedKind.choices, blank=True)
    count = models.BigIntegerField(default=0)

    class Meta:
        verbose_name = _("compteur de campagne")
        constraints = [
            models.UniqueConstraint(
                fields=[
                    "organisation",
                    "campaign",
                    "caller",
                    "metric",
                    "result",
                    "outcome",
                    "need",
                ],
                name="campaign_counter_key",
            )
        ]

    def __str__(self) -> str:
        return f"{self.campaign_id}:{self.caller_id}:{self.metric}={self.count}"


class CallerSettings(models.Model):
    """A caller's own console settings (issue #12 §2); absent means the defaults.

    `auto_next`: after "Enregistrer", the next household comes by itself. `shortcuts`: the
    single-key shortcuts (WCAG 2.1.4 asks that they can be turned off: speech input or a
    slip of the hand would fire them).
    """

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="caller_settings"
    )
    auto_next = models.BooleanField(_("appel suivant automatique"), default=True)
    shortcuts = models.BooleanField(_("raccourcis à une touche"), default=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("réglages de la console")


class CampaignBuild(OrganisationOwned):
    """One build of a campaign's list, run in the background (issue #12 §9).

    The page polls it for the progress bar: `step` of `steps` phases, `phase` saying which in
    words. `result` holds the counts the build returns; `error` a French sentence on failure.
    Figures only, never a person's data.
    """

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="builds")
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    status = models.CharField(max_length=8, choices=BuildStatus.choices, default=BuildStatus.QUEUED)
    step = models.PositiveSmallIntegerField(default=0)
    steps = models.PositiveSmallIntegerField(default=1)
    phase = models.CharField(max_length=200, blank=True)
    result = models.JSONField(default=dict, blank=True)
    error = models.TextField(blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("construction de liste")
        indexes = [models.Index(fields=["campaign", "-created_at"], name="campaign_build_recent")]

    @property
    def percent(self) -> int:
        if self.status == BuildStatus.DONE:
            return 100
        return min(99, round(100 * self.step / self.steps)) if self.steps else 0

    @property
    def finished(self) -> bool:
        return self.status in (BuildStatus.DONE, BuildStatus.FAILED)
