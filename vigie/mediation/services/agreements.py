"""Conventions between the centre and the landlords it serves; practitioners' disciplines."""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from vigie.core.errors import DomainError
from vigie.core.models import Organisation, OrganisationKind
from vigie.core.services import audit_log
from vigie.mediation.choices import Discipline, Terms
from vigie.mediation.models import PractitionerDiscipline, ServiceAgreement

if TYPE_CHECKING:
    from vigie.accounts.models import User


@transaction.atomic
def agreement_create(
    *,
    actor: User | None,
    centre: Organisation,
    landlord: Organisation,
    starts_on: date | None = None,
    ends_on: date | None = None,
    terms: str = Terms.PER_CASE,
) -> ServiceAgreement:
    """Link a centre to a landlord it serves (the command, or the director's page)."""
    if centre.kind != OrganisationKind.MEDIATION_CENTRE:
        raise DomainError(
            _("« %(org)s » n'est pas un centre de médiation.") % {"org": centre.slug},
            field="centre",
        )
    if landlord.kind != OrganisationKind.LANDLORD:
        raise DomainError(
            _("« %(org)s » n'est pas un bailleur.") % {"org": landlord.slug}, field="landlord"
        )
    if terms not in Terms.values:
        raise DomainError(_("Modalités inconnues : « %(t)s ».") % {"t": terms}, field="terms")
    if ServiceAgreement.objects.filter(organisation=centre, landlord=landlord).exists():
        raise DomainError(
            _("Le centre %(centre)s sert déjà le bailleur %(landlord)s.")
            % {"centre": centre.name, "landlord": landlord.name},
            field="landlord",
        )
    agreement = ServiceAgreement.objects.create(
        organisation=centre,
        landlord=landlord,
        starts_on=starts_on or timezone.localdate(),
        ends_on=ends_on,
        terms=terms,
    )
    audit_log(
        actor=actor,
        action="mediation.agreement_created",
        obj=agreement,
        payload={"landlord": landlord.slug, "terms": terms},
    )
    return agreement


def disciplines_set(*, centre: Organisation, user: User, disciplines: list[str]) -> list[str]:
    """Give a practitioner of the centre these disciplines (added to those they have)."""
    unknown = [d for d in disciplines if d not in Discipline.values]
    if unknown:
        raise DomainError(
            _("Discipline inconnue : « %(code)s » (codes : %(codes)s).")
            % {"code": unknown[0], "codes": ", ".join(Discipline.values)},
            field="discipline",
        )
    for code in disciplines:
        PractitionerDiscipline.objects.get_or_create(
            organisation=centre, user=user, discipline=code
        )
    return sorted(
        PractitionerDiscipline.objects.filter(organisation=centre, user=user).values_list(
            "discipline", flat=True
        )
    )
