"""Warranty CSV for accounting: paid repairs (revenue), warranty repairs (cost: parts at
cost + labour), shipment costs, supplier-recoverable costs; import of sold units."""

from __future__ import annotations

from typing import Any

from flask_babel import lazy_gettext as _l
from sqlalchemy import func, or_, select, type_coerce

from app.csvio import Column, CsvExport, CsvImport
from app.db import Money
from modules.inventory.models import EquipmentModel, Part
from modules.partners.models import Partner
from modules.warranty.models import (
    RepairLabourLine,
    RepairOrder,
    RepairPartLine,
    Shipment,
    Unit,
)
from modules.warranty.schemas import UnitImportSchema
from modules.warranty.services.units import upsert_unit

R = RepairOrder.__table__.c
U = Unit.__table__.c
EM = EquipmentModel.__table__.c
PT = Partner.__table__.c
PL = RepairPartLine.__table__.c
LL = RepairLabourLine.__table__.c
SH = Shipment.__table__.c
P = Part.__table__.c

ACCOUNTING = "WarrantyAccounting"


def _money(expr):
    return type_coerce(func.coalesce(func.round(expr, 2), 0), Money)


def _parts(value) -> Any:
    """Per repair, the sum over its parts (released lines left out)."""
    return (
        select(func.sum(value))
        .where(PL.repair_id == R.id, PL.state != "released")
        .correlate(RepairOrder.__table__)
        .scalar_subquery()
    )


_LABOUR = (
    select(func.sum(LL.hours * LL.rate))
    .where(LL.repair_id == R.id)
    .correlate(RepairOrder.__table__)
    .scalar_subquery()
)
_PARTS_PRICE = _parts(PL.quantity * PL.unit_price)
_PARTS_COST = _parts(PL.quantity * PL.unit_cost)
_RECOVER_FROM = Partner.__table__.alias("rs")
_SUPPLIER = Partner.__table__.alias("ps")


_REPAIR_JOINS = (
    (Unit.__table__, U.id == R.unit_id),
    (EquipmentModel.__table__, EM.id == U.equipment_model_id),
    (Partner.__table__, PT.id == R.customer_id),
)

