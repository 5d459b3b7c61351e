"""The edge of every request: input that cannot be right is refused before any view
runs (a clear 4xx, never a 500), and errors become pages or JSON in the user's language.

What is refused here, whatever the view:
- control characters (NUL and the other C0 characters but tab, CR and LF; DEL) and
  lone surrogates in the path, in any query argument, form field, uploaded file's
  name and JSON string (key or value): no text column holds them (psycopg raises on
  NUL, UTF-8 cannot encode a surrogate). Uploaded files' *content* is binary and left
  alone. 400.
- ids in the URL that the key column cannot hold (an int4 id of 2**31 or more on
  PostgreSQL), or that are not whole numbers where the key is one: they do not
  exist. 404.
- ModelView actions (`/action/<name>/<pk>`, `/action_post`) that the view does not
  have, the wrong kind (one record / several), or on records the user does not see:
  404.
- FAB's page, page-size and order arguments it would crash on, unparsable `q`, API
  bodies that are not JSON objects, API logins without the `db` provider. 400.
"""

from __future__ import annotations

import csv
import logging
import re
import uuid
from typing import Any

from flask import Flask, g, jsonify, redirect, request
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from markupsafe import escape
from sqlalchemy import BigInteger, Integer, SmallInteger
from sqlalchemy.exc import DataError
from werkzeug.exceptions import HTTPException

from app.datamodel import data_error
from app.db import db
from app.errors import DomainError
from app.web import fab

log = logging.getLogger("aftersales")


def install(app: Flask) -> None:
    _install_request_hooks(app)


def _wants_json() -> bool:
    return request.path.startswith("/api/") or request.path.startswith("/lookup/")


# A request id from the client (a proxy's, a caller's) is kept only when it is plain:
# it goes into logs, a response header and the error page.
_REQUEST_ID = re.compile(r"[A-Za-z0-9._-]{1,64}")


def _request_basics() -> None:
    """First of all hooks (before CSRF and FAB's own): the request id, and `g.user`,
    which FAB's menu reads when an error page is drawn for a request refused before
    FAB's hook ran (a CSRF failure)."""
    given = request.headers.get("X-Request-Id", "")
    g.request_id = given if _REQUEST_ID.fullmatch(given) else uuid.uuid4().hex[:16]
    if "user" not in g:
        g.user = current_user


