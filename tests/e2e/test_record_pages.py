"""Every working record page opens as a work surface in the three languages (#15): a
header naming the record, its state and the steps the service manager may take, and a
screenshot of each (test-artifacts/e2e/record-<kind>-<lang>.png) for a person to look
at and for README's screenshots."""

from __future__ import annotations

import pytest

from tests.conftest import ROLE_USERS
from tests.e2e.conftest import SKIP_REASON, login

if SKIP_REASON:
    pytest.skip(SKIP_REASON, allow_module_level=True)

pytestmark = [pytest.mark.e2e, pytest.mark.usefixtures("demo_data")]

LANGUAGES = ("en", "pt_BR", "ru")


def _pages(run) -> dict[str, str]:
    """kind -> the show page of the demo's first open record of that kind."""
    from sqlalchemy import select

    from modules.claims.models import Claim
    from modules.contracts.models import ScheduledVisit, ServiceContract
    from modules.inventory.models import PartsSale, PurchaseOrder
    from modules.staff.models import Task
    from modules.warranty.models import RepairOrder, Unit

    kinds = {
        "repair": (RepairOrder, "/repairorderview", RepairOrder.state == "diagnosing"),
        "claim": (Claim, "/claimview", Claim.state == "under_review"),
        "unit": (Unit, "/unitview", Unit.active.is_(True)),
        "contract": (ServiceContract, "/servicecontractview", ServiceContract.state == "active"),
        "visit": (ScheduledVisit, "/scheduledvisitview", ScheduledVisit.state == "planned"),
        "purchase-order": (PurchaseOrder, "/purchaseorderview", PurchaseOrder.id > 0),
        "parts-sale": (PartsSale, "/partssaleview", PartsSale.id > 0),
        "task": (Task, "/taskview", Task.id > 0),
    }

    def find(s) -> dict[str, str]:
        out = {}
        for kind, (model, base, cond) in kinds.items():
            pk = s.scalar(select(model.id).where(cond).order_by(model.id)) or s.scalar(
                select(model.id).order_by(model.id)
            )
            assert pk is not None, f"the demo has no {kind}"
            out[kind] = f"{base}/show/{pk}"
        return out

    return run(find)


@pytest.mark.parametrize("lang", LANGUAGES)
def test_record_pages_are_work_surfaces(run, new_page, watch, artifacts, lang):
    pages = _pages(run)
    page = new_page()
    page.set_viewport_size({"width": 1366, "height": 900})
    login(page, ROLE_USERS["Service Manager"])
    page.goto(f"/lang/{lang}")
    for kind, url in pages.items():
        page.goto(url)
        head = page.locator(".as-head")
        assert head.count() == 1, f"{kind}: no header on {url}"
        assert page.locator(".as-name").inner_text().strip(), kind
        # the steps, Edit or documents: something to do from the top of the page
        assert page.locator(".as-actions a, .as-actions button").count() > 0, kind
        # the header sits at the top: the first screen shows it whole
        box = head.bounding_box()
        assert box is not None and box["y"] + box["height"] < 900, (kind, box)
        page.screenshot(path=artifacts / f"record-{kind}-{lang}.png", full_page=True)
    watch.check()
