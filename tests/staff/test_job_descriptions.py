"""Versioned job descriptions: publish, acknowledge, new version, PDF."""

from pathlib import Path

import pytest

from app.pdf import DEFAULT_FONT
from modules.staff.models import Acknowledgement
from tests.staff.helpers import make_staff

try:
    import pypdf
except ImportError:  # pragma: no cover
    pypdf = None


def _publish_v1(run, api):
    staff = run(lambda s: make_staff(s))
    from modules.staff.models import Employee

    pos_id = run(lambda s: s.get(Employee, staff["Technician"]).position_id)
    hr = api("HR")
    r = hr.post(
        "/api/v1/job_description/",
        json={
            "position": pos_id,
            "title": "Техник сервисного центра / Técnico de serviço",
            "reports_to": "Руководитель сервиса",
            "duties": "Ремонтирует изделия.\nReparar produtos.",
            "rights": "Запрашивать запчасти",
            "responsibilities": "За качество ремонта",
        },
    )
    assert r.status_code == 201, r.json
    jd = r.json["id"]
    got = hr.get(f"/api/v1/job_description/{jd}").json["result"]
    assert got["version"] == 1 and got["state"] == "draft"
    r = hr.post(f"/api/v1/job_description/{jd}/publish")
    assert r.status_code == 200, r.json
    return staff, pos_id, jd


def test_acknowledge_current_version_and_new_version_needs_new_signature(run, api):
    staff, pos_id, v1 = _publish_v1(run, api)
    hr, tech = api("HR"), api("Technician")
    unsigned = hr.get("/api/v1/staff_report/unsigned").json["result"]
    assert [u["employee_id"] for u in unsigned] == [staff["Technician"]]

    r = tech.get("/api/v1/my_job_description/")
    assert r.status_code == 200 and r.json["id"] == v1 and r.json["acknowledged_at"] is None
    r = tech.post("/api/v1/acknowledgement/acknowledge", json={})
    assert r.status_code == 201, r.json
    assert r.json["result"]["signed_name"] == "Technician Person"
    assert tech.post("/api/v1/acknowledgement/acknowledge", json={}).status_code == 409
    assert hr.get("/api/v1/staff_report/unsigned").json["result"] == []

    # HR makes version 2 from version 1 and publishes it
    r = hr.post(f"/api/v1/job_description/{v1}/new_version")
    assert r.status_code == 201, r.json
    v2 = r.json["id"]
    assert r.json["version"] == 2
    r = hr.put(f"/api/v1/job_description/{v2}", json={"duties": "Новые обязанности"})
    assert r.status_code == 200, r.json
    assert hr.post(f"/api/v1/job_description/{v2}/publish").status_code == 200
    assert hr.get(f"/api/v1/job_description/{v1}").json["result"]["state"] == "superseded"

    # the old signature does not count for the new version
    unsigned = hr.get("/api/v1/staff_report/unsigned").json["result"]
    assert [(u["employee_id"], u["version"]) for u in unsigned] == [(staff["Technician"], 2)]
    assert tech.get("/api/v1/my_job_description/").json["acknowledged_at"] is None
    # signing the superseded version is refused
    assert (
        tech.post("/api/v1/acknowledgement/acknowledge", json={"job_description": v1}).status_code
        == 422
    )
    r = tech.post("/api/v1/acknowledgement/acknowledge", json={"job_description": v2})
    assert r.status_code == 201 and r.json["result"]["version"] == 2
    assert hr.get("/api/v1/staff_report/unsigned").json["result"] == []
    assert run(lambda s: s.query(Acknowledgement).count()) == 2


def test_published_version_is_frozen(run, api):
    _, _, v1 = _publish_v1(run, api)
    hr = api("HR")
    assert hr.put(f"/api/v1/job_description/{v1}", json={"duties": "x"}).status_code == 409
    assert hr.delete(f"/api/v1/job_description/{v1}").status_code == 409
    assert hr.post(f"/api/v1/job_description/{v1}/publish").status_code == 409
    assert hr.get(f"/api/v1/job_description/{v1}").json["result"]["duties"].startswith("Ремонт")


