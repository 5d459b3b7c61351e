"""Structured logs: one JSON object per line with the request id, method and path.

`LOG_FORMAT=json` (default outside debug) or `text`; `LOG_LEVEL` (INFO). The id
comes from the `X-Request-Id` header when a proxy sets one, and is returned in
the response header of the same name, so a user's report can be traced.
"""

from __future__ import annotations

import json
import logging
from datetime import UTC, datetime

from flask import g, has_request_context, request


class RequestContextFilter(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        if has_request_context():
            record.request_id = getattr(g, "request_id", "-")
            record.method = request.method
            record.path = request.path
            user = getattr(g, "user", None)
            record.user = getattr(user, "username", None) if user is not None else None
        else:
            record.request_id = record.method = record.path = record.user = None
        return True


class JsonFormatter(logging.Formatter):
    FIELDS = ("request_id", "method", "path", "user")

    def format(self, record: logging.LogRecord) -> str:
        out = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
        }
        for name in self.FIELDS:
            value = getattr(record, name, None)
            if value is not None:
                out[name] = value
        if record.exc_info:
            out["exception"] = self.formatException(record.exc_info)
        return json.dumps(out, ensure_ascii=False)


def configure(app) -> None:
    """Attach one handler to the app's and the aftersales loggers (idempotent)."""
    if app.config.get("TESTING"):
        return  # pytest captures logs itself
    fmt = app.config.get("LOG_FORMAT") or ("text" if app.debug else "json")
    handler = logging.StreamHandler()
    handler.addFilter(RequestContextFilter())
    handler.setFormatter(
        JsonFormatter()
        if fmt == "json"
        else logging.Formatter("%(asctime)s %(levelname)s [%(request_id)s] %(name)s: %(message)s")
    )
    for name in ("aftersales", app.logger.name):
        logger = logging.getLogger(name)
        logger.handlers = [handler]
        logger.setLevel(app.config.get("LOG_LEVEL", "INFO"))
        logger.propagate = False
