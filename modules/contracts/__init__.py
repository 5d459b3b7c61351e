"""Service contracts with dealers and customers: coverage, SLA, deal stages, scheduled
visits, renewals, dealer reimbursements and the billing schedule."""

from flask_babel import lazy_gettext as _l

from app.registry import ModuleManifest

MANIFEST = ModuleManifest(
    name="contracts",
    version="1.0.0",
    summary=_l("Service contracts: coverage, SLA, deal stages, visits, renewals, reimbursements"),
    depends=("partners", "staff", "inventory", "warranty"),
    category="Contracts",
    category_label=_l("Contracts"),
    category_icon="fa-file-contract",
)
