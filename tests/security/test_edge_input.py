"""Text no field may hold (NUL and the other control characters but tab, CR, LF; lone
surrogates) is refused at the edge with a 400 and a clear message, wherever it comes
in: login, query arguments, filters, lookups, forms, JSON bodies, transition
comments, the path. Uploaded files' content is binary and may hold any byte.

And the request id: a client's X-Request-Id is kept only when plain, and the 500
page never echoes HTML."""

from __future__ import annotations

import io
import re

import pytest
from sqlalchemy import func, select

from app import create_app
from app.models import StateTransition
from tests.conftest import base_config

# NUL first: psycopg refuses it outright on PostgreSQL; the others no text should hold.
CONTROL = ["\x00", "\x01", "\x08", "\x0b", "\x0c", "\x1b", "\x1f", "\x7f"]
MESSAGE = "control character"


def _partners(run) -> int:
    from modules.partners.models import Partner

    return run(lambda s: s.scalar(select(func.count()).select_from(Partner)))


def _json_400(r) -> bool:
    return r.status_code == 400 and r.is_json and MESSAGE in r.json["message"]


def _page_400(r) -> bool:
    return r.status_code == 400 and b"<html" in r.data and MESSAGE.encode() in r.data


# --------------------------------------------------------------------------- login


def test_control_characters_in_the_api_login_are_400(app):
    client = app.test_client()
    for ch in CONTROL:
        r = client.post(
            "/api/v1/security/login",
            json={"username": f"adm{ch}in", "password": "x", "provider": "db"},
        )
        assert _json_400(r), (repr(ch), r.status_code, r.data[:200])
    r = client.post(
        "/api/v1/security/login", json={"username": "admin", "password": "a\x00", "provider": "db"}
    )
    assert _json_400(r)


def test_control_characters_in_the_login_form_are_a_400_page(app):
    client = app.test_client()
    for ch in CONTROL:
        r = client.post("/login/", data={"username": f"a{ch}b", "password": "x"})
        assert _page_400(r), (repr(ch), r.status_code, r.data[:200])


# --------------------------------------------------------------------------- query args


def test_control_characters_in_query_arguments_are_400(api, ui):
    admin = api("Admin")
    page = ui("Admin")
    for ch in CONTROL:
        q = f"(filters:!((col:name,opr:ct,value:'a{ch}b')))"
        assert _json_400(admin.get("/api/v1/partner/", query_string={"q": q})), repr(ch)
        r = page.get("/partnerview/list/", query_string={"_flt_0_name": f"a{ch}b"})
        assert _page_400(r), (repr(ch), r.status_code)
        assert _json_400(page.get("/lookup/ptn_partner/", query_string={"q": f"a{ch}"}))
        assert _page_400(page.get("/partnerview/list/", query_string={"zz": ch}))
    # the name of an argument, and the path itself
    assert _page_400(page.get("/partnerview/list/?a%00b=1"))
    assert _json_400(admin.get("/api/v1/partner/?x%01=1"))
    assert _page_400(page.get("/partnerview/show/1%00"))
    assert _json_400(admin.get("/api/v1/partner/1%00"))


def test_a_refused_lookup_or_filter_answers_in_the_users_language(app, ui):
    from flask_babel import force_locale

    from app.edge import _control_char_message

    page = ui("Admin")
    page.get("/lang/ru")
    r = page.get("/lookup/ptn_partner/", query_string={"q": "a\x00"})
    with app.test_request_context(), force_locale("ru"):
        expected = str(_control_char_message("q"))
    assert r.status_code == 400 and r.json["message"] == expected


# --------------------------------------------------------------------------- bodies


def test_control_characters_in_json_bodies_write_nothing(api, run):
    admin = api("Admin")
    for ch in CONTROL:
        for body in (
            {"name": f"Acme{ch}"},
            {"name": "Acme", "notes": f"line{ch}"},
            {"name": "Acme", "zz": [{"deep": ["ok", f"x{ch}"]}]},
            {"name": "Acme", f"no{ch}tes": "x"},
        ):
            r = admin.post("/api/v1/partner/", json=body)
            assert _json_400(r), (body, r.status_code, r.data[:200])
    # valid JSON that decodes to a lone surrogate, which no UTF-8 column stores
    r = admin.post(
        "/api/v1/partner/", data='{"name": "Acme \\ud800"}', content_type="application/json"
    )
    assert _json_400(r), r.data[:200]
    assert _partners(run) == 0


def test_control_characters_in_form_fields_write_nothing(ui, run):
    page = ui("Admin")
    for ch in CONTROL:
        r = page.post("/partnerview/add", data={"name": f"Acme{ch}", "is_customer": "y"})
        assert _page_400(r), (repr(ch), r.status_code)
    assert _partners(run) == 0


