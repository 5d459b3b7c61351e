"""Stored values as a reader of the current language expects them on screen.

Numbers keep the decimals they are stored with (a price 65.65, a quantity 1.000)
and take the language's separators: 1,234.50 in English, 1 234,50 in Russian and
1.234,50 in Portuguese. CSV files do not go through here: accounting gets the
dot-decimal text it asked for (see app/csvio.py)."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Any

from flask_babel import format_date, format_datetime, format_decimal


def number(value: Any) -> Any:
    """A Decimal or float in the current language; None empty; anything else as is."""
    if value is None:
        return ""
    if isinstance(value, bool) or not isinstance(value, Decimal | float):
        return value
    if isinstance(value, float):
        return format_decimal(value, format="#,##0.###")
    exponent = value.as_tuple().exponent
    places = -exponent if isinstance(exponent, int) and exponent < 0 else 0
    if places == 3:  # a quantity (Numeric(14, 3)): 2 pieces, 1.5 m, not 2.000
        return format_decimal(value, format="#,##0.###")
    return format_decimal(value, format="#,##0" + ("." + "0" * places if places else ""))


def day(value: date | str | None) -> str:
    """A date (or its ISO text) as the reader's language writes it in a table
    (03.12.2026, 03/12/2026, 12/3/26); empty for None. Files for machines (CSV, the
    API) keep ISO dates."""
    if value is None or value == "":
        return ""
    if isinstance(value, str):
        try:
            return format_date(date.fromisoformat(value[:10]), "short")
        except ValueError:
            return value
    return format_date(value, "short")


def moment(value: datetime | None) -> str:
    """A date and time in the reader's language and the installation's time zone
    (stored in UTC), to the minute; empty for None."""
    return "" if value is None else format_datetime(value, "short")


def display(value: Any) -> Any:
    """Any stored value as the reader expects it: a date or a time in his language's
    format, a number with his separators; anything else as it is."""
    if isinstance(value, datetime):
        return moment(value)
    if isinstance(value, date):
        return day(value)
    return number(value)
