"""Login and session rules mixed into the security manager (app.security.AppSecurityManager).

- **Account lockout**: after LOGIN_LOCKOUT_FAILURES failed logins within
  LOGIN_LOCKOUT_MINUTES an account is refused, the right password included, on the
  login form and on the JWT login alike, until the oldest failure of the window ages
  out. Unknown user names are counted the same way (the answer does not tell
  whether an account exists).
- **Logout ends the sessions**: logging out records the moment in the security
  store; every session cookie and every JWT (access or refresh) of that user issued
  before it is refused from then on, in every process ("log out everywhere").
- **Password policy** for FAB's user forms and `flask aftersales create-admin`.

The counters live in the store named by RATELIMIT_STORAGE_URI (the `limits`
storage Flask-Limiter uses: `memory://` in one process, `redis://` shared by every
worker and machine). A memory store forgets lockouts and logouts when the process
restarts; so does a Redis that keeps nothing on disk.
"""

from __future__ import annotations

import logging
import time
from datetime import timedelta
from typing import Any, cast

from flask import current_app, flash, g, has_request_context, request, session
from flask_appbuilder.exceptions import PasswordComplexityValidationError
from flask_babel import ngettext
from flask_login import user_logged_in
from limits import RateLimitItemPerMinute
from limits.storage import storage_from_string
from limits.strategies import MovingWindowRateLimiter

from app.web import fab

log = logging.getLogger("aftersales")

# Session key: when this browser session logged in (milliseconds since the epoch).
SESSION_AUTH_AT = "_as_auth_at"
# JWT claim: when the token was issued, in milliseconds (`iat` has whole seconds).
JWT_ISSUED_AT = "as_iat"


def now_ms() -> int:
    return time.time_ns() // 1_000_000


class SecurityStore:
    """Lockout windows and logout moments in the `limits` storage of RATELIMIT_STORAGE_URI."""

    def __init__(self, config) -> None:
        self.storage = storage_from_string(
            config.get("RATELIMIT_STORAGE_URI") or "memory://",
            **(config.get("RATELIMIT_STORAGE_OPTIONS") or {}),
        )
        self.windows = MovingWindowRateLimiter(self.storage)
        self.prefix = f"{config.get('RATELIMIT_KEY_PREFIX') or ''}aftersales"
        failures = int(config.get("LOGIN_LOCKOUT_FAILURES") or 0)
        minutes = int(config.get("LOGIN_LOCKOUT_MINUTES") or 0)
        enabled = bool(config.get("AUTH_RATE_LIMITED")) and failures > 0 and minutes > 0
        self.lockout = RateLimitItemPerMinute(failures, minutes) if enabled else None
        self.lockout_minutes = minutes
        # a logout is remembered as long as anything issued before it could be valid
        lifetimes = [
            config.get(k)
            for k in (
                "PERMANENT_SESSION_LIFETIME",
                "JWT_ACCESS_TOKEN_EXPIRES",
                "JWT_REFRESH_TOKEN_EXPIRES",
            )
        ]
        seconds = [
            (v.total_seconds() if isinstance(v, timedelta) else float(v))
            for v in lifetimes
            if v not in (None, False)
        ]
        self.logout_ttl = int(max(seconds + [30 * 24 * 3600])) + 60

    # ------------------------------------------------------------ lockout

    def _id(self, account: str) -> str:
        return f"{self.prefix}:login-failures:{account}"

    def locked(self, account: str) -> bool:
        return self.lockout is not None and not self.windows.test(self.lockout, self._id(account))

    def failed(self, account: str) -> None:
        if self.lockout is not None:
            self.windows.hit(self.lockout, self._id(account))

    def succeeded(self, account: str) -> None:
        if self.lockout is not None:
            self.windows.clear(self.lockout, self._id(account))

    def retry_after(self, account: str) -> int:
        """Seconds until the account takes a login again (at least 1)."""
        if self.lockout is None:
            return 0
        stats = self.windows.get_window_stats(self.lockout, self._id(account))
        return max(1, int(stats.reset_time - time.time()) + 1)

    # ------------------------------------------------------------ logouts

    def _logout_key(self, user_id) -> str:
        return f"{self.prefix}:logout:{int(user_id)}"

    def record_logout(self, user_id) -> int:
        """Everything this user was issued until now (sessions, tokens) stops working."""
        moment = now_ms()
        key = self._logout_key(user_id)
        self.storage.clear(key)  # a fresh expiry, counted from this logout
        self.storage.incr(key, self.logout_ttl, amount=moment)
        return moment

    def logged_out_at(self, user_id) -> int:
        return int(cast(int, self.storage.get(self._logout_key(user_id))) or 0)

    def revoked(self, user_id, issued_ms: int) -> bool:
        return issued_ms <= self.logged_out_at(user_id)


