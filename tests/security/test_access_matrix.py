"""Every role x every registered view and API endpoint against what permissions.py declare.

The expected answer comes from the modules' declarations (app.security), the
actual one from HTTP calls: an allowed call must not be refused (401/403 or a
redirect to the login page), a denied call must be refused. New modules are
covered as soon as they register views and APIs.
"""

from __future__ import annotations

import pytest
from flask_appbuilder import ModelView
from flask_appbuilder.api import ModelRestApi

from app.security import ADMIN, BUILTIN_ROLES, READ, WRITE, declared_pairs, expected_pairs
from tests.conftest import ROLE_USERS, ApiClient, ui_login

FAB_MODULE = "flask_appbuilder"


def _module_views(app):
    """(view, kind) for every view/API that belongs to the core or a module."""
    out = []
    for view in app.appbuilder.baseviews:
        if type(view).__module__.startswith(FAB_MODULE):
            continue
        if not getattr(view, "base_permissions", None) and not isinstance(view, ModelRestApi):
            continue  # e.g. LookupView checks access itself (tested below)
        out.append(view)
    return out


def _allowed(app, role: str, perm: str, resource: str) -> bool:
    if role == ADMIN:
        return True
    permissions = app.extensions["aftersales"].permissions.values()
    return (perm, resource) in declared_pairs(permissions, role)


def _refused(response) -> bool:
    if response.status_code in (401, 403):
        return True
    return response.status_code == 302 and "/login" in response.headers.get("Location", "")


def _calls(view):
    """(permission, method, url, kwargs) probes for one view or API."""
    if isinstance(view, ModelRestApi):
        base = f"/api/v1/{view.resource_name}/"
        return [
            (READ, "get", base, {}),
            (READ, "get", base + "_info", {}),
            (WRITE, "post", base, {"json": {}}),
        ]
    if isinstance(view, ModelView):
        calls = [(READ, "get", f"{view.route_base}/list/", {})]
        if "can_write" in view.base_permissions or not view.base_permissions:
            calls.append((WRITE, "get", f"{view.route_base}/add", {}))
        return calls
    default = getattr(view, "default_view", "index")
    return [(READ, "get", view.route_base + ("/" if default == "index" else f"/{default}"), {})]


def _perm_name(view) -> str:
    return view.class_permission_name


@pytest.mark.parametrize("role", BUILTIN_ROLES)
def test_every_view_answers_as_declared(app, role):
    client = app.test_client()
    r = ui_login(client, ROLE_USERS[role])
    assert r.status_code == 302
    api = ApiClient(app, ROLE_USERS[role])
    wrong = []
    for view in _module_views(app):
        for perm, method, url, kwargs in _calls(view):
            if isinstance(view, ModelRestApi):
                response = getattr(api, method)(url, **kwargs)
            else:
                response = getattr(client, method)(url, **kwargs)
            assert response.status_code < 500, (role, url, response.data[:300])
            if isinstance(view, ModelRestApi) and perm == WRITE and response.status_code == 405:
                continue  # the API does not offer writes at all
            expected = _allowed(app, role, perm, _perm_name(view))
            if expected == _refused(response):
                wrong.append(
                    f"{method.upper()} {url}: expected {'allowed' if expected else 'denied'} "
                    f"({perm} on {_perm_name(view)}), got {response.status_code}"
                )
    assert not wrong, f"{role}:\n" + "\n".join(wrong)


@pytest.mark.parametrize("role", BUILTIN_ROLES[1:])
def test_menu_shows_exactly_the_readable_entries(app, role):
    client = app.test_client()
    ui_login(client, ROLE_USERS[role])
    r = client.get("/api/v1/menu/")
    assert r.status_code == 200
    shown = set()
    for item in r.json["result"]:
        shown.add(item["name"])
        for child in item.get("childs", []):
            if isinstance(child, dict):  # "-" is a separator
                shown.add(child["name"])
    with app.app_context():
        permissions = app.extensions["aftersales"].permissions.values()
        expected = {
            res
            for perm, res in expected_pairs(app.appbuilder, permissions, role)
            if perm == "menu_access"
        }
    assert shown == expected


def test_every_served_resource_is_declared_by_a_module(app):
    from app.security import missing_declarations

    with app.app_context():
        missing = missing_declarations(
            app.appbuilder, app.extensions["aftersales"].permissions.values()
        )
    assert missing == []


@pytest.mark.parametrize("role", BUILTIN_ROLES)
def test_lookup_follows_read_access(app, role):
    client = app.test_client()
    ui_login(client, ROLE_USERS[role])
    for table, resource in (("ptn_partner", "Partner"),):
        r = client.get(f"/lookup/{table}/?q=a")
        allowed = _allowed(app, role, READ, resource)
        assert (r.status_code == 200) == allowed, (role, table, r.status_code)
    assert app.test_client().get("/lookup/ptn_partner/").status_code == 401


def test_the_readme_rights_table_is_generated_from_the_policies(app):
    """The README's rights, record rules and hidden fields are what the app enforces
    (regenerate with `flask aftersales rights --readme`)."""
    from app import rights

    with app.app_context():
        expected = rights.readme_block(app.extensions["aftersales"])
    assert rights.current_readme_block() == expected
