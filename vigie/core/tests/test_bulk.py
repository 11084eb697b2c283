"""core.bulk.bulk_update_fast writes what the ORM would (dates, foreign keys, NULLs, booleans,
text), only the fields named, in one prepared statement per batch."""

from __future__ import annotations

from datetime import date

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from vigie.core.bulk import bulk_update_fast
from vigie.housing.models import Household
from vigie.housing.tests.factories import DwellingFactory, make_household

pytestmark = pytest.mark.django_db


def test_writes_the_named_fields_like_the_orm(landlord_a):
    households = [make_household(landlord_a, [{"last_name": f"N{i}"}]) for i in range(5)]
    other = DwellingFactory(organisation=landlord_a)
    for i, h in enumerate(households):
        h.departed_on = date(2026, 1, i + 1) if i % 2 else None
        h.dwelling = other
        h.has_phone = True
        h.search_text = f"é {i}"
        h.reference = "NOT-WRITTEN"  # not among the fields named
    with CaptureQueriesContext(connection) as queries:
        assert (
            bulk_update_fast(
                households, ["departed_on", "dwelling", "has_phone", "search_text"], batch_size=2
            )
            == 5
        )
    assert len(queries) <= 3  # one statement per batch (executemany)
    for i, h in enumerate(
        Household.objects.filter(pk__in=[h.pk for h in households]).order_by("pk")
    ):
        assert h.departed_on == (date(2026, 1, i + 1) if i % 2 else None)
        assert h.dwelling_id == other.pk and h.has_phone and h.search_text == f"é {i}"
        assert h.reference != "NOT-WRITTEN"


def test_nothing_to_write(landlord_a):
    assert bulk_update_fast([], ["departed_on"]) == 0
