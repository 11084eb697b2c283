"""Where the modules plug their figures into the landlord's dashboard (docs/decisions/0016).

The reports app sits above every module (mediation, food aid, projects) in the dependency
layers, and does not import their code: it reads the `DASHBOARD_BLOCKS` list of every
installed app's `dashboard` module, if it has one. The module writes plain data and functions
and never imports `vigie.reports`:

    # vigie/foodaid/dashboard.py
    def food_aid_figures(user, start, end) -> list[dict]:
        qs = Enrolment.objects.visible_to(user, FOODAID_VIEW)
        return [{"key": "households_reached", "label": _("Ménages servis"),
                 "value": qs.filter(...).count(),
                 "how": _("Ménages ayant retiré au moins un colis entre les deux dates.")}]

    DASHBOARD_BLOCKS = [
        {"key": "foodaid", "title": _("Aide alimentaire"), "perm": FOODAID_VIEW,
         "figures": food_aid_figures, "order": 30, "public": True},
    ]

A block shows to a user holding `perm` somewhere; its function reads through `visible_to` like
any page, so the organisation walls and the health wall apply. Each figure says how it is
computed (`how`, shown under « comment ce chiffre est calculé »). `public: True` blocks are
also published on the funders' page, through `core.smallcells.suppress` (their figures must be
counts of people). `register()` is for code that may import reports (its own tests).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from importlib import import_module
from typing import Any

from django.apps import apps


@dataclass(frozen=True)
class DashboardBlock:
    key: str
    title: Any
    perm: str
    figures: Callable[[Any, date, date], list[dict[str, Any]]]
    order: int = 50
    public: bool = False
    extra: dict[str, Any] = field(default_factory=dict)


_EXTRA: dict[str, DashboardBlock] = {}


def register(block: DashboardBlock) -> DashboardBlock:
    """For code that may import reports (tests, reports itself)."""
    known = _EXTRA.get(block.key)
    if known is not None and known != block:
        raise ValueError(f"dashboard block {block.key!r} is already declared differently.")
    _EXTRA[block.key] = block
    return block


def unregister(key: str) -> None:
    _EXTRA.pop(key, None)


def blocks() -> list[DashboardBlock]:
    """Every block: those registered here and each installed app's `dashboard.DASHBOARD_BLOCKS`."""
    out = dict(_EXTRA)
    for config in apps.get_app_configs():
        if not config.name.startswith("vigie.") or config.name == "vigie.reports":
            continue
        try:
            module = import_module(f"{config.name}.dashboard")
        except ModuleNotFoundError as exc:
            if exc.name != f"{config.name}.dashboard":
                raise
            continue
        for raw in getattr(module, "DASHBOARD_BLOCKS", ()):
            block = raw if isinstance(raw, DashboardBlock) else DashboardBlock(**raw)
            out.setdefault(block.key, block)
    return sorted(out.values(), key=lambda b: (b.order, b.key))


def blocks_for(user: Any, start: date, end: date, *, public_only: bool = False) -> list[dict]:
    """The blocks `user` may read, computed: [{"key", "title", "figures": [...]}]."""
    out = []
    for block in blocks():
        if public_only and not block.public:
            continue
        if not user.has_org_perm(block.perm):
            continue
        figures = [dict(f) for f in block.figures(user, start, end)]
        out.append({"key": block.key, "title": str(block.title), "figures": figures})
    return out
