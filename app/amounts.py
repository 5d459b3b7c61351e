"""Money and quantities read from a request (a JSON body, a form, a CSV row): one
parser, one set of limits and one set of messages for every module.

    from app.amounts import money, quantity
    price = money(body.get("unit_price"), "unit_price")                # >= 0, 2 places
    qty = quantity(body.get("quantity"), "quantity")                   # > 0, 3 places
    pct = money(body.get("discount_pct"), "discount_pct", maximum=100, required=False)

A value is a JSON number, a numeric string or a Decimal: "12", 12, "12.5", 12.5.
Money has at most 2 decimals and quantities 3 (more is refused, never rounded away
silently: 9.999 is not 10.00), and both fit their columns, `Numeric(14, 2)` and
`Numeric(14, 3)`. Money is zero or more and a quantity more than zero unless the
caller says otherwise (`minimum=`, `positive=`). A form may write the decimal
comma of its language (`decimal_comma=True`: "1,5"); JSON may not ("1,000" would
be ambiguous). What breaks a rule is a `DomainError` (422) naming the field, whose
text names it too (`label`, the field's name by default), so a screen's flash
message says which field is wrong.

`MoneyField` and `QuantityField` are the same rules as marshmallow fields, for the
schemas of action bodies (`app.web.load_body`).
"""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation
from typing import Literal, overload

from flask_babel import lazy_gettext as _l
from marshmallow import ValidationError, fields

from app.errors import DomainError

MONEY_PLACES = 2
QUANTITY_PLACES = 3
PRECISION = 14  # Numeric(14, places): 14 - places digits before the point
_NUMERIC = re.compile(r"[+-]?(?:[0-9]+\.?[0-9]*|\.[0-9]+)(?:[eE][+-]?[0-9]+)?", re.ASCII)

__all__ = [
    "MONEY_PLACES",
    "QUANTITY_PLACES",
    "ColumnDecimalField",
    "MoneyField",
    "QuantityField",
    "decimal_value",
    "money",
    "quantity",
]


def _limit(places: int) -> Decimal:
    """The first value a Numeric(14, places) column cannot hold."""
    return Decimal(10) ** (PRECISION - places)


def _text(value, decimal_comma: bool) -> str:
    if isinstance(value, bool) or not isinstance(value, (int, float, str, Decimal)):
        raise TypeError
    text = str(value).strip()
    if decimal_comma and isinstance(value, str) and "," in text and "." not in text:
        text = text.replace(",", ".", 1)
    if isinstance(value, str) and not _NUMERIC.fullmatch(text):
        raise ValueError  # no "1_000", no other scripts' digits, no "NaN"
    return text


@overload
def decimal_value(
    value,
    field: str,
    *,
    places: int,
    label=...,
    required: Literal[True] = ...,
    minimum: Decimal | int | str | None = ...,
    positive: bool = ...,
    maximum: Decimal | int | str | None = ...,
    decimal_comma: bool = ...,
) -> Decimal: ...
@overload
def decimal_value(
    value,
    field: str,
    *,
    places: int,
    label=...,
    required: bool,
    minimum: Decimal | int | str | None = ...,
    positive: bool = ...,
    maximum: Decimal | int | str | None = ...,
    decimal_comma: bool = ...,
) -> Decimal | None: ...


