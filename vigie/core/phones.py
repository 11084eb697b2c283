"""Phone numbers: stored in E.164, shown the French way."""

from __future__ import annotations

import phonenumbers


def parse_phone(raw: str) -> str | None:
    """E.164 for a valid number written any usual way (French by default), else None."""
    raw = (raw or "").strip()
    if not raw:
        return None
    cleaned = raw.replace("(0)", "")
    if cleaned.startswith("00"):
        cleaned = "+" + cleaned[2:]
    try:
        number = phonenumbers.parse(cleaned, "FR")
    except phonenumbers.NumberParseException:
        return None
    if not phonenumbers.is_valid_number(number):
        return None
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def format_phone(value: str) -> str:
    """'+33561000000' → '05 61 00 00 00'; foreign numbers in international form."""
    if not value or not value.startswith("+"):
        return value or ""
    try:
        number = phonenumbers.parse(value, None)
    except phonenumbers.NumberParseException:
        return value
    if number.country_code == 33:
        return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.NATIONAL)
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.INTERNATIONAL)
