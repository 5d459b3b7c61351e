"""What the dashboard's actions take: each body is read by its marshmallow schema (an
unknown field or a wrong type is a 422 naming it, and nothing changes), and the OpenAPI
description names those schemas; a notification is marked read from its page."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from modules.dashboard.models import Notification, UserSetting
from tests.dashboard import data


def _notice(run, role: str) -> int:
    def go(s):
        n = Notification(user_id=data.uid(s, role), source="test", key="k:1", message="Call back")
        s.add(n)
        s.flush()
        return n.id

    return run(go)


def _read_at(run, nid):
    return run(lambda s: s.get(Notification, nid).read_at)


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"locale": "ru", "language": "ru"}, "language"),
        ({"locale": 7}, "locale"),
        ({"email_digest": "yes"}, "email_digest"),
        ({"email_digest": 1}, "email_digest"),
        ({"locale": "xx"}, "locale"),  # the service: not a language of the app
    ],
)
def test_settings_body_is_checked(api, run, body, field):
    r = api("Viewer").put("/api/v1/my_settings/", json=body)
    assert r.status_code == 422, r.data
    assert list(r.json["message"]) == [field]
    assert run(lambda s: s.scalar(select(UserSetting.id))) is None


def test_settings_keep_what_the_body_leaves_out(api):
    viewer = api("Viewer")
    assert viewer.put("/api/v1/my_settings/", json={"locale": "ru"}).status_code == 200
    r = viewer.put("/api/v1/my_settings/", json={"email_digest": False})
    assert r.status_code == 200
    assert (r.json["locale"], r.json["email_digest"]) == ("ru", False)
    assert viewer.put("/api/v1/my_settings/", data="[]").status_code == 400


def test_marking_read_takes_no_body(api, run):
    nid = _notice(run, "Technician")
    tech = api("Technician")
    r = tech.post(f"/api/v1/my_notification/{nid}/read", json={"read": True})
    assert r.status_code == 422 and list(r.json["message"]) == ["read"]
    assert tech.post("/api/v1/my_notification/read_all", json={"all": 1}).status_code == 422
    assert _read_at(run, nid) is None
    assert tech.post(f"/api/v1/my_notification/{nid}/read").status_code == 200
    assert _read_at(run, nid) is not None


def test_a_notification_is_marked_read_from_its_page(ui, run):
    nid = _notice(run, "Technician")
    assert ui("Warehouse Clerk").post(f"/mynotifications/read/{nid}").status_code == 404
    assert _read_at(run, nid) is None  # not his
    r = ui("Technician").post(f"/mynotifications/read/{nid}")
    assert r.status_code == 302 and r.headers["Location"].endswith(f"/mynotifications/show/{nid}")
    assert _read_at(run, nid) is not None


def test_the_openapi_description_names_the_bodies(api):
    spec = api("Viewer").get("/api/v1/_openapi").json
    schemas = spec["components"]["schemas"]
    assert set(schemas["DashboardSettingsBody"]["properties"]) == {
        "locale",
        "timezone",
        "email_digest",
    }
    paths = spec["paths"]
    put = paths["/api/v1/my_settings/"]["put"]["requestBody"]["content"]["application/json"]
    assert put["schema"]["$ref"].endswith("/DashboardSettingsBody")
    read = paths["/api/v1/my_notification/{pk}/read"]["post"]["requestBody"]
    assert read["content"]["application/json"]["schema"]["$ref"].endswith("/DashboardNoBody")
