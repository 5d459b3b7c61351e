"""Hardening of every response and of the login: security headers, login limits.

(Sessions, cookies, keys and passwords are checked here and in app.auth.)"""

from __future__ import annotations

from flask import Flask, g
from flask_appbuilder import AppBuilder


def install(app: Flask) -> None:
    @app.after_request
    def _security_headers(response):
        response.headers.setdefault("X-Content-Type-Options", "nosniff")
        response.headers.setdefault("X-Frame-Options", "SAMEORIGIN")
        response.headers.setdefault("Referrer-Policy", "same-origin")
        response.headers.setdefault(
            "Content-Security-Policy",
            "default-src 'self'; img-src 'self' data:; style-src 'self' 'unsafe-inline'; "
            "script-src 'self' 'unsafe-inline'; frame-ancestors 'self'",
        )
        response.headers["X-Request-Id"] = getattr(g, "request_id", "")
        return response


def install_login_limits(appbuilder: AppBuilder) -> None:
    """FAB throttles the login form only; give the JWT login the same limit."""
    sm = appbuilder.sm
    if not sm.is_auth_limited:
        return
    for view in appbuilder.baseviews:
        if isinstance(view, sm.security_api):
            sm.limiter.limit(sm.auth_rate_limit, methods=["POST"])(view.blueprint)
