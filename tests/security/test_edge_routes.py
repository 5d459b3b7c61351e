"""Every route with an id in its URL, found by walking app.url_map: an id no key
column can hold (2**31 and up for an int4 key on PostgreSQL) does not exist (404),
never a 500; and every ModelView's actions: an unknown action, one of the wrong kind
or on a record that is not there is a 404."""

from __future__ import annotations

import re

import pytest
from flask_appbuilder.views import ModelView
from sqlalchemy import func, select
from werkzeug.routing import IntegerConverter

from tests.conftest import ApiClient
from tests.security.robustness import Failures, describe

SKIPPED_METHODS = {"HEAD", "OPTIONS"}
# FAB's generic routes, the same code for every view (their missing ids are checked
# by test_api_robustness); the others are the views' own, where a missing id is
# worth asking about with a legal value too.
GENERIC = re.compile(r"\.(show|edit|delete|action|get|put)$")
# The walk is split so that the test workers share it.
PARTS = 4


def _id_routes(app):
    """(rule, method) for every route with an `<int:...>` part or a `<pk>`, sorted."""
    for rule in sorted(app.url_map.iter_rules(), key=lambda r: r.rule):
        ints = [k for k, c in rule._converters.items() if isinstance(c, IntegerConverter)]
        if ints or "pk" in rule.arguments:
            for method in sorted(rule.methods - SKIPPED_METHODS):
                yield rule, method


def _url(rule, value) -> str:
    """The rule's path with every id part set to `value` and other parts to a name
    that exists (a table for attachments) or not (an action)."""

    def part(match):
        converter, name = match.group(1), match.group(2)
        if converter == "int" or name == "pk":
            return str(value)
        return "ptn_partner" if name == "table" else "start"

    return re.sub(r"<(?:(\w+)(?:\([^)]*\))?:)?(\w+)>", part, rule.rule)


def _call(client, method: str, url: str):
    """`client`: a Flask test client, or an ApiClient (its token sent along)."""
    kwargs = {"json": {}} if method in ("POST", "PUT", "PATCH") and "/api/" in url else {}
    if isinstance(client, ApiClient):
        return client.client.open(url, method=method, headers=client.headers, **kwargs)
    return client.open(url, method=method, **kwargs)


@pytest.mark.parametrize("part", range(PARTS))
def test_ids_no_column_can_hold_are_404_on_every_route(app, api, ui, part):
    """Every key of the app is an int4: 2**31 and up cannot be an id (PostgreSQL
    raised NumericValueOutOfRange: 500), nor can "abc" be one for a `<pk>`."""
    admin_api = api("Admin")
    admin_page = ui("Admin")
    anonymous = app.test_client()
    failures = Failures()
    routes = list(_id_routes(app))
    assert len(routes) > 200, "the walk found too few id routes"
    for i, (rule, method) in enumerate(routes):
        if i % PARTS != part:
            continue
        admin = admin_api if rule.rule.startswith("/api/") else admin_page
        checks = [(admin, "admin", 2**31), (anonymous, "anonymous", 2**63 - 1 if i % 2 else 10**30)]
        if "pk" in rule.arguments and not isinstance(rule._converters["pk"], IntegerConverter):
            checks.append((anonymous, "anonymous", "abc"))
        for client, who, value in checks:
            url = _url(rule, value)
            r = _call(client, method, url)
            if r.status_code != 404:
                failures.add(f"{method} {url} ({who}): expected 404, got {describe(r)}")
        if not GENERIC.search(rule.endpoint):
            # The largest int4: a legal id of a row that is not there.
            url = _url(rule, 2**31 - 1)
            r = _call(admin, method, url)
            if r.status_code >= 500:
                failures.add(f"{method} {url}: server error {describe(r)}")
    failures.assert_none()


def test_pks_that_are_not_whole_numbers_are_404(api, ui):
    """FAB's `<pk>` is a string: cast to an integer key it was a 500 on PostgreSQL,
    also in FAB's own user and role screens."""
    admin = api("Admin")
    page = ui("Admin")
    failures = Failures()
    for pk in ("abc", "1.5", "1e3", "0x10", "--1", " 1", "\u0661", "\u00b2"):
        for client, method, url in (
            (page, "GET", f"/users/show/{pk}"),
            (page, "GET", f"/roles/edit/{pk}"),
            (page, "POST", f"/partnerview/delete/{pk}"),
            (admin, "PUT", f"/api/v1/partner/{pk}"),
            (admin, "DELETE", f"/api/v1/partner/{pk}"),
        ):
            r = _call(client, method, url)
            if r.status_code != 404:
                failures.add(f"{method} {url}: expected 404, got {describe(r)}")
    failures.assert_none()


def test_the_routes_the_report_names(api, ui, run):
    """The four of the fresh-installation report, one by one."""
    from modules.dashboard.models import Notification

    admin = api("Admin")
    page = ui("Admin")
    assert admin.get("/api/v1/attachment/2147483648/content").status_code == 404
    assert page.get("/mynotifications/open/2147483648").status_code == 404
    assert page.get("/users/show/2147483648").status_code == 404
    r = admin.post("/api/v1/my_notification/17317577948/read")
    assert r.status_code == 404 and r.is_json
    assert run(lambda s: s.scalar(select(func.count()).select_from(Notification))) == 0


# --------------------------------------------------------------------------- actions


def _model_views(app) -> list[ModelView]:
    return [v for v in app.appbuilder.baseviews if isinstance(v, ModelView)]


def test_unknown_actions_are_404_on_every_modelview(app, ui):
    admin = ui("Admin")
    anonymous = app.test_client()
    failures = Failures()
    views = _model_views(app)
    assert views
    for view in views:
        base = view.route_base
        for who, client, method, url, data in (
            ("admin", admin, "POST", f"{base}/action/zz/1", None),
            ("admin", admin, "GET", f"{base}/action/zz/1", None),
            ("admin", admin, "POST", f"{base}/action_post", {"action": "zz", "rowid": "1"}),
            ("anonymous", anonymous, "POST", f"{base}/action/zz/1", None),
            ("anonymous", anonymous, "POST", f"{base}/action_post", {"action": "zz"}),
        ):
            r = client.open(url, method=method, data=data)
            if r.status_code != 404:
                failures.add(f"{method} {url} {data} ({who}): expected 404, got {describe(r)}")
    failures.assert_none()


def test_known_actions_on_missing_records_or_of_the_wrong_kind_are_404(app, ui, run):
    """JobDescriptionView's `publish` acts on one record (multiple=False)."""
    from modules.staff.models import JobDescription

    admin = ui("Admin")
    base = "/jobdescriptionview"
    for pk in ("987654321", "abc", "2147483648", "-1"):
        r = admin.post(f"{base}/action/publish/{pk}")
        assert r.status_code == 404, (pk, describe(r))
    r = admin.post(f"{base}/action_post", data={"action": "publish", "rowid": "1"})
    assert r.status_code == 404, describe(r)
    assert run(lambda s: s.scalar(select(func.count()).select_from(JobDescription))) == 0


def test_fab_file_downloads_of_its_own_screens_are_404(ui):
    """FAB's /download/<filename> needs UPLOAD_FOLDER (KeyError: 500); nothing has files."""
    page = ui("Admin")
    for base in ("/users", "/roles", "/partnerview"):
        assert page.get(f"{base}/download/missing.csv").status_code == 404
