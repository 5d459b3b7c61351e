"""Scheduled visits: generated from the contract's frequency, assigned to technicians,
done (with the work recorded) or missed."""

from __future__ import annotations

from datetime import date, timedelta

from flask_appbuilder.security.sqla.models import User
from flask_babel import lazy_gettext as _l
from sqlalchemy import and_, inspect, select
from sqlalchemy.orm import InstanceState, Session

from app.amounts import quantity
from app.errors import DomainError
from app.insights import Condition, Context
from app.rules import Archived
from app.statemachine import StateMachine, Transition
from app.workcal import WorkCalendar, installation_calendar
from modules.contracts.models import VISIT_STATES, ScheduledVisit, ServiceContract

VISIT_MACHINE = StateMachine(
    doc_type="ctr_scheduled_visit",
    states=VISIT_STATES.labels,
    transitions=[
        Transition("complete", ("planned", "missed"), "done", _l("Done")),
        Transition("miss", ("planned",), "missed", _l("Missed"), needs_comment=True),
        Transition("cancel", ("planned",), "cancelled", _l("Cancel"), needs_comment=True),
    ],
    initial="planned",
)


def visit_dates(contract: ServiceContract, cal: WorkCalendar) -> list[date]:
    """Planned dates over the term: `visits_per_year` evenly spaced, each in the middle of
    its interval and moved to a working day (never past the end of the term)."""
    per_year = contract.visits_per_year or 0
    if per_year <= 0:
        return []
    term_days = (contract.end_date - contract.start_date).days + 1
    count = max(1, round(per_year * term_days / 365))
    interval = term_days / count
    out = []
    for k in range(count):
        day = contract.start_date + timedelta(days=int(interval * (k + 0.5)))
        working = cal.next_working_day(day)
        if working > contract.end_date:
            working = day
        out.append(working)
    return out


def generate_visits(
    session: Session,
    contract: ServiceContract,
    technician_id: int | None = None,
    *,
    today: date | None = None,
    cal: WorkCalendar | None = None,
) -> list[ScheduledVisit]:
    """Create the visits of the contract's term that do not exist yet (idempotent: the
    n-th visit of a term is created once). Returns the visits created."""
    if contract.state not in ("active", "expiring", "renewed"):
        raise DomainError(_l("Visits are planned for a signed contract."), status=409)
    if technician_id is not None and session.get(User, technician_id) is None:
        raise DomainError(_l("The referenced record does not exist."), field="technician")
    cal = cal or installation_calendar(session)
    have = set(
        session.scalars(
            select(ScheduledVisit.seq).where(
                ScheduledVisit.contract_id == contract.id, ScheduledVisit.seq.is_not(None)
            )
        )
    )
    unit_id = None
    units = [c.unit_id for c in contract.coverages if c.unit_id is not None]
    if len(units) == 1 and len(contract.coverages) == 1:
        unit_id = units[0]
    created = []
    for seq, day in enumerate(visit_dates(contract, cal), start=1):
        if seq in have:
            continue
        visit = ScheduledVisit(
            contract_id=contract.id,
            seq=seq,
            planned_on=day,
            unit_id=unit_id,
            technician_id=technician_id,
        )
        session.add(visit)
        VISIT_MACHINE.start(session, visit)
        created.append(visit)
    session.flush()
    return created


def check_visit(session: Session, visit: ScheduledVisit) -> None:
    contract = visit.contract or (
        session.get(ServiceContract, visit.contract_id) if visit.contract_id else None
    )
    if contract is None:
        raise DomainError(_l("Choose the contract."), field="contract")
    if visit.planned_on is None:
        raise DomainError(_l("The planned date is required."), field="planned_on")
    if not contract.start_date <= visit.planned_on <= contract.end_date:
        raise DomainError(_l("The visit must fall within the contract's term."), field="planned_on")
    if visit.hours is not None and visit.hours < 0:
        raise DomainError(_l("Give a number of zero or more."), field="hours")
    if visit.done_on is not None and visit.done_on > date.today():
        raise DomainError(_l("The date cannot be in the future."), field="done_on")


