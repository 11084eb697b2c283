"""Writes of the register. The import lives in `importing.py`; it uses the same helpers."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING, Any

from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from vigie.core.errors import ConflictError, DomainError, PermissionDeniedError
from vigie.core.permissions import DENIED_SENTENCES, Perm
from vigie.core.phones import parse_phone
from vigie.core.services import audit_log
from vigie.housing.choices import ADULT_ROLES, ImportStatus, OccupantRole
from vigie.housing.models import Household, ImportRun, Occupant

if TYPE_CHECKING:
    from vigie.accounts.models import User


@dataclass(frozen=True)
class Composition:
    adults: int
    children: int
    oldest_adult_birth_date: date | None
    has_disability: bool
    has_phone: bool


def composition_of(occupants: Iterable[Occupant]) -> Composition:
    """What the cohorts need to know of a household, derived from its occupants."""
    adults = children = 0
    oldest: date | None = None
    disability = phone = False
    for o in occupants:
        if o.role in ADULT_ROLES:
            adults += 1
            if o.birth_date and (oldest is None or o.birth_date < oldest):
                oldest = o.birth_date
        elif o.role == OccupantRole.CHILD:
            children += 1
        disability = disability or o.disability
        phone = phone or bool(o.usable_phones)
    return Composition(adults, children, oldest, disability, phone)


def search_text_of(household: Household, occupants: Iterable[Occupant]) -> str:
    """Normalised text a household is found by (housing/search.py): names, address, commune,
    residence, references, phones, e-mails."""
    from vigie.housing.search import search_text

    dwelling = household.dwelling
    occupants = list(occupants)
    return search_text(
        names=[x for o in occupants for x in (o.last_name, o.first_name)],
        address=dwelling.address,
        commune=dwelling.commune.name if dwelling.commune_id else "",
        postcode=dwelling.postcode,
        residence=dwelling.residence.name,
        references=[household.reference, dwelling.reference],
        phones=[p for o in occupants for p in (o.phone, o.phone_2) if p],
        emails=[o.email for o in occupants],
    )


def household_apply_composition(household: Household, occupants: list[Occupant]) -> None:
    c = composition_of(occupants)
    household.adults = c.adults
    household.children = c.children
    household.oldest_adult_birth_date = c.oldest_adult_birth_date
    household.has_disability = c.has_disability
    household.has_phone = c.has_phone
    household.search_text = search_text_of(household, occupants)


COMPOSITION_FIELDS = [
    "adults",
    "children",
    "oldest_adult_birth_date",
    "has_disability",
    "has_phone",
    "search_text",
]


def refresh_households_search_text(households: Any) -> int:
    """Write again the `search_text` of `households` (a queryset) after a change the import
    does not make itself — a residence renamed by hand, say — so that the search finds them by
    the new words. Returns how many were written."""
    n = 0
    qs = households.select_related("dwelling__commune", "dwelling__residence").prefetch_related(
        "occupants"
    )
    batch: list[Household] = []
    for h in qs.iterator(chunk_size=2000):
        h.search_text = search_text_of(h, h.occupants.all())
        batch.append(h)
        if len(batch) == 2000:
            n += Household.objects.bulk_update(batch, ["search_text"])
            batch = []
    if batch:
        n += Household.objects.bulk_update(batch, ["search_text"])
    return n


def household_refresh_composition(household: Household) -> None:
    """Recompute the derived fields after any change to the occupants."""
    occupants = list(household.occupants.all())
    household_apply_composition(household, occupants)
    Household.objects.filter(pk=household.pk).update(
        **{f: getattr(household, f) for f in COMPOSITION_FIELDS}
    )


@transaction.atomic
def occupant_update_contact(
    *, actor: User | None, occupant: Occupant, version: int, phone: str, phone_2: str, email: str
) -> Occupant:
    """Rectify an occupant's contact details; refuses a stale form (no lost updates)."""
    household = Household.objects.select_for_update().get(pk=occupant.household_id)
    if household.version != version:
        raise ConflictError(
            _(
                "Ce ménage a été modifié par quelqu'un d'autre depuis l'ouverture du formulaire : "
                "rechargez la page pour voir ses modifications."
            )
        )
    changes = {}
    for field, raw in (("phone", phone), ("phone_2", phone_2)):
        raw = raw.strip()
        parsed = parse_phone(raw) if raw else ""
        if raw and parsed is None:
            raise DomainError(
                _("« %(value)s » n'est pas un numéro de téléphone valide.") % {"value": raw},
                field=field,
            )
        if parsed != getattr(occupant, field):
            changes[field] = True
            setattr(occupant, field, parsed)
            setattr(occupant, f"{field}_to_check", False)
            if field == "phone":
                occupant.phone_wrong_number = False
    if email.strip():
        from django.core.exceptions import ValidationError
        from django.core.validators import validate_email

        try:
            validate_email(email.strip())
        except ValidationError:
            raise DomainError(
                _("« %(value)s » n'est pas une adresse e-mail valide.") % {"value": email.strip()},
                field="email",
            ) from None
    if email.strip() != occupant.email:
        occupant.email = email.strip()
        occupant.email_to_check = False
        changes["email"] = True
    occupant.save()
    Household.objects.filter(pk=household.pk).update(version=household.version + 1)
    household.version += 1
    household_refresh_composition(household)
    audit_log(
        actor=actor,
        action="occupant.contact_updated",
        obj=occupant,
        payload={"fields": sorted(changes)},
    )
    return occupant


