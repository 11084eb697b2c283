"""Distribution sessions and check-ins (records), and what follows a session."""

from __future__ import annotations

import uuid
from datetime import date, datetime, timedelta
from typing import TYPE_CHECKING, Any

from django.db import IntegrityError, transaction
from django.db.models import Exists, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from vigie.core import transitions
from vigie.core.errors import ConflictError
from vigie.core.services import audit_log
from vigie.foodaid.choices import FAILED, REACHED, EnrolmentStatus, Mode, Result, SessionStatus
from vigie.foodaid.models import DistributionSession, Enrolment, Programme, Record
from vigie.foodaid.services.common import FoodAidInputError, require_checkin, require_manage
from vigie.foodaid.transitions import SESSION
from vigie.housing.models import Residence

if TYPE_CHECKING:
    from vigie.accounts.models import User

MAX_PARCELS = 50


def _slots(raw: list[str] | None) -> list[str]:
    out = []
    for slot in raw or []:
        slot = (slot or "").strip()
        if not slot:
            continue
        if len(slot) > 30:
            raise FoodAidInputError(
                _("Créneau trop long « %(slot)s » (écrivez par exemple 10:00-12:00).")
                % {"slot": slot[:30]},
                field="slots",
            )
        out.append(slot)
    return out


@transaction.atomic
def session_create(
    *,
    actor: User | None,
    programme: Programme,
    site: Residence,
    day: date | None,
    slots: list[str] | None = None,
) -> DistributionSession:
    """Plan a distribution at one of the programme's sites, within its period."""
    require_manage(actor, programme)
    if day is None:
        raise FoodAidInputError(_("Donnez la date de la distribution (jj/mm/aaaa)."), field="date")
    if not programme.sites.filter(pk=site.pk).exists():
        raise FoodAidInputError(
            _("La résidence « %(site)s » n'est pas un site de ce programme.") % {"site": site.name},
            field="site",
        )
    if not programme.starts_on <= day <= programme.ends_on:
        raise FoodAidInputError(
            _("Le %(day)s est hors de la période du programme (du %(start)s au %(end)s).")
            % {
                "day": day.strftime("%d/%m/%Y"),
                "start": programme.starts_on.strftime("%d/%m/%Y"),
                "end": programme.ends_on.strftime("%d/%m/%Y"),
            },
            field="date",
        )
    # One distribution per site and day (its time slots are inside it); the programme row is
    # locked so that two requests cannot both plan it.
    Programme.objects.select_for_update().filter(pk=programme.pk).first()
    if DistributionSession.objects.filter(programme=programme, site=site, date=day).exists():
        raise ConflictError(
            _(
                "Une distribution est déjà prévue à « %(site)s » le %(day)s : une seule par site "
                "et par jour (ses créneaux horaires sont dans la même distribution)."
            )
            % {"site": site.name, "day": day.strftime("%d/%m/%Y")}
        )
    session = DistributionSession.objects.create(
        organisation_id=programme.organisation_id,
        programme=programme,
        site=site,
        date=day,
        slots=_slots(slots),
        created_by=actor,
    )
    audit_log(
        actor=actor,
        action="foodaid.session_planned",
        obj=session,
        payload={"site": site.pk, "date": day.isoformat()},
    )
    return session


def lease_active_on(day: date, prefix: str = "household__") -> Q:
    """The household's lease covered `day` (`HouseholdQuerySet.active_on`); a lease whose start
    is unknown is taken as started (nothing to check it against)."""
    return (
        (Q(**{f"{prefix}start_date__isnull": True}) | Q(**{f"{prefix}start_date__lte": day}))
        & (Q(**{f"{prefix}end_date__isnull": True}) | Q(**{f"{prefix}end_date__gte": day}))
        & (Q(**{f"{prefix}departed_on__isnull": True}) | Q(**{f"{prefix}departed_on__gt": day}))
    )


def expected_enrolments(session: DistributionSession) -> Any:
    """The households expected at a session: enrolled (not waiting), living on its site, their
    lease running on its day."""
    return Enrolment.objects.filter(
        lease_active_on(session.date),
        programme_id=session.programme_id,
        status=EnrolmentStatus.ENROLLED,
        household__dwelling__residence_id=session.site_id,
    )


