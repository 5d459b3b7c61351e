"""Helpers shared by the claims views and APIs: the current user and bodies (the claims
record rule is declared in permissions.py and applied by every door)."""

from __future__ import annotations

from app.web import date_value, json_body  # noqa: F401 - re-exported
from modules.inventory.web import current_user_id

__all__ = ["current_user_id", "date_value", "json_body"]