def _install_request_hooks(app: Flask) -> None:
    app.before_request_funcs.setdefault(None, []).insert(0, _request_basics)

    @app.before_request
    def _guards():
        error = _check_control_chars()
        if error:
            return _error_response(400, error)
        for key, value in request.args.items():
            # FAB reads `re.findall("page_(.*)", arg)`, i.e. "page_" anywhere in the
            # name, and calls int() on it: "x_page_V=abc" or "page_V=²" (isdigit()
            # but not int()) were 500s, and a 20-digit page overflowed the OFFSET.
            if "page_" in key or "psize_" in key:
                if not (value.isascii() and value.isdigit() and int(value) < _MAX_PAGE_ARG):
                    return _error_response(400, _l("%(name)s must be a whole number.", name=key))
            # `_oc_<View>=<column>`: FAB orders by any name it is given (500 on an
            # unknown column); only the view's own order_columns are allowed.
            elif "_oc_" in key:
                error = _check_order_arg(app, key, value)
                if error:
                    return _error_response(400, error)
        view = _view_of_request(app)
        if not _ids_can_exist(view):
            return _error_response(404, _l("Not found."))
        if view is not None and request.endpoint in (
            f"{view.endpoint}.action",
            f"{view.endpoint}.action_post",
        ):
            error = _check_action(view)
            if error:
                return _error_response(404, error)
        if view is not None and _fab_file_download(app, view):
            return _error_response(404, _l("Not found."))
        if request.path.startswith("/api/") and "q" in request.args and not _plain_q():
            error = _check_q(request.args["q"])
            if error:
                return _error_response(400, error)
        if (
            request.path.startswith("/api/")
            and request.method in ("POST", "PUT", "PATCH")
            and request.is_json
        ):
            # Every API takes a JSON object. FAB's PUT merged an array, a string or
            # null into the item (500), and a deeply nested body raised
            # RecursionError in json.loads (500) instead of "not JSON" (400).
            if not isinstance(_json_body(), dict):
                return _error_response(400, _l("The request body must be a JSON object."))
        if request.path == "/api/v1/security/login" and request.method == "POST":
            body = _json_body()
            if not isinstance(body, dict):
                return _error_response(400, _l("The request body must be a JSON object."))
            if body.get("provider") not in ("db",):
                return _error_response(400, _l('provider must be "db".'))
            if not isinstance(body.get("username"), str) or not isinstance(
                body.get("password"), str
            ):
                return _error_response(400, _l("username and password are required."))
        return None

    @app.errorhandler(DomainError)
    def _domain_error(err: DomainError):
        db.session.rollback()
        if _wants_json():
            return jsonify(err.as_dict()), err.status
        from flask import flash

        flash(str(err.message), "danger")
        return redirect(request.referrer or "/"), 303

    @app.errorhandler(csv.Error)
    def _csv_error(err: csv.Error):
        # An uploaded file the csv module cannot read (e.g. "field larger than
        # field limit") is the client's fault: 400, not 500.
        db.session.rollback()
        return _error_response(400, _l("The file is not a readable CSV file: %(error)s", error=err))

    @app.errorhandler(DataError)
    @app.errorhandler(OverflowError)
    def _value_error(err: Exception):
        # A value the database cannot take or compare with: a number too large for
        # its column (NumericValueOutOfRange on PostgreSQL, OverflowError in SQLite's
        # driver), in a filter of a screen our datamodel does not serve (FAB's user
        # and role lists) or a form. The client's value: 400, nothing written.
        db.session.rollback()
        log.info("value refused by the database (request id %s): %s", g.get("request_id"), err)
        return _error_response(400, data_error().message)

    @app.errorhandler(HTTPException)
    def _http_error(err: HTTPException):
        from flask_wtf.csrf import CSRFError

        description = err.description or err.name
        if isinstance(err, CSRFError):
            # flask-wtf's reasons are English and technical; say what to do.
            description = str(_CSRF_MESSAGE)
        if _wants_json():
            return _error_response(err.code or 500, description)
        if err.code in ERROR_TITLES:
            return _error_page(err.code, description), err.code
        return err

    @app.errorhandler(Exception)
    def _unexpected(err: Exception):
        db.session.rollback()
        ref = getattr(g, "request_id", None) or "-"
        log.exception("unhandled error (request id %s)", ref)
        message = str(_l("An unexpected error occurred. Reference: %(ref)s", ref=ref))
        if _wants_json():
            return jsonify(message=message), 500
        try:
            return _error_page(500, message), 500
        except Exception:  # the layout itself failed (database down...): plain text
            db.session.rollback()
            return str(escape(message)), 500, {"Content-Type": "text/plain; charset=utf-8"}


# Page numbers and sizes in URLs stay far below 64-bit OFFSET/LIMIT overflow.
_MAX_PAGE_ARG = 2**31

# --------------------------------------------------------------------------- text

# C0 controls but tab, LF and CR; DEL; UTF-16 surrogates (JSON's "\ud800" decodes to
# a lone one, which no UTF-8 database stores).
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ud800-\udfff]")
_FORM_TYPES = ("application/x-www-form-urlencoded", "multipart/form-data")
_NOT_PARSED = object()


def _bad_text(value: Any) -> bool:
    return isinstance(value, str) and _CONTROL.search(value) is not None


def _control_char_message(where: str):
    return _l(
        "%(field)s contains a control character (such as NUL) that no text may hold.",
        field=where,
    )


def _check_control_chars():
    """The first place of the request that holds a control character, as a message."""
    if _bad_text(request.path):
        return _control_char_message(str(_l("The address")))
    for key, values in request.args.lists():
        if _bad_text(key) or any(_bad_text(v) for v in values):
            return _control_char_message(_printable(key))
    if request.method in ("GET", "HEAD", "OPTIONS"):
        return None
    if request.mimetype in _FORM_TYPES:
        for key, values in request.form.lists():
            if _bad_text(key) or any(_bad_text(v) for v in values):
                return _control_char_message(_printable(key))
        for key, files in request.files.lists():
            # The content is binary and may hold anything; the name is text.
            if _bad_text(key) or any(_bad_text(f.filename) for f in files):
                return _control_char_message(_printable(key))
    elif request.is_json:
        where = _json_control_char(_json_body())
        if where is not None:
            return _control_char_message(where or str(_l("The request body")))
    return None


