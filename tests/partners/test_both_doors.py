"""Partner and interaction rules hold the same at the screen and at the API."""

from __future__ import annotations

from modules.partners.models import Interaction, Partner
from tests.both_doors import Case, Door, check_both_doors

PARTNERS = Door(view="/partnerview", api="/api/v1/partner/", model=Partner)


def _partner(session) -> int:
    p = Partner(name="Acme", is_customer=True)
    session.add(p)
    session.flush()
    return p.id


def test_partner_rules_hold_at_both_doors(app, run, clean):
    base = {"name": "Acme Ltda", "is_customer": True}
    check_both_doors(
        app,
        run,
        clean,
        PARTNERS,
        [
            Case("a customer", {**base, "country": "br", "tax_id": "12.345.678/0001-90"}, True),
            Case("no kind", {"name": "Nobody"}, False),
            Case("blank name", {**base, "name": "  "}, False),
            Case("bad country", {**base, "country": "Brasil"}, False),
            Case("bad e-mail", {**base, "email": "not-an-address"}, False),
            Case("edit to no kind", {"is_customer": False}, False, edit=True, prepare=_partner),
            Case("edit", {"name": "Acme 2", "is_dealer": True}, True, edit=True, prepare=_partner),
        ],
        role="Service Manager",
    )


INTERACTIONS = Door(view="/interactionview", api="/api/v1/interaction/", model=Interaction)


def test_interaction_rules_hold_at_both_doors(app, run, clean):
    def other_partners_contact(session) -> None:
        from modules.partners.models import Contact

        a, b = Partner(name="A", is_customer=True), Partner(name="B", is_customer=True)
        session.add_all([a, b])
        session.flush()
        session.add(Contact(partner=b, name="Bob"))

    run(other_partners_contact)
    call = {"partner": 1, "kind": "call", "on": "2026-03-02", "subject": "Renewal"}
    cases = [
        Case("a call", call, True),
        Case("next step before it", {**call, "next_step_on": "2026-03-01"}, False),
        Case("unknown kind", {**call, "kind": "telepathy"}, False),
        Case("another partner's contact", {**call, "contact": 1}, False),
    ]
    for case in cases:  # the partners and the contact outlive the harness' cleaning
        check_both_doors(
            app,
            run,
            lambda: (clean(), run(other_partners_contact)),
            INTERACTIONS,
            [case],
            role="Service Manager",
        )
