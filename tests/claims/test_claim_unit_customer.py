"""A claim's or a repair's unit is its customer's (issue #15 item 3).

The forms' unit lookup offers the chosen customer's units (a filter the field
declares; any other is refused), a unit picked first brings its customer, and the
services refuse a unit of another customer at every door: a claim unless it says why
it claims on behalf of the owner, a repair intake always (the customer is the owner,
or empty to take him from the unit). The claim's officer is, on the add form already,
the user who registers it."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlalchemy import select

from app.errors import DomainError
from modules.claims.models import Claim
from modules.partners.models import Partner
from modules.warranty.models import RepairOrder, Unit
from modules.warranty.services import open_repair
from tests.both_doors import Case, Door, browser_form, check_both_doors, form_of
from tests.claims.helpers import make_world, user_id
from tests.conftest import ROLE_USERS

OFFICER = "Claims Officer"
TODAY = date.today()
SOLD = TODAY - timedelta(days=200)


def world(s) -> dict:
    """The claims world (Olga Petrova's unit SN-0001) and Ivan Sidorov with SN-0002."""
    w = make_world(s, sale=SOLD)
    other = Partner(name="Ivan Sidorov", is_customer=True, city="Kazan")
    s.add(other)
    s.flush()
    unit = Unit(
        serial_number="SN-0002", equipment_model_id=w["model"], customer_id=other.id, sale_date=SOLD
    )
    s.add(unit)
    s.flush()
    return {**w, "other": other.id, "other_unit": unit.id}


def _fresh(run, clean):
    return lambda: (clean(), run(world))


# -- the services, at both doors ----------------------------------------------------------


def test_a_claim_on_another_customers_unit_is_refused_at_both_doors(app, run, clean):
    w = run(world)
    claim = {
        "customer": w["customer"],
        "unit": w["other_unit"],
        "channel": "email",
        "received_on": TODAY.isoformat(),
        "demand": "repair",
        "description": "The drum leaks",
    }
    door = Door(view="/claimview", api="/api/v1/claim/", model=Claim)
    reason = "His son brings it; the owner signed a letter"
    for case in (
        Case("another customer's unit", claim, False),
        Case("another customer's unit, on behalf", {**claim, "on_behalf_reason": reason}, True),
        Case("the customer's own unit", {**claim, "unit": w["unit"]}, True),
    ):
        check_both_doors(app, run, _fresh(run, clean), door, [case], role=OFFICER)


def test_a_repair_intake_refuses_a_customer_who_does_not_own_the_unit(app, run, clean):
    w = run(world)
    intake = {"unit": w["unit"], "reported_defect": "Water stays", "repair_type": "workshop"}
    # the API takes no customer: a repair's customer is its unit's owner
    r = _api(app).post("/api/v1/repair_order/", json={**intake, "customer": w["other"]})
    assert r.status_code == 422, r.data
    door = Door("/repairorderview", "/api/v1/repair_order/", RepairOrder, ignore=("closed_at",))
    check_both_doors(
        app,
        run,
        _fresh(run, clean),
        door,
        [Case("the owner's unit, customer taken from it", intake, True)],
        role="Service Manager",
    )
    ui = _ui(app, "Service Manager")
    for customer, written in ((w["other"], False), (w["customer"], True)):
        form = {**browser_form(ui, "/repairorderview/add"), **form_of(intake)}
        r = ui.post(
            "/repairorderview/add",
            data={**form, "customer": str(customer)},
            follow_redirects=True,
        )
        assert r.status_code == 200, r.status_code
        rows = run(lambda s: s.execute(select(RepairOrder.customer_id)).scalars().all())
        assert rows == ([w["customer"]] if written else []), (customer, rows)
        if not written:
            assert "sold to another customer" in r.get_data(as_text=True)


def test_the_repair_service_refuses_another_customer_but_a_claims_claimant(run):
    w = run(world)

    def other_customer(s):
        open_repair(s, w["unit"], "Leak", customer_id=w["other"])

    with pytest.raises(DomainError) as err:
        run(other_customer, commit=False)
    assert err.value.field == "customer"
    # a repair from a claim made on behalf of the owner keeps the claimant
    rid = run(
        lambda s: open_repair(s, w["unit"], "Leak", customer_id=w["other"], origin="claim:1").id
    )
    assert run(lambda s: s.get(RepairOrder, rid).customer_id) == w["other"]
    rid = run(lambda s: open_repair(s, w["unit"], "Noise").id)
    assert run(lambda s: s.get(RepairOrder, rid).customer_id) == w["customer"]


# -- the lookup -------------------------------------------------------------------------------


def test_the_unit_lookup_offers_the_chosen_customers_units_and_names_their_customer(ui, run):
    w = run(world)
    client = ui(OFFICER)
    rows = client.get(f"/lookup/wty_unit/?q=SN&customer={w['other']}").json["results"]
    assert rows == [
        {
            "id": w["other_unit"],
            "text": "SN-0002 — WM-7 Washer 7, Ivan Sidorov (Kazan)",
            "customer": {"id": w["other"], "text": "Ivan Sidorov — Kazan"},
        }
    ]
    both = client.get("/lookup/wty_unit/?q=SN&customer=").json["results"]
    assert [r["id"] for r in both] == [w["unit"], w["other_unit"]]


@pytest.mark.parametrize(
    "url",
    [
        "/lookup/wty_unit/?dealer=1",  # a filter no field declared
        "/lookup/wty_unit/?customer=abc",
        "/lookup/wty_unit/?customer=99999999999",
        "/lookup/ptn_partner/?customer=1",  # declared for units, not partners
    ],
)
def test_a_lookup_refuses_a_filter_it_does_not_declare(ui, run, url):
    run(world)
    r = ui(OFFICER).get(url)
    assert r.status_code == 400 and r.json["message"], (r.status_code, r.data)


# -- the forms --------------------------------------------------------------------------------


def test_the_forms_unit_lookup_depends_on_the_customer(ui, run):
    run(world)
    client = ui("Service Manager")
    for url in ("/claimview/add", "/repairorderview/add"):
        page = client.get(url).get_data(as_text=True)
        assert 'name="customer"' in page, url
        assert 'name="unit" class="form-control as-lookup"' in page, url
        assert 'data-lookup-url="/lookup/wty_unit/" data-placeholder' in page
        start = page.index('name="unit"')
        assert 'data-depends="customer"' in page[start : start + 300], url


def test_the_claim_form_proposes_its_user_as_the_officer(app, run):
    w = run(world)
    for role in (OFFICER, "Service Manager"):
        client = _ui(app, role)
        form = browser_form(client, "/claimview/add")
        me = run(lambda s, role=role: user_id(s, role))
        assert form["officer"] == str(me), role
        page = client.get("/claimview/add").get_data(as_text=True)
        assert f"({ROLE_USERS[role]})</option>" in page
    # someone else picked stays picked; the API names no officer: its caller
    client = _ui(app, OFFICER)
    manager = run(lambda s: user_id(s, "Service Manager"))
    body = {
        "customer": str(w["customer"]),
        "unit": str(w["unit"]),
        "channel": "email",
        "received_on": TODAY.isoformat(),
        "demand": "repair",
        "description": "Screen, for the manager",
        "officer": str(manager),
    }
    form = {**browser_form(client, "/claimview/add"), **body}
    assert client.post("/claimview/add", data=form).status_code == 302
    r = _api(app).post(
        "/api/v1/claim/",
        json={**body, "customer": w["customer"], "unit": w["unit"], "officer": None}
        | {"description": "API, no officer"},
    )
    assert r.status_code == 201, r.data
    officers = run(
        lambda s: dict(s.execute(select(Claim.description, Claim.officer_id)).tuples().all())
    )
    admin = run(lambda s: user_id(s, "Admin"))
    assert officers == {"Screen, for the manager": manager, "API, no officer": admin}


def _ui(app, role):
    from tests.conftest import ui_login

    client = app.test_client()
    ui_login(client, ROLE_USERS[role])
    return client


def _api(app, role="Admin"):
    from tests.conftest import ApiClient

    return ApiClient(app, ROLE_USERS[role])
