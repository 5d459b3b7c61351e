"""The navbar search: what each reader finds (app.search through the modules' search.py),
the API and the results page, and input that is refused."""

from __future__ import annotations

from decimal import Decimal

import pytest

from app import search
from app.search import Searchable
from modules.claims.models import Claim
from modules.inventory.models import Part
from modules.partners.models import Partner
from modules.warranty.models import RepairOrder, Shipment
from tests.warranty.helpers import make_world, user_id


def _world(run) -> dict:
    def build(s):
        w = make_world(s, stock_qty=None)
        tech, manager = user_id(s, "Technician"), user_id(s, "Service Manager")
        customer = s.get(Partner, w["customer"])
        customer.email, customer.phone, customer.tax_id = (
            "olga@petrova.example",
            "+7 495 111-22-33",
            "7701234567",
        )
        mine = RepairOrder(
            number="RO-2026-00071",
            unit_id=w["unit"],
            customer_id=w["customer"],
            reported_defect="Noise",
            technician_id=tech,
        )
        other = RepairOrder(
            number="RO-2026-00072",
            unit_id=w["unit"],
            customer_id=w["customer"],
            reported_defect="Leak",
            technician_id=manager,
        )
        claim = Claim(
            number="CL-2026-00005",
            customer_id=w["customer"],
            unit_id=w["unit"],
            description="Broken",
        )
        ship = Shipment(
            number="SH-2026-00003",
            unit_id=w["unit"],
            direction="to_workshop",
            cost=Decimal("123.45"),
        )
        s.add_all([mine, other, claim, ship])
        s.flush()
        return {**w, "mine": mine.id, "other": other.id, "claim": claim.id, "ship": ship.id}

    return run(build)


def rison(text: str) -> str:
    """`text` as a rison string, which the API also takes (FAB clients quote `q`)."""
    return "'" + text.replace("!", "!!").replace("'", "!'") + "'"


def _find(client, q, quote=False):
    r = client.get("/api/v1/search/", query_string={"q": rison(q) if quote else q})
    assert r.status_code == 200, r.data[:300]
    return r.json


def _kinds(answer, kind):
    return [h for h in answer["result"] if h["kind"] == kind]


def test_serial_number_and_document_numbers(run, api):
    w = _world(run)
    mgr = api("Service Manager")
    units = _kinds(_find(mgr, "sn-00", quote=False), "unit")
    assert [h["id"] for h in units] == [w["unit"]]
    assert units[0]["link"] == f"/unitview/show/{w['unit']}"
    assert units[0]["label"].startswith("SN-0001")
    repairs = _kinds(_find(mgr, "RO-2026-0007", quote=False), "repair")
    assert {h["id"] for h in repairs} == {w["mine"], w["other"]}
    assert [h["id"] for h in _kinds(_find(mgr, "cl-2026"), "claim")] == [w["claim"]]
    assert [h["id"] for h in _kinds(_find(mgr, "SH-2026-00003"), "shipment")] == [w["ship"]]
    # prefix only: the middle of a number finds nothing
    assert _find(mgr, "2026-00071")["result"] == []


@pytest.mark.parametrize(
    "q", ["petrova", "OLGA", "olga@petrova", "111-22", "770123", "Olga Petrova"]
)
def test_customer_by_name_email_phone_and_tax_id(run, api, q):
    w = _world(run)
    found = _kinds(_find(api("Viewer"), q), "partner")
    assert [h["id"] for h in found] == [w["customer"]], q
    assert found[0]["link"] == f"/partnerview/show/{w['customer']}"
    # the same text quoted as rison, as FAB's clients send `q`, finds the same
    assert _kinds(_find(api("Viewer"), q, quote=True), "partner") == found


def test_a_technician_finds_his_repairs_only(run, api):
    w = _world(run)
    repairs = _kinds(_find(api("Technician"), "RO-2026"), "repair")
    assert [h["id"] for h in repairs] == [w["mine"]]
    # a kind he may not read at all is not searched: HR reads no repairs
    assert _kinds(_find(api("HR"), "RO-2026"), "repair") == []


