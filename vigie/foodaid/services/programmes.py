"""Programmes and enrolments: written by the landlord's managers."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, timedelta
from typing import TYPE_CHECKING

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from vigie.core.errors import ConflictError
from vigie.core.models import Organisation, OrganisationKind
from vigie.core.services import audit_log
from vigie.foodaid.choices import DeliveryReason, EnrolmentStatus, Mode, PartnerRole
from vigie.foodaid.models import Enrolment, Programme, ProgrammeFunder, ProgrammePartner
from vigie.foodaid.permissions import FOODAID_MANAGE
from vigie.foodaid.services.common import FoodAidInputError, require_manage
from vigie.housing.models import Household, Residence

if TYPE_CHECKING:
    from vigie.accounts.models import User

NAME_MAX = 200


def _day(d: date) -> str:
    return d.strftime("%d/%m/%Y")


@transaction.atomic
def programme_create(
    *,
    actor: User | None,
    organisation: Organisation,
    name: str,
    starts_on: date,
    ends_on: date,
    sites: Iterable[int],
    partners: Iterable[str | tuple[str, str]] = (),
    funders: Iterable[str | tuple[str, str]] = (),
    place: str = "",
    basket: str = "",
    parcels_per_household: int = 1,
    free: bool = True,
    contribution: str = "",
    places_limit: int | None = None,
) -> Programme:
    """A programme of the landlord `organisation`, run with its partners (organisation slugs,
    or (slug, role) pairs), paid by its funders (names, or (name, funder org slug) pairs)."""
    if actor is not None and not actor.has_org_perm(FOODAID_MANAGE, organisation.pk):
        from vigie.core.errors import PermissionDeniedError

        raise PermissionDeniedError(
            _("Seul·e un·e responsable du bailleur crée un programme d'aide alimentaire.")
        )
    name = (name or "").strip()
    if not name:
        raise FoodAidInputError(_("Donnez un nom au programme."), field="name")
    if len(name) > NAME_MAX:
        raise FoodAidInputError(
            _("Le nom du programme dépasse %(max)s caractères (%(n)s).")
            % {"max": NAME_MAX, "n": len(name)},
            field="name",
        )
    if starts_on is None or ends_on is None:
        raise FoodAidInputError(_("Donnez la période du programme (début et fin)."))
    if ends_on < starts_on:
        raise FoodAidInputError(
            _("La fin du programme (%(end)s) est avant son début (%(start)s).")
            % {"end": ends_on.strftime("%d/%m/%Y"), "start": starts_on.strftime("%d/%m/%Y")},
            field="ends_on",
        )
    if parcels_per_household is None or parcels_per_household < 0:
        raise FoodAidInputError(_("Le nombre de colis par ménage ne peut être négatif."))
    if places_limit is not None and places_limit < 1:
        raise FoodAidInputError(_("Le nombre de places doit être d'au moins 1 (ou vide)."))
    site_ids = sorted({int(s) for s in sites})
    residences = list(Residence.objects.filter(organisation=organisation, pk__in=site_ids))
    if len(residences) != len(site_ids):
        unknown = sorted(set(site_ids) - {r.pk for r in residences})
        raise FoodAidInputError(
            _("Résidence inconnue chez ce bailleur : %(ids)s.")
            % {"ids": ", ".join(str(i) for i in unknown)},
            field="sites",
        )
    if not residences and not place.strip():
        raise FoodAidInputError(
            _("Choisissez au moins une résidence desservie (ou un lieu de distribution)."),
            field="sites",
        )
    partner_rows: list[tuple[Organisation, str]] = []
    for entry in partners:
        slug, role = (entry, PartnerRole.DISTRIBUTION) if isinstance(entry, str) else entry
        if role not in PartnerRole.values:
            raise FoodAidInputError(_("Rôle de partenaire inconnu « %(role)s ».") % {"role": role})
        org = Organisation.objects.filter(slug=slug, kind=OrganisationKind.PARTNER).first()
        if org is None:
            raise FoodAidInputError(
                _(
                    "Partenaire inconnu « %(slug)s » (identifiant d'une association, d'une régie "
                    "ou d'un CCAS)."
                )
                % {"slug": slug},
                field="partners",
            )
        if any(o.pk == org.pk for o, _r in partner_rows):
            continue
        partner_rows.append((org, role))
    programme = Programme.objects.create(
        organisation=organisation,
        name=name,
        starts_on=starts_on,
        ends_on=ends_on,
        place=place.strip()[:200],
        basket=basket.strip(),
        parcels_per_household=parcels_per_household,
        free=free,
        contribution="" if free else contribution.strip()[:100],
        places_limit=places_limit,
        created_by=actor,
    )
    programme.sites.set(residences, through_defaults={"organisation_id": programme.organisation_id})
    for org, role in partner_rows:
        ProgrammePartner.objects.create(
            organisation=organisation, programme=programme, partner_organisation=org, role=role
        )
    for entry in funders:
        funder_name, funder_slug = (entry, "") if isinstance(entry, str) else entry
        funder_org = None
        if funder_slug:
            funder_org = Organisation.objects.filter(
                slug=funder_slug, kind=OrganisationKind.FUNDER
            ).first()
            if funder_org is None:
                raise FoodAidInputError(
                    _("Financeur inconnu « %(slug)s ».") % {"slug": funder_slug}, field="funders"
                )
        ProgrammeFunder.objects.create(
            organisation=organisation,
            programme=programme,
            name=(funder_name or (funder_org.name if funder_org else "")).strip()[:200],
            funder_organisation=funder_org,
        )
    audit_log(
        actor=actor,
        action="foodaid.programme_created",
        obj=programme,
        payload={"sites": site_ids, "partners": [o.slug for o, _r in partner_rows]},
    )
    return programme


def _lease_end(household: Household) -> date | None:
    """The last day of the household's lease: its end date, or the day before it left
    (the same reading as `HouseholdQuerySet.active_on`)."""
    ends = [household.end_date] if household.end_date else []
    if household.departed_on is not None:
        ends.append(household.departed_on - timedelta(days=1))
    return min(ends) if ends else None


def _lease_words(start: date | None, end: date | None) -> str:
    if start and end:
        return _("du %(start)s au %(end)s") % {"start": _day(start), "end": _day(end)}
    if start:
        return _("à partir du %(start)s") % {"start": _day(start)}
    return _("jusqu'au %(end)s") % {"end": _day(end)} if end else ""


@transaction.atomic
def enrolment_create(
    *,
    actor: User | None,
    programme: Programme,
    household: Household,
    consent_on: date | None,
    mode: str,
    delivery_reason: str = "",
    share_disability: bool = False,
) -> Enrolment:
    """Enrol a household with its consent (never automatic); past the places limit it goes on
    the waiting list."""
    require_manage(actor, programme)
    if household.organisation_id != programme.organisation_id:
        raise FoodAidInputError(_("Ce ménage n'est pas de ce bailleur."), field="household")
    if consent_on is None:
        raise FoodAidInputError(
            _(
                "Notez la date à laquelle le ménage a accepté que ses coordonnées soient "
                "transmises aux partenaires (consentement)."
            ),
            field="consent_on",
        )
    today = timezone.localdate()
    if consent_on > today:
        raise FoodAidInputError(
            _("La date de consentement (%(day)s) est dans le futur.")
            % {"day": consent_on.strftime("%d/%m/%Y")},
            field="consent_on",
        )
    lease_start, lease_end = household.start_date, _lease_end(household)
    if lease_start is not None and consent_on < lease_start:
        raise FoodAidInputError(
            _(
                "La date de consentement (%(day)s) est avant l'entrée du ménage dans son "
                "logement (bail du %(start)s)."
            )
            % {"day": _day(consent_on), "start": _day(lease_start)},
            field="consent_on",
        )
    if (lease_start is not None and lease_start > programme.ends_on) or (
        lease_end is not None and lease_end < programme.starts_on
    ):
        raise FoodAidInputError(
            _(
                "Le bail de ce ménage (%(lease)s) ne couvre aucun jour du programme (du "
                "%(start)s au %(end)s)."
            )
            % {
                "lease": _lease_words(lease_start, lease_end),
                "start": _day(programme.starts_on),
                "end": _day(programme.ends_on),
            },
            field="household",
        )
    if mode not in Mode.values:
        raise FoodAidInputError(
            _("Mode inconnu « %(mode)s » : « collect » (retrait) ou « delivery » (livraison).")
            % {"mode": mode},
            field="mode",
        )
    if delivery_reason not in DeliveryReason.values:
        raise FoodAidInputError(_("Motif de livraison inconnu."), field="delivery_reason")
    # A programme still running serves households still there; one already over is entered
    # afterwards (a distribution recorded later, the demo's lockdown): its lease then had to
    # overlap the programme (checked above), not to run today.
    if household.is_departed and programme.ends_on >= today:
        raise FoodAidInputError(_("Ce ménage a quitté son logement."), field="household")
    site_ids = set(programme.sites.values_list("pk", flat=True))
    if household.dwelling.residence_id not in site_ids:
        raise FoodAidInputError(
            _("Ce ménage n'habite pas une résidence desservie par le programme."),
            field="household",
        )
    # The programme row is locked so two enrolments cannot both take the last place.
    Programme.objects.select_for_update().filter(pk=programme.pk).first()
    if Enrolment.objects.filter(programme=programme, household=household).exists():
        raise ConflictError(_("Ce ménage est déjà inscrit à ce programme."))
    status = EnrolmentStatus.ENROLLED
    if programme.places_limit is not None:
        taken = Enrolment.objects.filter(
            programme=programme, status=EnrolmentStatus.ENROLLED
        ).count()
        if taken >= programme.places_limit:
            status = EnrolmentStatus.WAITING
    try:
        with transaction.atomic():
            enrolment = Enrolment.objects.create(
                organisation_id=programme.organisation_id,
                programme=programme,
                household=household,
                status=status,
                consent_on=consent_on,
                mode=mode,
                delivery_reason=delivery_reason if mode == Mode.DELIVERY else "",
                share_disability=bool(share_disability and mode == Mode.DELIVERY),
                enrolled_by=actor,
            )
    except IntegrityError:
        raise ConflictError(_("Ce ménage est déjà inscrit à ce programme.")) from None
    audit_log(
        actor=actor,
        action="foodaid.enrolled"
        if status == EnrolmentStatus.ENROLLED
        else "foodaid.waiting_listed",
        obj=enrolment,
        payload={"household": household.pk, "mode": mode},
    )
    return enrolment
