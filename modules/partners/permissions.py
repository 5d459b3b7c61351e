"""Who may do what with partners."""

from app.security import (
    CLAIMS_OFFICER,
    EVERYONE,
    SERVICE_MANAGER,
    WAREHOUSE_CLERK,
    Grant,
    ModulePermissions,
)

_EDITORS = (SERVICE_MANAGER, WAREHOUSE_CLERK, CLAIMS_OFFICER)

PERMISSIONS = ModulePermissions(
    grants=(
        Grant(
            "Partner",
            read=EVERYONE,
            write=_EDITORS,
            why="customers, dealers and suppliers: everyone needs them; the desks keep them",
        ),
        Grant("Contact", read=EVERYONE, write=_EDITORS, why="people at a partner"),
        Grant(
            "Interaction",
            read=EVERYONE,
            write=_EDITORS,
            why="calls, meetings, demonstrations with partners",
        ),
    )
)
