"""The project's status machine (core/transitions.py)."""

from __future__ import annotations

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from vigie.core.transitions import StatusMachine
from vigie.projects.choices import PROJECT_TRANSITIONS
from vigie.projects.models import Project

PROJECT = StatusMachine(
    model=Project,
    table=PROJECT_TRANSITIONS,
    name=lambda p: _("Le projet « %(title)s »") % {"title": p.title},
    pronoun=gettext_lazy("il"),
)
