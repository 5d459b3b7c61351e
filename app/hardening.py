"""Hardening of every request and response, and of the login.

- Response headers: a Content-Security-Policy whose scripts need the request's
  nonce (`csp_nonce()` in templates; FAB's templates ask for it through
  `baselib.get_nonce()`), HSTS behind HTTPS, `Cache-Control: no-store` on what a
  logged-in user is shown, and the usual nosniff / frame / referrer headers.
- Cross-site requests: an unsafe API request (POST/PUT/PATCH/DELETE under /api/)
  authenticated by the browser's session cookie must come from this site (Origin,
  or Referer, names this host) or carry the CSRF token in `X-CSRFToken`; requests
  with a bearer token are not concerned (a cross-site page cannot send one).
- Client addresses through PROXY_FIX_X_FOR trusted proxies (werkzeug ProxyFix).
- The login: the JWT login gets the form's throttle, a locked account answers 429,
  and `POST /api/v1/security/logout` ends the caller's sessions and tokens.

(Lockout, logout and password rules live in app.auth.)"""

from __future__ import annotations

import secrets
from typing import Any, cast
from urllib.parse import urlsplit

from flask import Flask, abort, current_app, g, jsonify, request, session
from flask_appbuilder import AppBuilder
from flask_babel import lazy_gettext as _l
from flask_wtf.csrf import CSRFError
from werkzeug.middleware.proxy_fix import ProxyFix

UNSAFE_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})
API_LOGIN = "/api/v1/security/login"
API_LOGOUT = "/api/v1/security/logout"
STATIC_ENDPOINTS = ("static", "appbuilder.static")


def csp_nonce() -> str:
    """This request's nonce for inline <script> elements (`nonce="{{ csp_nonce() }}"`)."""
    nonce = g.get("csp_nonce")
    if nonce is None:
        nonce = g.csp_nonce = secrets.token_urlsafe(18)
    return nonce


def content_security_policy(nonce: str) -> str:
    # style-src keeps 'unsafe-inline': FAB's templates and widgets (and ours) set
    # style attributes; scripts, the dangerous part, run only from this site or with
    # the request's nonce (no inline handlers, no javascript: URLs).
    return (
        "default-src 'self'; img-src 'self' data:; style-src 'self' 'unsafe-inline'; "
        f"script-src 'self' 'nonce-{nonce}'; object-src 'none'; base-uri 'self'; "
        "form-action 'self'; frame-ancestors 'self'"
    )


def install(app: Flask) -> None:
    _install_proxy_fix(app)
    app.jinja_env.globals["csp_nonce"] = csp_nonce

    # A body larger than allowed is refused before any hook (app.edge's input checks,
    # Flask-WTF's CSRF) reads it: right after app.edge's first hook, which sets up
    # what an error page needs (g.user, the request id).
    hooks = app.before_request_funcs.setdefault(None, [])
    first = next((i + 1 for i, f in enumerate(hooks) if f.__name__ == "_request_basics"), 0)
    hooks.insert(first, _refuse_oversized_body)

    @app.before_request
    def _request_guards():
        _check_cross_site_api_request()

    @app.after_request
    def _security_headers(response):
        response = _locked_account(response)
        headers = response.headers
        headers.setdefault("X-Content-Type-Options", "nosniff")
        headers.setdefault("X-Frame-Options", "SAMEORIGIN")
        headers.setdefault("Referrer-Policy", "same-origin")
        headers.setdefault("Content-Security-Policy", content_security_policy(csp_nonce()))
        if app.config.get("SESSION_COOKIE_SECURE"):
            headers.setdefault(
                "Strict-Transport-Security", f"max-age={int(app.config['HSTS_MAX_AGE'])}"
            )
        if _for_a_logged_in_user() and "no-store" not in headers.get("Cache-Control", ""):
            headers["Cache-Control"] = "no-store"
        headers["X-Request-Id"] = getattr(g, "request_id", "")
        return response


def _install_proxy_fix(app: Flask) -> None:
    hops = {
        k: int(app.config.get(f"PROXY_FIX_X_{k.upper()}") or 0) for k in ("for", "proto", "host")
    }
    if any(hops.values()):
        app.wsgi_app = ProxyFix(  # type: ignore[method-assign]
            app.wsgi_app, x_for=hops["for"], x_proto=hops["proto"], x_host=hops["host"]
        )


