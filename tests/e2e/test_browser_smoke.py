"""Browser smoke test: every menu page, three languages, two roles, one real flow.

Fails on any response >= 500, any JavaScript console error or uncaught
exception, and any request to a host other than 127.0.0.1 (the app must work
offline). Screenshots go to test-artifacts/e2e/.
"""

from __future__ import annotations

import uuid
from urllib.parse import urlsplit

import pytest

from tests.conftest import ROLE_USERS
from tests.e2e.conftest import SKIP_REASON, login

if SKIP_REASON:
    pytest.skip(SKIP_REASON, allow_module_level=True)

pytestmark = [pytest.mark.e2e, pytest.mark.usefixtures("demo_data")]

ADMIN = ROLE_USERS["Admin"]
VIEWER = ROLE_USERS["Viewer"]
SECURITY = {"en": "Security", "pt_BR": "Segurança", "ru": "Безопасность"}


def menu_text(page) -> str:
    return " ".join(page.locator("ul.nav").all_inner_texts())


def menu_links(page) -> list[str]:
    """The navbar's links to app pages (path + query), deduplicated, in menu order."""
    hrefs = page.eval_on_selector_all(
        "ul.nav a[href]", "els => els.map(e => [e.getAttribute('href'), e.href])"
    )
    origin = urlsplit(page.url)
    links: dict[str, None] = {}
    for raw, absolute in hrefs:
        if not raw or raw.startswith(("#", "javascript:")):
            continue
        parts = urlsplit(absolute)
        if (parts.scheme, parts.netloc) != (origin.scheme, origin.netloc):
            continue
        if parts.path.startswith(("/logout", "/lang/")):
            continue
        links[parts.path + (f"?{parts.query}" if parts.query else "")] = None
    return list(links)


def open_ok(page, path: str) -> None:
    response = page.goto(path)
    assert response is not None, path
    assert response.status < 400, f"{path}: HTTP {response.status}"
    assert "/login" not in page.url, f"{path} sent us to the login page"


def test_admin_opens_every_menu_page(new_page, watch, artifacts):
    page = new_page()
    login(page, ADMIN)
    page.screenshot(path=artifacts / "home-en.png", full_page=True)
    links = menu_links(page)
    assert "/partnerview/list/" in links, links
    assert len(links) >= 5, links
    (artifacts / "menu").mkdir(exist_ok=True)
    for path in links:  # every page, then one report of everything that went wrong
        response = page.goto(path, wait_until="domcontentloaded")
        if response is None or response.status >= 400 or "/login" in page.url:
            status = response.status if response else None
            watch.problems.append(f"menu page {path}: HTTP {status}, ended at {page.url}")
            shot = path.strip("/").replace("/", "-").replace("?", "-") or "index"
            page.screenshot(path=artifacts / "menu" / f"{shot}.png")  # what went wrong
    watch.check()
    page.goto("/partnerview/list/")
    assert page.locator("table.table-bordered tbody tr").count() > 0, "partner list is empty"
    page.screenshot(path=artifacts / "partners-en.png", full_page=True)
    watch.check()


@pytest.mark.parametrize("lang", ["pt_BR", "ru"])
def test_language_switch_translates_the_menu(new_page, watch, artifacts, lang):
    page = new_page()
    login(page, ADMIN)
    english_menu = menu_text(page)
    assert SECURITY["en"] in english_menu
    page.goto(f"/lang/{lang}")
    translated = menu_text(page)
    assert translated != english_menu, f"menu did not change after /lang/{lang}"
    assert SECURITY[lang] in translated, f"{SECURITY[lang]!r} not in menu: {translated}"
    assert page.locator("html").inner_html() != ""
    for path in ["/partnerview/list/", "/partnerview/add", "/contactview/list/", "/"]:
        open_ok(page, path)
        assert SECURITY[lang] in menu_text(page), f"{path} lost the {lang} menu"
        watch.check()
    page.goto("/partnerview/list/")
    page.screenshot(path=artifacts / f"partners-{lang}.png", full_page=True)
    row = page.locator("table.table-bordered tbody tr a[href*='/partnerview/show/']").first
    row.click()
    page.wait_for_load_state()
    page.screenshot(path=artifacts / f"partner-show-{lang}.png", full_page=True)
    watch.check()


