"""Who lands on the register (core/home.py): anyone who may read it and lands nowhere else."""

from vigie.core.home import register_landing
from vigie.core.permissions import Perm


def _register_reader(user) -> str | None:
    return "housing:households" if user.has_org_perm(Perm.HOUSEHOLD_VIEW) else None


register_landing("housing.register", _register_reader, order=90)
