"""Claims CSV for accounting: compensations and refunds paid, delay penalties paid,
expert examination costs, recoveries from suppliers."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

from app.csvio import Column, CsvExport
from modules.claims.models import Claim, ExpertExamination, SupplierClaim
from modules.inventory.models import EquipmentModel
from modules.partners.models import Partner

C = Claim.__table__.c
E = ExpertExamination.__table__.c
S = SupplierClaim.__table__.c
P = Partner.__table__.c
M = EquipmentModel.__table__.c
# who takes the claims' accounting exports (a technician reading his claims does not)
RESOURCE = "ClaimAccounting"


_CLAIM_COLS = (
    Column("claim", C.number, _l("Claim number")),
    Column("customer", P.name, _l("Customer")),
    Column("customer_tax_id", P.tax_id, _l("Customer's tax id")),
    Column("model", M.code, _l("Equipment model code")),
)

EXPORTS = [
    CsvExport(
        name="claims_compensations",
        title=_l("Claims: compensations and refunds paid"),
        resource=RESOURCE,
        description=_l("Refunds, price reductions and reimbursements paid on claims."),
        columns=(
            *_CLAIM_COLS,
            Column(
                "kind",
                C.resolution,
                _l("refund, price_reduction or reimbursement"),
                label=_l("Compensation"),
            ),
            Column("paid_on", C.paid_on, _l("Date paid")),
            Column("amount", C.compensation_amount, _l("Amount paid"), label=_l("Amount paid")),
        ),
        select_from=Claim.__table__,
        joins=(
            (Partner.__table__, P.id == C.customer_id),
            (EquipmentModel.__table__, M.id == C.equipment_model_id),
        ),
        date_column=C.paid_on,
        order_by=(C.paid_on, C.id),
        where=(C.compensation_amount.is_not(None), C.compensation_amount > 0),
    ),
    CsvExport(
        name="claims_penalties",
        title=_l("Claims: delay penalties paid"),
        resource=RESOURCE,
        description=_l("Penalties for late fulfilment paid to consumers."),
        columns=(
            *_CLAIM_COLS,
            Column("due_date", C.due_date, _l("Legal deadline")),
            Column("fulfilled_on", C.fulfilled_on, _l("Date fulfilled")),
            Column("penalty", C.penalty_paid, _l("Penalty paid"), label=_l("Penalty paid")),
        ),
        select_from=Claim.__table__,
        joins=(
            (Partner.__table__, P.id == C.customer_id),
            (EquipmentModel.__table__, M.id == C.equipment_model_id),
        ),
        date_column=C.fulfilled_on,
        order_by=(C.fulfilled_on, C.id),
        where=(C.penalty_paid.is_not(None), C.penalty_paid > 0),
    ),
    CsvExport(
        name="claims_expert_costs",
        title=_l("Claims: expert examination costs"),
        resource=RESOURCE,
        description=_l("Costs of concluded expert examinations and who pays them."),
        columns=(
            Column("claim", C.number, _l("Claim number")),
            Column("organisation", E.organisation, _l("Expert organisation")),
            Column("sent_on", E.sent_on, _l("Date sent")),
            Column("concluded_on", E.concluded_on, _l("Date of the conclusion")),
            Column("cause_found", E.cause_found, _l("Cause found")),
            Column("paid_by", E.paid_by, _l("seller, consumer, manufacturer or supplier")),
            Column("cost", E.cost, _l("Cost")),
        ),
        select_from=ExpertExamination.__table__,
        joins=((Claim.__table__, C.id == E.claim_id),),
        date_column=E.concluded_on,
        order_by=(E.concluded_on, E.id),
        where=(E.cost.is_not(None), E.state == "concluded"),
    ),
    CsvExport(
        name="claims_supplier_recoveries",
        title=_l("Claims: recoveries from suppliers"),
        resource=RESOURCE,
        description=_l("Amounts claimed from and recovered by settled supplier claims."),
        columns=(
            Column("supplier_claim", S.number, _l("Supplier claim number")),
            Column("supplier", P.name, _l("Supplier")),
            Column("supplier_tax_id", P.tax_id, _l("Supplier's tax id")),
            Column("breach", S.breach, _l("defective_parts, late_delivery, wrong_delivery, other")),
            Column("settled_on", S.settled_on, _l("Date settled")),
            Column("claimed", S.amount, _l("Amount claimed")),
            Column("recovered", S.recovered_amount, _l("Amount recovered")),
        ),
        select_from=SupplierClaim.__table__,
        joins=((Partner.__table__, P.id == S.supplier_id),),
        date_column=S.settled_on,
        order_by=(S.settled_on, S.id),
        where=(S.state == "settled",),
    ),
]
