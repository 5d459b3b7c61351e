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


def _text(value):
    """A message's id or translation; plural forms as a tuple (a .mo gives lists)."""
    return tuple(value) if isinstance(value, list | tuple) else value


def _key(message):
    return message.context, _text(message.id)


@pytest.mark.parametrize("lang", ("en", *LANGS))
def test_compiled_catalog_matches_its_source(lang):
    base = i18n.TRANSLATIONS / lang / "LC_MESSAGES"
    with (base / "messages.po").open("rb") as fh:
        po = {_key(m): _text(m.string) for m in read_po(fh) if m.id and m.string and not m.fuzzy}
    with (base / "messages.mo").open("rb") as fh:
        mo = {_key(m): _text(m.string) for m in read_mo(fh) if m.id}
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


@pytest.mark.parametrize(
    ("lang", "n", "expected"),
    [
        ("ru", 1, "Просрочено на 1 день"),
        ("ru", 3, "Просрочено на 3 дня"),
        ("ru", 11, "Просрочено на 11 дней"),
        ("ru", 21, "Просрочено на 21 день"),
        ("pt_BR", 1, "Atrasado em 1 dia"),
        ("pt_BR", 5, "Atrasado em 5 dias"),
        ("en", 1, "Overdue by 1 day"),
    ],
)
def test_counts_take_the_language_plural_form(app, lang, n, expected):
    from flask_babel import force_locale, ngettext

    with app.test_request_context(), force_locale(lang):
        assert ngettext("Overdue by %(num)s day", "Overdue by %(num)s days", n) == expected
