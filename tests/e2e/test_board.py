"""The repair board in a browser, as the service manager: a received repair dragged to
"diagnosing" runs the step (its state and its history say so, the board shows it there
with the step's message); dropped where no step leads, the card stays and the board says
why; a step that needs a comment, chosen from the card's menu, asks for it first.
Screenshots of the board in English, Russian and Portuguese go to test-artifacts/e2e/."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from tests.conftest import ROLE_USERS
from tests.e2e.conftest import SKIP_REASON, login

if SKIP_REASON:
    pytest.skip(SKIP_REASON, allow_module_level=True)

pytestmark = [pytest.mark.e2e, pytest.mark.usefixtures("demo_data")]

MANAGER = ROLE_USERS["Service Manager"]


def received_repairs(app) -> list[tuple[int, str]]:
    from app.db import db
    from modules.warranty.models import RepairOrder

    with app.app_context():
        try:
            rows = db.session.execute(
                select(RepairOrder.id, RepairOrder.number)
                .where(RepairOrder.state == "received")
                .order_by(RepairOrder.id)
            ).all()
        finally:
            db.session.remove()
    assert len(rows) >= 2, "the demo has fewer than two received repairs"
    return [(r.id, r.number) for r in rows]


def life_of(app, rid: int) -> tuple[str, list[tuple[str, str, str | None]]]:
    """The repair's state and its recorded steps (from, to, comment)."""
    from app.db import db
    from app.models import StateTransition
    from modules.warranty.models import RepairOrder

    with app.app_context():
        try:
            steps = db.session.scalars(
                select(StateTransition)
                .where(StateTransition.doc_type == "wty_repair_order")
                .where(StateTransition.doc_id == rid)
                .order_by(StateTransition.id)
            ).all()
            return db.session.get(RepairOrder, rid).state, [
                (s.from_state, s.to_state, s.comment) for s in steps
            ]
        finally:
            db.session.remove()


def card(page, number: str):
    return page.locator(f'article.as-card[data-number="{number}"]')


def column(page, state: str):
    return page.locator(f'section.as-board-col[data-state="{state}"]')


def test_dragging_a_repair_to_diagnosing_runs_its_step(app, new_page, watch, artifacts):
    (rid, number), (rid2, number2) = received_repairs(app)[:2]
    page = new_page()
    page.set_viewport_size({"width": 1366, "height": 900})
    login(page, MANAGER)
    page.goto("/repairboard/")
    assert card(page, number).get_attribute("draggable") == "true"

    # dropped where no step leads (a quote is not sent from "received"): it stays
    before = life_of(app, rid)
    card(page, number).drag_to(column(page, "quote_sent"))
    message = page.locator("#as-board-msg .alert")
    message.wait_for()
    assert number in message.inner_text() and "Start diagnosis" in message.inner_text()
    assert column(page, "received").locator(f'[data-number="{number}"]').count() == 1
    assert life_of(app, rid) == before

    # dropped on "diagnosing": the step runs, the board reloads with it there
    with page.expect_navigation():
        card(page, number).drag_to(column(page, "diagnosing"))
    page.wait_for_load_state()
    assert column(page, "diagnosing").locator(f'[data-number="{number}"]').count() == 1
    assert "alert-success" in page.content()
    page.screenshot(path=artifacts / "board-repairs-en.png")
    state, steps = life_of(app, rid)
    assert state == "diagnosing"
    assert steps[-1][:2] == ("received", "diagnosing") and len(steps) == len(before[1]) + 1
    # the repair's page tells the step in its history
    page.goto(f"/repairorderview/show/{rid}")
    assert "Diagnosing" in page.locator("body").inner_text()

    # without a mouse: the card's menu; cancelling asks for the comment first
    page.goto("/repairboard/")
    menu = card(page, number2).locator("details.as-card-menu")
    menu.locator("summary").click()
    menu.locator("button[data-action=cancel]").click()
    dialog = page.locator("#as-board-comment")
    dialog.wait_for(state="visible")
    dialog.locator("button[type=submit]").click()  # empty: refused in the dialog
    assert dialog.locator(".as-board-comment-error").is_visible()
    assert life_of(app, rid2)[0] == "received"
    dialog.locator("textarea").fill("Customer withdrew")
    with page.expect_navigation():
        dialog.locator("button[type=submit]").click()
    state, steps = life_of(app, rid2)
    assert state == "cancelled" and steps[-1] == ("received", "cancelled", "Customer withdrew")

    for lang in ("ru", "pt_BR"):
        page.goto(f"/lang/{lang}")
        page.goto("/repairboard/")
        page.screenshot(path=artifacts / f"board-repairs-{lang}.png")
    watch.check()