def latest_results(session: DistributionSession) -> dict[int, Record]:
    """Each enrolment's latest record at the session (the one that counts: a later record
    corrects an earlier one, "collected" then "not_home" means not home)."""
    last: dict[int, Record] = {}
    for r in Record.objects.filter(session=session).order_by("taken_at", "id"):
        last[r.enrolment_id] = r
    return last


def _parse_client_id(raw: Any) -> uuid.UUID:
    try:
        return raw if isinstance(raw, uuid.UUID) else uuid.UUID(str(raw))
    except (ValueError, TypeError, AttributeError):
        raise FoodAidInputError(
            _("client_id « %(value)s » n'est pas un identifiant UUID.") % {"value": str(raw)[:60]},
            field="client_id",
        ) from None


def _same(
    record: Record, session_id: int, enrolment_id: int, result: str, parcels: int, quantities: dict
) -> bool:
    return (
        record.session_id == session_id
        and record.enrolment_id == enrolment_id
        and record.result == result
        and record.parcels == parcels
        and (record.quantities or {}) == (quantities or {})
    )


def _replay(
    record: Record, session_id: int, enrolment_id: int, result: str, parcels: int, quantities: dict
) -> Record:
    if record.session_id != session_id:
        raise ConflictError(
            _(
                "Ce passage (client_id %(id)s) a déjà été enregistré pour une autre distribution : "
                "un client_id désigne un seul passage."
            )
            % {"id": str(record.client_id)}
        )
    if not _same(record, session_id, enrolment_id, result, parcels, quantities):
        raise ConflictError(
            _("Ce passage (client_id %(id)s) a déjà été enregistré avec d'autres valeurs.")
            % {"id": str(record.client_id)}
        )
    return record


