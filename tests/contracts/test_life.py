"""Deal stages (recorded), numbering, locked terms, the billing schedule, renewals
(manual and automatic), the daily review and the pipeline with stuck contracts."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlalchemy import select, update

from app.errors import DomainError
from app.models import StateTransition
from modules.contracts.models import BillingLine, ContractCoverage, ServiceContract
from modules.contracts.services import (
    CONTRACT_MACHINE,
    expiring_contracts,
    generate_billing,
    pipeline,
    review_contracts,
    successor_id,
    transition,
    update_contract,
)
from tests.contracts.helpers import TODAY, D, make_contract, make_world


def test_stages_are_recorded_and_numbered(run):
    def check(session):
        w = make_world(session)
        c = make_contract(session, w["customer"], model_id=w["model"])
        assert c.number == f"SC-{TODAY.year}-00001"
        assert c.state == "active" and c.signed_on == TODAY
        steps = [(s.from_state, s.to_state) for s in CONTRACT_MACHINE.history(session, c.id)]
        assert steps == [
            (None, "draft"),
            ("draft", "negotiation"),
            ("negotiation", "approved"),
            ("approved", "active"),
        ]
        with pytest.raises(DomainError) as err:
            transition(session, c, "approve")
        assert err.value.status == 409
        with pytest.raises(DomainError):
            transition(session, c, "terminate")  # needs a comment
        transition(session, c, "terminate", "Customer closed the hotel")
        assert c.state == "terminated" and c.terminated_on == TODAY

    run(check)


def test_signing_needs_coverage_and_terms_lock(run):
    def check(session):
        w = make_world(session)
        c = make_contract(session, w["customer"], stage="approved")
        with pytest.raises(DomainError, match="covers"):
            transition(session, c, "sign")
        dealer = make_contract(session, w["dealer"], kind="dealer", stage="approved")
        with pytest.raises(DomainError) as err:
            transition(session, dealer, "sign")
        assert err.value.field == "labour_rate"
        session.add(ContractCoverage(contract=c, unit_id=w["unit"]))
        session.flush()
        transition(session, c, "sign")
        session.flush()
        c.price = D("5000")
        with pytest.raises(DomainError, match="signed"):
            update_contract(session, c)
        c.price = D("1200.00")
        c.response_hours = 2
        with pytest.raises(DomainError, match="signed"):
            update_contract(session, c)
        c.response_hours = None
        c.notes = "notes may change"
        c.auto_renew = True
        update_contract(session, c)

    run(check)


@pytest.mark.parametrize(
    "period,count,first,last",
    [
        ("monthly", 12, "100.00", "100.00"),
        ("quarterly", 4, "300.00", "300.00"),
        ("yearly", 1, "1200.00", "1200.00"),
        ("once", 1, "1200.00", "1200.00"),
    ],
)
def test_billing_schedule(run, period, count, first, last):
    def check(session):
        w = make_world(session)
        c = make_contract(
            session,
            w["customer"],
            model_id=w["model"],
            start=date(2026, 1, 31),
            end=date(2027, 1, 30),
            billing_period=period,
        )
        lines = session.scalars(
            select(BillingLine).where(BillingLine.contract_id == c.id).order_by(BillingLine.seq)
        ).all()
        assert len(lines) == count
        assert (str(lines[0].amount), str(lines[-1].amount)) == (first, last)
        assert sum(ln.amount for ln in lines) == D("1200.00")
        assert lines[0].period_start == date(2026, 1, 31)
        assert lines[-1].period_end == date(2027, 1, 30)
        if period == "monthly":  # 31 January + 1 month: the end of February
            assert lines[1].period_start == date(2026, 2, 28)
            assert lines[0].period_end == date(2026, 2, 27)
        assert generate_billing(session, c) == list(lines)  # idempotent

    run(check)


def test_uneven_price_rounds_on_the_last_instalment(run):
    def check(session):
        w = make_world(session)
        c = make_contract(
            session,
            w["customer"],
            model_id=w["model"],
            price=D("100.00"),
            billing_period="quarterly",
        )
        amounts = [ln.amount for ln in c.billing_lines]
        assert amounts == [D("25.00")] * 4
        c2 = make_contract(
            session,
            w["customer"],
            model_id=w["model"],
            price=D("100.00"),
            start=date(2026, 1, 1),
            end=date(2026, 3, 31),
        )
        assert [ln.amount for ln in c2.billing_lines] == [D("33.33"), D("33.33"), D("33.34")]

    run(check)


def test_manual_renewal_links_the_next_period(run):
    def check(session):
        w = make_world(session)
        c = make_contract(
            session,
            w["customer"],
            model_id=w["model"],
            start=date(2026, 1, 1),
            end=date(2026, 12, 31),
        )
        transition(session, c, "renew", "Same terms")
        assert c.state == "renewed"
        new = session.get(ServiceContract, successor_id(session, c))
        assert new.previous_id == c.id and new.state == "approved"
        assert (new.start_date, new.end_date) == (date(2027, 1, 1), date(2027, 12, 31))
        assert [x.equipment_model_id for x in new.coverages] == [w["model"]]
        assert new.number != c.number
        with pytest.raises(DomainError):
            transition(session, c, "renew")
        transition(session, new, "sign", today=date(2026, 12, 20))
        assert new.state == "active" and len(new.billing_lines) == 12

    run(check)


def test_daily_review_marks_expiring_renews_and_expires(run):
    def check(session):
        w = make_world(session)
        today = TODAY
        soon = make_contract(
            session,
            w["customer"],
            model_id=w["model"],
            start=today - timedelta(days=300),
            end=today + timedelta(days=10),
            notice_days=30,
        )
        later = make_contract(
            session, w["customer"], model_id=w["model"], end=today + timedelta(days=200)
        )
        auto = make_contract(
            session,
            w["customer"],
            model_id=w["model"],
            start=today - timedelta(days=365),
            end=today - timedelta(days=1),
            auto_renew=True,
        )
        ended = make_contract(
            session,
            w["other"],
            model_id=w["model"],
            start=today - timedelta(days=365),
            end=today - timedelta(days=1),
        )
        assert [c.id for c in expiring_contracts(session, today)] == [soon.id]
        counts = review_contracts(session, today)
        assert counts == {"expiring": 1, "renewed": 1, "expired": 1}
        assert (soon.state, later.state, auto.state, ended.state) == (
            "expiring",
            "active",
            "renewed",
            "expired",
        )
        nxt = session.get(ServiceContract, successor_id(session, auto))
        assert nxt.state == "active" and nxt.start_date == today
        assert nxt.billing_lines
        assert review_contracts(session, today) == {"expiring": 0, "renewed": 0, "expired": 0}
        steps = CONTRACT_MACHINE.history(session, auto.id)
        assert steps[-1].to_state == "renewed" and "Automatic" in steps[-1].comment

    run(check)


def test_pipeline_counts_stages_and_stuck(run):
    def check(session):
        from datetime import UTC, datetime

        w = make_world(session)
        a = make_contract(session, w["customer"], stage="negotiation")
        make_contract(session, w["customer"], stage="negotiation")
        make_contract(session, w["customer"], model_id=w["model"])
        session.execute(
            update(ServiceContract)
            .where(ServiceContract.id == a.id)
            .values(state_since=datetime.now(UTC) - timedelta(days=30))
        )
        rows = {r["state"]: r for r in pipeline(session)}
        assert rows["negotiation"]["count"] == 2 and rows["negotiation"]["stuck"] == 1
        assert rows["active"]["count"] == 1 and rows["active"]["stuck"] == 0
        assert session.scalar(
            select(StateTransition.id).where(StateTransition.doc_type == "ctr_service_contract")
        )

    run(check)


@pytest.mark.parametrize(
    "field,value",
    [
        ("end_date", date(2020, 1, 1)),
        ("price", D("-1")),
        ("timezone", "Mars/Olympus"),
        ("parts_discount_pct", D("120")),
        ("resolution_hours", 1),
        ("notice_days", -3),
    ],
)
def test_bad_terms_are_refused(run, field, value):
    def check(session):
        w = make_world(session)
        c = make_contract(session, w["customer"], stage="draft", response_hours=4)
        setattr(c, field, value)
        with pytest.raises(DomainError) as err:
            update_contract(session, c)
        assert err.value.field == field

    run(check, commit=False)
