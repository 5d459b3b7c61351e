"""Warranty status of a unit on edge dates: last day, leap years, time in repair,
voided then reinstated, extended warranty beyond the manufacturer's."""

from __future__ import annotations

from datetime import date, timedelta

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
    assert "3/10/26" in after.reason  # the reader's format (English in tests)


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


def test_repairs_after_the_statutory_end_do_not_extend_it(run, api):
    """Art. 20 §3: only time in repair while a warranty runs extends it. A repair under
    the manufacturer's warranty after the statutory one ended leaves the statutory end."""
    w = run(lambda s: make_world(s, sale=date(2025, 7, 1), statutory=12, manufacturer=24))

    def repairs(s):
        for intake, back in (
            (date(2026, 6, 21), date(2026, 7, 1)),  # 10 days while the statutory runs
            (date(2026, 8, 1), date(2026, 8, 23)),  # 22 days after it ended (07-11)
        ):
            s.add(
                RepairOrder(
                    unit_id=w["unit"],
                    customer_id=w["customer"],
                    reported_defect="leaks",
                    intake_date=intake,
                    returned_on=back,
                    state="returned",
                    billing_type="warranty",
                )
            )

    run(repairs)
    got = api("Service Manager").get(f"/api/v1/unit/{w['unit']}/warranty?date=2026-09-01").json
    assert got["statutory_end"] == "2026-07-11"  # 07-01 + 10 days, not + 32
    assert got["manufacturer_end"] == "2027-08-02"  # 07-01 + 32 days: both repairs count
    assert (got["status"], got["extension_days"]) == ("manufacturer", 32)
    # on a day of the first repair, the statutory warranty is still the one in force
    during = status(run, w["unit"], date(2026, 6, 30))
    assert (during.status, during.statutory_end) == ("statutory", date(2026, 7, 10))


def test_a_repair_begun_after_every_warranty_ended_extends_nothing(run):
    w = run(lambda s: make_world(s, sale=date(2025, 3, 10)))
    run(
        lambda s: s.add(
            RepairOrder(
                unit_id=w["unit"],
                customer_id=w["customer"],
                reported_defect="leaks",
                intake_date=date(2026, 3, 11),  # the day after the warranty ended
                returned_on=date(2026, 3, 31),
                state="returned",
                billing_type="warranty",  # set by hand (goodwill)
            )
        )
    )
    ws = status(run, w["unit"], date(2026, 4, 1))
    assert (ws.status, ws.end, ws.extension_days) == ("expired", date(2026, 3, 10), 0)


def test_reinstating_redecides_the_billing_the_void_decided(run, api):
    """Drafts and received repairs billed by the void are billed again on reinstatement;
    one the manager set by hand, or already in diagnosis, keeps its billing."""
    w = run(lambda s: make_world(s, sale=date.today() - timedelta(days=100)))
    mgr = api("Service Manager")
    r = mgr.post(f"/api/v1/unit/{w['unit']}/void", json={"reason": "Seal broken"})
    assert r.status_code == 200, r.json

    def repair(**extra) -> int:
        r = mgr.post(
            "/api/v1/repair_order/",
            json={"unit": w["unit"], "reported_defect": "noise", **extra},
        )
        assert r.status_code == 201, r.json
        return r.json["id"]

    draft, received, overridden, diagnosing = repair(), repair(), repair(), repair()
    assert mgr.post(f"/api/v1/repair_order/{received}/receive").status_code == 200
    for action in ("receive", "diagnose"):
        assert mgr.post(f"/api/v1/repair_order/{diagnosing}/{action}").status_code == 200
    body = {"billing_type": "paid", "reason": "The customer dropped it"}
    assert mgr.post(f"/api/v1/repair_order/{overridden}/billing", json=body).status_code == 200

    def billing(rid):
        return mgr.get(f"/api/v1/repair_order/{rid}").json["result"]["billing_type"]

    assert {billing(r) for r in (draft, received, overridden, diagnosing)} == {"paid"}
    r = mgr.post(f"/api/v1/unit/{w['unit']}/reinstate", json={"reason": "Seal intact"})
    assert r.status_code == 200, r.json
    assert (billing(draft), billing(received)) == ("warranty", "warranty")
    assert (billing(overridden), billing(diagnosing)) == ("paid", "paid")
    got = mgr.get(f"/api/v1/repair_order/{draft}").json["result"]
    assert got["warranty_status"] == "manufacturer" and got["covers_parts"] is True
