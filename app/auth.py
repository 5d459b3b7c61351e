"""Login and session rules mixed into the security manager (app.security.AppSecurityManager)."""

from __future__ import annotations


class AuthMixin:
    """Login throttling, lockout and session rules of the security manager."""
