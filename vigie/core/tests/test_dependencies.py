"""Dependencies run one way (issue #11 §4, docs/decisions/0012).

core ← accounts ← housing ← privacy ← campaigns ← actions: an app imports only the apps below
it. The order is written once, as the import-linter contract in pyproject.toml (also run by
`make lint` as `lint-imports`); these tests run it under `make test`, and add what import-linter
cannot see: dotted paths to a higher app written as strings (a "module:task" list in core is a
wrong-way dependency too), private names imported across apps, and views or API operations
that scope by hand instead of going through a selector.
"""

from __future__ import annotations

import ast
import re
import tomllib
from copy import deepcopy
from pathlib import Path

import grimp
import pytest
from importlinter.api import read_configuration
from importlinter.contracts.layers import LayersContract

import vigie

PACKAGE = Path(vigie.__file__).parent
PYPROJECT = PACKAGE.parent / "pyproject.toml"


def _layers_contract() -> tuple[LayersContract, dict]:
    config = read_configuration(str(PYPROJECT))
    (options,) = [c for c in config["contracts_options"] if c["id"] == "layers"]
    contract = LayersContract(
        name=options["name"],
        session_options=config["session_options"],
        contract_options=options,
    )
    return contract, config["session_options"]


@pytest.fixture(scope="module")
def graph() -> grimp.ImportGraph:
    session = tomllib.loads(PYPROJECT.read_text())["tool"]["importlinter"]
    return grimp.build_graph(
        "vigie",
        exclude_type_checking_imports=session.get("exclude_type_checking_imports", False),
        cache_dir=None,
    )


def _broken_routes(check) -> list[str]:
    lines = []
    for dep in check.metadata["invalid_dependencies"]:
        for route in dep["routes"]:
            chain = route["chain"]
            lines.append(" -> ".join([chain[0]["importer"]] + [link["imported"] for link in chain]))
    return lines


def test_every_import_follows_the_layers(graph):
    """A module importing an app above its own (lazily inside a function too) fails here."""
    contract, _session = _layers_contract()
    check = contract.check(deepcopy(graph), verbose=False)
    assert check.kept, "Imports against the layers (pyproject.toml):\n" + "\n".join(
        _broken_routes(check)
    )


@pytest.mark.parametrize(
    "importer, imported",
    [
        ("vigie.core.text", "vigie.housing.models"),  # core → an app
        ("vigie.accounts.services", "vigie.housing.models"),  # accounts → the register
        ("vigie.housing.services", "vigie.campaigns.models"),  # the register → a module
        ("vigie.privacy.services", "vigie.actions.models"),  # privacy → a module it serves
        ("vigie.campaigns.services", "vigie.actions.services"),  # calls → their follow-ups
    ],
)
def test_the_contract_catches_a_wrong_way_import(graph, importer, imported):
    """The test above can fail: the same contract on the same graph plus one wrong-way edge."""
    contract, _session = _layers_contract()
    wrong = deepcopy(graph)
    wrong.add_import(importer=importer, imported=imported, line_number=1, line_contents="import")
    check = contract.check(wrong, verbose=False)
    assert not check.kept
    assert any(r.startswith(importer) for r in _broken_routes(check))


def _layer_order() -> list[str]:
    """The apps, lowest first, as the contract lists them (composite layers skipped)."""
    options = tomllib.loads(PYPROJECT.read_text())["tool"]["importlinter"]["contracts"][0]
    apps = [layer for layer in options["layers"] if re.fullmatch(r"vigie\.[a-z_]+", layer)]
    return [a.split(".")[1] for a in reversed(apps)]


def test_every_app_has_its_place_in_the_layers():
    """A new app (mediation, food aid…) is placed in the contract before its first import:
    an app missing from the list would be free to import anything."""
    options = tomllib.loads(PYPROJECT.read_text())["tool"]["importlinter"]["contracts"][0]
    listed = {m for layer in options["layers"] for m in re.split(r"[|:]", layer)}
    listed = {m.strip().split(".")[1] for m in listed}
    apps = {p.parent.name for p in PACKAGE.glob("*/apps.py")}
    assert apps - listed == set()


