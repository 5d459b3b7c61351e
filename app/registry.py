"""The module system: discover -> validate -> order -> register.

A module is a package whose `__init__` defines `MANIFEST = ModuleManifest(...)`.
Built-in modules live in the `modules` package; any installed distribution adds
one through the entry-point group `aftersales.modules` (value: the package's
import path). Everything a module registers is named in its manifest as a
"package.module:attribute" reference (or found by convention), and imported only
when the module is actually loaded.
"""

from __future__ import annotations

import importlib
import os
import pkgutil
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from graphlib import CycleError, TopologicalSorter
from importlib.metadata import entry_points
from typing import Any

from flask_babel import lazy_gettext as _l

ENTRY_POINT_GROUP = "aftersales.modules"
BUILTIN_PACKAGE = "modules"


class ModuleError(RuntimeError):
    """The set of modules cannot be loaded; the message names the culprit."""


@dataclass(frozen=True)
class MenuEntry:
    """One menu item: a ModelView (or BaseView) with its translatable label.

    `group` puts the entry in a category shared by every module instead of the
    module's own: "settings" (configuration and reference data, in the menu of whom
    keeps it), "reports" or "me" (the user's own work, under his name). `roles` narrows
    whose menu shows the entry (None: every role that may read it); it never changes
    a right, the page stays open to whoever may read it (links, dashboard figures)."""

    view: type
    name: str  # stable key, also FAB's menu permission name
    label: Any  # lazy_gettext
    icon: str = "fa-folder"
    category: str | None = None  # defaults to the module's category
    href: str = ""
    group: str | None = None  # "settings", "reports", "me": a shared category
    roles: tuple[str, ...] | None = None  # whose menu shows it; None: all who read it


@dataclass(frozen=True)
class MenuGroup:
    """A category shared by the modules' entries of one kind."""

    category: str  # FAB's category key (also its menu permission name)
    label: Any
    icon: str


@dataclass(frozen=True)
class NavbarItem:
    """An icon with a number in the navbar (e.g. the unread notifications' bell), shown
    to those who read `resource`. `count()` runs once per page, inside the request."""

    name: str
    resource: str
    endpoint: str  # where a click goes (url_for name)
    icon: str
    label: Any  # lazy_gettext: the tooltip, with the number after it
    count: Callable[[], int]


# The shared categories; the core's own pages use the same keys (app/__init__.py).
MENU_GROUPS = {
    "reports": MenuGroup("Reports", _l("Reports"), "fa-chart-bar"),
    "settings": MenuGroup("Settings", _l("Settings"), "fa-gear"),
    "me": MenuGroup("Me", _l("My work"), "fa-user"),
}


