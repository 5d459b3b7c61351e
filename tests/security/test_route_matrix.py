"""Every route of every screen and API, for every role, against the policies.

The expected answer comes from the modules' declarations (`permissions.py`, through
app.security.expected_pairs); the route's permission is the one FAB checks for it
(the method's permission name, collapsed by `method_permission_name`). Each route is
called with an id that does not exist, so an allowed call answers 404 or 422 and
writes nothing, and a denied one is refused (401/403, or the login page) before any
lookup. FAB's own security screens are Admin's alone (bar a user's own account).
"""

from __future__ import annotations

import pytest

from app.security import ADMIN, BUILTIN_ROLES, expected_pairs
from tests.conftest import IS_POSTGRES, ROLE_USERS, ApiClient, ui_login

MISSING = 987_654_321

# Rights are read from FAB's tables the same way on every database; the PostgreSQL
# pass of CI keeps its time for what differs there.
pytestmark = pytest.mark.skipif(IS_POSTGRES, reason="rights do not depend on the database")
SKIP_PREFIXES = ("/static/", "/appbuilder/", "/swagger/")
SKIP_ENDPOINTS = {"static", "health"}


def _view_of(app, endpoint: str):
    blueprint = endpoint.rsplit(".", 1)[0]
    for view in app.appbuilder.baseviews:
        if view.endpoint == blueprint:
            return view
    return None


def _permission(view, method: str) -> str | None:
    """The permission FAB checks for `method` of `view`, or None (not FAB-protected)."""
    fn = getattr(view, method, None)
    name = getattr(fn, "_permission_name", None)
    if name is None:
        return None
    mapped = (view.method_permission_name or {}).get(method)
    return f"can_{mapped or name}"


def _also(view, method: str, rule, http: str) -> tuple[str, str] | None:
    """The further right a route needs (app.policy.requires). A record's files follow
    the record's own rights (the route names ptn_partner): reading them needs its
    read, adding them its write."""
    if view.class_permission_name == "Attachment" and "<table>" in rule.rule:
        return ("can_write" if http == "POST" else "can_read", "Partner")
    return getattr(getattr(view, method, None), "_requires", None)


def _url(rule) -> str:
    values = {}
    for arg, converter in rule._converters.items():
        kind = type(converter).__name__
        if kind in ("IntegerConverter", "NumberConverter") or arg in ("pk", "id"):
            values[arg] = MISSING
        elif arg == "table":
            values[arg] = "ptn_partner"
        elif arg == "filename":
            values[arg] = "missing.csv"
        else:
            values[arg] = "zz"
    return rule.build(values, append_unknown=False)[1]


def routes(app):
    """(method, url, view, permission) of every FAB-protected route of the app."""
    out = []
    for rule in app.url_map.iter_rules():
        if rule.endpoint in SKIP_ENDPOINTS or rule.rule.startswith(SKIP_PREFIXES):
            continue
        view = _view_of(app, rule.endpoint)
        if view is None:
            continue
        method_name = rule.endpoint.rsplit(".", 1)[1]
        perm = _permission(view, method_name)
        if perm is None:
            continue
        methods = sorted(rule.methods - {"HEAD", "OPTIONS"})
        http = "GET" if "GET" in methods else methods[0]
        out.append((http, _url(rule), view, perm, _also(view, method_name, rule, http)))
    return out


def _refused(response) -> bool:
    if response.status_code in (401, 403):
        return True
    return response.status_code == 302 and "/login" in response.headers.get("Location", "")


@pytest.mark.parametrize("role", BUILTIN_ROLES)
def test_every_route_answers_as_declared(app, role):
    with app.app_context():
        permissions = app.extensions["aftersales"].permissions.values()
        allowed = expected_pairs(app.appbuilder, permissions, role)
        found = routes(app)
    ui = app.test_client()
    assert ui_login(ui, ROLE_USERS[role]).status_code == 302
    api = ApiClient(app, ROLE_USERS[role])
    assert len(found) > 500, "the walk would test too little"
    wrong = []
    for http, url, view, perm, also in found:
        client = api if url.startswith("/api/") else ui
        writes = http in ("POST", "PUT", "PATCH")
        kwargs = {"json": {}} if writes and url.startswith("/api/") else {}
        response = getattr(client, http.lower())(url, **kwargs)
        assert response.status_code < 500, (role, http, url, response.data[:300])
        # a permission the view does not offer (a read-only screen's add, FAB's
        # permission lists' edit) is refused to everyone, Admin included
        offered = perm in (view.base_permissions or ())
        expected = offered and (
            role == ADMIN
            or ((perm, view.class_permission_name) in allowed and (also is None or also in allowed))
        )
        if expected == _refused(response):
            wrong.append(
                f"{http} {url}: expected {'allowed' if expected else 'denied'} "
                f"({perm} on {view.class_permission_name}), got {response.status_code}"
            )
    assert not wrong, f"{role}: {len(wrong)} wrong answers\n" + "\n".join(wrong)
