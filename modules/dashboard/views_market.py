"""Market screens: competitors, after-sales terms side by side, promotions and events."""

from __future__ import annotations

from pathlib import Path

from flask_appbuilder import BaseView, expose
from flask_appbuilder.security.decorators import has_access
from flask_babel import lazy_gettext as _l

from app.datamodel import AppInterface
from app.db import db
from app.views import AppModelView
from modules.dashboard.models import (
    CAMPAIGN_KINDS,
    LOANER_POLICIES,
    Campaign,
    Competitor,
    MarketTerms,
)
from modules.dashboard.services import market
from modules.dashboard.web import HELPERS

TEMPLATES = str(Path(__file__).parent / "templates")

LABELS = {
    "name": _l("Name"),
    "website": _l("Website"),
    "brands": _l("Brands"),
    "notes": _l("Notes"),
    "active": _l("Active"),
    "competitor": _l("Competitor"),
    "company": _l("Company"),
    "segment": _l("Segment"),
    "warranty_months": _l("Warranty (months)"),
    "repair_days": _l("Repair time (days)"),
    "loaner": _l("Loaner"),
    "contract_price": _l("Service contract, a year"),
    "extended_warranty_price": _l("Extended warranty price"),
    "valid_from": _l("Valid from"),
    "source": _l("Source of the information"),
    "kind": _l("Kind"),
    "date_from": _l("From"),
    "date_to": _l("To"),
    "cost": _l("Cost"),
    "region": _l("Region"),
    "cancelled": _l("Cancelled"),
    "created_at": _l("Created"),
}


class MarketTermsView(AppModelView):
    datamodel = AppInterface(MarketTerms)
    class_permission_name = "MarketTerms"
    list_title = _l("After-sales terms")
    show_title = _l("After-sales terms")
    add_title = _l("Add after-sales terms")
    edit_title = _l("Edit after-sales terms")
    label_columns = LABELS
    list_columns = [
        "segment",
        "company",
        "warranty_months",
        "repair_days",
        "loaner",
        "contract_price",
        "valid_from",
    ]
    _fields = [
        "competitor",
        "segment",
        "warranty_months",
        "repair_days",
        "loaner",
        "contract_price",
        "extended_warranty_price",
        "valid_from",
        "source",
        "notes",
    ]
    add_columns = edit_columns = show_columns = _fields
    search_columns = ["segment", "warranty_months", "repair_days", "loaner", "valid_from"]
    order_columns = ["segment", "warranty_months", "repair_days", "valid_from"]
    base_order = ("segment", "asc")
    formatters_columns = {"loaner": LOANER_POLICIES.label}
    add_form_extra_fields = {"loaner": LOANER_POLICIES.select_field(_l("Loaner"))}
    edit_form_extra_fields = add_form_extra_fields
    description_columns = {
        "competitor": _l("Leave empty for our own terms."),
        "segment": _l("The equipment category compared, e.g. washing machines."),
    }
    rules = market.MarketTermsRules()


class CompetitorView(AppModelView):
    datamodel = AppInterface(Competitor)
    class_permission_name = "Competitor"
    list_title = _l("Competitors")
    show_title = _l("Competitor")
    add_title = _l("Add competitor")
    edit_title = _l("Edit competitor")
    label_columns = LABELS
    list_columns = ["name", "brands", "website", "active"]
    add_columns = edit_columns = show_columns = ["name", "brands", "website", "notes", "active"]
    search_columns = ["name", "brands", "active"]
    base_order = ("name", "asc")
    related_views = [MarketTermsView]
    rules = market.CompetitorRules()


class CampaignView(AppModelView):
    datamodel = AppInterface(Campaign)
    class_permission_name = "Campaign"
    template_folder = TEMPLATES
    show_template = "dashboard/campaign_show.html"
    list_title = _l("Promotions and events")
    show_title = _l("Promotion or event")
    add_title = _l("Add a promotion or event")
    edit_title = _l("Edit promotion or event")
    label_columns = LABELS
    list_columns = ["name", "kind", "date_from", "date_to", "cost", "region", "cancelled"]
    add_columns = edit_columns = [
        "name",
        "kind",
        "date_from",
        "date_to",
        "cost",
        "region",
        "notes",
        "cancelled",
    ]
    show_columns = [*add_columns, "created_at"]
    search_columns = ["name", "kind", "date_from", "date_to", "region", "cancelled"]
    order_columns = ["name", "date_from", "date_to", "cost"]
    base_order = ("date_from", "desc")
    formatters_columns = {"kind": CAMPAIGN_KINDS.label}
    add_form_extra_fields = {"kind": CAMPAIGN_KINDS.select_field(_l("Kind"))}
    edit_form_extra_fields = add_form_extra_fields
    description_columns = {
        "cost": _l("What it cost: stand, travel, printing, discounts given."),
        "region": _l("Revenue is compared for this region only; empty: everywhere."),
        "cancelled": _l("Campaigns are not deleted: tick to cancel."),
    }
    rules = market.CampaignRules()

    def render_template(self, template, **kwargs):
        if template == self.show_template and kwargs.get("pk") is not None:
            item = self.shown_item(kwargs["pk"])
            if item is not None:
                kwargs["effect"] = market.effect(db.session, item)
                kwargs.update(HELPERS)
        return super().render_template(template, **kwargs)


class MarketView(BaseView):
    """Our after-sales terms beside each competitor's, per segment."""

    route_base = "/market"
    template_folder = TEMPLATES
    class_permission_name = "MarketTerms"
    method_permission_name = {"compare": "read"}
    base_permissions = ["can_read"]
    default_view = "compare"

    @expose("/compare")
    @has_access
    def compare(self):
        return self.render_template(
            "dashboard/compare.html", segments=market.comparison(db.session)
        )
