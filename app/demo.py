"""Demo users: one per built-in role, password equal to the user name."""

from app.security import BUILTIN_ROLES

DEMO_USERS = {
    "Admin": "admin",
    "Service Manager": "manager",
    "Technician": "technician",
    "Warehouse Clerk": "clerk",
    "Claims Officer": "claims",
    "HR": "hr",
    "Accountant": "accountant",
    "Viewer": "viewer",
}


def demo_users() -> list[tuple[str, str]]:
    return [(DEMO_USERS[r], r) for r in BUILTIN_ROLES]