def import_departures_undoable(run: ImportRun) -> bool:
    """Whether the run's page offers to undo its departures (the service checks the rest)."""
    return bool(
        run.status == ImportStatus.IMPORTED
        and run.full
        and run.departures_undone_at is None
        and (run.counts or {}).get("departed")
    )


@transaction.atomic
def import_undo_departures(*, actor: User | None, run: ImportRun) -> int:
    """Make the households a full import marked departed active again, as they were before it.

    The departure changed nothing else on them (composition and cohort fields are kept), so
    clearing it restores their cohorts exactly. Refused — nothing changed — if the run departed
    nobody or was already undone, or if a household it departed changed since in a way the
    undo would overwrite: re-imported (back, or departed by another run), anonymised, or its
    dwelling let to a new lease. Their targets in call campaigns stay "parti": the households
    return to a queue when the campaign is rebuilt. Returns the number of households restored.
    """
    run = ImportRun.objects.select_for_update().get(pk=run.pk)
    if actor is not None and not actor.has_org_perm(Perm.IMPORT_RUN, run.organisation_id):
        raise PermissionDeniedError(DENIED_SENTENCES[Perm.IMPORT_RUN])
    departed = int((run.counts or {}).get("departed") or 0)
    if run.status != ImportStatus.IMPORTED or not run.full or not departed:
        raise ConflictError(
            _("L'import n° %(run)s n'a marqué aucun bail parti : il n'y a rien à annuler.")
            % {"run": run.pk}
        )
    if run.departures_undone_at is not None:
        raise ConflictError(
            _("Les départs de l'import n° %(run)s ont déjà été annulés le %(date)s.")
            % {
                "run": run.pk,
                "date": timezone.localtime(run.departures_undone_at).strftime("%d/%m/%Y %H:%M"),
            }
        )
    households = Household.objects.filter(departed_by_run=run)
    still = households.filter(departed_on__isnull=False, anonymised_on__isnull=True).count()
    if still != departed:
        raise ConflictError(
            _(
                "Impossible d'annuler les départs de l'import n° %(run)s : %(changed)s des "
                "%(departed)s ménages qu'il a marqués partis ont changé depuis (réimportés par "
                "un import ultérieur, ou anonymisés). Rien n'a été modifié."
            )
            % {"run": run.pk, "changed": departed - still, "departed": departed}
        )
    # A lease created in one of their dwellings by this import or after it: the tenant did go.
    relet = Household.objects.filter(
        organisation_id=run.organisation_id,
        dwelling_id__in=households.values("dwelling_id"),
        created_at__gte=run.started_at,
    ).count()
    if relet:
        raise ConflictError(
            _(
                "Impossible d'annuler les départs de l'import n° %(run)s : %(relet)s des "
                "logements de ces ménages ont un nouveau bail, créé par cet import ou après. "
                "Rien n'a été modifié."
            )
            % {"run": run.pk, "relet": relet}
        )
    now = timezone.now()
    restored = households.update(
        departed_on=None, departed_by_run=None, version=F("version") + 1, updated_at=now
    )
    run.departures_undone_at = now
    run.departures_undone_by = actor if getattr(actor, "pk", None) else None
    run.save(update_fields=["departures_undone_at", "departures_undone_by"])
    audit_log(
        actor=actor,
        action="import.departures_undone",
        obj=run,
        organisation=run.organisation_id,
        payload={"households": restored},
    )
    return restored
