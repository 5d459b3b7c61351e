"""Claims listens to warranty's `repair_completed`: a satisfaction request per repair."""

from __future__ import annotations

from app import signals


def on_repair_completed(sender, session=None, **kw):
    repair_id = kw.get("repair_id")
    if session is None or not isinstance(repair_id, int):
        return
    from modules.claims.services.satisfaction import request_for_repair

    request_for_repair(session, repair_id, kw.get("technician_user_id"))


def connect() -> None:
    signals.repair_completed.connect(on_repair_completed)
