"""Notifications: due and overdue items reach the responsible user (or his deputy) in
the app and by e-mail through a real SMTP server started here, in his language, once."""

from __future__ import annotations

import email
import email.policy
import socket
from datetime import date, timedelta

import pytest
from sqlalchemy import select

from modules.dashboard.models import Notification
from tests.dashboard import data


class Inbox:
    """A local SMTP server (aiosmtpd) keeping what it receives."""

    def __init__(self):
        self.messages: list[email.message.Message] = []

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 - aiosmtpd's name
        raw = envelope.original_content or envelope.content
        msg = email.message_from_bytes(raw, policy=email.policy.default)
        msg["X-Rcpt"] = ",".join(envelope.rcpt_tos)
        self.messages.append(msg)
        return "250 OK"

    def to(self, address: str) -> list[email.message.Message]:
        return [m for m in self.messages if address in m["X-Rcpt"]]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def smtp(app):
    controller_mod = pytest.importorskip("aiosmtpd.controller")
    inbox = Inbox()
    port = _free_port()
    controller = controller_mod.Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    saved = {k: app.config.get(k) for k in ("MAIL_SERVER", "MAIL_PORT", "MAIL_DEFAULT_SENDER")}
    app.config.update(
        MAIL_SERVER="127.0.0.1", MAIL_PORT=port, MAIL_DEFAULT_SENDER="service@example.com"
    )
    try:
        yield inbox
    finally:
        app.config.update(saved)
        controller.stop()


@pytest.fixture
def world(run):
    def build(session):
        w = data.world(session)
        # The warehouse clerk answers for the MAIN warehouse.
        data.responsibility(
            session, w["staff"]["emp"]["Warehouse Clerk"], "warehouse", "MAIN", w["today"]
        )
        return w

    return run(build)


def notify(app, *args):
    result = app.test_cli_runner().invoke(args=["aftersales", "notify", *args])
    assert result.exit_code == 0, (result.output, result.exception)
    return result.output


def notices(run, role: str) -> list[tuple[str, str]]:
    def q(session):
        uid = data.uid(session, role)
        rows = session.scalars(
            select(Notification).where(Notification.user_id == uid).order_by(Notification.key)
        ).all()
        return [(n.key.split(":")[0], n.text) for n in rows]

    return run(q)


def test_daily_digest_goes_to_each_responsible_once(app, run, world, smtp):
    out = notify(app)
    assert "new notifications: 6" in out, out
    tech = notices(run, "Technician")
    assert [k for k, _t in tech] == [
        "ptn.followup",
        "stf.task.due",
        "stf.task.overdue",
        "stf.training.expiring",
    ]
    t1 = world["staff"]["tasks"]["T1"][1]
    assert f"Task {t1} “T1” is overdue" in dict((k, t) for k, t in tech)["stf.task.overdue"]
    assert [k for k, _t in notices(run, "Service Manager")] == ["stf.task.due"]
    clerk = notices(run, "Warehouse Clerk")
    assert [k for k, _t in clerk] == ["inv.reorder"]
    assert "P-2 Seal" in clerk[0][1] and "5 available, minimum 10" in clerk[0][1]

    assert len(smtp.messages) == 3
    (mail,) = smtp.to("technician@example.com")
    body = mail.get_content()
    assert "4 notices" in mail["Subject"]
    assert f"Task {t1} “T1” is overdue" in body and "/mytaskview/show/" in body
    assert mail["From"] == "service@example.com"

    # The same day again: nothing new, nothing sent.
    out = notify(app)
    assert "new notifications: 0" in out and "e-mails sent: 0" in out, out
    assert len(smtp.messages) == 3


def test_the_digest_is_in_the_recipients_language(app, api, run, world, smtp):
    r = api("Technician").put("/api/v1/my_settings/", json={"locale": "ru"})
    assert r.status_code == 200 and r.json["effective_locale"] == "ru"
    notify(app)
    (mail,) = smtp.to("technician@example.com")
    (other,) = smtp.to("service_manager@example.com")
    assert mail["Content-Language"] == "ru" and other["Content-Language"] == "en"
    with app.app_context():
        from flask_babel import force_locale, format_date

        with force_locale("ru"):
            ru_day = format_date(date.today(), "long")
        with force_locale("en"):
            en_day = format_date(date.today(), "long")
    assert ru_day in mail["Subject"] and en_day in other["Subject"]


