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
    meta = str(
        _l(
            "Position: %(position)s. Version %(version)s",
            position=jd.position.name,
            version=jd.version,
        )
    )
    if jd.published_at:
        meta += " — " + str(_l("published %(date)s", date=format_date(jd.published_at.date())))
    doc.title(_l("Job description"), f"{jd.title}\n{meta}")

    def section(title, text):
        if (text or "").strip():
            doc.heading(title)
            doc.paragraph(text)

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

    doc.heading(_l("Acknowledgement: read and understood"))
    doc.table(
        (_l("Name"), _l("Date"), _l("Signature")),
        (
            (
                emp.name,
                format_datetime(ack.acknowledged_at, "short") if ack else "",
                str(_l("read and understood")) if ack else "",
            )
            for emp, ack in holders or []
        ),
        widths=(0.45, 0.3, 0.25),
        empty_rows=3,  # blank lines to sign by hand when nobody has yet
    )
    return doc.output()