def test_hidden_fields_are_neither_searched_nor_shown(run, api, app):
    _world(run)
    # the shipment's cost is hidden from the viewer: not in what he finds
    answer = _find(api("Viewer"), "SH-2026")
    assert _kinds(answer, "shipment") and "123.45" not in str(answer)
    # a contribution naming a hidden column: that column is never searched for him
    costly = Searchable("part_cost", "Parts", Part, (("Part", "PartView"),), prefix=("cost",))
    with app.test_request_context():
        from app.policy import actor_for

        sm = app.appbuilder.sm
        viewer = actor_for(sm.find_user(username="viewer"))
        saved = app.extensions.get("aftersales_search")
        app.extensions["aftersales_search"] = [costly]
        try:
            assert search.search("40", viewer).groups == []
        finally:
            app.extensions["aftersales_search"] = saved


def test_wildcards_are_literal_and_the_count_is_limited(run, api):
    def build(s):
        for i in range(search.LIMIT + 2):
            s.add(Partner(name=f"Acme {i:02d}", is_customer=True))
        s.add(Partner(name="Percent 100% Ltd", is_customer=True))

    run(build)
    mgr = api("Service Manager")
    assert _find(mgr, "%")["result"] == []  # one character: nothing
    assert [h["label"] for h in _find(mgr, "0%")["result"]] == ["Percent 100% Ltd"]
    assert _find(mgr, "__")["result"] == []
    assert _find(mgr, "c_e")["result"] == []
    acme = _find(mgr, "acme")
    assert len(acme["result"]) == search.LIMIT and acme["more"] == ["partner"]


@pytest.mark.parametrize("q", ["ab\x00cd", "ab\x07", "x" * 101])
def test_bad_text_is_a_400(app, api, ui, q):
    assert api("Viewer").get("/api/v1/search/", query_string={"q": q}).status_code == 400
    assert ui("Viewer").get("/search/", query_string={"q": q}).status_code == 400


def test_short_text_finds_nothing(run, api):
    _world(run)
    assert _find(api("Admin"), "S") == {"result": [], "more": []}
    assert _find(api("Admin"), "") == {"result": [], "more": []}


def test_login_is_required(app):
    client = app.test_client()
    assert client.get("/api/v1/search/?q=SN").status_code == 401
    r = client.get("/search/?q=SN")
    assert r.status_code == 302 and "/login" in r.headers["Location"]


def test_results_page_and_straight_to_the_record(run, ui):
    w = _world(run)
    client = ui("Service Manager")
    page = client.get("/search/", query_string={"q": "sn-0001"})
    assert page.status_code == 200
    html = page.data.decode()
    assert f"/unitview/show/{w['unit']}" in html and 'id="as-search-box"' in html
    # from the navbar (go=1), an exact serial or number opens the record
    r = client.get("/search/", query_string={"q": "sn-0001", "go": "1"})
    assert r.status_code == 302 and r.headers["Location"].endswith(f"/unitview/show/{w['unit']}")
    r = client.get("/search/", query_string={"q": "RO-2026-00072", "go": "1"})
    assert r.headers["Location"].endswith(f"/repairorderview/show/{w['other']}")
    # a prefix is not exact: the list of hits
    assert client.get("/search/", query_string={"q": "RO-2026", "go": "1"}).status_code == 200
    # a technician is not sent to another's repair
    tech = ui("Technician").get("/search/", query_string={"q": "RO-2026-00072", "go": "1"})
    assert tech.status_code == 200
    assert f"/repairorderview/show/{w['other']}" not in tech.data.decode()


def test_the_api_is_described(api):
    spec = api("Viewer").get("/api/v1/_openapi").json
    assert "/api/v1/search/" in spec["paths"]
