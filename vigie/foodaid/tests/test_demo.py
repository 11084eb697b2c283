"""The demo's lockdown distribution (foodaid/demo.py, run by seed_demo)."""

import io

import pytest
from django.core.management import call_command

from vigie.actions.models import Task
from vigie.foodaid.demo import PROGRAMME
from vigie.foodaid.models import DistributionSession, Enrolment, Programme, Record

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def only_this_modules_demo(monkeypatch):
    """This module's demo alone: another module's demo (its data, its failures) is its own
    test's business."""
    from vigie.foodaid import demo
    from vigie.housing.management.commands import seed_demo

    monkeypatch.setattr(seed_demo, "demo_modules", lambda: [demo])


def test_the_lockdown_distribution_is_seeded_once():
    out = io.StringIO()
    call_command("seed_demo", dwellings=1500, stdout=out)
    p = Programme.objects.get(name=PROGRAMME)
    assert sorted(s.name for s in p.sites.all()) == ["Bagatelle", "Tabar"]
    assert {pp.partner_organisation.name for pp in p.partners.all()} == {
        "Courses solidaires (association)",
        "Régie de quartier Bagatelle",
    }
    # Up to 112 households (the figure; the full demo's stock has them), only those
    # whose lease ran through the programme: a small stock (1,500 dwellings here) has fewer in
    # its two largest residences of Toulouse.
    enrolled = Enrolment.objects.filter(programme=p, status="enrolled").select_related(
        "household__dwelling__commune"
    )
    n = enrolled.count()
    assert 90 <= n <= 112
    for e in enrolled:
        h = e.household
        assert h.start_date <= p.starts_on and (h.end_date is None or h.end_date >= p.ends_on)
        assert h.departed_on is None or h.departed_on > p.ends_on
        assert e.consent_on >= h.start_date
        # Both residences in Toulouse, where the régie works and whose town funds it.
        assert h.dwelling.commune.name == "Toulouse"
    # The renamed residences are found by their new name (search_text written again).
    from vigie.housing.models import Household

    for name in ("tabar", "bagatelle"):
        assert Household.objects.filter(search_text__contains=name).exists()
    sessions = DistributionSession.objects.filter(programme=p)
    assert sessions.count() == 3 and sessions.filter(status="closed").count() == 2
    records = Record.objects.filter(session__programme=p)
    assert records.filter(result__in=("collected", "delivered")).count() > 50
    assert records.filter(
        result__in=("not_home", "wrong_address"), enrolment__mode="delivery"
    ).exists()
    assert Task.objects.filter(title__startswith="Aide alimentaire").exists()
    assert f"{n} ménages inscrits" in out.getvalue()
    # The funder's reader sees the programme's report, not its households.
    from django.test import Client

    from vigie.accounts.models import User

    client = Client()
    client.force_login(User.objects.get(username="financeur"))
    assert client.get(f"/aide-alimentaire/{p.pk}/bilan/").status_code == 200
    assert client.get(f"/aide-alimentaire/{p.pk}/").status_code == 403
    call_command("seed_demo", dwellings=1500, stdout=io.StringIO())
    assert Programme.objects.filter(name=PROGRAMME).count() == 1
    assert Enrolment.objects.filter(programme=p).count() == n
