"""Pages for the files attached to records (the owner screen's rights apply)."""

from __future__ import annotations

from flask import Response, abort, flash, g, redirect, request, url_for
from flask_appbuilder import BaseView, expose
from flask_babel import lazy_gettext as _l

from app import attachments
from app.db import db
from app.errors import DomainError
from app.models import Attachment


class AttachmentView(BaseView):
    """Upload, download and remove the files of a record (rights of its screen)."""

    route_base = "/attachments"
    default_view = "download"
    base_permissions: list[str] = []  # the owner's screen decides (attachments.check_access)

    def _login_first(self):
        if g.user is None or not g.user.is_authenticated:
            return redirect(url_for(f"{self.appbuilder.sm.auth_view.endpoint}.login"))
        return None

    def _back(self, table: str, owner_id: int):
        found = attachments.owner(table)
        return redirect(url_for(f"{found.view.endpoint}.show", pk=owner_id))

    @expose("/<table>/<int:owner_id>/upload", methods=["POST"])
    def upload(self, table, owner_id):
        if (login := self._login_first()) is not None:
            return login
        try:
            attachments.check_access(table, owner_id, write=True)
            upload = request.files.get("file")
            data = upload.stream.read(attachments.read_limit()) if upload else b""
            attachments.attach(
                db.session,
                table,
                owner_id,
                upload.filename if upload else None,
                data,
                request.form.get("note"),
                g.user.username,
            )
            db.session.commit()
        except DomainError as err:
            db.session.rollback()
            if err.status in (403, 404):
                abort(err.status)
            flash(str(err.message), "danger")
        else:
            flash(str(_l("File attached.")), "success")
        return self._back(table, owner_id)

    @expose("/<int:pk>/download")
    def download(self, pk):
        if (login := self._login_first()) is not None:
            return login
        row = db.session.get(Attachment, pk)
        if row is None:
            abort(404)
        try:
            attachments.check_access(row.owner_table, row.owner_id, write=False)
        except DomainError as err:
            abort(err.status)
        return attachment_response(row)

    @expose("/<int:pk>/delete", methods=["POST"])
    def delete(self, pk):
        if (login := self._login_first()) is not None:
            return login
        row = db.session.get(Attachment, pk)
        if row is None:
            abort(404)
        table, owner_id = row.owner_table, row.owner_id
        try:
            attachments.check_access(table, owner_id, write=True)
        except DomainError as err:
            abort(err.status)
        db.session.delete(row)
        db.session.commit()
        flash(str(_l("File removed.")), "success")
        return self._back(table, owner_id)


def attachment_response(row: Attachment) -> Response:
    """The file as a download (never rendered inline: no content sniffing)."""
    from urllib.parse import quote

    return Response(
        row.data,
        mimetype=row.content_type,
        headers={
            "Content-Disposition": f"attachment; filename*=UTF-8''{quote(row.filename)}",
            "X-Content-Type-Options": "nosniff",
            "Cache-Control": "private, no-store",
        },
    )
