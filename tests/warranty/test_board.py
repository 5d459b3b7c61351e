"""The repair board (/repairboard/): the rows the repair list shows, by state (a
technician his own, the manager all, with the same quick filters); a card moves only
through the record's own step, which the service may refuse (nothing changes then); a
reader without the write right gets neither handles nor steps, and his POST is a 403;
the Russian page has no English left."""

from __future__ import annotations

import re
from datetime import date, timedelta

from flask_babel import force_locale
from sqlalchemy import func, select

from app.insights import QUICK_LABELS
from app.models import StateTransition
from modules.warranty.models import RepairOrder
from modules.warranty.services import open_repair, transition
from tests.app.test_no_iso_dates import visible_text
from tests.warranty.helpers import make_world, user_id

RECENT = date.today() - timedelta(days=100)
NUMBER = re.compile(r"RO-\d{4}-\d{5}")


def _repairs(run) -> dict:
    """Repairs of the technician (received, overdue, returned) and of the manager."""
    w = run(lambda s: make_world(s, sale=RECENT))
    tech = run(lambda s: user_id(s, "Technician"))
    mgr = run(lambda s: user_id(s, "Service Manager"))

    def make(s):
        def one(defect, who, **kw):
            return open_repair(
                s, w["unit"], defect, technician_id=who, warehouse_id=w["wh"], receive=True, **kw
            )

        mine = one("Drum noise", tech)
        late = one("Leaks", tech, intake_date=date.today() - timedelta(days=80))
        done = one("Door", tech)
        transition(s, done, "cancel", "Customer withdrew")
        other = one("Display", mgr)
        return {
            "mine": (mine.id, mine.number),
            "late": (late.id, late.number),
            "done": (done.id, done.number),
            "other": (other.id, other.number),
        }

    return run(make)


def board_numbers(html: str) -> set[str]:
    return set(re.findall(r'data-number="(RO-\d{4}-\d{5})"', html))


def list_numbers(client, query: str = "") -> set[str]:
    html = client.get(f"/repairorderview/list/?psize_RepairOrderView=100{query}").data.decode()
    return set(NUMBER.findall(html))


def column_of(html: str, number: str) -> str:
    """The state of the column a card sits in."""
    at = html.index(f'data-number="{number}"')
    return re.findall(r'<section class="as-board-col[^"]*" data-state="(\w+)"', html[:at])[-1]


def state_and_steps(run, rid: int) -> tuple[str, int]:
    def read(s):
        steps = s.scalar(
            select(func.count(StateTransition.id)).where(
                StateTransition.doc_type == "wty_repair_order", StateTransition.doc_id == rid
            )
        )
        return s.get(RepairOrder, rid).state, steps

    return run(read, commit=False)


def test_the_board_shows_the_rows_the_list_shows(run, ui):
    ro = _repairs(run)
    numbers = {k: v[1] for k, v in ro.items()}
    for role, expected in (
        ("Technician", {numbers["mine"], numbers["late"], numbers["done"]}),
        ("Service Manager", set(numbers.values())),
    ):
        c = ui(role)
        page = c.get("/repairboard/")
        assert page.status_code == 200
        html = page.data.decode()
        assert board_numbers(html) == expected == list_numbers(c), role
        # the cards sit in their state's column; the closed one is folded
        assert column_of(html, numbers["mine"]) == "received"
        assert column_of(html, numbers["done"]) == "cancelled"
        assert "as-board-fold" in html
        # the same quick filters as the list
        for quick in ("mine", "open", "overdue"):
            board = board_numbers(c.get(f"/repairboard/?quick={quick}").data.decode())
            assert board == list_numbers(c, f"&quick={quick}"), (role, quick)
    c = ui("Service Manager")
    assert board_numbers(c.get("/repairboard/?quick=mine").data.decode()) == {numbers["other"]}
    overdue = c.get("/repairboard/?quick=overdue").data.decode()
    assert board_numbers(overdue) == {numbers["late"]}
    assert "as-card-overdue" in overdue
    assert c.get("/repairboard/?quick=nonsense").status_code == 400
    # the list links to its board, with the same quick filter
    assert 'href="/repairboard/?quick=open"' in c.get("/repairorderview/list/?quick=open").text


def test_a_move_is_the_records_own_step(run, ui):
    ro = _repairs(run)
    rid, number = ro["mine"]
    c = ui("Technician")
    html = c.get("/repairboard/").data.decode()
    card = html[html.index(f'data-number="{number}"') :].split("</article>")[0]
    assert 'draggable="true"' in card
    # the card offers the steps its state allows, each posting to the record's step
    assert f'formaction="/repairorderview/transition/{rid}/diagnose"' in card
    assert 'data-target="diagnosing"' in card
    assert 'data-action="cancel"' in card and 'data-needs-comment="1"' in card
    assert "mark_ready" not in card

    # a step not allowed in its state (dropped on "ready"): refused, nothing changes
    before = state_and_steps(run, rid)
    r = c.post(f"/repairorderview/transition/{rid}/mark_ready")
    assert r.status_code == 302
    assert state_and_steps(run, rid) == before == ("received", 2)
    message = c.get("/repairboard/").data.decode()
    assert "alert-danger" in message and "Cannot mark ready" in message
    # a step that needs a comment, without one: refused too
    c.post(f"/repairorderview/transition/{rid}/cancel")
    assert state_and_steps(run, rid) == before

    # dropped on "diagnosing": the step runs, is recorded, and the board shows it
    r = c.post(f"/repairorderview/transition/{rid}/diagnose")
    assert r.status_code == 302
    assert state_and_steps(run, rid) == ("diagnosing", 3)
    html = c.get("/repairboard/").data.decode()
    assert column_of(html, number) == "diagnosing"
    assert "alert-success" in html

    # someone else's repair is not his to move (the record rule: 404, unchanged)
    other, _ = ro["other"]
    assert c.post(f"/repairorderview/transition/{other}/diagnose").status_code == 404
    assert state_and_steps(run, other)[0] == "received"


