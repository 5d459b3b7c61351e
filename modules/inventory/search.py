"""What the navbar search finds in inventory: purchase orders and parts sales by number,
parts by SKU or name."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

from app.formats import day
from app.search import Searchable
from modules.inventory.models import PO_STATES, SALE_STATES, Part, PartsSale, PurchaseOrder

SEARCH = [
    Searchable(
        kind="part",
        title=_l("Parts"),
        model=Part,
        links=(("Part", "PartView"),),
        prefix=("sku",),
        contains=("name",),
        label=lambda p: f"{p.sku} {p.name}",
    ),
    Searchable(
        kind="purchase_order",
        title=_l("Purchase orders"),
        model=PurchaseOrder,
        links=(("PurchaseOrder", "PurchaseOrderView"),),
        prefix=("number",),
        label=lambda o: o.number or f"#{o.id}",
        detail=lambda o: f"{day(o.order_date)} · {PO_STATES.label(o.state)} · {o.supplier}",
        load=("supplier",),
    ),
    Searchable(
        kind="sale",
        title=_l("Parts sales"),
        model=PartsSale,
        links=(("PartsSale", "PartsSaleView"),),
        prefix=("number",),
        label=lambda s: s.number or f"#{s.id}",
        detail=lambda s: f"{day(s.sale_date)} · {SALE_STATES.label(s.state)} · {s.customer}",
        load=("customer",),
    ),
]
