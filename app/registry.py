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

ENTRY_POINT_GROUP = "aftersales.modules"
BUILTIN_PACKAGE = "modules"


class ModuleError(RuntimeError):
    """The set of modules cannot be loaded; the message names the culprit."""


@dataclass(frozen=True)
class MenuEntry:
    """One menu item: a ModelView (or BaseView) with its translatable label."""

    view: type
    name: str  # stable key, also FAB's menu permission name
    label: Any  # lazy_gettext
    icon: str = "fa-folder"
    category: str | None = None  # defaults to the module's category
    href: str = ""


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

    @property
    def names(self) -> list[str]:
        return [m.name for m in self.manifests]


def load(appbuilder, manifests: list[ModuleManifest]) -> LoadedModules:
    """Import and register each module, in order."""
    loaded = LoadedModules()
    for manifest in manifests:
        manifest.resolve("models")
        perms = manifest.resolve("permissions")
        if perms is not None:
            loaded.permissions[manifest.name] = perms
        for entry in manifest.resolve("menu") or []:
            category = entry.category or manifest.category
            loaded.views.append(
                appbuilder.add_view(
                    entry.view,
                    entry.name,
                    href=entry.href,
                    icon=entry.icon,
                    label=entry.label,
                    category=category or "",
                    category_icon=manifest.category_icon,
                    category_label=manifest.category_label or category or "",
                )
            )
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
