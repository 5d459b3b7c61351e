"""Browser test of claims: an officer registers a claim, reads its legal deadlines, takes
it through review to an accepted answer; a customer answers the survey once, no login."""

from __future__ import annotations

import uuid

import pytest
from sqlalchemy import select

from tests.conftest import ROLE_USERS
from tests.e2e.conftest import SKIP_REASON, login

if SKIP_REASON:
    pytest.skip(SKIP_REASON, allow_module_level=True)

pytestmark = [pytest.mark.e2e, pytest.mark.usefixtures("demo_data")]


def _pick(page, field: str, text: str) -> None:
    page.locator(f"#select2-{field}-container").click()
    page.locator(".select2-search__field").fill(text)
    option = page.locator(".select2-results__option", has_text=text)
    option.first.wait_for(timeout=5000)
    option.first.click()


def test_officer_registers_and_answers_a_claim_then_the_customer_rates_it(
    new_page, watch, artifacts, run
):
    from modules.partners.models import Partner
    from modules.warranty.models import Unit

    serial, customer = run(
        lambda s: tuple(
            s.execute(
                select(Unit.serial_number, Partner.name)
                .join(Partner, Partner.id == Unit.customer_id)
                .order_by(Unit.id)
            ).first()
        )
    )
    text = f"E2E leak {uuid.uuid4().hex[:6]}"
    page = new_page()
    login(page, ROLE_USERS["Claims Officer"])
    page.goto("/claimview/add")
    _pick(page, "customer", customer)
    _pick(page, "unit", serial)
    page.select_option("select[name=demand]", "refund")
    page.fill("textarea[name=description]", text)
    with page.expect_navigation():
        page.locator("form button[type=submit], form input[type=submit]").first.click()
    from modules.claims.models import Claim

    claim_id = run(lambda s: s.scalar(select(Claim.id).where(Claim.description == text)))
    assert claim_id is not None, page.locator(".alert").all_inner_texts()
    page.goto(f"/claimview/show/{claim_id}")
    deadlines = page.locator(".as-claim-deadlines").inner_text()
    assert "Law 2300-1 art. 22" in deadlines and "Refund" in deadlines
    with page.expect_navigation():
        page.locator("button.as-transition[data-action=start_review]").click()
    page.fill("#as-transition-form input[name=comment]", "We refund the price within 10 days.")
    with page.expect_navigation():
        page.locator("button.as-transition[data-action=accept]").click()
    assert page.locator(".alert-success").count() == 1, page.locator(".alert").all_inner_texts()
    assert "We refund the price within 10 days." in page.content()
    page.screenshot(path=artifacts / "claim-accepted-en.png", full_page=True)
    watch.check()

    def survey(s):
        from modules.claims.models import SatisfactionRequest
        from modules.claims.services.satisfaction import new_token

        row = SatisfactionRequest(token=new_token(), subject_type="claim", claim_id=claim_id)
        s.add(row)
        s.flush()
        return row.token

    token = run(survey)
    anonymous = new_page()
    anonymous.goto(f"/satisfaction/{token}")
    anonymous.check("input[name=score][value='5']")
    anonymous.fill("textarea[name=comment]", "Fast and polite")
    with anonymous.expect_navigation():
        anonymous.click("#as-survey-send")
    assert "Thank you for your answer." in anonymous.content()
    anonymous.goto(f"/satisfaction/{token}")
    assert "already been answered" in anonymous.content()
    assert anonymous.locator("input[name=score]").count() == 0
    anonymous.screenshot(path=artifacts / "survey-answered-en.png", full_page=True)
    watch.check()
