"""The reader's time zone: each user picks his in My settings (default: the
installation's DEFAULT_TIMEZONE); it is kept for every login, and every time on his
pages, PDFs and e-mails is written in it, the column headers naming it. Stored times
stay UTC; CSV and the API keep UTC."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
from sqlalchemy import select

from app.config import ConfigError, check
from modules.dashboard.models import Notification, UserSetting
from tests.conftest import ROLE_USERS, base_config, ui_login

AT = datetime(2026, 3, 1, 10, 0, tzinfo=UTC)  # 13:00 in Moscow, 07:00 in São Paulo


def _uid(session, role: str) -> int:
    from flask_appbuilder.security.sqla.models import User

    return session.scalar(select(User.id).where(User.username == ROLE_USERS[role]))


@pytest.fixture
def notice(run):
    """A notification received at AT by the technician."""

    def make(session):
        n = Notification(
            user_id=_uid(session, "Technician"),
            source="test",
            key="tz:1",
            message="Task %(number)s is due",
            params={"number": "TSK-1"},
            created_at=AT,
        )
        session.add(n)
        session.flush()
        return n.id

    return run(make)


def _list(client) -> str:
    page = client.get("/mynotifications/list/")
    assert page.status_code == 200
    return page.get_data(as_text=True)


def test_times_and_headers_follow_the_zone_the_user_picks(app, ui, notice):
    technician = ui("Technician")
    technician.get("/lang/ru")
    page = _list(technician)
    assert "01.03.2026, 10:00" in page and "(UTC)" in page  # the default: UTC
    r = technician.post("/mysettings/", data={"locale": "ru", "timezone": "Europe/Moscow"})
    assert r.status_code == 302
    page = _list(technician)
    assert "01.03.2026, 13:00" in page, "times are written in the chosen zone at once"
    assert "(Москва)" in page and "(UTC)" not in page, "the headers name the zone"
    settings = technician.get("/mysettings/").get_data(as_text=True)
    assert 'value="Europe/Moscow" selected' in settings


def test_the_zone_is_kept_for_every_login(app, ui, run, notice):
    ui("Technician").post("/mysettings/", data={"timezone": "America/Sao_Paulo"})
    assert run(lambda s: s.scalar(select(UserSetting.timezone))) == "America/Sao_Paulo"
    client = app.test_client()
    ui_login(client, ROLE_USERS["Technician"])
    client.get("/lang/pt_BR")
    page = _list(client)
    assert "01/03/2026 07:00" in page, "São Paulo is three hours behind UTC"
    assert "(São Paulo)" in page
    # back to the installation's default: UTC again
    client.post("/mysettings/", data={"timezone": ""})
    assert "01/03/2026 10:00" in _list(client)


def test_a_colleague_without_a_choice_sees_the_installations_zone(app, ui, run, notice):
    def move(session):
        n = session.get(Notification, notice)
        n.user_id = _uid(session, "Viewer")

    run(move)
    saved = app.config["DEFAULT_TIMEZONE"]
    app.config["DEFAULT_TIMEZONE"] = "Asia/Yekaterinburg"  # UTC+5
    try:
        viewer = ui("Viewer")
        viewer.get("/lang/ru")
        page = _list(viewer)
        assert "01.03.2026, 15:00" in page and "(Екатеринбург)" in page
        settings = viewer.get("/mysettings/").get_data(as_text=True)
        assert "Екатеринбург" in settings.split('name="timezone"')[1].split("</option>")[0]
    finally:
        app.config["DEFAULT_TIMEZONE"] = saved


def test_an_unknown_zone_is_refused_at_both_doors(app, ui, api, run):
    page = ui("HR").post("/mysettings/", data={"timezone": "Mars/Olympus_Mons"})
    assert page.status_code == 422
    r = api("HR").put("/api/v1/my_settings/", json={"timezone": "Mars/Olympus_Mons"})
    assert r.status_code == 422, r.json
    assert run(lambda s: s.scalar(select(UserSetting.timezone))) is None
    r = api("HR").put("/api/v1/my_settings/", json={"timezone": "Europe/Moscow"})
    assert r.status_code == 200 and r.json["effective_timezone"] == "Europe/Moscow"
    # a change of language alone keeps the zone
    r = api("HR").put("/api/v1/my_settings/", json={"locale": "ru"})
    assert r.json["timezone"] == "Europe/Moscow"


@pytest.mark.parametrize("zone", ["localtime", "Factory"])
def test_a_name_only_zoneinfo_knows_is_refused(app, ui, api, run, zone):
    """Found in review: "localtime" passed the check and then every page of whoever
    chose it was a 500 (Babel converts through pytz, which does not know it)."""
    assert ui("HR").post("/mysettings/", data={"timezone": zone}).status_code == 422
    assert api("HR").put("/api/v1/my_settings/", json={"timezone": zone}).status_code == 422
    assert run(lambda s: s.scalar(select(UserSetting.timezone))) is None
    config = {**base_config("sqlite://"), "JURISDICTION": "RU", "DEFAULT_TIMEZONE": zone}
    with pytest.raises(ConfigError, match="DEFAULT_TIMEZONE"):
        check(config)


def test_default_timezone_must_be_a_zone(tmp_path):
    config = {**base_config("sqlite://"), "JURISDICTION": "RU"}
    config["DEFAULT_TIMEZONE"] = "Europe/Moscow"
    check(config)
    config["DEFAULT_TIMEZONE"] = "Moscow time"
    with pytest.raises(ConfigError, match="DEFAULT_TIMEZONE"):
        check(config)


def test_the_digest_is_written_in_the_recipients_language_and_zone(app, run):
    """The e-mail of a Russian reader names a legal deadline in Russian and writes its
    date his way, whatever language the night's run speaks."""
    from flask_babel import lazy_gettext as _l

    from app.deadlines import CODE_LABELS
    from modules.dashboard.services import notify

    text = _l(
        "Claim %(number)s: the legal deadline “%(what)s” is on %(due)s",
        number="CL-2026-00001",
        what=CODE_LABELS["repair"],
        due=date(2026, 3, 5),
    )
    message, params = notify.notice_parts(text)
    assert params["what"] == "Repair of the defect" and params["due"] == "2026-03-05"

    def mail(session):
        from flask_appbuilder.security.sqla.models import User

        uid = _uid(session, "Claims Officer")
        notify.save_settings(session, uid, "ru", True, "Europe/Moscow")
        n = Notification(
            user_id=uid, source="t", key="k", message=message, params=params, created_at=AT
        )
        session.add(n)
        session.flush()
        user = session.get(User, uid)
        msg = notify.digest(
            user, [n], date(2026, 3, 3), notify.user_locale(session, uid),
            notify.user_timezone(session, uid),
        )  # fmt: skip
        return msg.get_content(), n.text

    with app.test_request_context("/"):
        body, english = run(mail)
    assert "«Устранение недостатка»" in body or "“Устранение недостатка”" in body, body
    assert "05.03.2026" in body and "2026-03-05" not in body
    assert "Repair of the defect" in english  # outside the mail: the night's language (en)
