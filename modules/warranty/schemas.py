"""Marshmallow schemas: the CSV import rows of sold units (from the sales system), and
the bodies of the warranty API's actions (read by `app.web.load_body`: an unknown field
or a wrong type is a 422 naming it; the OpenAPI description shows them)."""

from __future__ import annotations

from marshmallow import Schema, fields, post_load, validate

from modules.warranty.models import BILLING_TYPES, CHECKLIST_KINDS

REASON = validate.Length(min=1, max=2000)
MAX_RESULTS = 500  # answers in one inspection
_ID = validate.Range(min=1, max=2**31 - 1)


class UnitImportSchema(Schema):
    serial_number = fields.String(required=True, validate=validate.Length(min=1, max=64))
    model_code = fields.String(required=True, validate=validate.Length(min=1, max=40))
    customer_ref = fields.String(required=True, validate=validate.Length(min=1, max=32))
    dealer_ref = fields.String(validate=validate.Length(max=32))
    sale_date = fields.Date(required=True)
    handover_date = fields.Date()
    price = fields.Decimal(places=2, validate=validate.Range(min=0, max=10**11))
    sales_ref = fields.String(validate=validate.Length(max=64))
    notes = fields.String(validate=validate.Length(max=2000))


class StrictBoolean(fields.Boolean):
    """true or false in JSON, nothing else ("yes", 1 and "true" are refused)."""

    def _deserialize(self, value, attr, data, **kwargs):
        if not isinstance(value, bool):
            raise self.make_error("invalid", input=value)
        return value


def _text(max_len: int, **kwargs) -> fields.String:
    return fields.String(
        load_default=None, allow_none=True, validate=validate.Length(max=max_len), **kwargs
    )


def _date(description: str) -> fields.Date:
    return fields.Date(
        load_default=None, allow_none=True, metadata={"description": f"{description} YYYY-MM-DD"}
    )


class VoidBody(Schema):
    """Void the unit's warranty: why, from when (today unless given), on what paper."""

    __component_name__ = "WarrantyVoidBody"

    reason = fields.String(required=True, validate=REASON)
    date = _date("The day the warranty is void from (today unless given).")
    document = _text(200, metadata={"description": "The supporting document, e.g. an act"})


class ReinstateBody(Schema):
    """Reinstate a voided warranty: why, and from when (today unless given)."""

    __component_name__ = "WarrantyReinstateBody"

    reason = fields.String(required=True, validate=REASON)
    date = _date("The day the warranty runs again from (today unless given).")


class BillingBody(Schema):
    """The service manager sets the billing of a repair by hand, with a reason."""

    __component_name__ = "WarrantyBillingBody"

    billing_type = fields.String(required=True, validate=validate.OneOf(list(BILLING_TYPES)))
    reason = fields.String(required=True, validate=REASON)


class InspectionBody(Schema):
    """An intake check or the final inspection, signed by the caller. With a checklist
    (GET /repair_order/<id>/checklist), `results` answers its items by id: every
    required item, true or false; without one, `passed` says the result."""

    __component_name__ = "WarrantyInspectionBody"

    kind = fields.String(load_default="final", validate=validate.OneOf(list(CHECKLIST_KINDS)))
    passed = StrictBoolean(load_default=None, allow_none=True)
    results = fields.Dict(
        keys=fields.String(validate=validate.Regexp(r"^[0-9]{1,9}$")),
        values=StrictBoolean(),
        load_default=dict,
        validate=validate.Length(max=MAX_RESULTS),
        metadata={"description": "checklist item id -> ok"},
    )
    notes = _text(2000)

    @post_load
    def _item_ids(self, data, **kwargs):
        data["results"] = {int(k): v for k, v in data["results"].items()}
        return data


class LendBody(Schema):
    """Lend a substitute unit to a repair's customer (POST /loaner_loan/)."""

    __component_name__ = "WarrantyLendBody"

    repair = fields.Integer(required=True, strict=True, validate=_ID)
    loaner = fields.Integer(required=True, strict=True, validate=_ID)
    requested_on = _date("When the customer asked for it (the day it is lent unless given).")
    lent_on = _date("The day it is lent (today unless given).")
    condition_out = _text(200)
    notes = _text(2000)


class LoanReturnBody(Schema):
    """The substitute unit came back: when (today unless given), in what condition."""

    __component_name__ = "WarrantyLoanReturnBody"

    returned_on = _date("The day it came back (today unless given).")
    condition_back = fields.String(required=True, validate=validate.Length(min=1, max=200))
    needs_maintenance = StrictBoolean(load_default=False)


SCHEMAS = (VoidBody, ReinstateBody, BillingBody, InspectionBody, LendBody, LoanReturnBody)
