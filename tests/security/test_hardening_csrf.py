"""Cross-site requests against the API: an unsafe request authenticated by the
browser's session cookie must come from this site (Origin / Referer) or carry the
CSRF token; bearer-token requests are not concerned."""

from __future__ import annotations

import io
from datetime import date, timedelta

import pytest
from sqlalchemy import func, select

from app.models import Attachment
from modules.partners.models import Partner
from modules.warranty.models import RepairOrder
from tests.conftest import ROLE_USERS, ApiClient
from tests.security.test_hardening_login import csrf_token, form_login, logged_in, strict_app
from tests.warranty.helpers import make_world, user_id

MANAGER = ROLE_USERS["Service Manager"]
EVIL = {"Origin": "https://evil.example"}
SAME = {"Origin": "http://localhost"}  # the test client's host
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
CSV = "ref,name,kinds\nX-1,Cross Site,customer\n"


@pytest.fixture(scope="module")
def strict(database_url, app):
    return strict_app(database_url)


@pytest.fixture
def browser(strict):
    """A manager logged in through the login form: the session cookie authenticates."""
    client = strict.test_client()
    assert logged_in(form_login(client, MANAGER))
    return client


def _count(run, model) -> int:
    return run(lambda s: s.scalar(select(func.count()).select_from(model)))


def _partner(run) -> int:
    def make(session):
        p = Partner(name="Acme", is_customer=True)
        session.add(p)
        session.flush()
        return p.id

    return run(make)


def _upload(client, pid, headers):
    return client.post(
        f"/api/v1/attachment/ptn_partner/{pid}",
        data={"file": (io.BytesIO(PDF), "a.pdf")},
        content_type="multipart/form-data",
        headers=headers,
    )


def _import(client, headers):
    return client.post(
        "/api/v1/csv/import/partners",
        data={"file": (io.BytesIO(CSV.encode()), "p.csv")},
        content_type="multipart/form-data",
        headers=headers,
    )


def test_file_upload_from_a_foreign_origin_is_refused(browser, run):
    pid = _partner(run)
    r = _upload(browser, pid, EVIL)
    assert r.status_code == 403
    assert "X-CSRFToken" in r.json["message"]
    assert _count(run, Attachment) == 0
    # without any Origin or Referer (an old browser, a stripped header): the token decides
    assert _upload(browser, pid, {}).status_code == 403
    assert _upload(browser, pid, {"Origin": "null"}).status_code == 403
    assert _count(run, Attachment) == 0


def test_csv_import_from_a_foreign_origin_is_refused(browser, run):
    r = _import(browser, {**EVIL, "Referer": "http://localhost/exports/"})
    assert r.status_code == 403
    assert _count(run, Partner) == 0


def test_repair_transition_from_a_foreign_origin_is_refused(strict, browser, run):
    world = run(lambda s: make_world(s, sale=date.today() - timedelta(days=100)))
    tech = run(lambda s: user_id(s, "Technician"))
    bearer = ApiClient(strict, MANAGER)
    r = bearer.post(
        "/api/v1/repair_order/",
        json={"unit": world["unit"], "reported_defect": "Noise", "technician": tech},
    )
    assert r.status_code == 201, r.json
    rid = r.json["id"]
    r = browser.post(f"/api/v1/repair_order/{rid}/receive", json={}, headers=EVIL)
    assert r.status_code == 403
    assert run(lambda s: s.get(RepairOrder, rid).state) == "draft"
    # the same step from the app's own page goes through
    r = browser.post(f"/api/v1/repair_order/{rid}/receive", json={}, headers=SAME)
    assert r.status_code == 200, r.json
    assert run(lambda s: s.get(RepairOrder, rid).state) == "received"


def test_same_origin_or_the_token_is_accepted(browser, run):
    pid = _partner(run)
    assert _upload(browser, pid, SAME).status_code == 201
    referer_only = {"Referer": f"http://localhost/partnerview/show/{pid}"}
    assert _upload(browser, pid, referer_only).status_code == 201
    token = csrf_token(browser, "/")  # what aftersales.js sends from any page
    assert _upload(browser, pid, {**EVIL, "X-CSRFToken": token}).status_code == 201
    assert _upload(browser, pid, {"X-CSRFToken": "forged"}).status_code == 403
    assert _count(run, Attachment) == 3


def test_bearer_token_requests_are_not_concerned(strict, run):
    pid = _partner(run)
    api = ApiClient(strict, MANAGER)
    assert _upload(api, pid, EVIL).status_code == 201
    assert _import(api, EVIL).status_code == 200


def test_without_a_login_the_api_still_answers_401(strict, run):
    pid = _partner(run)
    assert _upload(strict.test_client(), pid, EVIL).status_code == 401


def test_pages_carry_the_token_for_their_scripts(browser):
    page = browser.get("/partnerview/list/").data.decode()
    assert '<meta name="csrf-token" content="' in page
    assert "js/aftersales.js" in page
    script = browser.get("/static/js/aftersales.js").data.decode()
    assert "X-CSRFToken" in script
