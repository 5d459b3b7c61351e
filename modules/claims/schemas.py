"""Bodies of the claims API's actions (loaded by `app.web.load_body`: unknown fields and
wrong types are a 422 naming the field); the OpenAPI description shows them."""

from __future__ import annotations

from marshmallow import Schema, fields, validate

from app.amounts import MoneyField

_ID = validate.Range(min=1, max=2**31 - 1)
SETTLEMENTS = ("replacement", "refund", "price_reduction", "reimbursement")


class NoBody(Schema):
    """An action that takes nothing: an empty body, or none at all."""

    __component_name__ = "ClaimsNoBody"


class StartRepairBody(Schema):
    """Open a repair order for the claim's unit, assigned to a technician if named."""

    __component_name__ = "ClaimStartRepairBody"

    technician_id = fields.Integer(
        load_default=None,
        allow_none=True,
        strict=True,
        validate=_ID,
        metadata={"description": "The user id of the technician"},
    )


class SettleBody(Schema):
    """How an accepted claim is settled: a replacement (its serial number) or a payment
    (refund, price reduction, reimbursement: the amount, paid today unless dated)."""

    __component_name__ = "ClaimSettleBody"

    resolution = fields.String(required=True, validate=validate.OneOf(SETTLEMENTS))
    amount = MoneyField(
        load_default=None,
        allow_none=True,
        positive=True,
        metadata={"description": "The amount paid (refund, price reduction, reimbursement)"},
    )
    paid_on = fields.Date(
        load_default=None, allow_none=True, metadata={"description": "YYYY-MM-DD"}
    )
    replacement_serial = fields.String(
        load_default=None,
        allow_none=True,
        validate=validate.Length(min=1, max=64),
        metadata={"description": "The serial number of the replacement unit"},
    )


SCHEMAS = (NoBody, StartRepairBody, SettleBody)
