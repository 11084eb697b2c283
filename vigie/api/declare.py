"""What every API operation declares: the permission it needs and the errors it may answer.

Each operation passes `**needs(Perm.X)` to its router decorator. `needs`:
- enforces it: the operation's authentication refuses (403, access-log row) a user who holds
  `Perm.X` in no organisation, before the input is read (vigie/api/auth.py, like `@requires`);
- puts it in the OpenAPI document (`x-vigie-permission`, so API users read it next to the
  operation);
- declares the error answers, all `{"detail": "phrase"}`: 401 no or bad credentials, 403 wrong
  role, 404 not visible (another organisation's object), 409 state conflict, 422 unusable input
  (with `errors`, one per refused parameter, when its form was wrong: vigie/api/errors.py).
`vigie/core/tests/test_matrix.py` fails for an operation that declares no permission, and
checks the declaration against what the operation really does for every role.
"""

from __future__ import annotations

from typing import Any

from ninja import Schema

PERMISSION_KEY = "x-vigie-permission"


class Detail(Schema):
    detail: str


class InvalidField(Schema):
    """One refused parameter (vigie/api/errors.py): where, pydantic's code, a French sentence."""

    loc: list[str | int]
    field: str
    type: str
    msg: str


class Invalid(Schema):
    """A 422: `detail` always; `errors` when parameters had the wrong form (one per error)."""

    detail: str
    errors: list[InvalidField] = []


ERRORS: dict[int, type[Schema]] = {
    400: Detail,
    401: Detail,
    403: Detail,
    404: Detail,
    409: Detail,
    422: Invalid,
}


def needs(perm: str, response: Any = None, **extra: Any) -> dict[str, Any]:
    """Router keyword arguments for an operation that requires `perm`.

    `response` is the success answer: a schema (then 200) or a {status: schema} dict; the
    error answers are added to it.
    """
    if response is None:
        responses: dict[int, Any] = {}
    elif isinstance(response, dict):
        responses = dict(response)
    else:
        responses = {200: response}
    from vigie.api.auth import auth_for

    openapi_extra = {**extra.pop("openapi_extra", {}), PERMISSION_KEY: perm}
    return {
        "response": {**responses, **ERRORS},
        "openapi_extra": openapi_extra,
        "auth": auth_for(perm),
        **extra,
    }
