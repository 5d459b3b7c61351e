"""Files attached to records through the API (`/api/v1/attachment/`)."""

from __future__ import annotations

from flask import g, request
from flask_appbuilder.api import BaseApi, expose
from flask_appbuilder.security.decorators import protect
from flask_babel import lazy_gettext as _l

from app.api import DomainErrorsMixin
from app.db import db
from app.errors import DomainError


def _attachment_dict(row) -> dict:
    return {
        "id": row.id,
        "owner_table": row.owner_table,
        "owner_id": row.owner_id,
        "filename": row.filename,
        "content_type": row.content_type,
        "size": row.size,
        "sha256": row.sha256,
        "note": row.note,
        "uploaded_by": row.uploaded_by,
        "uploaded_at": row.uploaded_at.isoformat(),
    }


class AttachmentApi(DomainErrorsMixin, BaseApi):
    """Files attached to a record, with the rights of the record's screen:
    `GET|POST /api/v1/attachment/<table>/<id>`, `GET /api/v1/attachment/<pk>/content`,
    `DELETE /api/v1/attachment/<pk>`."""

    resource_name = "attachment"
    class_permission_name = "Attachment"
    method_permission_name = {"files": "read", "add": "read", "content": "read", "remove": "read"}
    allow_browser_login = True
    openapi_spec_tag = "Attachments"

    @expose("/<table>/<int:owner_id>", methods=["GET"])
    @protect()
    def files(self, table, owner_id):
        """The files of one record.
        ---
        get:
          parameters:
          - {in: path, name: table, required: true, schema: {type: string}}
          - {in: path, name: owner_id, required: true, schema: {type: integer}}
          responses:
            200:
              description: The record's files (metadata)
            403:
              $ref: '#/components/responses/403'
            404:
              $ref: '#/components/responses/404'
        """
        from app import attachments

        try:
            attachments.check_access(table, owner_id, write=False)
        except DomainError as err:
            return self.domain_error(err)
        rows = attachments.files_of(db.session, table, owner_id)
        return self.response(200, result=[_attachment_dict(r) for r in rows])

    @expose("/<table>/<int:owner_id>", methods=["POST"])
    @protect()
    def add(self, table, owner_id):
        """Attach a file (multipart `file`, optional `note`).
        ---
        post:
          parameters:
          - {in: path, name: table, required: true, schema: {type: string}}
          - {in: path, name: owner_id, required: true, schema: {type: integer}}
          requestBody:
            content:
              multipart/form-data:
                schema:
                  type: object
                  properties:
                    file: {type: string, format: binary}
                    note: {type: string}
          responses:
            201:
              description: The file was attached
            400:
              $ref: '#/components/responses/400'
            403:
              $ref: '#/components/responses/403'
            404:
              $ref: '#/components/responses/404'
            413:
              description: The file is too large
            415:
              description: The kind of file is not allowed or its content does not match
        """
        from app import attachments

        try:
            attachments.check_access(table, owner_id, write=True)
            upload = request.files.get("file")
            data = upload.stream.read(attachments.read_limit()) if upload else b""
            row = attachments.attach(
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
            return self.domain_error(err)
        return self.response(201, result=_attachment_dict(row))

    def _row(self, pk, write: bool):
        from app import attachments
        from app.models import Attachment

        row = db.session.get(Attachment, pk)
        if row is None:
            raise DomainError(_l("No such file."), status=404)
        attachments.check_access(row.owner_table, row.owner_id, write=write)
        return row

    @expose("/<int:pk>/content", methods=["GET"])
    @protect()
    def content(self, pk):
        """Download a file.
        ---
        get:
          parameters:
          - {in: path, name: pk, required: true, schema: {type: integer}}
          responses:
            200:
              description: The file
            403:
              $ref: '#/components/responses/403'
            404:
              $ref: '#/components/responses/404'
        """
        from app.views_files import attachment_response

        try:
            return attachment_response(self._row(pk, write=False))
        except DomainError as err:
            return self.domain_error(err)

    @expose("/<int:pk>", methods=["DELETE"])
    @protect()
    def remove(self, pk):
        """Remove a file.
        ---
        delete:
          parameters:
          - {in: path, name: pk, required: true, schema: {type: integer}}
          responses:
            200:
              description: Removed
            403:
              $ref: '#/components/responses/403'
            404:
              $ref: '#/components/responses/404'
        """
        try:
            row = self._row(pk, write=True)
        except DomainError as err:
            return self.domain_error(err)
        db.session.delete(row)
        db.session.commit()
        return self.response(200, message=str(_l("File removed.")))
