from app.api import AppRestApi
from app.datamodel import AppInterface

from .models import PartnerNote


class PartnerNoteApi(AppRestApi):
    resource_name = "partner_note"
    class_permission_name = "PartnerNote"
    datamodel = AppInterface(PartnerNote)
    list_columns = ["id", "partner.name", "text"]
    add_columns = ["partner", "text"]


APIS = [PartnerNoteApi]
