"""The legal deadline of a data-subject request (GDPR art. 12(3)).

One month after receipt, extendable once "by two further months where necessary", the person
being told of the extension, with its reasons, within the first month. A month is counted as
EU regulation 1182/71 (art. 3) counts it: the same day of the later month, or that month's last
day when it has no such day — received on 31 January, due on 28 (or 29) February.
"""

from __future__ import annotations

import calendar
from datetime import date

from django.utils.translation import gettext as _
from django.utils.translation import ngettext

FIRST_PERIOD_MONTHS = 1
MAX_EXTENSION_MONTHS = 2
DUE_SOON_DAYS = 7  # "à traiter bientôt" on the DPO's pages


def add_months(day: date, months: int) -> date:
    """`day` plus `months` calendar months, on the month's last day when it is shorter."""
    index = day.month - 1 + months
    year, month = day.year + index // 12, index % 12 + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def due_date(received_on: date, extension_months: int = 0) -> date:
    """When the answer is due: one month after receipt, plus the extension (counted from the
    receipt, so that 31 January + 3 months is 30 April, not 28 April)."""
    return add_months(received_on, FIRST_PERIOD_MONTHS + extension_months)


def deadline_words(due_on: date, today: date) -> str:
    """The deadline of an open request in words, for the DPO: late, due today, due in n days."""
    days = (due_on - today).days
    if days < 0:
        return ngettext(
            "en retard de %(n)s jour (échéance le %(date)s)",
            "en retard de %(n)s jours (échéance le %(date)s)",
            -days,
        ) % {"n": -days, "date": due_on.strftime("%d/%m/%Y")}
    if days == 0:
        return _("à traiter aujourd'hui (%(date)s)") % {"date": due_on.strftime("%d/%m/%Y")}
    return ngettext(
        "à traiter dans %(n)s jour (au plus tard le %(date)s)",
        "à traiter dans %(n)s jours (au plus tard le %(date)s)",
        days,
    ) % {"n": days, "date": due_on.strftime("%d/%m/%Y")}
