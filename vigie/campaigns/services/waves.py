"""Waves: what a wave selects (cohorts, custom filters), and adding, changing or pausing one."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING, Any

from django.db import transaction
from django.db.models import Exists, OuterRef, Q
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from vigie.campaigns.models import (
    Attempt,
    Campaign,
    Target,
    Wave,
    selects_health_data,
)
from vigie.campaigns.services.common import (
    CampaignInputError,
    check_editable,
    require_health_right,
    require_manage,
)
from vigie.core.errors import ConflictError
from vigie.core.services import audit_log
from vigie.housing.choices import ADULT_ROLES, Cohort
from vigie.housing.cohorts import cohort_q, years_before
from vigie.housing.models import Commune, Occupant

if TYPE_CHECKING:
    from vigie.accounts.models import User

# Custom filter keys a wave accepts, and their type.
FILTER_KEYS: dict[str, type] = {
    "age_min": int,  # oldest adult aged at least … on the as-of date
    "age_max": int,  # oldest adult aged at most …
    "adults_min": int,
    "adults_max": int,
    "children_min": int,
    "children_max": int,
    "disability": bool,
    "agency_ids": list,
    "residence_ids": list,
    "communes": list,  # INSEE codes
    "priority_neighbourhood": bool,
    "without_phone": bool,
}


@dataclass(frozen=True)
class WaveSpec:
    name: str
    priority: int
    cohorts: list[str]
    filters: dict[str, Any]


RANGES = (("age_min", "age_max"), ("adults_min", "adults_max"), ("children_min", "children_max"))


def _check_ranges(filters: dict[str, Any], where: str) -> None:
    """No negative bound, and no minimum above its maximum (the wave would select nobody)."""
    for key in ("age_min", "age_max", "adults_min", "adults_max", "children_min", "children_max"):
        value = filters.get(key)
        if isinstance(value, int) and not isinstance(value, bool) and not 0 <= value <= 150:
            raise CampaignInputError(
                _("%(where)s : « %(value)s » n'est pas une valeur possible (de 0 à 150).")
                % {"where": where, "value": value},
                field=key,
            )
    for low, high in RANGES:
        lo, hi = filters.get(low), filters.get(high)
        if isinstance(lo, int) and isinstance(hi, int) and lo > hi:
            raise CampaignInputError(
                _(
                    "%(where)s : le minimum (%(low)s) dépasse le maximum (%(high)s) : "
                    "aucun ménage ne serait choisi. Inversez-les ou corrigez-en un."
                )
                % {"where": where, "low": lo, "high": hi},
                field=high,
            )


def _check_communes(filters: dict[str, Any], where: str) -> None:
    """Communes are INSEE codes of known communes (five characters: 31555, 2A004)."""
    codes = filters.get("communes")
    if not isinstance(codes, list) or not codes:
        return
    codes = [str(c).strip().upper() for c in codes]
    known = set(Commune.objects.filter(insee_code__in=codes).values_list("insee_code", flat=True))
    unknown = [c for c in codes if c not in known]
    if unknown:
        raise CampaignInputError(
            ngettext(
                "%(where)s : « %(codes)s » n'est pas le code INSEE d'une commune connue "
                "(cinq caractères, par exemple 31555 pour Toulouse ; le code postal ne convient pas).",
                "%(where)s : « %(codes)s » ne sont pas des codes INSEE de communes connues "
                "(cinq caractères, par exemple 31555 pour Toulouse ; le code postal ne convient pas).",
                len(unknown),
            )
            % {"where": where, "codes": ", ".join(unknown)},
            field="communes",
        )
    filters["communes"] = codes


def wave_spec(raw: dict[str, Any] | WaveSpec, index: int) -> WaveSpec:
    if isinstance(raw, WaveSpec):
        raw = {
            "name": raw.name,
            "priority": raw.priority,
            "cohorts": raw.cohorts,
            "filters": raw.filters,
        }
    where = _("vague %(number)s") % {"number": index + 1}
    cohorts = [str(c) for c in (raw.get("cohorts") or [])]
    unknown = [c for c in cohorts if c not in Cohort.values]
    if unknown:
        raise CampaignInputError(
            _("%(where)s : cohorte inconnue « %(cohort)s » (attendu : %(expected)s).")
            % {"where": where, "cohort": unknown[0], "expected": ", ".join(Cohort.values)}
        )
    filters = dict(raw.get("filters") or {})
    for key, value in filters.items():
        expected = FILTER_KEYS.get(key)
        if expected is None:
            raise CampaignInputError(
                _("%(where)s : filtre inconnu « %(key)s » (attendu : %(expected)s).")
                % {"where": where, "key": key, "expected": ", ".join(FILTER_KEYS)}
            )
        ok = isinstance(value, expected) and not (expected is int and isinstance(value, bool))
        if not ok:
            raise CampaignInputError(
                _("%(where)s : le filtre « %(key)s » a une valeur invalide (%(value)s).")
                % {"where": where, "key": key, "value": repr(value)}
            )
    _check_ranges(filters, where)
    _check_communes(filters, where)
    try:
        priority = int(raw.get("priority", 1))
    except (TypeError, ValueError):
        raise CampaignInputError(
            _("%(where)s : la priorité doit être un nombre entier (1 = appelée en premier).")
            % {"where": where}
        )
    if priority < 1:
        raise CampaignInputError(
            _("%(where)s : la priorité doit valoir 1 ou plus (1 = appelée en premier).")
            % {"where": where}
        )
    name = str(raw.get("name") or "").strip()
    if not name:
        name = ", ".join(str(Cohort(c).label) for c in cohorts) or _("Vague %(number)s") % {
            "number": index + 1
        }
    return WaveSpec(name=name[:150], priority=priority, cohorts=cohorts, filters=filters)


def wave_filter_q(filters: dict[str, Any], as_of: date) -> Q:
    """The register filter of a wave's custom criteria (Household field paths)."""
    q = Q()
    f = filters
    if "age_min" in f:
        q &= Q(oldest_adult_birth_date__lte=years_before(as_of, f["age_min"]))
    if "age_max" in f:
        q &= Q(oldest_adult_birth_date__gt=years_before(as_of, f["age_max"] + 1))
    for key, lookup in (
        ("adults_min", "adults__gte"),
        ("adults_max", "adults__lte"),
        ("children_min", "children__gte"),
        ("children_max", "children__lte"),
    ):
        if key in f:
            q &= Q(**{lookup: f[key]})
    if "disability" in f:
        q &= Q(has_disability=f["disability"])
    if f.get("agency_ids"):
        q &= Q(dwelling__residence__agency_id__in=f["agency_ids"])
    if f.get("residence_ids"):
        q &= Q(dwelling__residence_id__in=f["residence_ids"])
    if f.get("communes"):
        q &= Q(dwelling__commune_id__in=f["communes"])
    if "priority_neighbourhood" in f:
        q &= Q(dwelling__residence__priority_neighbourhood=f["priority_neighbourhood"])
    if "without_phone" in f:
        q &= Q(has_phone=not f["without_phone"])
    return q