def _for_a_logged_in_user() -> bool:
    if request.endpoint in STATIC_ENDPOINTS:
        return False
    user = g.get("user")
    try:
        return bool(user is not None and user.is_authenticated)
    except Exception:  # a user row gone with a rolled-back session: treat as logged in
        return True


def _refuse_oversized_body() -> None:
    """A body larger than MAX_CONTENT_LENGTH: 413 naming the limit (werkzeug's own
    answer, raised later while parsing, does not say how much is allowed)."""
    limit = current_app.config.get("MAX_CONTENT_LENGTH")
    length = request.content_length
    if limit and length and length > limit:
        abort(
            413,
            description=str(
                _l(
                    "The request is too large: at most %(mb)s MB (MAX_CONTENT_LENGTH).",
                    mb=_megabytes(limit),
                )
            ),
        )


def _megabytes(n: int) -> str:
    value = n / (1024 * 1024)
    return f"{value:.0f}" if value == int(value) else f"{value:.1f}"


def _check_cross_site_api_request() -> None:
    """Cookie-authenticated unsafe API requests: same origin or the CSRF token."""
    if not current_app.config.get("WTF_CSRF_ENABLED", True):
        return
    if request.method not in UNSAFE_METHODS or not request.path.startswith("/api/"):
        return
    if request.path == API_LOGIN:
        return
    if request.headers.get("Authorization", "")[:7].lower() == "bearer ":
        return  # a token, not the browser's cookie, authenticates this request
    if "_user_id" not in session:
        return  # no browser login: the API answers 401 by itself
    if _same_origin():
        return
    try:
        current_app.extensions["csrf"].protect()
    except CSRFError:
        # 403, not Flask-WTF's 400: the request is well formed, its origin is refused
        abort(
            403,
            description=str(
                _l(
                    "Cross-site request refused: a request made with the browser's "
                    "login must come from this site's pages or carry the X-CSRFToken "
                    "header; programs use a bearer token."
                )
            ),
        )


def _same_origin() -> bool:
    """Origin (or, without it, Referer) names this host."""
    source = request.headers.get("Origin")
    if source is None:
        source = request.headers.get("Referer")
    if not source or source == "null":
        return False
    return urlsplit(source).netloc.lower() == request.host.lower()


def install_login_limits(appbuilder: AppBuilder) -> None:
    """FAB throttles the login form only: give the JWT login the same limit; a locked
    account answers 429 on the API; add the API logout."""
    sm = appbuilder.sm
    app = cast(Any, current_app)._get_current_object()  # called inside the app context
    if sm.is_auth_limited:
        for view in appbuilder.baseviews:
            if isinstance(view, sm.security_api):
                sm.limiter.limit(sm.auth_rate_limit, methods=["POST"])(view.blueprint)

    _add_api_logout(app)


def _locked_account(response):
    """The JWT login of a locked account: 429 with Retry-After, not FAB's bare 401."""
    retry = g.get("as_login_locked")
    if retry and request.path == API_LOGIN and response.status_code == 401:
        from app.auth import lockout_message

        locked = jsonify(message=str(lockout_message()))
        locked.status_code = 429
        locked.headers["Retry-After"] = str(retry)
        return locked
    return response


def _add_api_logout(app: Flask) -> None:
    from flask_jwt_extended import get_jwt, verify_jwt_in_request

    def api_logout():
        """End every session and token of the caller (the bearer token's user)."""
        verify_jwt_in_request(refresh=_wants_refresh())
        user_id = get_jwt()["sub"]
        sm = current_app.appbuilder.sm
        user = sm.get_user_by_id(int(user_id))
        if user is not None:
            sm.on_user_logout(user)
        return jsonify(message="Logged out"), 200

    app.add_url_rule(API_LOGOUT, "aftersales_api_logout", api_logout, methods=["POST"])
    app.extensions["csrf"].exempt(api_logout)  # bearer token only: nothing a page can forge


def _wants_refresh() -> bool:
    """The logout may be sent with the refresh token as well as the access token."""
    import jwt

    header = request.headers.get("Authorization", "")
    token = header[7:] if header[:7].lower() == "bearer " else ""
    try:
        claims = jwt.decode(token, options={"verify_signature": False})
    except jwt.PyJWTError:
        return False
    return claims.get("type") == "refresh"
