"""What the navbar search finds in claims (consumer claims, supplier claims and
production proposals by number), and a unit's claims on its passport."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

from app.formats import day
from app.search import Searchable
from modules.claims.models import (
    CLAIM_STATES,
    PROPOSAL_STATES,
    SUPPLIER_CLAIM_STATES,
    Claim,
    ProductionProposal,
    SupplierClaim,
)


def _claim_detail(c: Claim) -> str:
    return f"{day(c.received_on)} · {CLAIM_STATES.label(c.state)} · {c.customer}"


SEARCH = [
    Searchable(
        kind="claim",
        title=_l("Claims"),
        model=Claim,
        links=(("Claim", "ClaimView"),),
        prefix=("number",),
        label=lambda c: c.number or f"#{c.id}",
        detail=_claim_detail,
        load=("customer",),
        unit=lambda u: Claim.unit_id == u.id,
        new=_l("Open a claim"),
    ),
    Searchable(
        kind="supplier_claim",
        title=_l("Supplier claims"),
        model=SupplierClaim,
        links=(("SupplierClaim", "SupplierClaimView"),),
        prefix=("number",),
        label=lambda c: c.number or f"#{c.id}",
        detail=lambda c: (
            f"{day(c.opened_on)} · {SUPPLIER_CLAIM_STATES.label(c.state)} · {c.supplier}"
        ),
        load=("supplier",),
    ),
    Searchable(
        kind="proposal",
        title=_l("Production proposals"),
        model=ProductionProposal,
        links=(("ProductionProposal", "ProductionProposalView"),),
        prefix=("number",),
        label=lambda p: p.number or f"#{p.id}",
        detail=lambda p: str(PROPOSAL_STATES.label(p.state)),
    ),
]