def decimal_value(
    value,
    field: str,
    *,
    places: int,
    label=None,
    required: bool = True,
    minimum: Decimal | int | str | None = 0,
    positive: bool = False,
    maximum: Decimal | int | str | None = None,
    decimal_comma: bool = False,
) -> Decimal | None:
    """`value` as a Decimal with `places` decimals, or a DomainError naming `field`.

    None or blank is None unless `required`. `minimum` (inclusive; None: no lower
    bound) and `positive` (more than zero) bound it from below, `maximum`
    (inclusive) and the column's size from above."""
    name = label if label is not None else field
    if value is None or (isinstance(value, str) and not value.strip()):
        if required:
            raise DomainError(_l("%(field)s is required.", field=name), field=field)
        return None
    try:
        number = Decimal(_text(value, decimal_comma))
    except (InvalidOperation, ValueError, TypeError):
        raise DomainError(_l("%(field)s must be a number.", field=name), field=field) from None
    if not number.is_finite():
        raise DomainError(_l("%(field)s must be a number.", field=name), field=field)
    if abs(number) >= _limit(places):
        raise DomainError(
            _l(
                "%(field)s is too large: at most %(digits)d digits before the decimal point.",
                field=name,
                digits=PRECISION - places,
            ),
            field=field,
        )
    step = Decimal(1).scaleb(-places)
    if number != number.quantize(step, rounding="ROUND_DOWN"):
        raise DomainError(
            _l("%(field)s has at most %(places)d decimals.", field=name, places=places),
            field=field,
        )
    number = number.quantize(step)
    if positive and number <= 0:
        raise DomainError(_l("%(field)s must be greater than zero.", field=name), field=field)
    if minimum is not None and number < Decimal(minimum):
        raise DomainError(
            _l("%(field)s must be at least %(minimum)s.", field=name, minimum=minimum),
            field=field,
        )
    if maximum is not None and number > Decimal(maximum):
        raise DomainError(
            _l("%(field)s must be at most %(maximum)s.", field=name, maximum=maximum),
            field=field,
        )
    return number


@overload
def money(value, field: str, *, required: Literal[True] = ..., **kwargs) -> Decimal: ...
@overload
def money(value, field: str, *, required: bool, **kwargs) -> Decimal | None: ...


def money(value, field: str, **kwargs) -> Decimal | None:
    """An amount of money: 2 decimals, zero or more unless `minimum`/`positive` say
    otherwise, below 10^12 (`Numeric(14, 2)`). See `decimal_value` for the options."""
    return decimal_value(value, field, places=MONEY_PLACES, **kwargs)


@overload
def quantity(value, field: str = ..., *, required: Literal[True] = ..., **kwargs) -> Decimal: ...
@overload
def quantity(value, field: str = ..., *, required: bool, **kwargs) -> Decimal | None: ...


def quantity(value, field: str = "quantity", **kwargs) -> Decimal | None:
    """A quantity: 3 decimals, more than zero unless `positive=False`, below 10^11
    (`Numeric(14, 3)`). See `decimal_value` for the options."""
    kwargs.setdefault("positive", True)
    return decimal_value(value, field, places=QUANTITY_PLACES, **kwargs)


class _AmountField(fields.Decimal):
    """A marshmallow field with the rules of `decimal_value` (its messages too); it
    loads a Decimal and dumps a string (JSON keeps every digit). A `fields.Decimal`
    for whoever asks (a CSV import turns a decimal comma into a point for those),
    but one that refuses extra decimals where `fields.Decimal` rounds them away."""

    places_ = MONEY_PLACES

    def __init__(self, *, minimum=0, positive: bool = False, maximum=None, **kwargs):
        super().__init__(**kwargs)
        self.rules = {"minimum": minimum, "positive": positive, "maximum": maximum}

    def _deserialize(self, value, attr, data, **kwargs):
        field = self.data_key or attr or "value"
        try:
            return decimal_value(value, field, places=self.places_, **self.rules)
        except DomainError as err:
            raise ValidationError(str(err.message)) from None

    def _serialize(self, value, attr, obj, **kwargs):
        return None if value is None else str(value)


class ColumnDecimalField(_AmountField):
    """A numeric column's field in an API schema: any sign (the rules decide), at most
    the column's decimals (more is refused, not rounded), within its size."""

    def __init__(self, *, places: int, **kwargs):
        super().__init__(minimum=None, **kwargs)
        self.places_ = places


class MoneyField(_AmountField):
    """Money in a schema: as `money()`."""

    places_ = MONEY_PLACES


class QuantityField(_AmountField):
    """A quantity in a schema: as `quantity()` (more than zero unless positive=False)."""

    places_ = QUANTITY_PLACES

    def __init__(self, *, positive: bool = True, **kwargs):
        super().__init__(positive=positive, **kwargs)
