"""List parameters the database cannot take are refused with 422, not a server error."""

import pytest

from vigie.accounts.models import ApiToken

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    "path",
    ["/api/v1/needs", "/api/v1/referrals", "/api/v1/tickets", "/api/v1/tasks", "/api/v1/partners"],
)
def test_huge_offset_or_limit_is_a_422(client, marc, path):
    _t, raw = ApiToken.issue(user=marc)
    headers = {"Authorization": f"Bearer {raw}"}
    r = client.get(
        path, {"offset": "1392627196444792854675456", "limit": "33358510032685276"}, headers=headers
    )
    assert r.status_code == 422 and "detail" in r.json()
    assert client.get(path, {"offset": "0", "limit": "10"}, headers=headers).status_code == 200


def test_an_id_past_the_database_range_is_a_422(client, marc):
    _t, raw = ApiToken.issue(user=marc)
    headers = {"Authorization": f"Bearer {raw}"}
    r = client.get("/api/v1/referrals", {"partner_id": "1275624014172498690048"}, headers=headers)
    # SQLite cannot bind such a number (422 with a sentence); PostgreSQL compares it as a numeric
    # and finds nothing (200, empty). Never a server error.
    if r.status_code == 422:
        assert "dépasse" in r.json()["detail"]
    else:
        assert r.status_code == 200 and r.json() == []
