"""Stored values as a reader of the current language expects them on screen.

Numbers keep the decimals they are stored with (a price 65.65, a quantity 1.000)
and take the language's separators: 1,234.50 in English, 1 234,50 in Russian and
1.234,50 in Portuguese. CSV files do not go through here: accounting gets the
dot-decimal text it asked for (see app/csvio.py)."""

from __future__ import annotations

import functools
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, date, datetime, timedelta, tzinfo
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

import pytz
from babel.dates import get_timezone_location
from flask_babel import format_date, format_datetime, format_decimal, get_locale, get_timezone


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
    """A date and time in the reader's language and time zone (his own in My
    settings, else DEFAULT_TIMEZONE; stored in UTC), to the minute; empty for None."""
    return "" if value is None else format_datetime(value, "short")


def country(code: str | None) -> str:
    """A two-letter country code by its name in the reader's language (RU: Россия,
    Rússia, Russia); a code Babel does not know, as stored."""
    if not code:
        return ""
    locale = get_locale()
    names = locale.territories if locale is not None else {}
    return str(names.get(code.strip().upper(), code))


def display(value: Any) -> Any:
    """Any stored value as the reader expects it: a date or a time in his language's
    format, a number with his separators; anything else as it is."""
    if isinstance(value, datetime):
        return moment(value)
    if isinstance(value, date):
        return day(value)
    return number(value)


# ------------------------------------------------------------------ time zones

# Offered first in My settings: the zones of the installations' countries (RU, BR).
COMMON_TIMEZONES = (
    "UTC",
    "Europe/Kaliningrad",
    "Europe/Moscow",
    "Europe/Samara",
    "Asia/Yekaterinburg",
    "Asia/Omsk",
    "Asia/Novosibirsk",
    "Asia/Krasnoyarsk",
    "Asia/Irkutsk",
    "Asia/Yakutsk",
    "Asia/Vladivostok",
    "Asia/Magadan",
    "Asia/Kamchatka",
    "America/Noronha",
    "America/Sao_Paulo",
    "America/Bahia",
    "America/Fortaleza",
    "America/Recife",
    "America/Belem",
    "America/Cuiaba",
    "America/Campo_Grande",
    "America/Manaus",
    "America/Porto_Velho",
    "America/Boa_Vista",
    "America/Rio_Branco",
)


def zone_name(zone: str | tzinfo | None = None) -> str:
    """A time zone as its reader names it: "UTC", else its city in the reader's
    language ("Москва", "São Paulo"); the reader's own zone by default."""
    if zone is None:
        try:
            zone = get_timezone()
        except RuntimeError:  # no application: nobody reads it yet
            return "UTC"
    tz = zone
    key = getattr(tz, "key", None) or getattr(tz, "zone", None) or str(tz)
    if key in ("UTC", "Etc/UTC", "Etc/Universal", "Universal", "Zulu", "Etc/Zulu"):
        return "UTC"
    try:
        return get_timezone_location(ZoneInfo(key), locale=get_locale(), return_city=True)
    except (LookupError, ValueError):
        return key


class _ReaderZone:
    """The reader's time zone's name, when it is printed: for lazy labels such as
    `_l("When (%(zone)s)", zone=ZONE)` (list headers are built once, read per page)."""

    def __str__(self) -> str:
        return zone_name()

    def __repr__(self) -> str:
        return "ZONE"


ZONE = _ReaderZone()


def _offset(zone: ZoneInfo, at: datetime) -> str:
    delta = at.astimezone(zone).utcoffset() or timedelta(0)
    minutes = int(delta.total_seconds() // 60)
    sign = "+" if minutes >= 0 else "-"
    return f"UTC{sign}{abs(minutes) // 60:02d}:{abs(minutes) % 60:02d}"


def zone_label(key: str, at: datetime | None = None) -> str:
    """A zone for a menu: "(UTC+03:00) Москва — Europe/Moscow"."""
    at = at or datetime.now(UTC)
    if key == "UTC":
        return "(UTC) UTC"
    zone = ZoneInfo(key)
    return f"({_offset(zone, at)}) {zone_name(zone)} — {key}"


Choices = tuple[tuple[str, str], ...]


@functools.lru_cache(maxsize=16)
def _choices(locale: str, day: date) -> tuple[Choices, Choices]:
    from app.i18n import timezones

    at = datetime.combine(day, datetime.min.time(), UTC)
    known = timezones()
    common = tuple((k, zone_label(k, at)) for k in COMMON_TIMEZONES if k in known)
    rest = sorted(
        k
        for k in known
        if "/" in k
        and k not in COMMON_TIMEZONES
        and not k.startswith(("Etc/", "SystemV/", "US/", "posix/", "right/"))
    )
    return common, tuple((k, zone_label(k, at)) for k in rest)


def timezone_choices() -> tuple[Choices, Choices]:
    """(common zones, all the others): (IANA name, label in the reader's language), the
    labels with today's offsets."""
    return _choices(str(get_locale() or "en"), datetime.now(UTC).date())


@contextmanager
def force_timezone(zone: str) -> Iterator[None]:
    """Times inside are written in `zone` (an e-mail to a user of another zone), as
    flask_babel's force_locale does for the language."""
    from flask_babel import _get_current_context

    ctx = _get_current_context()
    if ctx is None:
        yield
        return
    had = hasattr(ctx, "babel_tzinfo")
    before = getattr(ctx, "babel_tzinfo", None)
    ctx.babel_tzinfo = pytz.timezone(zone)
    try:
        yield
    finally:
        if had:
            ctx.babel_tzinfo = before
        else:
            del ctx.babel_tzinfo
