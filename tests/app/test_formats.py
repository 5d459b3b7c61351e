"""Numbers and dates on screen and in documents take the reader's language; CSV keeps
ISO dates and dots."""

from __future__ import annotations

from decimal import Decimal

import pytest
from flask_babel import force_locale

from app import formats


@pytest.mark.parametrize(
    ("lang", "expected"),
    [("en", "1,234.50"), ("ru", "1\xa0234,50"), ("pt_BR", "1.234,50")],
)
def test_a_stored_number_keeps_its_decimals_in_each_language(app, lang, expected):
    with app.test_request_context(), force_locale(lang):
        assert formats.number(Decimal("1234.50")) == expected
        # a quantity (3 decimals stored) shows no needless decimals: 2 pieces, 1.5 m
        assert formats.number(Decimal("2.000")) == "2"
        assert formats.number(Decimal("1.500")) == ("1.5" if lang == "en" else "1,5")
        assert formats.number(None) == ""
        assert formats.number(42) == 42  # ids and counts are left alone


def test_list_pages_show_prices_in_the_users_language(ui, run):
    from modules.inventory.models import Part

    run(lambda s: s.add(Part(sku="P-1", name="Pump", sale_price=Decimal("1234.50"))))
    client = ui("Service Manager")
    client.get("/lang/ru")
    page = client.get("/partview/list/").get_data(as_text=True)
    assert "1\xa0234,50" in page and "1234.50" not in page
    client.get("/lang/en")
    assert "1,234.50" in client.get("/partview/list/").get_data(as_text=True)


@pytest.mark.parametrize(
    ("lang", "expected"), [("en", "12/3/26"), ("ru", "03.12.2026"), ("pt_BR", "03/12/2026")]
)
def test_a_date_is_written_as_the_readers_language_writes_it(app, lang, expected):
    from datetime import date

    with app.test_request_context(), force_locale(lang):
        assert formats.day(date(2026, 12, 3)) == expected
        assert formats.day("2026-12-03") == expected  # ISO text from an API dict
        assert formats.day(None) == ""
