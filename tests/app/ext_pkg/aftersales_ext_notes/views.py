from app.datamodel import AppInterface
from app.registry import MenuEntry
from app.views import AppModelView

from .models import PartnerNote


class PartnerNoteView(AppModelView):
    datamodel = AppInterface(PartnerNote)
    class_permission_name = "PartnerNote"
    list_columns = ["partner", "text"]
    add_columns = edit_columns = ["partner", "text"]


MENU = [MenuEntry(PartnerNoteView, "Partner notes", "Partner notes")]
