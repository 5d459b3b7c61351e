"""Who may do what in the dashboard.

Everyone logged in has the dashboard (its figures follow what he may read), his
notifications and his settings. The service manager keeps the market records;
the accountant reads costs and revenue, promotions and the report, and takes
their exports; the viewer reads the market and the report.
"""

from app.security import ACCOUNTANT, EVERYONE, SERVICE_MANAGER, VIEWER, Grant, ModulePermissions

PERMISSIONS = ModulePermissions(
    grants=(
        Grant("Dashboard", read=EVERYONE),
        Grant("MyNotification", write=EVERYONE),
        Grant("MySettings", write=EVERYONE),
        Grant("ServiceReport", read=(SERVICE_MANAGER, ACCOUNTANT, VIEWER)),
        Grant("CostRevenue", read=(SERVICE_MANAGER, ACCOUNTANT)),
        Grant("Planning", read=(SERVICE_MANAGER, ACCOUNTANT)),
        Grant("Competitor", read=EVERYONE, write=(SERVICE_MANAGER,)),
        Grant("MarketTerms", read=EVERYONE, write=(SERVICE_MANAGER,)),
        Grant("Campaign", read=(ACCOUNTANT, VIEWER), write=(SERVICE_MANAGER,)),
    )
)