def record_checkin(
    *,
    actor: User | None,
    session: DistributionSession,
    client_id: Any,
    enrolment_id: int,
    result: str,
    parcels: int | None = None,
    quantities: dict[str, int] | None = None,
    taken_at: datetime | None = None,
) -> tuple[Record, bool]:
    """Record what happened for one household; (record, created).

    `parcels` left out (None): the programme's parcels per household for a household reached
    (collected, delivered), 0 otherwise; a household not reached receives none (422).

    Idempotent on `client_id` (one record everywhere): the same record sent again (a tablet
    resending its queue after a network cut) returns the stored one; the same id with other
    values is a conflict. The INSERT comes first (the common case costs no look-up): a copy
    already stored, or arriving at the same instant, makes it fail on the unique constraint,
    and the stored row is read and compared instead.
    """
    require_checkin(actor, session.programme)
    cid = _parse_client_id(client_id)
    quantities = quantities or {}
    if result not in Result.values:
        raise FoodAidInputError(
            _(
                "Résultat inconnu « %(result)s » (collected, delivered, not_home, refused, "
                "wrong_address)."
            )
            % {"result": str(result)[:40]},
            field="result",
        )
    if parcels is None:
        parcels = session.programme.parcels_per_household if result in REACHED else 0
    if not isinstance(parcels, int) or not 0 <= parcels <= MAX_PARCELS:
        raise FoodAidInputError(
            _("Nombre de colis invalide (de 0 à %(max)s).") % {"max": MAX_PARCELS},
            field="parcels",
        )
    parcels = int(parcels)
    if result not in REACHED and parcels:
        raise FoodAidInputError(
            _("Aucun colis n'est remis à un ménage absent, qui refuse ou introuvable."),
            field="parcels",
        )
    if not isinstance(quantities, dict) or any(
        not isinstance(k, str) or not isinstance(v, int) or v < 0 or len(k) > 60
        for k, v in quantities.items()
    ):
        raise FoodAidInputError(
            _("Quantités invalides : un nom de produit et un nombre entier positif."),
            field="quantities",
        )
    # The household expected, and whether the session is still open: one query.
    enrolment = (
        expected_enrolments(session)
        .filter(pk=enrolment_id)
        .annotate(
            session_open=Exists(
                DistributionSession.objects.filter(pk=session.pk, status=SessionStatus.PLANNED)
            )
        )
        .first()
    )
    is_open = (
        enrolment.session_open
        if enrolment is not None
        else DistributionSession.objects.filter(
            pk=session.pk, status=SessionStatus.PLANNED
        ).exists()
    )
    if not is_open or enrolment is None or session.date > timezone.localdate():
        # A tablet replaying its queue (after the session closed, or after the household left
        # the list) still gets its records back.
        existing = Record.objects.filter(
            organisation_id=session.organisation_id, client_id=cid
        ).first()
        if existing is not None:
            return _replay(existing, session.pk, enrolment_id, result, parcels, quantities), False
        if not is_open:
            raise ConflictError(_("Cette distribution est clôturée : plus aucun passage."))
        if session.date > timezone.localdate():
            raise ConflictError(
                _(
                    "La distribution du %(day)s n'a pas encore eu lieu : aucun passage ne peut "
                    "encore y être enregistré."
                )
                % {"day": session.date.strftime("%d/%m/%Y")}
            )
        out_of_lease = (
            Enrolment.objects.filter(
                pk=enrolment_id,
                programme_id=session.programme_id,
                status=EnrolmentStatus.ENROLLED,
                household__dwelling__residence_id=session.site_id,
            )
            .exclude(lease_active_on(session.date))
            .exists()
        )
        if out_of_lease:
            raise FoodAidInputError(
                _(
                    "Le bail du ménage (inscription %(id)s) ne couvrait pas le %(day)s : il "
                    "n'avait pas commencé ou avait pris fin."
                )
                % {"id": enrolment_id, "day": session.date.strftime("%d/%m/%Y")},
                field="enrolment",
            )
        raise FoodAidInputError(
            _("Le ménage (inscription %(id)s) n'est pas attendu à cette distribution.")
            % {"id": enrolment_id},
            field="enrolment",
        )
    try:
        with transaction.atomic():
            record = Record.objects.create(
                organisation_id=session.organisation_id,
                session=session,
                enrolment=enrolment,
                client_id=cid,
                result=result,
                parcels=parcels,
                quantities=quantities,
                recorded_by=actor,
                taken_at=taken_at or timezone.now(),
            )
            audit_log(
                actor=actor,
                action="foodaid.recorded",
                obj=record,
                payload={"session": session.pk, "enrolment": enrolment.pk, "result": result},
            )
    except IntegrityError:
        # Another request stored the same client_id first: answer with its row.
        winner = Record.objects.filter(
            organisation_id=session.organisation_id, client_id=cid
        ).first()
        if winner is None:
            raise
        return _replay(winner, session.pk, enrolment_id, result, parcels, quantities), False
    return record, True


def _owner_of(enrolment: Enrolment) -> Any:
    from vigie.actions.services.common import manager_for
    from vigie.core.permissions import Perm

    who = enrolment.enrolled_by
    if (
        who is not None
        and who.is_active
        and who.has_org_perm(Perm.TASK_VIEW, enrolment.organisation_id)
    ):
        return who
    return manager_for(enrolment.organisation_id)


