"""The journal's codes are all declared, in French, with the permission that reads them.

Reads the source: every `audit_log(action=…)` must be a fixed code (a string, a choice between
strings, a module-level dict of strings, or a parameter its callers fill with strings — never an
f-string), and every such code must be declared by its app (`core/journal.py`, issue #10 §3).
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

import vigie
from vigie.core import journal

SOURCE = Path(vigie.__file__).parent
CODE = re.compile(r"^[a-z_]+\.[a-z_]+$")


def _sources():
    for path in sorted(SOURCE.rglob("*.py")):
        parts = set(path.relative_to(SOURCE).parts)
        if "tests" in parts or "migrations" in parts:
            continue
        yield path, ast.parse(path.read_text(encoding="utf-8"))


def _name(call: ast.Call) -> str:
    f = call.func
    return f.attr if isinstance(f, ast.Attribute) else getattr(f, "id", "")


def _module_dicts(tree: ast.Module) -> dict[str, ast.Dict]:
    return {
        t.id: node.value
        for node in tree.body
        if isinstance(node, ast.Assign) and isinstance(node.value, ast.Dict)
        for t in node.targets
        if isinstance(t, ast.Name)
    }


def _codes_of(expr: ast.expr, dicts: dict[str, ast.Dict], params: set[str]) -> list[str] | None:
    """The fixed codes `expr` may take, [] for a pass-through parameter, None if not fixed."""
    if isinstance(expr, ast.Constant) and isinstance(expr.value, str):
        return [expr.value]
    if isinstance(expr, ast.IfExp):
        a, b = _codes_of(expr.body, dicts, params), _codes_of(expr.orelse, dicts, params)
        return None if a is None or b is None else a + b
    if isinstance(expr, ast.Subscript) and isinstance(expr.value, ast.Name):
        table = dicts.get(expr.value.id)
        if table is None:
            return None
        found = [_codes_of(v, dicts, params) for v in table.values]
        return None if any(f is None for f in found) else [c for f in found for c in f]
    if isinstance(expr, ast.Name) and expr.id in params:
        return []
    return None


def _audit_codes() -> tuple[dict[str, list[str]], list[str]]:
    """{code: [where…]} of every code written, and the places that build one at run time."""
    trees = list(_sources())
    relays = {"audit_log"}  # functions whose `action` parameter reaches audit_log
    written: dict[str, list[str]] = {}
    unfixed: list[str] = []
    for _round in range(3):  # a relay of a relay
        for path, tree in trees:
            dicts = _module_dicts(tree)
            for fn in ast.walk(tree):
                if not isinstance(fn, ast.FunctionDef | ast.AsyncFunctionDef):
                    continue
                params = {a.arg for a in fn.args.args + fn.args.kwonlyargs}
                for call in ast.walk(fn):
                    if not isinstance(call, ast.Call) or _name(call) not in relays:
                        continue
                    for kw in call.keywords:
                        if kw.arg != "action":
                            continue
                        where = f"{path.relative_to(SOURCE)}:{call.lineno}"
                        codes = _codes_of(kw.value, dicts, params)
                        if codes is None:
                            if where not in unfixed:
                                unfixed.append(where)
                        elif codes == [] and fn.name not in ("audit_log",):
                            relays.add(fn.name)
                        for c in codes or []:
                            written.setdefault(c, [])
                            if where not in written[c]:
                                written[c].append(where)
    return written, unfixed


def test_every_journal_code_written_is_fixed_and_declared():
    written, unfixed = _audit_codes()
    assert not unfixed, f"journal codes built at run time (use fixed codes): {unfixed}"
    # The reading found the codes of every app, including those passed through a helper.
    assert {"referral.sent", "subject.exported", "campaign.started", "task.done"} <= set(written)
    missing = {c: w for c, w in written.items() if not journal.is_registered(c)}
    assert not missing, (
        f"journal codes without a label: declare them in the app's journal.py: {missing}"
    )
    malformed = [c for c in written if not CODE.match(c)]
    assert not malformed


def test_every_declared_code_has_a_french_sentence_and_a_known_permission():
    from vigie.core.permissions import DENIED_SENTENCES, Perm

    # Core's names, and the permissions apps declare themselves (core.permissions.declare).
    perms = {v for k, v in vars(Perm).items() if k.isupper()} | set(DENIED_SENTENCES)
    for code, entry in journal.codes().items():
        label = str(entry.label)
        assert label and not CODE.match(label) and code not in label, code
        assert entry.perm in perms, code


def test_declaring_a_code_twice_differently_is_refused():
    import pytest

    journal.register(
        "referral.sent", label=journal.codes()["referral.sent"].label, perm="referral.view"
    )
    with pytest.raises(ValueError):
        journal.register("referral.sent", label="autre chose", perm="referral.view")