@dataclass(frozen=True)
class ModuleManifest:
    name: str
    version: str
    summary: str
    depends: tuple[str, ...] = ()
    category: str | None = None  # menu category key
    category_label: Any = None
    category_icon: str = "fa-folder"
    # "package.module:attr" references, resolved at load time. When left as
    # None the conventional file of the module package is used if it exists.
    models: str | None = None  # a module imported for its mapped classes
    menu: str | None = None  # list[MenuEntry]
    views: str | None = None  # list of view classes without a menu item
    apis: str | None = None  # list[ModelRestApi subclasses]
    permissions: str | None = None  # app.security.ModulePermissions
    exports: str | None = None  # list[app.csvio.CsvExport]
    imports: str | None = None  # list[app.csvio.CsvImport]
    demo: str | None = None  # callable(session, size: str) -> None
    signals: str | None = None  # callable() -> None, connects handlers
    insights: str | None = None  # app.insights.Insights: KPIs, charts, notices, reports
    daily: str | None = None  # callable(session, today: date) -> dict[str, int], for cron
    search: str | None = None  # list[app.search.Searchable]: the navbar search, unit passports
    navbar: str | None = None  # list[NavbarItem]: icons with a number in the navbar
    package: str = ""  # set by discovery

    CONVENTIONS = {
        "models": "models",
        "menu": "views:MENU",
        "views": "views:VIEWS",
        "apis": "api:APIS",
        "permissions": "permissions:PERMISSIONS",
        "exports": "exports:EXPORTS",
        "imports": "exports:IMPORTS",
        "demo": "demo:load",
        "signals": "signals:connect",
        "insights": "insights:INSIGHTS",
        "daily": "jobs:daily",
        "search": "search:SEARCH",
        "navbar": "views:NAVBAR",
    }

    def migrations_dir(self) -> str | None:
        """The module's own Alembic versions folder (`<package>/migrations`), if it ships
        one: its revisions form a branch labelled with the module's name."""
        pkg = importlib.import_module(self.package)
        for base in getattr(pkg, "__path__", []):
            folder = os.path.join(base, "migrations")
            if os.path.isdir(folder):
                return folder
        return None

    def resolve(self, what: str) -> Any:
        """Import what the manifest names for `what`, or None when absent."""
        ref = getattr(self, what) or self.CONVENTIONS[what]
        mod_path, _, attr = ref.partition(":")
        if "." not in mod_path or not mod_path.startswith(self.package):
            mod_path = f"{self.package}.{mod_path}"
        try:
            mod = importlib.import_module(mod_path)
        except ModuleNotFoundError as exc:
            if getattr(self, what) is None and exc.name == mod_path:
                return None  # the conventional file does not exist: nothing to register
            raise
        if not attr:
            return mod
        if not hasattr(mod, attr):
            if getattr(self, what) is None:
                return None
            raise ModuleError(f"module {self.name!r}: {ref} does not exist")
        return getattr(mod, attr)


def _manifest_of(package: str) -> ModuleManifest:
    pkg = importlib.import_module(package)
    manifest = getattr(pkg, "MANIFEST", None)
    if not isinstance(manifest, ModuleManifest):
        raise ModuleError(f"package {package!r} has no MANIFEST = ModuleManifest(...)")
    object.__setattr__(manifest, "package", package)
    return manifest


def discover() -> dict[str, ModuleManifest]:
    """Every available module: built-in packages first, then entry points."""
    found: dict[str, ModuleManifest] = {}
    builtin = importlib.import_module(BUILTIN_PACKAGE)
    for info in pkgutil.iter_modules(builtin.__path__):
        if info.ispkg and not info.name.startswith("_"):
            manifest = _manifest_of(f"{BUILTIN_PACKAGE}.{info.name}")
            found[manifest.name] = manifest
    for ep in entry_points(group=ENTRY_POINT_GROUP):
        manifest = _manifest_of(ep.value)
        if manifest.name in found and found[manifest.name].package != manifest.package:
            raise ModuleError(
                f"module name {manifest.name!r} is used by both "
                f"{found[manifest.name].package} and {manifest.package}"
            )
        found[manifest.name] = manifest
    return found


def order(
    available: dict[str, ModuleManifest], wanted: Iterable[str] | None
) -> list[ModuleManifest]:
    """The wanted modules (all when None) in dependency order; errors are explicit."""
    names = list(available) if wanted is None else list(dict.fromkeys(wanted))
    unknown = [n for n in names if n not in available]
    if unknown:
        raise ModuleError(
            f"unknown module(s) {', '.join(sorted(unknown))}; "
            f"available: {', '.join(sorted(available))}"
        )
    graph: dict[str, tuple[str, ...]] = {}
    for name in names:
        manifest = available[name]
        missing = [d for d in manifest.depends if d not in names]
        if missing:
            raise ModuleError(
                f"module {name!r} depends on {', '.join(repr(m) for m in missing)}, "
                "which is not loaded: add it to AFTERSALES_MODULES"
                + ("" if all(m in available for m in missing) else " (or install it)")
            )
        graph[name] = manifest.depends
    try:
        ordered = list(TopologicalSorter(graph).static_order())
    except CycleError as exc:
        cycle = " -> ".join(exc.args[1])
        raise ModuleError(f"cyclic module dependency: {cycle}") from None
    return [available[n] for n in ordered]