def _json_control_char(body) -> str | None:
    """The path ("lines[0].note") of the first JSON string holding a control
    character, "" for the top level, None when there is none. Iterative: a body may
    be nested as deep as the JSON parser allows."""
    stack: list[tuple[str, Any]] = [("", body)]
    while stack:
        path, node = stack.pop()
        if isinstance(node, str):
            if _bad_text(node):
                return _printable(path)
        elif isinstance(node, dict):
            for key, value in node.items():
                sub = f"{path}.{key}" if path else str(key)
                if _bad_text(key):
                    return _printable(sub)
                stack.append((sub, value))
        elif isinstance(node, list):
            stack.extend((f"{path}[{i}]", v) for i, v in enumerate(node))
    return None


def _printable(name: str) -> str:
    """A field name fit to show back: control characters replaced, length bounded."""
    return _CONTROL.sub("\ufffd", name)[:100]


def _json_body():
    """The request's JSON body, parsed once; None when it is not JSON (also when it is
    nested so deep that the parser gives up: RecursionError)."""
    cached = getattr(g, "_edge_json", _NOT_PARSED)
    if cached is _NOT_PARSED:
        try:
            cached = request.get_json(silent=True)
        except RecursionError:
            cached = None
        g._edge_json = cached
    return cached


# --------------------------------------------------------------------------- ids


def _int_limit(column) -> int | None:
    """The first value an integer column cannot hold (None: not an integer column)."""
    kind = column.type
    if isinstance(kind, BigInteger):
        return 2**63
    if isinstance(kind, SmallInteger):
        return 2**15
    if isinstance(kind, Integer):
        return 2**31
    return None


def _views_by_blueprint(app: Flask) -> dict:
    cache = app.extensions.get("aftersales_edge_views")
    if cache is None:
        cache = {}
        for view in fab(app).baseviews:
            blueprint = getattr(view, "blueprint", None)
            if blueprint is not None:
                cache[blueprint.name] = view
        app.extensions["aftersales_edge_views"] = cache
    return cache


def _view_of_request(app: Flask):
    return _views_by_blueprint(app).get(request.blueprint or "")


def _widest_id(app: Flask) -> int:
    """The first id no key column of the installation can hold: an id-like URL part
    that names another table (an attachment's owner) is checked against this."""
    widest = app.extensions.get("aftersales_edge_widest_id")
    if widest is None:
        limits = [
            _int_limit(col)
            for table in db.metadata.tables.values()
            for col in table.primary_key.columns
        ]
        widest = max((lim for lim in limits if lim), default=2**63)
        app.extensions["aftersales_edge_widest_id"] = widest
    return widest


def _pk_column(view):
    datamodel = getattr(view, "datamodel", None)
    model = getattr(datamodel, "obj", None)
    table = getattr(model, "__table__", None)
    if table is None:
        return None
    columns = list(table.primary_key.columns)
    return columns[0] if len(columns) == 1 else None


_WHOLE = re.compile(r"-?[0-9]{1,20}")


def _ids_can_exist(view) -> bool:
    """False when a `<pk>` or `<int:...>` URL part cannot be an existing row's id."""
    from flask import current_app

    args = request.view_args or {}
    if not args:
        return True
    pk_column = _pk_column(view)
    pk_limit = _int_limit(pk_column) if pk_column is not None else None
    for key, value in args.items():
        limit = None
        if key == "pk" and pk_limit is not None:
            limit = pk_limit
            if isinstance(value, str):
                # FAB's `<pk>` is a string: "abc" or "1.5" cast to an integer column
                # is a DataError on PostgreSQL (500 in FAB's own views).
                if not _WHOLE.fullmatch(value):
                    return False
                value = int(value)
        if isinstance(value, int) and not isinstance(value, bool):
            limit = limit or _widest_id(current_app)
            if not -limit <= value < limit:
                return False
    return True


def _fab_file_download(app: Flask, view) -> bool:
    """FAB's `/download/<filename>` of its own screens (users, roles) serves files of
    a FileColumn from UPLOAD_FOLDER; no model has one and no folder is set, so FAB
    raised KeyError (500). There is nothing to download: 404."""
    from flask_appbuilder.views import ModelView

    if not (
        request.endpoint == f"{view.endpoint}.download"
        and getattr(type(view), "download", None) is ModelView.download
        and not app.config.get("UPLOAD_FOLDER")
    ):
        return False
    # Who may not download is refused by FAB first (403, or the login page).
    permission = (view.method_permission_name or {}).get("download", "download")
    return view.appbuilder.sm.has_access(f"can_{permission}", view.class_permission_name)


