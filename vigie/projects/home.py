"""Where a funder's users land: the projects their organisation co-funds (core/home.py)."""

from vigie.core.home import register_landing
from vigie.core.permissions import Role


def _funder(user) -> str | None:
    return "projects:portfolio" if user.roles() == {Role.FUNDER_VIEWER} else None


register_landing("projects.funder", _funder, order=40)
