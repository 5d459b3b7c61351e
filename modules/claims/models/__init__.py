"""Claims tables (clm_*), one file per aggregate."""

from modules.claims.models.claims import (
    CHANNELS,
    CLAIM_LEGAL_FACTS,
    CLAIM_SETTLEMENT,
    CLAIM_STATES,
    DEMANDS,
    EXAM_PAYERS,
    EXAM_STATES,
    OPEN_CLAIM_STATES,
    RESOLUTIONS,
    ROOT_CAUSES,
    Claim,
    ClaimDefect,
    DefectCode,
    ExpertExamination,
)
from modules.claims.models.quality import (
    ALERT_STATES,
    PROPOSAL_KINDS,
    PROPOSAL_STATES,
    ClaimSettings,
    ProductionProposal,
    SystemicAlert,
)
from modules.claims.models.satisfaction import SatisfactionRequest
from modules.claims.models.suppliers import (
    BREACHES,
    SUPPLIER_CLAIM_STATES,
    SupplierClaim,
    supplier_claim_defect,
    supplier_claim_repair,
)

__all__ = [
    "CLAIM_LEGAL_FACTS",
    "CLAIM_SETTLEMENT",
    "ALERT_STATES",
    "BREACHES",
    "CHANNELS",
    "CLAIM_STATES",
    "DEMANDS",
    "EXAM_PAYERS",
    "EXAM_STATES",
    "OPEN_CLAIM_STATES",
    "PROPOSAL_KINDS",
    "PROPOSAL_STATES",
    "RESOLUTIONS",
    "ROOT_CAUSES",
    "SUPPLIER_CLAIM_STATES",
    "Claim",
    "ClaimDefect",
    "ClaimSettings",
    "DefectCode",
    "ExpertExamination",
    "ProductionProposal",
    "SatisfactionRequest",
    "SupplierClaim",
    "SystemicAlert",
    "supplier_claim_defect",
    "supplier_claim_repair",
]
