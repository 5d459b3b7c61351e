"""Partners, contacts and interactions through the API and the UI."""

from __future__ import annotations

from sqlalchemy import func, select

from modules.partners.models import Interaction, Partner


def _count(run, model=Partner):
    return run(lambda s: s.scalar(select(func.count()).select_from(model)))


def test_create_read_update_a_partner_through_the_api(api):
    client = api("Service Manager")
    body = {"name": "Tekhno LLC", "is_dealer": True, "tax_id": "77 01-000.001", "country": "ru"}
    r = client.post("/api/v1/partner/", json=body)
    assert r.status_code == 201, r.json
    pid = r.json["id"]
    got = client.get(f"/api/v1/partner/{pid}").json["result"]
    assert got["tax_id"] == "7701000001"  # normalised
    assert got["country"] == "RU"
    r = client.put(f"/api/v1/partner/{pid}", json={"city": "Tula"})
    assert r.status_code == 200
    assert client.get(f"/api/v1/partner/{pid}").json["result"]["city"] == "Tula"


def test_a_partner_must_be_customer_dealer_or_supplier(api, run):
    r = api("Service Manager").post("/api/v1/partner/", json={"name": "Nobody"})
    assert r.status_code == 422
    assert "is_customer" in r.json["message"]
    assert _count(run) == 0


def test_duplicate_tax_id_is_a_clear_conflict(api, run):
    client = api("Service Manager")
    body = {"name": "A", "is_customer": True, "tax_id": "123"}
    assert client.post("/api/v1/partner/", json=body).status_code == 201
    r = client.post("/api/v1/partner/", json={**body, "name": "B"})
    assert r.status_code == 409
    assert r.json["message"] == {"tax_id": ["A record with this value already exists."]}
    assert _count(run) == 1


def test_bad_email_and_country_are_refused(api, run):
    client = api("Service Manager")
    r = client.post("/api/v1/partner/", json={"name": "A", "is_customer": True, "email": "x@"})
    assert r.status_code == 422 and "email" in r.json["message"]
    r = client.post("/api/v1/partner/", json={"name": "A", "is_customer": True, "country": "BRA"})
    assert r.status_code == 422 and "country" in r.json["message"]
    assert _count(run) == 0


def test_viewer_reads_but_cannot_write(api):
    viewer = api("Viewer")
    assert viewer.get("/api/v1/partner/").status_code == 200
    r = viewer.post("/api/v1/partner/", json={"name": "X", "is_customer": True})
    assert r.status_code == 403


def test_interaction_defaults_to_the_user_and_checks_the_contact(api, run):
    client = api("Service Manager")
    a = client.post("/api/v1/partner/", json={"name": "A", "is_customer": True}).json["id"]
    b = client.post("/api/v1/partner/", json={"name": "B", "is_customer": True}).json["id"]
    c = client.post("/api/v1/contact/", json={"partner": b, "name": "Olga"}).json["id"]
    body = {"partner": a, "kind": "meeting", "on": "2026-11-20", "subject": "Renewal"}
    r = client.post("/api/v1/interaction/", json=body)
    assert r.status_code == 201, r.json
    got = client.get(f"/api/v1/interaction/{r.json['id']}").json["result"]
    assert got["user"]["username"] == "service_manager", got
    r = client.post("/api/v1/interaction/", json={**body, "contact": c})
    assert r.status_code == 422 and "contact" in r.json["message"]
    r = client.post("/api/v1/interaction/", json={**body, "kind": "party"})
    assert r.status_code == 422
    r = client.post("/api/v1/interaction/", json={**body, "next_step_on": "2026-11-01"})
    assert r.status_code == 422 and "next_step_on" in r.json["message"]
    assert _count(run, Interaction) == 1


def test_partner_form_and_lookup_in_the_ui(ui, run):
    client = ui("Service Manager")
    r = client.post("/partnerview/add", data={"name": "Form Co", "is_supplier": "y", "active": "y"})
    assert r.status_code == 302
    pid = run(lambda s: s.scalar(select(Partner.id).where(Partner.name == "Form Co")))
    # the contact form offers the partner through an AJAX lookup, not a full list
    form = client.get("/contactview/add").data
    assert b"as-lookup" in form and b"Form Co" not in form
    found = client.get("/lookup/ptn_partner/?q=form").json
    assert found["results"] == [{"id": pid, "text": "Form Co"}]
    r = client.post("/contactview/add", data={"partner": str(pid), "name": "Ivan"})
    assert r.status_code == 302
    r = client.post("/contactview/add", data={"partner": "99999", "name": "Ghost"})
    assert r.status_code == 200 and b"does not exist" in r.data


def test_a_rule_broken_in_the_form_is_flashed_and_nothing_saved(ui, run):
    client = ui("Service Manager")
    r = client.post("/partnerview/add", data={"name": "No kind"}, follow_redirects=True)
    assert "Tick at least one of customer, dealer or supplier." in r.data.decode()
    assert _count(run) == 0


def test_partner_list_runs_a_fixed_number_of_statements(ui, run):
    from sqlalchemy import event

    from app.db import db

    def seed(n):
        def _seed(s):
            for i in range(n):
                p = Partner(name=f"P{i:03d}", is_customer=True)
                s.add(p)

        return _seed

    client = ui("Service Manager")
    counts = []
    for n in (5, 40):
        run(seed(n))
        statements: list[int] = []
        app = client.application
        with app.app_context():
            engine = db.engine

        def count(*args, _seen=statements, **kwargs):
            _seen.append(1)

        event.listen(engine, "before_cursor_execute", count)
        try:
            assert client.get("/contactview/list/?psize_ContactView=100").status_code == 200
            assert client.get("/partnerview/list/?psize_PartnerView=100").status_code == 200
        finally:
            event.remove(engine, "before_cursor_execute", count)
        counts.append(len(statements))
    assert counts[0] == counts[1], counts


def test_any_logged_in_user_can_pick_a_colleague(ui):
    found = ui("Technician").get("/lookup/ab_user/?q=service").json
    assert [r["text"] for r in found["results"]] == ["service_manager Test (service_manager)"]
