"""A shipment's life (SHIPMENT_MACHINE): planned, in transit, delivered, or cancelled from
planned or in transit. Every step from every state, through the API (allowed: 200, the
new state, one step in the history; refused: 409, nothing recorded) and through the
screen's transition route; comments (no step needs one, one given is kept); the dates a
step fills in; who may take a step; simultaneous steps recorded once."""

from __future__ import annotations

import re
from datetime import date, timedelta

import pytest
from sqlalchemy import select

from app.models import StateTransition
from app.security import BUILTIN_ROLES
from modules.warranty.models import RepairOrder, Shipment
from modules.warranty.services import (
    SHIPMENT_MACHINE,
    create_shipment,
    open_repair,
    shipment_transition,
)
from tests.both_doors import browser_form
from tests.conftest import ROLE_USERS
from tests.inventory.helpers import parallel
from tests.warranty.helpers import make_world, user_id

RECENT = date.today() - timedelta(days=100)
TODAY = date.today()

STATES = ("planned", "in_transit", "delivered", "cancelled")
ACTIONS = ("ship", "deliver", "cancel")
# (state, action) -> the state it leads to; every other pair is refused
ALLOWED = {
    ("planned", "ship"): "in_transit",
    ("planned", "cancel"): "cancelled",
    ("in_transit", "deliver"): "delivered",
    ("in_transit", "cancel"): "cancelled",
}
# the steps that lead from a new shipment to each state
PATH = {
    "planned": (),
    "in_transit": ("ship",),
    "delivered": ("ship", "deliver"),
    "cancelled": ("cancel",),
}
LABELS = {
    "planned": "Planned",
    "in_transit": "In transit",
    "delivered": "Delivered",
    "cancelled": "Cancelled",
}
ACTION_LABELS = {"ship": "ship", "deliver": "delivered", "cancel": "cancel"}
# the Shipment grant: the warehouse (and the manager) ship, the others read, HR does not
WRITERS = ("Admin", "Service Manager", "Warehouse Clerk")
READERS = ("Technician", "Claims Officer", "Accountant", "Viewer")
STRANGERS = ("HR",)
CLERK = ROLE_USERS["Warehouse Clerk"]
SET_UP = "test"  # who the `run` fixture acts as: the shipments made by the service here
DENIED = "You do not have access to this page"
CASES = [(state, action) for state in STATES for action in ACTIONS]


def allowed_from(state: str) -> list[str]:
    return [a for a in ACTIONS if (state, a) in ALLOWED]


def _repair(s) -> RepairOrder:
    """The test's repair order (its unit, customer and stock made the first time)."""
    repair = s.scalars(select(RepairOrder).order_by(RepairOrder.id)).first()
    if repair is None:
        w = make_world(s, sale=RECENT)
        repair = open_repair(s, w["unit"], "Water stays in the drum", warehouse_id=w["wh"])
    return repair


def _shipment(run, state: str = "planned", **fields) -> int:
    """A shipment of the repair's unit to the workshop, brought to `state` by its steps
    (through the service)."""

    def build(s):
        repair = _repair(s)
        shipment = create_shipment(
            s, Shipment(direction="to_workshop", repair=repair, carrier="DPD", **fields)
        )
        for action in PATH[state]:
            shipment_transition(s, shipment, action)
        return shipment.id

    return run(build)


def _row(run, sid: int) -> tuple:
    """(state, shipped_on, delivered_on) as stored."""
    return run(
        lambda s: tuple(
            s.execute(
                select(Shipment.state, Shipment.shipped_on, Shipment.delivered_on).where(
                    Shipment.id == sid
                )
            ).one()
        )
    )


def _steps(run, sid: int) -> list[tuple]:
    """The shipment's history: (from, to, comment, username), oldest first."""
    return run(
        lambda s: [
            tuple(row)
            for row in s.execute(
                select(
                    StateTransition.from_state,
                    StateTransition.to_state,
                    StateTransition.comment,
                    StateTransition.username,
                )
                .where(StateTransition.doc_type == "wty_shipment", StateTransition.doc_id == sid)
                .order_by(StateTransition.id)
            )
        ]
    )


