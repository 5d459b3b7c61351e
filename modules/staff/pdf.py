"""A job description as a PDF in the user's language, with the acknowledgement block."""

from __future__ import annotations

from flask_babel import format_date, format_datetime
from flask_babel import lazy_gettext as _l

from app.pdf import Document
from modules.staff.models import Acknowledgement, Employee, JobDescription


def job_description_pdf(
    jd: JobDescription,
    holders: list[tuple[Employee, Acknowledgement | None]] | None = None,
) -> bytes:
    """The PDF of `jd`; `holders` fills the acknowledgement block (empty lines otherwise)."""
    doc = Document(str(jd))
    pdf, strong, width = doc.pdf, doc.strong, doc.width

    pdf.set_font("DejaVu", strong, 15)
    pdf.multi_cell(width, 8, str(_l("Job description")), align="C")
    pdf.set_font("DejaVu", "", 12)
    pdf.multi_cell(width, 7, jd.title, align="C")
    meta = str(
        _l(
            "Position: %(position)s. Version %(version)s",
            position=jd.position.name,
            version=jd.version,
        )
    )
    if jd.published_at:
        meta += " — " + str(_l("published %(date)s", date=format_date(jd.published_at.date())))
    pdf.set_font("DejaVu", "", 9)
    pdf.multi_cell(width, 5, meta, align="C")
    pdf.ln(4)

    def section(title, text):
        if not (text or "").strip():
            return
        pdf.set_font("DejaVu", strong, 11)
        pdf.multi_cell(width, 6, str(title))
        pdf.set_font("DejaVu", "", 10)
        pdf.multi_cell(width, 5, text.strip())
        pdf.ln(2)

    general = []
    for label, value in (
        (_l("Reports to"), jd.reports_to),
        (_l("Appointed and dismissed by"), jd.appointed_by),
        (_l("Qualification required"), jd.qualification),
        (_l("Experience required"), jd.experience),
        (_l("The holder must know"), jd.must_know),
    ):
        if (value or "").strip():
            general.append(f"{label}: {value.strip()}")
    section(_l("1. General provisions"), "\n".join(general))
    section(_l("2. Duties"), jd.duties)
    section(_l("3. Rights"), jd.rights)
    section(_l("4. Responsibility"), jd.responsibilities)
    section(_l("5. Working conditions"), jd.working_conditions)

    pdf.ln(4)
    pdf.set_font("DejaVu", strong, 11)
    pdf.multi_cell(width, 6, str(_l("Acknowledgement: read and understood")))
    pdf.set_font("DejaVu", "", 9)
    cols = (width * 0.45, width * 0.3, width * 0.25)
    for text, w in zip((_l("Name"), _l("Date"), _l("Signature")), cols, strict=True):
        pdf.cell(w, 7, str(text), border=1)
    pdf.ln()
    rows = holders or []
    for emp, ack in rows:
        when = format_datetime(ack.acknowledged_at, "short") if ack else ""
        pdf.cell(cols[0], 7, emp.name, border=1)
        pdf.cell(cols[1], 7, when, border=1)
        pdf.cell(cols[2], 7, str(_l("read and understood")) if ack else "", border=1)
        pdf.ln()
    for _ in range(max(0, 3 - len(rows))):
        for w in cols:
            pdf.cell(w, 7, "", border=1)
        pdf.ln()
    return doc.output()
