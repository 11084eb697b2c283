"""50 callers take calls at the same time: no household handed out twice, none lost.

Runs on whichever engine DATABASE_URL selects: SQLite (a file, so real locking) by default,
PostgreSQL with `make test-postgres` (SELECT … FOR UPDATE SKIP LOCKED).
"""

from __future__ import annotations

import threading
import time
from collections import Counter

from django.db import connection, connections

from vigie.accounts.models import Membership, User
from vigie.campaigns.choices import TargetStatus
from vigie.campaigns.models import Attempt, Target
from vigie.campaigns.queue import next_call
from vigie.campaigns.services import attempt_record
from vigie.campaigns.tests.factories import bulk_landlord, running_campaign
from vigie.core.models import Organisation, OrganisationKind
from vigie.core.permissions import Role

CALLERS = 50


def _setup(dwellings: int):
    org = Organisation.objects.create(
        slug="concurrent", name="Concurrent", kind=OrganisationKind.LANDLORD
    )
    bulk_landlord(org, dwellings=dwellings, seed=7)
    manager = User.objects.create(username="manager")
    Membership.objects.create(user=manager, organisation=org, role=Role.MANAGER)
    callers = []
    for i in range(CALLERS):
        u = User.objects.create(username=f"caller{i:02d}")
        Membership.objects.create(user=u, organisation=org, role=Role.CALLER)
        callers.append(u)
    campaign = running_campaign(org, manager)
    return campaign, callers


def _work(campaign, callers, *, record: bool):
    """Every caller loops next_call (and records a call) until the queue is empty."""
    handed: list[tuple[int, int]] = []  # (target id, caller id)
    errors: list[BaseException] = []
    lock = threading.Lock()
    barrier = threading.Barrier(len(callers))

    def run(caller):
        try:
            caller = User.objects.get(pk=caller.pk)  # own connection, own membership cache
            barrier.wait()
            while True:
                target = next_call(campaign=campaign, caller=caller)
                if target is None:
                    break
                with lock:
                    handed.append((target.pk, caller.pk))
                if record:
                    attempt_record(
                        actor=caller, target=target, result="reached", outcome="reassuring"
                    )
                else:
                    # Hold the claim: the next next_call would give it back, so stop here.
                    break
        except BaseException as exc:  # noqa: BLE001 — reported to the main thread
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(c,)) for c in callers]
    for t in threads:
        t.start()
    for t in threads:
        t.join(120)
    assert not errors, errors
    return handed


def test_fifty_callers_work_the_queue_without_double_calls(
    restore_reference_data, transactional_db
):
    campaign, callers = _setup(dwellings=600)
    callable_ids = set(
        Target.objects.filter(campaign=campaign, status=TargetStatus.PENDING).values_list(
            "pk", flat=True
        )
    )
    assert len(callable_ids) > 80
    handed = _work(campaign, callers, record=True)
    counts = Counter(t for t, _c in handed)
    assert max(counts.values()) == 1, "a household was handed out twice"
    assert set(counts) == callable_ids, "a household was lost"
    assert Attempt.objects.filter(campaign=campaign).count() == len(callable_ids)
    assert not Target.objects.filter(campaign=campaign, status__in=("pending", "claimed")).exists()
    assert len({c for _t, c in handed}) > 1, f"only one caller worked on {connection.vendor}"


def test_fifty_simultaneous_claims_get_fifty_different_households(
    restore_reference_data, transactional_db
):
    campaign, callers = _setup(dwellings=600)
    handed = _work(campaign, callers, record=False)
    assert len(handed) == CALLERS
    assert len({t for t, _c in handed}) == CALLERS
    claimed = Target.objects.filter(campaign=campaign, status=TargetStatus.CLAIMED)
    assert sorted(claimed.values_list("claimed_by_id", flat=True)) == sorted(c.pk for c in callers)


def test_households_departed_during_the_rush_are_never_handed_out_after(
    restore_reference_data, transactional_db
):
    """Issue #10: while 10 callers work the queue, a full import marks a third of the
    households departed (what `import_stock` does in its transaction: the targets leave the
    queues, then the households are written). No claim that starts after the import committed
    hands out one of them; none of their targets is left in a queue; counters stay true."""
    from django.db import transaction
    from django.utils import timezone

    from vigie.campaigns.counters import current, recount
    from vigie.core.errors import ConflictError
    from vigie.housing.departures import households_departing
    from vigie.housing.models import Household

    campaign, callers = _setup(dwellings=600)
    callers = callers[:10]  # each on the phone a while: the queue outlasts the import
    pending = list(
        Target.objects.filter(campaign=campaign, status=TargetStatus.PENDING)
        .order_by("pk")
        .values_list("household_id", flat=True)
    )
    leaving = set(pending[1::3])
    handed: list[tuple[int, float]] = []  # (household id, when the claim started)
    errors: list[BaseException] = []
    committed: list[float] = []
    lock = threading.Lock()
    started = threading.Event()
    barrier = threading.Barrier(len(callers) + 1)

    def call(caller):
        try:
            caller = User.objects.get(pk=caller.pk)
            barrier.wait()
            while True:
                at = time.monotonic()
                target = next_call(campaign=campaign, caller=caller)
                if target is None:
                    break
                with lock:
                    handed.append((target.household_id, at))
                    if len(handed) >= 5:
                        started.set()
                time.sleep(0.05)  # on the phone: the import runs meanwhile
                try:
                    attempt_record(
                        actor=caller, target=target, result="reached", outcome="reassuring"
                    )
                except ConflictError:
                    pass  # the household left while the caller had it: not recordable
        except BaseException as exc:  # noqa: BLE001 — reported to the main thread
            errors.append(exc)
        finally:
            connections.close_all()

    def depart():
        try:
            barrier.wait()
            started.wait(60)
            with transaction.atomic():
                households_departing(
                    household_ids=sorted(leaving), run=None, actor=None, now=timezone.now()
                )
                Household.objects.filter(pk__in=leaving).update(departed_on=timezone.localdate())
            committed.append(time.monotonic())
        except BaseException as exc:  # noqa: BLE001
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=call, args=(c,)) for c in callers]
    threads.append(threading.Thread(target=depart))
    for t in threads:
        t.start()
    for t in threads:
        t.join(180)
    assert not errors, errors
    assert committed, "the departure never ran"
    late = [h for h, at in handed if h in leaving and at > committed[0]]
    assert late == [], "a departed household was handed out after the import"
    left_in_queue = Target.objects.filter(
        campaign=campaign,
        household_id__in=leaving,
        status__in=("pending", "claimed", "callback"),
    )
    assert not left_in_queue.exists()
    assert Target.objects.filter(campaign=campaign, status=TargetStatus.DEPARTED).exists()
    assert current(campaign) == recount(campaign)
