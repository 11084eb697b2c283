"""Referrals: a household's need sent to a partner, and the partner's answer."""

from __future__ import annotations

import functools
from datetime import datetime
from typing import TYPE_CHECKING

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from vigie.actions.choices import (
    OPEN_REFERRAL_STATUSES,
    REFERRAL_LANDLORD_MOVES,
    REFERRAL_NEEDS_REASON,
    REFERRAL_PARTNER_MOVES,
    ReferralStatus,
    TaskOrigin,
)
from vigie.actions.models import (
    Partner,
    Referral,
    ReferralStep,
)
from vigie.actions.notifications import referral_notify_partner
from vigie.actions.services.common import (
    ActionInputError,
    manager_for,
    require_org,
    require_visible,
)
from vigie.actions.services.needs import need_settle
from vigie.actions.services.tasks import task_create
from vigie.actions.transitions import REFERRAL
from vigie.campaigns.choices import NeedKind, NeedStatus
from vigie.campaigns.models import Need
from vigie.core import transitions
from vigie.core.errors import ConflictError
from vigie.core.permissions import Perm
from vigie.core.services import audit_log
from vigie.core.workdays import add_working_days

if TYPE_CHECKING:
    from vigie.accounts.models import User

# The journal code of each status change: fixed strings, declared in actions/journal.py.
_REFERRAL_CODES = {
    ReferralStatus.SENT: "referral.sent",
    ReferralStatus.ACCEPTED: "referral.accepted",
    ReferralStatus.DECLINED: "referral.declined",
    ReferralStatus.DONE: "referral.done",
    ReferralStatus.CANCELLED: "referral.cancelled",
}


def _step(referral: Referral, status: str, actor: User | None, note: str, at: datetime) -> None:
    ReferralStep.objects.create(
        organisation_id=referral.organisation_id,
        referral=referral,
        status=status,
        at=at,
        by=actor if getattr(actor, "pk", None) else None,
        note=note[:500],
    )


@transaction.atomic
def referral_create(
    *,
    actor: User | None,
    need: Need,
    partner: Partner,
    note: str = "",
    share_cohorts: bool = False,
    share_disability: bool = False,
    extra_notes: str = "",
    consent: bool = False,
    send: bool = True,
    now: datetime | None = None,
    base_url: str = "",
) -> Referral:
    """Refer a household's need to a partner (proposed, and sent at once unless `send=False`).

    `base_url`: the address Vigie was reached at, for the link in the partner's e-mail."""
    now = now or timezone.now()
    require_visible(
        actor,
        Need,
        need.pk,
        Perm.REFERRAL_MANAGE,
        _("Vous ne pouvez pas orienter les besoins de ce ménage."),
    )
    need = Need.objects.select_for_update().get(pk=need.pk)
    if need.status != NeedStatus.OPEN:
        raise ConflictError(_("Ce besoin est déjà résolu : il n'y a plus rien à orienter."))
    if need.kind == NeedKind.HOUSING_PROBLEM:
        raise ActionInputError(
            _("Un problème de logement ou d'immeuble se signale à l'agence, pas à un partenaire.")
        )
    if partner.organisation_id != need.organisation_id or not partner.active:
        raise ActionInputError(_("Ce partenaire n'est pas (ou plus) dans votre annuaire."))
    if Referral.objects.filter(
        need=need, partner=partner, status__in=OPEN_REFERRAL_STATUSES
    ).exists():
        raise ConflictError(
            _("Ce besoin est déjà orienté vers « %(name)s ».") % {"name": partner.name}
        )
    note = (note or "").strip()
    if len(note) > 300:
        raise ActionInputError(_("La note pour le partenaire tient en 300 caractères au plus."))
    extra_notes = (extra_notes or "").strip()
    if (share_cohorts or share_disability or extra_notes) and not consent:
        raise ActionInputError(
            _(
                "Les cohortes, la situation de handicap et les informations complémentaires ne sont transmises qu'avec le consentement du ménage : cochez « Le ménage a donné son accord », ou bien décochez les cases et videz le champ « Informations complémentaires »."
            )
        )
    if share_disability and actor is not None:
        require_org(
            actor,
            Perm.HOUSEHOLD_VIEW_SENSITIVE,
            need.organisation_id,
            _(
                "Vous ne pouvez pas transmettre une information que vous n'avez pas le droit de voir."
            ),
        )
    referral = Referral.objects.create(
        organisation_id=need.organisation_id,
        partner=partner,
        partner_organisation_id=partner.partner_organisation_id,
        household_id=need.household_id,
        need=need,
        note=note,
        share_cohorts=share_cohorts,
        share_disability=share_disability,
        extra_notes=extra_notes,
        consent_at=now if consent and (share_cohorts or share_disability or extra_notes) else None,
        consent_by=actor
        if consent and (share_cohorts or share_disability or extra_notes)
        else None,
        created_by=actor,
        created_at=now,
    )
    _step(referral, ReferralStatus.PROPOSED, actor, "", now)
    audit_log(
        actor=actor,
        action="referral.proposed",
        obj=referral,
        payload={
            "partner": partner.pk,
            "need": need.pk,
            # Whether something beyond name/address/need went out, with consent; what exactly
            # stays on the referral (scoped): "disability shared" would say the household has one.
            "consented_share": bool(share_cohorts or share_disability or extra_notes),
        },
    )
    if send:
        referral = referral_move(
            actor=actor,
            referral=referral,
            to=ReferralStatus.SENT,
            version=None,
            now=now,
            base_url=base_url,
        )
    return referral


