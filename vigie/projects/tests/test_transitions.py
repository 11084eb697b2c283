"""The project's status machine, as actions/tests/test_transitions.py checks the others: every
pair outside the table refused with a sentence and nothing written, every pair inside accepted
through `project_move` and journalled with its code."""

from __future__ import annotations

import pytest

from vigie.core.errors import ConflictError, DomainError
from vigie.core.models import AuditEvent
from vigie.projects import services
from vigie.projects.choices import PROJECT_TRANSITIONS, ProjectStatus
from vigie.projects.models import Project
from vigie.projects.transitions import PROJECT

pytestmark = pytest.mark.django_db


def test_the_table_names_every_status():
    assert set(PROJECT_TRANSITIONS) == set(ProjectStatus.values)
    assert set(services.MOVE_CODES) == {t for ts in PROJECT_TRANSITIONS.values() for t in ts}


def test_every_move_outside_the_table_is_refused(marc, creche):
    statuses = ProjectStatus.values
    before_journal = AuditEvent.objects.count()
    for before in statuses:
        for after in statuses:
            if after in PROJECT_TRANSITIONS[before]:
                continue
            Project.objects.filter(pk=creche.pk).update(status=before)
            with pytest.raises(ConflictError) as caught:
                services.project_move(actor=marc, project=creche, to=after)
            assert f"« {PROJECT.label(after)} »" in caught.value.message
            assert Project.objects.get(pk=creche.pk).status == before
    assert AuditEvent.objects.count() == before_journal


def test_every_move_in_the_table_goes_through_and_is_journalled(marc, creche):
    for before, targets in PROJECT_TRANSITIONS.items():
        for after in sorted(targets):
            Project.objects.filter(pk=creche.pk).update(status=before)
            services.project_move(actor=marc, project=creche, to=after)
            assert Project.objects.get(pk=creche.pk).status == after
            row = AuditEvent.objects.filter(object_id=str(creche.pk)).latest("id")
            assert row.action == services.MOVE_CODES[after]
            assert row.payload == {"from": before, "to": after}


def test_an_unknown_status_is_a_422(marc, creche):
    with pytest.raises(DomainError) as caught:
        services.project_move(actor=marc, project=creche, to="paused")
    assert caught.value.status_code == 422
