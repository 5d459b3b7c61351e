"""The navbar on one row at 1366 px for every demo role in English, Russian and
Portuguese, with the role's work first, and a layout that holds on a tablet (1024x768,
768x1024). Screenshots navbar-{role}-{lang}.png go to test-artifacts/e2e/."""

from __future__ import annotations

import pytest

from app.security import BUILTIN_ROLES
from tests.conftest import ROLE_USERS
from tests.e2e.conftest import SKIP_REASON, login

if SKIP_REASON:
    pytest.skip(SKIP_REASON, allow_module_level=True)

pytestmark = [pytest.mark.e2e, pytest.mark.usefixtures("demo_data")]

ONE_ROW = 60  # px: Bootstrap's navbar is 50 px high on one row, 100+ on two
LANGS = ("en", "ru", "pt_BR")


def _page(new_page, width: int, height: int):
    page = new_page()
    page.set_viewport_size({"width": width, "height": height})
    page.set_default_timeout(30_000)  # the home page of Admin counts every figure
    return page


def _navbar_height(page) -> float:
    box = page.locator(".navbar").first.bounding_box()
    assert box is not None
    return box["height"]


@pytest.mark.parametrize("role", BUILTIN_ROLES)
def test_navbar_is_one_row_at_1366(new_page, watch, artifacts, role):
    page = _page(new_page, 1366, 768)
    login(page, ROLE_USERS[role])
    slug = role.lower().replace(" ", "_")
    heights = {}
    for lang in LANGS:
        page.goto(f"/lang/{lang}")
        page.goto("/")
        heights[lang] = _navbar_height(page)
        page.screenshot(
            path=artifacts / f"navbar-{slug}-{lang}.png",
            clip={"x": 0, "y": 0, "width": 1366, "height": 140},
        )
        # nothing of the page hides under or overflows the window's width
        width = page.evaluate("document.documentElement.scrollWidth")
        assert width <= 1366, f"{role} {lang}: the page is {width} px wide"
    assert all(h <= ONE_ROW for h in heights.values()), f"{role}: navbar heights {heights}"
    watch.check()


@pytest.mark.parametrize(("width", "height"), [(1024, 768), (768, 1024)])
def test_tablet_layout_holds(new_page, watch, artifacts, width, height):
    """On a tablet the navbar is one row (landscape) or folds behind its button
    (portrait); the repair list and the cost-and-revenue table fit the width."""
    page = _page(new_page, width, height)
    login(page, ROLE_USERS["Service Manager"])
    for lang in ("en", "ru"):
        page.goto(f"/lang/{lang}")
        for path in ("/", "/repairorderview/list/", "/costrevenue/"):
            page.goto(path)
            assert _navbar_height(page) <= ONE_ROW, (width, lang, path)
            scroll = page.evaluate("document.documentElement.scrollWidth")
            assert scroll <= width, f"{path} at {width} px ({lang}): {scroll} px wide"
        page.screenshot(path=artifacts / f"tablet-{width}x{height}-{lang}.png", full_page=True)
    watch.check()


def test_money_table_fits_1366(new_page, watch, artifacts):
    page = _page(new_page, 1366, 768)
    login(page, ROLE_USERS["Accountant"])
    for lang in LANGS:
        page.goto(f"/lang/{lang}")
        page.goto("/costrevenue/?date_from=2020-01-01&date_to=2030-12-31&group_by=month")
        table = page.locator("table.dsh-money")
        if table.count():
            box = table.first.bounding_box()
            assert box is not None and box["x"] + box["width"] <= 1366, (lang, box)
        assert page.evaluate("document.documentElement.scrollWidth") <= 1366, lang
        page.screenshot(path=artifacts / f"money-1366-{lang}.png", full_page=True)
    watch.check()


LINES_OF_FIGURES = """() => {
  const out = [];
  const date = /^\\d{2}[./]\\d{2}[./]\\d{4}( \\d{2}:\\d{2})?$/;
  const number = /^-?[\\d\\s\\u00a0\\u202f.,]+( ?[^\\d\\s]{1,3})?$/;
  for (const td of document.querySelectorAll("table.table td")) {
    const text = td.innerText.trim();
    if (!(date.test(text) || number.test(text)) || !/\\d/.test(text)) continue;
    if (!td.offsetParent) continue;  // not shown
    // a text broken over two lines has rectangles on two lines
    const walker = document.createTreeWalker(td, NodeFilter.SHOW_TEXT);
    for (let node = walker.nextNode(); node; node = walker.nextNode()) {
      if (!node.textContent.trim()) continue;
      const range = document.createRange();
      range.selectNodeContents(node);
      const tops = [...range.getClientRects()].map(r => r.top);
      if (tops.length && Math.max(...tops) - Math.min(...tops) > 5) { out.push(text); break; }
    }
  }
  return out;
}"""


@pytest.mark.parametrize(
    "path", ["/repairorderview/list/", "/claimview/list/", "/stockmoveview/list/"]
)
def test_lists_keep_dates_and_numbers_on_one_line(new_page, watch, artifacts, path):
    page = _page(new_page, 1366, 768)
    login(page, ROLE_USERS["Service Manager"])
    for lang in ("ru", "pt_BR"):
        page.goto(f"/lang/{lang}")
        page.goto(path)
        assert page.locator("table.table td").count() > 0, path
        broken = page.evaluate(LINES_OF_FIGURES)
        assert not broken, f"{path} ({lang}): figures over two lines: {broken[:5]}"
        assert page.evaluate("document.documentElement.scrollWidth") <= 1366, (path, lang)
    name = path.strip("/").split("/")[0]
    page.screenshot(path=artifacts / f"list-1366-{name}.png", full_page=True)
    watch.check()
