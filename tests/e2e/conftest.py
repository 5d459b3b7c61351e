"""Browser fixtures: a live server on 127.0.0.1 and a headless Debian chromium.

The whole package is skipped, with a message saying why, when chromium (at
/usr/bin/chromium or $CHROMIUM_PATH) or the `playwright` package is missing.
Playwright's own browser download is not used: the tests must run offline.

The server is the session's `app` (tests/conftest.py: migrated database, one
user per role) served by werkzeug in a daemon thread. `_clean_tables` empties
the business tables after every test, so each e2e test asks for `demo_data`,
which loads the modules' small demo data again.
"""

from __future__ import annotations

import importlib.util
import logging
import os
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

import pytest
from werkzeug.serving import WSGIRequestHandler, make_server

from app.db import db
from tests.conftest import password_of

if TYPE_CHECKING:
    from playwright.sync_api import Browser, BrowserContext, Page

CHROMIUM_PATH = os.environ.get("CHROMIUM_PATH") or "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts" / "e2e"


def skip_reason() -> str | None:
    """Why the browser tests cannot run here, or None."""
    if not (os.path.isfile(CHROMIUM_PATH) and os.access(CHROMIUM_PATH, os.X_OK)):
        return (
            f"chromium not found at {CHROMIUM_PATH}: browser tests skipped "
            "(install Debian's chromium, or set CHROMIUM_PATH)"
        )
    if importlib.util.find_spec("playwright") is None:
        return "playwright is not importable: browser tests skipped (pip install playwright)"
    return None


# pytest refuses a module-level skip in a conftest; every test module of this
# package starts with `pytest.skip(SKIP_REASON, allow_module_level=True)`.
SKIP_REASON = skip_reason()


class _ErrorLog(logging.Handler):
    """Keeps the server's ERROR records (with tracebacks) for failure messages."""

    def __init__(self) -> None:
        super().__init__(logging.ERROR)
        self.records: list[str] = []
        self.setFormatter(logging.Formatter("%(name)s: %(message)s"))

    def emit(self, record: logging.LogRecord) -> None:
        self.records.append(self.format(record))


class _QuietHandler(WSGIRequestHandler):
    """Logs only responses >= 500 (the per-asset access log drowns failures)."""

    def log_request(self, code="-", size="-") -> None:
        if str(code).isdigit() and int(code) >= 500:
            super().log_request(code, size)


@dataclass
class LiveServer:
    url: str
    errors: _ErrorLog

    def server_log(self, since: int = 0) -> str:
        return "\n".join(self.errors.records[since:]) or "(no server errors logged)"


@pytest.fixture(scope="session")
def live_server(app) -> Iterator[LiveServer]:
    errors = _ErrorLog()
    loggers = [logging.getLogger(n) for n in ("aftersales", "werkzeug", "flask_appbuilder")]
    loggers.append(app.logger)
    for logger in loggers:
        logger.addHandler(errors)
    server = make_server("127.0.0.1", 0, app, threaded=True, request_handler=_QuietHandler)
    thread = threading.Thread(target=server.serve_forever, name="e2e-live-server", daemon=True)
    thread.start()
    try:
        yield LiveServer(f"http://127.0.0.1:{server.server_port}", errors)
    finally:
        server.shutdown()
        thread.join(timeout=10)
        server.server_close()
        for logger in loggers:
            logger.removeHandler(errors)


@pytest.fixture
def demo_data(app, live_server) -> None:
    """Every loaded module's small demo data (emptied again by `_clean_tables`)."""
    from app.audit import acting_as

    with app.app_context():
        with acting_as(None, "demo"):
            for _name, load in app.extensions["aftersales"].demo:
                load(db.session, "small")
                db.session.commit()
        db.session.remove()


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    from playwright.sync_api import sync_playwright

    pw = sync_playwright().start()
    try:
        b = pw.chromium.launch(executable_path=CHROMIUM_PATH, headless=True, args=CHROMIUM_ARGS)
        yield b
        b.close()
    finally:
        pw.stop()


@pytest.fixture(scope="session")
def artifacts() -> Path:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    return ARTIFACTS


@dataclass
class Watch:
    """What went wrong in one browser context: 5xx, JS errors, off-host requests."""

    server: LiveServer
    problems: list[str] = field(default_factory=list)
    ignore_console: list[str] = field(default_factory=list)
    log_start: int = 0

    def __post_init__(self) -> None:
        self.log_start = len(self.server.errors.records)

    def attach(self, context: BrowserContext) -> None:
        context.route("**/*", self._route)
        context.on("page", self._page)

    def _route(self, route, request) -> None:
        host = urlsplit(request.url).hostname
        if request.url.startswith(("data:", "blob:")) or host == "127.0.0.1":
            route.continue_()
        else:
            self.problems.append(f"request to another host (app must work offline): {request.url}")
            route.abort()

    def _page(self, page: Page) -> None:
        page.on("response", self._response)
        page.on("console", self._console)
        page.on("pageerror", lambda exc: self.problems.append(f"JS error on {page.url}: {exc}"))

    def _response(self, response) -> None:
        if response.status >= 500:
            self.problems.append(
                f"HTTP {response.status} for {response.request.method} {response.url}"
            )

    def _console(self, msg) -> None:
        if msg.type != "error":
            return
        if any(s in msg.text for s in self.ignore_console):
            return
        loc = msg.location or {}
        self.problems.append(f"console error on {loc.get('url', '?')}: {msg.text}")

    def check(self) -> None:
        if self.problems:
            listing = "\n  ".join(dict.fromkeys(self.problems))
            log = self.server.server_log(self.log_start)
            raise AssertionError(f"browser problems:\n  {listing}\nserver log:\n{log}")


@pytest.fixture
def watch(live_server) -> Watch:
    return Watch(live_server)


@pytest.fixture
def new_page(browser, live_server, watch) -> Iterator:
    """new_page() -> a Page in a fresh context (own cookies), watched by `watch`."""
    contexts: list[BrowserContext] = []

    def _new_page() -> Page:
        context = browser.new_context(
            base_url=live_server.url, viewport={"width": 1280, "height": 900}, locale="en-US"
        )
        context.set_default_timeout(10_000)
        watch.attach(context)
        contexts.append(context)
        return context.new_page()

    yield _new_page
    for context in contexts:
        context.close()


def login(page: Page, username: str) -> None:
    page.goto("/login/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", password_of(username))
    with page.expect_navigation():
        page.click("input[type=submit]")
    assert "/login" not in page.url, f"login as {username} failed: still on {page.url}"
