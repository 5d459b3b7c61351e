"""Roles assembled from every module's `permissions.py`, and the security manager.

Each view and API of a resource shares one FAB permission resource (its
`class_permission_name`) with two permissions, `can_read` and `can_write`
(write implies read). A module declares who gets which in `PERMISSIONS`, a
`ModulePermissions`; `sync_roles()` turns the declarations of the loaded
modules into exactly those (permission, resource) pairs on the built-in roles,
plus the menu entries each role can then open. Roles an installation adds are
left alone.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field

from flask import g, has_request_context
from flask_appbuilder.security.sqla.manager import SecurityManager
from flask_appbuilder.security.sqla.models import assoc_permissionview_role

from app.auth import AuthMixin

ADMIN = "Admin"
SERVICE_MANAGER = "Service Manager"
TECHNICIAN = "Technician"
WAREHOUSE_CLERK = "Warehouse Clerk"
CLAIMS_OFFICER = "Claims Officer"
HR = "HR"
ACCOUNTANT = "Accountant"
VIEWER = "Viewer"

BUILTIN_ROLES = (
    ADMIN,
    SERVICE_MANAGER,
    TECHNICIAN,
    WAREHOUSE_CLERK,
    CLAIMS_OFFICER,
    HR,
    ACCOUNTANT,
    VIEWER,
)
EVERYONE = BUILTIN_ROLES[1:]  # Admin gets everything anyway

READ = "can_read"
WRITE = "can_write"

# What any logged-in user may do with their own account.
SELF_SERVICE = (
    ("can_userinfo", "UserDBModelView"),
    ("resetmypassword", "UserDBModelView"),
    ("userinfoedit", "UserDBModelView"),
    ("can_this_form_get", "ResetMyPasswordView"),
    ("can_this_form_post", "ResetMyPasswordView"),
    ("can_this_form_get", "UserInfoEditView"),
    ("can_this_form_post", "UserInfoEditView"),
    ("can_get", "MenuApi"),  # /api/v1/menu/: the menu of the user
)

# ModelView and ModelRestApi methods collapsed to read / write.
VIEW_METHOD_PERMISSIONS = {
    "list": "read",
    "show": "read",
    "download": "read",
    "api_read": "read",
    "api_get": "read",
    "api": "read",
    "api_readvalues": "read",
    "api_column_add": "write",
    "api_column_edit": "write",
    "add": "write",
    "edit": "write",
    "delete": "write",
    "api_create": "write",
    "api_update": "write",
    "api_delete": "write",
    "action": "write",
    "action_post": "write",
    "transition": "write",
}
API_METHOD_PERMISSIONS = {
    "get": "read",
    "get_list": "read",
    "info": "read",
    "related": "read",
    "distinct": "read",
    "post": "write",
    "put": "write",
    "delete": "write",
    "transition": "write",
    "history": "read",
}


@dataclass(frozen=True)
class Grant:
    """Who may read and who may write one resource (plus named extra permissions)."""

    resource: str
    read: tuple[str, ...] = ()
    write: tuple[str, ...] = ()
    extra: dict[str, tuple[str, ...]] = field(default_factory=dict)

    def pairs_for(self, role: str) -> set[tuple[str, str]]:
        out = set()
        if role in self.read or role in self.write:
            out.add((READ, self.resource))
        if role in self.write:
            out.add((WRITE, self.resource))
        for perm, roles in self.extra.items():
            if role in roles:
                out.add((perm, self.resource))
        return out


@dataclass(frozen=True)
class ModulePermissions:
    grants: tuple[Grant, ...]

    def pairs_for(self, role: str) -> set[tuple[str, str]]:
        out: set[tuple[str, str]] = set()
        for grant in self.grants:
            out |= grant.pairs_for(role)
        return out

    def resources(self) -> set[str]:
        return {g.resource for g in self.grants}


# The core's own pages: audit log, working calendar, exports/imports page.
CORE_PERMISSIONS = ModulePermissions(
    grants=(
        Grant("AuditLog", read=(SERVICE_MANAGER, ACCOUNTANT)),
        Grant("CalendarDay", read=EVERYONE, write=(SERVICE_MANAGER, HR)),
        Grant("LegalPeriod", read=EVERYONE, write=(SERVICE_MANAGER,)),
        # the record's own screen decides who sees or changes its files
        Grant("Attachment", read=EVERYONE),
        Grant("Exports", read=EVERYONE),
    )
)


def declared_pairs(permissions: Iterable[ModulePermissions], role: str) -> set[tuple[str, str]]:
    out: set[tuple[str, str]] = set()
    for p in permissions:
        out |= p.pairs_for(role)
    return out


def menu_pairs(appbuilder, granted: set[tuple[str, str]]) -> set[tuple[str, str]]:
    """Menu items (and their categories) whose view the role can read."""
    readable = {res for perm, res in granted if perm == READ}
    out = set()
    for category in appbuilder.menu.get_list():
        children = category.childs or []
        for item in children or [category]:
            view = item.baseview
            if view is not None and getattr(view, "class_permission_name", None) in readable:
                out.add(("menu_access", item.name))
                if children:
                    out.add(("menu_access", category.name))
    return out


def expected_pairs(appbuilder, permissions: Iterable[ModulePermissions], role: str):
    granted = declared_pairs(permissions, role) | set(SELF_SERVICE)
    return granted | menu_pairs(appbuilder, granted)


def sync_roles(appbuilder, permissions: Iterable[ModulePermissions]) -> dict[str, int]:
    """Write the built-in roles; returns the number of pairs per role."""
    sm = appbuilder.sm
    permissions = list(permissions)
    counts: dict[str, int] = {}
    pv_cache: dict[tuple[str, str], object] = {}

    def pv(perm: str, res: str):
        key = (perm, res)
        if key not in pv_cache:
            pv_cache[key] = sm.add_permission_view_menu(perm, res)
        return pv_cache[key]

    for role_name in BUILTIN_ROLES:
        role = sm.find_role(role_name) or sm.add_role(role_name)
        if role_name == ADMIN:
            pvs = list(sm.session.query(sm.permissionview_model).all())
        else:
            pvs = [pv(p, r) for p, r in sorted(expected_pairs(appbuilder, permissions, role_name))]
        role.permissions = [p for p in pvs if p is not None]
        counts[role_name] = len(role.permissions)
    sm.session.commit()
    return counts


def missing_declarations(appbuilder, permissions: Iterable[ModulePermissions]) -> list[str]:
    """Resources served by a view or API that no module declares (a bug to catch)."""
    declared = set()
    for p in permissions:
        declared |= p.resources()
    fab = {"UserDBModelView", "RoleModelView", "GroupModelView", "ApiKeyModelView"}
    out = []
    for view in appbuilder.baseviews:
        name = getattr(view, "class_permission_name", None)
        module = type(view).__module__
        if module.startswith("flask_appbuilder") or name in fab or name is None:
            continue
        if not getattr(view, "base_permissions", None):
            continue  # no FAB-protected method (home page, lookups check access themselves)
        if name not in declared:
            out.append(f"{type(view).__name__} ({name})")
    return sorted(set(out))


# Providers of delegated rights: f(session, user_id, on) -> ids of the users whose
# roles `user_id` also holds on that day (e.g. staff: the colleagues he deputises
# for during their absence). Modules register one with `register_delegation`.
DELEGATIONS: list = []


def register_delegation(provider) -> None:
    if provider not in DELEGATIONS:
        DELEGATIONS.append(provider)


class AppSecurityManager(AuthMixin, SecurityManager):
    """FAB's security manager, less the user statistics chart (it loads Google's
    chart library from the internet, and the app must work offline), and with
    delegated roles: a deputy holds the roles of the colleague he stands in for,
    during the absence only."""

    userstatschartview = None

    def get_user_roles(self, user) -> list:
        roles = super().get_user_roles(user)
        if not DELEGATIONS or not getattr(user, "is_authenticated", False):
            return roles
        if not has_request_context():
            return roles
        cache = g.setdefault("_as_delegated_roles", {})
        if user.id not in cache:
            from datetime import date

            others: set[int] = set()
            for provider in DELEGATIONS:
                others |= set(provider(self.session, user.id, date.today()))
            others.discard(user.id)
            extra = []
            for other_id in sorted(others):
                other = self.get_user_by_id(other_id)
                if other is not None and other.is_active:
                    extra.extend(r for r in other.roles if r not in roles and r not in extra)
            cache[user.id] = extra
        return roles + cache[user.id]

    def exist_permission_on_roles(self, view_name: str, permission_name: str, role_ids) -> bool:
        """FAB asks the database once per check, and a page checks once per menu entry
        (about a hundred queries); here the roles' permissions are read once per request."""
        if not has_request_context():
            return super().exist_permission_on_roles(view_name, permission_name, role_ids)
        cache = g.setdefault("_as_role_permissions", {})
        key = tuple(sorted(role_ids))
        if key not in cache:
            pv, perm, vm = self.permissionview_model, self.permission_model, self.viewmenu_model
            link = assoc_permissionview_role
            rows = (
                self.session.query(perm.name, vm.name)
                .select_from(pv)
                .join(link, pv.id == link.c.permission_view_id)
                .join(perm, pv.permission_id == perm.id)
                .join(vm, pv.view_menu_id == vm.id)
                .filter(link.c.role_id.in_(key))
                .all()
            )
            cache[key] = {(p, v) for p, v in rows}
        return (permission_name, view_name) in cache[key]


def role_matrix(appbuilder, permissions) -> dict[str, set[tuple[str, str]]]:
    permissions = list(permissions)
    matrix: dict[str, set[tuple[str, str]]] = defaultdict(set)
    for role in BUILTIN_ROLES[1:]:
        matrix[role] = declared_pairs(permissions, role)
    return matrix
