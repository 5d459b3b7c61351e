"""Who may do what in the dashboard.

Everyone logged in has the dashboard (its figures follow what he may read), his
notifications and his settings. The service manager keeps the market records;
the accountant reads costs and revenue, promotions and the report, and takes
their exports; the viewer reads the market and the report.
"""

from app.policy import Fields, Rows
from app.security import ACCOUNTANT, EVERYONE, SERVICE_MANAGER, VIEWER, Grant, ModulePermissions
from modules.dashboard.models import Campaign, Notification

PERMISSIONS = ModulePermissions(
    grants=(
        Grant(
            "Dashboard",
            read=EVERYONE,
            why="each figure follows the reader's own rights and record rules",
        ),
        Grant(
            "MyNotification",
            write=EVERYONE,
            why="everyone reads and marks his own notifications, and no one else's",
        ),
        Grant("MySettings", write=EVERYONE, why="everyone sets his own language and e-mail"),
        Grant(
            "ServiceReport",
            read=(SERVICE_MANAGER, ACCOUNTANT, VIEWER),
            why="the periodic report; its money part only for those who see costs",
        ),
        Grant(
            "CostRevenue",
            read=(SERVICE_MANAGER, ACCOUNTANT),
            why="cost and revenue control is for the manager and accounting",
        ),
        Grant(
            "Planning",
            read=(SERVICE_MANAGER, ACCOUNTANT),
            why="pricing and warranty planning use costs",
        ),
        Grant(
            "Competitor",
            read=EVERYONE,
            write=(SERVICE_MANAGER,),
            why="the market is known to all; the manager keeps it",
        ),
        Grant(
            "MarketTerms",
            read=EVERYONE,
            write=(SERVICE_MANAGER,),
            why="competitors' terms beside ours, kept by the manager",
        ),
        Grant(
            "Campaign",
            read=(ACCOUNTANT, VIEWER),
            write=(SERVICE_MANAGER,),
            why="promotions and events with their cost and effect",
        ),
    ),
    rows=(
        Rows(
            Notification,
            lambda actor: Notification.user_id == actor.user_id,
            why="a notification is read by its recipient only (Admin included)",
        ),
    ),
    fields=(Fields(Campaign, ("cost",), why="what a promotion cost us"),),
)
