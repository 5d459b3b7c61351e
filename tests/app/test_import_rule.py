"""A module imports only `app` and the modules it names in `depends`."""

from __future__ import annotations

import ast
from pathlib import Path

from app.registry import discover

MODULES = Path(__file__).resolve().parents[2] / "modules"


def _imported_modules(path: Path, root: Path = MODULES.parent) -> set[str]:
    """Modules (under `modules.`) the file imports: `import modules.x`, `from modules.x
    import`, `from modules import x`, relative imports that leave the file's own module
    (`from ..x import`), and `importlib.import_module("modules.x...")`."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    own = _own_package(path, root)
    out = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names = [a.name for a in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                base = _resolve_relative(own, node.level, base)
            names = [base] if base != "modules" else [f"modules.{a.name}" for a in node.names]
        elif isinstance(node, ast.Call) and _is_import_module(node.func) and node.args:
            arg = node.args[0]
            names = (
                [arg.value] if isinstance(arg, ast.Constant) and isinstance(arg.value, str) else []
            )
        else:
            continue
        for name in names:
            parts = name.split(".")
            if parts[0] == "modules" and len(parts) > 1:
                out.add(parts[1])
    return out


def _own_package(path: Path, root: Path) -> list[str]:
    """The dotted package a file lives in, e.g. ["modules", "claims", "services"]."""
    path = path.resolve()
    return list(path.relative_to(root.resolve()).parent.parts) if path.is_relative_to(root) else []


def _resolve_relative(package: list[str], level: int, module: str) -> str:
    base = package[: len(package) - (level - 1)] if level > 1 else package
    return ".".join([*base, *([module] if module else [])])


def _is_import_module(func) -> bool:
    return (isinstance(func, ast.Attribute) and func.attr == "import_module") or (
        isinstance(func, ast.Name) and func.id == "import_module"
    )


def violations() -> list[str]:
    manifests = discover()
    out = []
    for manifest in manifests.values():
        if not manifest.package.startswith("modules."):
            continue
        folder = MODULES / manifest.package.split(".", 1)[1]
        allowed = {folder.name, *manifest.depends}
        for path in folder.rglob("*.py"):
            for used in _imported_modules(path) - allowed:
                out.append(f"{path.relative_to(MODULES.parent)} imports modules.{used}")
    return out


def test_modules_import_only_their_dependencies():
    assert violations() == []


def test_the_rule_catches_a_forbidden_import(tmp_path, monkeypatch):
    bad = tmp_path / "bad.py"
    bad.write_text(
        "from modules.warranty.services import x\n"
        "import modules.claims\n"
        "from modules import contracts\n"
        "import importlib\n"
        "importlib.import_module('modules.staff.services')\n"
    )
    assert _imported_modules(bad) == {"warranty", "claims", "contracts", "staff"}


def test_the_rule_catches_a_relative_import_out_of_the_module(tmp_path):
    inside = tmp_path / "modules" / "partners" / "views.py"
    inside.parent.mkdir(parents=True)
    inside.write_text("from ..warranty import models\nfrom . import services\n")
    assert _imported_modules(inside, tmp_path) == {"warranty", "partners"}


def test_the_core_imports_no_module():
    core = Path(__file__).resolve().parents[2] / "app"
    offenders = [str(p) for p in core.rglob("*.py") if _imported_modules(p)]
    assert offenders == []
