"""Translation catalogs: extract, update (prefilled from FAB's), compile, check.

Our catalog covers our strings and Flask-AppBuilder's own: FAB's shipped pt_BR
and ru catalogs miss some of its UI (delete confirmation, groups, some filters),
and ours is merged over FAB's at run time, so it fills and overrides them.
"""

from __future__ import annotations

import functools
import re
import subprocess  # noqa: S404 - runs pybabel with fixed arguments
import sys
import tempfile
from pathlib import Path

import flask_appbuilder
from babel.messages.catalog import Catalog
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po, write_po

from app.config import LANGUAGES, PROJECT_ROOT

TRANSLATIONS = PROJECT_ROOT / "translations"
POT = TRANSLATIONS / "messages.pot"
FAB_DIR = Path(flask_appbuilder.__file__).parent
KEYWORDS = (
    "-k",
    "_l",
    "-k",
    "lazy_gettext",
    "-k",
    "__",
    "-k",
    "_p:1c,2",
    "-k",
    "lazy_pgettext:1c,2",
)
PLACEHOLDER = re.compile(r"%\(\w+\)[sdf]")


def _pybabel(*args: str) -> None:
    cmd = [sys.executable, "-m", "babel.messages.frontend", *args]
    subprocess.run(cmd, check=True, cwd=PROJECT_ROOT, capture_output=True)  # noqa: S603


def _read(path: Path, locale: str | None = None) -> Catalog:
    with path.open("rb") as fh:
        return read_po(fh, locale=locale)


def extract(target: Path = POT) -> Catalog:
    """Our strings and FAB's, into one template."""
    with tempfile.TemporaryDirectory() as tmp:
        ours, fab = Path(tmp) / "ours.pot", Path(tmp) / "fab.pot"
        cfg = PROJECT_ROOT / "babel.cfg"
        _pybabel("extract", "-F", str(cfg), *KEYWORDS, "--no-location", "--sort-output",
                 "-o", str(ours), "app", "modules")  # fmt: skip
        _pybabel("extract", "-F", str(cfg), *KEYWORDS, "--no-location", "--sort-output",
                 "-o", str(fab), str(FAB_DIR))  # fmt: skip
        catalog = _read(ours)
        for message in _read(fab):
            if message.id and message.id not in catalog:
                catalog.add(message.id, flags=message.flags)
    catalog.project, catalog.version = "Aftersales", "1.0"
    target.parent.mkdir(parents=True, exist_ok=True)
    with target.open("wb") as fh:
        write_po(fh, catalog, sort_output=True, omit_header=False, width=100)
    return catalog


def translated(message) -> bool:
    """A message has its translation (every plural form, for a plural)."""
    if isinstance(message.string, list | tuple):
        return all(message.string)
    return bool(message.string)


def update() -> dict[str, int]:
    """Merge the template into each language; fill from FAB's translations. -> untranslated."""
    left = {}
    for lang in LANGUAGES:
        template = _read(POT)  # update() shares message objects: a fresh copy each time
        po_path = TRANSLATIONS / lang / "LC_MESSAGES" / "messages.po"
        po_path.parent.mkdir(parents=True, exist_ok=True)
        catalog = _read(po_path, lang) if po_path.exists() else Catalog(locale=lang)
        catalog.update(template, no_fuzzy_matching=True)
        catalog.obsolete.clear()
        catalog.fuzzy = False
        catalog.project, catalog.version = "Aftersales", "1.0"
        fab_po = FAB_DIR / "translations" / lang / "LC_MESSAGES" / "messages.po"
        fab = _read(fab_po, lang) if fab_po.exists() else None
        for message in catalog:
            if not message.id or translated(message):
                continue
            if lang == "en":
                message.string = message.id
            elif fab is not None and (found := fab.get(message.id)) and found.string:
                message.string = found.string
        with po_path.open("wb") as fh:
            write_po(fh, catalog, sort_output=True, width=100)
        left[lang] = sum(1 for m in catalog if m.id and not translated(m))
    return left


def compile_all() -> None:
    for lang in LANGUAGES:
        po_path = TRANSLATIONS / lang / "LC_MESSAGES" / "messages.po"
        catalog = _read(po_path, lang)
        with po_path.with_suffix(".mo").open("wb") as fh:
            write_mo(fh, catalog, use_fuzzy=False)


def problems(lang: str) -> list[str]:
    """Untranslated, fuzzy, or placeholder-breaking entries of one catalog."""
    po_path = TRANSLATIONS / lang / "LC_MESSAGES" / "messages.po"
    out = []
    for m in _read(po_path, lang):
        if not m.id:
            continue
        strings = m.string if isinstance(m.string, tuple) else (m.string,)
        ids = m.id if isinstance(m.id, tuple) else (m.id,)
        if not all(strings):
            out.append(f"untranslated: {ids[0]!r}")
        elif m.fuzzy:
            out.append(f"fuzzy: {ids[0]!r}")
        elif set(PLACEHOLDER.findall(str(ids[0]))) != set(PLACEHOLDER.findall(str(strings[0]))):
            out.append(f"placeholders differ: {ids[0]!r} -> {strings[0]!r}")
    return out


# ------------------------------------------------------------------ the reader's language


def select_locale() -> str:
    """The reader's language: an API call's `?_l_=`; else what he chose (the navbar's
    language menu, or his own settings, put in his session when he logs in); else the
    best match of his browser's Accept-Language among the installation's languages
    (the login page of a Russian browser is Russian); else the installation's default.
    Unlike FAB's selector it does not write the default into the session, which made
    every login start in the default language again."""
    from flask import current_app, has_request_context, request, session

    languages = current_app.config["LANGUAGES"]
    default = current_app.config["BABEL_DEFAULT_LOCALE"]
    if not has_request_context():
        return default
    asked = request.args.get("_l_")
    if asked is not None:
        return asked if asked in languages else default
    chosen = session.get("locale")
    if isinstance(chosen, str) and chosen in languages:
        return chosen
    return str(request.accept_languages.best_match(list(languages)) or default)


# ------------------------------------------------------------------ the reader's time zone


@functools.cache
def timezones() -> frozenset[str]:
    """The IANA time zones this machine knows (read once: the scan takes a while)."""
    from zoneinfo import available_timezones

    import pytz

    # Flask-Babel converts with pytz: a name only zoneinfo knows ("localtime",
    # "Factory") would fail on every page of whoever chose it
    return (frozenset(available_timezones()) & pytz.all_timezones_set) | {"UTC"}


def known_timezone(name: object) -> bool:
    """`name` is an IANA time zone this machine knows (UTC, Europe/Moscow...)."""
    return isinstance(name, str) and name in timezones()


def select_timezone() -> str:
    """The zone the reader's times are shown in: the one he chose in his settings (put
    in his session when he logs in), else the installation's DEFAULT_TIMEZONE. Stored
    times stay UTC; Babel's format_datetime converts them to this zone."""
    from flask import current_app, has_request_context, session

    default = current_app.config.get("DEFAULT_TIMEZONE") or "UTC"
    if has_request_context():
        chosen = session.get("timezone")
        if isinstance(chosen, str) and known_timezone(chosen):
            return chosen
    return default


def install(app) -> None:
    """Use `select_locale` and `select_timezone` (after FAB's AppBuilder set its own);
    templates name the reader's zone with `zone_name()`."""
    from app.formats import zone_name

    babel = app.extensions["babel"]
    babel.locale_selector = select_locale
    babel.timezone_selector = select_timezone
    app.jinja_env.globals["zone_name"] = zone_name  # {{ _("When (%(zone)s)", zone=zone_name()) }}
