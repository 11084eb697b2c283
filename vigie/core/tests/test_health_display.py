"""What a page or an API answer prints of health data is decided by one helper,
`core.sensitivity.may_see_health(user, obj)` (issue #11 §2): no view, selector or API module
checks `household.view_sensitive` for an object by hand."""

import re
from pathlib import Path

from vigie.core.sensitivity import may_see_health

ROOT = Path(__file__).resolve().parents[2]
# `has_org_perm(Perm.HOUSEHOLD_VIEW_SENSITIVE, <organisation>)`: the per-object check by hand.
BY_HAND = re.compile(r"has_org_perm\(\s*(?:Perm\.HOUSEHOLD_VIEW_SENSITIVE|SENSITIVE_PERM)\s*,")


def test_no_module_checks_health_data_per_object_by_hand():
    offenders = []
    for path in ROOT.rglob("*.py"):
        rel = path.relative_to(ROOT).as_posix()
        if "/tests/" in rel or "/migrations/" in rel or "/services/" in rel:
            continue  # services refuse with their own sentence (require_org_perm)
        if rel == "core/sensitivity.py":
            continue
        if BY_HAND.search(path.read_text()):
            offenders.append(rel)
    assert not offenders, f"use core.sensitivity.may_see_health(user, obj) in: {offenders}"


class _User:
    is_authenticated = True

    def __init__(self, allowed):
        self.allowed = allowed

    def has_org_perm(self, perm, org_id=None):
        return perm == "household.view_sensitive" and org_id in self.allowed


class _Obj:
    def __init__(self, organisation_id):
        self.organisation_id = organisation_id


def test_may_see_health_is_per_organisation():
    user = _User({1})
    assert may_see_health(user, _Obj(1)) and may_see_health(user, 1)
    assert not may_see_health(user, _Obj(2)) and not may_see_health(user, _Obj(None))


def test_nobody_anonymous_sees_health_data():
    user = _User({1})
    user.is_authenticated = False
    assert not may_see_health(user, _Obj(1))