# --------------------------------------------------------------------------- actions


def _check_action(view):
    """A ModelView action: one the view has, of the right kind (one record or
    several), on records the user may see (FAB looks them up without the view's
    base filters and calls the action with None for a missing one: a 500)."""
    single = request.endpoint.endswith(".action")
    name = (request.view_args or {}).get("name") if single else request.form.get("action")
    actions = getattr(view, "actions", None) or {}
    action = actions.get(name) if isinstance(name, str) else None
    if action is None or not (action.single if single else action.multiple):
        return _l("This action does not exist.")
    sm = view.appbuilder.sm
    if not sm.has_access(view.get_action_permission_name(name), view.class_permission_name):
        return None  # FAB refuses it (flash, redirect) without looking at the records
    pks = [request.view_args.get("pk")] if single else request.form.getlist("rowid")
    pk_column = _pk_column(view)
    limit = _int_limit(pk_column) if pk_column is not None else None
    for pk in pks:
        if limit is not None:
            if not (isinstance(pk, str) and _WHOLE.fullmatch(pk)) or not (
                -limit <= int(pk) < limit
            ):
                return _l("Not found.")
        if view.datamodel.get(pk, view._base_filters) is None:
            return _l("Not found.")
    return None


# --------------------------------------------------------------------------- list args


def _check_order_arg(app: Flask, key: str, value: str):
    view_name = key.split("_oc_", 1)[1]
    for view in fab(app).baseviews:
        if view.__class__.__name__ == view_name:
            if value not in (getattr(view, "order_columns", None) or ()):
                return _l("Cannot sort by this column.")
    return None


# APIs whose `q` is the text a person typed (the search box), not FAB's rison
PLAIN_Q_ENDPOINTS = frozenset({"SearchApi.find"})


def _plain_q() -> bool:
    return request.endpoint in PLAIN_Q_ENDPOINTS


def _check_q(text: str):
    """The rison (or JSON) `q` of FAB's APIs: parsable, and sane page numbers.

    prison raises RecursionError on "(((" (a 500 in FAB), and a huge or negative
    `page`/`page_size` reached the database as an OFFSET it cannot take."""
    import json

    import prison

    try:
        value = prison.loads(text)
    except Exception:  # RecursionError and the parser's own errors
        try:
            value = json.loads(text)
        except (ValueError, RecursionError):
            return _l("q is not a valid rison or JSON argument.")
        if not isinstance(value, dict):
            return _l("q is not a valid rison or JSON argument.")
    if isinstance(value, dict):
        for key in ("page", "page_size"):
            if key in value:
                number = value[key]
                if not isinstance(number, int) or isinstance(number, bool):
                    return _l("%(name)s must be a whole number.", name=key)
                if not 0 <= number < _MAX_PAGE_ARG:
                    return _l("%(name)s is out of range.", name=key)
    return None


# --------------------------------------------------------------------------- answers

ERROR_TITLES = {
    400: _l("The request is not valid"),
    403: _l("You do not have access to this page"),
    404: _l("Page not found"),
    405: _l("This action is not allowed here"),
    413: _l("The file is too large"),
    429: _l("Too many attempts; wait a moment and try again"),
    500: _l("Something went wrong on our side"),
}
_DETAILED = (400, 413, 500)

_CSRF_MESSAGE = _l(
    "The form was not accepted: its security token (CSRF) is missing or has expired. "
    "Reload the page and send it again."
)


def _error_page(code: int, detail):
    """An error page inside the app's layout, in the user's language."""
    from flask import render_template

    if "user" not in g:  # refused before FAB's own hook ran: the menu reads g.user
        g.user = current_user
    appbuilder = fab()
    return render_template(
        "aftersales/error.html",
        code=code,
        title=ERROR_TITLES[code],
        detail=detail if code in _DETAILED else None,
        appbuilder=appbuilder,
        base_template=appbuilder.base_template,
    )


def _error_response(status: int, message):
    """JSON `{"message": ...}` for the API and lookups, the app's error page otherwise."""
    message = str(message)
    if _wants_json():
        return jsonify(message=message), status
    if status in ERROR_TITLES:
        return _error_page(status, message), status
    return str(escape(message)), status, {"Content-Type": "text/plain; charset=utf-8"}
