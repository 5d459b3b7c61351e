"""A record's history as sentences in the reader's language (issue #15, item 6)."""

from __future__ import annotations

import re
from contextlib import contextmanager
from datetime import UTC, date, datetime, timedelta

import pytest
from flask_babel import force_locale, gettext
from sqlalchemy import event, select

from app import formats
from app.audit import acting_as
from app.db import db
from modules.claims.models import SatisfactionRequest
from modules.warranty.models import RepairOrder
from modules.warranty.services import open_repair, record_inspection, transition
from tests.conftest import ApiClient, ui_login
from tests.warranty.helpers import make_world, user_id

RECENT = date.today() - timedelta(days=100)
PEOPLE = {
    "ivan.petrov": ("Ivan", "Petrov", "Service Manager"),
    "olga.sousa": ("Olga", "Sousa", "Technician"),
    "pavel.ivanov": ("Pavel", "Ivanov", "Technician"),
}


def _password(username: str) -> str:
    return f"Pw-{username}-history-2026"


def _people(app) -> dict[str, int]:
    """The named users of these tests (kept across tests, like the role users)."""
    ids = {}
    with app.app_context():
        sm = app.appbuilder.sm
        for username, (first, last, role) in PEOPLE.items():
            user = sm.find_user(username=username)
            if user is None:
                user = sm.add_user(
                    username, first, last, f"{username}@example.com", sm.find_role(role),
                    password=_password(username),
                )  # fmt: skip
            ids[username] = user.id
        db.session.remove()
    return ids


@contextmanager
def counting(app):
    """Count the SQL statements run inside the block."""
    with app.app_context():
        engine = db.engine
    seen: list[str] = []

    def count(conn, cursor, statement, *args):
        seen.append(statement)

    event.listen(engine, "before_cursor_execute", count)
    try:
        yield seen
    finally:
        event.remove(engine, "before_cursor_execute", count)


def _repair_in_repair(s, w, olga) -> int:
    repair = open_repair(
        s, w["unit"], "Drum noise", technician_id=olga, warehouse_id=w["wh"], receive=True
    )
    transition(s, repair, "diagnose")
    transition(s, repair, "start_repair")
    return repair.id


def _history(html: str) -> str:
    """The history block of a record's page."""
    found = re.search(r'<details class="as-history[^"]*".*?</details>', html, re.S)
    assert found, "no history on the page"
    return re.sub(r"[ \t\r\n]+", " ", found.group(0))  # the language's own spaces kept


def _as_ivan(app) -> tuple[ApiClient, object]:
    api = ApiClient(app, "ivan.petrov", _password("ivan.petrov"))
    ui = app.test_client()
    r = ui_login(ui, "ivan.petrov", _password("ivan.petrov"))
    assert r.status_code == 302 and "/login" not in r.headers["Location"]
    return api, ui


@pytest.fixture
def told(app, run):
    """A repair whose technician Ivan Petrov changed (Olga Sousa to Pavel Ivanov, with
    the supplier at fault) and that he handed back to the customer with a comment; its
    satisfaction survey, whose token was re-issued. -> (repair id, survey id, token)."""
    people = _people(app)
    w = run(lambda s: make_world(s, sale=RECENT))
    rid = run(lambda s: _repair_in_repair(s, w, people["olga.sousa"]))
    api, ui = _as_ivan(app)
    r = api.put(
        f"/api/v1/repair_order/{rid}",
        json={"technician": people["pavel.ivanov"], "supplier_fault": True},
    )
    assert r.status_code == 200, r.json

    def ready(s):
        repair = s.get(RepairOrder, rid)
        record_inspection(s, repair, passed=True, inspector_id=user_id(s, "Service Manager"))
        transition(s, repair, "mark_ready")

    run(ready)
    r = ui.post(
        f"/repairorderview/transition/{rid}/return_unit", data={"comment": "Picked up by his son"}
    )
    assert r.status_code == 302
    assert run(lambda s: s.get(RepairOrder, rid).state) == "returned"

    def reissue(s):
        survey = s.scalars(
            select(SatisfactionRequest).where(SatisfactionRequest.repair_order_id == rid)
        ).one()
        old = survey.token
        with acting_as(people["ivan.petrov"], "ivan.petrov"):
            survey.token = old[::-1]
            s.flush()
        return survey.id, old, survey.token

    sid, first, token = run(reissue)
    return rid, sid, (first, token)


