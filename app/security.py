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
    # the API description documents what exists; every call is still checked
    ("can_get", "OpenApi"),
    ("can_show", "SwaggerView"),
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
    "work": "write",
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
    """Who may read and who may write one resource (plus named extra permissions).

    why: one line for the rights table of the README; lend: whether a deputy holds
    these rights of the colleague he stands in for (business work: yes; the audit
    log and security: no)."""

    resource: str
    read: tuple[str, ...] = ()
    write: tuple[str, ...] = ()
    extra: dict[str, tuple[str, ...]] = field(default_factory=dict)
    why: str = ""
    lend: bool = True

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
    """A module's policies: rights per resource, record rules (app.policy.Rows) and
    fields hidden from some roles (app.policy.Fields)."""

    grants: tuple[Grant, ...]
    rows: tuple = ()
    fields: tuple = ()

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
        Grant(
            "AuditLog",
            read=(SERVICE_MANAGER, ACCOUNTANT),
            why="who changed what: the manager and the accountant; never lent to a deputy",
            lend=False,
        ),
        Grant(
            "CalendarDay",
            read=EVERYONE,
            write=(SERVICE_MANAGER, HR),
            why="working days count in every deadline; HR and the manager keep them",
        ),
        Grant(
            "LegalPeriod",
            read=EVERYONE,
            write=(SERVICE_MANAGER,),
            why="the legal periods are read by all; the manager adapts them to the law",
        ),
        Grant(
            "Attachment",
            read=EVERYONE,
            why="a record's files follow the record's own rights and record rules",
        ),
        Grant(
            "Exports",
            read=EVERYONE,
            why="the page lists only the exports and imports the user's rights allow",
        ),
        Grant(
            "Costs",
            read=(SERVICE_MANAGER, WAREHOUSE_CLERK, ACCOUNTANT),
            why="purchase costs, stock value and margins: only the roles that handle money",
        ),
    )
)


def declared_pairs(permissions: Iterable[ModulePermissions], role: str) -> set[tuple[str, str]]:
    out: set[tuple[str, str]] = set()
    for p in permissions:
        out |= p.pairs_for(role)
    return out


# Each role's working categories (menu category keys): first in its navbar, in this
# order; the others follow (app.menus). A key no loaded module uses is skipped.
HOME_CATEGORIES: dict[str, tuple[str, ...]] = {
    SERVICE_MANAGER: ("Warranty", "Claims", "Contracts"),
    TECHNICIAN: ("Warranty", "Contracts"),
    WAREHOUSE_CLERK: ("Inventory",),
    CLAIMS_OFFICER: ("Claims",),
    HR: ("Staff",),
    ACCOUNTANT: ("Reports",),
    VIEWER: ("Reports",),
}

# Whose menu shows the core's own pages (None: whoever may read them); a module says it
# of its entries with `MenuEntry.roles`. A technician has nothing to export.
CORE_MENU_ROLES: dict[str, tuple[str, ...]] = {
    "Exports": (SERVICE_MANAGER, WAREHOUSE_CLERK, CLAIMS_OFFICER, HR, ACCOUNTANT, VIEWER),
}

SETTINGS_CATEGORY = "Settings"


def _in_menu_of(item, category, granted, roles, entries, grants) -> bool:
    """Whether the menu of a role (or of a deputy holding `roles`' work) shows `item`:
    the role reads its page; the entry is meant for one of the roles (MenuEntry.roles);
    a settings page is shown to whom keeps it (writes it), or, when nobody writes it
    (a log), to whom reads it."""
    view = item.baseview
    resource = getattr(view, "class_permission_name", None) if view is not None else None
    if resource is None or (READ, resource) not in granted:
        return False
    entry = entries.get(item.name)
    audience = entry.roles if entry is not None else CORE_MENU_ROLES.get(item.name)
    if roles is not None and audience is not None and not set(roles) & set(audience):
        return False
    is_setting = (entry.group == "settings") if entry is not None else False
    if is_setting or (category is not None and category.name == SETTINGS_CATEGORY):
        grant = grants.get(resource)
        kept = grant is not None and bool(grant.write)
        return not kept or (WRITE, resource) in granted
    return True


def menu_pairs(
    appbuilder, granted: set[tuple[str, str]], roles: Iterable[str] | None = None
) -> set[tuple[str, str]]:
    """Menu items (and their categories) in the menu of `roles` (every item it may read
    when None): see `_in_menu_of`."""
    from flask import current_app

    loaded = current_app.extensions.get("aftersales")
    entries = getattr(loaded, "menu", None) or {}
    book = getattr(loaded, "policy", None)
    grants = book.grants if book is not None else {}
    roles = None if roles is None else tuple(roles)
    out = set()
    for category in appbuilder.menu.get_list():
        children = category.childs or []
        for item in children or [category]:
            parent = category if children else None
            if _in_menu_of(item, parent, granted, roles, entries, grants):
                out.add(("menu_access", item.name))
                if children:
                    out.add(("menu_access", category.name))
    return out


def expected_pairs(appbuilder, permissions: Iterable[ModulePermissions], role: str):
    granted = declared_pairs(permissions, role) | set(SELF_SERVICE)
    return granted | menu_pairs(appbuilder, granted, (role,))


