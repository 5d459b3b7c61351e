"""What covers a unit on a day, and the provider warranty asks when it bills a repair."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from modules.contracts.models import ContractCoverage, ServiceContract
from modules.contracts.services.life import COVERING_STATES
from modules.warranty.hooks import Coverage
from modules.warranty.models import Unit


@dataclass(frozen=True)
class UnitCoverage:
    contract_id: int
    number: str
    title: str
    kind: str
    start_date: date
    end_date: date
    by: str  # "unit" (listed) or "model" (every unit of the party of that model)
    covers_parts: bool
    covers_labour: bool
    covers_travel: bool
    visits_per_year: int
    response_hours: int | None
    resolution_hours: int | None
    sla_calendar: str

    def as_dict(self) -> dict:
        out = dict(self.__dict__)
        out["start_date"] = self.start_date.isoformat()
        out["end_date"] = self.end_date.isoformat()
        return out


def in_force_on(contract: ServiceContract, on: date) -> bool:
    """Signed, within its term, and not terminated before that day."""
    if contract.state not in COVERING_STATES and contract.state != "terminated":
        return False
    if contract.state == "terminated" and (
        contract.signed_on is None or contract.terminated_on is None or on >= contract.terminated_on
    ):
        return False
    return contract.start_date <= on <= contract.end_date


def coverage_for_unit(session: Session, unit_id: int, on: date) -> UnitCoverage | None:
    """The contract covering the unit on `on`: a line naming the unit wins over a line
    naming its equipment model (which covers the units of the contract's party: the
    customer who owns it, or the dealer who sold it). Dealer agreements cover nothing."""
    unit = session.get(Unit, unit_id) if isinstance(unit_id, int) else None
    if unit is None:
        return None
    parties = [p for p in (unit.customer_id, unit.dealer_id) if p is not None]
    rows = session.execute(
        select(ServiceContract, ContractCoverage.unit_id)
        .join(ContractCoverage, ContractCoverage.contract_id == ServiceContract.id)
        .where(
            ServiceContract.kind != "dealer",
            ServiceContract.state.in_((*COVERING_STATES, "terminated")),
            ServiceContract.start_date <= on,
            ServiceContract.end_date >= on,
            or_(
                ContractCoverage.unit_id == unit.id,
                (ContractCoverage.equipment_model_id == unit.equipment_model_id)
                & ServiceContract.partner_id.in_(parties),
            ),
        )
        .order_by(ServiceContract.start_date.desc(), ServiceContract.id.desc())
    ).all()
    candidates = [(c, line_unit) for c, line_unit in rows if in_force_on(c, on)]
    if not candidates:
        return None
    contract, line_unit = min(candidates, key=lambda r: 0 if r[1] is not None else 1)
    return UnitCoverage(
        contract_id=contract.id,
        number=contract.number or "",
        title=contract.title,
        kind=contract.kind,
        start_date=contract.start_date,
        end_date=contract.end_date,
        by="unit" if line_unit is not None else "model",
        covers_parts=contract.covers_parts,
        covers_labour=contract.covers_labour,
        covers_travel=contract.covers_travel,
        visits_per_year=contract.visits_per_year,
        response_hours=contract.response_hours,
        resolution_hours=contract.resolution_hours,
        sla_calendar=contract.sla_calendar,
    )


def contract_coverage(session: Session, unit_id: int, on: date) -> Coverage | None:
    """The warranty module's coverage provider (registered in signals.connect)."""
    cov = coverage_for_unit(session, unit_id, on)
    if cov is None:
        return None
    return Coverage(
        source="contract",
        ref_id=cov.contract_id,
        label=f"{cov.number} {cov.title}".strip(),
        covers_parts=cov.covers_parts,
        covers_labour=cov.covers_labour,
        covers_transport=cov.covers_travel,
    )
