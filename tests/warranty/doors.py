"""Warranty worlds for the both-doors tests, and the same check for the steps taken from a
record's page (a form on the repair's or the unit's page) against the API's action.

`tests/both_doors.py` sends creations, edits and state transitions through the screen
and the API; a step such as voiding a warranty or signing an inspection has its own
route on each door (`/unitview/void/<unit>`, `POST /api/v1/unit/<unit>/void`), so
`check_steps` sends it to both and compares what it changed (`Step.state`)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from modules.warranty.models import Loaner, RepairOrder, Unit
from modules.warranty.services import add_labour_line, add_part_line, open_repair, transition
from tests.both_doors import form_of
from tests.conftest import ROLE_USERS, ApiClient, ui_login
from tests.warranty.helpers import make_world, user_id

TODAY = date.today()
RECENT = TODAY - timedelta(days=100)  # under the manufacturer's warranty
FUTURE = (TODAY + timedelta(days=3)).isoformat()


def world(s) -> dict:
    """make_world's rows (a unit sold recently, under warranty), an old unit out of
    warranty, and the users: the same ids every time it is built on empty tables."""
    w = make_world(s, sale=RECENT)
    old = Unit(
        serial_number="SN-OLD",
        equipment_model_id=w["model"],
        customer_id=w["customer"],
        sale_date=date(2020, 1, 1),
    )
    s.add(old)
    s.flush()
    return {
        **w,
        "old_unit": old.id,
        "tech": user_id(s, "Technician"),
        "manager": user_id(s, "Service Manager"),
    }


def repair_world(s) -> dict:
    """`world`, with a warranty repair being diagnosed (the technician's), a paid one in
    repair whose customer approved 40.00 and that now charges 90.00, a cancelled
    repair, two substitute units (one available, one in maintenance)."""
    w = world(s)
    r = open_repair(s, w["unit"], "Does not drain", technician_id=w["tech"], warehouse_id=w["wh"])
    transition(s, r, "receive")
    transition(s, r, "diagnose")
    paid = open_repair(
        s, w["old_unit"], "Noisy", technician_id=w["tech"], warehouse_id=w["wh"], receive=True
    )
    transition(s, paid, "diagnose")
    add_labour_line(s, paid, "Diagnosis", "1", "40")
    transition(s, paid, "send_quote")
    transition(s, paid, "approve")
    add_part_line(s, paid, w["part"], "1", unit_price="50")
    transition(s, paid, "start_repair")
    closed = open_repair(s, w["unit"], "Wrong unit", technician_id=w["tech"])
    transition(s, closed, "cancel", "Opened by mistake")
    free = Loaner(code="L-1", name="Spare washer", condition="good")
    busy = Loaner(code="L-2", name="Old washer", state="maintenance")
    s.add_all([free, busy])
    s.flush()
    return {
        **w,
        "repair": r.id,
        "paid": paid.id,
        "closed": closed.id,
        "loaner": free.id,
        "loaner_busy": busy.id,
    }


def rebuilt(run, clean, build) -> tuple[dict, Callable[[], None]]:
    """The world's ids, and a `clean` for the harness that empties the tables and builds
    the same world again (with the same ids) for the next door."""
    ids = run(build)

    def reset() -> None:
        clean()
        again = run(build)
        assert again == ids, "the world must get the same ids every time"

    return ids, reset


def repair_state(s, rid: int) -> dict:
    r = s.get(RepairOrder, rid)
    return {
        "state": r.state,
        "billing_type": r.billing_type,
        "billing_overridden": r.billing_overridden,
        "billing_reason": r.billing_reason,
        "covers": (r.covers_parts, r.covers_labour, r.covers_transport),
        "parts": [(ln.part_id, ln.quantity, ln.unit_price, ln.state) for ln in r.part_lines],
        "labour": [(ln.description, ln.hours, ln.rate) for ln in r.labour_lines],
        "inspections": [
            (i.kind, i.result, i.inspector_id, i.technician_id, i.notes)
            + tuple((it.text, it.ok) for it in i.items)
            for i in r.inspections
        ],
    }


@dataclass(frozen=True)
class Step:
    """A step on a record from its page (a form) and through the API (JSON): `api` and
    `screen` are URL templates filled with `ids` (the world's, or `prepare`'s)."""

    name: str
    ok: bool
    api: str
    screen: str
    body: dict[str, Any]
    state: Callable[[Any, dict], Any]  # (session, ids) -> what the step changes
    form: dict[str, str] | None = None  # the page's fields (default: the body as text)
    prepare: Callable[[Any], dict] | None = None  # session -> more ids


def _fill(value, ids: dict):
    """The body with the ids filled in: "{rid}" is the id itself (a number), and a text
    or a key naming ids in braces has them written in."""
    if isinstance(value, dict):
        return {_fill(k, ids): _fill(v, ids) for k, v in value.items()}
    if isinstance(value, str) and "{" in value:
        name = value.strip("{}")
        if value == "{" + name + "}" and name in ids:
            return ids[name]
        return value.format(**ids)
    return value


def _take(app, run, ids: dict, step: Step, role: str, through: str):
    ids = {**ids, **(run(step.prepare) if step.prepare else {})}
    before = run(lambda s: step.state(s, ids))
    body = _fill(step.body, ids)
    if through == "api":
        r = ApiClient(app, ROLE_USERS[role]).post(step.api.format(**ids), json=body)
    else:
        client = app.test_client()
        ui_login(client, ROLE_USERS[role])
        form = step.form if step.form is not None else form_of(body)
        form = {str(_fill(k, ids)): str(_fill(v, ids)) for k, v in form.items()}
        r = client.post(step.screen.format(**ids), data=form)
    assert r.status_code < 500, (step.name, through, r.status_code, r.data[:300])
    after = run(lambda s: step.state(s, ids))
    return after != before, after


def check_steps(app, run, reset, ids: dict, steps: list[Step], role: str) -> None:
    """Each step through the page and through the API, on the same world: the same
    outcome (both change the record, or neither does) and the same record after."""
    wrong = []
    for step in steps:
        outcome = {}
        for through in ("api", "screen"):
            outcome[through] = _take(app, run, ids, step, role, through)
            reset()
        (api_ok, api_state), (ui_ok, ui_state) = outcome["api"], outcome["screen"]
        if api_ok != step.ok or ui_ok != step.ok:
            wrong.append(
                f"{step.name}: expected {'accepted' if step.ok else 'refused'}, "
                f"API {'accepted' if api_ok else 'refused'}, "
                f"screen {'accepted' if ui_ok else 'refused'}"
            )
        elif api_state != ui_state:
            wrong.append(f"{step.name}: the doors left different records {api_state} {ui_state}")
    assert not wrong, "\n".join(wrong)