@dataclass
class LoadedModules:
    """What the loaded modules contributed, for the core to use."""

    manifests: list[ModuleManifest] = field(default_factory=list)
    exports: dict[str, Any] = field(default_factory=dict)
    imports: dict[str, Any] = field(default_factory=dict)
    # export or import name -> its module's menu label (the Exports page groups by it)
    groups: dict[str, Any] = field(default_factory=dict)
    permissions: dict[str, Any] = field(default_factory=dict)  # module -> ModulePermissions
    demo: list[tuple[str, Callable]] = field(default_factory=list)
    views: list[Any] = field(default_factory=list)  # registered view instances
    apis: list[Any] = field(default_factory=list)
    insights: list[tuple[str, Any]] = field(default_factory=list)  # (module, Insights)
    daily: list[tuple[str, Callable]] = field(default_factory=list)  # (module, job)
    policy: Any = None  # app.policy.PolicyBook of every loaded module (and the core)
    menu: dict[str, MenuEntry] = field(default_factory=dict)  # menu item name -> entry
    navbar: list[NavbarItem] = field(default_factory=list)

    @property
    def names(self) -> list[str]:
        return [m.name for m in self.manifests]


def _add_menu_entry(appbuilder, manifest: ModuleManifest, entry: MenuEntry):
    """Register one entry in its shared category (its group's) or its module's."""
    if entry.group is not None:
        if entry.group not in MENU_GROUPS:
            raise ModuleError(
                f"module {manifest.name!r}: menu entry {entry.name!r} has an unknown group "
                f"{entry.group!r} (known: {', '.join(sorted(MENU_GROUPS))})"
            )
        group = MENU_GROUPS[entry.group]
        category, label, icon = group.category, group.label, group.icon
    else:
        category = entry.category or manifest.category or ""
        label, icon = manifest.category_label or category, manifest.category_icon
    return appbuilder.add_view(
        entry.view,
        entry.name,
        href=entry.href,
        icon=entry.icon,
        label=entry.label,
        category=category,
        category_icon=icon,
        category_label=label,
    )


def load(appbuilder, manifests: list[ModuleManifest]) -> LoadedModules:
    """Import and register each module, in order."""
    loaded = LoadedModules()
    for manifest in manifests:
        manifest.resolve("models")
        perms = manifest.resolve("permissions")
        if perms is not None:
            loaded.permissions[manifest.name] = perms
        for entry in manifest.resolve("menu") or []:
            loaded.views.append(_add_menu_entry(appbuilder, manifest, entry))
            loaded.menu[entry.name] = entry
        loaded.navbar.extend(manifest.resolve("navbar") or [])
        for view in manifest.resolve("views") or []:
            loaded.views.append(appbuilder.add_view_no_menu(view))
        for api in manifest.resolve("apis") or []:
            loaded.apis.append(appbuilder.add_api(api))
        for export in manifest.resolve("exports") or []:
            if export.name in loaded.exports:
                raise ModuleError(f"export {export.name!r} is registered twice")
            loaded.exports[export.name] = export
            loaded.groups[export.name] = manifest.category_label or manifest.name
        for imp in manifest.resolve("imports") or []:
            loaded.imports[imp.name] = imp
            loaded.groups[imp.name] = manifest.category_label or manifest.name
        demo = manifest.resolve("demo")
        if demo is not None:
            loaded.demo.append((manifest.name, demo))
        connect = manifest.resolve("signals")
        if connect is not None:
            connect()
        insights = manifest.resolve("insights")
        if insights is not None:
            loaded.insights.append((manifest.name, insights))
        daily = manifest.resolve("daily")
        if daily is not None:
            loaded.daily.append((manifest.name, daily))
        loaded.manifests.append(manifest)
    return loaded
