"""Warranty status of a unit on edge dates: last day, leap years, time in repair,
voided then reinstated, extended warranty beyond the manufacturer's."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import select

from app.errors import DomainError
from app.models import AuditLog
from modules.warranty.models import ExtendedWarranty, RepairOrder, Unit, WarrantyPolicy
from modules.warranty.services import reinstate_warranty, void_warranty, warranty_status
from tests.warranty.helpers import make_world


def status(run, unit_id, on, **kw):
    return run(lambda s: warranty_status(s, unit_id, on, **kw), commit=False)


def test_last_day_is_covered_and_the_next_is_not(run):
    w = run(lambda s: make_world(s, sale=date(2025, 3, 10)))
    last = status(run, w["unit"], date(2026, 3, 10))
    assert (last.status, last.end) == ("manufacturer", date(2026, 3, 10))
    after = status(run, w["unit"], date(2026, 3, 11))
    assert after.status == "expired"
    assert after.end == date(2026, 3, 10)
    assert "2026-03-10" in after.reason


def test_leap_day_sale_ends_by_each_civil_code(run):
    w = run(lambda s: make_world(s, sale=date(2024, 2, 29)))
    ru = status(run, w["unit"], date(2025, 2, 28), jurisdiction="RU")
    assert (ru.status, ru.end) == ("manufacturer", date(2025, 2, 28))
    assert status(run, w["unit"], date(2025, 3, 1), jurisdiction="RU").status == "expired"
    br = status(run, w["unit"], date(2025, 3, 1), jurisdiction="BR")
    assert (br.status, br.end) == ("manufacturer", date(2025, 3, 1))


def test_statutory_then_manufacturer_and_start_at_handover(run):
    w = run(
        lambda s: make_world(
            s,
            sale=date(2025, 1, 31),
            statutory=1,
            manufacturer=12,
            starts_at="handover",
            handover=date(2025, 2, 3),
        )
    )
    st = status(run, w["unit"], date(2025, 3, 3))
    assert (st.status, st.end, st.start) == ("statutory", date(2025, 3, 3), date(2025, 2, 3))
    mf = status(run, w["unit"], date(2025, 3, 4))
    assert (mf.status, mf.end) == ("manufacturer", date(2026, 2, 3))


def test_time_in_warranty_repair_extends_the_end(run):
    w = run(lambda s: make_world(s, sale=date(2025, 3, 10)))

    def repairs(s):
        for billing, intake, back in (
            ("warranty", date(2025, 6, 1), date(2025, 6, 21)),  # 20 days
            ("paid", date(2025, 7, 1), date(2025, 7, 31)),  # not under warranty: no extension
        ):
            s.add(
                RepairOrder(
                    unit_id=w["unit"],
                    customer_id=w["customer"],
                    reported_defect="leaks",
                    intake_date=intake,
                    returned_on=back,
                    state="returned",
                    billing_type=billing,
                )
            )

    run(repairs)
    ws = status(run, w["unit"], date(2026, 3, 30))
    assert (ws.status, ws.end, ws.extension_days) == ("manufacturer", date(2026, 3, 30), 20)
    assert "20" in ws.reason
    assert status(run, w["unit"], date(2026, 3, 31)).status == "expired"
    # asked about a day before the repair began: no extension yet
    assert status(run, w["unit"], date(2025, 5, 1)).extension_days == 0


def test_a_unit_still_in_repair_stays_covered(run):
    w = run(lambda s: make_world(s, sale=date(2025, 3, 10)))
    run(
        lambda s: s.add(
            RepairOrder(
                unit_id=w["unit"],
                customer_id=w["customer"],
                reported_defect="no power",
                intake_date=date(2026, 3, 1),
                state="in_repair",
                billing_type="warranty",
            )
        )
    )
    ws = status(run, w["unit"], date(2026, 3, 20))
    assert ws.status == "manufacturer" and ws.end == date(2026, 3, 29)


def test_voided_then_reinstated_and_both_audited(run):
    w = run(lambda s: make_world(s, sale=date(2025, 3, 10)))
    run(lambda s: void_warranty(s, w["unit"], "Opened by the customer", date(2025, 5, 1), "Act 7"))
    v = status(run, w["unit"], date(2025, 6, 1))
    assert v.status == "voided" and "Opened by the customer" in v.reason
    with pytest.raises(DomainError):
        run(lambda s: void_warranty(s, w["unit"], "again"))
    with pytest.raises(DomainError):
        run(lambda s: reinstate_warranty(s, w["unit"], "  "))
    run(lambda s: reinstate_warranty(s, w["unit"], "Seal found intact", date(2025, 7, 1)))
    assert status(run, w["unit"], date(2025, 8, 1)).status == "manufacturer"
    assert status(run, w["unit"], date(2025, 6, 1)).status == "voided"  # history stays

    def audit(s):
        return s.scalars(
            select(AuditLog.action).where(AuditLog.table_name == "wty_warranty_void")
        ).all()

    assert sorted(run(audit)) == ["insert", "update"]


def test_extended_warranty_beyond_the_manufacturer(run):
    w = run(lambda s: make_world(s, sale=date(2025, 3, 10)))
    run(
        lambda s: s.add(
            ExtendedWarranty(
                unit_id=w["unit"],
                reference="EXT-1",
                start_date=date(2026, 3, 11),
                end_date=date(2027, 3, 10),
                price=99,
                covers_labour=False,
            )
        )
    )
    ws = status(run, w["unit"], date(2027, 3, 10))
    assert (ws.status, ws.end) == ("extended", date(2027, 3, 10))
    assert ws.covers["labour"] is False
    assert status(run, w["unit"], date(2027, 3, 11)).status == "expired"


def test_policy_found_by_category_and_none_without_policy(run):
    w = run(lambda s: make_world(s, sale=date(2025, 3, 10)))

    def move_policy(s):
        p = s.get(WarrantyPolicy, w["policy"])
        p.equipment_model_id = None
        p.category = "Washers"
        p.manufacturer_months = 24

    run(move_policy)
    assert status(run, w["unit"], date(2027, 3, 10)).status == "manufacturer"
    run(lambda s: setattr(s.get(WarrantyPolicy, w["policy"]), "category", "Fridges"))
    ws = status(run, w["unit"], date(2025, 4, 1))
    assert ws.status == "expired" and ws.policy_id is None
    assert run(lambda s: s.get(Unit, w["unit"]).serial_number) == "SN-0001"


def test_before_the_sale_nothing_is_covered(run):
    w = run(lambda s: make_world(s, sale=date(2025, 3, 10)))
    assert status(run, w["unit"], date(2025, 3, 9)).status == "expired"
