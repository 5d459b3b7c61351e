"""CSV for accounting and data exchange, shared by every module.

Exports stream: the statement selects columns (never entities), rows are
fetched `yield_per` 1000 and written in chunks, so memory stays flat however
many rows there are. Columns are declared once per export, with a stable
header name and a description, which is the documented file layout.

Imports are all-or-nothing: every row is validated by the module's marshmallow
schema; any error refuses the whole file, listing line numbers and reasons, and
nothing is written. A dry run validates and saves inside a transaction that is
then rolled back.
"""

from __future__ import annotations

import csv
import io
import itertools
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import Any

from babel import numbers as babel_numbers
from flask_babel import lazy_gettext as _l
from flask_babel import ngettext
from marshmallow import ValidationError, fields
from sqlalchemy import (
    Boolean,
    Float,
    Integer,
    Numeric,
    Select,
    String,
    cast,
    literal_column,
    select,
)
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.orm import Session
from sqlalchemy.sql.functions import FunctionElement

from app.db import utc_day_start
from app.errors import DomainError

DELIMITERS = {",": ",", ";": ";", "tab": "\t", "\t": "\t"}
DECIMALS = (".", ",")

# Spreadsheets run a cell that starts with one of these as a formula ("CSV
# injection": `=cmd|' /C calc'!A0`, `=HYPERLINK(...)`). Exported text cells that do
# are prefixed with an apostrophe, which spreadsheets show as text; numbers are
# written as they are. `formulas=raw` turns this off for programs reading the file.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
FORMULAS_ARG = "formulas"
FORMULAS_VALUES = {"escape": True, "raw": False}


def neutralise(text: str) -> str:
    """A text cell as a spreadsheet will show it, never run it."""
    return "'" + text if text.startswith(FORMULA_STARTS) else text


@dataclass(frozen=True)
class CsvOptions:
    delimiter: str = ","
    decimal: str = "."
    bom: bool = False
    neutralise: bool = True  # text cells starting like a formula get a leading '

    @classmethod
    def for_locale(cls, locale) -> CsvOptions:
        """What a spreadsheet of that language opens as it is: where the decimal
        separator is a comma (ru, pt_BR), `;` between cells, decimal commas and a BOM
        (Excel reads UTF-8 only with it); elsewhere `,`, `.` and no BOM."""
        if babel_numbers.get_decimal_symbol(locale) == ",":
            return cls(";", ",", True)
        return cls()

    @classmethod
    def from_args(
        cls, args, default_delimiter: str = ",", defaults: CsvOptions | None = None
    ) -> CsvOptions:
        """The options a request asks for; what it leaves out is `defaults` (the
        installation's delimiter, `.` and no BOM when none are given)."""
        base = defaults or cls(delimiter=default_delimiter)
        default_delim = next((k for k, v in DELIMITERS.items() if v == base.delimiter), ",")
        delim = args.get("delimiter", default_delim)
        if delim not in DELIMITERS:
            raise DomainError(
                _l("Unknown delimiter %(value)s; use “,”, “;” or “tab”.", value=delim),
                field="delimiter",
                status=400,
            )
        dec = args.get("decimal", base.decimal)
        if dec not in DECIMALS:
            raise DomainError(
                _l("Unknown decimal separator %(value)s; use “.” or “,”.", value=dec),
                field="decimal",
                status=400,
            )
        raw_bom = args.get("bom")
        bom = base.bom if raw_bom is None else str(raw_bom).lower() in ("1", "true", "yes", "on")
        formulas = str(args.get(FORMULAS_ARG, "escape")).lower()
        if formulas not in FORMULAS_VALUES:
            raise DomainError(
                _l(
                    "Unknown value %(value)s for formulas; use “escape” (text cells that "
                    "start like a formula get a leading ') or “raw”.",
                    value=formulas,
                ),
                field=FORMULAS_ARG,
                status=400,
            )
        return cls(DELIMITERS[delim], dec, bom, FORMULAS_VALUES[formulas])


