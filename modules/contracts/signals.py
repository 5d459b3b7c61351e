"""Contracts answer the warranty module's question "who covers this unit?"."""

from modules.contracts.services.coverage import contract_coverage
from modules.warranty.hooks import register_coverage_provider


def connect() -> None:
    register_coverage_provider(contract_coverage)