@pytest.mark.parametrize("lang", ["ru", "pt_BR", "en"])
def test_the_history_tells_who_changed_what_in_the_readers_language(app, told, lang):
    rid, sid, tokens = told
    _, ui = _as_ivan(app)
    ui.get(f"/lang/{lang}")
    page = ui.get(f"/repairorderview/show/{rid}")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    history = _history(html)
    today = datetime.now(UTC).date()
    with app.test_request_context(), force_locale(lang):
        technician, ready, returned = gettext("Technician"), gettext("Ready"), gettext("Returned")
        expected = [
            gettext(
                "%(user)s changed %(field)s from %(old)s to %(new)s",
                user="Ivan Petrov",
                field=technician,
                old="Olga Sousa",
                new="Pavel Ivanov",
            ),
            gettext(
                "%(user)s changed %(field)s from %(old)s to %(new)s",
                user="Ivan Petrov",
                field=gettext("Supplier at fault"),
                old=gettext("No"),
                new=gettext("Yes"),
            ),
            gettext(
                "%(user)s moved the record from %(old)s to %(new)s (comment: %(comment)s)",
                user="Ivan Petrov",
                old=ready,
                new=returned,
                comment="Picked up by his son",
            ),
        ]
        day = formats.day(today)
        back_on = gettext(
            "%(user)s set %(field)s to %(new)s",
            user="Ivan Petrov",
            field=gettext("Returned on"),
            new=day,
        )
        state_changed = gettext(
            "%(user)s changed %(field)s from %(old)s to %(new)s",
            user="Ivan Petrov",
            field=gettext("State"),
            old=ready,
            new=returned,
        )
    if lang != "en":  # the screen's words, translated: not the stored names and codes
        assert technician != "Technician" and returned != "Returned"
    for sentence in expected:
        assert sentence in history, (sentence, history)
    # the newest first: the hand-back, then the technician's change
    assert history.index(expected[2]) < history.index(expected[0])
    assert day in history
    # what the step changed besides the state reads under it, in the same entry; the
    # state's own change is told once, by the step
    step_entry = history[history.index(expected[2]) :]
    assert back_on in step_entry[: step_entry.index("</tr>")]
    assert state_changed not in history
    for dump in ("technician_id", "state:", "returned →", today.isoformat(), "True", "False"):
        assert dump not in history, dump
    assert not re.search(r"\d\d:\d\d:\d\d", history), "seconds or microseconds shown"
    # the survey sent when the unit went back: its token is never told, nor masked
    survey = ui.get(f"/satisfactionview/show/{sid}").get_data(as_text=True)
    assert "Ivan Petrov" in _history(survey)
    for text in (html, survey):
        assert not any(t in text for t in tokens)
        assert "***" not in _history(text)


def test_a_long_history_is_paged_with_a_fixed_number_of_statements(app, run):
    people = _people(app)
    w = run(lambda s: make_world(s, sale=RECENT))
    rid = run(lambda s: _repair_in_repair(s, w, people["olga.sousa"]))
    _, ui = _as_ivan(app)

    def flips(s, n):
        repair = s.get(RepairOrder, rid)
        for i in range(n):
            with acting_as(people["ivan.petrov"], "ivan.petrov"):
                repair.technician_id = people["pavel.ivanov" if i % 2 == 0 else "olga.sousa"]
                repair.warehouse_id = None if i % 2 == 0 else w["wh"]
                repair.notes = f"note {i}"
                s.flush()

    run(lambda s: flips(s, 2))
    ui.get(f"/repairorderview/show/{rid}")
    with counting(app) as few:
        html = ui.get(f"/repairorderview/show/{rid}").get_data(as_text=True)
    assert "Ivan Petrov changed Technician from Pavel Ivanov to Olga Sousa" in _history(html)
    assert "Older entries" not in html

    run(lambda s: flips(s, 40))
    with counting(app) as many:
        html = ui.get(f"/repairorderview/show/{rid}").get_data(as_text=True)
    assert len(many) == len(few), "a statement per entry"
    history = _history(html)
    assert history.count("as-history-when") == 20
    assert "Ivan Petrov cleared Parts warehouse (was WS Workshop)" in history
    assert "Older entries" in history
    older = ui.get(f"/repairorderview/show/{rid}?history_page=2").get_data(as_text=True)
    # 42 changes, 3 steps, the billing decided at intake and the creation: 47 entries
    assert _history(older).count("as-history-when") == 7
    assert "test created the record" in _history(older)
    assert "Older entries" not in _history(older)
    assert ui.get(f"/repairorderview/show/{rid}?history_page=x").status_code == 400