def test_a_user_who_turned_the_digest_off_gets_no_mail(app, api, run, world, smtp):
    r = api("Technician").put("/api/v1/my_settings/", json={"email_digest": False})
    assert r.status_code == 200
    notify(app)
    assert smtp.to("technician@example.com") == []
    assert len(notices(run, "Technician")) == 4  # still in the app


def test_the_deputy_receives_the_notices_of_an_absent_colleague(app, run, world):
    from tests.staff.helpers import absent

    emp = world["staff"]["emp"]
    today = date.today()
    run(lambda s: absent(s, emp["Technician"], emp["Service Manager"], today, today))
    notify(app, "--no-mail")
    assert notices(run, "Technician") == []
    keys = [k for k, _t in notices(run, "Service Manager")]
    assert keys.count("stf.task.due") == 2 and "stf.task.overdue" in keys


def test_without_a_responsible_every_warehouse_clerk_is_told(app, run):
    run(data.world)
    notify(app, "--no-mail")
    assert [k for k, _t in notices(run, "Warehouse Clerk")] == ["inv.reorder"]


def test_without_mail_server_notices_stay_in_the_app(app, run, world):
    out = notify(app)
    assert "MAIL_SERVER is not set" in out
    assert len(notices(run, "Technician")) == 4


def test_a_failing_smtp_server_is_retried_next_run(app, run, world):
    app.config.update(MAIL_SERVER="127.0.0.1", MAIL_PORT=_free_port())  # nobody listens
    try:
        result = app.test_cli_runner().invoke(args=["aftersales", "notify"])
    finally:
        app.config.update(MAIL_SERVER=None, MAIL_PORT=25)
    assert result.exit_code != 0 and "retried next run" in result.output

    def pending(session):
        return session.scalars(select(Notification.mail_state)).all()

    assert set(run(pending)) == {"pending"}


def test_my_notifications_in_the_app(app, api, ui, run, world):
    notify(app, "--no-mail")
    tech = api("Technician")
    r = tech.get("/api/v1/my_notification/")
    assert r.status_code == 200 and r.json["count"] == 4
    first = r.json["result"][0]["id"]
    assert tech.post(f"/api/v1/my_notification/{first}/read").status_code == 200
    theirs = run(
        lambda s: s.scalar(
            select(Notification.id).where(Notification.user_id == data.uid(s, "Warehouse Clerk"))
        )
    )
    assert tech.post(f"/api/v1/my_notification/{theirs}/read").status_code == 404
    assert tech.get(f"/api/v1/my_notification/{theirs}").status_code == 404
    page = ui("Technician").get("/mynotifications/list/").get_data(as_text=True)
    assert "is overdue" in page and "P-2" not in page
    home = ui("Technician").get("/").get_data(as_text=True)
    assert "dsh-notices" in home
    r = tech.post("/api/v1/my_notification/read_all")
    assert r.json["count"] == 3


def test_opening_a_notice_marks_it_read_and_follows_its_link(app, ui, run, world):
    notify(app, "--no-mail")
    nid, link = run(
        lambda s: s.execute(
            select(Notification.id, Notification.link).where(
                Notification.user_id == data.uid(s, "Warehouse Clerk")
            )
        ).one()
    )
    client = ui("Warehouse Clerk")
    r = client.get(f"/mynotifications/open/{nid}")
    assert r.status_code == 302 and r.headers["Location"].endswith(link)
    assert run(lambda s: s.get(Notification, nid).read_at) is not None
    assert ui("Technician").get(f"/mynotifications/open/{nid}").status_code == 404


def test_settings_refuse_an_unknown_language(api, ui):
    r = api("Viewer").put("/api/v1/my_settings/", json={"locale": "xx"})
    assert r.status_code == 422
    r = api("Viewer").put("/api/v1/my_settings/", json={"email_digest": "yes"})
    assert r.status_code == 422
    client = ui("Viewer")
    assert (
        client.post("/mysettings/", data={"locale": "pt_BR", "email_digest": "1"}).status_code
        == 302
    )
    assert api("Viewer").get("/api/v1/my_settings/").json["locale"] == "pt_BR"
    assert client.post("/mysettings/", data={"locale": "zz"}).status_code == 422


def test_due_dates_of_notices(app, run, world):
    notify(app, "--no-mail")
    today = date.today()
    due = run(
        lambda s: dict(
            (n.key.split(":")[0], n.due_on)
            for n in s.scalars(
                select(Notification).where(Notification.user_id == data.uid(s, "Technician"))
            )
        )
    )
    assert due["stf.task.overdue"] == today - timedelta(days=1)
    assert due["stf.training.expiring"] == today + timedelta(days=10)
