"""A contract's life: checks, deal stages, billing schedule, renewals and the daily review."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from dateutil.relativedelta import relativedelta
from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app.db import ZERO, utcnow
from app.errors import Conflict, DomainError, NotFound
from app.numbering import next_number
from app.rules import Archived, Rules
from app.statemachine import StateMachine, Transition
from modules.contracts.models import (
    BILLING_PERIODS,
    CLOSED_STATES,
    CONTRACT_KINDS,
    CONTRACT_STATES,
    SLA_CALENDARS,
    BillingLine,
    ContractCoverage,
    ServiceContract,
)
from modules.partners.models import Partner

CONTRACT_MACHINE = StateMachine(
    doc_type="ctr_service_contract",
    states=CONTRACT_STATES.labels,
    transitions=[
        Transition("negotiate", ("draft",), "negotiation", _l("Start negotiation")),
        Transition("approve", ("draft", "negotiation"), "approved", _l("Approve")),
        Transition("reopen", ("approved",), "negotiation", _l("Back to negotiation")),
        Transition("sign", ("approved",), "active", _l("Signed: activate")),
        Transition("mark_expiring", ("active",), "expiring", _l("Mark as expiring")),
        Transition("renew", ("active", "expiring"), "renewed", _l("Renew")),
        Transition("expire", ("active", "expiring"), "expired", _l("Expire")),
        Transition(
            "terminate",
            ("draft", "negotiation", "approved", "active", "expiring"),
            "terminated",
            _l("Terminate"),
            needs_comment=True,
        ),
    ],
    initial="draft",
)
# states in which the terms (dates, price, coverage, SLA) may still change
EDITABLE_STATES = ("draft", "negotiation", "approved")
# states in which a contract covers units within its dates
COVERING_STATES = ("active", "expiring", "renewed")
PERIOD_MONTHS = {"monthly": 1, "quarterly": 3, "yearly": 12}
# what a signed contract fixes (title, manager, notes, auto-renewal and notice may change)
TERMS = (
    "start_date",
    "end_date",
    "price",
    "billing_period",
    "partner_id",
    "partner",
    "kind",
    "covers_parts",
    "covers_labour",
    "covers_travel",
    "visits_per_year",
    "response_hours",
    "resolution_hours",
    "sla_calendar",
    "business_from",
    "business_to",
    "timezone",
    "labour_rate",
    "parts_discount_pct",
)
CENT = Decimal("0.01")


def stuck_days() -> int:
    """Days without a step after which a contract in negotiation counts as stuck."""
    from flask import current_app, has_app_context

    if has_app_context():
        return int(current_app.config.get("CONTRACTS_STUCK_DAYS", 14))
    return 14


def add_months(day: date, months: int) -> date:
    """The same day `months` later, or that month's last day when it has no such day."""
    return day + relativedelta(months=months)


def term_months(start: date, end: date) -> int | None:
    """Whole months of a term [start, end] (e.g. a year: 12), or None when not whole."""
    for m in range(1, 121):
        nxt = add_months(start, m)
        if nxt - timedelta(days=1) == end:
            return m
        if nxt > end:
            return None
    return None


def get_contract(session: Session, contract_id) -> ServiceContract:
    contract = session.get(ServiceContract, contract_id) if isinstance(contract_id, int) else None
    if contract is None:
        raise NotFound(_l("No such contract."), field="contract")
    return contract


def _changed(item, *names: str) -> list[str]:
    """The attributes among `names` whose value differs from the stored one."""
    from sqlalchemy import inspect

    state = inspect(item)
    if state.transient or state.pending:
        return []
    out = []
    for name in names:
        hist = state.attrs[name].history
        if not hist.has_changes():
            continue
        old = hist.deleted[0] if hist.deleted else None
        new = hist.added[0] if hist.added else None
        if old != new:
            out.append(name)
    return out


def check_contract(session: Session, contract: ServiceContract) -> None:
    """The rules of a contract's fields (on every create and edit)."""
    contract.title = (contract.title or "").strip()
    if not contract.title:
        raise DomainError(_l("A contract needs a title."), field="title")
    for name, choices in (
        ("kind", CONTRACT_KINDS),
        ("billing_period", BILLING_PERIODS),
        ("sla_calendar", SLA_CALENDARS),
    ):
        if getattr(contract, name) not in choices:
            raise DomainError(_l("Not a valid choice."), field=name)
    _check_party(session, contract)
    _check_term(contract)
    _check_sla(contract)
    _check_dealer_terms(contract)
    if contract.state not in EDITABLE_STATES and _changed(contract, *TERMS):
        raise Conflict(_l("The terms of a signed contract cannot change: renew or terminate it."))


