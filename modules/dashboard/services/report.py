"""The periodic service report: the sections the loaded modules contribute (repairs,
visits, claims, deadlines met, defects, parts sold, tasks...) for a period, with the
dashboard's own (cost and revenue, promotions and events), as PDF or CSV."""

from __future__ import annotations

import csv
import io
import logging
from collections.abc import Callable
from datetime import date

from flask_babel import format_date
from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from app import insights, policy
from app.csvio import CsvOptions, cell
from app.db import ZERO
from app.insights import ReportSection, ReportTable
from modules.dashboard.models import CAMPAIGN_KINDS, Campaign
from modules.dashboard.services import fmt, money

log = logging.getLogger("aftersales.dashboard")


def _money_section(session, date_from: date, date_to: date) -> ReportTable:
    """Each source's amount for the period, the totals per kind and the margin."""
    t = money.table(session, date_from, date_to, "month")
    rows: list[list] = []
    for kind in money.KINDS:
        cols = [c for c in t.columns if c.kind == kind]
        for c in cols:
            rows.append([str(money.KIND_LABELS[kind]), c.label, t.totals.amounts.get(c.key, ZERO)])
        if cols:
            rows.append(
                [
                    str(money.KIND_LABELS[kind]),
                    str(_l("Total")),
                    t.kind_total(t.totals, kind),
                ]
            )
    return ReportTable(
        title=_l("Costs and revenue"),
        columns=[_l("Kind"), _l("Item"), _l("Amount")],
        rows=rows,
        totals=[_l("Margin"), "", t.margin(t.totals)] if rows else None,
        note=None if t.columns else _l("No module reports costs or revenue yet."),
    )


def _campaign_section(session, date_from: date, date_to: date) -> ReportTable:
    rows = session.execute(
        select(Campaign.name, Campaign.kind, Campaign.date_from, Campaign.date_to, Campaign.cost)
        .where(
            Campaign.cancelled.is_(False),
            Campaign.date_from <= date_to,
            Campaign.date_to >= date_from,
        )
        .order_by(Campaign.date_from, Campaign.id)
    ).all()
    return ReportTable(
        title=_l("Promotions, events and trade fairs"),
        columns=[_l("Name"), _l("Kind"), _l("From"), _l("To"), _l("Cost")],
        rows=[[n, CAMPAIGN_KINDS.label(k), f, t, c] for n, k, f, t, c in rows],
        totals=[_l("Total"), "", "", "", sum((r[4] for r in rows), ZERO)] if rows else None,
    )


OWN_SECTIONS = (
    ReportSection(
        "dashboard.money", _l("Costs and revenue"), _money_section, "CostRevenue", 900, True
    ),
    ReportSection(
        "dashboard.campaigns",
        _l("Promotions and events"),
        _campaign_section,
        "Campaign",
        950,
        True,
    ),
)


def section_allowed(section: ReportSection, actor: policy.Actor) -> bool:
    """A section sums every row of its kind: shown to a reader whom no record rule
    limits on it, and, when it shows costs, who may see costs."""
    if section.costs and not actor.can(*policy.COSTS):
        return False
    if section.resource is None:
        return True
    the_book = policy.book()
    return not any(
        the_book.restricted(m, actor) for m in the_book.resource_models(section.resource)
    )


def sections(can_read: Callable[[str], bool] | None = None) -> list[ReportSection]:
    found = [s for _m, s in insights.collect("report_sections")] + list(OWN_SECTIONS)
    if can_read is not None:
        actor = policy.current_actor()
        found = [
            s
            for s in found
            if (s.resource is None or can_read(s.resource)) and section_allowed(s, actor)
        ]
    return sorted(found, key=lambda s: s.order)


def build(
    session, date_from: date, date_to: date, can_read: Callable[[str], bool] | None = None
) -> list[ReportTable]:
    """Every visible section's tables for the period (a failing section says so)."""
    date_from, date_to = money.check_period(date_from, date_to)
    tables: list[ReportTable] = []
    for section in sections(can_read):
        try:
            result = section.compute(session, date_from, date_to)
        except Exception:
            log.exception("report section %s failed", section.key)
            session.rollback()
            result = ReportTable(
                section.label, [], [], note=_l("This section could not be computed.")
            )
        tables.extend(result if isinstance(result, list) else [result])
    return tables


def title(date_from: date, date_to: date) -> tuple[str, str]:
    return (
        str(_l("Service report")),
        str(
            _l(
                "%(from)s – %(to)s",
                **{"from": format_date(date_from, "long"), "to": format_date(date_to, "long")},
            )
        ),
    )


def to_pdf(tables: list[ReportTable], date_from: date, date_to: date) -> bytes:
    from app.pdf import Document

    heading, period = title(date_from, date_to)
    doc = Document(f"{heading} {date_from.isoformat()} {date_to.isoformat()}")
    pdf = doc.pdf

    def text(value, size: float, style: str = "", height: float = 5, align: str = "L"):
        pdf.set_font("DejaVu", style, size)
        pdf.set_x(pdf.l_margin)
        pdf.multi_cell(doc.width, height, str(value), align=align, new_x="LMARGIN", new_y="NEXT")

    text(heading, 15, doc.strong, 8, "C")
    text(period, 10, "", 6, "C")
    pdf.ln(3)
    for t in tables:
        pdf.ln(1)
        text(t.title, 11, doc.strong, 6)
        if t.note:
            text(t.note, 9)
        if not t.columns:
            continue
        if not t.rows:
            text(_l("Nothing in this period."), 9)
            continue
        pdf.set_font("DejaVu", "", 8 if len(t.columns) <= 7 else 6.5)
        aligns = [_align(t, i) for i in range(len(t.columns))]
        with pdf.table(
            text_align=aligns,
            line_height=pdf.font_size * 1.6,
            first_row_as_headings=True,
            headings_style=_headings_style(doc),
        ) as table:
            table.row([str(c) for c in t.columns])
            for row in t.rows:
                table.row([fmt.cell(v) for v in row])
            if t.totals:
                table.row([fmt.cell(v) for v in t.totals])
        pdf.ln(3)
    return doc.output()


def _headings_style(doc):
    from fpdf.fonts import FontFace

    return FontFace(emphasis="BOLD" if doc.strong else None, fill_color=(235, 235, 235))


def _align(t: ReportTable, i: int) -> str:
    sample = next((r[i] for r in t.rows if i < len(r) and r[i] is not None), None)
    return "RIGHT" if isinstance(sample, (int, float)) or hasattr(sample, "quantize") else "LEFT"


def to_csv(tables: list[ReportTable], options: CsvOptions) -> str:
    """One file, one block per table: its title, its header, its rows, then a blank line."""
    buf = io.StringIO()
    if options.bom:
        buf.write("\ufeff")
    writer = csv.writer(buf, delimiter=options.delimiter, lineterminator="\r\n")
    for t in tables:
        writer.writerow([str(t.title)])
        if t.columns:
            writer.writerow([str(c) for c in t.columns])
            for row in t.rows:
                writer.writerow([cell(_plain(v), options) for v in row])
            if t.totals:
                writer.writerow([cell(_plain(v), options) for v in t.totals])
        writer.writerow([])
    return buf.getvalue()


def _plain(value):
    if value is not None and not isinstance(value, (str, int, float, date)):
        if not hasattr(value, "quantize"):
            return str(value)  # lazy strings
    return value
