"""Inventory CSV: stock moves with values, stock valuation at a date, purchase orders,
receipts, customer returns with their refunds (for accounting); catalog, equipment
models and fitment imports."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from flask_babel import lazy_gettext as _l
from sqlalchemy import Select, String, cast, func, literal, select, type_coerce, union_all
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.functions import FunctionElement

from app.csvio import Column, CsvExport, CsvImport, csv_column
from app.db import Money, Quantity, utc_day_start
from modules.inventory.models import (
    Part,
    PartsReturn,
    PartsSale,
    PurchaseOrder,
    PurchaseOrderLine,
    StockMove,
    Warehouse,
)
from modules.inventory.schemas import (
    EquipmentModelImportSchema,
    FitmentImportSchema,
    PartImportSchema,
)
from modules.inventory.services.catalog import upsert_equipment_model, upsert_fitment, upsert_part
from modules.partners.models import Partner

M = StockMove.__table__.c
P = Part.__table__.c
PO = PurchaseOrder.__table__.c
POL = PurchaseOrderLine.__table__.c
PT = Partner.__table__.c
RET = PartsReturn.__table__.c
PS = PartsSale.__table__.c


class utc_iso(FunctionElement):  # noqa: N801 (a SQL function, named like one)
    """A UTC timestamp column as ISO 8601 text (`2026-03-01T08:30:00.000000+00:00`),
    written by the database: a million moves need no datetime objects in Python."""

    type = String()
    inherit_cache = True
    name = "utc_iso"


@compiles(utc_iso)
def _utc_iso(element, compiler, **kw):  # PostgreSQL: timestamptz shown in UTC
    (arg,) = element.clauses
    fmt = 'YYYY-MM-DD"T"HH24:MI:SS.US"+00:00"'
    return f"to_char({compiler.process(arg, **kw)} AT TIME ZONE 'UTC', '{fmt}')"


@compiles(utc_iso, "sqlite")
def _utc_iso_sqlite(element, compiler, **kw):  # stored as "YYYY-MM-DD HH:MM:SS.ffffff" (UTC)
    (arg,) = element.clauses
    return f"(replace({compiler.process(arg, **kw)}, ' ', 'T') || '+00:00')"


def _money(expr):
    return type_coerce(func.round(expr, 2), Money)


@dataclass(frozen=True)
class ValuationExport(CsvExport):
    """Quantity and value per part and warehouse at the end of `date_to` (today when
    absent): the ledger's incoming legs less its outgoing legs, at their unit costs."""

    def statement(self, date_from: date | None = None, date_to: date | None = None) -> Select:
        until = utc_day_start((date_to or date.today()) + timedelta(days=1))
        incoming = select(
            M.part_id.label("part_id"),
            M.to_warehouse_id.label("warehouse_id"),
            M.quantity.label("qty"),
            (M.quantity * M.unit_cost).label("value"),
        ).where(M.to_warehouse_id.is_not(None), M.at < until)
        outgoing = select(
            M.part_id,
            M.from_warehouse_id,
            -M.quantity,
            -(M.quantity * M.unit_cost),
        ).where(M.from_warehouse_id.is_not(None), M.at < until)
        legs = union_all(incoming, outgoing).subquery("legs")
        wh = Warehouse.__table__.c
        qty = func.sum(legs.c.qty)
        return (
            select(
                literal((date_to or date.today()).isoformat()).label("at"),
                P.sku,
                P.name,
                wh.code,
                csv_column(type_coerce(qty, Quantity)),
                csv_column(_money(func.sum(legs.c.value))),
            )
            .select_from(legs)
            .join(Part.__table__, P.id == legs.c.part_id)
            .join(Warehouse.__table__, wh.id == legs.c.warehouse_id)
            .group_by(P.sku, P.name, wh.code)
            .having(qty != 0)
            .order_by(P.sku, wh.code)
        )


_FROM = Warehouse.__table__.alias("wf")
_TO = Warehouse.__table__.alias("wt")