def security_store(app=None) -> SecurityStore:
    return fab(app).sm.security_store


class AuthMixin:
    # given by FAB's security manager, which this is mixed into
    find_user: Any

    """Login throttling, lockout and session rules of the security manager."""

    security_store: SecurityStore

    def create_limiter(self, app):
        limiter = super().create_limiter(app)
        self.security_store = SecurityStore(app.config)
        return limiter

    # ------------------------------------------------------------ lockout

    def _account_key(self, username: str) -> str:
        """The user's id when the name (or e-mail) is known, else the name itself, so
        the username and the e-mail of one account share one count."""
        user = self.find_user(username=username) or self.find_user(email=username)
        return f"user:{user.id}" if user is not None else f"name:{username.casefold()}"

    def auth_user_db(self, username, password):
        store = self.security_store
        if store.lockout is None or not isinstance(username, str) or not username:
            return super().auth_user_db(username, password)
        account = self._account_key(username)
        if store.locked(account):
            log.warning("login refused: account %s is locked after failed logins", username)
            self._report_lockout(account)
            return None
        user = super().auth_user_db(username, password)
        if user is None:
            store.failed(account)
            if store.locked(account):
                log.warning("account %s locked after repeated failed logins", username)
                self._report_lockout(account)
        else:
            store.succeeded(account)
        return user

    def _report_lockout(self, account: str) -> None:
        if not has_request_context():
            return
        g.as_login_locked = self.security_store.retry_after(account)
        if not request.path.startswith("/api/"):
            flash(str(lockout_message()), "danger")

    # ------------------------------------------------------------ sessions

    def create_login_manager(self, app):
        lm = super().create_login_manager(app)
        lm.user_loader(self._load_session_user)
        real_app = getattr(app, "_get_current_object", lambda: app)()  # FAB passes current_app
        user_logged_in.connect(_stamp_session, real_app, weak=False)
        return lm

    def _load_session_user(self, pk):
        """The user of a session cookie, unless he logged out after it was issued."""
        user = self.load_user(pk)
        if user is None:
            return None
        issued = session.get(SESSION_AUTH_AT)
        if not isinstance(issued, int) or self.security_store.revoked(user.id, issued):
            return None
        return user

    def on_user_logout(self, user) -> None:
        super().on_user_logout(user)  # type: ignore[misc]
        self.security_store.record_logout(user.id)
        log.info("user %s logged out: earlier sessions and tokens revoked", user.username)

    # ------------------------------------------------------------ JWT

    def create_jwt_manager(self, app):
        jwt_manager = super().create_jwt_manager(app)
        jwt_manager.additional_claims_loader(lambda _identity: {JWT_ISSUED_AT: now_ms()})
        jwt_manager.token_in_blocklist_loader(self._token_revoked)
        return jwt_manager

    def _token_revoked(self, _header, payload) -> bool:
        try:
            user_id = int(payload["sub"])
        except (KeyError, TypeError, ValueError):
            return True
        issued = payload.get(JWT_ISSUED_AT)
        if not isinstance(issued, int):
            issued = int(payload.get("iat", 0)) * 1000
        return self.security_store.revoked(user_id, issued)


def _stamp_session(_app, user=None, **_kw) -> None:
    """A new login: the session remembers when (a later logout refuses it)."""
    session[SESSION_AUTH_AT] = now_ms()


def lockout_message():
    minutes = int(current_app.config.get("LOGIN_LOCKOUT_MINUTES") or 0)
    return ngettext(
        "Too many failed logins for this account: it is locked for up to %(num)d "
        "minute. Try again later or ask an administrator.",
        "Too many failed logins for this account: it is locked for up to %(num)d "
        "minutes. Try again later or ask an administrator.",
        minutes,
    )


# ---------------------------------------------------------------- passwords

# A password needs this many different characters (refuses "aaaaaaaaaaaa", "121212121212").
MIN_DISTINCT_CHARACTERS = 5


def password_policy(password: str) -> None:
    """FAB_PASSWORD_COMPLEXITY_VALIDATOR: raise PasswordComplexityValidationError with
    a translated reason when `password` is too weak. Also used by `create-admin`."""
    problem = password_problem(password)
    if problem is not None:
        raise PasswordComplexityValidationError(problem)


def password_problem(password: str | None):
    """Why `password` is refused (translated), or None."""
    password = password or ""
    length = int(current_app.config.get("PASSWORD_MIN_LENGTH") or 12)
    if len(password) < length:
        return ngettext(
            "The password must have at least %(num)d character.",
            "The password must have at least %(num)d characters.",
            length,
        )
    if len(set(password)) < MIN_DISTINCT_CHARACTERS:
        return ngettext(
            "The password must use at least %(num)d different character.",
            "The password must use at least %(num)d different characters.",
            MIN_DISTINCT_CHARACTERS,
        )
    return None
