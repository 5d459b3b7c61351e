"""Operations: health check, backup and restore.

- `health()` answers a load balancer: the database is reachable and its schema
  is at the newest migration.
- SQLite is backed up online with SQLite's backup API (consistent while the
  app keeps writing) and restored the same way into the live file.
- PostgreSQL uses `pg_dump --format=custom` and `pg_restore --clean`, which must
  be on the PATH (Debian: postgresql-client).
- A file that is not a backup (of this kind of database) is refused before anything
  is replaced.
- `progress()`: the bar long commands show on standard error, when it is a terminal.
"""

from __future__ import annotations

import os
import shutil
import sqlite3
import subprocess  # noqa: S404 - pg_dump/pg_restore with fixed arguments
import sys
from pathlib import Path
from typing import Any

import click
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import text
from sqlalchemy.engine import Engine, make_url

from app.config import PROJECT_ROOT

MIGRATIONS = PROJECT_ROOT / "migrations"
SQLITE_HEADER = b"SQLite format 3\x00"
PG_DUMP_HEADER = b"PGDMP"  # pg_dump --format=custom


class _NoProgress:
    """What `progress()` gives when nobody watches: the same calls, no output."""

    def __enter__(self) -> _NoProgress:
        return self

    def __exit__(self, *exc: object) -> None:
        return None

    def update(self, n_steps: int, current_item: Any = None) -> None:
        return None


def progress(length: int, label: str) -> Any:
    """A progress bar of `length` steps on standard error when it is a terminal (cron
    and pipes get nothing): `with progress(n, "parts") as bar: ... bar.update(1)`."""
    if length > 0 and sys.stderr.isatty():
        return click.progressbar(length=length, label=label, file=sys.stderr, show_pos=True)
    return _NoProgress()


class OpsError(RuntimeError):
    """An operation cannot be done; the message says why and what to do."""


def version_locations() -> list[str]:
    """Where revisions live: the core's history (FAB's tables and the built-in modules'
    schema so far) and the `migrations` folder each discovered module ships (its own
    branch, so a module installed from its own package brings its tables)."""
    from app.registry import discover

    found = [str(MIGRATIONS / "versions")]
    for manifest in discover().values():
        folder = manifest.migrations_dir()
        if folder and folder not in found:
            found.append(folder)
    return found


def scripts() -> ScriptDirectory:
    return ScriptDirectory(str(MIGRATIONS), version_locations=version_locations())


def migration_heads() -> list[str]:
    """The newest revision of every branch (the core's and each module's)."""
    return sorted(scripts().get_heads())


def health(engine: Engine, heads: list[str]) -> tuple[bool, dict]:
    out: dict = {"database": "unreachable", "migration": None, "head": None}
    out["head"] = heads[0] if len(heads) == 1 else heads
    try:
        with engine.connect() as conn:
            conn.execute(text("SELECT 1"))
            out["database"] = "ok"
            current = sorted(MigrationContext.configure(conn).get_current_heads())
    except Exception as exc:  # any driver error means "not healthy"
        out["error"] = type(exc).__name__
        return False, {"status": "fail", **out}
    out["migration"] = current[0] if len(current) == 1 else current
    ok = current == list(heads)
    return ok, {"status": "ok" if ok else "fail", **out}


def _sqlite_path(url) -> Path:
    if not url.database or url.database == ":memory:":
        raise OpsError("an in-memory SQLite database cannot be backed up")
    return Path(url.database)


