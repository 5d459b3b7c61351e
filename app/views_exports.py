"""The Exports page and the CSV exports and imports behind it (screen and API alike)."""

from __future__ import annotations

from datetime import date

from flask import (
    Response,
    abort,
    current_app,
    flash,
    request,
    stream_with_context,
)
from flask_appbuilder import BaseView, expose
from flask_appbuilder.security.decorators import has_access
from flask_babel import get_locale
from flask_babel import lazy_gettext as _l

from app import csvheaders, csvio, policy
from app.db import db
from app.errors import DomainError
from app.security import WRITE
from app.views import date_arg


def export_allowed(export, actor=None) -> bool:
    """The export's resource is readable, and its statement reads no column hidden from
    the user and no table a record rule limits him on (an export is every row)."""
    actor = actor or policy.current_actor()
    return (
        actor.reads(export.resource) and policy.statement_refusal(export.statement(), actor) is None
    )


def _exports_for_user():
    loaded = current_app.extensions["aftersales"]
    actor = policy.current_actor()
    exports = [e for e in loaded.exports.values() if export_allowed(e, actor)]
    imports = [i for i in loaded.imports.values() if actor.can(WRITE, i.resource)]
    return exports, imports


def _grouped(items, q: str) -> list[tuple[str, list]]:
    """[(module label, [export or import, ...])] in the modules' order, the ones whose
    title, name or description contain `q` (any case) when it is given."""
    groups = current_app.extensions["aftersales"].groups
    words = q.casefold().split()
    out: dict[str, list] = {}
    for item in items:
        text = f"{item.title} {item.name} {item.description}".casefold()
        if all(w in text for w in words):
            out.setdefault(str(groups.get(item.name, "")), []).append(item)
    return list(out.items())


def reader_csv_options() -> csvio.CsvOptions:
    """The CSV a person's spreadsheet opens as it is, in his language (the screens);
    integrators through the API keep the installation's defaults."""
    return csvio.CsvOptions.for_locale(get_locale())


def column_labels(export) -> list[str]:
    """The export's column headers in the reader's language (app.csvheaders)."""
    return csvheaders.header_labels(export, csvheaders.screen_labels(export))


def export_response(name: str, defaults: csvio.CsvOptions | None = None) -> Response:
    """The streamed CSV of export `name`, for the UI and the API alike; what the
    request does not say is `defaults` (the screen: the reader's language). The header
    row holds the technical column names unless `?header=labels` asks for the labels
    in the reader's language."""
    loaded = current_app.extensions["aftersales"]
    export = loaded.exports.get(name)
    if export is None:
        raise DomainError(_l("No such export."), status=404)
    if not export_allowed(export):
        raise DomainError(_l("You may not take this export."), status=403)
    options = csvio.CsvOptions.from_args(
        request.args, current_app.config["CSV_DEFAULT_DELIMITER"], defaults
    )
    labels = csvheaders.header_choice(request.args) == csvheaders.HEADER_LABELS
    date_from, date_to = date_arg("date_from"), date_arg("date_to")
    if date_from and date_to and date_from > date_to:
        raise DomainError(_l("The period ends before it starts."), field="date_to", status=400)
    headers = column_labels(export) if labels else None
    body = csvio.stream_export(db.session, export, options, date_from, date_to, headers)
    stamp = date.today().isoformat()
    return Response(
        stream_with_context(body),
        mimetype="text/csv",
        headers={
            "Content-Disposition": f'attachment; filename="{name}-{stamp}.csv"',
            "Cache-Control": "no-store",
        },
    )


def import_request(name: str) -> csvio.ImportResult:
    loaded = current_app.extensions["aftersales"]
    imp = loaded.imports.get(name)
    if imp is None:
        raise DomainError(_l("No such import."), status=404)
    if not policy.current_actor().can(WRITE, imp.resource):
        raise DomainError(_l("You may not import these records."), status=403)
    upload = request.files.get("file")
    if upload is None:
        raise DomainError(_l("Attach a CSV file."), field="file", status=400)
    raw = csvio.read_upload(upload, current_app.config["CSV_MAX_UPLOAD_BYTES"])
    options = csvio.CsvOptions.from_args(request.form, current_app.config["CSV_DEFAULT_DELIMITER"])
    dry_run = str(request.form.get("dry_run", request.args.get("dry_run", ""))).lower() in (
        "1",
        "true",
        "yes",
        "on",
    )
    return csvio.run_import(db.session, imp, raw, options, dry_run=dry_run)


class ExportsView(BaseView):
    route_base = "/exports"
    class_permission_name = "Exports"
    method_permission_name = {"index": "read", "download": "read", "upload": "read"}
    base_permissions = ["can_read"]
    default_view = "index"

    def render_template(self, template, **kwargs):
        exports, imports = _exports_for_user()
        q = (request.args.get("q") or "").strip()[:100]
        kwargs.update(
            q=q,
            export_groups=_grouped(exports, q),
            import_groups=_grouped(imports, q),
            csv=reader_csv_options(),
            column_labels=column_labels,
        )
        return super().render_template(template, **kwargs)

    @expose("/")
    @has_access
    def index(self):
        return self.render_template("aftersales/exports.html")

    @expose("/<name>.csv")
    @has_access
    def download(self, name):
        try:
            return export_response(name, reader_csv_options())
        except DomainError as err:
            if err.status == 404:
                abort(404)
            flash(str(err.message), "danger")
            return self.index(), err.status

    @expose("/import/<name>", methods=["POST"])
    @has_access
    def upload(self, name):
        try:
            result = import_request(name)
        except DomainError as err:
            if err.status == 404:
                abort(404)
            flash(str(err.message), "danger")
            return self.render_template("aftersales/exports.html"), err.status
        status = 200 if result.ok else 422
        return self.render_template("aftersales/exports.html", result=result), status
