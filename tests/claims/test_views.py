"""Claims screens: the list flags late claims, the page shows deadlines and warranty,
buttons start a repair and run the detection; bad input is a message, not a 500."""

from __future__ import annotations

from datetime import date, timedelta

from sqlalchemy import func, select

from modules.claims import services
from modules.claims.models import Claim, ClaimDefect, ClaimSettings, SystemicAlert
from modules.claims.services.systemic import get_settings
from modules.warranty.models import RepairOrder
from tests.claims.helpers import make_world

# the page of a refused screen request (FAB's has_access aborts 403 for a logged-in user)
DENIED = "You do not have access to this page"


def repairs_of_claim(claim_id: int):
    return lambda s: s.scalar(
        select(func.count(RepairOrder.id)).where(RepairOrder.origin == f"claim:{claim_id}")
    )


def test_list_flags_overdue_and_show_page_has_deadlines(ui, run):
    def setup(s):
        w = make_world(s)
        late = services.register_claim(
            s,
            "Leak",
            unit_id=w["unit"],
            demand="refund",
            received_on=date.today() - timedelta(days=40),
        )
        return late.id

    pk = run(setup)
    client = ui("Claims Officer")
    r = client.get("/claimview/list/")
    assert r.status_code == 200 and b"as-overdue" in r.data
    r = client.get(f"/claimview/show/{pk}")
    page = r.data.decode()
    assert r.status_code == 200
    assert "Law 2300-1 art. 22" in page and "Overdue by" in page
    assert "as-start-repair" in page and "Files" in page
    # a reader is refused (the 403 page) before the claim has a repair: nothing opened
    r = ui("Viewer").post(f"/claimview/start_repair/{pk}")
    assert r.status_code == 403 and DENIED in r.get_data(as_text=True)
    assert run(repairs_of_claim(pk)) == 0
    r = client.post(f"/claimview/start_repair/{pk}", follow_redirects=True)
    assert r.status_code == 200 and "Repair order RO-" in r.data.decode()
    assert run(repairs_of_claim(pk)) == 1
    r = client.post(f"/claimview/start_repair/{pk}", follow_redirects=True)
    assert "already has a repair order" in r.data.decode()
    assert run(repairs_of_claim(pk)) == 1


def test_register_claim_form_refuses_a_future_date(ui, run):
    w = run(make_world)
    client = ui("Claims Officer")
    r = client.post(
        "/claimview/add",
        data={
            "customer": w["customer"],
            "channel": "phone",
            "demand": "repair",
            "description": "Leak",
            "received_on": "2999-01-01",
        },
        follow_redirects=True,
    )
    assert r.status_code == 200
    assert "cannot be received in the future" in r.data.decode()
    assert run(lambda s: s.scalar(select(func.count(Claim.id)))) == 0


def test_rates_page_and_detection_button(ui, run):
    def setup(s):
        # one unit sold a month ago with a leak found yesterday: 1 of 1, an alert to open
        w = make_world(s, sale=date.today() - timedelta(days=30))
        get_settings(s).min_units = 1
        claim = Claim(
            customer_id=w["customer"],
            unit_id=w["unit"],
            description="Leak",
            equipment_model_id=w["model"],
            received_on=date.today() - timedelta(days=1),
        )
        s.add(claim)
        s.flush()
        s.add(
            ClaimDefect(
                claim_id=claim.id,
                defect_code_id=w["code"],
                equipment_model_id=w["model"],
                found_on=date.today() - timedelta(days=1),
            )
        )

    run(setup)

    def alerts(s):
        return s.scalar(select(func.count(SystemicAlert.id)))

    viewer = ui("Viewer")
    assert b"as-run-detection" not in viewer.get("/defectrates/rates").data
    # a reader is refused (the 403 page): the detection does not run, no alert opened
    r = viewer.post("/defectrates/detect")
    assert r.status_code == 403 and DENIED in r.get_data(as_text=True)
    assert run(alerts) == 0
    manager = ui("Service Manager")
    r = manager.get("/defectrates/rates")
    assert r.status_code == 200 and b"as-run-detection" in r.data
    r = manager.post("/defectrates/detect", follow_redirects=True)
    assert r.status_code == 200 and "1 new alert" in r.data.decode()
    assert run(alerts) == 1
    r = manager.post("/defectrates/detect", follow_redirects=True)
    assert r.status_code == 200 and "0 new alerts" in r.data.decode()