def sync_roles(appbuilder, permissions: Iterable[ModulePermissions]) -> dict[str, int]:
    """Write the built-in roles; returns the number of pairs per role.

    Every declared (permission, resource) pair is created first and the Admin role is
    written last, with every pair that then exists: one run leaves Admin complete,
    whatever order the modules come in, and a second run changes nothing."""
    sm = appbuilder.sm
    permissions = list(permissions)
    wanted = {
        role: sorted(expected_pairs(appbuilder, permissions, role)) for role in BUILTIN_ROLES[1:]
    }
    pvs: dict[tuple[str, str], object] = {}
    for pair in sorted({pair for pairs in wanted.values() for pair in pairs}):
        pvs[pair] = sm.add_permission_view_menu(*pair)
    counts: dict[str, int] = {}
    for role_name in (*BUILTIN_ROLES[1:], ADMIN):
        role = sm.find_role(role_name) or sm.add_role(role_name)
        if role_name == ADMIN:
            granted = list(sm.session.query(sm.permissionview_model).all())
        else:
            granted = [pvs[pair] for pair in wanted[role_name] if pvs[pair] is not None]
        if {p.id for p in role.permissions} != {p.id for p in granted}:
            role.permissions = granted
        counts[role_name] = len(granted)
    sm.session.commit()
    return {r: counts[r] for r in BUILTIN_ROLES}


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


# Providers of delegated work: f(session, user_id, on) -> ids of the users whose
# business work `user_id` holds on that day (e.g. staff: the colleagues he deputises
# for during their absence). Modules register one with `register_delegation`.
DELEGATIONS: list = []


def register_delegation(provider) -> None:
    if provider not in DELEGATIONS:
        DELEGATIONS.append(provider)


class AppSecurityManager(AuthMixin, SecurityManager):
    """FAB's security manager, less the user statistics chart (it loads Google's
    chart library from the internet, and the app must work offline), with the
    permissions of a request read once, and with deputies.

    A deputy holds, during the absence, the business rights of the colleague he
    stands in for: the pairs of the colleague's roles on the resources whose policy
    lends them (`Grant.lend`), never the Admin role, FAB's security screens or the
    audit log. His own roles stay his own (`get_user_roles`)."""

    userstatschartview = None

    # ---------------------------------------------------------------- deputies

    def acting_for(self, user) -> set[int]:
        """The user and the colleagues whose work he holds today (cached per request)."""
        if user is None or not getattr(user, "is_authenticated", False):
            return set()
        if not has_request_context():
            return self._acting_for(user.id)
        cache = g.setdefault("_as_acting_for", {})
        if user.id not in cache:
            cache[user.id] = self._acting_for(user.id)
        return cache[user.id]

    def _acting_for(self, user_id: int) -> set[int]:
        from datetime import date

        out = {user_id}
        for provider in DELEGATIONS:
            out |= set(provider(self.session, user_id, date.today()))
        return out

    def lent_pairs(self, user) -> frozenset[tuple[str, str]]:
        """The (permission, resource) pairs lent to `user` as a deputy today."""
        others = self.acting_for(user) - {getattr(user, "id", None)}
        if not others:
            return frozenset()
        cache = g.setdefault("_as_lent_pairs", {}) if has_request_context() else {}
        if user.id in cache:
            return cache[user.id]
        from flask import current_app

        grants = current_app.extensions["aftersales"].policy.grants
        lendable = {res for res, grant in grants.items() if grant.lend}
        role_ids, role_names = set(), set()
        for other_id in sorted(others):
            other = self.get_user_by_id(other_id)
            if other is not None and other.is_active:
                role_ids |= {r.id for r in other.roles if r.name != ADMIN}
                role_names |= {r.name for r in other.roles if r.name != ADMIN}
        pairs = {(perm, res) for perm, res in self._role_pairs(role_ids) if res in lendable}
        pairs |= menu_pairs(self.appbuilder, pairs, role_names)
        cache[user.id] = frozenset(pairs)
        return cache[user.id]

    def permission_pairs(self, user) -> set[tuple[str, str]]:
        """Every (permission, resource) the user holds: his roles' and the lent ones."""
        own = self._role_pairs({r.id for r in self.get_user_roles(user)})
        return set(own) | set(self.lent_pairs(user))

    def _has_view_access(self, user, permission_name: str, view_name: str) -> bool:
        if super()._has_view_access(user, permission_name, view_name):
            return True
        return (permission_name, view_name) in self.lent_pairs(user)

    def _get_user_permission_view_menus(self, user, permission_name, view_menus_name):
        found = super()._get_user_permission_view_menus(user, permission_name, view_menus_name)
        if user is None or not getattr(user, "is_authenticated", False):
            return found
        lent = {res for perm, res in self.lent_pairs(user) if perm == permission_name}
        if view_menus_name is not None:
            lent &= set(view_menus_name)
        return set(found) | lent

    # ---------------------------------------------------------------- one read per request

    def _role_pairs(self, role_ids) -> frozenset[tuple[str, str]]:
        key = tuple(sorted(role_ids))
        cache = g.setdefault("_as_role_permissions", {}) if has_request_context() else {}
        if key not in cache:
            pv, perm, vm = self.permissionview_model, self.permission_model, self.viewmenu_model
            link = assoc_permissionview_role
            rows = (
                (
                    self.session.query(perm.name, vm.name)
                    .select_from(pv)
                    .join(link, pv.id == link.c.permission_view_id)
                    .join(perm, pv.permission_id == perm.id)
                    .join(vm, pv.view_menu_id == vm.id)
                    .filter(link.c.role_id.in_(key))
                    .all()
                )
                if key
                else []
            )
            cache[key] = frozenset((p, v) for p, v in rows)
        return cache[key]

    def exist_permission_on_roles(self, view_name: str, permission_name: str, role_ids) -> bool:
        """FAB asks the database once per check, and a page checks once per menu entry
        (about a hundred queries); here the roles' permissions are read once per request."""
        if not has_request_context():
            return super().exist_permission_on_roles(view_name, permission_name, role_ids)
        return (permission_name, view_name) in self._role_pairs(role_ids)