def test_viewer_sees_partners_but_not_administration(new_page, watch, artifacts):
    page = new_page()
    login(page, VIEWER)
    text = menu_text(page)
    assert "Partners" in text, text
    assert "Security" not in text, text
    assert "Audit log" not in text, text
    links = menu_links(page)
    assert "/partnerview/list/" in links, links
    admin_pages = ("/users/list", "/roles/", "/groups/", "/auditlogview/", "/permissions/")
    assert not [p for p in links if p.startswith(admin_pages)], links
    open_ok(page, "/partnerview/list/")
    assert page.locator("table.table-bordered tbody tr").count() > 0
    # A forbidden page: 403 or a redirect, never a 500. Chromium reports the
    # 403 document as a console error; that one is expected.
    watch.ignore_console.append("status of 403")
    response = page.goto("/partnerview/add")
    assert response is not None
    assert response.status == 403 or "/partnerview/add" not in page.url, response.status
    page.screenshot(path=artifacts / "viewer-add-forbidden.png", full_page=True)
    watch.check()


def add_customer(page, name: str, artifacts=None) -> None:
    """As a user would: the list's "+" button, a name, the "Customer" box, Save."""
    open_ok(page, "/partnerview/list/")
    with page.expect_navigation():
        page.locator("a[href*='/partnerview/add']").first.click()
    page.fill("input[name=name]", name)
    page.get_by_label("Customer").check()
    if artifacts is not None:
        page.screenshot(path=artifacts / "partner-add-en.png", full_page=True)
    invalid = page.eval_on_selector_all("form :invalid", "els => els.map(e => e.name || e.id)")
    assert not invalid, f"the browser refuses to submit a customer-only partner: {invalid} invalid"
    with page.expect_navigation():
        page.locator("form button[type=submit], form input[type=submit]").first.click()
    alerts = page.locator(".alert").evaluate_all(
        "els => els.map(e => [e.className, e.innerText.replace('\u00d7', '').trim()])"
    )
    problems = [text for cls, text in alerts if "alert-success" not in cls]
    assert not problems and alerts, f"{name!r} not saved ({page.url}): {alerts}"
    # after saving, the user lands on the new record's page (where its work goes on)
    assert "/partnerview/show/" in page.url, f"after saving, the user lands on {page.url}"
    assert name in page.locator(".as-name").inner_text()


def test_admin_adds_a_partner_and_sees_its_history(new_page, watch, artifacts):
    page = new_page()
    login(page, ADMIN)
    tag = uuid.uuid4().hex[:6]
    name = f"Aaa E2E partner {tag}"
    add_customer(page, name, artifacts)
    # A second one, also without the optional Reference (unique when given).
    add_customer(page, f"Aaa E2E second partner {tag}")
    open_ok(page, "/partnerview/list/?_flt_0_name=" + name.replace(" ", "+"))
    rows = page.locator("table.table-bordered tbody tr", has_text=name)
    assert rows.count() == 1, page.locator("table.table-bordered").inner_text()
    rows.first.locator("a[href*='/partnerview/show/']").first.click()
    page.wait_for_load_state()
    assert "/partnerview/show/" in page.url, page.url
    assert name in page.content()
    history = page.locator(".as-history", has_text="History")
    assert history.count() == 1, "no History block on the partner's show page"
    assert ADMIN in history.inner_text(), history.inner_text()
    page.screenshot(path=artifacts / "partner-show-en.png", full_page=True)
    watch.check()


def test_manager_assigns_a_task_through_the_lookup_and_it_moves_along(new_page, watch, artifacts):
    """The AJAX lookup finds a colleague; the task is saved, started from its page."""
    page = new_page()
    login(page, ADMIN)
    title = f"E2E task {uuid.uuid4().hex[:6]}"
    open_ok(page, "/taskview/add")
    page.fill("input[name=title]", title)
    page.locator("#select2-assignee-container").click()
    page.locator(".select2-search__field").fill("technician")
    option = page.locator(".select2-results__option", has_text="technician")
    option.first.wait_for(timeout=5000)
    option.first.click()
    with page.expect_navigation():
        page.locator("form button[type=submit], form input[type=submit]").first.click()
    open_ok(page, "/taskview/list/?_flt_0_title=" + title.replace(" ", "+"))
    row = page.locator("table.table-bordered tbody tr", has_text=title)
    assert row.count() == 1 and "technician" in row.inner_text()
    row.first.locator("a[href*='/taskview/show/']").first.click()
    page.wait_for_load_state()
    with page.expect_navigation():
        page.locator("button.as-transition[data-action=start]").click()
    assert page.locator(".alert-success").count() == 1, page.locator(".alert").all_inner_texts()
    assert "In progress" in page.content()
    page.screenshot(path=artifacts / "task-started-en.png", full_page=True)
    watch.check()