EXPORTS = [
    CsvExport(
        name="stock_moves",
        title=_l("Stock moves with values"),
        resource="StockMove",
        description=_l("Every stock movement in a period with its quantity, unit cost and value."),
        columns=(
            Column("id", M.id, _l("Move id")),
            Column("at", utc_iso(M.at), _l("When (UTC)"), label=_l("When (UTC)")),
            Column("sku", P.sku, _l("Part SKU")),
            Column("from", _FROM.c.code, _l("Source warehouse code")),
            Column("to", _TO.c.code, _l("Destination warehouse code")),
            Column("reason", M.reason, _l("receipt, issue, transfer, adjustment, return, ...")),
            Column("quantity", M.quantity, _l("Quantity")),
            Column("unit_cost", M.unit_cost, _l("Unit cost")),
            Column("value", _money(M.quantity * M.unit_cost), _l("Quantity x unit cost")),
            Column("ref_type", M.ref_type, _l("Document type")),
            Column("ref_id", M.ref_id, _l("Document id")),
            Column(
                "reverses",
                M.reverses_id,
                _l("Id of the move this one reverses"),
                label=_l("Reverses move"),
            ),
            Column("user", M.username, _l("User")),
        ),
        select_from=StockMove.__table__,
        joins=(
            (Part.__table__, P.id == M.part_id),
            (_FROM, _FROM.c.id == M.from_warehouse_id),
            (_TO, _TO.c.id == M.to_warehouse_id),
        ),
        date_column=M.at,
        order_by=(M.at, M.id),
    ),
    ValuationExport(
        name="stock_valuation",
        title=_l("Stock valuation"),
        resource="StockMove",
        description=_l(
            "Quantity and value per part and warehouse at the end of date_to (today when empty)."
        ),
        columns=(
            Column("at", None, _l("Valuation date"), label=_l("Valuation date")),
            Column("sku", None, _l("Part SKU")),
            Column("name", None, _l("Part name")),
            Column("warehouse", None, _l("Warehouse code")),
            Column("quantity", None, _l("Quantity on hand")),
            Column("value", None, _l("Value at average cost")),
        ),
    ),
    CsvExport(
        name="purchase_orders",
        title=_l("Purchase orders"),
        resource="PurchaseOrder",
        description=_l("Purchase order lines in a period with ordered and received quantities."),
        columns=(
            Column("number", PO.number, _l("Order number")),
            Column("order_date", PO.order_date, _l("Order date")),
            Column("state", PO.state, _l("draft, sent, partially_received, received, cancelled")),
            Column("supplier", PT.name, _l("Supplier")),
            Column("supplier_tax_id", PT.tax_id, _l("Supplier tax id")),
            Column("sku", P.sku, _l("Part SKU")),
            Column("quantity", POL.quantity, _l("Ordered")),
            Column("unit_price", POL.unit_price, _l("Unit price")),
            Column("amount", _money(POL.quantity * POL.unit_price), _l("Line amount")),
            Column("received", POL.received_qty, _l("Received so far")),
        ),
        select_from=PurchaseOrderLine.__table__,
        joins=(
            (PurchaseOrder.__table__, PO.id == POL.order_id),
            (Partner.__table__, PT.id == PO.supplier_id),
            (Part.__table__, P.id == POL.part_id),
        ),
        date_column=PO.order_date,
        order_by=(PO.order_date, PO.id, POL.id),
    ),
    CsvExport(
        name="receipts",
        title=_l("Purchase receipts"),
        resource="PurchaseOrder",
        description=_l("Goods received against purchase orders in a period, at the order price."),
        columns=(
            Column("move_id", M.id, _l("Move id")),
            Column("at", utc_iso(M.at), _l("When (UTC)"), label=_l("When (UTC)")),
            Column("order", PO.number, _l("Order number")),
            Column("supplier", PT.name, _l("Supplier")),
            Column("sku", P.sku, _l("Part SKU")),
            Column("warehouse", _TO.c.code, _l("Warehouse code")),
            Column("quantity", M.quantity, _l("Quantity")),
            Column("unit_cost", M.unit_cost, _l("Unit price")),
            Column("value", _money(M.quantity * M.unit_cost), _l("Value")),
        ),
        select_from=StockMove.__table__,
        joins=(
            (PurchaseOrder.__table__, cast(PO.id, String(64)) == M.ref_id),
            (Partner.__table__, PT.id == PO.supplier_id),
            (Part.__table__, P.id == M.part_id),
            (_TO, _TO.c.id == M.to_warehouse_id),
        ),
        where=(M.reason == "receipt", M.ref_type == "inv_purchase_order"),
        date_column=M.at,
        order_by=(M.at, M.id),
    ),
    CsvExport(
        name="parts_returns",
        title=_l("Customer returns and refunds"),
        resource="PartsReturn",
        description=_l(
            "Parts customers brought back in a period, with the sale they came from and "
            "the amount refunded (to take off that sale's revenue)."
        ),
        columns=(
            Column("id", RET.id, _l("Return id")),
            Column("return_date", RET.return_date, _l("Return date")),
            Column("sale", PS.number, _l("Sale number (empty: not from a recorded sale)")),
            Column("customer", PT.name, _l("Customer")),
            Column("customer_tax_id", PT.tax_id, _l("Customer tax id")),
            Column("sku", P.sku, _l("Part SKU")),
            Column("quantity", RET.quantity, _l("Quantity")),
            Column("condition", RET.condition, _l("good (back to stock) or damaged")),
            Column("refund", RET.refund_amount, _l("Amount refunded")),
        ),
        select_from=PartsReturn.__table__,
        joins=(
            (PartsSale.__table__, PS.id == RET.sale_id),
            (Partner.__table__, PT.id == RET.customer_id),
            (Part.__table__, P.id == RET.part_id),
        ),
        date_column=RET.return_date,
        order_by=(RET.return_date, RET.id),
    ),
]

IMPORTS = [
    CsvImport(
        name="parts",
        title=_l("Parts catalog"),
        resource="Part",
        schema=PartImportSchema,
        save=upsert_part,
        unique_key="sku",
        description=_l(
            "One part per line; an existing SKU is updated. supplier_ref is the partner's "
            "reference; superseded_by_sku names a part listed earlier or already known."
        ),
    ),
    CsvImport(
        name="equipment_models",
        title=_l("Equipment models"),
        resource="EquipmentModel",
        schema=EquipmentModelImportSchema,
        save=upsert_equipment_model,
        unique_key="code",
        description=_l("One equipment model per line; an existing code is updated."),
    ),
    CsvImport(
        name="fitment",
        title=_l("Fitment"),
        resource="PartFitment",
        schema=FitmentImportSchema,
        save=upsert_fitment,
        description=_l("Which part (sku) fits which equipment model (model_code)."),
    ),
]
