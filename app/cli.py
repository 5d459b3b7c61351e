"""`flask aftersales ...`: init, demo, create-admin, sync-roles, modules, babel."""

from __future__ import annotations

import secrets
import sys

import click
from flask import current_app
from flask.cli import AppGroup

from app.config import PROJECT_ROOT
from app.db import db
from app.web import fab

aftersales_cli = AppGroup("aftersales", help="Aftersales administration commands.")

MIGRATIONS = str(PROJECT_ROOT / "migrations")


def _loaded():
    return current_app.extensions["aftersales"]


def upgrade_schema(revision: str = "heads") -> None:
    from flask_migrate import upgrade

    upgrade(directory=MIGRATIONS, revision=revision)


def write_permissions() -> dict[str, int]:
    """Roles, permissions and menu entries of every loaded module, written to FAB's tables."""
    from flask_appbuilder.security.manager import BaseSecurityManager

    from app.security import sync_roles

    appbuilder = fab()
    BaseSecurityManager.create_db(appbuilder.sm)  # Admin and Public roles
    appbuilder.add_permissions(update_perms=True)
    return sync_roles(appbuilder, _loaded().permissions.values())


def ensure_instance_key() -> None:
    """Without SECRET_KEY and without a key in the instance, write the instance's own
    (`<instance>/secret_key`, mode 0600): the web server and every later command read it."""
    from app.config import KEY_FROM, instance_secret_key, key_file

    cfg = current_app.config
    if cfg.get(KEY_FROM) != "process":
        return
    instance = cfg["AFTERSALES_INSTANCE_PATH"]
    cfg["SECRET_KEY"] = instance_secret_key(instance)
    cfg[KEY_FROM] = "instance"
    click.echo(f"Secret key written to {key_file(instance)} (mode 0600).")


@aftersales_cli.command("init")
def init_command():
    """Upgrade the database to the latest schema and write roles and permissions; write
    the instance's secret key when SECRET_KEY is not set and the instance has none."""
    ensure_instance_key()
    upgrade_schema()
    counts = write_permissions()
    click.echo(
        "Database upgraded; roles written: " + ", ".join(f"{r} ({n})" for r, n in counts.items())
    )


@aftersales_cli.command("sync-roles")
def sync_roles_command():
    """Write the built-in roles from the modules' permissions.py."""
    counts = write_permissions()
    for role, n in counts.items():
        click.echo(f"{role}: {n} permissions")


@aftersales_cli.command("create-admin")
@click.option("--username", default="admin", show_default=True)
@click.option("--email", default="admin@example.com", show_default=True)
@click.option("--firstname", default="Admin", show_default=True)
@click.option("--lastname", default="User", show_default=True)
@click.option("--password", prompt=True, hide_input=True, confirmation_prompt=True)
def create_admin_command(username, email, firstname, lastname, password):
    """Create a user with the Admin role (or reset the password of an existing one).
    The password follows the installation's policy (PASSWORD_MIN_LENGTH)."""
    from app.auth import password_problem

    problem = password_problem(password)
    if problem is None and password.casefold() == username.casefold():
        problem = "The password must not be the user name."
    if problem is not None:
        raise click.ClickException(str(problem))
    ensure_user(username, email, firstname, lastname, password, "Admin", reset_password=True)
    click.echo(f"Admin user {username} is ready.")


def ensure_user(username, email, firstname, lastname, password, role_name, reset_password=False):
    sm = current_app.appbuilder.sm
    role = sm.find_role(role_name)
    if role is None:
        raise click.ClickException(f"role {role_name} does not exist: run `flask aftersales init`")
    user = sm.find_user(username=username)
    if user is None:
        user = sm.add_user(username, firstname, lastname, email, role, password=password)
        if not user:
            raise click.ClickException(f"could not create user {username}")
    elif reset_password:
        sm.reset_password(user.id, password)
    return user


