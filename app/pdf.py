"""Printed documents (acts, certificates, reports) as PDF in the user's language.

fpdf2 with an embedded DejaVu font, so Cyrillic and Portuguese text print
correctly. Modules build their documents with `Document` and return
`doc.output()`; the font is configured once (`PDF_FONT`).
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Sequence

from flask import current_app
from flask_babel import lazy_gettext as _l

from app import formats
from app.errors import DomainError

DEFAULT_FONT = "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf"


def font_path() -> str:
    config = current_app.config
    path = config.get("PDF_FONT") or DEFAULT_FONT
    if not os.path.isfile(path):
        raise DomainError(
            _l(
                "The PDF font %(path)s is missing: install the package fonts-dejavu-core "
                "or set PDF_FONT.",
                path=path,
            ),
            status=503,
        )
    return path


class Document:
    """An A4 page flow with headings, paragraphs, label/value pairs, tables and
    signature lines."""

    def __init__(self, title: str):
        from fpdf import FPDF

        path = font_path()
        self.pdf = pdf = FPDF(format="A4")
        pdf.set_auto_page_break(True, margin=15)
        pdf.add_font("DejaVu", "", path)
        bold = path.replace("DejaVuSans.ttf", "DejaVuSans-Bold.ttf")
        self.strong = ""
        if bold != path and os.path.isfile(bold):
            pdf.add_font("DejaVu", "B", bold)
            self.strong = "B"
        pdf.set_title(str(title))
        pdf.add_page()
        self.width = pdf.epw

    def title(self, text, subtitle=None) -> None:
        self.pdf.set_font("DejaVu", self.strong, 15)
        self.pdf.multi_cell(self.width, 8, str(text), align="C", new_x="LMARGIN", new_y="NEXT")
        if subtitle:
            self.pdf.set_font("DejaVu", "", 10)
            self.pdf.multi_cell(
                self.width, 6, str(subtitle), align="C", new_x="LMARGIN", new_y="NEXT"
            )
        self.pdf.ln(4)

    def heading(self, text) -> None:
        self.pdf.ln(1)
        self.pdf.set_font("DejaVu", self.strong, 11)
        self.pdf.multi_cell(self.width, 6, str(text), new_x="LMARGIN", new_y="NEXT")

    def paragraph(self, text, size: int = 10) -> None:
        if not str(text or "").strip():
            return
        self.pdf.set_font("DejaVu", "", size)
        self.pdf.multi_cell(self.width, 5, str(text).strip(), new_x="LMARGIN", new_y="NEXT")
        self.pdf.ln(1)

    def fields(self, pairs: Iterable[tuple[object, object]]) -> None:
        """Label: value lines; pairs with an empty value are left out."""
        label_w = self.width * 0.35
        for label, value in pairs:
            if value is None or str(value).strip() == "":
                continue
            self.pdf.set_font("DejaVu", self.strong, 9)
            y = self.pdf.get_y()
            self.pdf.multi_cell(label_w, 5, str(label), new_x="LMARGIN", new_y="NEXT")
            end_label = self.pdf.get_y()
            self.pdf.set_xy(self.pdf.l_margin + label_w, y)
            self.pdf.set_font("DejaVu", "", 9)
            text = str(formats.display(value))
            self.pdf.multi_cell(self.width - label_w, 5, text, new_x="LMARGIN", new_y="NEXT")
            self.pdf.set_y(max(end_label, self.pdf.get_y()))
        self.pdf.ln(2)

    def headings_style(self):
        """The style of a table's heading row: bold when the bold font is there."""
        from fpdf.fonts import FontFace

        return FontFace(emphasis="BOLD" if self.strong else None, fill_color=(235, 235, 235))

    def table(
        self,
        headers: Sequence[object],
        rows: Iterable[Sequence[object]],
        widths: Sequence[float] | None = None,
        empty_rows: int = 0,
    ) -> None:
        """A bordered table (fpdf2's own: cells wrap, a page break repeats the heading);
        widths are fractions of the page width, numbers in the document's language
        (app.formats), blank rows to fill in by hand up to `empty_rows`."""
        self.pdf.set_font("DejaVu", "", 8)
        count = 0
        with self.pdf.table(
            col_widths=tuple(widths) if widths else None,
            width=self.width,
            line_height=self.pdf.font_size * 1.8,
            first_row_as_headings=True,
            headings_style=self.headings_style(),
        ) as table:
            table.row([str(h) for h in headers])
            for row in rows:
                count += 1
                table.row([str(formats.display(cell)) for cell in row])
            for _ in range(max(0, empty_rows - count)):
                table.row([""] * len(headers))
        self.pdf.ln(2)

    def signatures(self, labels: Iterable[object]) -> None:
        """A line to sign for each party."""
        self.pdf.ln(6)
        self.pdf.set_font("DejaVu", "", 9)
        for label in labels:
            self.pdf.multi_cell(
                self.width,
                8,
                f"{label}: ______________________  /  ________",
                new_x="LMARGIN",
                new_y="NEXT",
            )
        self.pdf.ln(2)

    def output(self) -> bytes:
        return bytes(self.pdf.output())