@dataclass(frozen=True)
class Column:
    header: str  # stable, documented name in the file
    expr: Any  # a SQL column expression
    description: Any = ""
    label: Any = None  # the header in the reader's language (see header_label)


@dataclass(frozen=True)
class CsvExport:
    name: str
    title: Any
    resource: str  # readers of this FAB resource may take the export
    columns: tuple[Column, ...]
    select_from: Any = None
    joins: tuple[tuple[Any, Any], ...] = ()  # (target, onclause), outer joins
    date_column: Any = None  # filtered by date_from / date_to when given
    order_by: tuple[Any, ...] = ()
    description: Any = ""
    where: tuple[Any, ...] = ()  # a fixed WHERE clause (the rows this export is about)
    labels: Any = None  # {header: label} for columns without their own `label`

    @property
    def headers(self) -> list[str]:
        return [c.header for c in self.columns]

    def statement(self, date_from: date | None = None, date_to: date | None = None) -> Select:
        stmt = select(*(csv_column(c.expr) for c in self.columns))
        if self.select_from is not None:
            stmt = stmt.select_from(self.select_from)
        for target, onclause in self.joins:
            stmt = stmt.outerjoin(target, onclause)
        if self.where:
            stmt = stmt.where(*self.where)
        if self.date_column is not None:
            lower, upper = period_bounds(self.date_column, date_from, date_to)
            if lower is not None:
                stmt = stmt.where(self.date_column >= lower)
            if upper is not None:
                stmt = stmt.where(self.date_column < upper)
        return stmt.order_by(*self.order_by)


def period_bounds(column, date_from: date | None, date_to: date | None):
    """[lower, upper) for a period of whole days; on a UTC timestamp column the days
    are UTC days (a date compared with a timestamp would fail on some backends)."""
    upper_day = date_to + timedelta(days=1) if date_to else None
    try:
        timestamp = column.type.python_type is datetime
    except NotImplementedError:
        timestamp = False
    if not timestamp:
        return date_from, upper_day

    def start(day):
        return utc_day_start(day) if day else None

    return start(date_from), start(upper_day)


class DecimalText(String):
    """A fixed-scale number the database wrote as text: "12.50"."""

    cache_ok = True


class decimal_text(FunctionElement):  # noqa: N801 (a SQL function, named like one)
    """decimal_text(expr, literal_column("2")): the number as text with that many
    decimals, NULL kept; what SQLAlchemy's Numeric would print after building a
    Decimal per value, without the Decimal."""

    type = DecimalText()
    inherit_cache = True
    name = "decimal_text"


@compiles(decimal_text)
def _decimal_text(element, compiler, **kw):  # PostgreSQL: round() pads to the scale
    expr, scale = (compiler.process(c, **kw) for c in element.clauses)
    return f"CAST(ROUND(CAST({expr} AS NUMERIC), {scale}) AS TEXT)"


@compiles(decimal_text, "sqlite")
def _decimal_text_sqlite(element, compiler, **kw):
    expr, scale = (compiler.process(c, **kw) for c in element.clauses)
    return f"(CASE WHEN ({expr}) IS NULL THEN NULL ELSE printf('%.{scale}f', {expr}) END)"


def csv_column(expr):
    """A column as an export selects it: booleans leave the database as 1/0 and
    fixed-scale numbers as text, so no value is converted in Python. A module's
    own export statement wraps its columns with this too."""
    kind = getattr(expr, "type", None)
    if isinstance(kind, Boolean):
        return cast(expr, Integer)
    if isinstance(kind, Numeric) and not isinstance(kind, Float) and kind.scale is not None:
        return decimal_text(expr, literal_column(str(int(kind.scale))))
    return expr


