"""Contract CSV for accounting: the billing schedule per period, dealer reimbursements."""

from flask_babel import lazy_gettext as _l

from app.csvio import Column, CsvExport
from modules.contracts.models import BillingLine, DealerReimbursement, ServiceContract
from modules.partners.models import Partner
from modules.warranty.models import Unit

B = BillingLine.__table__.c
C = ServiceContract.__table__.c
P = Partner.__table__.c
R = DealerReimbursement.__table__.c
U = Unit.__table__.c

EXPORTS = [
    CsvExport(
        name="contract_billing",
        title=_l("Contract billing schedule"),
        resource="BillingLine",
        description=_l(
            "The instalments of signed contracts whose billing period starts in the period."
        ),
        columns=(
            Column("contract", C.number, _l("Contract number")),
            Column("contract_title", C.title, _l("Contract title")),
            Column("partner_id", C.partner_id, _l("Partner id")),
            Column("partner_ref", P.ref, _l("Partner reference")),
            Column("partner", P.name, _l("Partner name")),
            Column("state", C.state, _l("Stage of the contract")),
            Column("billing_period", C.billing_period, _l("monthly, quarterly, yearly or once")),
            Column("instalment", B.seq, _l("Instalment number within the term")),
            Column("period_start", B.period_start, _l("First day billed")),
            Column("period_end", B.period_end, _l("Last day billed")),
            Column("amount", B.amount, _l("Amount, in the installation's currency")),
        ),
        select_from=BillingLine.__table__,
        joins=(
            (ServiceContract.__table__, C.id == B.contract_id),
            (Partner.__table__, P.id == C.partner_id),
        ),
        date_column=B.period_start,
        order_by=(B.period_start, C.number, B.seq),
    ),
    CsvExport(
        name="dealer_reimbursements",
        title=_l("Dealer reimbursements"),
        resource="DealerReimbursement",
        description=_l(
            "Dealers' warranty work at the agreed rates, by date of the work; "
            "pay the approved ones."
        ),
        columns=(
            Column("number", R.number, _l("Request number")),
            Column("state", R.state, _l("draft, submitted, checked, approved or rejected")),
            Column("contract", C.number, _l("Dealer agreement number")),
            Column("dealer_id", C.partner_id, _l("Dealer id")),
            Column("dealer_ref", P.ref, _l("Dealer reference")),
            Column("dealer", P.name, _l("Dealer name")),
            Column(
                "dealer_document",
                R.dealer_ref,
                _l("The dealer's own reference"),
                label=_l("Dealer's document"),
            ),
            Column("unit_serial", U.serial_number, _l("Serial number of the unit")),
            Column("work_date", R.work_date, _l("Date of the work")),
            Column("labour_hours", R.labour_hours, _l("Labour hours")),
            Column("labour_rate", R.labour_rate, _l("Agreed labour rate per hour")),
            Column("labour_amount", R.labour_amount, _l("Labour reimbursed")),
            Column("parts_amount", R.parts_amount, _l("Parts at list price")),
            Column("parts_discount_pct", R.parts_discount_pct, _l("Agreed parts discount, %")),
            Column("parts_reimbursed", R.parts_reimbursed, _l("Parts reimbursed")),
            Column("total", R.total, _l("Total reimbursed")),
            Column("decided_on", R.decided_on, _l("Date of approval or rejection")),
        ),
        select_from=DealerReimbursement.__table__,
        joins=(
            (ServiceContract.__table__, C.id == R.contract_id),
            (Partner.__table__, P.id == C.partner_id),
            (Unit.__table__, U.id == R.unit_id),
        ),
        date_column=R.work_date,
        order_by=(R.work_date, R.id),
    ),
]
