"""CSV exports of the market records (promotions and events with their cost)."""

from flask_babel import lazy_gettext as _l

from app.csvio import Column, CsvExport
from modules.dashboard.models import Campaign, Competitor, MarketTerms

EXPORTS = [
    CsvExport(
        name="dashboard_campaigns",
        title=_l("Promotions, events and trade fairs"),
        resource="Campaign",
        description=_l("One line per promotion or event, with its cost; period on the start."),
        columns=(
            Column("id", Campaign.id),
            Column("name", Campaign.name),
            Column("kind", Campaign.kind, _l("promotion, event, trade_fair or advertising")),
            Column("date_from", Campaign.date_from),
            Column("date_to", Campaign.date_to),
            Column("cost", Campaign.cost, _l("Amount in the installation's currency")),
            Column("region", Campaign.region),
            Column("cancelled", Campaign.cancelled, _l("1 when cancelled")),
        ),
        date_column=Campaign.date_from,
        order_by=(Campaign.date_from, Campaign.id),
    ),
    CsvExport(
        name="dashboard_market_terms",
        title=_l("After-sales terms of competitors and ours"),
        resource="MarketTerms",
        description=_l("One line per company and segment; an empty competitor is us."),
        columns=(
            Column("id", MarketTerms.id),
            Column("competitor", Competitor.name, _l("Empty: our own terms")),
            Column("segment", MarketTerms.segment),
            Column("warranty_months", MarketTerms.warranty_months, label=_l("Warranty, months")),
            Column("repair_days", MarketTerms.repair_days, label=_l("Repair time, days")),
            Column("loaner", MarketTerms.loaner, _l("none, paid or free")),
            Column("contract_price", MarketTerms.contract_price, label=_l("Contract price")),
            Column("extended_warranty_price", MarketTerms.extended_warranty_price),
            Column("valid_from", MarketTerms.valid_from),
        ),
        select_from=MarketTerms,
        joins=((Competitor, Competitor.id == MarketTerms.competitor_id),),
        order_by=(MarketTerms.segment, MarketTerms.id),
    ),
]
