"""Module ordering and the start-up errors a wrong module set produces."""

from __future__ import annotations

from pathlib import Path

import pytest

from app.registry import ModuleError, ModuleManifest, discover, order


def _m(name, *depends):
    return ModuleManifest(name=name, version="1", summary=name, depends=depends)


def test_dependencies_come_first():
    mods = {m.name: m for m in (_m("c", "b"), _m("b", "a"), _m("a"))}
    assert [m.name for m in order(mods, None)] == ["a", "b", "c"]


def test_missing_dependency_names_the_module_and_the_missing_one():
    mods = {m.name: m for m in (_m("warranty", "inventory", "partners"), _m("partners"))}
    with pytest.raises(ModuleError) as err:
        order(mods, ["warranty", "partners"])
    assert "'warranty' depends on 'inventory'" in str(err.value)
    assert "install it" in str(err.value)


def test_dependency_available_but_not_selected():
    mods = {m.name: m for m in (_m("b", "a"), _m("a"))}
    with pytest.raises(ModuleError, match="'b' depends on 'a'.*AFTERSALES_MODULES"):
        order(mods, ["b"])


def test_cycle_is_reported_with_its_path():
    mods = {m.name: m for m in (_m("a", "b"), _m("b", "a"))}
    with pytest.raises(ModuleError, match="cyclic module dependency: .*a.*b"):
        order(mods, None)


def test_unknown_module_name():
    with pytest.raises(ModuleError, match="unknown module.*nosuch"):
        order({"a": _m("a")}, ["a", "nosuch"])


def test_builtin_modules_are_discovered():
    found = discover()
    assert "partners" in found
    assert found["partners"].package == "modules.partners"


def test_app_refuses_to_start_with_a_missing_dependency(tmp_path, monkeypatch):
    from app import create_app

    monkeypatch.syspath_prepend(str(Path(__file__).parent / "ext_pkg"))
    cfg = {"TESTING": True, "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path}/x.db"}
    with pytest.raises(ModuleError) as err:
        create_app(cfg, modules=["ext_notes"])
    assert str(err.value).startswith(
        "module 'ext_notes' depends on 'partners', which is not loaded"
    )


def test_app_refuses_an_unknown_module(tmp_path):
    from app import create_app

    cfg = {"TESTING": True, "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path}/x.db"}
    with pytest.raises(ModuleError, match="unknown module"):
        create_app(cfg, modules=["partners", "nosuch"])
