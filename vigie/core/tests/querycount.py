"""One helper for the query-count tests of list pages and API lists (issue #6 §4).

A page is loaded once to warm caches (session, content types), then with a small data set, then
— after `grow()` adds many more rows of every kind the page shows — with the large one. The
large load must run no more queries than the small one: a count that grows with the rows is an
N+1. The count itself is not pinned (SQLite and PostgreSQL differ by a savepoint or two).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.test import Client

from vigie.accounts.models import ApiToken


def client_for(user) -> Client:
    c = Client()
    c.force_login(user)  # also marks the sign-in time: exports need no second password
    return c


def api_client(user) -> Client:
    _token, raw = ApiToken.issue(user=user, name="query-counts")
    return Client(headers={"Authorization": f"Bearer {raw}"})


def assert_constant(
    django_assert_max_num_queries,
    get: Callable[[], Any],
    grow: Callable[[], Any],
    *,
    first_max: int = 60,
) -> tuple[Any, Any]:
    """Queries of `get()` after `grow()` are at most those before it; returns both responses.

    `first_max` only bounds the small load, so that a runaway page fails loudly too.
    """
    get()  # warm caches
    with django_assert_max_num_queries(first_max) as small:
        before = get()
    # Read now: the next request outside a capture resets Django's query log.
    n_small = len(small.captured_queries)
    grow()
    with django_assert_max_num_queries(n_small):
        after = get()
    return before, after


def add_history(household, *, campaign, manager, callers, partner, n: int) -> None:
    """`n` calls to `household` in `campaign` by `callers` in turn, each raising needs that are
    followed up: groceries referred to `partner`, a building problem reported to the agency, a
    task on the health need. What the household page, the console and a person's page show."""
    from datetime import timedelta

    from django.utils import timezone

    from vigie.actions.services import referral_create, task_create, ticket_from_need
    from vigie.campaigns.choices import AttemptResult, NeedKind, Outcome
    from vigie.campaigns.models import Attempt, Need, Target

    target = Target.objects.get(campaign=campaign, household=household)
    now = timezone.now()
    kinds = [NeedKind.GROCERIES, NeedKind.HOUSING_PROBLEM, NeedKind.HEALTH]
    categories = ["cleaning", "lighting", "lift", "heating", "water"]
    attempts = Attempt.objects.bulk_create(
        Attempt(
            organisation_id=household.organisation_id,
            campaign=campaign,
            target=target,
            caller=callers[i % len(callers)],
            started_at=now - timedelta(days=n - i),
            ended_at=now - timedelta(days=n - i, minutes=-4),
            result=AttemptResult.REACHED,
            outcome=Outcome.NEEDS_FOLLOW_UP,
            needs=kinds,
            notes=f"appel {i}",
        )
        for i in range(n)
    )
    for i, a in enumerate(attempts):
        groceries, housing, health = Need.objects.bulk_create(
            Need(
                organisation_id=household.organisation_id,
                household=household,
                attempt=a,
                kind=k,
                created_by=a.caller,
            )
            for k in kinds
        )
        referral_create(actor=manager, need=groceries, partner=partner, note=f"courses {i}")
        ticket_from_need(actor=manager, need=housing, category=categories[i % len(categories)])
        task_create(
            actor=manager,
            organisation_id=household.organisation_id,
            title=f"Suivi {i}",
            due_on=timezone.localdate(),
            owner=callers[i % len(callers)],
            need=health,
        )
