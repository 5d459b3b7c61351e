"""Bodies of the contracts API's actions (loaded by `app.web.load_body`: unknown fields
and wrong types are a 422 naming the field); the OpenAPI description shows them."""

from __future__ import annotations

from marshmallow import Schema, fields, validate

from app.amounts import QuantityField
from modules.contracts.services.visits import MAX_HOURS

_ID = validate.Range(min=1, max=2**31 - 1)


class NoBody(Schema):
    """An action that takes nothing: an empty body, or none at all."""

    __component_name__ = "ContractsNoBody"


class RecordVisitBody(Schema):
    """The work done on a visit (the visit is then done): what, how long, which day
    (today unless given)."""

    __component_name__ = "ContractsRecordVisitBody"

    work_done = fields.String(required=True, validate=validate.Length(min=1, max=5000))
    hours = QuantityField(
        load_default=None,
        allow_none=True,
        positive=False,
        maximum=MAX_HOURS,
        metadata={"description": f"0 to {MAX_HOURS}"},
    )
    done_on = fields.Date(
        load_default=None, allow_none=True, metadata={"description": "YYYY-MM-DD"}
    )


class GenerateVisitsBody(Schema):
    """Generate the visits of a signed contract, assigned to a technician if named."""

    __component_name__ = "ContractsGenerateVisitsBody"

    contract = fields.Integer(required=True, strict=True, validate=_ID)
    technician = fields.Integer(
        load_default=None,
        allow_none=True,
        strict=True,
        validate=_ID,
        metadata={"description": "The user id of the technician"},
    )


SCHEMAS = (NoBody, RecordVisitBody, GenerateVisitsBody)