def wave_q(wave: Wave | WaveSpec, as_of: date) -> Q:
    """Households a wave selects: in any of its cohorts (all if none), and its filters."""
    q = Q()
    for c in wave.cohorts:
        q |= cohort_q(c, as_of)
    return q & wave_filter_q(wave.filters, as_of)


def opted_out_q() -> Q:
    """The household opposed calls, or every adult in it did."""
    adult_willing = Occupant.objects.filter(
        household=OuterRef("pk"), role__in=ADULT_ROLES, opted_out=False
    )
    return Q(opted_out=True) | (Q(adults__gt=0) & ~Q(Exists(adult_willing)))


@transaction.atomic
def wave_add(*, actor: User | None, campaign: Campaign, wave: dict[str, Any]) -> Wave:
    """Add a wave; rebuild the campaign to fill it."""
    require_manage(actor, campaign)
    check_editable(campaign)
    spec = wave_spec(wave, campaign.waves.count())
    require_health_right(actor, campaign.organisation_id, spec)
    if campaign.waves.filter(name=spec.name).exists():
        raise CampaignInputError(_("Une vague s'appelle déjà « %(name)s ».") % {"name": spec.name})
    w = Wave.objects.create(
        organisation_id=campaign.organisation_id,
        campaign=campaign,
        name=spec.name,
        priority=spec.priority,
        cohorts=spec.cohorts,
        filters=spec.filters,
    )
    audit_log(
        actor=actor, action="wave.added", obj=w, payload={"campaign": campaign.pk, "name": w.name}
    )
    return w


@transaction.atomic
def wave_update(*, actor: User | None, wave: Wave, changes: dict[str, Any]) -> Wave:
    """Change a wave's name, priority, cohorts or filters.

    The priority takes effect in the queue at once; new cohorts/filters at the next build
    (households already placed stay in their wave).
    """
    campaign = wave.campaign
    require_manage(actor, campaign)
    check_editable(campaign)
    merged = {
        "name": wave.name,
        "priority": wave.priority,
        "cohorts": wave.cohorts,
        "filters": wave.filters,
    }
    merged.update({k: v for k, v in changes.items() if k in merged})
    spec = wave_spec(merged, 0)
    if wave.selects_health_data or selects_health_data(spec.cohorts, spec.filters):
        require_health_right(actor, campaign.organisation_id, spec, force=True)
    if spec.name != wave.name and campaign.waves.filter(name=spec.name).exists():
        raise CampaignInputError(_("Une vague s'appelle déjà « %(name)s ».") % {"name": spec.name})
    wave.name, wave.priority, wave.cohorts, wave.filters = (
        spec.name,
        spec.priority,
        spec.cohorts,
        spec.filters,
    )
    wave.save()
    Target.objects.filter(wave=wave).exclude(priority=wave.priority).update(priority=wave.priority)
    audit_log(actor=actor, action="wave.updated", obj=wave, payload={"fields": sorted(changes)})
    return wave


@transaction.atomic
def wave_remove(*, actor: User | None, wave: Wave) -> None:
    """Remove a wave that has no call recorded yet (its households leave the list)."""
    campaign = wave.campaign
    require_manage(actor, campaign)
    check_editable(campaign)
    if Attempt.objects.filter(target__wave=wave).exists():
        raise ConflictError(
            _(
                "Des appels ont déjà été passés dans la vague « %(name)s » : mettez-la en pause plutôt que de la supprimer."
            )
            % {"name": wave.name}
        )
    if campaign.waves.count() == 1:
        raise ConflictError(_("Une campagne garde au moins une vague."))
    audit_log(actor=actor, action="wave.removed", obj=campaign, payload={"wave": wave.name})
    wave.delete()


@transaction.atomic
def wave_set_paused(*, actor: User | None, wave: Wave, paused: bool) -> Wave:
    """Pause or resume one wave: its households stay in the list but are not handed out."""
    require_manage(actor, wave.campaign)
    check_editable(wave.campaign)
    if wave.paused != paused:
        wave.paused = paused
        wave.save(update_fields=["paused"])
        audit_log(actor=actor, action="wave.paused" if paused else "wave.resumed", obj=wave)
    return wave