@transaction.atomic
def session_close(
    *, actor: User | None, session: DistributionSession, version: int | None = None
) -> dict[str, int]:
    """Close a session: each expected household not reached (absent, failed delivery) becomes a
    follow-up task; one absent from two sessions is flagged to whoever enrolled it."""
    from vigie.actions.choices import TaskOrigin
    from vigie.actions.services import task_create

    require_checkin(actor, session.programme)
    session = transitions.lock(SESSION, session, version=version)
    SESSION.check(session, SessionStatus.CLOSED)
    # The latest record of each household counts (a correction replaces what came before).
    last = {pk: r.result for pk, r in latest_results(session).items()}
    reached = {pk for pk, result in last.items() if result in REACHED}
    expected = list(expected_enrolments(session).select_related("household", "enrolled_by"))
    due = session.date + timedelta(days=7)
    day = session.date.strftime("%d/%m/%Y")
    tasks = flagged = 0
    for enrolment in expected:
        if enrolment.pk in reached:
            continue
        outcome = last.get(enrolment.pk)
        if outcome == Result.REFUSED:
            continue
        if enrolment.mode == Mode.DELIVERY:
            title = _("Aide alimentaire : livraison du %(day)s non faite (ménage %(ref)s)") % {
                "day": day,
                "ref": enrolment.household.reference,
            }
        else:
            title = _("Aide alimentaire : ménage %(ref)s absent à la distribution du %(day)s") % {
                "day": day,
                "ref": enrolment.household.reference,
            }
        if outcome == Result.WRONG_ADDRESS:
            title = _("Aide alimentaire : adresse introuvable le %(day)s (ménage %(ref)s)") % {
                "day": day,
                "ref": enrolment.household.reference,
            }
        task_create(
            actor=None,
            organisation_id=session.organisation_id,
            title=title,
            due_on=due,
            owner=_owner_of(enrolment),
            household_id=enrolment.household_id,
            origin=TaskOrigin.FOOD_AID,
        )
        tasks += 1
    # Absent twice: counted over the programme's closed sessions (this one included).
    absent_now = {
        e.pk for e in expected if e.pk not in reached and last.get(e.pk) in (None, *FAILED)
    }
    if absent_now:
        absences = _absences(session.programme_id, absent_now, including=session)
        for enrolment in expected:
            if absences.get(enrolment.pk, 0) >= 2 and enrolment.flagged_at is None:
                owner = _owner_of(enrolment)
                task_create(
                    actor=None,
                    organisation_id=session.organisation_id,
                    title=_(
                        "Aide alimentaire : ménage %(ref)s absent deux fois — prendre des nouvelles"
                    )
                    % {"ref": enrolment.household.reference},
                    due_on=session.date + timedelta(days=2),
                    owner=owner,
                    household_id=enrolment.household_id,
                    origin=TaskOrigin.FOOD_AID,
                )
                Enrolment.objects.filter(pk=enrolment.pk).update(flagged_at=timezone.now())
                audit_log(
                    actor=actor,
                    action="foodaid.absent_twice",
                    obj=enrolment,
                    payload={"owner": getattr(owner, "pk", None)},
                )
                flagged += 1
    transitions.move(
        SESSION,
        session,
        to=SessionStatus.CLOSED,
        actor=actor,
        action="foodaid.session_closed",
        payload={"tasks": tasks, "flagged": flagged},
        apply=lambda s: setattr(s, "closed_at", timezone.now()),
    )
    return {"tasks": tasks, "flagged": flagged}


def _absences(
    programme_id: int, enrolment_ids: set[int], *, including: DistributionSession
) -> dict[int, int]:
    """How many sessions (closed ones and `including`) each enrolment was expected at and not
    reached (no record, or only not-home / wrong-address)."""
    sessions = list(
        DistributionSession.objects.filter(programme_id=programme_id, status=SessionStatus.CLOSED)
        .exclude(pk=including.pk)
        .select_related("programme")
    ) + [including]
    counts: dict[int, int] = {}
    enrolments = {
        e.pk: e
        for e in Enrolment.objects.filter(pk__in=enrolment_ids).select_related(
            "household__dwelling"
        )
    }
    # The latest record of each enrolment at each session (the order makes the last one win).
    by_session: dict[int, dict[int, str]] = {}
    for r in (
        Record.objects.filter(session__in=[s.pk for s in sessions], enrolment_id__in=enrolment_ids)
        .order_by("taken_at", "id")
        .values("session_id", "enrolment_id", "result")
    ):
        by_session.setdefault(r["session_id"], {})[r["enrolment_id"]] = r["result"]
    for s in sessions:
        for pk, e in enrolments.items():
            if e.household.dwelling.residence_id != s.site_id:
                continue
            result = by_session.get(s.pk, {}).get(pk)
            if result in REACHED or result == Result.REFUSED:
                continue
            counts[pk] = counts.get(pk, 0) + 1
    return counts
