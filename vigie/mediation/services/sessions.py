"""Sessions of a case: planned (invitations sent), updated, cancelled, attendance noted."""

from __future__ import annotations

import functools
import uuid
from datetime import datetime
from typing import TYPE_CHECKING

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from vigie.core.errors import ConflictError, DomainError
from vigie.core.services import audit_log
from vigie.mediation import invitations
from vigie.mediation.choices import Attendance, CaseStatus, Modality, SessionKind
from vigie.mediation.models import Case, Party, Session, SessionParty
from vigie.mediation.permissions import CASE_HANDLE
from vigie.mediation.services.cases import _assign
from vigie.mediation.services.common import require_centre

if TYPE_CHECKING:
    from vigie.accounts.models import User

# A session may be planned once the centre has accepted the case, and until it closes.
PLANNABLE = (
    CaseStatus.ACCEPTED,
    CaseStatus.AWAITING_CONSENT,
    CaseStatus.IN_PROGRESS,
    CaseStatus.PAUSED,
)


def _parties(case: Case, ids: list[int]) -> list[Party]:
    """Parties named by their own id or by their household's id."""
    parties = list(Party.objects.filter(case=case))
    by_id = {p.pk: p for p in parties}
    by_household = {p.household_id: p for p in parties if p.household_id}
    chosen = []
    for pk in dict.fromkeys(ids):
        party = by_id.get(pk) or by_household.get(pk)
        if party is None:
            raise DomainError(
                _("N° %(id)s : ni une partie ni le ménage d'une partie de cette médiation.")
                % {"id": pk},
                field="parties",
            )
        chosen.append(party)
    return chosen


def _check(kind: str, modality: str, video_url: str, minutes: int, parties: list[Party]) -> None:
    if kind not in SessionKind.values:
        raise DomainError(_("Type de séance inconnu : « %(v)s ».") % {"v": kind}, field="kind")
    if modality not in Modality.values:
        raise DomainError(_("Modalité inconnue : « %(v)s ».") % {"v": modality}, field="modality")
    if modality == Modality.VIDEO and not video_url:
        raise DomainError(_("Une séance en visio a besoin de son lien."), field="video_url")
    if not 5 <= minutes <= 480:
        raise DomainError(_("La durée va de 5 à 480 minutes."), field="minutes")
    if kind == SessionKind.SEPARATE and len(parties) != 1:
        raise DomainError(
            _("Un entretien séparé réunit une seule partie (%(n)s nommées).") % {"n": len(parties)},
            field="parties",
        )
    if kind == SessionKind.JOINT and len(parties) < 2:
        raise DomainError(_("Une séance commune réunit au moins deux parties."), field="parties")


@transaction.atomic
def session_plan(
    *,
    actor: User | None,
    case: Case,
    kind: str,
    parties: list[int],
    modality: str,
    starts_at: datetime,
    minutes: int = 60,
    video_url: str = "",
    practitioners: list[User] | None = None,
) -> Session:
    """Plan a session; the practitioners named are assigned to the case; invitations go out
    after the commit."""
    require_centre(actor, CASE_HANDLE, case)
    if case.status not in PLANNABLE:
        raise ConflictError(
            _("On ne prévoit pas de séance pour une médiation « %(status)s ».")
            % {"status": CaseStatus(case.status).label}
        )
    chosen = _parties(case, parties)
    _check(kind, modality, video_url, minutes, chosen)
    if timezone.is_naive(starts_at):
        starts_at = timezone.make_aware(starts_at)
    session = Session.objects.create(
        organisation_id=case.organisation_id,
        case=case,
        kind=kind,
        modality=modality,
        video_url=video_url if modality == Modality.VIDEO else "",
        starts_at=starts_at,
        minutes=minutes,
        uid=f"{uuid.uuid4()}@vigie",
    )
    for party in chosen:
        SessionParty.objects.create(
            organisation_id=case.organisation_id, session=session, party=party
        )
    for user in practitioners or []:
        _assign(actor=actor, case=case, user=user)
        session.practitioners.add(user, through_defaults={"organisation_id": case.organisation_id})
    audit_log(
        actor=actor,
        action="mediation.session_planned",
        obj=case,
        payload={"session": session.pk, "kind": kind, "modality": modality},
    )
    transaction.on_commit(functools.partial(invitations.session_invite.enqueue, session.pk))
    return session


@transaction.atomic
def session_update(
    *,
    actor: User | None,
    session: Session,
    starts_at: datetime,
    minutes: int,
    modality: str,
    video_url: str = "",
) -> Session:
    """Move a session: SEQUENCE + 1 and the updated invitation."""
    session = Session.objects.select_for_update().select_related("case").get(pk=session.pk)
    require_centre(actor, CASE_HANDLE, session.case)
    if session.cancelled:
        raise ConflictError(_("Cette séance est annulée."))
    attendees = list(Party.objects.filter(pk__in=session.attendees.values("party_id")))
    _check(session.kind, modality, video_url, minutes, attendees)
    session.starts_at = (
        starts_at if timezone.is_aware(starts_at) else timezone.make_aware(starts_at)
    )
    session.minutes = minutes
    session.modality = modality
    session.video_url = video_url if modality == Modality.VIDEO else ""
    session.sequence += 1
    session.version += 1
    session.reminded_at = None
    session.save()
    audit_log(
        actor=actor,
        action="mediation.session_updated",
        obj=session.case,
        payload={"session": session.pk, "sequence": session.sequence},
    )
    transaction.on_commit(functools.partial(invitations.session_invite.enqueue, session.pk))
    return session


@transaction.atomic
def session_cancel(*, actor: User | None, session: Session) -> Session:
    """Cancel a session: METHOD:CANCEL to everyone invited."""
    session = Session.objects.select_for_update().select_related("case").get(pk=session.pk)
    require_centre(actor, CASE_HANDLE, session.case)
    if session.cancelled:
        raise ConflictError(_("Cette séance est déjà annulée."))
    session.cancelled = True
    session.sequence += 1
    session.version += 1
    session.save()
    SessionParty.objects.filter(session=session, attendance="").update(
        attendance=Attendance.CANCELLED
    )
    audit_log(
        actor=actor,
        action="mediation.session_cancelled",
        obj=session.case,
        payload={"session": session.pk},
    )
    transaction.on_commit(functools.partial(invitations.session_cancel_notice.enqueue, session.pk))
    return session


@transaction.atomic
def attendance_record(
    *, actor: User | None, session: Session, rows: list[tuple[int, str]]
) -> Session:
    """Who came: (party id — or household id —, status) for the parties invited."""
    require_centre(actor, CASE_HANDLE, session.case)
    invited = {a.party_id: a for a in SessionParty.objects.filter(session=session)}
    households = {
        p.household_id: p.pk
        for p in Party.objects.filter(pk__in=invited)
        if p.household_id is not None
    }
    for party_id, status in rows:
        if status not in Attendance.values:
            raise DomainError(
                _("Présence inconnue : « %(v)s » (seen, excused, no_show, cancelled).")
                % {"v": status},
                field="attendance",
            )
        pk = party_id if party_id in invited else households.get(party_id)
        if pk is None:
            raise DomainError(
                _("La partie n° %(id)s n'était pas invitée à cette séance.") % {"id": party_id},
                field="attendance",
            )
        attendee = invited[pk]
        attendee.attendance = status
        attendee.save(update_fields=["attendance", "updated_at"])
    audit_log(
        actor=actor,
        action="mediation.attendance_recorded",
        obj=session.case,
        payload={"session": session.pk},
    )
    return session