def format_value(value: Any, decimal_sep: str = ".") -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "1" if value else "0"
    if isinstance(value, Decimal):
        text = format(value, "f")
        return text.replace(".", decimal_sep) if decimal_sep != "." else text
    if isinstance(value, float):
        text = repr(value)
        return text.replace(".", decimal_sep) if decimal_sep != "." else text
    if isinstance(value, (datetime, date)):
        return value.isoformat()
    if hasattr(value, "value") and not isinstance(value, (str, int)):
        return str(value.value)  # enums
    return str(value)


def write_csv(
    headers: list[str],
    rows: Iterable[Iterable[Any]],
    options: CsvOptions,
    chunk_rows: int = 1000,
    converters: list | None = None,
) -> Iterator[str]:
    """Yield the CSV text in chunks of `chunk_rows` rows.

    `converters` (one per column, None where the value is written as it is) come
    from `column_converters`; without them every value goes through format_value."""
    buf = io.StringIO()
    writer = csv.writer(buf, delimiter=options.delimiter, lineterminator="\r\n")
    if options.bom:
        buf.write("\ufeff")
    writer.writerow(headers)
    dec = options.decimal
    if converters is None:
        if options.neutralise:
            convert = lambda row: [_text_cell(v, dec) for v in row]  # noqa: E731
        else:
            convert = lambda row: [format_value(v, dec) for v in row]  # noqa: E731
    elif any(converters):
        pairs = [(i, f) for i, f in enumerate(converters) if f is not None]

        def convert(row):
            row = list(row)
            for i, f in pairs:
                if row[i] is not None:
                    row[i] = f(row[i])
            return row
    else:
        convert = None  # csv writes str, int and None (as "") correctly by itself
    for batch in _batches(rows, chunk_rows):
        writer.writerows(map(convert, batch) if convert else batch)
        yield buf.getvalue()
        buf.seek(0)
        buf.truncate()
    yield buf.getvalue()


def _batches(rows, size: int):
    """A SQLAlchemy Result's own partitions (no per-row fetch), or chunks of a list."""
    if hasattr(rows, "partitions"):
        yield from rows.partitions(size)
        return
    batch = []
    for row in rows:
        batch.append(row)
        if len(batch) == size:
            yield batch
            batch = []
    if batch:
        yield batch


def cell(value: Any, options: CsvOptions) -> str:
    """One value as an export writes it with these options (for modules that write
    their own CSV, e.g. a report): numbers with the decimal separator, text cells
    neutralised unless `formulas=raw`."""
    if options.neutralise:
        return _text_cell(value, options.decimal)
    return format_value(value, options.decimal)


def _text_cell(value: Any, decimal_sep: str = ".") -> str:
    """format_value, and text (not numbers, dates, booleans) neutralised."""
    text = format_value(value, decimal_sep)
    if isinstance(value, (bool, int, float, Decimal, date)):
        return text
    return neutralise(text)


def _bool_text(value: Any) -> str:
    return "1" if value else "0"


def column_converters(exprs, decimal_sep: str = ".", neutralise_text: bool = False) -> list:
    """Per selected column, how a value becomes text when csv's own str() would be
    wrong (None where it is right). With `neutralise_text`, text columns (not the
    numbers a database wrote as text) are neutralised."""
    out: list[Callable[..., Any] | None] = []
    other = _text_cell if neutralise_text else format_value
    for expr in exprs:
        kind = getattr(expr, "type", None)
        if isinstance(kind, DecimalText):
            out.append(None if decimal_sep == "." else (lambda v, d=decimal_sep: v.replace(".", d)))
            continue
        try:
            py = kind.python_type  # type: ignore[union-attr]
        except (NotImplementedError, AttributeError):
            out.append(lambda v, d=decimal_sep, f=other: f(v, d))
            continue
        if py is bool:  # not selected through csv_column
            out.append(_bool_text)
        elif py is datetime:
            out.append(datetime.isoformat)
        elif py in (Decimal, float):
            out.append(
                None if decimal_sep == "." else (lambda v, d=decimal_sep: format_value(v, d))
            )
        elif py is str:
            out.append(neutralise if neutralise_text else None)
        elif py in (int, date):
            out.append(None)  # str(date) is ISO already
        else:
            out.append(lambda v, d=decimal_sep, f=other: f(v, d))
    return out