def _flashes(page: str) -> list[tuple[str, str]]:
    """The flashed messages of a page: (kind, text)."""
    found = re.findall(r'class="alert alert-(\w+)[^"]*"[^>]*>(.*?)</div>', page, re.S)
    return [(kind, re.sub(r"<[^>]+>|&times;", "", text).strip()) for kind, text in found]


def _expected_dates(before: tuple, action: str) -> tuple:
    _, shipped, delivered = before
    if action == "ship":
        shipped = shipped or TODAY
    if action == "deliver":
        delivered = delivered or TODAY
    return shipped, delivered


# ------------------------------------------------------------------------ the machine


def test_the_machine_is_the_table():
    assert tuple(SHIPMENT_MACHINE.states) == STATES
    assert SHIPMENT_MACHINE.initial == "planned"
    steps = {(s, t.name): t.target for t in SHIPMENT_MACHINE.transitions for s in t.sources}
    assert steps == ALLOWED
    # no step of a shipment needs a comment (a given one is kept: see below)
    assert not [t.name for t in SHIPMENT_MACHINE.transitions if t.needs_comment]
    assert set(WRITERS + READERS + STRANGERS) == set(BUILTIN_ROLES)


def test_a_new_shipment_is_planned_with_one_step(run, api):
    rid = run(lambda s: _repair(s).id)
    clerk = api("Warehouse Clerk")
    r = clerk.post("/api/v1/shipment/", json={"direction": "to_workshop", "repair": rid})
    assert r.status_code == 201, r.json
    sid = r.json["id"]
    got = clerk.get(f"/api/v1/shipment/{sid}").json["result"]
    assert got["state"] == "planned" and got["number"].startswith("SH-")
    assert _steps(run, sid) == [(None, "planned", None, CLERK)]
    # the state is not a field: it is set by the steps only
    body = {"direction": "to_workshop", "repair": rid, "state": "delivered"}
    r = clerk.post("/api/v1/shipment/", json=body)
    assert r.status_code == 422 and "state" in r.json["message"]
    assert run(lambda s: s.scalars(select(Shipment.id)).all()) == [sid]
    r = clerk.put(f"/api/v1/shipment/{sid}", json={"state": "delivered"})
    assert r.status_code == 422 and "state" in r.json["message"]
    assert _row(run, sid) == ("planned", None, None)
    assert len(_steps(run, sid)) == 1


@pytest.mark.parametrize(("state", "action"), CASES)
def test_every_step_from_every_state_through_the_api(run, api, state, action):
    sid = _shipment(run, state)
    before, steps = _row(run, sid), _steps(run, sid)
    r = api("Warehouse Clerk").post(f"/api/v1/shipment/{sid}/{action}")
    target = ALLOWED.get((state, action))
    if target is None:
        assert r.status_code == 409, r.json
        assert "Cannot" in r.json["message"] and LABELS[state] in r.json["message"]
        assert _row(run, sid) == before
        assert _steps(run, sid) == steps
        return
    assert r.status_code == 200, r.json
    assert r.json["state"] == target and r.json["state_label"] == LABELS[target]
    assert r.json["allowed"] == allowed_from(target)
    assert _row(run, sid) == (target, *_expected_dates(before, action))
    assert _steps(run, sid) == [*steps, (state, target, None, CLERK)]


