"""The catalogs are complete, current and compiled, and the UI speaks them."""

from __future__ import annotations

import pytest
from babel.messages.mofile import read_mo
from babel.messages.pofile import read_po

from app import i18n

LANGS = ("pt_BR", "ru")


def test_template_holds_every_string_of_the_code(tmp_path):
    fresh = i18n.extract(tmp_path / "fresh.pot")
    with i18n.POT.open("rb") as fh:
        committed = read_po(fh)
    missing = sorted({m.id for m in fresh if m.id} - {m.id for m in committed if m.id})
    assert missing == [], "run `flask aftersales babel-extract` and `babel-update`"


@pytest.mark.parametrize("lang", LANGS)
def test_catalog_is_complete(lang):
    with i18n.POT.open("rb") as fh:
        template = {m.id for m in read_po(fh) if m.id}
    path = i18n.TRANSLATIONS / lang / "LC_MESSAGES" / "messages.po"
    with path.open("rb") as fh:
        catalog = {m.id for m in read_po(fh) if m.id}
    assert template - catalog == set(), "run `flask aftersales babel-update`"
    problems = i18n.problems(lang)
    assert problems == [], f"{len(problems)} problems in {lang}:\n" + "\n".join(problems[:40])


@pytest.mark.parametrize("lang", ("en", *LANGS))
def test_compiled_catalog_matches_its_source(lang):
    base = i18n.TRANSLATIONS / lang / "LC_MESSAGES"
    with (base / "messages.po").open("rb") as fh:
        po = {m.id: m.string for m in read_po(fh) if m.id and m.string and not m.fuzzy}
    with (base / "messages.mo").open("rb") as fh:
        mo = {m.id: m.string for m in read_mo(fh) if m.id}
    assert po == mo, "run `flask aftersales babel-compile`"


@pytest.mark.parametrize("lang", LANGS)
def test_menu_and_fab_screens_are_translated(ui, lang):
    path = i18n.TRANSLATIONS / lang / "LC_MESSAGES" / "messages.po"
    with path.open("rb") as fh:
        catalog = read_po(fh)
    client = ui("Service Manager")
    client.get(f"/lang/{lang}")
    page = client.get("/partnerview/list/").data.decode()
    for msgid in ("Partners", "Exports", "Audit log"):
        translated = catalog.get(msgid).string
        assert translated and translated != msgid
        assert translated in page, (lang, msgid, translated)
