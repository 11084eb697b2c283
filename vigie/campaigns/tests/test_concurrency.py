"""50 callers take calls at the same time: no household handed out twice, none lost.

Runs on whichever engine DATABASE_URL selects: SQLite (a file, so real locking) by default,
PostgreSQL with `make test-postgres` (SELECT … FOR UPDATE SKIP LOCKED).
"""

from __future__ import annotations

import threading
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
