"""Replay of the 2020 lockdown campaign through the API.

The story's landlord: 12,000 dwellings of realistic make-up (VIGIE_REPLAY_DWELLINGS=1200 for a
quick local run), the 2020 waves, three callers working the queue at the
same time until it answers 204, about 70 % reassuring calls — and the stats must equal what
the attempts say.
"""

from __future__ import annotations

import os
import random
import threading

from django.db import connections
from django.db.models import Count, Q
from django.test import Client

from vigie.accounts.models import ApiToken, Membership, User
from vigie.campaigns.models import Attempt, Target
from vigie.campaigns.tests.factories import WAVES_2020, bulk_landlord
from vigie.core.models import Organisation, OrganisationKind
from vigie.core.permissions import Role

DWELLINGS = int(os.environ.get("VIGIE_REPLAY_DWELLINGS", "12000"))
NEEDS = ["groceries", "meal_delivery", "medication", "isolation", "housing_problem"]


def _client(user) -> Client:
    _t, raw = ApiToken.issue(user=user)
    return Client(headers={"Authorization": f"Bearer {raw}"})


def _post(client, path, data=None):
    return client.post(path, data=data or {}, content_type="application/json")


def test_replay_2020_lockdown(restore_reference_data, transactional_db):
    org = Organisation.objects.create(
        slug="esh", name="ESH Occitanie", kind=OrganisationKind.LANDLORD
    )
    bulk_landlord(org, dwellings=DWELLINGS, seed=2020)
    manager = User.objects.create(username="responsable")
    Membership.objects.create(user=manager, organisation=org, role=Role.MANAGER)
    callers = []
    for name in ("appelante1", "appelante2", "appelant3"):
        u = User.objects.create(username=name)
        Membership.objects.create(user=u, organisation=org, role=Role.CALLER)
        callers.append(u)

    m = _client(manager)
    r = _post(
        m, "/api/v1/campaigns", {"name": "Confinement", "as_of": "2020-03-17", "waves": WAVES_2020}
    )
    assert r.status_code == 201, r.content
    cid = r.json()["id"]
    built = _post(m, f"/api/v1/campaigns/{cid}/build").json()
    scale = DWELLINGS / 12000
    sizes = {w["name"]: w["targets"] for w in built["waves"]}
    # The story's waves, at this landlord's scale (±35 %: the generator is random).
    for name, story in (
        ("75 ans et plus", 1000),
        ("70 à 74 ans", 400),
        ("Familles monoparentales", 500),
        ("Handicap", 650),
    ):
        assert 0.65 * story * scale <= sizes[name] <= 1.35 * story * scale, (name, sizes[name])
    assert built["opted_out"] > 0 and built["no_phone"] > 0
    assert _post(m, f"/api/v1/campaigns/{cid}/start").status_code == 200

    errors: list[BaseException] = []

    def work(caller, seed):
        rng = random.Random(seed)
        client = _client(caller)
        try:
            while True:
                r = _post(client, f"/api/v1/campaigns/{cid}/next-call")
                if r.status_code == 204:
                    break
                assert r.status_code == 200, r.content
                tid = r.json()["target_id"]
                roll = rng.random()
                if roll < 0.70:
                    body = {"result": "reached", "outcome": "reassuring"}
                elif roll < 0.92:
                    body = {
                        "result": "reached",
                        "outcome": "needs_follow_up",
                        "needs": rng.sample(NEEDS, rng.randint(1, 2)),
                    }
                else:
                    body = {"result": rng.choice(["no_answer", "busy", "voicemail"])}
                r = _post(client, f"/api/v1/targets/{tid}/attempts", body)
                assert r.status_code == 201, r.content
        except BaseException as exc:  # noqa: BLE001 — reported to the main thread
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=work, args=(c, i)) for i, c in enumerate(callers)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(1200)
    assert not errors, errors

    stats = m.get(f"/api/v1/campaigns/{cid}/stats").json()
    attempts = Attempt.objects.filter(campaign_id=cid)
    truth = attempts.aggregate(
        total=Count("id"),
        reached=Count("target", filter=Q(result="reached"), distinct=True),
        reassuring=Count("id", filter=Q(outcome="reassuring")),
        needs_follow_up=Count("id", filter=Q(outcome="needs_follow_up")),
        unanswered=Count("target", filter=~Q(result="reached"), distinct=True),
    )
    assert stats["targets"] == built["targets"]
    assert stats["reached"] == truth["reached"]
    assert stats["reassuring"] == truth["reassuring"]
    assert stats["needs_follow_up"] == truth["needs_follow_up"]
    assert stats["reached"] == stats["reassuring"] + stats["needs_follow_up"]
    # Every household was called; the unanswered ones wait for their retry (2 h later).
    assert (
        stats["remaining"]
        == truth["unanswered"]
        == Target.objects.filter(campaign_id=cid, status="pending").count()
    )
    assert (
        stats["reached"] + stats["remaining"] + stats["not_reached"] + stats["refused"]
        == stats["targets"]
    )
    assert sum(c["attempts"] for c in stats["callers"]) == truth["total"] == stats["targets"]
    assert {c["username"] for c in stats["callers"]} == {c.username for c in callers}
    assert all(c["attempts"] > 0 for c in stats["callers"])
    for key in ("targets", "reached", "reassuring", "needs_follow_up", "remaining"):
        assert sum(w[key] for w in stats["waves"]) == stats[key], key
    assert 0.62 <= stats["reassuring"] / stats["targets"] <= 0.78