def _sqlite_copy(source: Path, target: Path, label: str) -> None:
    """SQLite's online backup API: consistent while the source is being written.
    Watched from a terminal, it copies in steps to show its progress (a step restarts
    when another process writes meanwhile); otherwise in one step."""
    src, dst = sqlite3.connect(source), sqlite3.connect(target)
    try:
        pages = src.execute("PRAGMA page_count").fetchone()[0]
        with progress(pages if pages > 1024 else 0, label) as bar:
            done = [0]

            def step(_status: int, remaining: int, total: int) -> None:
                bar.update(max(0, total - remaining - done[0]))
                done[0] = max(done[0], total - remaining)

            if isinstance(bar, _NoProgress):
                src.backup(dst)
            else:
                src.backup(dst, pages=max(1024, pages // 100), progress=step)
    finally:
        dst.close()
        src.close()


def check_backup_file(source: Path, backend: str) -> None:
    """Refuse, in one sentence, a file that is not a backup this database can take."""
    with source.open("rb") as f:
        head = f.read(len(SQLITE_HEADER))
    if backend == "sqlite":
        if head != SQLITE_HEADER:
            raise OpsError(f"{source} is not a backup: it is not a SQLite database file")
        try:
            conn = sqlite3.connect(f"{source.resolve().as_uri()}?mode=ro", uri=True)
            try:
                found = conn.execute(
                    "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'alembic_version'"
                ).fetchone()
            finally:
                conn.close()
        except sqlite3.Error as exc:
            raise OpsError(f"{source} is not a backup: {exc}") from None
        if not found:
            raise OpsError(f"{source} is not a backup of Aftersales: it has no schema version")
    elif backend == "postgresql" and not head.startswith(PG_DUMP_HEADER):
        raise OpsError(
            f"{source} is not a backup: not a pg_dump custom-format archive "
            "(`flask aftersales backup` writes one)"
        )


def _pg_args(url) -> list[str]:
    args = ["--host", url.host or "127.0.0.1", "--port", str(url.port or 5432)]
    if url.username:
        args += ["--username", url.username]
    return args


def _pg_env(url) -> dict:
    env = dict(os.environ)
    if url.password:
        env["PGPASSWORD"] = url.password
    return env


def _need(tool: str) -> str:
    path = shutil.which(tool)
    if not path:
        raise OpsError(f"{tool} is not installed (Debian: apt-get install postgresql-client)")
    return path


def _private_file(target: Path) -> None:
    """Create `target` (or take an existing one) readable and writable by its owner
    only, before any byte of the database goes in: a backup holds every password
    hash and customer record."""
    fd = os.open(target, os.O_WRONLY | os.O_CREAT, 0o600)
    try:
        os.fchmod(fd, 0o600)
    finally:
        os.close(fd)


def backup(database_url: str, target: Path) -> Path:
    """Back the database up to `target`, a file with mode 0600."""
    url = make_url(database_url)
    target = Path(target)
    target.parent.mkdir(parents=True, exist_ok=True)
    _private_file(target)
    if url.get_backend_name() == "sqlite":
        _sqlite_copy(_sqlite_path(url), target, "backup")
    elif url.get_backend_name() == "postgresql":
        cmd = [
            _need("pg_dump"),
            "--format=custom",
            "--no-owner",
            "--file",
            str(target),
            *_pg_args(url),
            url.database,
        ]
        _run([str(c) for c in cmd], url)
    else:
        raise OpsError(f"no backup for {url.get_backend_name()}")
    os.chmod(target, 0o600)
    return target


def restore(database_url: str, source: Path) -> None:
    url = make_url(database_url)
    source = Path(source)
    if not source.is_file():
        raise OpsError(f"{source} does not exist")
    check_backup_file(source, url.get_backend_name())
    if url.get_backend_name() == "sqlite":
        try:
            _sqlite_copy(source, _sqlite_path(url), "restore")
        except sqlite3.Error as exc:
            raise OpsError(f"restore from {source} failed: {exc}") from None
    elif url.get_backend_name() == "postgresql":
        cmd = [
            _need("pg_restore"),
            "--clean",
            "--if-exists",
            "--no-owner",
            "--single-transaction",
            *_pg_args(url),
            "--dbname",
            url.database,
            str(source),
        ]
        _run([str(c) for c in cmd], url)
    else:
        raise OpsError(f"no restore for {url.get_backend_name()}")


def _run(cmd: list[str], url) -> None:
    done = subprocess.run(cmd, capture_output=True, text=True, env=_pg_env(url))  # noqa: S603
    if done.returncode != 0:
        raise OpsError(f"{Path(cmd[0]).name} failed: {done.stderr.strip()[-500:]}")
