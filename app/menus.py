"""The navbar of the user of the request.

FAB's menu keeps the categories in the order they were registered and shows them all
in one line that wraps. Here each user gets the categories his menu shows (FAB's
`menu_access`, written by `app.security.menu_pairs`), his working ones first
(`app.security.HOME_CATEGORIES`), then the modules' in load order, then the shared
Reports and Settings, then FAB's own (Security); the "me" entries (my tasks, my
notifications, my settings...) go under his name; a category with one entry is a
plain link. The icons with a number the modules declare (`NavbarItem`, e.g. the
unread notifications) are counted once per request.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from flask import Flask, current_app, g, url_for

from app.registry import MENU_GROUPS
from app.security import BUILTIN_ROLES, HOME_CATEGORIES

ME = MENU_GROUPS["me"].category
SHARED = (MENU_GROUPS["reports"].category, MENU_GROUPS["settings"].category)
# The width the categories may take on one row at 1366 px (the brand, the search box,
# the bell, the language and the user's name take the rest), and an estimate of a
# category's width: padding, icon and caret, and its label at ~7.5 px a character.
# Above it only the working categories keep their label beside the icon (the JS of
# layout.js folds further if the row still wraps in the browser).
ROW_BUDGET = 760


def estimated_width(label: str) -> float:
    return 52 + 7.5 * len(label)


@dataclass
class NavCategory:
    item: Any  # FAB MenuItem: the category
    entries: list[Any]  # its visible children (FAB MenuItems; "-" for a divider)
    home: bool = False

    @property
    def label(self) -> str:
        single = self.single
        return str((single or self.item).label)

    @property
    def single(self) -> Any | None:
        """The only entry of a category with one: the navbar links to it directly."""
        links = [e for e in self.entries if e.name != "-"]
        return links[0] if len(links) == 1 else None


@dataclass
class NavBadge:
    name: str
    href: str
    icon: str
    label: str
    count: int


@dataclass
class Navbar:
    categories: list[NavCategory] = field(default_factory=list)
    me: list[Any] = field(default_factory=list)  # the user's own pages, under his name
    badges: list[NavBadge] = field(default_factory=list)
    compact: bool = False  # icons only for the categories that are not his work


def _visible(sm, item) -> bool:
    return bool(sm.has_access("menu_access", item.name))


def _roles_of(sm, user) -> list[str]:
    if user is None or not getattr(user, "is_authenticated", False):
        return []
    names = {r.name for r in sm.get_user_roles(user)}
    return [r for r in BUILTIN_ROLES if r in names]


def home_categories(roles: list[str]) -> list[str]:
    """The working categories of a user with these roles, in order, once each."""
    out: list[str] = []
    for role in roles:
        for name in HOME_CATEGORIES.get(role, ()):
            if name not in out:
                out.append(name)
    return out


def order_categories(categories: list[Any], homes: list[str], modules: list[str]) -> list[Any]:
    """Working categories first (in their order), the modules' next (menu order), then
    the shared ones (Reports, Settings), then the rest (FAB's Security)."""

    def key(pair):
        index, item = pair
        if item.name in homes:
            return (0, homes.index(item.name))
        if item.name in modules:
            return (1, index)
        if item.name in SHARED:
            return (2, SHARED.index(item.name))
        return (3, index)

    return [item for _i, item in sorted(enumerate(categories), key=key)]


def navbar() -> Navbar:
    """The navbar of this request's user (built once per request)."""
    cached = g.get("_as_navbar")
    if cached is not None:
        return cached
    appbuilder = current_app.appbuilder  # type: ignore[attr-defined]
    sm = appbuilder.sm
    user = getattr(g, "user", None)
    loaded = current_app.extensions.get("aftersales")
    modules = [m.category for m in getattr(loaded, "manifests", []) if m.category]
    homes = home_categories(_roles_of(sm, user))
    out = Navbar()
    for item in order_categories(appbuilder.menu.get_list(), homes, modules):
        if not item.should_render() or not _visible(sm, item):
            continue
        if item.childs:
            entries = [c for c in item.childs if c and (c.name == "-" or _visible(sm, c))]
            while entries and entries[-1].name == "-":
                entries.pop()
            if not [e for e in entries if e.name != "-"]:
                continue
        else:
            entries = [item]
        if item.name == ME:
            out.me = [e for e in entries if e.name != "-"]
            continue
        out.categories.append(NavCategory(item, entries, home=item.name in homes))
    out.compact = sum(estimated_width(c.label) for c in out.categories) > ROW_BUDGET
    out.badges = _badges(sm, user, getattr(loaded, "navbar", []))
    g._as_navbar = out
    return out


def _badges(sm, user, items) -> list[NavBadge]:
    if user is None or not getattr(user, "is_authenticated", False):
        return []
    out = []
    for item in items:
        if not sm.has_access("can_read", item.resource):
            continue
        out.append(
            NavBadge(
                name=item.name,
                href=url_for(item.endpoint),
                icon=item.icon,
                label=str(item.label),
                count=int(item.count() or 0),
            )
        )
    return out


def install(app: Flask) -> None:
    app.jinja_env.globals["aftersales_navbar"] = navbar
