"""The demo's mediation centre (mediation/demo.py, run by seed_demo): cases that read like
real ones — each its own (synthetic) story, referred over the past months, not all today."""

import io
from datetime import timedelta

import pytest
from django.core.management import call_command
from django.utils import timezone

from vigie.mediation.models import Case, Party, Session

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def only_this_modules_demo(monkeypatch):
    from vigie.housing.management.commands import seed_demo
    from vigie.mediation import demo

    monkeypatch.setattr(seed_demo, "demo_modules", lambda: [demo])


def test_the_demo_cases_have_their_own_stories_and_dates():
    call_command("seed_demo", dwellings=300, stdout=io.StringIO())
    today = timezone.localdate()
    cases = list(Case.objects.all())
    assert len(cases) >= 15
    summaries = [c.summary for c in cases]
    assert len(set(summaries)) == len(summaries), "every case tells its own story"
    assert not any("démonstration" in s for s in summaries)
    referred = sorted(c.referred_on for c in cases)
    assert sum(d > today - timedelta(days=7) for d in referred) <= 3, referred
    assert (today - referred[0]).days > 300 and len(set(referred)) == len(referred)
    for c in cases:
        steps = [d for d in (c.referred_on, c.answered_on, c.opened_on, c.closed_on) if d]
        assert steps == sorted(steps) and steps[-1] <= today, (c.pk, steps)
        for p in Party.objects.filter(case=c, consent_on__isnull=False):
            assert c.referred_on <= p.consent_on <= today, (c.pk, p.consent_on)
        if c.closed_on:
            for s in Session.objects.filter(case=c):
                assert c.opened_on <= timezone.localtime(s.starts_at).date() <= c.closed_on
