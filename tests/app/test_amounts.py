"""app.amounts: money and quantities from JSON and forms, one set of limits and messages."""

from __future__ import annotations

from decimal import Decimal

import pytest
from marshmallow import Schema, ValidationError

from app.amounts import MoneyField, QuantityField, money, quantity
from app.errors import DomainError

D = Decimal


@pytest.mark.parametrize(
    "value, expected",
    [("12", D("12.00")), (12, D("12.00")), ("12.5", D("12.50")), (12.5, D("12.50")),
     (" 0.10 ", D("0.10")), (D("3.10"), D("3.10")), ("0", D("0.00")),
     ("999999999999.99", D("999999999999.99")), ("10.500", D("10.50"))],
)  # fmt: skip
def test_money_accepts_numbers_and_numeric_text(value, expected):
    got = money(value, "price")
    assert got == expected and got.as_tuple().exponent == -2


@pytest.mark.parametrize(
    "value, words",
    [("abc", "must be a number"), (True, "must be a number"), ([], "must be a number"),
     ({"a": 1}, "must be a number"), ("NaN", "must be a number"), ("Infinity", "must be a number"),
     ("1e400", "too large"), ("1,5", "must be a number"), ("9.999", "at most 2 decimals"),
     ("-0.01", "at least 0"), ("1000000000000", "too large"), ("", "is required"),
     (None, "is required")],
)  # fmt: skip
def test_money_refusals_name_the_field(app, value, words):
    with app.test_request_context():
        with pytest.raises(DomainError) as err:
            money(value, "unit_price")
        assert err.value.field == "unit_price"
        assert err.value.status == 422
        text = str(err.value.message)
        assert text.startswith("unit_price ") and words in text, text
        assert err.value.as_dict() == {"message": {"unit_price": [text]}}


def test_options_bounds_labels_and_the_decimal_comma(app):
    with app.test_request_context():
        assert money(None, "x", required=False) is None
        assert money("  ", "x", required=False) is None
        assert money("-5", "x", minimum=None) == D("-5.00")
        assert money("100", "pct", maximum=100) == D("100.00")
        with pytest.raises(DomainError, match="at most 100"):
            money("100.01", "pct", maximum=100)
        with pytest.raises(DomainError, match="greater than zero"):
            money("0", "x", positive=True)
        assert money("1,5", "x", decimal_comma=True) == D("1.50")
        with pytest.raises(DomainError) as err:
            money("x", "unit_price", label="Unit price")
        assert str(err.value.message) == "Unit price must be a number."


def test_quantities_have_three_decimals_and_are_positive(app):
    with app.test_request_context():
        assert quantity("2") == D("2.000")
        assert quantity("0.125") == D("0.125")
        assert quantity("0", positive=False) == D("0.000")
        for bad, words in (
            ("0", "greater than zero"),
            ("-1", "greater than zero"),
            ("0.0001", "at most 3 decimals"),
            ("100000000000", "too large"),
            ("1_000", "must be a number"),
        ):
            with pytest.raises(DomainError, match=words):
                quantity(bad)


def test_schema_fields_use_the_same_rules(app):
    class Body(Schema):
        price = MoneyField(required=True)
        qty = QuantityField()

    with app.test_request_context():
        assert Body().load({"price": "1.5", "qty": 2}) == {"price": D("1.50"), "qty": D("2.000")}
        with pytest.raises(ValidationError) as err:
            Body().load({"price": "1.555", "qty": 0})
        assert err.value.messages == {
            "price": ["price has at most 2 decimals."],
            "qty": ["qty must be greater than zero."],
        }
        assert Body().dump({"price": D("1.50"), "qty": D("2.000")}) == {
            "price": "1.50",
            "qty": "2.000",
        }
