from app.security import EVERYONE, SERVICE_MANAGER, Grant, ModulePermissions

PERMISSIONS = ModulePermissions(
    grants=(Grant("PartnerNote", read=EVERYONE, write=(SERVICE_MANAGER,)),)
)