def test_acknowledge_bad_input_and_non_employee(run, api):
    _publish_v1(run, api)
    tech = api("Technician")
    r = tech.post(
        "/api/v1/acknowledgement/acknowledge", data="[1]", content_type="application/json"
    )
    assert r.status_code == 400
    r = tech.post("/api/v1/acknowledgement/acknowledge", json={"job_description": "abc"})
    assert r.status_code == 422
    assert api("Viewer").post("/api/v1/acknowledgement/acknowledge", json={}).status_code == 404
    # a technician cannot read everyone's acknowledgements nor publish
    assert tech.get("/api/v1/acknowledgement/").status_code == 403
    assert tech.post("/api/v1/job_description/1/publish").status_code == 403


@pytest.mark.skipif(
    not Path(DEFAULT_FONT).exists(),
    reason=f"{DEFAULT_FONT} missing: PDF tests skipped (install Debian's fonts-dejavu-core)",
)
def test_pdf_in_two_scripts(run, api, ui):
    _, _, v1 = _publish_v1(run, api)
    r = api("HR").get(f"/api/v1/job_description/{v1}/pdf")
    assert r.status_code == 200 and r.mimetype == "application/pdf"
    assert r.data.startswith(b"%PDF")
    r2 = api("Technician").get("/api/v1/my_job_description/pdf")
    assert r2.status_code == 200 and r2.data.startswith(b"%PDF")
    page = ui("Technician").get("/myjobdescription/pdf")
    assert page.status_code == 200 and page.data.startswith(b"%PDF")
    if pypdf is not None:
        import io

        text = "".join(p.extract_text() for p in pypdf.PdfReader(io.BytesIO(r.data)).pages)
        assert "Техник сервисного центра" in text
        assert "Técnico de serviço" in text
        assert "Technician Person" in text


def test_pdf_without_font_is_a_clear_error(run, api, app):
    _, _, v1 = _publish_v1(run, api)
    app.config["PDF_FONT"] = "/nonexistent/DejaVuSans.ttf"
    try:
        r = api("HR").get(f"/api/v1/job_description/{v1}/pdf")
    finally:
        app.config.pop("PDF_FONT")
    assert r.status_code == 503
    assert "fonts-dejavu-core" in r.json["message"]


def test_ui_acknowledge(run, api, ui):
    _publish_v1(run, api)
    client = ui("Technician")
    page = client.get("/myjobdescription/")
    assert page.status_code == 200 and "Техник".encode() in page.data
    r = client.post("/myjobdescription/acknowledge", data={})
    assert r.status_code == 302
    page = client.get("/myjobdescription/")
    assert b"as-acknowledged" in page.data
    hr_page = ui("HR").get("/staffreports/unsigned")
    assert hr_page.status_code == 200 and b"Technician Person" not in hr_page.data


def test_an_older_draft_cannot_replace_a_newer_published_version(run, api):
    _, _, v1 = _publish_v1(run, api)
    hr = api("HR")
    older = hr.post(f"/api/v1/job_description/{v1}/new_version").json["id"]
    newer = hr.post(f"/api/v1/job_description/{v1}/new_version").json["id"]
    assert hr.post(f"/api/v1/job_description/{newer}/publish").status_code == 200
    r = hr.post(f"/api/v1/job_description/{older}/publish")
    assert r.status_code == 409 and "newer version" in r.json["message"]
    current = hr.get(f"/api/v1/job_description/{newer}").json["result"]
    assert current["state"] == "published"


def test_publishing_is_recorded_as_stages(run, api):
    from app.models import StateTransition
    from modules.staff.services import JD_MACHINE

    _, _, v1 = _publish_v1(run, api)
    hr = api("HR")
    v2 = hr.post(f"/api/v1/job_description/{v1}/new_version").json["id"]
    assert hr.post(f"/api/v1/job_description/{v2}/publish").status_code == 200
    steps = run(
        lambda s: [
            (t.doc_id, t.from_state, t.to_state)
            for t in s.query(StateTransition).filter_by(doc_type=JD_MACHINE.doc_type)
        ]
    )
    assert steps == [
        (v1, "draft", "published"),
        (v1, "published", "superseded"),
        (v2, "draft", "published"),
    ]
