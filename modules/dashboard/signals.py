"""The dashboard's listeners: a user's language from his settings, at every login."""

from __future__ import annotations

from flask import session
from flask_login import user_logged_in

from app.db import db
from modules.dashboard.services import notify


def on_login(sender, user, **extra) -> None:
    """Put the language the user chose in his settings into his session (the core's
    locale selector reads it); without a choice the browser's language applies."""
    chosen = notify.chosen_locale(db.session, user.id)
    if chosen is not None:
        session["locale"] = chosen


def connect() -> None:
    user_logged_in.connect(on_login)