def test_settings_are_one_row_and_reports_answer(ui, run):
    run(lambda s: services.defect_rates(s))  # creates the default row
    manager = ui("Service Manager")
    r = manager.post(
        "/claimsettingsview/add",
        data={"window_days": 90, "threshold_pct": 3, "confidence_pct": 95, "min_units": 10},
        follow_redirects=True,
    )
    assert "exist already" in r.data.decode()
    assert run(lambda s: s.scalar(select(func.count(ClaimSettings.id)))) == 1
    assert manager.get("/satisfactionreport/report?by=model").status_code == 200
    assert manager.get("/satisfactionreport/report?by=planet").status_code == 400
    assert manager.get("/satisfactionreport/report?date_from=bad").status_code == 400


def test_rates_page_lists_the_demo_rates_in_each_language(ui, app):
    from tests.security.robustness import load_demo

    load_demo(app)
    manager = ui("Service Manager")
    for lang, header in (
        ("en", "Lower bound"),
        ("ru", "Нижняя граница"),
        ("pt_BR", "Limite inferior"),
    ):
        manager.get(f"/lang/{lang}")
        r = manager.get("/defectrates/rates")
        page = r.data.decode()
        assert r.status_code == 200, (lang, page[-500:])
        assert f"{header}, %" in page and page.count("<tr") > 1, lang


def test_supplier_claim_form_links_defects_through_the_lookup(ui, run):
    from modules.claims.models import SupplierClaim
    from modules.claims.services import defects
    from modules.partners.models import Partner

    def setup(s):
        w = make_world(s)
        claim = services.register_claim(s, "Leak", unit_id=w["unit"], demand="repair")
        own = defects.add_defect(
            s,
            claim_id=claim.id,
            defect_code_id=w["code"],
            supplier_id=w["supplier"],
            root_cause="supplier_part",
        )
        other = Partner(name="Valves Inc", is_supplier=True)
        s.add(other)
        s.flush()
        foreign = defects.add_defect(
            s,
            claim_id=claim.id,
            defect_code_id=w["code"],
            supplier_id=other.id,
            root_cause="supplier_part",
        )
        return w["supplier"], own.id, foreign.id

    supplier, own, foreign = run(setup)
    manager = ui("Service Manager")
    form = manager.get("/supplierclaimview/add").data.decode()
    assert 'name="defects"' in form and "multiple" in form  # select2 over AJAX, not a full list
    found = manager.get("/lookup/clm_claim_defect/?q=leak").json["results"]
    assert {r["id"] for r in found} == {own, foreign}
    assert all(" · CL-" in r["text"] for r in found)  # each names its claim
    data = {
        "supplier": str(supplier),
        "breach": "defective_parts",
        "description": "Pumps leak",
        "amount": "80",
        "opened_on": date.today().isoformat(),
        "defects": [str(own)],
    }
    r = manager.post("/supplierclaimview/add", data=data)
    assert r.status_code == 302
    linked = run(lambda s: [d.id for d in s.scalars(select(SupplierClaim)).one().defects])
    assert linked == [own]
    # a defect of another supplier, or one that does not exist: a message, nothing saved
    for bad, message in (([str(foreign)], "names another supplier"), (["99999"], "does not exist")):
        r = manager.post(
            "/supplierclaimview/add", data={**data, "defects": bad}, follow_redirects=True
        )
        assert message in r.data.decode()
    assert run(lambda s: s.scalar(select(func.count(SupplierClaim.id)))) == 1
