"""Fixtures for the campaigns tests that need real concurrent connections."""

from __future__ import annotations

import pytest


@pytest.fixture
def restore_reference_data(request, django_db_blocker):
    """Transactional tests end by emptying every table, reference communes included.

    Request this fixture *before* `transactional_db` in the test's arguments, without a
    `django_db` marker (the marker would set the database up first): its finalizer then runs
    after the flush and reloads the communes, so later tests still find them.
    """

    def reload() -> None:
        from vigie.housing.communes import load_communes
        from vigie.housing.models import Commune, PostcodeCommune

        with django_db_blocker.unblock():
            if Commune.objects.count() < 1000:
                load_communes(Commune, PostcodeCommune)

    request.addfinalizer(reload)
