"""Bodies of the staff API's actions (loaded by `app.web.load_body`: unknown fields
and wrong types are a 422 naming the field); the OpenAPI description shows them."""

from __future__ import annotations

from marshmallow import Schema, fields, validate

from app.amounts import QuantityField
from modules.staff.services.work import MAX_HOURS_A_DAY


class NoBody(Schema):
    """An action that takes nothing: an empty body, or none at all."""

    __component_name__ = "StaffNoBody"


class AcknowledgeBody(Schema):
    """Sign the current version of my own job description (naming it is optional)."""

    __component_name__ = "StaffAcknowledgeBody"

    job_description = fields.Integer(
        load_default=None,
        allow_none=True,
        strict=True,
        metadata={"description": "The version signed; it must be the current one."},
    )


class TimeLogBody(Schema):
    """Hours I spent on the task on a day (today unless given)."""

    __component_name__ = "StaffTimeLogBody"

    hours = QuantityField(
        required=True, maximum=MAX_HOURS_A_DAY, metadata={"description": "More than 0, at most 24"}
    )
    on = fields.Date(load_default=None, allow_none=True, metadata={"description": "YYYY-MM-DD"})
    note = fields.String(load_default=None, allow_none=True, validate=validate.Length(max=200))


SCHEMAS = (NoBody, AcknowledgeBody, TimeLogBody)