@aftersales_cli.command("demo")
@click.option(
    "--size",
    type=click.Choice(["small", "medium", "large"]),
    default="small",
    show_default=True,
    help="small: a few records to click through; medium/large: volumes for load tests.",
)
@click.option("--users/--no-users", default=True, help="Create a demo user per role.")
@click.option(
    "--well-known-passwords",
    is_flag=True,
    help="Give the demo users their well-known passwords (the user name) on any database. "
    "Without it they get them on SQLite only; elsewhere new demo users get random "
    "passwords, printed once.",
)
def demo_command(size, users, well_known_passwords):
    """Load demo data of every loaded module (safe to run again)."""
    from app.audit import acting_as
    from app.demo import demo_users

    well_known = well_known_passwords or db.engine.dialect.name == "sqlite"
    created = []
    grown = False
    with acting_as(None, "demo"):
        if users:
            sm = current_app.appbuilder.sm
            for username, role in demo_users():
                if sm.find_user(username=username) is not None:
                    continue  # an existing user keeps his password
                password = username if well_known else secrets.token_urlsafe(12)
                ensure_user(
                    username, f"{username}@example.com", username.title(), "Demo", password, role
                )
                created.append((username, role, password))
        start = counts = _row_counts()
        for name, load in _loaded().demo:
            click.echo(f"demo: {name} ({size})")
            load(db.session, size)
            db.session.commit()
            after = _row_counts()
            had = _module_rows(name, start)  # before this command: growing, not loading
            click.echo("  " + _growth(name, counts, after, had))
            grown = grown or (had > 0 and after != counts)
            counts = after
    if counts == start:
        click.echo(f"Demo data already loaded ({size} or larger): nothing to add.")
    else:
        click.echo(f"Demo data grown to {size}." if grown else "Demo data loaded.")
    if created and well_known:
        click.echo("Demo users (password = user name): " + ", ".join(u for u, _r, _p in created))
    elif created:
        click.echo("Demo users, with random passwords shown only this once:")
        for username, role, password in created:
            click.echo(f"  {username:<12} {password:<18} {role}")


def _row_counts() -> dict[str, int]:
    """Rows per business table (FAB's ab_* tables aside)."""
    from sqlalchemy import func, inspect, select

    # the session's own connection: on SQLite a second one would wait for its write lock
    existing = set(inspect(db.session.connection()).get_table_names())
    return {
        t.name: db.session.scalar(select(func.count()).select_from(t)) or 0
        for t in db.metadata.sorted_tables
        if t.name in existing and not t.name.startswith("ab_")
    }


def _module_prefixes(module: str) -> tuple[str, ...]:
    """The table prefixes of `module`'s models (`ptn_`, `inv_`, ...)."""
    return tuple(
        {
            t.name.split("_", 1)[0] + "_"
            for m in db.Model.registry.mappers
            if m.class_.__module__.startswith(f"modules.{module}.")
            for t in m.tables
        }
    )


def _module_rows(module: str, counts: dict[str, int]) -> int:
    prefixes = _module_prefixes(module)
    return sum(n for table, n in counts.items() if prefixes and table.startswith(prefixes))


def _growth(module: str, before: dict[str, int], after: dict[str, int], had: int) -> str:
    """`grown by 1,234 rows (inv_part +270, ...)`: every table counted, the module's own
    named (the largest first)."""
    delta = {t: after.get(t, 0) - before.get(t, 0) for t in after}
    delta = {t: n for t, n in delta.items() if n > 0}
    if not delta:
        return "nothing to add at this size" if had else "nothing to add"
    prefixes = _module_prefixes(module)
    own = sorted(
        ((t, n) for t, n in delta.items() if prefixes and t.startswith(prefixes)),
        key=lambda kv: -kv[1],
    )
    shown = ", ".join(f"{t} +{n:,}" for t, n in own[:4]) + (", ..." if len(own) > 4 else "")
    verb = "grown by" if had else "added"
    return f"{verb} {sum(delta.values()):,} rows" + (f" ({shown})" if shown else "")


