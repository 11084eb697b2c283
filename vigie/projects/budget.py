"""The action's budget in the layout French funders use (CERFA n° 15059, compte rendu financier).

An account of the French chart of accounts (plan comptable associatif) of 2 to 6 digits is a
line of the action's budget when its first two digits are:

- 60 to 68: charges (purchases, services, taxes, staff, depreciation…);
- 70 to 78: resources (sales, subsidies — 74, one line per funder —, other income…);
- 86 or 87: voluntary contributions in kind (86 their use, 87 the contributions received).

Anything else (a balance-sheet account, 69 or 79, a letter) is refused with a sentence. The
co-financing plan balances when charges (60–68) equal resources (70–78), and 86 equals 87.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal

from django.utils.translation import gettext as _

from vigie.core.errors import DomainError
from vigie.projects.choices import BudgetNature

_ACCOUNT = re.compile(r"^[0-9]{2,6}$")


class BudgetInputError(DomainError):
    """A budget line the CERFA layout cannot take: HTTP 422."""

    status_code = 422


def nature_of(account: str) -> str:
    """The nature of a budget account, or a `BudgetInputError` saying why it is not one."""
    account = (account or "").strip()
    if not _ACCOUNT.match(account):
        raise BudgetInputError(
            _(
                "Compte « %(account)s » refusé : un compte du budget de l'action s'écrit avec "
                "2 à 6 chiffres (par exemple 606 ou 7411)."
            )
            % {"account": account},
            field="account",
        )
    head = int(account[:2])
    if 60 <= head <= 68:
        return BudgetNature.CHARGE
    if 70 <= head <= 78:
        return BudgetNature.RESOURCE
    if head in (86, 87):
        return BudgetNature.CONTRIBUTION
    raise BudgetInputError(
        _(
            "Compte « %(account)s » refusé : le budget d'une action ne prend que les charges "
            "(comptes 60 à 68), les produits (70 à 78) et les contributions volontaires en "
            "nature (86 et 87)."
        )
        % {"account": account},
        field="account",
    )


def is_subsidy(account: str) -> bool:
    """A subsidy line (74x): the one place a funder's own amount is written."""
    return account.startswith("74")


def gap(forecast: Decimal, actual: Decimal) -> tuple[Decimal, Decimal | None]:
    """(actual − forecast, its percentage of the forecast — None when the forecast is 0)."""
    diff = actual - forecast
    if not forecast:
        return diff, None
    return diff, diff / forecast * 100


@dataclass
class Balance:
    """Whether the co-financing plan balances, and the sentences saying where it does not."""

    problems: list[str]

    @property
    def balanced(self) -> bool:
        return not self.problems


def euros(value: Decimal | float | int) -> str:
    """12 345,60 € (French grouping, two decimals)."""
    text = f"{Decimal(value):,.2f}".replace(",", "\u202f").replace(".", ",")
    return f"{text}\u00a0€"


def balance_of(lines) -> Balance:
    """Check charges = resources and 86 = 87, forecast and actual, for the given lines."""
    sums = {
        (side, which): Decimal(0)
        for side in ("charges", "resources", "86", "87")
        for which in ("forecast", "actual")
    }
    for line in lines:
        nature = nature_of(line.account)
        if nature == BudgetNature.CHARGE:
            side = "charges"
        elif nature == BudgetNature.RESOURCE:
            side = "resources"
        else:
            side = line.account[:2]
        sums[(side, "forecast")] += line.forecast
        sums[(side, "actual")] += line.actual
    problems = []
    for which, word in (("forecast", _("prévisionnel")), ("actual", _("réalisé"))):
        charges, resources = sums[("charges", which)], sums[("resources", which)]
        if charges != resources:
            problems.append(
                _(
                    "%(which)s : les charges (comptes 60 à 68, %(charges)s) et les produits "
                    "(comptes 70 à 78, %(resources)s) diffèrent de %(diff)s — il manque "
                    "%(diff)s %(side)s"
                )
                % {
                    "which": word,
                    "charges": euros(charges),
                    "resources": euros(resources),
                    "diff": euros(abs(charges - resources)),
                    "side": _("en produits") if charges > resources else _("en charges"),
                }
            )
        used, given = sums[("86", which)], sums[("87", which)]
        if used != given:
            problems.append(
                _(
                    "%(which)s : les contributions volontaires reçues (87, %(given)s) et leur "
                    "emploi (86, %(used)s) diffèrent de %(diff)s"
                )
                % {
                    "which": word,
                    "given": euros(given),
                    "used": euros(used),
                    "diff": euros(abs(given - used)),
                }
            )
    return Balance(problems)
