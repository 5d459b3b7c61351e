"""What the navbar search finds in partners: customers, dealers and suppliers by name,
reference, tax id, e-mail or phone."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

from app.search import Searchable
from modules.partners.models import Partner


def _detail(p: Partner) -> str:
    return " · ".join(x for x in (p.ref, p.tax_id, p.phone, p.email, p.city) if x)


SEARCH = [
    Searchable(
        kind="partner",
        title=_l("Partners"),
        model=Partner,
        links=(("Partner", "PartnerView"),),
        prefix=("ref", "tax_id"),
        contains=("name", "email", "phone"),
        detail=_detail,
    ),
]
