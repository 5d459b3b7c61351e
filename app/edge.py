"""The edge of every request: input that cannot be right is refused before any view
runs (a clear 4xx, never a 500), and errors become pages or JSON in the user's language."""

from __future__ import annotations

import csv
import logging
import uuid

from flask import Flask, g, jsonify, redirect, request
from flask_babel import lazy_gettext as _l
from werkzeug.exceptions import HTTPException

from app.db import db
from app.errors import DomainError

log = logging.getLogger("aftersales")


def install(app: Flask) -> None:
    _install_request_hooks(app)


def _wants_json() -> bool:
    return request.path.startswith("/api/") or request.path.startswith("/lookup/")


def _install_request_hooks(app: Flask) -> None:
    @app.before_request
    def _request_id_and_guards():
        g.request_id = request.headers.get("X-Request-Id") or uuid.uuid4().hex[:16]
        for key, value in request.args.items():
            # FAB reads `re.findall("page_(.*)", arg)`, i.e. "page_" anywhere in the
            # name, and calls int() on it: "x_page_V=abc" or "page_V=²" (isdigit()
            # but not int()) were 500s, and a 20-digit page overflowed the OFFSET.
            if "page_" in key or "psize_" in key:
                if not (value.isascii() and value.isdigit() and int(value) < _MAX_PAGE_ARG):
                    msg = _l("%(name)s must be a whole number.", name=key)
                    return _error_response(400, str(msg))
            # `_oc_<View>=<column>`: FAB orders by any name it is given (500 on an
            # unknown column); only the view's own order_columns are allowed.
            elif "_oc_" in key:
                error = _check_order_arg(app, key, value)
                if error:
                    return _error_response(400, error)
        error = _check_id_args()
        if error:
            return _error_response(404, error)
        if request.path.startswith("/api/") and "q" in request.args:
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
            try:
                body = request.get_json(silent=True)
            except RecursionError:
                body = None
            if not isinstance(body, dict):
                return _error_response(400, "Request body must be a JSON object")
        if request.path == "/api/v1/security/login" and request.method == "POST":
            body = request.get_json(silent=True)
            if not isinstance(body, dict):
                return _error_response(400, "Request is not JSON")
            if body.get("provider") not in ("db",):
                return _error_response(400, 'provider must be "db"')
            if not isinstance(body.get("username"), str) or not isinstance(
                body.get("password"), str
            ):
                return _error_response(400, "username and password are required")
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
        return _error_response(400, f"The file is not a readable CSV file: {err}")

    @app.errorhandler(HTTPException)
    def _http_error(err: HTTPException):
        if _wants_json():
            return _error_response(err.code or 500, err.description or err.name)
        if err.code in ERROR_TITLES:
            return _error_page(err.code, err.description), err.code
        return err

    @app.errorhandler(Exception)
    def _unexpected(err: Exception):
        db.session.rollback()
        log.exception("unhandled error (request id %s)", getattr(g, "request_id", "-"))
        message = str(_l("An unexpected error occurred. Reference: %(ref)s", ref=g.request_id))
        if _wants_json():
            return _error_response(500, message)
        return message, 500


# Page numbers and sizes in URLs stay far below 64-bit OFFSET/LIMIT overflow.
_MAX_PAGE_ARG = 2**31
# Ids in URLs beyond a signed 64-bit integer cannot exist (and overflow SQLite).
_MAX_ID = 2**63 - 1


def _check_order_arg(app: Flask, key: str, value: str) -> str | None:
    view_name = key.split("_oc_", 1)[1]
    for view in app.appbuilder.baseviews:
        if view.__class__.__name__ == view_name:
            if value not in (getattr(view, "order_columns", None) or ()):
                return f"Cannot order by {value!r}"
    return None


def _check_id_args() -> str | None:
    """A 404 for `<pk>`/`<int:...>` URL parts too large to be an id."""
    for key, value in (request.view_args or {}).items():
        if isinstance(value, str) and key == "pk" and value.lstrip("-").isdigit():
            value = int(value) if value.isascii() else 0
        if isinstance(value, int) and abs(value) > _MAX_ID:
            return "Not found"
    return None


def _check_q(text: str) -> str | None:
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
            return "Not a valid rison/json argument"
        if not isinstance(value, dict):
            return "Not a valid rison/json argument"
    if isinstance(value, dict):
        for key in ("page", "page_size"):
            if key in value:
                number = value[key]
                if not isinstance(number, int) or isinstance(number, bool):
                    return f"{key} must be a whole number"
                if not 0 <= number < _MAX_PAGE_ARG:
                    return f"{key} is out of range"
    return None


ERROR_TITLES = {
    400: _l("The request is not valid"),
    403: _l("You do not have access to this page"),
    404: _l("Page not found"),
    405: _l("This action is not allowed here"),
    413: _l("The file is too large"),
    429: _l("Too many attempts; wait a moment and try again"),
}


def _error_page(code: int, detail: str | None):
    """An error page inside the app's layout, in the user's language."""
    from flask import current_app, render_template

    appbuilder = current_app.appbuilder
    return render_template(
        "aftersales/error.html",
        code=code,
        title=ERROR_TITLES[code],
        detail=detail if code in (400, 413) else None,
        appbuilder=appbuilder,
        base_template=appbuilder.base_template,
    )


def _error_response(status: int, message: str):
    if _wants_json():
        return jsonify(message=message), status
    from werkzeug.exceptions import default_exceptions

    exc = default_exceptions.get(status)
    return (exc(description=message) if exc else message), status