def test_tab_cr_and_lf_are_text(api, run):
    r = api("Admin").post(
        "/api/v1/partner/",
        json={"name": "Acme\tParts", "is_customer": True, "notes": "line 1\r\nline 2\n"},
    )
    assert r.status_code == 201, r.json
    assert _partners(run) == 1


def _task(run) -> int:
    from modules.staff import services
    from modules.staff.models import Task

    return run(lambda s: services.create_task(s, Task(title="Call back")).id)


def _task_state(run, task_id):
    from modules.staff.models import Task

    def read(s):
        steps = s.scalar(
            select(func.count()).where(
                StateTransition.doc_type == "stf_task", StateTransition.doc_id == task_id
            )
        )
        return s.get(Task, task_id).state, steps

    return run(read)


def test_transition_comments_with_control_characters_change_nothing(api, ui, run):
    task_id = _task(run)
    before = _task_state(run, task_id)
    page = ui("Service Manager")
    manager = api("Service Manager")
    for ch in CONTROL:
        r = page.post(f"/taskview/transition/{task_id}/start", data={"comment": f"ok{ch}"})
        assert _page_400(r), (repr(ch), r.status_code)
        r = manager.post(f"/api/v1/task/{task_id}/start", json={"comment": f"ok{ch}"})
        assert _json_400(r), (repr(ch), r.status_code, r.data[:200])
    assert _task_state(run, task_id) == before
    r = manager.post(f"/api/v1/task/{task_id}/start", json={"comment": "fine\tthanks"})
    assert r.status_code == 200


# --------------------------------------------------------------------------- files

# A real PNG starts with bytes a text field could never hold (NUL among them).
PNG = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06" + b"\x00" * 64


def _partner(run) -> int:
    from modules.partners.models import Partner

    def make(s):
        p = Partner(name="Acme", is_customer=True)
        s.add(p)
        s.flush()
        return p.id

    return run(make)


def _attachments(run) -> int:
    from app.models import Attachment

    return run(lambda s: s.scalar(select(func.count()).select_from(Attachment)))


def test_uploaded_files_may_hold_any_byte_but_their_names_and_notes_may_not(api, run):
    partner = _partner(run)
    admin = api("Admin")
    url = f"/api/v1/attachment/ptn_partner/{partner}"
    r = admin.post(url, data={"file": (io.BytesIO(PNG), "logo.png"), "note": "ok"})
    assert r.status_code == 201, r.data[:300]
    assert _attachments(run) == 1
    r = admin.post(url, data={"file": (io.BytesIO(PNG), "logo.png"), "note": "a\x00b"})
    assert _json_400(r), r.data[:200]
    r = admin.post(url, data={"file": (io.BytesIO(PNG), "lo\x00go.png")})
    assert _json_400(r), r.data[:200]
    assert _attachments(run) == 1


# --------------------------------------------------------------------------- request id

PLAIN_ID = re.compile(r"[A-Za-z0-9._-]{1,64}")


def test_a_request_id_is_kept_only_when_plain(app):
    client = app.test_client()
    r = client.get("/health", headers={"X-Request-Id": "lb-7f3a.01_X"})
    assert r.headers["X-Request-Id"] == "lb-7f3a.01_X"
    for given in ("<script>alert(1)</script>", "a" * 65, "a b", "é"):
        r = client.get("/health", headers={"X-Request-Id": given})
        assert r.headers["X-Request-Id"] != given
        assert PLAIN_ID.fullmatch(r.headers["X-Request-Id"])


@pytest.fixture
def failing_app(database_url, app):
    """The same database, with one page that fails."""
    application = create_app(base_config(database_url))

    def boom():
        raise RuntimeError("boom")

    application.add_url_rule("/zz-boom", "zz_boom", boom)
    application.add_url_rule("/api/v1/zz-boom", "zz_api_boom", boom)
    return application


def test_the_500_page_never_echoes_html_from_the_request_id(failing_app):
    client = failing_app.test_client()
    evil = '"><script>alert(1)</script>'
    r = client.get("/zz-boom", headers={"X-Request-Id": evil})
    assert r.status_code == 500
    assert b"<script>alert(1)" not in r.data
    ref = r.headers["X-Request-Id"]
    assert PLAIN_ID.fullmatch(ref) and ref.encode() in r.data
    r = client.get("/zz-boom", headers={"X-Request-Id": "trace-42"})
    assert r.status_code == 500 and b"trace-42" in r.data
    r = client.get("/api/v1/zz-boom", headers={"X-Request-Id": evil})
    assert r.status_code == 500 and r.is_json and "<script>" not in r.json["message"]
