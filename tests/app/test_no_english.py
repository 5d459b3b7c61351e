"""No English on a Russian page: each demo role, reading in Russian, opens every list
page its menu offers and the first record of each, and finds none of FAB's English
buttons (the delete dialog's Cancel / OK, Search, Record Count...) nor a stored code
(in_repair, quote_sent, sba...) where its label belongs. Data typed in English (the
demo's names and notes) is the data; it is not looked for."""

from __future__ import annotations

import re
import sys

import pytest

from app.demo import DEMO_USERS
from tests.app.test_no_iso_dates import visible_text
from tests.conftest import IS_POSTGRES, installed_ui

# what a page says and how it writes dates does not depend on the database: like the
# browser tests, these run once (on SQLite); CI runs both.
pytestmark = pytest.mark.skipif(IS_POSTGRES, reason="page language checked on SQLite")

# FAB's words, and ours, that a Russian page must not show in English.
ENGLISH = (
    "Cancel",
    "OK",
    "Search",
    "Add Filter",
    "Record Count",
    "Details",
    "Actions",
    "Show",
    "Edit",
    "Delete",
    "Back",
    "Save",
    "Refresh",
    "No records found",
    "True",
    "False",
    "None",
)
# Stored codes that must be shown by their labels, besides every choice's code with an
# underscore (never an English word a user typed): the forecast's method, a stock move's
# reason and document type, a repair's coverage.
CODES = ("sba", "croston", "ses", "consumption", "repair_order", "manufacturer")

# Pages where codes are the content: the Exports page documents each CSV column by the
# name it has in the file (and the values a column takes); FAB's security screens list
# permission and view names; the audit log's record page shows the changes as stored.
TECHNICAL = re.compile(
    r"^/(exports|users|roles|groups|permissions|viewmenus|permissionviews|auditlogview/show)/"
)
MENU_LINK = re.compile(r'href="(/[a-z0-9_]+/(?:list/)?)"')
FIRST_RECORD = re.compile(r'href="(/[a-z0-9_]+/show/\d+)[^"]*"')
NOT_A_PAGE = {"/logout/", "/login/", "/lang/"}


def _codes() -> set[str]:
    from app.choices import Choices
    from app.statemachine import StateMachine

    codes = set(CODES)
    for name, module in list(sys.modules.items()):
        if not name.startswith(("app.", "modules.")):
            continue
        for value in list(vars(module).values()):
            if isinstance(value, Choices):
                codes.update(c for c in value.values if "_" in c)
            elif isinstance(value, StateMachine):
                codes.update(c for c in value.states if "_" in c)
    return codes


def _pattern(words) -> re.Pattern:
    alternatives = "|".join(re.escape(w) for w in sorted(words, key=len, reverse=True))
    return re.compile(r"(?<![\w@./:-])(" + alternatives + r")(?![\w@/-])")


def _english(pattern: re.Pattern, html: str) -> list[str]:
    return sorted(set(pattern.findall(visible_text(html))))


def test_the_login_page_has_no_english(installed_app):
    page = installed_app.test_client().get("/login/", headers={"Accept-Language": "ru"})
    assert page.status_code == 200
    assert not _english(_pattern(ENGLISH), page.get_data(as_text=True))


@pytest.mark.parametrize("role", list(DEMO_USERS))
def test_no_english_on_the_pages_of_a_russian_reader(installed_app, role):
    with installed_app.app_context():
        pattern = _pattern({*ENGLISH, *_codes()})
    client = installed_ui(installed_app, role)
    client.get("/lang/ru")
    home = client.get("/")
    assert home.status_code == 200
    found: dict[str, list[str]] = {}
    pages = ["/"] + sorted(set(MENU_LINK.findall(home.get_data(as_text=True))) - NOT_A_PAGE)
    seen = set()
    for url in pages:
        page = client.get(url)
        assert page.status_code == 200, url
        html = page.get_data(as_text=True)
        urls = [url]
        first = FIRST_RECORD.search(html)
        if first and first.group(1) not in seen:
            seen.add(first.group(1))
            record = client.get(first.group(1))
            assert record.status_code == 200, first.group(1)
            urls.append(first.group(1))
            htmls = [html, record.get_data(as_text=True)]
        else:
            htmls = [html]
        for where, text in zip(urls, htmls, strict=True):
            if TECHNICAL.match(where):
                continue
            if words := _english(pattern, text):
                found[where] = words
    assert not found, f"English or raw codes on the Russian pages of {role}: {found}"


def test_a_legal_deadline_in_a_notice_speaks_the_readers_language(app, ui, run):
    """The night's run speaks the installation's language; a Russian reader still reads
    the deadline's name in Russian, and its date his way."""
    from datetime import date

    from flask_appbuilder.security.sqla.models import User
    from flask_babel import lazy_gettext as _l
    from sqlalchemy import select

    from app.deadlines import CODE_LABELS
    from modules.dashboard.models import Notification
    from modules.dashboard.services.notify import notice_parts
    from tests.conftest import ROLE_USERS

    text = _l(
        "Claim %(number)s: the legal deadline “%(what)s” is on %(due)s",
        number="CL-2026-00007",
        what=CODE_LABELS["refund"],
        due=date(2026, 3, 5),
    )

    def store(session):
        uid = session.scalar(select(User.id).where(User.username == ROLE_USERS["Claims Officer"]))
        message, params = notice_parts(text)
        session.add(Notification(user_id=uid, source="t", key="k", message=message, params=params))
        # one stored before the kinds of its parameters were noted: its date is still a date
        session.add(
            Notification(
                user_id=uid,
                source="t",
                key="old",
                message="Task %(number)s “%(title)s” is due",
                params={"number": "TSK-1", "title": "2026-03-06"},
            )
        )

    run(store)
    officer = ui("Claims Officer")
    officer.get("/lang/ru")
    page = visible_text(officer.get("/mynotifications/list/").get_data(as_text=True))
    assert "Возврат денег" in page and "Refund" not in page, page
    assert "05.03.2026" in page and "06.03.2026" in page and "2026-03-0" not in page


def test_a_partners_country_is_named_in_the_readers_language(app, ui, run):
    from modules.partners.models import Partner

    def add(session):
        p = Partner(name="Loja Azul", is_customer=True, country="BR")
        session.add(p)
        session.flush()
        return p.id

    pk = run(add)
    manager = ui("Service Manager")
    manager.get("/lang/ru")
    page = visible_text(manager.get(f"/partnerview/show/{pk}").get_data(as_text=True))
    assert "Бразилия" in page and " BR " not in f" {page} ", page
