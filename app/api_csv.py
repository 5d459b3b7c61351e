"""The CSV exports and imports through the API (`/api/v1/csv/`)."""

from __future__ import annotations

from flask import request
from flask_appbuilder.api import BaseApi, expose, safe
from flask_appbuilder.security.decorators import protect

from app.api import DomainErrorsMixin
from app.errors import DomainError


class CsvApi(DomainErrorsMixin, BaseApi):
    """`GET /api/v1/csv/export/<name>` streams an export; `POST /api/v1/csv/import/<name>`
    takes a multipart `file` (and optional `delimiter`, `decimal`, `dry_run`)."""

    resource_name = "csv"
    class_permission_name = "Exports"
    method_permission_name = {"export": "read", "import_": "read", "catalog": "read"}
    allow_browser_login = True
    openapi_spec_tag = "CSV"

    @expose("/", methods=["GET"])
    @protect()
    @safe
    def catalog(self):
        """The exports and imports this user may use, with their columns.
        ---
        get:
          responses:
            200:
              description: Exports and imports with their column layout
            401:
              $ref: '#/components/responses/401'
        """
        from app.views_exports import _exports_for_user, column_labels

        exports, imports = _exports_for_user()
        return self.response(
            200,
            exports=[
                {
                    "name": e.name,
                    "title": str(e.title),
                    "period_filter": e.date_column is not None,
                    "columns": [
                        {"name": c.header, "label": label, "description": str(c.description)}
                        for c, label in zip(e.columns, column_labels(e), strict=True)
                    ],
                }
                for e in exports
            ],
            imports=[
                {
                    "name": i.name,
                    "title": str(i.title),
                    "columns": [
                        {"name": n, "required": f.required} for n, f in i.schema().fields.items()
                    ],
                }
                for i in imports
            ],
        )

    @expose("/export/<name>", methods=["GET"])
    @protect()
    def export(self, name):
        """Stream an export as CSV.
        ---
        get:
          parameters:
          - {in: path, name: name, required: true, schema: {type: string}}
          - {in: query, name: date_from, schema: {type: string, format: date}}
          - {in: query, name: date_to, schema: {type: string, format: date}}
          - {in: query, name: delimiter, schema: {type: string, enum: [",", ";", "tab"]}}
          - {in: query, name: decimal, schema: {type: string, enum: [".", ","]}}
          - {in: query, name: bom, schema: {type: boolean}}
          - in: query
            name: header
            schema: {type: string, enum: [names, labels], default: names}
            description: "names: the technical column names (stable, for programs and
              imports); labels: the columns' labels in the reader's language (?_l_=)"
          - in: query
            name: formulas
            schema: {type: string, enum: [escape, raw], default: escape}
            description: "escape: text cells starting with = + - @ tab or CR get a
              leading ' (spreadsheets show them as text); raw: as stored, for programs"
          responses:
            200:
              description: CSV file
              content:
                text/csv: {}
            400:
              $ref: '#/components/responses/400'
            401:
              $ref: '#/components/responses/401'
            403:
              $ref: '#/components/responses/403'
            404:
              $ref: '#/components/responses/404'
        """
        from app.views_exports import export_response

        try:
            return export_response(name)
        except DomainError as err:
            return self.domain_error(err)

    @expose("/import/<name>", methods=["POST"])
    @protect()
    def import_(self, name):
        """Import a CSV file: all rows or none.
        ---
        post:
          parameters:
          - {in: path, name: name, required: true, schema: {type: string}}
          requestBody:
            content:
              multipart/form-data:
                schema:
                  type: object
                  properties:
                    file: {type: string, format: binary}
                    delimiter: {type: string}
                    decimal: {type: string}
                    dry_run: {type: boolean}
          responses:
            200:
              description: Imported (or, with dry_run, valid)
            400:
              $ref: '#/components/responses/400'
            401:
              $ref: '#/components/responses/401'
            403:
              $ref: '#/components/responses/403'
            404:
              $ref: '#/components/responses/404'
            422:
              description: Refused; `errors` lists line, field and message
        """
        from app.views_exports import import_request

        if not request.files:
            return self.response_400(message="Send the file as multipart/form-data field `file`.")
        try:
            result = import_request(name)
        except DomainError as err:
            return self.domain_error(err)
        return self.response(200 if result.ok else 422, **result.as_dict())