@pytest.mark.parametrize(("state", "action"), CASES)
def test_every_step_from_every_state_through_the_screen(run, ui, state, action):
    sid = _shipment(run, state)
    before, steps = _row(run, sid), _steps(run, sid)
    client = ui("Warehouse Clerk")
    r = client.post(f"/shipmentview/transition/{sid}/{action}", data={"comment": ""})
    assert r.status_code == 302 and r.headers["Location"].endswith(f"/shipmentview/show/{sid}")
    flashes = _flashes(client.get(r.headers["Location"]).get_data(as_text=True))
    target = ALLOWED.get((state, action))
    if target is None:
        message = f"Cannot {ACTION_LABELS[action]} a document in state “{LABELS[state]}”."
        assert flashes == [("danger", message)]
        assert _row(run, sid) == before
        assert _steps(run, sid) == steps
        return
    assert flashes == [("success", f"New state: {LABELS[target]}")]
    assert _row(run, sid) == (target, *_expected_dates(before, action))
    assert _steps(run, sid) == [*steps, (state, target, None, CLERK)]


@pytest.mark.parametrize("state", STATES)
def test_the_page_offers_the_allowed_steps_only(run, ui, state):
    sid = _shipment(run, state)
    page = ui("Warehouse Clerk").get(f"/shipmentview/show/{sid}").get_data(as_text=True)
    assert re.findall(r'class="btn btn-sm [\w-]+ as-transition" data-action="(\w+)"', page) == (
        allowed_from(state)
    )
    # a reader sees the history but no step to take
    page = ui("Viewer").get(f"/shipmentview/show/{sid}").get_data(as_text=True)
    assert "as-history" in page and 'id="as-transition-form"' not in page


def test_an_unknown_step_is_refused_and_records_nothing(run, api, ui):
    sid = _shipment(run)
    steps = _steps(run, sid)
    r = api("Warehouse Clerk").post(f"/api/v1/shipment/{sid}/lose")
    assert r.status_code == 400 and "Unknown action" in r.json["message"]
    client = ui("Warehouse Clerk")
    r = client.post(f"/shipmentview/transition/{sid}/lose", follow_redirects=True)
    assert [k for k, _ in _flashes(r.get_data(as_text=True))] == ["danger"]
    assert "Unknown action: lose" in r.get_data(as_text=True)
    assert _row(run, sid) == ("planned", None, None)
    assert _steps(run, sid) == steps
    assert api("Warehouse Clerk").post("/api/v1/shipment/99999/ship").status_code == 404
    assert client.post("/shipmentview/transition/99999/ship").status_code == 404


# -------------------------------------------------------------------- comments, history


def test_no_step_needs_a_comment_and_a_given_one_is_kept(run, api, ui):
    sid = _shipment(run)
    clerk = api("Warehouse Clerk")
    r = clerk.post(f"/api/v1/shipment/{sid}/ship", json={"comment": "Handed to DPD"})
    assert r.status_code == 200, r.json
    r = clerk.post(f"/api/v1/shipment/{sid}/deliver", json={"comment": 5})
    assert r.status_code == 422 and "comment" in r.json["message"]
    r = ui("Warehouse Clerk").post(
        f"/shipmentview/transition/{sid}/cancel", data={"comment": "  Parcel lost  "}
    )
    assert r.status_code == 302
    assert _steps(run, sid) == [
        (None, "planned", None, SET_UP),
        ("planned", "in_transit", "Handed to DPD", CLERK),
        ("in_transit", "cancelled", "Parcel lost", CLERK),
    ]
    # a blank comment is no comment
    other = _shipment(run)
    r = ui("Warehouse Clerk").post(f"/shipmentview/transition/{other}/ship", data={"comment": " "})
    assert r.status_code == 302
    assert _steps(run, other)[-1] == ("planned", "in_transit", None, CLERK)


