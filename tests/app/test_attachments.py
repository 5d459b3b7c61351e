"""Files attached to records: upload check (size, kind, content), rights of the owner."""

from __future__ import annotations

import io

from sqlalchemy import func, select

from app.models import Attachment
from modules.partners.models import Partner

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32


def _partner(run) -> int:
    def make(session):
        p = Partner(name="Acme", is_customer=True, active=True)
        session.add(p)
        session.commit()
        return p.id

    return run(make)


def _count(run) -> int:
    return run(lambda s: s.scalar(select(func.count()).select_from(Attachment)))


def _upload(client, pid, name, data, note=None):
    form = {"file": (io.BytesIO(data), name)}
    if note:
        form["note"] = note
    return client.post(
        f"/api/v1/attachment/ptn_partner/{pid}", data=form, content_type="multipart/form-data"
    )


def test_upload_list_download_and_remove_through_the_api(api, run):
    pid = _partner(run)
    manager = api("Service Manager")
    r = _upload(manager, pid, "Договор поставки.pdf", PDF, note="signed")
    assert r.status_code == 201, r.json
    att = r.json["result"]
    assert att["filename"] == "Договор поставки.pdf"
    assert att["content_type"] == "application/pdf" and att["size"] == len(PDF)

    listed = api("Viewer").get(f"/api/v1/attachment/ptn_partner/{pid}")
    assert listed.status_code == 200
    assert [f["filename"] for f in listed.json["result"]] == ["Договор поставки.pdf"]

    body = api("Viewer").get(f"/api/v1/attachment/{att['id']}/content")
    assert body.status_code == 200 and body.data == PDF
    assert body.headers["Content-Disposition"].startswith("attachment;")

    assert api("Viewer").delete(f"/api/v1/attachment/{att['id']}").status_code == 403
    assert _count(run) == 1
    assert manager.delete(f"/api/v1/attachment/{att['id']}").status_code == 200
    assert _count(run) == 0


def test_bad_uploads_are_refused_with_a_reason_and_nothing_is_stored(app, api, run):
    pid = _partner(run)
    manager = api("Service Manager")
    app.config["ATTACHMENT_MAX_BYTES"] = 1024
    try:
        cases = [
            ("big.pdf", PDF + b"x" * 2000, 413, "larger than"),
            ("tool.exe", b"MZ\x90\x00", 415, "cannot be attached"),
            ("invoice.pdf", b"MZ\x90\x00 renamed executable", 415, "not a PDF file"),
            ("photo.png", PDF, 415, "not a PNG file"),
            ("notes.txt", b"text\x00with NUL", 415, "not a TXT file"),
            ("empty.pdf", b"", 400, "empty"),
        ]
        for name, data, status, message in cases:
            r = _upload(manager, pid, name, data)
            assert r.status_code == status, (name, r.json)
            assert message in str(r.json["message"]), (name, r.json)
        r = manager.post(f"/api/v1/attachment/ptn_partner/{pid}", data={})
        assert r.status_code == 400
    finally:
        app.config["ATTACHMENT_MAX_BYTES"] = 10 * 1024 * 1024
    assert _count(run) == 0


def test_rights_follow_the_owner_record(api, run):
    pid = _partner(run)
    # A technician reads partners but may not change them, nor their files.
    assert _upload(api("Technician"), pid, "a.png", PNG).status_code == 403
    # Unknown owners and records answer 404, not 500.
    assert _upload(api("Service Manager"), 999999, "a.png", PNG).status_code == 404
    assert _upload(api("Service Manager"), pid, "a.png", PNG).status_code == 201
    r = api("Service Manager").post(
        f"/api/v1/attachment/ab_user/{pid}",
        data={"file": (io.BytesIO(PNG), "a.png")},
        content_type="multipart/form-data",
    )
    assert r.status_code == 404
    assert api(None).get(f"/api/v1/attachment/ptn_partner/{pid}").status_code == 401
    assert _count(run) == 1


def test_show_page_lists_files_and_takes_an_upload(ui, run):
    pid = _partner(run)
    client = ui("Service Manager")
    r = client.post(
        f"/attachments/ptn_partner/{pid}/upload",
        data={"file": (io.BytesIO(PNG), "plate.png"), "note": "name plate"},
        content_type="multipart/form-data",
        follow_redirects=True,
    )
    page = r.data.decode()
    assert "File attached." in page
    assert "plate.png" in page and "name plate" in page
    fid = run(lambda s: s.scalar(select(Attachment.id)))
    assert ui("Viewer").get(f"/attachments/{fid}/download").data == PNG
    # A refused upload is explained on the page and stores nothing.
    r = client.post(
        f"/attachments/ptn_partner/{pid}/upload",
        data={"file": (io.BytesIO(b"MZ"), "virus.pdf")},
        content_type="multipart/form-data",
        follow_redirects=True,
    )
    assert "not a PDF file" in r.data.decode()
    assert _count(run) == 1
    # The viewer sees the file but no upload form.
    page = ui("Viewer").get(f"/partnerview/show/{pid}").data.decode()
    assert "plate.png" in page and 'name="file"' not in page
