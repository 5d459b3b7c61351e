"""No business rule in a screen's or an API's hook: views and APIs set `rules = ...`
(app.rules) and every door calls that one object."""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
HOOKS = {"pre_add", "pre_update", "pre_delete", "post_add", "post_update", "post_delete"}
# modules whose screens and APIs still hold rules in hooks (Trust II moves them out)
PENDING: set[str] = set()


def _hooks(module: str) -> list[str]:
    found = []
    for path in sorted((ROOT / "modules" / module).glob("*.py")):
        if not path.name.startswith(("views", "api")):
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.FunctionDef) and node.name in HOOKS:
                found.append(f"{path.relative_to(ROOT)}:{node.lineno} {node.name}")
    return found


def test_screens_and_apis_hold_no_rule_hooks():
    modules = sorted(p.name for p in (ROOT / "modules").iterdir() if (p / "__init__.py").exists())
    offending = {m: _hooks(m) for m in modules if m not in PENDING}
    assert not any(offending.values()), offending
    done = [m for m in PENDING if not _hooks(m)]
    assert not done, f"take {done} off PENDING: their hooks are gone"