def _check_party(session: Session, contract: ServiceContract) -> None:
    """A party; a dealer agreement's party is a dealer."""
    with session.no_autoflush:  # the contract's other fields are not checked yet
        partner = contract.partner
        if partner is None and contract.partner_id is not None:
            partner = session.get(Partner, contract.partner_id)
    if partner is None:
        raise DomainError(_l("Choose the party of the contract."), field="partner")
    if contract.kind == "dealer" and not partner.is_dealer:
        raise DomainError(_l("A dealer agreement is made with a dealer."), field="partner")


def _check_term(contract: ServiceContract) -> None:
    if contract.start_date is None:
        raise DomainError(_l("The start date is required."), field="start_date")
    if contract.end_date is None:
        raise DomainError(_l("The end date is required."), field="end_date")
    if contract.end_date < contract.start_date:
        raise DomainError(_l("The contract ends before it starts."), field="end_date")
    if (contract.end_date - contract.start_date).days > 3660:
        raise DomainError(_l("A contract term is at most ten years."), field="end_date")
    if contract.price is None or contract.price < 0:
        raise DomainError(_l("Give an amount of zero or more."), field="price")
    for name, default in (("notice_days", 30), ("visits_per_year", 0)):
        value = getattr(contract, name)
        if value is None:
            setattr(contract, name, default)
        elif value < 0:
            raise DomainError(_l("Give a number of zero or more."), field=name)
    if contract.notice_days > 366:
        raise DomainError(_l("The notice period is at most a year."), field="notice_days")
    if contract.visits_per_year > 366:
        raise DomainError(_l("At most one visit a day."), field="visits_per_year")


def _check_sla(contract: ServiceContract) -> None:
    for name in ("response_hours", "resolution_hours"):
        value = getattr(contract, name)
        if value is not None and not 0 < value <= 8760:
            raise DomainError(_l("Give a number of hours between 1 and 8760."), field=name)
    if (
        contract.response_hours
        and contract.resolution_hours
        and contract.resolution_hours < contract.response_hours
    ):
        raise DomainError(
            _l("The resolution time cannot be shorter than the response time."),
            field="resolution_hours",
        )
    contract.business_from = contract.business_from or time(9, 0)
    contract.business_to = contract.business_to or time(18, 0)
    if contract.business_to <= contract.business_from:
        raise DomainError(_l("Business hours end before they start."), field="business_to")
    contract.timezone = (contract.timezone or "UTC").strip()
    try:
        ZoneInfo(contract.timezone)
    except (ZoneInfoNotFoundError, ValueError):
        raise DomainError(
            _l("Unknown time zone; use a name such as Europe/Moscow."), field="timezone"
        ) from None


def _check_dealer_terms(contract: ServiceContract) -> None:
    if contract.labour_rate is not None and contract.labour_rate < 0:
        raise DomainError(_l("Give an amount of zero or more."), field="labour_rate")
    pct = contract.parts_discount_pct
    if pct is not None and not ZERO <= pct <= 100:
        raise DomainError(_l("Give a percentage from 0 to 100."), field="parts_discount_pct")


def create_contract(session: Session, contract: ServiceContract) -> ServiceContract:
    """Check, number (SC-YYYY-NNNNN) and record the draft."""
    if contract.state and contract.state != CONTRACT_MACHINE.initial:
        raise DomainError(_l("A new contract starts as a draft."), field="state")
    contract.kind = contract.kind or "maintenance"
    contract.billing_period = contract.billing_period or "monthly"
    contract.sla_calendar = contract.sla_calendar or "business"
    contract.price = contract.price if contract.price is not None else ZERO
    contract.state = CONTRACT_MACHINE.initial
    check_contract(session, contract)
    contract.number = next_number(session, "SC", date.today())
    contract.state_since = utcnow()
    session.add(contract)
    CONTRACT_MACHINE.start(session, contract)
    session.flush()
    return contract


def update_contract(session: Session, contract: ServiceContract) -> None:
    check_contract(session, contract)


def check_coverage(session: Session, line: ContractCoverage) -> None:
    contract = line.contract or (
        session.get(ServiceContract, line.contract_id) if line.contract_id else None
    )
    if contract is None:
        raise DomainError(_l("Choose the contract."), field="contract")
    has_model = line.equipment_model_id is not None or line.equipment_model is not None
    has_unit = line.unit_id is not None or line.unit is not None
    if has_model == has_unit:
        raise DomainError(
            _l("A coverage line names either an equipment model or a unit."), field="unit"
        )
    if contract.state not in EDITABLE_STATES:
        raise Conflict(_l("The coverage of a signed contract cannot change: renew it."))