def test_the_history_has_one_step_per_step(run, api):
    sid = _shipment(run)
    manager, clerk = api("Service Manager"), api("Warehouse Clerk")
    assert manager.post(f"/api/v1/shipment/{sid}/ship").status_code == 200
    assert clerk.post(f"/api/v1/shipment/{sid}/ship").status_code == 409
    assert clerk.post(f"/api/v1/shipment/{sid}/deliver", json={"comment": "ok"}).status_code == 200
    for action in ACTIONS:
        assert clerk.post(f"/api/v1/shipment/{sid}/{action}").status_code == 409
    history = clerk.get(f"/api/v1/shipment/{sid}/history").json["result"]
    assert [(h["from"], h["to"], h["user"], h["comment"]) for h in history] == [
        (None, "planned", SET_UP, None),
        ("planned", "in_transit", ROLE_USERS["Service Manager"], None),
        ("in_transit", "delivered", CLERK, "ok"),
    ]


def test_simultaneous_steps_are_recorded_once(app, run):
    sid = _shipment(run)
    codes = parallel(app, CLERK, [lambda c: c.post(f"/api/v1/shipment/{sid}/ship")] * 2)
    assert sorted(codes) == [200, 409], codes
    codes = parallel(
        app,
        CLERK,
        [
            lambda c: c.post(f"/api/v1/shipment/{sid}/deliver"),
            lambda c: c.post(f"/api/v1/shipment/{sid}/cancel"),
        ],
    )
    assert sorted(codes) == [200, 409], codes
    steps = [(f, t) for f, t, _, _ in _steps(run, sid)]
    assert steps[:2] == [(None, "planned"), ("planned", "in_transit")]
    assert steps[2:] in ([("in_transit", "delivered")], [("in_transit", "cancelled")])
    assert _row(run, sid)[0] == steps[-1][1]


# --------------------------------------------------------------------------- dates


def test_the_steps_date_the_shipment_unless_dates_were_given(run, api):
    clerk = api("Warehouse Clerk")
    sid = _shipment(run)
    clerk.post(f"/api/v1/shipment/{sid}/ship")
    clerk.post(f"/api/v1/shipment/{sid}/deliver")
    assert _row(run, sid) == ("delivered", TODAY, TODAY)
    # recorded after the fact: the dates typed stay
    shipped, delivered = TODAY - timedelta(days=5), TODAY - timedelta(days=2)
    sid = _shipment(run, shipped_on=shipped, delivered_on=delivered)
    assert clerk.post(f"/api/v1/shipment/{sid}/ship").status_code == 200
    assert clerk.post(f"/api/v1/shipment/{sid}/deliver").status_code == 200
    assert _row(run, sid) == ("delivered", shipped, delivered)
    # cancelling dates nothing
    sid = _shipment(run, "in_transit")
    assert clerk.post(f"/api/v1/shipment/{sid}/cancel").status_code == 200
    assert _row(run, sid) == ("cancelled", TODAY, None)


def test_shipping_today_is_refused_when_the_delivery_date_is_earlier(run, api, ui):
    """A delivery date typed on a planned shipment without its shipment date: shipping
    it dated it today, after its delivery, and the shipment could no longer be edited
    (every edit refused "the delivery cannot be before the shipment"). The step is
    refused instead, nothing recorded; with the shipment date given it goes."""
    delivered = TODAY - timedelta(days=2)
    sid = _shipment(run, delivered_on=delivered)
    steps = _steps(run, sid)
    clerk = api("Warehouse Clerk")
    r = clerk.post(f"/api/v1/shipment/{sid}/ship")
    assert r.status_code == 422, r.json
    assert r.json["message"] == {"delivered_on": ["The delivery cannot be before the shipment."]}
    assert _row(run, sid) == ("planned", None, delivered)
    assert _steps(run, sid) == steps
    client = ui("Warehouse Clerk")
    r = client.post(f"/shipmentview/transition/{sid}/ship", follow_redirects=True)
    assert _flashes(r.get_data(as_text=True)) == [
        ("danger", "The delivery cannot be before the shipment.")
    ]
    assert _row(run, sid) == ("planned", None, delivered)
    assert _steps(run, sid) == steps
    # the shipment date given, the step goes and the shipment stays editable
    shipped = TODAY - timedelta(days=3)
    r = clerk.put(f"/api/v1/shipment/{sid}", json={"shipped_on": shipped.isoformat()})
    assert r.status_code == 200, r.json
    assert clerk.post(f"/api/v1/shipment/{sid}/ship").status_code == 200
    assert clerk.put(f"/api/v1/shipment/{sid}", json={"carrier": "UPS"}).status_code == 200
    assert _row(run, sid) == ("in_transit", shipped, delivered)


