"""The Content-Security-Policy without 'unsafe-inline' scripts, in a real browser:
the main pages raise no CSP violation and still work (login, home, a list, the
delete confirmation, the language menu, an add form with an AJAX lookup, a show
page with its transitions), and an injected inline handler is refused."""

from __future__ import annotations

import uuid

import pytest

from tests.conftest import ROLE_USERS
from tests.e2e.conftest import SKIP_REASON, login

if SKIP_REASON:
    pytest.skip(SKIP_REASON, allow_module_level=True)

pytestmark = [pytest.mark.e2e, pytest.mark.usefixtures("demo_data")]

ADMIN = ROLE_USERS["Admin"]

# Runs before the page's own scripts (Playwright's init scripts are not subject to
# the page's CSP): every violation the browser reports is kept on window.
RECORD_VIOLATIONS = """
window.__csp = [];
document.addEventListener("securitypolicyviolation", function (e) {
  window.__csp.push(e.violatedDirective + " " + (e.blockedURI || "inline") + " @ " + e.sourceFile);
});
"""


def test_pages_work_under_the_nonce_policy(new_page, watch, artifacts):
    page = new_page()
    page.context.add_init_script(RECORD_VIOLATIONS)
    csp_console: list[str] = []
    page.on(
        "console",
        lambda m: csp_console.append(m.text) if "Content Security Policy" in m.text else None,
    )
    seen: list[str] = []

    def check(where: str) -> None:
        seen.extend(f"{where}: {v}" for v in page.evaluate("window.__csp || []"))

    policy = page.goto("/login/").headers["content-security-policy"]
    assert "'nonce-" in policy and "'unsafe-inline'" not in policy.split("script-src")[1]
    check("login")
    login(page, ADMIN)
    check("home")

    # the language menu (a Bootstrap dropdown): to Portuguese and back
    page.locator("a.dropdown-toggle:has(i.flag)").first.click()
    with page.expect_navigation():
        page.locator("a[href$='/lang/pt_BR']").click()
    assert "Segurança" in page.content()
    check("language menu")
    page.goto("/lang/en")

    # a list, and the delete confirmation (FAB's inline script, with the nonce)
    page.goto("/partnerview/list/")
    page.locator("a.confirm[id^=btn-delete]").first.click()
    modal = page.locator("#modal-confirm")
    modal.wait_for(state="visible")
    modal.locator("button[data-dismiss=modal]").first.click()
    modal.wait_for(state="hidden")
    check("list and delete confirmation")

    # an add form with an AJAX lookup (select2), saved; its show page's transition
    title = f"CSP task {uuid.uuid4().hex[:6]}"
    page.goto("/taskview/add")
    page.fill("input[name=title]", title)
    page.locator("#select2-assignee-container").click()
    page.locator(".select2-search__field").fill("technician")
    option = page.locator(".select2-results__option", has_text="technician")
    option.first.wait_for()
    option.first.click()
    check("add form with lookup")
    with page.expect_navigation():
        page.locator("form button[type=submit], form input[type=submit]").first.click()
    page.goto("/taskview/list/?_flt_0_title=" + title.replace(" ", "+"))
    page.locator("table.table-bordered tbody tr a[href*='/taskview/show/']").first.click()
    page.wait_for_load_state()
    with page.expect_navigation():
        page.locator("button.as-transition[data-action=start]").click()
    assert page.locator(".alert-success").count() == 1
    check("show page and transition")
    page.screenshot(path=artifacts / "csp-task-started.png", full_page=True)

    assert seen == [] and csp_console == [], "\n".join(seen + csp_console)
    watch.check()

    # the policy is enforced: an inline handler slipped into the page does not run
    page.evaluate(
        """() => { const b = document.createElement("button"); b.id = "injected";
        b.setAttribute("onclick", "window.__ran = true"); document.body.appendChild(b); }"""
    )
    page.click("#injected")
    assert page.evaluate("window.__ran === undefined")
    assert any("script-src" in v for v in page.evaluate("window.__csp")), "no violation seen"