@transaction.atomic
def referral_move(
    *,
    actor: User | None,
    referral: Referral,
    to: str,
    version: int | None,
    note: str = "",
    now: datetime | None = None,
    base_url: str = "",
) -> Referral:
    """Move a referral along REFERRAL_TRANSITIONS: the landlord sends or cancels, the partner
    accepts, declines or says what was done. `base_url` as in `referral_create`."""
    now = now or timezone.now()
    if to not in ReferralStatus.values:
        raise ActionInputError(_("Statut d'orientation inconnu « %(to)s ».") % {"to": to})
    if to in REFERRAL_LANDLORD_MOVES:
        require_visible(
            actor,
            Referral,
            referral.pk,
            Perm.REFERRAL_MANAGE,
            _("Seul le bailleur qui a fait cette orientation peut l'envoyer ou l'annuler."),
        )
    elif to in REFERRAL_PARTNER_MOVES:
        # Through the scoped queryset, so a referral not yet sent is not the partner's to answer.
        require_visible(
            actor,
            Referral,
            referral.pk,
            Perm.REFERRAL_HANDLE,
            _("Seul le partenaire destinataire peut accepter, refuser ou clore cette orientation."),
        )
    else:
        raise ConflictError(
            _("Une orientation ne revient pas à « %(label)s ».")
            % {"label": ReferralStatus(to).label}
        )
    referral = transitions.lock(REFERRAL, referral, version=version, related=("partner",))
    label = ReferralStatus(to).label
    REFERRAL.check(referral, to)
    note = (note or "").strip()
    if to in REFERRAL_NEEDS_REASON and not note:
        what = _("ce qui a été fait") if to == ReferralStatus.DONE else _("le motif")
        raise ActionInputError(
            _("Indiquez %(what)s pour passer l'orientation à « %(status)s ».")
            % {"what": what, "status": label}
        )

    def stamp(r: Referral) -> None:
        if to == ReferralStatus.SENT:
            r.sent_at = now
        if to not in OPEN_REFERRAL_STATUSES:
            r.closed_at = now

    effects = []
    if to == ReferralStatus.SENT:
        effects.append(functools.partial(referral_notify_partner.enqueue, referral.pk, base_url))
    transitions.move(
        REFERRAL,
        referral,
        to=to,
        actor=actor,
        action=_REFERRAL_CODES[ReferralStatus(to)],
        payload={"partner": referral.partner_id},
        apply=stamp,
        on_commit=effects,
    )
    _step(referral, to, actor, note, now)
    if to == ReferralStatus.DONE:
        need_settle(actor=actor, need_id=referral.need_id, via=referral, now=now)
    elif to == ReferralStatus.DECLINED:
        need = Need.objects.select_related("attempt__campaign__created_by").get(pk=referral.need_id)
        task_create(
            actor=None,
            organisation_id=referral.organisation_id,
            title=_("Orientation refusée par %(partner)s : trouver une autre solution")
            % {"partner": referral.partner.name},
            due_on=add_working_days(timezone.localdate(now), 2),
            owner=manager_for(referral.organisation_id, need),
            origin=TaskOrigin.REFERRAL_DECLINED,
            household_id=referral.household_id,
            need=need,
            referral=referral,
        )
    return referral
