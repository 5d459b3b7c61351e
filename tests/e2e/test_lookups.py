"""Browser test of the lookups (issue #15 item 3): an opened lookup takes the typing at
once, a letter typed on a closed one opens it, Enter picks the first option (also
pressed straight after the typing), Tab moves on; the unit lookup offers the chosen
customer's units and a unit picked first fills in its customer; options tell two
customers with one name apart. Screenshots lookup-{en,ru,pt_BR}.png."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from tests.conftest import ROLE_USERS
from tests.e2e.conftest import SKIP_REASON, login

if SKIP_REASON:
    pytest.skip(SKIP_REASON, allow_module_level=True)

pytestmark = [pytest.mark.e2e, pytest.mark.usefixtures("demo_data")]

OFFICER = ROLE_USERS["Claims Officer"]

FOCUSED_SEARCH = (
    "() => { const a = document.activeElement;"
    " return a && a.classList.contains('select2-search__field') ? a.value : null; }"
)
FOCUSED_IN = (
    "(id) => { const c = document.querySelector('select#' + id + ' + .select2-container');"
    " return !!c && c.contains(document.activeElement); }"
)


def _selection(page, field: str):
    return page.locator(f"select#{field} + .select2-container .select2-selection")


def _a_unit_of_a_customer_with_a_name_of_his_own(run) -> tuple[int, str, int, str]:
    """(customer id, name, unit id, serial): a customer no one else is named like."""
    from modules.partners.models import Partner
    from modules.warranty.models import Unit

    def find(s):
        unique = (
            select(Partner.name).group_by(Partner.name).having(func.count(Partner.id) == 1)
        ).subquery()
        return tuple(
            s.execute(
                select(Partner.id, Partner.name, Unit.id, Unit.serial_number)
                .join(Unit, Unit.customer_id == Partner.id)
                .where(Partner.name.in_(select(unique.c.name)), Unit.active.is_(True))
                .order_by(Unit.id)
            ).first()
        )

    return run(find)


def test_every_lookup_takes_the_typing_as_soon_as_it_opens(new_page, watch):
    page = new_page()
    login(page, ROLE_USERS["Admin"])
    seen = 0
    for url in ("/claimview/add", "/repairorderview/add"):
        page.goto(url)
        ids = page.eval_on_selector_all("select.as-lookup", "els => els.map(e => e.id)")
        assert len(ids) >= 3, (url, ids)
        for field in ids:
            _selection(page, field).click()
            page.keyboard.type("zq")
            assert page.evaluate(FOCUSED_SEARCH) == "zq", f"{url} {field}: typing went nowhere"
            page.keyboard.press("Escape")
            seen += 1
    assert seen >= 6
    watch.check()


def test_a_claim_filled_in_with_the_keyboard(new_page, watch, run):
    customer_id, name, unit_id, serial = _a_unit_of_a_customer_with_a_name_of_his_own(run)
    page = new_page()
    login(page, OFFICER)
    page.goto("/claimview/add")
    # click, type at once, Enter at once: the first option of what was typed
    _selection(page, "customer").click()
    page.keyboard.type(name)
    page.keyboard.press("Enter")
    page.wait_for_function(
        "(v) => document.querySelector('select#customer').value === v", arg=str(customer_id)
    )
    # Tab moves on to the unit; a letter typed there opens it, offering his units only
    page.keyboard.press("Tab")
    assert page.evaluate(FOCUSED_IN, "unit"), "Tab did not move on to the unit"
    page.keyboard.type(serial)
    assert page.evaluate(FOCUSED_SEARCH) == serial
    page.keyboard.press("Enter")
    page.wait_for_function(
        "(v) => document.querySelector('select#unit').value === v", arg=str(unit_id)
    )
    assert serial in page.locator("#select2-unit-container").inner_text()
    # the unit lookup, opened empty, offers only this customer's units
    _selection(page, "unit").click()
    options = page.locator(".select2-results__option:not(.loading-results)")
    options.first.wait_for()
    page.wait_for_function(
        "() => !document.querySelector('.select2-results__option.loading-results')"
    )
    texts = options.all_inner_texts()
    assert texts and all(name in t for t in texts), texts
    # Tab on an open lookup closes it and moves on
    page.keyboard.press("Tab")
    assert page.locator(".select2-container--open").count() == 0
    assert not page.evaluate(FOCUSED_IN, "unit")
    assert page.evaluate("() => document.activeElement !== document.body")
    watch.check()


def test_a_unit_picked_first_brings_its_customer(new_page, watch, run):
    customer_id, name, unit_id, serial = _a_unit_of_a_customer_with_a_name_of_his_own(run)
    page = new_page()
    login(page, ROLE_USERS["Service Manager"])
    for url in ("/claimview/add", "/repairorderview/add"):
        page.goto(url)
        _selection(page, "unit").click()
        page.keyboard.type(serial)
        page.keyboard.press("Enter")
        page.wait_for_function(
            "(v) => document.querySelector('select#customer').value === v", arg=str(customer_id)
        )
        assert page.input_value("select#unit") == str(unit_id)
        assert name in page.locator("#select2-customer-container").inner_text(), url
    watch.check()


def test_the_claim_form_names_its_user_as_officer(new_page, watch):
    page = new_page()
    login(page, OFFICER)
    page.goto("/claimview/add")
    assert f"({OFFICER})" in page.locator("#select2-officer-container").inner_text()
    watch.check()


@pytest.mark.parametrize("lang", ["en", "ru", "pt_BR"])
def test_options_tell_customers_apart_screenshot(new_page, watch, artifacts, run, lang):
    from modules.partners.models import Partner

    # a name several customers share if there is one, else the most common first name
    def common(s):
        row = s.execute(
            select(Partner.name)
            .where(Partner.is_customer.is_(True))
            .group_by(Partner.name)
            .order_by(func.count(Partner.id).desc(), Partner.name)
        ).first()
        return row[0]

    name = run(common)
    page = new_page()
    login(page, OFFICER)
    page.goto(f"/lang/{lang}")
    page.goto("/claimview/add")
    _selection(page, "customer").click()
    page.keyboard.type(name.split()[0])
    option = page.locator(".select2-results__option", has_text=" — ")
    option.first.wait_for()
    texts = page.locator(".select2-results__option").all_inner_texts()
    assert len(set(texts)) == len(texts), texts  # no two options read the same
    page.screenshot(path=artifacts / f"lookup-{lang}.png", full_page=False)
    watch.check()
