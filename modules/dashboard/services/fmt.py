"""Figures as a reader of each language expects them (1 234,5 / 1,234.5; currency)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from flask import current_app
from flask_babel import format_currency, format_date, format_decimal, gettext

from app.insights import COUNT, DAYS, HOURS, MONEY, PERCENT, SCORE


def number(value, unit: str = COUNT) -> str:
    """A figure with its unit, in the current language; "—" when there is none."""
    if value is None:
        return "—"
    if unit == MONEY:
        return format_currency(Decimal(value), current_app.config.get("CURRENCY", "RUB"))
    if unit == PERCENT:
        return gettext("%(value)s %%", value=format_decimal(value, format="#,##0.#"))
    if unit == HOURS:
        return gettext("%(value)s h", value=format_decimal(value, format="#,##0.#"))
    if unit == DAYS:
        return gettext("%(value)s d", value=format_decimal(value, format="#,##0.#"))
    if unit == SCORE:
        return format_decimal(value, format="#,##0.00")
    if isinstance(value, Decimal) and value != value.to_integral_value():
        return format_decimal(value, format="#,##0.##")
    return format_decimal(value, format="#,##0")


def axis(value: float, unit: str = COUNT) -> str:
    """A short tick label for a chart axis."""
    if unit == MONEY:
        return format_decimal(value, format="#,##0")
    if unit == PERCENT:
        return format_decimal(value, format="#,##0") + "%"
    return format_decimal(value, format="#,##0.##")


def cell(value) -> str:
    """A report cell: dates and numbers localised, None empty."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return gettext("Yes") if value else gettext("No")
    if isinstance(value, date):
        return format_date(value, "short")
    if isinstance(value, Decimal):
        return format_decimal(value, format="#,##0.00")
    if isinstance(value, int):
        return format_decimal(value, format="#,##0")
    return str(value)
