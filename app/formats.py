"""Stored values as a reader of the current language expects them on screen.

Numbers keep the decimals they are stored with (a price 65.65, a quantity 1.000)
and take the language's separators: 1,234.50 in English, 1 234,50 in Russian and
1.234,50 in Portuguese. CSV files do not go through here: accounting gets the
dot-decimal text it asked for (see app/csvio.py)."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from flask_babel import format_decimal


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
    return format_decimal(value, format="#,##0" + ("." + "0" * places if places else ""))