def test_a_reader_without_write_sees_no_handles_and_may_not_move(run, ui):
    ro = _repairs(run)
    rid, number = ro["mine"]
    c = ui("Viewer")
    page = c.get("/repairboard/")
    assert page.status_code == 200
    html = page.data.decode()
    assert number in board_numbers(html)
    assert 'draggable="true"' not in html
    assert "as-step" not in html and "as-card-steps" not in html and "as-card-grip" not in html
    assert 'data-can-write="0"' in html
    before = state_and_steps(run, rid)
    assert c.post(f"/repairorderview/transition/{rid}/diagnose").status_code == 403
    assert state_and_steps(run, rid) == before
    # no read right, no board
    assert ui("HR").get("/repairboard/").status_code == 403
    c.get("/logout/")
    r = c.get("/repairboard/")
    assert r.status_code == 302 and "/login" in r.headers["Location"]


def english_of_the_board(app) -> list[str]:
    """The English texts the repair board writes itself (states, labels, buttons)."""
    from modules.warranty.services.repairs import REPAIR_MACHINE
    from modules.warranty.views_repairs import LABELS

    with app.test_request_context(), force_locale("en"):
        texts = [str(label) for label in REPAIR_MACHINE.states.values()]
        texts += [str(t.label) for t in REPAIR_MACHINE.transitions]
        texts += [str(LABELS[k]) for k in ("customer", "unit", "equipment_model", "technician")]
        texts += [str(label) for label in QUICK_LABELS.values()]
    return texts + [
        "Repair board",
        "Documents",
        "List",
        "Next step",
        "Drag a card",
        "days overdue",
        "The last",
    ]


def test_the_board_in_russian_has_no_english(app, run, ui):
    _repairs(run)
    c = ui("Service Manager")
    c.get("/lang/ru")
    html = c.get("/repairboard/").data.decode()
    board = html[html.index('class="col-md-12 as-board-page"') :]
    text = visible_text(board)
    assert "Ремонт" in text or "ремонт" in text
    found = [t for t in english_of_the_board(app) if re.search(rf"\b{re.escape(t)}\b", text)]
    assert not found, found
    # the messages the script shows are in Russian too
    for attr in ("not-allowed", "steps", "no-steps", "denied", "failed", "comment"):
        value = re.search(rf'data-msg-{attr}="([^"]*)"', board).group(1)
        assert re.search("[а-яА-Я]", value), (attr, value)


def test_the_board_runs_a_fixed_number_of_statements(app, run, ui):
    from sqlalchemy import event

    from app.db import db

    w = run(lambda s: make_world(s, sale=RECENT))
    tech = run(lambda s: user_id(s, "Technician"))

    def seed(n):
        def make(s):
            for i in range(n):
                r = open_repair(
                    s, w["unit"], f"Fault {i}", technician_id=tech, warehouse_id=w["wh"]
                )
                for step in ("receive", "diagnose", "start_repair")[: i % 4]:
                    transition(s, r, step)

        return make

    c = ui("Service Manager")
    counts = []
    for n in (4, 24):
        run(seed(n))
        seen: list[int] = []
        with app.app_context():
            engine = db.engine

        def count(*args, _seen=seen, **kwargs):
            _seen.append(1)

        event.listen(engine, "before_cursor_execute", count)
        try:
            assert c.get("/repairboard/").status_code == 200
        finally:
            event.remove(engine, "before_cursor_execute", count)
        counts.append(len(seen))
    assert counts[0] == counts[1], counts


def test_a_field_the_reader_may_not_see_is_not_on_the_board(run, ui, monkeypatch):
    """The board asks the model's policy for hidden fields, as the list does (no repair
    field is hidden today: a declaration hiding the technician is simulated)."""
    from app import policy

    ro = _repairs(run)
    c = ui("Viewer")
    assert "technician Test" in c.get("/repairboard/").data.decode()
    real = policy.hidden

    def hidden(model, actor=None):
        extra = {"technician"} if model is RepairOrder else set()
        return real(model, actor) | frozenset(extra)

    monkeypatch.setattr(policy, "hidden", hidden)
    html = c.get("/repairboard/").data.decode()
    assert ro["mine"][1] in board_numbers(html)
    assert "technician Test" not in html
    assert "technician Test" not in c.get("/repairorderview/list/").data.decode()


def test_a_closed_column_shows_its_last_cards_and_links_to_the_rest(run, ui, monkeypatch):
    from modules.warranty.views_board import RepairBoardView

    w = run(lambda s: make_world(s, sale=RECENT))

    def make(s):
        numbers = []
        for i in range(3):
            r = open_repair(s, w["unit"], f"Gone {i}", warehouse_id=w["wh"], receive=True)
            transition(s, r, "cancel", "Withdrawn")
            numbers.append(r.number)
        return numbers

    numbers = run(make)
    monkeypatch.setattr(RepairBoardView, "closed_limit", 2)
    c = ui("Service Manager")
    html = c.get("/repairboard/?quick=mine").data.decode()
    assert board_numbers(html) == set()  # none is the manager's: the quick filter holds
    html = c.get("/repairboard/").data.decode()
    assert board_numbers(html) == set(numbers[1:])  # the latest two
    assert "The last 2 of 3" in html
    link = re.search(r'class="as-board-more" href="([^"]+)"', html).group(1).replace("&amp;", "&")
    assert "cancelled" in link
    assert list_numbers(c, "&" + link.split("?", 1)[1]) == set(numbers)