def _app_sources(*, with_tests: bool = False):
    for path in sorted(PACKAGE.rglob("*.py")):
        rel = path.relative_to(PACKAGE)
        if len(rel.parts) < 2 or "migrations" in rel.parts:
            continue
        if "tests" in rel.parts and not with_tests:
            continue
        yield rel.parts[0], rel, ast.parse(path.read_text(), str(rel))


def _docstrings(tree: ast.AST) -> set[int]:
    ids = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Module | ast.ClassDef | ast.FunctionDef | ast.AsyncFunctionDef):
            body = node.body
            if body and isinstance(body[0], ast.Expr) and isinstance(body[0].value, ast.Constant):
                ids.add(id(body[0].value))
    return ids


DOTTED = re.compile(r"vigie\.([a-z_]+)\.[a-z_.]+(:[A-Za-z_]+)?")


def test_no_app_names_a_higher_app_module_in_a_string():
    """`"vigie.actions.tasks:actions_daily"` in core is the same wrong-way dependency as an
    import, hidden from import-linter: an app declares itself into core's registry instead."""
    order = _layer_order()
    rank = {app: i for i, app in enumerate(order)}
    found = []
    for app, rel, tree in _app_sources():
        if app not in rank:
            continue
        skip = _docstrings(tree)
        for node in ast.walk(tree):
            if isinstance(node, ast.Constant) and isinstance(node.value, str):
                if id(node) in skip:
                    continue
                m = DOTTED.fullmatch(node.value.strip())
                if m and rank.get(m.group(1), -1) > rank[app]:
                    found.append(f"{rel}:{node.lineno} « {node.value} »")
    assert not found, "Strings naming a module of a higher app:\n" + "\n".join(found)


def test_no_private_name_is_imported_from_another_app():
    """`from vigie.housing.views import _parse_date` ties privacy to housing's insides: a
    helper used by two apps is public, and lives in the lower one (core for generic ones)."""
    found = []
    for app, rel, tree in _app_sources(with_tests=True):
        for node in ast.walk(tree):
            if not (isinstance(node, ast.ImportFrom) and node.module):
                continue
            parts = node.module.split(".")
            if parts[0] != "vigie" or len(parts) < 2 or parts[1] == app:
                continue
            private_module = any(p.startswith("_") for p in parts[2:])
            for alias in node.names:
                if private_module or alias.name.startswith("_"):
                    found.append(f"{rel}:{node.lineno} {node.module}.{alias.name}")
    assert not found, "Private names imported from another app:\n" + "\n".join(found)


HAND_SCOPING = re.compile(r"\.scope\(|\bfull_org_ids\b|\bagency_ids\b")


def test_views_and_api_never_scope_by_hand():
    """Pages and API operations read through selectors that start from `visible_to` or from
    `core.selectors` (`organisations_where`, `agencies_visible`…), so a list, a form's choices
    and an endpoint cannot disagree about who sees what (issue #11 §2)."""
    entry_points = sorted(PACKAGE.glob("*/views*.py")) + sorted(PACKAGE.glob("*/api.py"))
    assert len(entry_points) > 8  # the glob finds the apps' modules
    found = []
    for path in entry_points:
        for number, line in enumerate(path.read_text().splitlines(), 1):
            code = line.split("#", 1)[0]
            if HAND_SCOPING.search(code):
                found.append(f"{path.relative_to(PACKAGE)}:{number}: {line.strip()}")
    assert not found, "Scoping by hand in a view or API module:\n" + "\n".join(found)


def test_daily_jobs_are_declared_by_their_apps():
    """`vigie daily` queues what the apps registered; core lists none of them itself."""
    from vigie.core import daily

    paths = {task.module_path for task in daily.jobs()}
    assert {"vigie.privacy.tasks.purge_task", "vigie.actions.tasks.actions_daily"} <= paths