class ContractRules(Archived):
    """A service contract at every door: its terms' rules (a dealer agreement with a
    dealer), numbered SC-YYYY-NNNNN as a draft, terms locked once signed, moved along
    its deal stages by `transition`, never deleted (terminated)."""

    state_machine = CONTRACT_MACHINE
    not_deleted_message = _l("Contracts are not deleted: terminate them.")

    def create(self, session, item, actor) -> None:
        create_contract(session, item)

    def update(self, session, item, actor) -> None:
        update_contract(session, item)

    def transition(self, session, item, action, comment, actor) -> None:
        transition(session, item, action, comment)


class CoverageRules(Rules):
    """A coverage line names a model or a unit, and changes only while its contract's
    terms may (not once signed)."""

    def create(self, session, item, actor) -> None:
        check_coverage(session, item)

    update = delete = create


# -- billing schedule ---------------------------------------------------------------------


def billing_periods(contract: ServiceContract) -> list[tuple[date, date]]:
    """[(start, end)] of the contract's billing periods over its term."""
    start, end = contract.start_date, contract.end_date
    months = PERIOD_MONTHS.get(contract.billing_period)
    if months is None:
        return [(start, end)]
    out, n = [], 0
    while True:
        p_start = add_months(start, months * n)
        if p_start > end:
            break
        p_end = min(add_months(start, months * (n + 1)) - timedelta(days=1), end)
        out.append((p_start, p_end))
        n += 1
    return out


def generate_billing(session: Session, contract: ServiceContract) -> list[BillingLine]:
    """The billing schedule: the price in equal instalments (the last one takes the
    rounding). Idempotent: a contract that has its schedule keeps it."""
    existing = session.scalars(
        select(BillingLine).where(BillingLine.contract_id == contract.id).order_by(BillingLine.seq)
    ).all()
    if existing:
        return list(existing)
    periods = billing_periods(contract)
    share = (contract.price / len(periods)).quantize(CENT)
    lines = []
    for i, (p_start, p_end) in enumerate(periods, start=1):
        amount = share if i < len(periods) else contract.price - share * (len(periods) - 1)
        line = BillingLine(
            contract_id=contract.id, seq=i, period_start=p_start, period_end=p_end, amount=amount
        )
        session.add(line)
        lines.append(line)
    session.flush()
    return lines


# -- life -----------------------------------------------------------------------------------


def transition(
    session: Session,
    contract: ServiceContract,
    action: str,
    comment: str | None = None,
    *,
    today: date | None = None,
) -> ServiceContract:
    """Move a contract along its deal stages; the only way its state changes."""
    from modules.contracts.services.visits import generate_visits

    today = today or date.today()
    t = CONTRACT_MACHINE.transition(action)
    if contract.state not in t.sources:
        CONTRACT_MACHINE.apply(session, contract, action, comment)  # raises the 409
    if action == "sign":
        if not contract.coverages and contract.kind != "dealer":
            raise DomainError(
                _l("Say what the contract covers (a model or a unit) before signing it."),
                status=409,
            )
        if contract.kind == "dealer" and contract.labour_rate is None:
            raise DomainError(
                _l("A dealer agreement needs the labour rate before signing."),
                field="labour_rate",
                status=409,
            )
        if contract.end_date < today:
            raise DomainError(_l("This contract has already ended."), status=409)
    if action == "renew" and successor_id(session, contract) is not None:
        raise DomainError(_l("This contract has already been renewed."), status=409)
    CONTRACT_MACHINE.apply(session, contract, action, comment)
    contract.state_since = utcnow()
    if action == "sign":
        contract.signed_on = contract.signed_on or today
        generate_billing(session, contract)
        generate_visits(session, contract, today=today)
    elif action == "terminate":
        contract.terminated_on = today
    elif action == "renew":
        create_successor(session, contract, automatic=False, comment=comment, today=today)
    session.flush()
    return contract


def successor_id(session: Session, contract: ServiceContract) -> int | None:
    """The id of the contract's next period, if it was renewed."""
    return session.scalar(
        select(ServiceContract.id).where(ServiceContract.previous_id == contract.id).limit(1)
    )


