"""The working-day calendar: France's public holidays, and deadlines in working days."""

from __future__ import annotations

import functools
from datetime import date, timedelta


def _easter(year: int) -> date:
    """Easter Sunday (Gregorian calendar, anonymous algorithm of Meeus/Jones/Butcher)."""
    a, b, c = year % 19, year // 100, year % 100
    d, e = divmod(b, 4)
    f = (b + 8) // 25
    g = (b - f + 1) // 3
    h = (19 * a + b - d - g + 15) % 30
    i, k = divmod(c, 4)
    el = (32 + 2 * e + 2 * i - h - k) % 7
    m = (a + 11 * h + 22 * el) // 451
    month, day = divmod(h + el - 7 * m + 114, 31)
    return date(year, month, day + 1)


@functools.cache
def public_holidays(year: int) -> frozenset[date]:
    """France's eleven public holidays (jours fériés, Code du travail L3133-1) in `year`.

    Alsace-Moselle's two extra days (Good Friday, 26 December) are not included: Vigie's
    deadlines follow the national calendar.
    """
    easter = _easter(year)
    fixed = [(1, 1), (5, 1), (5, 8), (7, 14), (8, 15), (11, 1), (11, 11), (12, 25)]
    movable = [easter + timedelta(days=n) for n in (1, 39, 50)]  # Monday, Ascension, Whit Monday
    return frozenset([date(year, m, d) for m, d in fixed] + movable)


def add_working_days(start: date, days: int) -> date:
    """`days` working days after `start`: Monday to Friday, French public holidays excepted."""
    day = start
    left = days
    while left > 0:
        day += timedelta(days=1)
        if day.weekday() < 5 and day not in public_holidays(day.year):
            left -= 1
    return day
