"""The journal's codes: what each means in French, and who may read it (issue #10 §3, #11 §3).

Every `audit_log(action=…)` code is declared once, by the app that writes it, in its own
`journal.py` (imported from its `AppConfig.ready()`), never here:

    from vigie.core.journal import register
    register("referral.sent", label=_("Orientation envoyée au partenaire"), perm=Perm.REFERRAL_VIEW)

`label` is a lazy gettext sentence; it may name payload keys (`%(questions)s`), filled from the
row's payload when shown (a missing key reads "—"). `perm` is the permission a viewer must hold
*in the row's organisation* to see the entry on a page; the data-protection officer
(`audit.view`) reads every entry. A code nobody registered is never shown, and
`core/tests/test_journal.py` fails if the source writes one.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from vigie.core.permissions import Perm


@dataclass(frozen=True)
class JournalCode:
    code: str
    label: Any  # a lazy gettext string
    perm: str


_CODES: dict[str, JournalCode] = {}


def register(code: str, *, label: Any, perm: str) -> JournalCode:
    """Declare a journal code; declaring it twice the same way is harmless (module reloads)."""
    known = _CODES.get(code)
    if known is not None and (known.label != label or known.perm != perm):
        raise ValueError(f"Journal code {code!r} is already declared differently.")
    entry = JournalCode(code=code, label=label, perm=perm)
    _CODES[code] = entry
    return entry


def is_registered(code: str) -> bool:
    return code in _CODES


def codes() -> dict[str, JournalCode]:
    return dict(_CODES)


class _Params(dict):
    def __missing__(self, key: str) -> str:
        return "—"


def label_of(action: str, payload: dict[str, Any] | None = None) -> str:
    """The entry's French sentence. Only for a registered code (see `may_see`)."""
    label = str(_CODES[action].label)
    if "%(" not in label:
        return label
    params = _Params({k: v for k, v in (payload or {}).items() if isinstance(v, (str, int))})
    return label % params


def may_see(user: Any, action: str, organisation_id: int | None) -> bool:
    """Whether `user` may read a journal row with this code of this organisation."""
    entry = _CODES.get(action)
    if entry is None or organisation_id is None:
        return False
    return user.has_org_perm(entry.perm, organisation_id) or user.has_org_perm(
        Perm.AUDIT_VIEW, organisation_id
    )
