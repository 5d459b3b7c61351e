"""Contract services: plain functions over a Session, shared by UI, API and demo."""

from modules.contracts.services.coverage import (
    UnitCoverage,
    contract_coverage,
    coverage_for_unit,
    in_force_on,
)
from modules.contracts.services.life import (
    CONTRACT_MACHINE,
    check_contract,
    check_coverage,
    create_contract,
    create_successor,
    expiring_contracts,
    generate_billing,
    get_contract,
    notice_date,
    pipeline,
    review_contracts,
    successor_id,
    transition,
    update_contract,
)
from modules.contracts.services.reimbursements import (
    REIMBURSEMENT_MACHINE,
    check_reimbursement,
    create_reimbursement,
)
from modules.contracts.services.sla import (
    add_service_hours,
    due_times,
    repair_sla,
    sla_breaches,
)
from modules.contracts.services.visits import (
    VISIT_MACHINE,
    add_visit,
    check_visit,
    generate_visits,
    overdue_visits,
    record_work,
)

__all__ = [
    "CONTRACT_MACHINE",
    "REIMBURSEMENT_MACHINE",
    "VISIT_MACHINE",
    "UnitCoverage",
    "add_service_hours",
    "add_visit",
    "check_contract",
    "check_coverage",
    "check_reimbursement",
    "check_visit",
    "contract_coverage",
    "coverage_for_unit",
    "create_contract",
    "create_reimbursement",
    "create_successor",
    "due_times",
    "expiring_contracts",
    "generate_billing",
    "generate_visits",
    "get_contract",
    "in_force_on",
    "notice_date",
    "overdue_visits",
    "pipeline",
    "record_work",
    "repair_sla",
    "review_contracts",
    "sla_breaches",
    "successor_id",
    "transition",
    "update_contract",
]
