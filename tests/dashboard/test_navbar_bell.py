"""The navbar's bell counts the reader's own unread notifications (the notification
record rule: its recipient only, Admin included), with one query per page; a notice's
stored link opens the record from the list, the notice's page and "open", and is
never a link to another site or a script."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import event

from app.db import db, utcnow
from modules.dashboard.models import Notification
from tests.dashboard import data

LINKS = {
    "local": "/partnerview/list/",
    "external": "https://evil.example/phish",
    "script": "javascript:alert(1)",
    "slashes": "//evil.example/x",
    "backslash": "/\\evil.example/x",
}


@pytest.fixture
def notices(run):
    def build(session):
        ids = {}
        tech = data.uid(session, "Technician")
        clerk = data.uid(session, "Warehouse Clerk")
        for n, (kind, link) in enumerate(LINKS.items()):
            row = Notification(
                user_id=tech, source="test", key=f"t{n}", message=f"Notice {kind}", link=link
            )
            session.add(row)
            session.flush()
            ids[kind] = row.id
        session.add(
            Notification(user_id=tech, source="test", key="read", message="Old", read_at=utcnow())
        )
        for n in range(3):
            session.add(Notification(user_id=clerk, source="test", key=f"c{n}", message="Clerk"))
        return ids

    return run(build)


def _badge(html: str) -> str | None:
    m = re.search(
        r'data-badge="unread_notifications"[^>]*>.*?(?:class="badge as-badge">(\w+)<|</a>)',
        html,
        re.S,
    )
    assert m is not None, "no bell in the navbar"
    return m.group(1)


def test_the_bell_counts_my_unread_notifications_only(ui, notices):
    assert _badge(ui("Technician").get("/dashboard/").get_data(as_text=True)) == str(len(LINKS))
    assert _badge(ui("Warehouse Clerk").get("/dashboard/").get_data(as_text=True)) == "3"
    # Admin reads every resource, but a notification only its recipient
    assert _badge(ui("Admin").get("/dashboard/").get_data(as_text=True)) is None
    tech = ui("Technician")
    tech.get(f"/mynotifications/open/{notices['local']}")
    assert _badge(tech.get("/dashboard/").get_data(as_text=True)) == str(len(LINKS) - 1)


def test_the_bell_costs_one_query_per_page(app, ui, notices):
    client = ui("Technician")
    seen: list[str] = []

    def count(conn, cursor, statement, params, context, executemany):
        if "dsh_notification" in statement:
            seen.append(statement)

    with app.app_context():
        engine = db.engine
    event.listen(engine, "before_cursor_execute", count)
    try:
        page = client.get("/partnerview/list/")
    finally:
        event.remove(engine, "before_cursor_execute", count)
    assert page.status_code == 200 and _badge(page.get_data(as_text=True)) == str(len(LINKS))
    assert len(seen) == 1, seen


def test_a_notice_links_to_the_record_and_never_elsewhere(ui, notices):
    client = ui("Technician")
    listing = client.get("/mynotifications/list/").get_data(as_text=True)
    assert f'href="/mynotifications/open/{notices["local"]}"' in listing
    for kind in ("external", "script", "slashes", "backslash"):
        assert f'/mynotifications/open/{notices[kind]}"' not in listing, kind
    page = client.get(f"/mynotifications/show/{notices['local']}").get_data(as_text=True)
    assert '<a href="/partnerview/list/">' in page
    for kind in ("external", "script", "slashes", "backslash"):
        page = client.get(f"/mynotifications/show/{notices[kind]}").get_data(as_text=True)
        assert "evil.example" in page or "javascript:" in page  # shown as text
        assert not re.search(r'href="(https?:|javascript:|//|/\\)', page), kind
        r = client.get(f"/mynotifications/open/{notices[kind]}")
        assert r.status_code == 302 and r.headers["Location"].endswith("/mynotifications/list/")
    r = client.get(f"/mynotifications/open/{notices['local']}")
    assert r.status_code == 302 and r.headers["Location"].endswith("/partnerview/list/")
