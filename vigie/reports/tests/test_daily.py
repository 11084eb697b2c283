"""The nightly run: `vigie daily` queues the alert run, which covers every landlord."""

from __future__ import annotations

import pytest

from vigie.core import daily
from vigie.reports.models import Alert
from vigie.reports.tasks import alerts_daily
from vigie.reports.tests.world import frozen_today, plant

pytestmark = pytest.mark.django_db


def test_the_alert_run_is_a_daily_job_for_every_landlord(landlord_a, landlord_b, marc):
    assert alerts_daily in daily.jobs()
    a = plant(landlord_a, marc)
    b = plant(landlord_b, None)
    with frozen_today():
        result = alerts_daily.call()
    expected = sum(len(k) for k in a.expected.values()) + sum(len(k) for k in b.expected.values())
    assert result == {"raised": expected}
    assert Alert.objects.filter(organisation=landlord_b).exists()
    with frozen_today():
        assert alerts_daily.call() == {"raised": 0}
