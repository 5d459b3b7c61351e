"""Marshmallow schemas: the bodies of inventory's API actions and of the `lines` that
purchase orders and sales take, and the CSV import rows of the catalog and fitment.

Every one refuses unknown fields and wrong types (422, `app.web.load_body`); money and
quantities go through `app.amounts` (more decimals than the column holds are refused,
never rounded away)."""

from __future__ import annotations

from marshmallow import Schema, fields, validate
from sqlalchemy import Numeric
from sqlalchemy import inspect as sa_inspect

from app.amounts import QUANTITY_PLACES, MoneyField, QuantityField

_ID = validate.Range(min=1, max=2**31 - 1)
_MAX_LINES = validate.Length(max=500)


def _id(**kwargs) -> fields.Integer:
    return fields.Integer(strict=True, validate=_ID, **kwargs)


def _text(length: int, **kwargs) -> fields.String:
    return fields.String(validate=validate.Length(min=1, max=length), **kwargs)


# ------------------------------------------------------------------ action bodies


class ReverseMoveSchema(Schema):
    """POST /stock_move/<id>/reverse: why (optional)."""

    __component_name__ = "InventoryReverseMove"

    note = fields.String(validate=validate.Length(max=200), allow_none=True)


class ConsumeSchema(Schema):
    """POST /stock_move/consume: without `quantity`, what the document reserved (of one
    part, or all); with it, that quantity of `part` straight from `warehouse`."""

    __component_name__ = "InventoryConsume"

    ref_type = _text(64, required=True)
    ref_id = _text(64, required=True)
    part = _id(allow_none=True)
    warehouse = _id(allow_none=True)
    quantity = QuantityField(allow_none=True)


class ReceiptLineSchema(Schema):
    __component_name__ = "InventoryReceiptLine"

    line = _id(required=True)
    quantity = QuantityField(required=True)


class ReceiveSchema(Schema):
    """POST /purchase_order/<id>/receive: the quantities received per line; without
    `lines`, everything outstanding."""

    __component_name__ = "InventoryReceive"

    lines = fields.List(fields.Nested(ReceiptLineSchema), allow_none=True, validate=_MAX_LINES)


# ------------------------------------------------------------------ lines of documents


class OrderLineSchema(Schema):
    """A purchase order line in a POST or PUT body: `id` names a line of the order to
    change (absent fields stay); without it, a new line (part and quantity required).
    A price not given is the supplier's for the quantity, else the part's cost."""

    __component_name__ = "InventoryOrderLine"

    id = _id()
    part_id = _id(data_key="part")
    quantity = QuantityField()
    unit_price = MoneyField()


class SaleLineSchema(Schema):
    """A sale line in a POST body; the price defaults to the part's sale price, the
    discount to the sale's."""

    __component_name__ = "InventorySaleLine"

    part_id = _id(data_key="part", required=True)
    quantity = QuantityField(required=True)
    unit_price = MoneyField(allow_none=True)
    discount_pct = MoneyField(allow_none=True, maximum=100)


def extended(schema, **declared):
    """FAB's generated model schema (an instance) with more fields: `declared` are
    added (a body's `lines`) or replace the generated ones (exact amounts)."""
    base = type(schema)
    names = tuple(dict.fromkeys((*base.Meta.fields, *declared)))
    meta = type("Meta", (base.Meta,), {"fields": names})
    return type(base.__name__, (base,), {**declared, "Meta": meta})()


def lines_field(line_schema) -> fields.List:
    """A body's `lines`, loaded onto the document's `line_items` (not stored: the
    rules turn them into lines)."""
    return fields.List(
        fields.Nested(line_schema), data_key="lines", attribute="line_items", validate=_MAX_LINES
    )


def exact_amounts(model, columns) -> dict:
    """For each Numeric column among `columns`, a field of app.amounts that refuses the
    decimals the column cannot hold (FAB's rounds them away); the service's rules say
    what range is allowed, so these only parse."""
    out = {}
    for name in columns:
        column = sa_inspect(model).columns.get(name)
        if column is None or not isinstance(column.type, Numeric):
            continue
        if column.type.scale == QUANTITY_PLACES:
            out[name] = QuantityField(positive=False, minimum=None, allow_none=True)
        else:
            out[name] = MoneyField(minimum=None, allow_none=True)
    return out


# ------------------------------------------------------------------ CSV imports


class PartImportSchema(Schema):
    sku = fields.String(required=True, validate=validate.Length(min=1, max=40))
    name = fields.String(required=True, validate=validate.Length(min=1, max=200))
    unit = fields.String(validate=validate.Length(min=1, max=10))
    category = fields.String(validate=validate.Length(max=100))
    cost = MoneyField()
    sale_price = MoneyField()
    lead_time_days = fields.Integer(validate=validate.Range(min=0, max=3650))
    min_order_qty = QuantityField()
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
