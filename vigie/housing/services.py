"""Writes of the register. The import lives in `importing.py`; it uses the same helpers."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

from django.db import transaction
from django.utils.translation import gettext as _

from vigie.core.errors import ConflictError, DomainError
from vigie.core.services import audit_log
from vigie.core.text import fold
from vigie.housing.choices import ADULT_ROLES, OccupantRole
from vigie.housing.models import Household, Occupant
from vigie.housing.phones import parse_phone


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
    """Folded text a household is found by: references, names, phones, address."""
    dwelling = household.dwelling
    parts = [household.reference, dwelling.reference, dwelling.address, dwelling.postcode]
    for o in occupants:
        parts += [o.last_name, o.first_name, o.email]
        for p in (o.phone, o.phone_2):
            if p:
                parts.append(p)
                if p.startswith("+33"):
                    parts.append("0" + p[3:])
    return fold(" ".join(x for x in parts if x))


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


def household_refresh_composition(household: Household) -> None:
    """Recompute the derived fields after any change to the occupants."""
    occupants = list(household.occupants.all())
    household_apply_composition(household, occupants)
    Household.objects.filter(pk=household.pk).update(
        **{f: getattr(household, f) for f in COMPOSITION_FIELDS}
    )


@transaction.atomic
def occupant_update_contact(
    *, actor, occupant: Occupant, version: int, phone: str, phone_2: str, email: str
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
