"""A module imports only `app` and the modules it names in `depends`."""

from __future__ import annotations

import ast
from pathlib import Path

from app.registry import discover

MODULES = Path(__file__).resolve().parents[2] / "modules"


def _imported_modules(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    out = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names = [a.name for a in node.names]
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            names = [node.module]
        else:
            continue
        for name in names:
            parts = name.split(".")
            if parts[0] == "modules" and len(parts) > 1:
                out.add(parts[1])
    return out


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
    bad.write_text("from modules.warranty.services import x\nimport modules.claims\n")
    assert _imported_modules(bad) == {"warranty", "claims"}


def test_the_core_imports_no_module():
    core = Path(__file__).resolve().parents[2] / "app"
    offenders = [str(p) for p in core.rglob("*.py") if _imported_modules(p)]
    assert offenders == []