@aftersales_cli.command("daily")
@click.option("--date", "on", default=None, help="The day to run for (YYYY-MM-DD); today.")
def daily_command(on):
    """Run each loaded module's daily job (contracts: expiring, renewals; claims:
    systemic-defect detection), one transaction per module; for cron, before `notify`.
    Running it twice the same day changes nothing more."""
    from datetime import date

    from app.audit import acting_as

    try:
        day = date.fromisoformat(on) if on else date.today()
    except ValueError:
        raise click.BadParameter("use YYYY-MM-DD", param_hint="--date") from None
    from app.ops import progress

    failed = []
    lines = []  # printed after the progress bar, which they would break
    jobs = _loaded().daily
    with progress(len(jobs), "daily") as bar:
        for name, job in jobs:
            try:
                with acting_as(None, "daily"):
                    summary = job(db.session, day) or {}
                db.session.commit()
            except Exception as exc:  # one module's failure must not stop the others
                db.session.rollback()
                failed.append(name)
                lines.append((f"{name}: failed: {exc}", True))
                continue
            finally:
                bar.update(1)
            lines += [(f"{name}.{key}: {value}", False) for key, value in summary.items()]
    for line, err in lines:
        click.echo(line, err=err)
    if failed:
        raise click.ClickException(f"daily jobs failed: {', '.join(failed)}")


@aftersales_cli.command("notify")
@click.option("--date", "on", default=None, help="The day to notify for (YYYY-MM-DD); today.")
@click.option("--no-mail", is_flag=True, help="Only in-app notifications, no e-mail.")
def notify_command(on, no_mail):
    """Collect due and overdue items into each responsible user's notifications and
    e-mail the day's digest (for cron; a second run the same day sends nothing new)."""
    from datetime import date

    from app.audit import acting_as
    from app.insights import hook

    deliver = hook("deliver")
    if deliver is None:
        raise click.ClickException("no loaded module delivers notifications (load dashboard)")
    try:
        day = date.fromisoformat(on) if on else date.today()
    except ValueError:
        raise click.BadParameter("use YYYY-MM-DD", param_hint="--date") from None
    from app.ops import progress

    with acting_as(None, "notify"), progress(1, "notify") as bar:
        summary = deliver(db.session, day, not no_mail)
        bar.update(1)
    for key, value in summary.items():
        click.echo(f"{key}: {value}")
    if summary.get("mail_errors"):
        raise click.ClickException("some e-mails could not be sent; they are retried next run")


@aftersales_cli.command("rights")
@click.option("--readme", is_flag=True, help="Rewrite the rights block of README.md.")
def rights_command(readme):
    """Print who may do what (rights, record rules, hidden fields), from the policies."""
    from app import rights

    if readme:
        changed = rights.write_readme(_loaded())
        click.echo("README.md updated" if changed else "README.md is up to date")
        return
    click.echo(rights.markdown(_loaded()), nl=False)


@aftersales_cli.command("modules")
def modules_command():
    """List the loaded modules with versions and dependencies."""
    for m in _loaded().manifests:
        deps = ", ".join(m.depends) or "-"
        click.echo(f"{m.name:<12} {m.version:<8} depends: {deps:<30} {m.summary}")


