"""Numbering, state machines, the working calendar and the audit log."""

from __future__ import annotations

import threading
from datetime import date

import pytest
from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from app.audit import acting_as, history
from app.db import db
from app.errors import DomainError
from app.models import AuditLog, CalendarDay, StateTransition
from app.numbering import next_number
from app.statemachine import StateMachine, Transition
from app.workcal import WorkCalendar
from modules.partners.models import Partner
from tests.conftest import IS_POSTGRES

# ----------------------------------------------------------------- numbering


def test_numbers_are_sequential_per_type_and_year(run):
    def make(s):
        return [
            next_number(s, "RO", date(2026, 3, 1)),
            next_number(s, "RO", date(2026, 12, 31)),
            next_number(s, "PO", date(2026, 1, 1)),
            next_number(s, "RO", date(2027, 1, 1)),
        ]

    assert run(make) == ["RO-2026-00001", "RO-2026-00002", "PO-2026-00001", "RO-2027-00001"]


def test_a_rolled_back_document_gives_its_number_back(run):
    run(lambda s: next_number(s, "CL", date(2026, 5, 5)), commit=False)
    assert run(lambda s: next_number(s, "CL", date(2026, 5, 5))) == "CL-2026-00001"


@pytest.mark.skipif(not IS_POSTGRES, reason="concurrent writers need PostgreSQL")
def test_concurrent_writers_get_no_duplicate_and_no_gap(app):
    results: list[str] = []
    errors: list[Exception] = []
    lock = threading.Lock()

    def worker():
        try:
            with app.app_context():
                for _ in range(10):
                    n = next_number(db.session, "TS", date(2026, 1, 1))
                    db.session.commit()
                    with lock:
                        results.append(n)
                db.session.remove()
        except Exception as exc:  # pragma: no cover - reported below
            errors.append(exc)

    threads = [threading.Thread(target=worker) for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors
    assert sorted(results) == [f"TS-2026-{i:05d}" for i in range(1, 81)]


# ------------------------------------------------------------- state machine

MACHINE = StateMachine(
    doc_type="test_doc",
    states={"draft": _l("Draft"), "sent": _l("Sent"), "done": _l("Done"), "cancelled": "x"},
    transitions=[
        Transition("send", ("draft",), "sent", _l("Send")),
        Transition("finish", ("sent",), "done", _l("Finish")),
        Transition("cancel", ("draft", "sent"), "cancelled", _l("Cancel"), needs_comment=True),
    ],
    initial="draft",
)


class Doc:
    def __init__(self):
        self.id = 7
        self.state = "draft"


def test_transitions_follow_the_table_and_are_recorded(run):
    doc = Doc()

    def go(s):
        with acting_as(3, "alice"):
            MACHINE.apply(s, doc, "send", "to the customer")
            MACHINE.apply(s, doc, "finish")
        return [(t.from_state, t.to_state, t.username, t.comment) for t in MACHINE.history(s, 7)]

    assert run(go) == [
        ("draft", "sent", "alice", "to the customer"),
        ("sent", "done", "alice", None),
    ]
    assert doc.state == "done"


def test_illegal_transition_is_refused_and_writes_nothing(run):
    doc = Doc()
    with pytest.raises(DomainError) as err:
        run(lambda s: MACHINE.apply(s, doc, "finish"))
    assert err.value.status == 409
    assert "Draft" in str(err.value.message)
    assert run(lambda s: s.scalars(select(StateTransition)).all()) == []
    assert doc.state == "draft"


def test_unknown_action_and_missing_comment(run):
    doc = Doc()
    with pytest.raises(DomainError, match="Unknown action"):
        run(lambda s: MACHINE.apply(s, doc, "explode"))
    with pytest.raises(DomainError, match="comment is required"):
        run(lambda s: MACHINE.apply(s, doc, "cancel", "  "))


def test_a_machine_with_an_unknown_state_is_rejected_at_declaration():
    with pytest.raises(ValueError, match="unknown states"):
        StateMachine("x", {"a": "A"}, [Transition("go", ("a",), "b")], "a")


# ---------------------------------------------------------- working calendar


def test_russian_new_year_holidays_and_weekends():
    cal = WorkCalendar(country="RU")
    assert not cal.is_working_day(date(2026, 1, 1))
    assert not cal.is_working_day(date(2026, 1, 7))  # Orthodox Christmas
    assert not cal.is_working_day(date(2026, 11, 28))  # a Saturday
    assert cal.is_working_day(date(2026, 11, 27))  # a Friday
    assert cal.next_working_day(date(2026, 11, 28)) == date(2026, 11, 30)


def test_brazilian_holiday():
    cal = WorkCalendar(country="BR")
    assert not cal.is_working_day(date(2026, 9, 7))  # Independence Day, a Monday
    assert cal.add_working_days(date(2026, 9, 4), 1) == date(2026, 9, 8)


def test_installation_overrides_win_over_the_country(run):
    def setup(s):
        s.add(CalendarDay(day=date(2026, 11, 28), working=True, note="transferred"))
        s.add(CalendarDay(day=date(2026, 11, 27), working=False, note="company day"))

    run(setup)
    cal = run(lambda s: WorkCalendar.load(s, "RU"))
    assert cal.is_working_day(date(2026, 11, 28))
    assert not cal.is_working_day(date(2026, 11, 27))
    assert cal.working_days_between(date(2026, 11, 26), date(2026, 11, 30)) == 2


# ----------------------------------------------------------------- audit log


def test_insert_update_delete_are_recorded_with_user_and_values(run):
    pid = run(lambda s: _add_partner(s, "Audit Co"))

    def change(s):
        with acting_as(42, "bob"):
            p = s.get(Partner, pid)
            p.city = "Kazan"
            p.name = "Audit Company"
            s.flush()

    run(change)

    def remove(s):
        with acting_as(42, "bob"):
            s.delete(s.get(Partner, pid))
            s.flush()

    run(remove)
    rows = run(
        lambda s: [(r.action, r.username, r.changes) for r in history(s, "ptn_partner", pid)]
    )
    assert [r[0] for r in rows] == ["insert", "update", "delete"]
    assert rows[0][2]["name"] == "Audit Co"
    assert rows[1][1] == "bob"
    assert rows[1][2] == {"city": [None, "Kazan"], "name": ["Audit Co", "Audit Company"]}


def test_an_unchanged_save_writes_no_audit_row(run):
    pid = run(lambda s: _add_partner(s, "Same"))

    def touch(s):
        p = s.get(Partner, pid)
        p.name = "Same"

    run(touch)
    assert run(lambda s: s.query(AuditLog).filter_by(action="update").count()) == 0


def test_ui_changes_are_attributed_to_the_logged_in_user(ui, run):
    client = ui("Service Manager")
    r = client.post(
        "/partnerview/add",
        data={"name": "Via UI", "is_customer": "y", "active": "y"},
        follow_redirects=False,
    )
    assert r.status_code == 302
    username, action, pid = run(
        lambda s: (
            s.query(AuditLog.username, AuditLog.action, AuditLog.row_id)
            .filter_by(table_name="ptn_partner")
            .one()
        )
    )
    assert (username, action) == ("service_manager", "insert")
    # the record's page shows its history
    page = client.get(f"/partnerview/show/{pid}")
    assert b"service_manager" in page.data


def test_audit_log_is_read_only_and_hidden_from_technicians(ui):
    assert ui("Technician").get("/auditlogview/list/").status_code == 403
    manager = ui("Service Manager")
    assert manager.get("/auditlogview/list/").status_code == 200
    assert manager.get("/auditlogview/add").status_code in (403, 404)


def _add_partner(s, name):
    p = Partner(name=name, is_customer=True)
    s.add(p)
    s.flush()
    return p.id