def create_successor(
    session: Session,
    old: ServiceContract,
    *,
    automatic: bool,
    comment: str | None = None,
    today: date | None = None,
) -> ServiceContract:
    """The next period of `old`, linked to it, with the same terms and coverage.

    An automatic renewal is signed at once (active); a manual one is approved, so the
    manager may adjust the price or dates before signing it."""
    today = today or date.today()
    start = old.end_date + timedelta(days=1)
    months = term_months(old.start_date, old.end_date)
    if months is not None:
        end = add_months(start, months) - timedelta(days=1)
    else:
        end = start + (old.end_date - old.start_date)
    copied = {
        c.key: getattr(old, c.key)
        for c in ServiceContract.__table__.columns
        if c.key
        not in (
            "id",
            "number",
            "state",
            "state_since",
            "start_date",
            "end_date",
            "signed_on",
            "terminated_on",
            "previous_id",
            "created_at",
        )
    }
    new = ServiceContract(**copied, start_date=start, end_date=end, previous_id=old.id)
    new.state = CONTRACT_MACHINE.initial
    new.number = next_number(session, "SC", today)
    new.state_since = utcnow()
    session.add(new)
    CONTRACT_MACHINE.start(
        session, new, str(_l("Renewal of %(number)s", number=old.number or old.id))
    )
    for line in old.coverages:
        session.add(
            ContractCoverage(
                contract=new,
                equipment_model_id=line.equipment_model_id,
                unit_id=line.unit_id,
                note=line.note,
            )
        )
    session.flush()
    CONTRACT_MACHINE.apply(session, new, "approve", comment)
    if automatic:
        CONTRACT_MACHINE.apply(session, new, "sign", str(_l("Automatic renewal")))
        new.signed_on = today
        session.flush()
        generate_billing(session, new)
        from modules.contracts.services.visits import generate_visits

        generate_visits(session, new, today=today)
    new.state_since = utcnow()
    session.flush()
    return new


def notice_date(contract: ServiceContract) -> date:
    """The last day to give notice (or to renew): end date less the notice period."""
    return contract.end_date - timedelta(days=contract.notice_days or 0)


def expiring_contracts(session: Session, today: date | None = None) -> list[ServiceContract]:
    """Contracts in force whose notice period has begun and that are not renewed yet."""
    today = today or date.today()
    rows = session.scalars(
        select(ServiceContract)
        .where(
            ServiceContract.state.in_(("active", "expiring")),
            ServiceContract.end_date >= today,
        )
        .order_by(ServiceContract.end_date, ServiceContract.id)
    ).all()
    return [c for c in rows if notice_date(c) <= today]


def review_contracts(session: Session, today: date | None = None) -> dict[str, int]:
    """The daily review: contracts entering their notice period become "expiring";
    contracts past their end are renewed (auto-renewal) or expire. Idempotent."""
    today = today or date.today()
    counts = {"expiring": 0, "renewed": 0, "expired": 0}
    for contract in expiring_contracts(session, today):
        if contract.state == "active":
            transition(session, contract, "mark_expiring", today=today)
            counts["expiring"] += 1
    ended = session.scalars(
        select(ServiceContract)
        .where(
            ServiceContract.state.in_(("active", "expiring")),
            ServiceContract.end_date < today,
        )
        .order_by(ServiceContract.id)
    ).all()
    for contract in ended:
        if contract.auto_renew and successor_id(session, contract) is None:
            CONTRACT_MACHINE.apply(
                session, contract, "renew", str(_l("Automatic renewal at the end of the term"))
            )
            contract.state_since = utcnow()
            create_successor(session, contract, automatic=True, today=today)
            counts["renewed"] += 1
        else:
            transition(session, contract, "expire", today=today)
            counts["expired"] += 1
    session.flush()
    return counts


def pipeline(session: Session, now: datetime | None = None) -> list[dict]:
    """Per deal stage: how many contracts, and how many stuck (no step for N days)."""
    now = now or utcnow()
    limit = now - timedelta(days=stuck_days())
    rows = dict(
        session.execute(
            select(ServiceContract.state, func.count(ServiceContract.id)).group_by(
                ServiceContract.state
            )
        ).all()
    )
    stuck = dict(
        session.execute(
            select(ServiceContract.state, func.count(ServiceContract.id))
            .where(
                ServiceContract.state.in_(("draft", "negotiation", "approved")),
                ServiceContract.state_since < limit,
            )
            .group_by(ServiceContract.state)
        ).all()
    )
    return [
        {
            "state": s,
            "label": CONTRACT_STATES.label(s),
            "count": rows.get(s, 0),
            "stuck": stuck.get(s, 0) if s not in CLOSED_STATES else 0,
        }
        for s in CONTRACT_STATES
    ]
