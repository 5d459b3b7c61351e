"""Marshmallow schemas: the CSV import rows of the catalog and the fitment table."""

from __future__ import annotations

from marshmallow import Schema, fields, validate


class PartImportSchema(Schema):
    sku = fields.String(required=True, validate=validate.Length(min=1, max=40))
    name = fields.String(required=True, validate=validate.Length(min=1, max=200))
    unit = fields.String(validate=validate.Length(min=1, max=10))
    category = fields.String(validate=validate.Length(max=100))
    cost = fields.Decimal(places=2, validate=validate.Range(min=0, max=10**11))
    sale_price = fields.Decimal(places=2, validate=validate.Range(min=0, max=10**11))
    lead_time_days = fields.Integer(validate=validate.Range(min=0, max=3650))
    min_order_qty = fields.Decimal(places=3, validate=validate.Range(min=0.001, max=10**10))
    supplier_ref = fields.String(validate=validate.Length(max=32))
    superseded_by_sku = fields.String(validate=validate.Length(max=40))
    active = fields.Boolean()


class EquipmentModelImportSchema(Schema):
    code = fields.String(required=True, validate=validate.Length(min=1, max=40))
    name = fields.String(required=True, validate=validate.Length(min=1, max=200))
    manufacturer = fields.String(validate=validate.Length(max=100))
    category = fields.String(validate=validate.Length(max=100))
    durable = fields.Boolean()
    active = fields.Boolean()


class FitmentImportSchema(Schema):
    sku = fields.String(required=True, validate=validate.Length(min=1, max=40))
    model_code = fields.String(required=True, validate=validate.Length(min=1, max=40))
    note = fields.String(validate=validate.Length(max=200))
