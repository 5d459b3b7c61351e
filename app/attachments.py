"""Files attached to records: one store, one upload check, rights of the owner.

A screen opts in with `AppModelView.attachments = True`; its show page then
lists the record's files with an upload form, and the same files are reachable
through `/api/v1/attachment/`. Whoever may read the record (through that
screen, with its record rules) may read its files; whoever may write it may
add and remove them.

The upload check: a size limit (`ATTACHMENT_MAX_BYTES`), a list of allowed
kinds (`ATTACHMENT_TYPES`, file extensions), and the content must look like
what its extension says (a PDF starts with %PDF, a PNG with its signature,
text is UTF-8 without NUL bytes), so an executable renamed to .pdf is refused.
"""

from __future__ import annotations

import hashlib
import os
import unicodedata
from dataclasses import dataclass
from typing import Any

from flask import current_app
from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.orm import Session

from app.errors import DomainError
from app.models import Attachment
from app.web import fab


def _text(data: bytes) -> bool:
    if b"\x00" in data[:8192]:
        return False
    try:
        data[:65536].decode("utf-8")
    except UnicodeDecodeError as err:
        return err.start > 65530  # a multi-byte character cut at the sample's end
    return True


def _zip(data: bytes) -> bool:
    return data.startswith(b"PK\x03\x04")


# extension -> (content type, content check)
KINDS = {
    "pdf": ("application/pdf", lambda d: d.startswith(b"%PDF-")),
    "png": ("image/png", lambda d: d.startswith(b"\x89PNG\r\n\x1a\n")),
    "jpg": ("image/jpeg", lambda d: d.startswith(b"\xff\xd8\xff")),
    "jpeg": ("image/jpeg", lambda d: d.startswith(b"\xff\xd8\xff")),
    "gif": ("image/gif", lambda d: d[:6] in (b"GIF87a", b"GIF89a")),
    "webp": ("image/webp", lambda d: d[:4] == b"RIFF" and d[8:12] == b"WEBP"),
    "txt": ("text/plain", _text),
    "csv": ("text/csv", _text),
    "docx": (
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        _zip,
    ),
    "xlsx": ("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", _zip),
    "odt": ("application/vnd.oasis.opendocument.text", _zip),
    "ods": ("application/vnd.oasis.opendocument.spreadsheet", _zip),
}
DEFAULT_TYPES = tuple(KINDS)
DEFAULT_MAX_BYTES = 10 * 1024 * 1024


@dataclass(frozen=True)
class Owner:
    """A screen whose records carry files: its rights and record rules apply."""

    table: str
    view: Any  # the AppModelView instance

    @property
    def resource(self) -> str:
        return self.view.class_permission_name

    def visible(self, owner_id: int) -> bool:
        return self.view.datamodel.get(owner_id, self.view._base_filters) is not None


def owner(table: str) -> Owner:
    """The screen whose records of `table` carry files (404 when none does)."""
    for view in fab().baseviews:
        if getattr(view, "attachments", False) and view.datamodel.obj.__tablename__ == table:
            return Owner(table, view)
    raise DomainError(_l("Files cannot be attached to %(what)s.", what=table), status=404)


def check_access(table: str, owner_id: int, write: bool) -> Owner:
    """The owner when the current user may read (or write) record `owner_id`;
    403/404 DomainError otherwise."""
    from app.security import READ, WRITE

    found = owner(table)
    if not fab().sm.has_access(WRITE if write else READ, found.resource):
        if write:
            raise DomainError(_l("You may not change the files of this record."), status=403)
        raise DomainError(_l("You may not see the files of this record."), status=403)
    if not found.visible(owner_id):
        raise DomainError(_l("No such record."), status=404)
    return found


def clean_filename(name: str | None) -> str:
    """The file's own name without folders or control characters (Cyrillic kept)."""
    base = os.path.basename((name or "").replace("\\", "/")).strip()
    base = "".join(ch for ch in base if unicodedata.category(ch)[0] != "C")
    return base[:200]


def _human_size(size: int) -> str:
    if size >= 1024 * 1024:
        return f"{size / 1024 / 1024:.3g} MB"
    return f"{size / 1024:.3g} KB"


def check_upload(filename: str, data: bytes) -> str:
    """The content type of an acceptable upload; DomainError (4xx) otherwise."""
    config = current_app.config
    limit = config.get("ATTACHMENT_MAX_BYTES", DEFAULT_MAX_BYTES)
    allowed = [t.lower() for t in config.get("ATTACHMENT_TYPES", DEFAULT_TYPES)]
    if not filename:
        raise DomainError(_l("Choose a file to attach."), field="file", status=400)
    if not data:
        raise DomainError(_l("The file is empty."), field="file", status=400)
    if len(data) > limit:
        raise DomainError(
            _l("The file is larger than %(size)s.", size=_human_size(limit)),
            field="file",
            status=413,
        )
    ext = filename.rsplit(".", 1)[-1].lower() if "." in filename else ""
    if ext not in allowed or ext not in KINDS:
        raise DomainError(
            _l(
                "Files of this kind cannot be attached; allowed: %(kinds)s.",
                kinds=", ".join(sorted(set(allowed) & set(KINDS))),
            ),
            field="file",
            status=415,
        )
    content_type, looks_right = KINDS[ext]
    if not looks_right(data):
        raise DomainError(
            _l("The file's content is not a %(ext)s file.", ext=ext.upper()),
            field="file",
            status=415,
        )
    return content_type


def attach(
    session: Session,
    table: str,
    owner_id: int,
    filename: str | None,
    data: bytes,
    note: str | None = None,
    who: str | None = None,
) -> Attachment:
    name = clean_filename(filename)
    content_type = check_upload(name, data)
    row = Attachment(
        owner_table=table,
        owner_id=owner_id,
        filename=name,
        content_type=content_type,
        size=len(data),
        sha256=hashlib.sha256(data).hexdigest(),
        note=(note or "").strip()[:200] or None,
        uploaded_by=who,
        data=data,
    )
    session.add(row)
    session.flush()
    return row


def files_of(session: Session, table: str, owner_id: int) -> list[Attachment]:
    return list(
        session.scalars(
            select(Attachment)
            .where(Attachment.owner_table == table, Attachment.owner_id == owner_id)
            .order_by(Attachment.id)
        )
    )


def read_limit() -> int:
    """Bytes to read from an upload stream: one more than allowed, to detect excess."""
    return current_app.config.get("ATTACHMENT_MAX_BYTES", DEFAULT_MAX_BYTES) + 1
