"""A claim's life: registration, answer, expert examination, settlement, closing."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import select

from app import signals
from app.errors import DomainError
from app.models import StateTransition
from modules.claims import services
from modules.claims.models import Claim, ExpertExamination, SatisfactionRequest
from modules.warranty.models import RepairOrder
from tests.claims.helpers import D, make_world, user_id


def test_register_numbers_and_takes_customer_model_and_price_from_the_unit(run):
    def go(s):
        w = make_world(s)
        c1 = services.register_claim(s, "Leak", unit_id=w["unit"], received_on=date(2026, 3, 2))
        c2 = services.register_claim(s, "Noise", customer_id=w["customer"])
        assert c1.number == "CL-2026-00001" and c2.number.endswith("-00002")
        assert c1.customer_id == w["customer"] and c1.equipment_model_id == w["model"]
        assert c1.price == D("500") and c1.state == "new"
        assert c1.due_date == date(2026, 4, 16)  # repair, 45 days
        assert c2.unit_id is None and c2.equipment_model_id is None

    run(go)


@pytest.mark.parametrize(
    "fields, field",
    [
        ({"description": "  "}, "description"),
        ({"demand": "magic"}, "demand"),
        ({"received_on": date(2099, 1, 1)}, "received_on"),
        ({"jurisdiction": "XX"}, "jurisdiction"),
        ({"price": "-1"}, "price"),
    ],
)
def test_register_refuses_bad_fields(run, fields, field):
    def go(s):
        w = make_world(s)
        kwargs = {"unit_id": w["unit"], "description": "Leak", **fields}
        with pytest.raises(DomainError) as err:
            services.register_claim(s, kwargs.pop("description"), **kwargs)
        assert err.value.field == field

    run(go, commit=False)


def test_decision_needs_a_written_answer_and_close_sends_signal_and_survey(run):
    events = []

    def listener(sender, **kw):
        events.append(kw)

    signals.claim_closed.connect(listener)
    try:

        def go(s):
            w = make_world(s)
            claim = services.register_claim(
                s,
                "Leak",
                unit_id=w["unit"],
                demand="refund",
                officer_id=user_id(s, "Claims Officer"),
            )
            services.transition(s, claim, "start_review")
            with pytest.raises(DomainError) as err:
                services.transition(s, claim, "accept")
            assert err.value.field == "comment" and claim.state == "under_review"
            services.transition(s, claim, "accept", "We refund the price.")
            assert claim.answer == "We refund the price." and claim.answered_on == date.today()
            with pytest.raises(DomainError) as err:
                services.transition(s, claim, "resolve")
            assert err.value.field == "resolution"
            services.settle(s, claim, "refund", amount="500")
            services.transition(s, claim, "resolve")
            services.transition(s, claim, "close")
            assert claim.state == "closed" and claim.closed_at is not None
            assert claim.fulfilled_on == date.today()
            steps = s.scalars(
                select(StateTransition.to_state).where(
                    StateTransition.doc_id == claim.id, StateTransition.doc_type == "clm_claim"
                )
            ).all()
            assert steps == ["new", "under_review", "accepted", "resolved", "closed"]
            req = s.scalar(
                select(SatisfactionRequest).where(SatisfactionRequest.claim_id == claim.id)
            )
            assert req is not None and len(req.token) >= 40
            assert req.employee_user_id == user_id(s, "Claims Officer")
            return claim.id

        claim_id = run(go)
    finally:
        signals.claim_closed.disconnect(listener)
    assert [e["claim_id"] for e in events] == [claim_id]
    assert events[0]["on_time"] is True


def test_illegal_step_is_a_conflict(run):
    def go(s):
        w = make_world(s)
        claim = services.register_claim(s, "Leak", unit_id=w["unit"])
        with pytest.raises(DomainError) as err:
            services.transition(s, claim, "close")
        assert err.value.status == 409
        with pytest.raises(DomainError) as err:
            services.transition(s, claim, "send_to_expert")
        assert err.value.status == 409  # no examination recorded

    run(go, commit=False)


def test_start_repair_opens_one_repair_order_linked_to_the_claim(run):
    def go(s):
        w = make_world(s)
        claim = services.register_claim(s, "Leak", unit_id=w["unit"])
        repair = services.start_repair(s, claim, technician_id=user_id(s, "Technician"))
        assert repair.origin == f"claim:{claim.id}" and repair.unit_id == w["unit"]
        assert claim.repair_order_id == repair.id and claim.resolution == "repair"
        with pytest.raises(DomainError) as err:
            services.start_repair(s, claim)
        assert err.value.status == 409
        nounit = services.register_claim(s, "Leak", customer_id=w["customer"])
        with pytest.raises(DomainError) as err:
            services.start_repair(s, nounit)
        assert err.value.field == "unit"
        assert (
            s.scalar(select(RepairOrder.id).where(RepairOrder.origin.like("claim:%"))) == repair.id
        )

    run(go, commit=False)


def test_resolving_by_repair_waits_for_the_repair_to_be_returned(run):
    def go(s):
        w = make_world(s)
        claim = services.register_claim(s, "Leak", unit_id=w["unit"])
        services.start_repair(s, claim)
        services.transition(s, claim, "start_review")
        services.transition(s, claim, "accept", "We repair it.")
        with pytest.raises(DomainError) as err:
            services.transition(s, claim, "resolve")
        assert err.value.status == 409 and claim.state == "accepted"

    run(go, commit=False)


def _exam(s, claim, **kw):
    exam = ExpertExamination(
        claim=claim, organisation="Independent Lab", questions="Cause of the leak?", **kw
    )
    return services.send_examination(s, exam)


def test_examination_makes_replacement_a_twenty_day_period(run):
    def go(s):
        w = make_world(s)
        claim = services.register_claim(
            s, "Leak", unit_id=w["unit"], demand="replacement", received_on=date(2026, 3, 2)
        )
        # 7 days -> 9 March 2026, the day off for 8 March (a Sunday) -> 10 March
        assert claim.due_date == date(2026, 3, 10)
        services.transition(s, claim, "start_review")
        _exam(s, claim, sent_on=date(2026, 3, 3))
        assert claim.state == "expert_examination"
        assert claim.due_date == date(2026, 3, 23)
        with pytest.raises(DomainError) as err:
            services.transition(s, claim, "accept", "ok")
        assert err.value.status == 409  # the conclusion is not in yet
        with pytest.raises(DomainError):
            _exam(s, claim)  # one pending examination at a time

    run(go, commit=False)


def test_conclusion_seller_cause_accepts_the_claim_and_the_seller_pays(run):
    def go(s):
        w = make_world(s)
        claim = services.register_claim(s, "Leak", unit_id=w["unit"], demand="refund")
        exam = _exam(s, claim)
        with pytest.raises(DomainError) as err:
            services.exam_transition(s, exam, "conclude")
        assert err.value.field == "cause_found"
        exam.cause_found, exam.cost = "manufacturing", D("120")
        services.exam_transition(s, exam, "conclude", "Faulty seal from the factory.")
        assert exam.state == "concluded" and exam.paid_by == "seller"
        assert claim.state == "accepted" and "Faulty seal" in claim.answer

    run(go, commit=False)


def test_conclusion_misuse_rejects_the_claim_and_the_consumer_pays(run):
    def go(s):
        w = make_world(s)
        claim = services.register_claim(s, "Leak", unit_id=w["unit"], demand="refund")
        exam = _exam(s, claim)
        exam.cause_found = "misuse"
        exam.conclusion = "Hose cut by the owner."
        services.exam_transition(s, exam, "conclude")
        assert claim.state == "rejected" and exam.paid_by == "consumer"
        assert claim.due_date is None  # nothing to fulfil
        services.transition(s, claim, "resolve")
        assert claim.resolution == "none"

    run(go, commit=False)


def test_cancelled_examination_sends_the_claim_back_to_review(run):
    def go(s):
        w = make_world(s)
        claim = services.register_claim(s, "Leak", unit_id=w["unit"])
        exam = _exam(s, claim)
        with pytest.raises(DomainError):
            services.exam_transition(s, exam, "cancel")  # needs a comment
        services.exam_transition(s, exam, "cancel", "Customer brought it back")
        assert claim.state == "under_review"

    run(go, commit=False)


def test_warranty_status_and_void_are_shown_on_the_claim(run):
    def go(s):
        from modules.warranty.services import void_warranty

        w = make_world(s, sale=date(2026, 1, 10))
        claim = services.register_claim(s, "Leak", unit_id=w["unit"], received_on=date(2026, 3, 2))
        assert services.unit_warranty(s, claim)["status"] == "manufacturer"
        void_warranty(s, w["unit"], "Opened by a third party", voided_on=date(2026, 2, 1))
        status = services.unit_warranty(s, claim)
        assert status["status"] == "voided" and "third party" in status["reason"]

    run(go, commit=False)


def test_settle_refuses_bad_amounts(run):
    def go(s):
        w = make_world(s)
        claim = services.register_claim(s, "Leak", unit_id=w["unit"], demand="refund")
        with pytest.raises(DomainError) as err:
            services.settle(s, claim, "refund", amount="100")
        assert err.value.status == 409  # not accepted yet
        services.transition(s, claim, "start_review")
        services.transition(s, claim, "accept", "Refund")
        for bad in ("abc", "-5", "0", None, "1e20"):
            with pytest.raises(DomainError):
                services.settle(s, claim, "refund", amount=bad)
        assert claim.compensation_amount is None

    run(go, commit=False)


def test_closed_claim_cannot_be_changed(run):
    def go(s):
        from modules.claims.services.claims import update_claim

        w = make_world(s)
        claim = services.register_claim(s, "Leak", unit_id=w["unit"], demand="refund")
        services.transition(s, claim, "start_review")
        services.transition(s, claim, "reject", "Out of warranty")
        services.transition(s, claim, "resolve")
        services.transition(s, claim, "close")
        with pytest.raises(DomainError) as err:
            update_claim(s, claim)
        assert err.value.status == 409
        assert s.get(Claim, claim.id).resolution == "none"

    run(go, commit=False)
