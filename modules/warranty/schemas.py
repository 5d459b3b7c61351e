"""Marshmallow schemas: the CSV import rows of sold units (from the sales system)."""

from __future__ import annotations

from marshmallow import Schema, fields, validate


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
