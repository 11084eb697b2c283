"""The partner directory: adding and changing partners, the commune's CCAS in one click."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.db import transaction
from django.utils.text import slugify
from django.utils.translation import gettext as _

from vigie.actions.choices import (
    CCAS_DEFAULT_SERVICES,
    SERVICE_CODES,
    PartnerKind,
)
from vigie.actions.models import (
    Partner,
    PartnerCommune,
)
from vigie.actions.services.common import (
    ActionInputError,
    require_org,
)
from vigie.core.errors import ConflictError
from vigie.core.models import Organisation, OrganisationKind
from vigie.core.permissions import Perm
from vigie.core.services import audit_log
from vigie.core.templatetags.vigie import de
from vigie.core.transitions import check_version
from vigie.housing.models import Commune

if TYPE_CHECKING:
    from vigie.accounts.models import User


def _clean_services(services: list[str]) -> list[str]:
    bad = [s for s in services if s not in SERVICE_CODES]
    if bad:
        raise ActionInputError(
            _("Service inconnu « %(value)s » (attendu : %(expected)s).")
            % {"value": bad[0], "expected": ", ".join(sorted(SERVICE_CODES))}
        )
    return list(dict.fromkeys(services))


def _set_communes(partner: Partner, insee_codes: list[str]) -> None:
    codes = list(dict.fromkeys(c.strip() for c in insee_codes if c.strip()))
    found = set(Commune.objects.filter(insee_code__in=codes).values_list("insee_code", flat=True))
    missing = [c for c in codes if c not in found]
    if missing:
        raise ActionInputError(_("Code INSEE inconnu : « %(code)s ».") % {"code": missing[0]})
    PartnerCommune.objects.filter(partner=partner).exclude(commune_id__in=codes).delete()
    have = set(PartnerCommune.objects.filter(partner=partner).values_list("commune_id", flat=True))
    PartnerCommune.objects.bulk_create(
        PartnerCommune(organisation_id=partner.organisation_id, partner=partner, commune_id=c)
        for c in codes
        if c not in have
    )


def _partner_org(name: str, slug_hint: str = "") -> Organisation:
    base = slugify(slug_hint or name)[:50] or "partenaire"
    slug, n = base, 1
    while Organisation.objects.filter(slug=slug).exists():
        n += 1
        slug = f"{base}-{n}"
    return Organisation.objects.create(slug=slug, name=name, kind=OrganisationKind.PARTNER)


PARTNER_FIELDS = (
    "name",
    "kind",
    "address",
    "phone",
    "email",
    "notification_email",
    "contacts",
    "opening_hours",
    "active",
)


@transaction.atomic
def partner_create(
    *,
    actor: User | None,
    organisation: Organisation,
    name: str,
    kind: str,
    services: list[str],
    communes: list[str] = (),  # type: ignore[assignment]
    partner_organisation: Organisation | None = None,
    **fields: Any,
) -> Partner:
    """Add a partner to a landlord's directory (creating its organisation if it is new)."""
    require_org(
        actor,
        Perm.PARTNER_MANAGE,
        organisation.pk,
        _("Seul·e un·e responsable des partenariats de ce bailleur peut modifier l'annuaire."),
    )
    name = (name or "").strip()
    if not name:
        raise ActionInputError(_("Donnez le nom du partenaire."))
    if kind not in PartnerKind.values:
        raise ActionInputError(_("Type de partenaire inconnu « %(kind)s ».") % {"kind": kind})
    if partner_organisation is None:
        partner_organisation = _partner_org(name)
    elif partner_organisation.kind != OrganisationKind.PARTNER:
        raise ActionInputError(
            _("« %(organisation)s » n'est pas une organisation partenaire.")
            % {"organisation": partner_organisation}
        )
    if Partner.objects.filter(
        organisation=organisation, partner_organisation=partner_organisation
    ).exists():
        raise ConflictError(
            _("« %(organisation)s » est déjà dans votre annuaire.")
            % {"organisation": partner_organisation}
        )
    partner = Partner.objects.create(
        organisation=organisation,
        partner_organisation=partner_organisation,
        name=name,
        kind=kind,
        services=_clean_services(list(services)),
        **{k: v for k, v in fields.items() if k in PARTNER_FIELDS},
    )
    _set_communes(partner, list(communes))
    audit_log(actor=actor, action="partner.created", obj=partner, payload={"kind": kind})
    return partner


@transaction.atomic
def partner_update(
    *,
    actor: User | None,
    partner: Partner,
    version: int | None,
    services: list[str] | None = None,
    communes: list[str] | None = None,
    **fields: Any,
) -> Partner:
    require_org(
        actor,
        Perm.PARTNER_MANAGE,
        partner.organisation_id,
        _("Seul·e un·e responsable des partenariats de ce bailleur peut modifier l'annuaire."),
    )
    partner = Partner.objects.select_for_update().get(pk=partner.pk)
    check_version(partner, version, _("Le partenaire « %(name)s »") % {"name": partner.name})
    changed = []
    for key, value in fields.items():
        if key in PARTNER_FIELDS and getattr(partner, key) != value:
            setattr(partner, key, value)
            changed.append(key)
    if services is not None:
        partner.services = _clean_services(list(services))
        changed.append("services")
    if not partner.name.strip():
        raise ActionInputError(_("Donnez le nom du partenaire."))
    if partner.kind not in PartnerKind.values:
        raise ActionInputError(
            _("Type de partenaire inconnu « %(kind)s ».") % {"kind": partner.kind}
        )
    partner.version += 1
    partner.save()
    if communes is not None:
        _set_communes(partner, communes)
        changed.append("communes")
    audit_log(actor=actor, action="partner.updated", obj=partner, payload={"fields": changed})
    return partner


@transaction.atomic
def partner_create_ccas(
    *, actor: User | None, organisation: Organisation, commune: Commune
) -> Partner:
    """One click: the commune's CCAS, from the reference data (town hall address, phone, e-mail).

    The CCAS is one organisation shared by every landlord that works with it (slug
    `ccas-<INSEE>`), so that its workers see the referrals of all of them in one place.
    """
    ccas, _created = Organisation.objects.get_or_create(
        slug=f"ccas-{commune.insee_code}",
        defaults={
            "name": _("CCAS %(of_commune)s") % {"of_commune": de(commune.name)},
            "kind": OrganisationKind.PARTNER,
        },
    )
    return partner_create(
        actor=actor,
        organisation=organisation,
        partner_organisation=ccas,
        name=_("CCAS %(of_commune)s") % {"of_commune": de(commune.name)},
        kind=PartnerKind.CCAS,
        services=CCAS_DEFAULT_SERVICES,
        communes=[commune.insee_code],
        address=commune.town_hall_address,
        phone=commune.town_hall_phone,
        email=commune.town_hall_email,
        notification_email=commune.town_hall_email,
    )
