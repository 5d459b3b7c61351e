"""Which contract covers a unit on a day, and a covered repair billed to its contract
end to end through warranty's coverage hook (services and API)."""

from __future__ import annotations

from datetime import timedelta

from modules.contracts.models import ContractCoverage
from modules.contracts.services import coverage_for_unit, transition
from modules.warranty.hooks import coverage_providers
from modules.warranty.models import RepairOrder
from modules.warranty.services import open_repair
from tests.contracts.helpers import TODAY, make_contract, make_world


def test_the_provider_is_registered(app):
    from modules.contracts.services import contract_coverage

    assert contract_coverage in coverage_providers()


def test_coverage_by_model_by_unit_party_and_dates(run):
    def check(session):
        w = make_world(session)
        by_model = make_contract(session, w["customer"], model_id=w["model"], title="Model")
        cov = coverage_for_unit(session, w["unit"], TODAY)
        assert (cov.contract_id, cov.by) == (by_model.id, "model")
        assert cov.covers_parts and cov.covers_labour and not cov.covers_travel
        # the model covers the party's units only; another model is not covered
        assert coverage_for_unit(session, w["other_unit"], TODAY) is None
        assert coverage_for_unit(session, w["fridge"], TODAY) is None
        # a listed unit wins over the model line
        listed = make_contract(session, w["other"], unit_id=w["unit"], title="Unit")
        assert coverage_for_unit(session, w["unit"], TODAY).contract_id == listed.id
        # edges of the term
        start, end = by_model.start_date, by_model.end_date
        assert coverage_for_unit(session, w["unit2"], start).contract_id == by_model.id
        assert coverage_for_unit(session, w["unit2"], end).contract_id == by_model.id
        assert coverage_for_unit(session, w["unit2"], start - timedelta(days=1)) is None
        assert coverage_for_unit(session, w["unit2"], end + timedelta(days=1)) is None
        # drafts and dealer agreements cover nothing
        make_contract(session, w["customer"], model_id=w["model2"], stage="approved")
        assert coverage_for_unit(session, w["fridge"], TODAY) is None
        # a termination ends the coverage on its day
        transition(session, by_model, "terminate", "Unpaid")
        assert coverage_for_unit(session, w["unit2"], TODAY) is None
        assert coverage_for_unit(session, w["unit2"], TODAY - timedelta(days=1)) is not None
        assert coverage_for_unit(session, 987654, TODAY) is None

    run(check)


def test_covered_repair_is_billed_to_the_contract(run):
    def check(session):
        w = make_world(session)
        c = make_contract(session, w["customer"], model_id=w["model"], covers_travel=True)
        covered = open_repair(session, w["unit"], "No cooling")
        assert covered.billing_type == "contract"
        assert (covered.coverage_source, covered.coverage_ref_id) == ("contract", c.id)
        assert covered.coverage_label.startswith(c.number)
        assert covered.covers_transport
        not_covered = open_repair(session, w["other_unit"], "No cooling")
        assert not_covered.billing_type == "paid" and not_covered.coverage_ref_id is None
        in_warranty = open_repair(session, w["new_unit"], "Noise")
        assert in_warranty.billing_type == "warranty"  # the warranty comes first

    run(check)


def test_covered_repair_through_the_api(run, api):
    ids = run(make_world)

    def contract(session):
        c = make_contract(session, ids["customer"], unit_id=ids["unit"])
        return c.id

    cid = run(contract)
    manager = api("Service Manager")
    r = manager.post(
        "/api/v1/repair_order/", json={"unit": ids["unit"], "reported_defect": "Leaks"}
    )
    assert r.status_code == 201, r.json
    billed = run(
        lambda s: (lambda ro: (ro.billing_type, ro.coverage_ref_id))(
            s.get(RepairOrder, r.json["id"])
        )
    )
    assert billed == ("contract", cid)
    r = manager.post(
        "/api/v1/repair_order/", json={"unit": ids["unit2"], "reported_defect": "Leaks"}
    )
    assert r.status_code == 201, r.json
    assert run(lambda s: s.get(RepairOrder, r.json["id"]).billing_type) == "paid"


def test_unit_coverage_endpoint(run, api):
    ids = run(make_world)
    cid = run(lambda s: make_contract(s, ids["customer"], model_id=ids["model"]).id)
    viewer = api("Viewer")
    r = viewer.get(f"/api/v1/unit/{ids['unit']}/coverage?date={TODAY.isoformat()}")
    assert r.status_code == 200, r.json
    assert r.json["covered"] is True and r.json["result"]["contract_id"] == cid
    assert r.json["result"]["by"] == "model"
    r = viewer.get(f"/api/v1/unit/{ids['other_unit']}/coverage")
    assert r.status_code == 200 and r.json == {
        "covered": False,
        "result": None,
        "date": TODAY.isoformat(),
    }
    assert viewer.get(f"/api/v1/unit/{ids['unit']}/coverage?date=2026-13-01").status_code == 400
    assert viewer.get("/api/v1/unit/987654/coverage").status_code == 404
    assert api(None).get(f"/api/v1/unit/{ids['unit']}/coverage").status_code == 401
    # warranty's own unit routes are untouched
    assert viewer.get(f"/api/v1/unit/{ids['unit']}").status_code == 200
    assert viewer.get(f"/api/v1/unit/{ids['unit']}/warranty").status_code == 200


def test_unit_coverage_route_has_its_own_endpoint(app):
    rules = {r.rule: r.endpoint for r in app.url_map.iter_rules()}
    assert rules["/api/v1/unit/<int:pk>/coverage"] == "UnitCoverageApi.coverage"
    assert rules["/api/v1/unit/<pk>"].startswith("UnitApi.")


def test_coverage_lines_of_a_signed_contract_are_locked(run):
    from app.errors import DomainError
    from modules.contracts.services import check_coverage

    def check(session):
        w = make_world(session)
        c = make_contract(session, w["customer"], model_id=w["model"])
        line = ContractCoverage(contract_id=c.id, unit_id=w["unit"])
        try:
            check_coverage(session, line)
        except DomainError as err:
            assert err.status == 409
        else:
            raise AssertionError("a signed contract's coverage changed")
        draft = make_contract(session, w["customer"], stage="draft")
        both = ContractCoverage(
            contract_id=draft.id, unit_id=w["unit"], equipment_model_id=w["model"]
        )
        try:
            check_coverage(session, both)
        except DomainError as err:
            assert err.field == "unit"
        else:
            raise AssertionError("a line with both a unit and a model was accepted")

    run(check, commit=False)
