"""What the navbar search finds in contracts (service contracts by number or title,
dealer reimbursements by number), and the contracts covering a unit on its passport."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from sqlalchemy import or_, select

from app.formats import day
from app.search import Searchable
from modules.contracts.models import (
    CONTRACT_STATES,
    REIMBURSEMENT_STATES,
    ContractCoverage,
    DealerReimbursement,
    ServiceContract,
)


def _covering(unit):
    """Contracts with a line naming the unit, or a line naming its model when the
    contract's party is the unit's customer or dealer (dealer agreements cover nothing)."""
    parties = [p for p in (unit.customer_id, unit.dealer_id) if p is not None]
    lines = select(ContractCoverage.contract_id)
    named = lines.where(ContractCoverage.unit_id == unit.id)
    by_model = lines.where(ContractCoverage.equipment_model_id == unit.equipment_model_id)
    return (ServiceContract.kind != "dealer") & or_(
        ServiceContract.id.in_(named),
        ServiceContract.id.in_(by_model) & ServiceContract.partner_id.in_(parties),
    )


def _contract_detail(c: ServiceContract) -> str:
    return (
        f"{day(c.start_date)} – {day(c.end_date)} · {CONTRACT_STATES.label(c.state)} · {c.partner}"
    )


SEARCH = [
    Searchable(
        kind="contract",
        title=_l("Service contracts"),
        model=ServiceContract,
        links=(("ServiceContract", "ServiceContractView"),),
        prefix=("number",),
        contains=("title",),
        detail=_contract_detail,
        load=("partner",),
        unit=_covering,
    ),
    Searchable(
        kind="reimbursement",
        title=_l("Dealer reimbursements"),
        model=DealerReimbursement,
        links=(("DealerReimbursement", "DealerReimbursementView"),),
        prefix=("number", "dealer_ref"),
        label=lambda r: r.number or f"#{r.id}",
        detail=lambda r: f"{day(r.work_date)} · {REIMBURSEMENT_STATES.label(r.state)}",
    ),
]