def add_visit(session: Session, visit: ScheduledVisit) -> ScheduledVisit:
    """A visit planned by hand (no sequence number: generation never touches it)."""
    visit.seq = None
    visit.state = VISIT_MACHINE.initial
    check_visit(session, visit)
    session.add(visit)
    VISIT_MACHINE.start(session, visit)
    return visit


MAX_HOURS = 1000


def record_work(
    session: Session,
    visit: ScheduledVisit,
    work_done: str,
    hours=None,
    done_on: date | None = None,
) -> ScheduledVisit:
    """The technician records what he did; the visit is done."""
    if not (work_done or "").strip():
        raise DomainError(_l("Describe the work done."), field="work_done")
    visit.work_done = work_done.strip()
    parsed = quantity(
        hours, "hours", label=_l("Hours"), required=False, positive=False, maximum=MAX_HOURS
    )
    if parsed is not None:
        visit.hours = parsed
    visit.done_on = done_on or date.today()
    if visit.done_on > date.today():
        raise DomainError(_l("The date cannot be in the future."), field="done_on")
    return transition(session, visit, "complete")


def transition(
    session: Session, visit: ScheduledVisit, action: str, comment: str | None = None
) -> ScheduledVisit:
    t = VISIT_MACHINE.transition(action)
    if visit.state in t.sources and action == "complete":
        if not (visit.work_done or "").strip():
            raise DomainError(
                _l("Record the work done before closing the visit."), field="work_done"
            )
        visit.done_on = visit.done_on or date.today()
    VISIT_MACHINE.apply(session, visit, action, comment)
    session.flush()
    return visit


def overdue_visits(session: Session, today: date | None = None) -> list[ScheduledVisit]:
    """Planned visits whose day has passed (to be done or marked missed)."""
    today = today or date.today()
    return list(
        session.scalars(
            select(ScheduledVisit)
            .where(visit_overdue(Context(today=today)))
            .order_by(ScheduledVisit.planned_on, ScheduledVisit.id)
        )
    )


# what a technician may change on his own visit; the plan is the manager's
WORK_FIELDS = ("work_done", "hours", "done_on", "notes")
PLAN = ("can_plan", "ScheduledVisit")


def planned_fields_changed(visit: ScheduledVisit) -> list[str]:
    """The fields of the plan (all but the work recorded) changed on a stored visit."""
    state: InstanceState[ScheduledVisit] = inspect(visit)
    return [
        a.key
        for a in state.attrs
        if a.key not in WORK_FIELDS and a.key != "state" and a.history.has_changes()
    ]


class VisitRules(Archived):
    """Visits at every door: the service manager plans them (adds, moves, assigns,
    cancels: the `can_plan` right); a technician records the work on his own; within
    the contract's term; never deleted (cancelled)."""

    state_machine = VISIT_MACHINE
    not_deleted_message = _l("Visits are not deleted: cancel them.")

    def create(self, session, item, actor) -> None:
        if not actor.can(*PLAN):
            raise DomainError(_l("Only the service manager plans visits."), status=403)
        add_visit(session, item)

    def update(self, session, item, actor) -> None:
        if planned_fields_changed(item) and not actor.can(*PLAN):
            raise DomainError(
                _l("A technician records the work; the plan is the service manager's."),
                status=403,
            )
        check_visit(session, item)

    def transition(self, session, item, action, comment, actor) -> None:
        if action == "cancel" and not actor.can(*PLAN):
            raise DomainError(_l("Only the service manager cancels visits."), status=403)
        transition(session, item, action, comment)


# ------------------------------------------------------------------ the rows figures count
# One definition each, asked by the dashboard's figures and by the visit list's quick
# filters (`?quick=overdue`), so a figure and the list behind it cannot drift apart.


def visit_open(ctx: Context):
    """Visits still planned (neither done, missed nor cancelled)."""
    return ScheduledVisit.state == "planned"


def visit_overdue(ctx: Context):
    """Planned visits whose day has passed (to be done or marked missed)."""
    return and_(visit_open(ctx), ScheduledVisit.planned_on < ctx.today)


def visit_mine(ctx: Context):
    """Visits of the reader or of a colleague whose work he holds today."""
    return ScheduledVisit.technician_id.in_(ctx.acting_for or (-1,))


QUICK_FILTERS: dict[str, Condition] = {
    "mine": visit_mine,
    "open": visit_open,
    "overdue": visit_overdue,
}
