"""The working-day calendar (core/workdays.py) and typed dates (core/dates.py)."""

from datetime import date

from vigie.core.dates import parse_date
from vigie.core.workdays import add_working_days, is_working_day, public_holidays


def test_public_holidays_follow_easter():
    # Easter 2026 is 5 April: Easter Monday 6/4, Ascension 14/5, Whit Monday 25/5.
    assert {date(2026, 4, 6), date(2026, 5, 14), date(2026, 5, 25)} <= public_holidays(2026)
    assert date(2024, 4, 1) in public_holidays(2024)
    assert date(2025, 4, 21) in public_holidays(2025)
    assert len(public_holidays(2026)) == 11


def test_working_days_skip_weekends_and_holidays():
    assert add_working_days(date(2020, 3, 20), 1) == date(2020, 3, 23)  # Friday → Monday
    assert add_working_days(date(2025, 4, 30), 3) == date(2025, 5, 6)  # 1 May
    assert add_working_days(date(2025, 12, 24), 1) == date(2025, 12, 26)  # Christmas
    assert not is_working_day(date(2026, 7, 14))
    assert is_working_day(date(2026, 7, 15))


def test_parse_date_reads_french_and_iso_dates_and_nothing_else():
    assert parse_date("31/03/2020") == date(2020, 3, 31)
    assert parse_date(" 2020-03-31 ") == date(2020, 3, 31)
    assert parse_date("31/02/2020") is None
    assert parse_date("hier") is None
    assert parse_date("") is None and parse_date(None) is None