def stream_export(
    session: Session,
    export: CsvExport,
    options: CsvOptions,
    date_from: date | None = None,
    date_to: date | None = None,
    headers: list[str] | None = None,
) -> Iterator[str]:
    """The export's CSV; its header row is `headers` (e.g. the columns' labels in the
    reader's language) or the technical names."""
    headers = headers or export.headers
    stmt = export.statement(date_from, date_to)
    result = session.execute(stmt.execution_options(yield_per=1000))
    try:
        converters = column_converters(
            stmt.selected_columns, options.decimal, neutralise_text=options.neutralise
        )
        yield from write_csv(headers, result, options, converters=converters)
    finally:
        result.close()


# ---------------------------------------------------------------- import


@dataclass(frozen=True)
class CsvImport:
    name: str
    title: Any
    resource: str  # writers of this FAB resource may import
    schema: Callable[[], Any]  # marshmallow Schema factory; load(row) -> dict
    save: Callable[[Session, dict], str]  # returns "created" or "updated"
    unique_key: str | None = None  # must not repeat within one file
    description: Any = ""


@dataclass
class RowError:
    line: int
    field: str | None
    message: str

    def as_dict(self) -> dict:
        return {"line": self.line, "field": self.field, "message": self.message}


@dataclass
class ImportResult:
    created: int = 0
    updated: int = 0
    errors: list[RowError] = field(default_factory=list)
    dry_run: bool = False

    @property
    def ok(self) -> bool:
        return not self.errors

    def as_dict(self) -> dict:
        return {
            "ok": self.ok,
            "dry_run": self.dry_run,
            "created": self.created,
            "updated": self.updated,
            "errors": [e.as_dict() for e in self.errors],
        }


def read_upload(upload, max_bytes: int) -> bytes:
    """The uploaded file's bytes; 413 naming the limit when it holds more."""
    raw = upload.read(max_bytes + 1)
    if len(raw) > max_bytes:
        raise DomainError(
            _l(
                "The file is too large: at most %(mb)s MB (CSV_MAX_UPLOAD_BYTES).",
                mb=_megabytes(max_bytes),
            ),
            field="file",
            status=413,
        )
    return raw


def _megabytes(n: int) -> str:
    value = n / (1024 * 1024)
    return f"{value:.0f}" if value == int(value) else f"{value:.1f}"


def _max_import_rows() -> int | None:
    from flask import current_app, has_app_context

    if not has_app_context():
        return None
    return current_app.config.get("CSV_MAX_IMPORT_ROWS") or None


def check_row_count(text: str, delimiter: str, max_rows: int | None) -> None:
    """Refuse (422, naming the limit) a file with more data rows than `max_rows`,
    counted by the csv reader alone before any row is validated: an oversized file
    costs a parse, not minutes of validation holding a worker."""
    if not max_rows:
        return
    records = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    rows = sum(1 for _ in itertools.islice(records, max_rows + 2)) - 1  # less the header
    if rows > max_rows:
        raise DomainError(
            ngettext(
                "The file has more than %(num)d data row, the most one import takes "
                "(CSV_MAX_IMPORT_ROWS). Split it into smaller files.",
                "The file has more than %(num)d data rows, the most one import takes "
                "(CSV_MAX_IMPORT_ROWS). Split it into smaller files.",
                max_rows,
            ),
            field="file",
            status=422,
        )


def _decode(raw: bytes) -> str:
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise DomainError(_l("The file is not UTF-8 text."), status=400) from None


def _flatten(messages, prefix=None):
    if isinstance(messages, dict):
        for key, value in messages.items():
            yield from _flatten(value, key if prefix is None else f"{prefix}.{key}")
    elif isinstance(messages, list):
        for m in messages:
            if isinstance(m, (dict, list)):
                yield from _flatten(m, prefix)
            else:
                yield prefix, str(m)
    else:
        yield prefix, str(messages)


