"""Every status in Vigie moves through core/transitions.py (issue #11 item 1, decision 0011).

For each status machine, every (from, to) pair outside its table is refused with a French
sentence naming the object and both statuses in words, and nothing is written; a stale version
is refused; the journal row is written in the move's transaction (a failing journal write undoes
the move, a failing side effect after commit does not).
"""

from __future__ import annotations

from datetime import date

import pytest
from django.db import transaction

from vigie.actions.services import referral_create, task_create, ticket_report
from vigie.actions.tests.conftest import raise_needs
from vigie.actions.transitions import REFERRAL, TASK, TICKET
from vigie.campaigns.transitions import CAMPAIGN, NEED, TARGET
from vigie.core import transitions
from vigie.core.errors import ConflictError
from vigie.core.models import AuditEvent


@pytest.fixture
def world(campaign, claire, marc, ccas, residence_nord):
    """One row of every model with a status: campaign, target, need, referral, ticket, task."""
    groceries, _ = raise_needs(campaign, claire, ["groceries", "isolation"])
    referral = referral_create(actor=marc, need=groceries, partner=ccas, send=False)
    ticket = ticket_report(actor=marc, residence=residence_nord, category="lift")
    task = task_create(
        actor=marc, organisation_id=campaign.organisation_id, title="Rappeler", due_on=date.today()
    )
    need = groceries.__class__.objects.exclude(pk=groceries.pk).get(attempt=groceries.attempt)
    return {
        CAMPAIGN: campaign,
        TARGET: campaign.targets.first(),
        NEED: need,
        REFERRAL: referral,
        TICKET: ticket,
        TASK: task,
    }


MACHINES = [CAMPAIGN, TARGET, NEED, REFERRAL, TICKET, TASK]
# A registered journal code per machine, for the move under test (never reached when refused).
CODES = {
    CAMPAIGN: "campaign.paused",
    TARGET: "target.excluded",
    NEED: "need.resolved",
    REFERRAL: "referral.sent",
    TICKET: "ticket.acknowledged",
    TASK: "task.done",
}


def _statuses(machine):
    return [value for value, _label in machine.model._meta.get_field(machine.field).choices]


@pytest.mark.parametrize("machine", MACHINES, ids=lambda m: m.model.__name__)
def test_every_move_outside_the_table_is_refused_with_a_sentence(world, machine, marc):
    obj = world[machine]
    statuses = _statuses(machine)
    assert set(machine.table) == set(statuses), "the table names every status"
    refused = [(a, b) for a in statuses for b in statuses if b not in machine.table[a]]
    assert refused, "every machine has moves it refuses"
    journal_before = AuditEvent.objects.count()
    for before, after in refused:
        machine.model.objects.filter(pk=obj.pk).update(**{machine.field: before})
        with pytest.raises(ConflictError) as caught:
            transitions.transition(machine, obj, to=after, actor=marc, action=CODES[machine])
        sentence = caught.value.message
        fresh = machine.model.objects.get(pk=obj.pk)
        assert machine.name(fresh) in sentence
        assert f" est {machine.label(before)} :" in sentence
        assert f"« {machine.label(after)} »" in sentence
        assert getattr(fresh, machine.field) == before, "nothing written"
    assert AuditEvent.objects.count() == journal_before, "no journal row for a refused move"


@pytest.mark.parametrize("machine", MACHINES, ids=lambda m: m.model.__name__)
def test_every_move_in_the_table_goes_through_and_is_journalled(world, machine, marc):
    obj = world[machine]
    for before, targets in machine.table.items():
        for after in sorted(targets):
            machine.model.objects.filter(pk=obj.pk).update(**{machine.field: before})
            moved = transitions.transition(
                machine, obj, to=after, actor=marc, action=CODES[machine]
            )
            assert getattr(machine.model.objects.get(pk=obj.pk), machine.field) == after
            row = AuditEvent.objects.filter(object_id=str(obj.pk)).latest("id")
            assert row.action == CODES[machine]
            assert row.payload["from"] == before and row.payload["to"] == after
            assert moved.pk == obj.pk


def test_a_stale_version_is_refused_and_nothing_is_written(world, marc):
    task = world[TASK]
    seen = task.version
    transitions.transition(TASK, task, to="done", actor=marc, action="task.done", version=seen)
    TASK.model.objects.filter(pk=task.pk).update(status="open")
    with pytest.raises(ConflictError) as caught:
        # The page still shows the version read before the first move.
        transitions.transition(
            TASK, task, to="cancelled", actor=marc, action="task.cancelled", version=seen
        )
    assert "La tâche a été modifié·e par quelqu'un d'autre" in caught.value.message
    assert TASK.model.objects.get(pk=task.pk).status == "open"
    assert not AuditEvent.objects.filter(action="task.cancelled", object_id=str(task.pk)).exists()


def test_a_failing_journal_write_undoes_the_move(world, marc, monkeypatch):
    task = world[TASK]

    def broken(**kwargs):
        raise RuntimeError("journal unavailable")

    monkeypatch.setattr(transitions, "audit_log", broken)
    with pytest.raises(RuntimeError):
        with transaction.atomic():
            transitions.transition(TASK, task, to="done", actor=marc, action="task.done")
    assert TASK.model.objects.get(pk=task.pk).status == "open"


def test_a_failing_side_effect_after_commit_does_not_undo_the_move(
    world, marc, django_capture_on_commit_callbacks
):
    task = world[TASK]
    ran = []

    def effect():
        ran.append(True)
        raise RuntimeError("mail server down")

    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        transitions.transition(
            TASK, task, to="done", actor=marc, action="task.done", on_commit=[effect]
        )
    assert not ran, "side effects wait for the commit"
    assert len(callbacks) == 1
    with pytest.raises(RuntimeError):
        callbacks[0]()
    assert ran
    fresh = TASK.model.objects.get(pk=task.pk)
    assert fresh.status == "done"
    assert AuditEvent.objects.filter(action="task.done", object_id=str(task.pk)).exists()


def test_an_undeclared_journal_code_is_a_programming_error(world, marc):
    with pytest.raises(ValueError):
        transitions.transition(TASK, world[TASK], to="done", actor=marc, action="task.vanished")
    assert TASK.model.objects.get(pk=world[TASK].pk).status == "open"


def test_the_set_based_variant_refuses_a_source_the_table_does_not_allow(world):
    target = world[TARGET]
    TARGET.model.objects.filter(pk=target.pk).update(status="done")
    rows = TARGET.model.objects.filter(pk=target.pk)
    with pytest.raises(ValueError):  # done is final: nothing writes it back, even in bulk
        transitions.move_many(TARGET, rows, sources=["done"], to="pending")
    assert rows.get().status == "done"
    TARGET.model.objects.filter(pk=target.pk).update(status="pending")
    moved = transitions.move_many(
        TARGET, rows, sources=["pending", "claimed", "callback"], to="departed"
    )
    assert moved == 1
    assert rows.get().status == "departed"
