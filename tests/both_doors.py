"""The both-doors harness: one rule case, sent through the screen (form POST) and the
REST API (JSON), must end the same way: both accept it and write the same row, or
both refuse it and write nothing.

    DOOR = Door(view="/partnerview", api="/api/v1/partner/", model=Partner)
    CASES = [Case("no kind", {"name": "X"}, ok=False), Case("customer", {...}, ok=True)]
    def test_partner_rules_hold_at_both_doors(app, run):
        check_both_doors(app, run, DOOR, CASES, role="Service Manager")

A case may be an edit (`pk` names the row, from `prepare(session)`), a deletion of
that row (`delete`), or a step on a document's life (`action`). The screen is driven
as a browser would: the form field names are the column names, relations are ids,
booleans are ticked or absent.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from html.parser import HTMLParser
from typing import Any

from sqlalchemy import func, inspect, select

from tests.conftest import ROLE_USERS, ApiClient, ui_login

SKIP_COLUMNS = {"id", "created_at", "updated_at", "number"}


@dataclass(frozen=True)
class Door:
    view: str  # the screen's route base, e.g. "/partnerview"
    api: str  # the API's base, e.g. "/api/v1/partner/"
    model: type
    ignore: tuple[str, ...] = ()  # columns that differ by nature (a timestamp of now)


@dataclass(frozen=True)
class Case:
    name: str
    body: dict[str, Any]  # as JSON (relations by id)
    ok: bool  # accepted (True) or refused (False)
    # an edit of the row prepare() returns, or a transition ("action") on it
    edit: bool = False
    action: str | None = None
    delete: bool = False  # delete the row prepare() returns
    prepare: Callable[[Any], Any] | None = None  # session -> row id (edits, actions)
    extra_form: dict[str, str] = field(default_factory=dict)  # form-only fields


def _form_value(value: Any) -> str | None:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "y" if value else None
    if isinstance(value, (date, datetime)):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    return str(value)


def form_of(body: dict[str, Any]) -> dict[str, str]:
    out = {}
    for key, value in body.items():
        text = _form_value(value)
        if text is not None:
            out[key] = text
    return out


class _FormReader(HTMLParser):
    """The values a browser would submit from the page's main form: text inputs, hidden
    inputs, ticked boxes, selected options, textareas (the CSRF token included)."""

    SKIPPED = ("as-transition-form", "delete_form")  # a step's or a row's delete form

    def __init__(self) -> None:
        super().__init__()
        self.forms: list[tuple[str | None, dict[str, str]]] = []
        self.values: dict[str, str] = {}
        self._select: str | None = None
        self._textarea: str | None = None
        self._in_form = False

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "form" and a.get("id") not in self.SKIPPED:
            self._in_form = True
            self.values = {}
            self.forms.append((a.get("id"), self.values))
        if not self._in_form:
            return
        name = a.get("name")
        if tag == "input" and name:
            kind = (a.get("type") or "text").lower()
            if kind in ("checkbox", "radio"):
                if "checked" in a:
                    self.values[name] = a.get("value") or "y"
            elif kind not in ("submit", "button", "file"):
                self.values[name] = a.get("value") or ""
        elif tag == "select" and name:
            self._select = name
            self.values.setdefault(name, "")
        elif tag == "option" and self._select and "selected" in a:
            self.values[self._select] = a.get("value") or ""
        elif tag == "textarea" and name:
            self._textarea = name
            self.values[name] = ""

    def handle_endtag(self, tag):
        if tag == "select":
            self._select = None
        elif tag == "textarea":
            self._textarea = None
        elif tag == "form" and self._in_form:
            self._in_form = False

    def handle_data(self, data):
        if self._textarea:
            self.values[self._textarea] += data


def browser_form(client, url: str) -> dict[str, str]:
    """The record's form (FAB's `model_form`; an edit page may list related rows, with
    their own forms, above it), else the page's first form."""
    reader = _FormReader()
    reader.feed(client.get(url).get_data(as_text=True))
    for form_id, values in reader.forms:
        if form_id == "model_form":
            return values
    return reader.forms[0][1] if reader.forms else {}


def _row_state(session, door: Door, pk) -> dict[str, Any] | None:
    row = session.get(door.model, pk)
    if row is None:
        return None
    skip = SKIP_COLUMNS | set(door.ignore)
    return {
        a.key: getattr(row, a.key) for a in inspect(door.model).column_attrs if a.key not in skip
    }


def _snapshot(session, model) -> tuple[int, int | None]:
    pk = inspect(model).primary_key[0]
    return session.scalar(select(func.count(pk))), session.scalar(select(func.max(pk)))


def _send(app, run, door: Door, case: Case, role: str, through: str):
    """Send the case through one door; (accepted, state of the row it wrote or changed)."""
    model = door.model
    pk = run(case.prepare) if case.prepare else None
    before_count, before_max = run(lambda s: _snapshot(s, model))
    before_row = run(lambda s: _row_state(s, door, pk)) if pk is not None else None
    if through == "api":
        client = ApiClient(app, ROLE_USERS[role])
        if case.action:
            r = client.post(f"{door.api}{pk}/{case.action}", json=case.body)
        elif case.delete:
            r = client.delete(f"{door.api}{pk}")
        elif case.edit:
            r = client.put(f"{door.api}{pk}", json=case.body)
        else:
            r = client.post(door.api, json=case.body)
        assert r.status_code < 500, (case.name, r.status_code, r.data[:300])
    else:
        client = app.test_client()
        ui_login(client, ROLE_USERS[role])
        if case.action:
            url = f"{door.view}/transition/{pk}/{case.action}"
            data = {**form_of(case.body), **case.extra_form}
        elif case.delete:
            url, data = f"{door.view}/delete/{pk}", dict(case.extra_form)
        else:
            url = f"{door.view}/edit/{pk}" if case.edit else f"{door.view}/add"
            data = {**browser_form(client, url), **form_of(case.body), **case.extra_form}
            for key, value in case.body.items():
                if value is False:  # an unticked box is not sent at all
                    data.pop(key, None)
        r = client.post(url, data=data)
        assert r.status_code < 500, (case.name, r.status_code, r.data[:300])
    after_count, after_max = run(lambda s: _snapshot(s, model))
    if pk is None:
        if after_count == before_count:
            return False, None
        return True, run(lambda s: _row_state(s, door, after_max))
    after_row = run(lambda s: _row_state(s, door, pk))
    return after_row != before_row, after_row


def check_both_doors(app, run, clean, door: Door, cases: list[Case], role: str) -> None:
    """Every case through both doors, on the same data: same outcome, same row.

    `clean()` empties the tables between the two doors (the `clean` fixture)."""
    wrong = []
    for case in cases:
        outcome = {}
        for through in ("api", "screen"):
            outcome[through] = _send(app, run, door, case, role, through)
            clean()
        (api_ok, api_row), (ui_ok, ui_row) = outcome["api"], outcome["screen"]
        if api_ok != case.ok or ui_ok != case.ok:
            wrong.append(f"{case.name}: expected {'accepted' if case.ok else 'refused'}, "
                         f"API {'accepted' if api_ok else 'refused'}, "
                         f"screen {'accepted' if ui_ok else 'refused'}")  # fmt: skip
        elif case.ok and api_row != ui_row:
            diff = {
                k: (api_row.get(k), ui_row.get(k))
                for k in api_row
                if api_row.get(k) != ui_row.get(k)
            }
            wrong.append(f"{case.name}: the doors wrote different rows {diff}")
    assert not wrong, "\n".join(wrong)