@aftersales_cli.command("serve")
@click.option("--bind", default="127.0.0.1:8000", show_default=True)
@click.option("--workers", default=4, show_default=True, help="Worker processes.")
@click.option("--threads", default=2, show_default=True, help="Threads per worker.")
@click.option(
    "--keep-alive",
    default=65,
    show_default=True,
    help="Seconds an idle client connection stays open: longer than the load balancer's "
    "idle timeout (60 s on most), or it sends a request on a connection being closed.",
)
@click.option(
    "--allow-per-process-limits",
    is_flag=True,
    help="Run several workers with RATELIMIT_STORAGE_URI=memory:// anyway: each worker "
    "then counts failed logins, lockouts and logouts on its own (an attacker gets N "
    "times the attempts, a logout may not reach every worker).",
)
def serve_command(bind, workers, threads, keep_alive, allow_per_process_limits):
    """Run the app under gunicorn with several worker processes (no state is kept in a
    process, so more workers or machines behind a load balancer just work; login
    limits, lockouts and logouts need a shared RATELIMIT_STORAGE_URI, e.g. Redis)."""
    import os
    import shutil

    from app.config import KEY_FROM

    if current_app.config.get(KEY_FROM) == "process":
        raise click.ClickException(
            "SECRET_KEY is not set and the instance has no key: run `flask aftersales init` "
            "(writes the instance's key) or set SECRET_KEY (the same on every machine)."
        )
    per_process = str(current_app.config.get("RATELIMIT_STORAGE_URI") or "memory://").startswith(
        "memory://"
    )
    if per_process and workers > 1 and not current_app.debug:
        if not allow_per_process_limits:
            raise click.ClickException(
                f"--workers {workers} with RATELIMIT_STORAGE_URI=memory:// would give each "
                "worker its own login throttle, account lockout and logout record. Set "
                "RATELIMIT_STORAGE_URI to a shared store (e.g. redis://127.0.0.1:6379/0), "
                "run --workers 1, or pass --allow-per-process-limits to accept it."
            )
        click.echo(
            "WARNING: RATELIMIT_STORAGE_URI=memory:// with several workers: login throttling "
            "and lockout are counted per worker (an attacker gets "
            f"{workers} times the attempts) and a logout reaches only the worker that "
            "served it. Use a shared store (redis://...) in production.",
            err=True,
        )
    beside = os.path.join(os.path.dirname(sys.executable), "gunicorn")
    gunicorn = beside if os.path.exists(beside) else shutil.which("gunicorn")
    if not gunicorn:
        raise click.ClickException("gunicorn is not installed in this environment")
    args = [
        gunicorn,
        "--bind",
        bind,
        "--workers",
        str(workers),
        "--threads",
        str(threads),
        "--keep-alive",
        str(keep_alive),
        "--access-logfile",
        "-",
        "--forwarded-allow-ips",
        "127.0.0.1",
        "--preload",  # build the app once; workers fork from it
        "app.wsgi:application",
    ]
    os.execv(gunicorn, args)  # noqa: S606 - replaces this process with gunicorn


@aftersales_cli.command("backup")
@click.argument("target", type=click.Path(dir_okay=False))
def backup_command(target):
    """Back up the database to TARGET (SQLite online backup, or pg_dump)."""
    from app.ops import OpsError, backup

    db.session.remove()
    try:
        path = backup(current_app.config["SQLALCHEMY_DATABASE_URI"], target)
    except OpsError as exc:
        raise click.ClickException(str(exc)) from None
    click.echo(f"backup written to {path}")


@aftersales_cli.command("restore")
@click.argument("source", type=click.Path(exists=True, dir_okay=False))
@click.option("--yes", is_flag=True, help="Do not ask for confirmation.")
def restore_command(source, yes):
    """Replace the database's contents with the backup SOURCE (a file that is not a
    backup is refused before anything changes)."""
    from pathlib import Path

    from sqlalchemy.engine import make_url

    from app.ops import OpsError, check_backup_file, restore

    url = current_app.config["SQLALCHEMY_DATABASE_URI"]
    try:
        check_backup_file(Path(source), make_url(url).get_backend_name())
    except OpsError as exc:
        raise click.ClickException(str(exc)) from None
    if not yes:
        click.confirm("This replaces every record of the database. Continue?", abort=True)
    db.session.remove()
    db.engine.dispose()
    try:
        restore(url, source)
    except OpsError as exc:
        raise click.ClickException(str(exc)) from None
    click.echo(f"restored from {source}")


@aftersales_cli.command("babel-extract")
def babel_extract():
    """Extract our strings and FAB's into translations/messages.pot."""
    from app import i18n

    catalog = i18n.extract()
    click.echo(f"{len(catalog)} messages in {i18n.POT}")


@aftersales_cli.command("babel-update")
def babel_update():
    """Merge messages.pot into en, pt_BR and ru (prefilled from FAB's own catalogs)."""
    from app import i18n

    for lang, n in i18n.update().items():
        click.echo(f"{lang}: {n} untranslated")


@aftersales_cli.command("babel-compile")
def babel_compile():
    """Compile every catalog to .mo (the .mo files are committed)."""
    from app import i18n

    i18n.compile_all()
    click.echo("compiled")
