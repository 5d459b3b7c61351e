"""Menus, lookups and the README's rights table against the policies (every route of
every screen and API is walked in test_route_matrix.py)."""

from __future__ import annotations

import pytest

from app.security import ADMIN, BUILTIN_ROLES, READ, declared_pairs, expected_pairs
from tests.conftest import ROLE_USERS, ui_login


def _allowed(app, role: str, perm: str, resource: str) -> bool:
    if role == ADMIN:
        return True
    permissions = app.extensions["aftersales"].permissions.values()
    return (perm, resource) in declared_pairs(permissions, role)


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
    # a table that declares no lookup field has no lookup (it was a 500)
    assert client.get("/lookup/core_calendar_day/?q=").status_code == 404


def test_the_readme_rights_table_is_generated_from_the_policies(app):
    """The README's rights, record rules and hidden fields are what the app enforces
    (regenerate with `flask aftersales rights --readme`)."""
    from app import rights

    with app.app_context():
        expected = rights.readme_block(app.extensions["aftersales"])
    assert rights.current_readme_block() == expected
