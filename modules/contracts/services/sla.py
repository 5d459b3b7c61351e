"""SLA: response and resolution due times under a contract, in its business hours (in its
time zone, on the installation's working days) or around the clock; breaches counted.

A repair is under a contract when warranty billed it to the contract. Its clock starts
when the unit was received (the "received" step of the repair's life); the response is
the first step after that, the resolution the step to "ready" (or the return to the
customer). Claims or any other document use `due_times()` with their own timestamps.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.db import utcnow
from app.models import StateTransition
from app.workcal import WorkCalendar, installation_calendar
from modules.contracts.models import ServiceContract
from modules.contracts.services.coverage import in_force_on
from modules.warranty.models import RepairOrder

REPAIR_DOC = "wty_repair_order"
RESOLVED_STATES = ("ready", "returned")


def add_service_hours(
    contract: ServiceContract, start: datetime, hours: float, cal: WorkCalendar
) -> datetime:
    """`start` plus `hours` of service time: around the clock, or counted only within the
    contract's business hours on working days (in the contract's time zone)."""
    if start.tzinfo is None:
        raise ValueError("a UTC timestamp is required")
    if contract.sla_calendar == "24x7":
        return start + timedelta(hours=hours)
    tz = ZoneInfo(contract.timezone or "UTC")
    local = start.astimezone(tz)
    remaining = timedelta(hours=hours)
    day = local.date()
    cursor = local
    for _ in range(3700):
        if cal.is_working_day(day):
            open_at = datetime.combine(day, contract.business_from, tz)
            close_at = datetime.combine(day, contract.business_to, tz)
            begin = max(cursor, open_at)
            if begin < close_at:
                available = close_at - begin
                if remaining <= available:
                    return (begin + remaining).astimezone(UTC)
                remaining -= available
        day += timedelta(days=1)
        cursor = datetime.combine(day, time.min, tz)
    raise ValueError("no business hours within ten years")  # pragma: no cover


@dataclass(frozen=True)
class DueTimes:
    response_due: datetime | None
    resolution_due: datetime | None


def due_times(
    contract: ServiceContract, received_at: datetime, cal: WorkCalendar
) -> DueTimes | None:
    """Due times of a request received at `received_at` under `contract`; None when the
    contract is not in force that day (before its start, after its end or termination).
    A request received before business hours starts its clock at the next opening."""
    local_day = received_at.astimezone(ZoneInfo(contract.timezone or "UTC")).date()
    if not in_force_on(contract, local_day):
        return None
    return DueTimes(
        response_due=add_service_hours(contract, received_at, contract.response_hours, cal)
        if contract.response_hours
        else None,
        resolution_due=add_service_hours(contract, received_at, contract.resolution_hours, cal)
        if contract.resolution_hours
        else None,
    )


@dataclass(frozen=True)
class SlaStatus:
    repair_id: int
    repair_number: str | None
    contract_id: int
    received_at: datetime
    response_due: datetime | None
    resolution_due: datetime | None
    responded_at: datetime | None
    resolved_at: datetime | None
    response_breached: bool
    resolution_breached: bool

    def as_dict(self) -> dict:
        return {
            k: (v.isoformat() if isinstance(v, datetime) else v) for k, v in self.__dict__.items()
        }


def _breached(due: datetime | None, done: datetime | None, now: datetime) -> bool:
    if due is None:
        return False
    return (done or now) > due


def repair_sla(
    session: Session,
    repairs: list[RepairOrder],
    now: datetime | None = None,
    cal: WorkCalendar | None = None,
) -> list[SlaStatus]:
    """The SLA status of repairs billed to a contract (others are left out). Two
    statements whatever the number of repairs (repairs' steps, their contracts)."""
    now = now or utcnow()
    repairs = [r for r in repairs if r.coverage_source == "contract" and r.coverage_ref_id]
    if not repairs:
        return []
    cal = cal or installation_calendar(session)
    steps: dict[int, list[StateTransition]] = {}
    for s in session.scalars(
        select(StateTransition)
        .where(
            StateTransition.doc_type == REPAIR_DOC,
            StateTransition.doc_id.in_([r.id for r in repairs]),
        )
        .order_by(StateTransition.id)
    ):
        steps.setdefault(s.doc_id, []).append(s)
    contracts: dict[int | None, ServiceContract] = {
        c.id: c
        for c in session.scalars(
            select(ServiceContract).where(
                ServiceContract.id.in_({r.coverage_ref_id for r in repairs})
            )
        )
    }
    out = []
    for repair in repairs:
        contract = contracts.get(repair.coverage_ref_id)
        history = steps.get(repair.id, [])
        received = next((s for s in history if s.to_state == "received"), None)
        if contract is None or received is None:
            continue
        after = [s for s in history if s.id > received.id]
        responded = after[0].at if after else None
        resolved = next((s.at for s in after if s.to_state in RESOLVED_STATES), None)
        due = due_times(contract, received.at, cal)
        if due is None:
            continue
        out.append(
            SlaStatus(
                repair_id=repair.id,
                repair_number=repair.number,
                contract_id=contract.id,
                received_at=received.at,
                response_due=due.response_due,
                resolution_due=due.resolution_due,
                responded_at=responded,
                resolved_at=resolved,
                response_breached=_breached(due.response_due, responded, now),
                resolution_breached=_breached(due.resolution_due, resolved, now),
            )
        )
    return out


def contract_repairs(
    session: Session,
    contract_id: int | None = None,
    date_from: date | None = None,
    date_to: date | None = None,
) -> list[RepairOrder]:
    stmt = select(RepairOrder).where(
        RepairOrder.coverage_source == "contract", RepairOrder.state != "cancelled"
    )
    if contract_id is not None:
        stmt = stmt.where(RepairOrder.coverage_ref_id == contract_id)
    if date_from is not None:
        stmt = stmt.where(RepairOrder.intake_date >= date_from)
    if date_to is not None:
        stmt = stmt.where(RepairOrder.intake_date <= date_to)
    return list(session.scalars(stmt.order_by(RepairOrder.id)))


def sla_breaches(
    session: Session,
    contract_id: int | None = None,
    date_from: date | None = None,
    date_to: date | None = None,
    now: datetime | None = None,
) -> dict[str, int]:
    """Repairs under contract (received in the period) and how many missed each due time."""
    statuses = repair_sla(session, contract_repairs(session, contract_id, date_from, date_to), now)
    return {
        "repairs": len(statuses),
        "response_breaches": sum(s.response_breached for s in statuses),
        "resolution_breaches": sum(s.resolution_breached for s in statuses),
    }