def test_a_cancelled_shipment_is_final(run, api, ui):
    sid = _shipment(run, "cancelled")
    clerk = api("Warehouse Clerk")
    r = clerk.put(f"/api/v1/shipment/{sid}", json={"carrier": "UPS"})
    assert r.status_code == 409, r.json
    assert clerk.delete(f"/api/v1/shipment/{sid}").status_code == 409
    assert run(lambda s: s.get(Shipment, sid).carrier) == "DPD"
    # the screen's edit form: the state is not among its fields, a posted one is ignored
    other = _shipment(run)
    client = ui("Warehouse Clerk")
    form = browser_form(client, f"/shipmentview/edit/{other}")
    r = client.post(f"/shipmentview/edit/{other}", data={**form, "state": "delivered"})
    assert r.status_code == 302
    assert _row(run, other) == ("planned", None, None)
    assert len(_steps(run, other)) == 1


# ---------------------------------------------------------------------------- rights


@pytest.mark.parametrize("role", WRITERS)
def test_the_warehouse_and_the_manager_take_the_steps(run, api, ui, role):
    sid = _shipment(run)
    r = api(role).post(f"/api/v1/shipment/{sid}/ship")
    assert r.status_code == 200, r.json
    r = ui(role).post(f"/shipmentview/transition/{sid}/deliver")
    assert r.status_code == 302 and r.headers["Location"].endswith(f"/shipmentview/show/{sid}")
    other = _shipment(run)
    r = ui(role).post(f"/shipmentview/transition/{other}/cancel", data={"comment": "No"})
    assert r.status_code == 302
    user = ROLE_USERS[role]
    assert [(t, u) for _, t, _, u in _steps(run, sid)[1:]] == [
        ("in_transit", user),
        ("delivered", user),
    ]
    assert [(t, u) for _, t, _, u in _steps(run, other)[1:]] == [("cancelled", user)]


@pytest.mark.parametrize("role", READERS + STRANGERS)
def test_the_others_are_refused_every_step(run, api, ui, role):
    states = {state: _shipment(run, state) for state in ("planned", "in_transit")}
    before = {sid: (_row(run, sid), _steps(run, sid)) for sid in states.values()}
    reader, page = api(role), ui(role)
    # a technician reads the shipments of his repairs only: this repair is nobody's yet
    expected_read = 403 if role not in READERS else 404 if role == "Technician" else 200
    for state, sid in states.items():
        assert reader.get(f"/api/v1/shipment/{sid}").status_code == expected_read
        for action in allowed_from(state):
            r = reader.post(f"/api/v1/shipment/{sid}/{action}", json={"comment": "x"})
            assert r.status_code == 403, (state, action, r.status_code)
            r = page.post(f"/shipmentview/transition/{sid}/{action}", data={"comment": "x"})
            assert r.status_code == 403, (state, action, r.status_code)
            assert DENIED in r.get_data(as_text=True)
    assert {sid: (_row(run, sid), _steps(run, sid)) for sid in states.values()} == before


def test_a_technician_reads_the_shipments_of_his_repairs_only(run, api):
    sid = _shipment(run)
    technician = api("Technician")
    assert technician.get(f"/api/v1/shipment/{sid}").status_code == 404
    assert sid not in technician.get("/api/v1/shipment/").json["ids"]

    def assign(s):
        _repair(s).technician_id = user_id(s, "Technician")

    run(assign)
    assert technician.get(f"/api/v1/shipment/{sid}").status_code == 200
    assert sid in technician.get("/api/v1/shipment/").json["ids"]