EXPORTS = [
    CsvExport(
        name="paid_repairs",
        title=_l("Paid repairs (revenue)"),
        resource=ACCOUNTING,
        description=_l(
            "Paid repairs returned to the customer in a period: invoice data, parts at "
            "sale price and labour."
        ),
        columns=(
            Column("number", R.number, _l("Repair order number")),
            Column("returned_on", R.returned_on, _l("Returned to the customer on")),
            Column("customer", PT.name, _l("Customer")),
            Column("customer_ref", PT.ref, _l("Customer reference")),
            Column("customer_tax_id", PT.tax_id, _l("Customer tax id")),
            Column("model", EM.code, _l("Equipment model code")),
            Column("serial_number", U.serial_number, _l("Serial number")),
            Column("quote", R.quote_amount, _l("Quoted amount")),
            Column("parts", _money(_PARTS_PRICE), _l("Parts at sale price")),
            Column("labour", _money(_LABOUR), _l("Labour: hours x rate")),
            Column(
                "total",
                _money(func.coalesce(_PARTS_PRICE, 0) + func.coalesce(_LABOUR, 0)),
                _l("Amount payable by the customer"),
            ),
        ),
        select_from=RepairOrder.__table__,
        joins=_REPAIR_JOINS,
        where=(R.billing_type == "paid", R.state == "returned"),
        date_column=R.returned_on,
        order_by=(R.returned_on, R.id),
    ),
    CsvExport(
        name="warranty_repairs",
        title=_l("Warranty and contract repairs (cost)"),
        resource=ACCOUNTING,
        description=_l(
            "Repairs the company pays for (warranty, or covered by a contract), returned in "
            "a period: parts at cost plus labour."
        ),
        columns=(
            Column("number", R.number, _l("Repair order number")),
            Column("returned_on", R.returned_on, _l("Returned on")),
            Column("billing", R.billing_type, _l("warranty or contract")),
            Column(
                "coverage",
                R.coverage_label,
                _l("Warranty or contract covering it"),
                label=_l("Coverage"),
            ),
            Column(
                "coverage_source",
                R.coverage_source,
                _l("statutory, manufacturer, extended, contract"),
                label=_l("Coverage source"),
            ),
            Column(
                "coverage_ref_id",
                R.coverage_ref_id,
                _l("Id of the covering contract"),
                label=_l("Covering contract id"),
            ),
            Column("customer", PT.name, _l("Customer")),
            Column("model", EM.code, _l("Equipment model code")),
            Column("serial_number", U.serial_number, _l("Serial number")),
            Column(
                "parts_cost",
                _money(_PARTS_COST),
                _l("Parts at moving average cost"),
                label=_l("Parts at cost"),
            ),
            Column("labour", _money(_LABOUR), _l("Labour: hours x rate")),
            Column(
                "total_cost",
                _money(func.coalesce(_PARTS_COST, 0) + func.coalesce(_LABOUR, 0)),
                _l("Parts at cost + labour"),
                label=_l("Total cost"),
            ),
            Column("supplier_fault", R.supplier_fault, _l("1 when a supplier is at fault")),
        ),
        select_from=RepairOrder.__table__,
        joins=_REPAIR_JOINS,
        where=(R.billing_type.in_(("warranty", "contract")), R.state == "returned"),
        date_column=R.returned_on,
        order_by=(R.returned_on, R.id),
    ),
    CsvExport(
        name="shipment_costs",
        title=_l("Shipment costs"),
        resource=ACCOUNTING,
        description=_l("Shipments of defective goods in a period with their cost and payer."),
        columns=(
            Column("number", SH.number, _l("Shipment number")),
            Column("shipped_on", SH.shipped_on, _l("Shipped on")),
            Column("delivered_on", SH.delivered_on, _l("Delivered on")),
            Column(
                "direction", SH.direction, _l("to_workshop, to_customer, to_outside, from_outside")
            ),
            Column("repair", R.number, _l("Repair order number")),
            Column("carrier", SH.carrier, _l("Carrier")),
            Column("tracking_number", SH.tracking_number, _l("Tracking number")),
            Column("cost", SH.cost, _l("Cost")),
            Column("paid_by", SH.paid_by, _l("company, customer, supplier, dealer")),
            Column("state", SH.state, _l("planned, in_transit, delivered")),
        ),
        select_from=Shipment.__table__,
        joins=((RepairOrder.__table__, R.id == SH.repair_id),),
        where=(SH.state != "cancelled",),
        date_column=SH.shipped_on,
        order_by=(SH.shipped_on, SH.id),
    ),
    CsvExport(
        name="supplier_recoverable",
        title=_l("Costs recoverable from suppliers"),
        resource=ACCOUNTING,
        description=_l(
            "Parts consumed on warranty repairs where the part's supplier is at fault, at "
            "cost, with the supplier to claim from."
        ),
        columns=(
            Column("repair", R.number, _l("Repair order number")),
            Column("returned_on", R.returned_on, _l("Returned on")),
            Column(
                "supplier",
                func.coalesce(_RECOVER_FROM.c.name, _SUPPLIER.c.name),
                _l("Supplier to claim from"),
            ),
            Column(
                "supplier_tax_id",
                func.coalesce(_RECOVER_FROM.c.tax_id, _SUPPLIER.c.tax_id),
                _l("Supplier tax id"),
            ),
            Column("sku", P.sku, _l("Part SKU")),
            Column("quantity", PL.quantity, _l("Quantity")),
            Column("unit_cost", PL.unit_cost, _l("Unit cost")),
            Column("value", _money(PL.quantity * PL.unit_cost), _l("Quantity x unit cost")),
            Column("serial_number", U.serial_number, _l("Serial number of the repaired unit")),
        ),
        select_from=RepairPartLine.__table__,
        joins=(
            (RepairOrder.__table__, R.id == PL.repair_id),
            (Part.__table__, P.id == PL.part_id),
            (Unit.__table__, U.id == R.unit_id),
            (_RECOVER_FROM, _RECOVER_FROM.c.id == R.recovery_supplier_id),
            (_SUPPLIER, _SUPPLIER.c.id == P.supplier_id),
        ),
        where=(
            PL.state == "consumed",
            R.billing_type.in_(("warranty", "contract")),
            R.state == "returned",
            or_(PL.supplier_fault.is_(True), R.supplier_fault.is_(True)),
        ),
        date_column=R.returned_on,
        order_by=(R.returned_on, R.id, PL.id),
    ),
]

IMPORTS = [
    CsvImport(
        name="units",
        title=_l("Sold units"),
        resource="Unit",
        schema=UnitImportSchema,
        save=upsert_unit,
        description=_l(
            "Units sold, from the sales system: serial_number, model_code, customer_ref "
            "(partner reference), dealer_ref, sale_date, handover_date, price, sales_ref, "
            "notes. A unit of the same model and serial number is updated."
        ),
    ),
]
