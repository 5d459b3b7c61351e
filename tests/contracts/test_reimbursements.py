"""Dealer reimbursements at the agreement's rates, checked, approved or rejected."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from app.errors import DomainError
from app.models import StateTransition
from modules.contracts.models import DealerReimbursement
from modules.contracts.services import create_reimbursement
from modules.contracts.services.reimbursements import transition
from tests.claims.helpers import at_once
from tests.conftest import ROLE_USERS, ApiClient
from tests.contracts.helpers import TODAY, D, make_contract, make_world


def _dealer_contract(session, w):
    return make_contract(
        session,
        w["dealer"],
        kind="dealer",
        labour_rate=D("30.00"),
        parts_discount_pct=D("15"),
        title="Dealer South 2026",
    )


def test_amounts_at_the_agreed_rates_then_approved(run):
    def check(session):
        w = make_world(session)
        dc = _dealer_contract(session, w)
        item = create_reimbursement(
            session,
            DealerReimbursement(
                contract_id=dc.id,
                unit_id=w["new_unit"],
                work_date=TODAY - timedelta(days=2),
                description="Replaced the fan motor",
                labour_hours=D("2.5"),
                parts_amount=D("200.00"),
            ),
        )
        assert item.number == f"DR-{TODAY.year}-00001"
        assert (item.labour_amount, item.parts_reimbursed, item.total) == (
            D("75.00"),
            D("170.00"),
            D("245.00"),
        )
        transition(session, item, "submit")
        transition(session, item, "check")
        transition(session, item, "approve")
        assert item.state == "approved" and item.decided_on == TODAY

    run(check)


def test_check_refuses_out_of_warranty_units_and_reject_needs_a_reason(run):
    def check(session):
        w = make_world(session)
        dc = _dealer_contract(session, w)
        item = create_reimbursement(
            session,
            DealerReimbursement(
                contract_id=dc.id,
                unit_id=w["unit"],  # sold three years ago
                work_date=TODAY,
                description="Gas refill",
                labour_hours=D("1"),
            ),
        )
        transition(session, item, "submit")
        with pytest.raises(DomainError, match="warranty"):
            transition(session, item, "check")
        with pytest.raises(DomainError):
            transition(session, item, "reject")
        transition(session, item, "reject", "Out of warranty")
        assert item.state == "rejected"

    run(check)


def test_only_dealer_agreements_and_valid_amounts(run):
    def check(session):
        w = make_world(session)
        customer_contract = make_contract(session, w["customer"], model_id=w["model"])
        with pytest.raises(DomainError) as err:
            create_reimbursement(
                session,
                DealerReimbursement(
                    contract_id=customer_contract.id, work_date=TODAY, description="x"
                ),
            )
        assert err.value.field == "contract"
        dc = _dealer_contract(session, w)
        with pytest.raises(DomainError) as err:
            create_reimbursement(
                session,
                DealerReimbursement(
                    contract_id=dc.id, work_date=TODAY, description="x", parts_amount=D("-5")
                ),
            )
        assert err.value.field == "parts_amount"

    run(check, commit=False)


def test_a_request_without_a_unit_cannot_pass_the_check(run, api):
    """The check is about the unit (sold by this dealer, under warranty that day): a
    request that names none is refused at the check, at the service and the API."""

    def setup(session):
        w = make_world(session)
        dc = _dealer_contract(session, w)
        item = create_reimbursement(
            session,
            DealerReimbursement(
                contract_id=dc.id, work_date=TODAY, description="Gas refill", labour_hours=D("1")
            ),
        )
        transition(session, item, "submit")
        return item.id

    pk = run(setup)

    def check(session):
        item = session.get(DealerReimbursement, pk)
        with pytest.raises(DomainError) as err:
            transition(session, item, "check")
        assert err.value.field == "unit"

    run(check, commit=False)
    r = api("Service Manager").post(f"/api/v1/dealer_reimbursement/{pk}/check")
    assert r.status_code == 422 and "unit" in r.json["message"], r.json
    assert run(lambda s: s.get(DealerReimbursement, pk).state) == "submitted"


def test_eight_simultaneous_approvals_approve_once(app, run):
    """Eight managers press Approve on the same checked request at the same moment: one
    approval, seven refusals (409), one step in its history, on SQLite and PostgreSQL."""

    def setup(session):
        w = make_world(session)
        dc = _dealer_contract(session, w)
        item = create_reimbursement(
            session,
            DealerReimbursement(
                contract_id=dc.id,
                unit_id=w["new_unit"],
                work_date=TODAY,
                description="Fan motor",
                labour_hours=D("2"),
            ),
        )
        transition(session, item, "submit")
        transition(session, item, "check")
        return item.id

    pk = run(setup)
    clients = [ApiClient(app, ROLE_USERS["Service Manager"]) for _ in range(8)]
    url = f"/api/v1/dealer_reimbursement/{pk}/approve"
    codes = at_once([lambda c=c: c.post(url, json={"comment": "ok"}).status_code for c in clients])
    assert sorted(codes) == [200] + [409] * 7, codes
    steps = run(
        lambda s: s.scalars(
            select(StateTransition.to_state).where(
                StateTransition.doc_type == "ctr_dealer_reimbursement",
                StateTransition.doc_id == pk,
            )
        ).all()
    )
    assert steps == ["draft", "submitted", "checked", "approved"]
