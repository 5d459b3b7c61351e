"""Systemic defects on generated data: an injected defect is detected, noise is not."""

from __future__ import annotations

import random
from datetime import date, timedelta

import pytest
from sqlalchemy import func, select

from app.errors import DomainError
from modules.claims import services
from modules.claims.models import Claim, ClaimDefect, DefectCode, SystemicAlert
from modules.claims.services.systemic import get_settings, proposal_transition
from modules.inventory.models import EquipmentModel
from modules.partners.models import Partner
from modules.warranty.models import RepairOrder, Unit

TODAY = date(2026, 6, 30)


def test_wilson_interval_known_values():
    lo, hi = services.wilson_interval(40, 400, 0.95)
    assert round(lo, 4) == 0.0743 and round(hi, 4) == 0.1333
    lo, hi = services.wilson_interval(0, 50, 0.95)
    assert lo == 0.0 and round(hi, 4) == 0.0713


def _generate(s, seed=7):
    """Model A: 400 units, LEAK injected on 40 (10%), NOISE on 4 (1%).
    Model B: 200 units, LEAK on 3 (1.5%). Model C: 30 units, NOISE on 2 (6.7%, few units).
    Model D: 5 units, LEAK on 3 (60%, below the minimum of units)."""
    rnd = random.Random(seed)
    customer = Partner(name="Buyer", is_customer=True)
    leak = DefectCode(code="LEAK", name="Water leak")
    noise = DefectCode(code="NOISE", name="Noise")
    models = {k: EquipmentModel(code=f"M-{k}", name=f"Model {k}") for k in "ABCD"}
    s.add_all([customer, leak, noise, *models.values()])
    s.flush()
    units = {}
    for key, count in (("A", 400), ("B", 200), ("C", 30), ("D", 5)):
        units[key] = []
        for i in range(count):
            u = Unit(
                serial_number=f"{key}{i:05d}",
                equipment_model_id=models[key].id,
                customer_id=customer.id,
                sale_date=TODAY - timedelta(days=rnd.randint(1, 300)),
            )
            units[key].append(u)
        s.add_all(units[key])
    # a unit sold before the window: its defect is outside the cohort
    old = Unit(
        serial_number="A-OLD",
        equipment_model_id=models["A"].id,
        customer_id=customer.id,
        sale_date=TODAY - timedelta(days=500),
    )
    s.add(old)
    s.flush()

    def defect_on(unit, code, via_repair=False):
        found = max(unit.sale_date, TODAY - timedelta(days=rnd.randint(0, 200)))
        if via_repair:
            ro = RepairOrder(
                unit_id=unit.id, customer_id=customer.id, reported_defect="x", intake_date=found
            )
            s.add(ro)
            s.flush()
            s.add(
                ClaimDefect(
                    repair_order_id=ro.id,
                    defect_code_id=code.id,
                    equipment_model_id=unit.equipment_model_id,
                    found_on=found,
                )
            )
        else:
            claim = Claim(
                customer_id=customer.id,
                unit_id=unit.id,
                description="x",
                equipment_model_id=unit.equipment_model_id,
                received_on=found,
            )
            s.add(claim)
            s.flush()
            s.add(
                ClaimDefect(
                    claim_id=claim.id,
                    defect_code_id=code.id,
                    equipment_model_id=unit.equipment_model_id,
                    found_on=found,
                )
            )

    for i, unit in enumerate(rnd.sample(units["A"], 40)):
        defect_on(unit, leak, via_repair=i % 2 == 0)
    # the same unit on a claim and on its repair counts once
    defect_on(units["A"][0], leak)
    defect_on(units["A"][0], leak, via_repair=True)
    for unit in rnd.sample(units["A"], 4):
        defect_on(unit, noise)
    for unit in rnd.sample(units["B"], 3):
        defect_on(unit, leak)
    for unit in rnd.sample(units["C"], 2):
        defect_on(unit, noise)
    for unit in units["D"][:3]:
        defect_on(unit, leak)
    defect_on(old, noise)
    s.flush()
    return {k: m.id for k, m in models.items()} | {"leak": leak.id, "noise": noise.id}


def test_injected_defect_is_detected_and_noise_is_not(run):
    def go(s):
        ids = _generate(s)
        settings = get_settings(s)
        settings.threshold_pct, settings.min_units, settings.window_days = 2, 20, 365
        rates = {
            (r.equipment_model_id, r.defect_code_id): r for r in services.defect_rates(s, TODAY)
        }
        a_leak = rates[(ids["A"], ids["leak"])]
        assert a_leak.units == 400
        assert 40 <= a_leak.events <= 41  # units with the leak (one may carry it twice)
        assert a_leak.lower > 0.02 and a_leak.lower < a_leak.rate < a_leak.upper
        # 2 of 30 is 6.7%, above the 2% threshold, but its lower bound is not
        c_noise = rates[(ids["C"], ids["noise"])]
        assert c_noise.rate > 0.02 and c_noise.lower < 0.02
        opened = services.detect(s, TODAY)
        assert [(a.equipment_model_id, a.defect_code_id) for a in opened] == [
            (ids["A"], ids["leak"])
        ]
        alert = opened[0]
        assert alert.lower_pct > alert.threshold_pct and alert.state == "open"
        assert alert.units_sold == 400 and alert.window_end == TODAY
        # a second run opens nothing new
        assert services.detect(s, TODAY) == []
        assert s.scalar(select(func.count(SystemicAlert.id))) == 1
        # once closed, a new run opens a new alert
        services.ALERT_MACHINE.apply(s, alert, "close", "Design changed")
        assert len(services.detect(s, TODAY)) == 1

    run(go, commit=False)


def test_nothing_detected_below_threshold(run):
    def go(s):
        _generate(s)
        get_settings(s).threshold_pct = 20
        assert services.detect(s, TODAY) == []

    run(go, commit=False)


def test_proposal_draft_submitted_accepted(run):
    def go(s):
        ids = _generate(s)
        alert = services.detect(s, TODAY)[0]
        proposal = services.draft_proposal(
            s, alert, "change_design", "New seal", "Leak rate 10% on model A"
        )
        assert proposal.state == "draft" and proposal.equipment_model_id == ids["A"]
        assert proposal.number.startswith("PP-")
        with pytest.raises(DomainError) as err:
            proposal_transition(s, proposal, "accept")
        assert err.value.status == 409
        proposal_transition(s, proposal, "submit", today=TODAY)
        with pytest.raises(DomainError):
            proposal_transition(s, proposal, "reject")  # needs the reason
        proposal_transition(s, proposal, "accept", "Seal changed from lot 42")
        assert proposal.state == "accepted" and proposal.submitted_on == TODAY
        with pytest.raises(DomainError) as err:
            services.draft_proposal(s, alert, "bogus", "x", "y")
        assert err.value.field == "kind"

    run(go, commit=False)