def run_import(
    session: Session,
    imp: CsvImport,
    raw: bytes,
    options: CsvOptions | None = None,
    dry_run: bool = False,
    max_rows: int | None = None,
) -> ImportResult:
    """Validate and save every row in one transaction; any error writes nothing.

    More data rows than `max_rows` (default: the app's CSV_MAX_IMPORT_ROWS) is a
    DomainError (422) raised before any row is validated."""
    options = options or CsvOptions()
    text = _decode(raw)
    check_row_count(text, options.delimiter, max_rows or _max_import_rows())
    result = ImportResult(dry_run=dry_run)
    reader = csv.DictReader(io.StringIO(text, newline=""), delimiter=options.delimiter)
    schema = imp.schema()
    header_error = _header_error(reader.fieldnames or [], set(schema.fields))
    if header_error is not None:
        result.errors.append(header_error)
        return result
    rows = _load_rows(reader, schema, imp.unique_key, options, result)
    if not result.errors:
        _save_rows(session, imp, rows, result)
    if result.errors or dry_run:
        session.rollback()
        if result.errors:
            result.created = result.updated = 0
    else:
        session.commit()
    return result


def _header_error(headers: Sequence[str], known: set[str]) -> RowError | None:
    if not headers:
        return RowError(1, None, str(_l("The file is empty.")))
    unknown = [h for h in headers if h not in known]
    if unknown:
        return RowError(1, None, str(_l("Unknown columns: %(cols)s", cols=", ".join(unknown))))
    return None


def _load_rows(reader, schema, unique_key, options: CsvOptions, result: ImportResult):
    """(line, loaded values) of every valid row; each invalid one adds its errors."""
    decimal_fields = {
        n for n, f in schema.fields.items() if isinstance(f, (fields.Decimal, fields.Float))
    }
    rows: list[tuple[int, dict]] = []
    seen: dict[str, int] = {}
    line = 1
    for raw_row in reader:
        line = reader.line_num
        if None in raw_row:
            result.errors.append(RowError(line, None, str(_l("Too many values in this line."))))
            continue
        data = {k: (v.strip() if isinstance(v, str) else v) for k, v in raw_row.items()}
        data = {k: v for k, v in data.items() if v not in ("", None)}
        if options.decimal == ",":
            for k in decimal_fields & data.keys():
                data[k] = data[k].replace(".", "").replace(",", ".")
        try:
            loaded = schema.load(data)
        except ValidationError as err:
            result.errors.extend(RowError(line, f, m) for f, m in _flatten(err.messages))
            continue
        key = loaded.get(unique_key) if unique_key else None
        if key not in (None, ""):
            folded = str(key).casefold()
            if folded in seen:
                message = str(_l("Repeats line %(line)s.", line=seen[folded]))
                result.errors.append(RowError(line, unique_key, message))
                continue
            seen[folded] = line
        rows.append((line, loaded))
    if not rows and not result.errors:
        result.errors.append(RowError(line, None, str(_l("The file has no data rows."))))
    return rows


def _save_rows(session: Session, imp: CsvImport, rows, result: ImportResult) -> None:
    """Save the rows in order, counting created and updated; a broken rule adds an
    error, a database conflict ends the run (the transaction is spoilt)."""
    from sqlalchemy.exc import IntegrityError

    from app.datamodel import integrity_error

    for line, loaded in rows:
        try:
            with session.no_autoflush:
                outcome = imp.save(session, loaded)
            session.flush()
        except DomainError as err:
            result.errors.append(RowError(line, err.field, str(err.message)))
            continue
        except IntegrityError as exc:
            clash = integrity_error(exc)
            result.errors.append(RowError(line, clash.field, str(clash.message)))
            break
        if outcome == "updated":
            result.updated += 1
        else:
            result.created += 1
