"""Supplier claims: their own number series, apart from the service contracts'."""

from __future__ import annotations

from datetime import date, time, timedelta

from modules.claims.models import SupplierClaim
from modules.claims.services import create_supplier_claim
from modules.contracts.models import ServiceContract
from modules.contracts.services import create_contract
from tests.claims.helpers import D, make_world


def test_supplier_claims_and_service_contracts_number_apart(run):
    """Both used to draw from the "SC" series: SC-2026-00001 a supplier claim, then
    SC-2026-00002 a contract. Each has its own series now, starting at 1."""

    def go(s):
        w = make_world(s)
        today = date.today()
        claims = [
            create_supplier_claim(
                s,
                SupplierClaim(
                    supplier_id=w["supplier"],
                    description=f"Bad pumps {n}",
                    amount=D("300"),
                    opened_on=today,
                ),
            )
            for n in (1, 2)
        ]
        contract = create_contract(
            s,
            ServiceContract(
                title="Washers care",
                partner_id=w["customer"],
                start_date=today,
                end_date=today + timedelta(days=364),
                business_from=time(9),
                business_to=time(18),
            ),
        )
        year = today.year
        assert [c.number for c in claims] == [f"SCL-{year}-00001", f"SCL-{year}-00002"]
        assert contract.number == f"SC-{year}-00001"

    run(go)
