"""Two tablets send the same check-in at the same instant (a queue replayed twice after a
network cut): one record is stored, both answers name it, and the same id with other values
is refused. Runs on the engine DATABASE_URL selects: PostgreSQL in `make test-postgres`, where
the two INSERTs really race and the unique constraint settles it (IntegrityError → read the
winner's row)."""

from __future__ import annotations

import threading
import uuid
from datetime import date

import pytest
from django.db import connections

from vigie.core.errors import ConflictError
from vigie.foodaid.models import Record
from vigie.foodaid.services import enrolment_create, record_checkin, session_create

ROUNDS = 15


def _race(session, enrolment, user, bodies):
    """Send each body from its own thread, all released at once; [(record id, created)]."""
    out: list = [None] * len(bodies)
    errors: list[BaseException] = []
    barrier = threading.Barrier(len(bodies))

    def run(i, body):
        from vigie.accounts.models import User

        try:
            actor = User.objects.get(pk=user.pk)
            barrier.wait()
            record, created = record_checkin(actor=actor, session=session, **body)
            out[i] = (record.pk, created)
        except ConflictError as exc:
            out[i] = exc
        except BaseException as exc:  # noqa: BLE001 — reported to the main thread
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(i, b)) for i, b in enumerate(bodies)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    assert not errors, errors
    return out


def test_the_same_record_twice_at_once_is_stored_once(transactional_db, lockdown, marc, pierre):
    odette = enrolment_create(
        actor=marc,
        programme=lockdown.programme,
        household=lockdown.households[0],
        consent_on=date(2020, 3, 20),
        mode="collect",
    )
    session = session_create(
        actor=marc, programme=lockdown.programme, site=lockdown.tabar, day=date(2020, 4, 2)
    )
    for _ in range(ROUNDS):
        body = {
            "client_id": uuid.uuid4(),
            "enrolment_id": odette.pk,
            "result": "collected",
            "parcels": 1,
        }
        answers = _race(session, odette, pierre, [body, dict(body)])
        ids = {a[0] for a in answers}
        assert len(ids) == 1, answers
        assert sorted(a[1] for a in answers) == [False, True]
        assert Record.objects.filter(session=session, client_id=body["client_id"]).count() == 1
    assert Record.objects.filter(session=session).count() == ROUNDS
    # The same id with another body, at once: one wins, the other is a conflict.
    cid = uuid.uuid4()
    answers = _race(
        session,
        odette,
        pierre,
        [
            {"client_id": cid, "enrolment_id": odette.pk, "result": "collected", "parcels": 1},
            {"client_id": cid, "enrolment_id": odette.pk, "result": "collected", "parcels": 2},
        ],
    )
    assert sum(isinstance(a, ConflictError) for a in answers) == 1
    assert Record.objects.filter(session=session, client_id=cid).count() == 1


def test_a_replay_after_the_session_closed_answers_the_stored_record(db, lockdown, marc):
    """The tablet sends its queue once the network is back, maybe after the coordinator closed
    the session: what it recorded is answered (nothing new stored), a new record is refused."""
    from vigie.foodaid.services import session_close

    odette = enrolment_create(
        actor=marc,
        programme=lockdown.programme,
        household=lockdown.households[0],
        consent_on=date(2020, 3, 20),
        mode="collect",
    )
    session = session_create(
        actor=marc, programme=lockdown.programme, site=lockdown.tabar, day=date(2020, 4, 2)
    )
    body = {
        "client_id": uuid.uuid4(),
        "enrolment_id": odette.pk,
        "result": "collected",
        "parcels": 1,
    }
    first, created = record_checkin(actor=marc, session=session, **body)
    assert created
    session_close(actor=marc, session=session)
    again, created = record_checkin(actor=marc, session=session, **body)
    assert not created and again.pk == first.pk
    with pytest.raises(ConflictError):
        record_checkin(actor=marc, session=session, **{**body, "parcels": 3})
    with pytest.raises(ConflictError):
        record_checkin(actor=marc, session=session, **{**body, "client_id": uuid.uuid4()})
    assert Record.objects.count() == 1
