"""Register pages not covered by test_query_counts.py: constant query counts with real history.

Issue #6 §4. The household page with its timeline (calls, needs, referrals, building reports,
tasks, audit events), the import runs of several people, a run's detail and the household API.
Each test loads a page with a small data set, then with a large one, and asserts the second
load runs no more queries than the first (vigie/core/tests/querycount.py).
"""

from __future__ import annotations

import pytest
from django.urls import reverse
from django.utils import timezone

from vigie.actions.services import partner_create
from vigie.campaigns.tests.factories import OLD, running_campaign
from vigie.conftest import make_user
from vigie.core.permissions import Role
from vigie.core.services import audit_log
from vigie.core.tests.querycount import add_history, api_client, assert_constant, client_for
from vigie.housing.choices import ImportStatus, OccupantRole
from vigie.housing.models import ImportRun
from vigie.housing.tests.factories import OccupantFactory, make_household

pytestmark = pytest.mark.django_db


@pytest.fixture
def followed(landlord_a, partner_org, marc, claire):
    """A household called once, its needs followed up; the partner to refer to."""
    h = make_household(landlord_a, [dict(OLD, last_name="DUPONT")])
    campaign = running_campaign(landlord_a, marc)
    partner = partner_create(
        actor=marc,
        organisation=landlord_a,
        partner_organisation=partner_org,
        name="CCAS de Toulouse",
        kind="ccas",
        services=["groceries"],
        communes=["31555"],
    )
    add_history(h, campaign=campaign, manager=marc, callers=[claire], partner=partner, n=1)
    return h, campaign, partner


def _grow_history(h, campaign, partner, marc, landlord):
    def grow():
        callers = [make_user(f"appelant{i}", landlord, Role.CALLER) for i in range(3)]
        add_history(h, campaign=campaign, manager=marc, callers=callers, partner=partner, n=24)
        for i in range(6):
            OccupantFactory(
                household=h,
                organisation=landlord,
                position=10 + i,
                role=OccupantRole.CHILD if i % 2 else OccupantRole.CO_LEASEHOLDER,
                last_name=f"OCCUPANT{i}",
            )
        for i in range(20):
            audit_log(
                actor=callers[i % 3], action="occupant.contact_updated", obj=h, payload={"i": i}
            )

    return grow


@pytest.mark.parametrize("who", ["marc", "amina"])
def test_household_page_is_constant_in_its_history(
    who, followed, landlord_a, marc, amina, django_assert_max_num_queries
):
    """Marc (manager) and Amina (administrator: audit and rights links too)."""
    h, campaign, partner = followed
    c = client_for(marc if who == "marc" else amina)
    url = reverse("housing:household", args=[h.pk])
    _small, r = assert_constant(
        django_assert_max_num_queries,
        lambda: c.get(url),
        _grow_history(h, campaign, partner, marc, landlord_a),
    )
    body = r.content.decode()
    assert (
        r.status_code == 200 and "OCCUPANT5" in body and body.count("Coordonnées corrigées") >= 20
    )
    if who == "marc":  # the administrator does not follow calls up
        assert "Suivi 23" in body and "appel 23" in body


def test_api_household_is_constant_in_occupants_and_needs(
    followed, landlord_a, marc, django_assert_max_num_queries
):
    h, campaign, partner = followed
    c = api_client(marc)
    url = f"/api/v1/households/{h.pk}"
    _small, r = assert_constant(
        django_assert_max_num_queries,
        lambda: c.get(url),
        _grow_history(h, campaign, partner, marc, landlord_a),
    )
    assert r.status_code == 200 and len(r.json()["occupants"]) == 7


def test_import_list_is_constant_in_runs_of_several_people(
    landlord_a, amina, marc, django_assert_max_num_queries
):
    def runs(n, users):
        ImportRun.objects.bulk_create(
            ImportRun(
                organisation=landlord_a,
                user=users[i % len(users)],
                file_name=f"export-{i}.csv",
                file_sha256="0" * 64,
                rows=10 + i,
                status=[ImportStatus.IMPORTED, ImportStatus.REFUSED][i % 2],
                finished_at=timezone.now(),
            )
            for i in range(n)
        )

    runs(2, [amina])
    c = client_for(amina)
    url = reverse("housing:imports")
    others = [make_user(f"admin{i}", landlord_a, Role.ADMIN) for i in range(4)]
    _small, r = assert_constant(
        django_assert_max_num_queries, lambda: c.get(url), lambda: runs(30, others + [amina])
    )
    assert r.status_code == 200 and "admin3" in r.content.decode()


def test_import_run_is_constant_in_errors_and_warnings(
    landlord_a, amina, django_assert_max_num_queries
):
    """A run's errors and warnings are stored with it (JSON): no query per line."""

    def problems(n):
        return [{"line": i, "field": "telephone", "message": f"problème {i}"} for i in range(n)]

    run = ImportRun.objects.create(
        organisation=landlord_a,
        user=amina,
        file_name="export.csv",
        file_sha256="0" * 64,
        status=ImportStatus.IMPORTED,
        errors=problems(1),
        warnings=problems(1),
    )
    c = client_for(amina)
    url = reverse("housing:import_run", args=[run.pk])

    def grow():
        ImportRun.objects.filter(pk=run.pk).update(errors=problems(150), warnings=problems(150))

    _small, r = assert_constant(django_assert_max_num_queries, lambda: c.get(url), grow)
    assert r.status_code == 200 and "problème 149" in r.content.decode()
