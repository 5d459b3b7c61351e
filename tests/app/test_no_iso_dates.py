"""Dates on a Russian or Brazilian page are written as its reader writes them: no ISO
date (2026-11-24) nor a UTC timestamp in the text of lists and record pages (form
inputs keep ISO values, as browsers want; CSV files and the API keep ISO too)."""

from __future__ import annotations

import re
from html.parser import HTMLParser

import pytest
from sqlalchemy import select

from tests.conftest import IS_POSTGRES, installed_ui

# what a page says and how it writes dates does not depend on the database: like the
# browser tests, these run once (on SQLite); CI runs both.
pytestmark = pytest.mark.skipif(IS_POSTGRES, reason="page language checked on SQLite")

ISO = re.compile(r"\b\d{4}-\d{2}-\d{2}\b")


class _Text(HTMLParser):
    """The page's visible text (scripts, styles and attribute values left out)."""

    def __init__(self) -> None:
        super().__init__()
        self.parts: list[str] = []
        self._skip = 0

    def handle_starttag(self, tag, attrs):
        if tag in ("script", "style", "textarea"):
            self._skip += 1

    def handle_endtag(self, tag):
        if tag in ("script", "style", "textarea") and self._skip:
            self._skip -= 1

    def handle_data(self, data):
        if not self._skip:
            self.parts.append(data)


def visible_text(html: str) -> str:
    reader = _Text()
    reader.feed(html)
    return " ".join(reader.parts)


def _first_ids(app) -> dict[str, int]:
    from modules.claims.models import Claim
    from modules.contracts.models import ServiceContract
    from modules.inventory.models import PurchaseOrder
    from modules.warranty.models import RepairOrder, Unit

    with app.app_context():
        from app.db import db

        out = {
            name: db.session.scalar(select(model.id).order_by(model.id))
            for name, model in (
                ("repairorderview", RepairOrder),
                ("claimview", Claim),
                ("unitview", Unit),
                ("servicecontractview", ServiceContract),
                ("purchaseorderview", PurchaseOrder),
            )
        }
        db.session.remove()
    return out


@pytest.mark.parametrize("lang", ["ru", "pt_BR"])
def test_no_iso_date_on_the_working_pages(installed_app, lang):
    client = installed_ui(installed_app, "Service Manager")
    client.get(f"/lang/{lang}")
    wrong = {}
    for view, pk in _first_ids(installed_app).items():
        for url in (f"/{view}/list/", f"/{view}/show/{pk}"):
            page = client.get(url)
            assert page.status_code == 200, url
            found = ISO.findall(visible_text(page.get_data(as_text=True)))
            if found:
                wrong[url] = found[:3]
    assert not wrong, wrong
