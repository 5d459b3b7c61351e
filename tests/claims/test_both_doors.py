"""The claims rules hold the same at the screen and at the API: each case is sent
through both doors on the same data and must end the same way (same refusal, same row)."""

from __future__ import annotations

from datetime import date, timedelta

from sqlalchemy import select

from modules.claims import services
from modules.claims.models import (
    Claim,
    ClaimDefect,
    ClaimSettings,
    DefectCode,
    ExpertExamination,
    ProductionProposal,
    SupplierClaim,
    SystemicAlert,
)
from modules.claims.services import defects, suppliers, systemic
from modules.partners.models import Partner
from modules.warranty.models import Unit
from tests.both_doors import Case, Door, check_both_doors
from tests.claims.helpers import make_world, user_id

OFFICER = "Claims Officer"
TODAY = date.today()
SOLD = TODAY - timedelta(days=200)


def world(s) -> dict:
    """The claims world, plus another customer with a unit of his own."""
    w = make_world(s, sale=SOLD)
    other = Partner(name="Ivan Sidorov", is_customer=True)
    s.add(other)
    s.flush()
    unit = Unit(
        serial_number="SN-0002",
        equipment_model_id=w["model"],
        customer_id=other.id,
        sale_date=SOLD,
    )
    s.add(unit)
    s.flush()
    return {**w, "other": other.id, "other_unit": unit.id}


def _each(app, run, clean, door, cases, role=OFFICER):
    """Every case on a fresh world (the harness empties the tables between doors)."""
    wrong = []
    for case in cases:
        try:
            check_both_doors(app, run, lambda: (clean(), run(world)), door, [case], role=role)
        except AssertionError as err:
            wrong.append(str(err))
    assert not wrong, "\n".join(wrong)


CLAIMS = Door(view="/claimview", api="/api/v1/claim/", model=Claim)


def _unit(s, serial: str = "SN-0001") -> int:
    return s.scalar(select(Unit.id).where(Unit.serial_number == serial))


def _claim(s) -> int:
    return services.register_claim(s, "The drum leaks", unit_id=_unit(s), received_on=TODAY).id


def _closed_claim(s) -> int:
    claim = services.register_claim(s, "Leak", unit_id=_unit(s), demand="refund")
    services.transition(s, claim, "start_review")
    services.transition(s, claim, "reject", "Not a defect")
    services.transition(s, claim, "resolve")
    services.transition(s, claim, "close")
    return claim.id


def test_claim_rules_hold_at_both_doors(app, run, clean):
    w = run(world)
    claim = {
        "customer": w["customer"],
        "unit": w["unit"],
        "channel": "email",
        "received_on": (TODAY - timedelta(days=3)).isoformat(),
        "demand": "refund",
        "description": "The drum leaks",
    }
    _each(
        app,
        run,
        clean,
        CLAIMS,
        [
            Case("the customer's own unit", claim, True),
            Case("no unit", {**claim, "unit": None}, True),
            Case("another customer's unit", {**claim, "unit": w["other_unit"]}, False),
            Case(
                "another customer's unit, on behalf of its owner",
                {
                    **claim,
                    "unit": w["other_unit"],
                    "on_behalf_reason": "His son brings it; the owner signed a letter",
                },
                True,
            ),
            Case(
                "received before the unit was sold",
                {**claim, "received_on": (SOLD - timedelta(days=1)).isoformat()},
                False,
            ),
            Case("received in the future", {**claim, "received_on": "2999-01-01"}, False),
            Case("blank description", {**claim, "description": "  "}, False),
            Case("edit the demand", {"demand": "replacement"}, True, edit=True, prepare=_claim),
            Case("edit a closed claim", {"notes": "late"}, False, edit=True, prepare=_closed_claim),
            Case("review", {}, True, action="start_review", prepare=_claim),
            Case("close a new claim", {}, False, action="close", prepare=_claim),
        ],
    )


def test_the_officer_is_the_user_who_registers_the_claim_at_both_doors(app, run, api, ui):
    w = run(world)
    body = {
        "customer": w["customer"],
        "unit": w["unit"],
        "channel": "phone",
        "received_on": TODAY.isoformat(),
        "demand": "repair",
        "description": "Through the API",
    }
    assert api(OFFICER).post("/api/v1/claim/", json=body).status_code == 201
    from tests.both_doors import browser_form, form_of

    client = ui(OFFICER)
    form = {**browser_form(client, "/claimview/add"), **form_of(body)}
    form["description"] = "Through the screen"
    assert client.post("/claimview/add", data=form).status_code == 302
    officers = run(
        lambda s: dict(s.execute(select(Claim.description, Claim.officer_id)).tuples().all())
    )
    me = run(lambda s: user_id(s, OFFICER))
    assert officers == {"Through the API": me, "Through the screen": me}


# -- the other claims resources: each on a world with an open claim (id 1), a closed one
# (id 2) and an open systemic alert (id 1)


def claims_world(s) -> dict:
    w = world(s)
    open_claim = services.register_claim(s, "Leak", unit_id=w["unit"], demand="refund")
    closed = services.register_claim(s, "Noise", unit_id=w["unit"], demand="refund")
    for step, comment in (("start_review", None), ("reject", "Normal"), ("resolve", None)):
        services.transition(s, closed, step, comment)
    services.transition(s, closed, "close")
    alert = SystemicAlert(
        equipment_model_id=w["model"],
        defect_code_id=w["code"],
        window_start=TODAY - timedelta(days=365),
        window_end=TODAY,
        defects=9,
        units_sold=100,
        rate_pct=9,
        lower_pct=4,
        upper_pct=16,
        threshold_pct=2,
        confidence_pct=95,
    )
    s.add(alert)
    systemic.ALERT_MACHINE.start(s, alert)
    s.flush()
    return {**w, "claim": open_claim.id, "closed": closed.id, "alert": alert.id}


def _on_claims_world(app, run, clean, door, cases, role=OFFICER):
    wrong = []
    for case in cases:
        try:
            check_both_doors(
                app, run, lambda: (clean(), run(claims_world)), door, [case], role=role
            )
        except AssertionError as err:
            wrong.append(str(err))
    assert not wrong, "\n".join(wrong)


def _first(model):
    return lambda s: s.scalar(select(model.id).order_by(model.id))


def test_defect_code_rules_hold_at_both_doors(app, run, clean):
    run(claims_world)
    door = Door(view="/defectcodeview", api="/api/v1/defect_code/", model=DefectCode)
    code = {"code": "NOISE", "name": "Noise", "category": "Mechanics"}
    _on_claims_world(
        app,
        run,
        clean,
        door,
        [
            Case("a code", code, True),
            Case("blank name", {**code, "name": "  "}, False),
            Case("rename", {"name": "Leak (hose)"}, True, edit=True, prepare=_first(DefectCode)),
        ],
    )


def test_defect_found_rules_hold_at_both_doors(app, run, clean):
    w = run(claims_world)
    door = Door(view="/claimdefectview", api="/api/v1/claim_defect/", model=ClaimDefect)
    found = {"claim": w["claim"], "defect_code": w["code"], "root_cause": "design"}

    def on(claim_key):
        def prepare(s):
            return defects.add_defect(
                s,
                claim_id=claims_ids(s)[claim_key],
                defect_code_id=w["code"],
                root_cause="unknown",
            ).id

        return prepare

    _on_claims_world(
        app,
        run,
        clean,
        door,
        [
            Case("on a claim", found, True),
            Case("on nothing", {**found, "claim": None}, False),
            Case("on a closed claim", {**found, "claim": w["closed"]}, False),
            Case("a supplier's part, no supplier", {**found, "root_cause": "supplier_part"}, False),
            Case(
                "a supplier's part",
                {**found, "root_cause": "supplier_part", "supplier": w["supplier"]},
                True,
            ),
            Case("found in the future", {**found, "found_on": "2999-01-01"}, False),
            Case("edit the cause", {"root_cause": "wear"}, True, edit=True, prepare=on("claim")),
            Case("delete", {}, True, delete=True, prepare=on("claim")),
        ],
    )


def claims_ids(s) -> dict:
    ids = s.scalars(select(Claim.id).order_by(Claim.id)).all()
    return {"claim": ids[0], "closed": ids[1]}


def test_examination_rules_hold_at_both_doors(app, run, clean):
    w = run(claims_world)
    door = Door(view="/expertexaminationview", api="/api/v1/expert_examination/",
                model=ExpertExamination)  # fmt: skip
    exam = {"claim": w["claim"], "organisation": "Lab", "questions": "What broke?"}

    def sent(s) -> int:
        return defects.send_examination(
            s,
            ExpertExamination(
                claim_id=claims_ids(s)["claim"], organisation="Lab", questions="Cause?"
            ),
        ).id

    _on_claims_world(
        app,
        run,
        clean,
        door,
        [
            Case("sent", exam, True),
            Case("blank organisation", {**exam, "organisation": " "}, False),
            Case("a closed claim", {**exam, "claim": w["closed"]}, False),
            Case("sent before the claim", {**exam, "sent_on": "2000-01-01"}, False),
            Case(
                "the conclusion",
                {"cause_found": "misuse", "conclusion": "Dropped"},
                True,
                edit=True,
                prepare=sent,
            ),  # fmt: skip
            Case("concluded without a cause", {}, False, action="conclude", prepare=sent),
            Case("cancelled without a reason", {}, False, action="cancel", prepare=sent),
            Case(
                "cancelled", {"comment": "Customer withdrew"}, True, action="cancel", prepare=sent
            ),  # fmt: skip
            Case("deleted", {}, False, delete=True, prepare=sent),
        ],
    )


def test_supplier_claim_rules_hold_at_both_doors(app, run, clean):
    w = run(claims_world)
    door = Door(view="/supplierclaimview", api="/api/v1/supplier_claim/", model=SupplierClaim)
    body = {
        "supplier": w["supplier"],
        "breach": "defective_parts",
        "description": "Pumps leak",
        "amount": "300.00",
        "opened_on": TODAY.isoformat(),
    }

    def draft(s) -> int:
        supplier = s.scalar(select(Partner.id).where(Partner.is_supplier.is_(True)))
        return suppliers.create_supplier_claim(
            s, SupplierClaim(supplier_id=supplier, description="Pumps", amount=300)
        ).id

    _on_claims_world(
        app,
        run,
        clean,
        door,
        [
            Case("a claim", body, True),
            Case("against a customer", {**body, "supplier": w["customer"]}, False),
            Case("a negative amount", {**body, "amount": "-1"}, False),
            Case("due before it opens", {**body, "due_date": "2000-01-01"}, False),
            Case("recovered", {"recovered_amount": "120.00"}, True, edit=True, prepare=draft),
            Case("sent", {}, True, action="send", prepare=draft),
            Case("settled unsent", {}, False, action="settle", prepare=draft),
            Case("deleted", {}, False, delete=True, prepare=draft),
        ],
    )


def test_proposal_rules_hold_at_both_doors(app, run, clean):
    w = run(claims_world)
    door = Door(view="/productionproposalview", api="/api/v1/production_proposal/",
                model=ProductionProposal)  # fmt: skip
    body = {"kind": "change_design", "title": "New hose clamp", "rationale": "Leaks at 9%"}

    def submitted(s) -> int:
        proposal = systemic.draft_proposal(
            s, s.get(SystemicAlert, s.scalar(select(SystemicAlert.id))), "withdraw", "Stop",
            "Leaks",
        )  # fmt: skip
        systemic.proposal_transition(s, proposal, "submit")
        return proposal.id

    _on_claims_world(
        app,
        run,
        clean,
        door,
        [
            # the alert names the model and the defect: the proposal need not
            Case("from an alert, no model named", {**body, "alert": w["alert"]}, True),
            Case("for a model", {**body, "equipment_model": w["model"]}, True),
            Case("neither alert nor model", body, False),
            Case("blank title", {**body, "alert": w["alert"], "title": " "}, False),
            Case("edit when submitted", {"title": "Other"}, False, edit=True, prepare=submitted),
            Case("rejected without a reason", {}, False, action="reject", prepare=submitted),
            Case("accepted", {}, True, action="accept", prepare=submitted),
            Case("deleted", {}, False, delete=True, prepare=submitted),
        ],
        role="Service Manager",
    )


def test_alert_rules_hold_at_both_doors(app, run, clean):
    run(claims_world)
    door = Door(view="/systemicalertview", api="/api/v1/systemic_alert/", model=SystemicAlert)
    alert = _first(SystemicAlert)
    _on_claims_world(
        app,
        run,
        clean,
        door,
        [
            Case("acknowledged", {}, True, action="acknowledge", prepare=alert),
            Case("closed without a reason", {}, False, action="close", prepare=alert),
            Case("closed", {"comment": "Supplier changed"}, True, action="close", prepare=alert),
        ],
        role="Service Manager",
    )


def test_detection_settings_rules_on_their_screen(ui, run):
    """The settings have a screen and no API: one row, sensible bounds, never deleted."""
    client = ui("Service Manager")
    good = {"window_days": "365", "threshold_pct": "2", "confidence_pct": "95", "min_units": "20"}
    for bad in ({"threshold_pct": "0"}, {"confidence_pct": "100"}, {"window_days": "0"}):
        client.post("/claimsettingsview/add", data={**good, **bad})
        assert run(lambda s: s.scalar(select(ClaimSettings.id))) is None, bad
    assert client.post("/claimsettingsview/add", data=good).status_code == 302
    client.post("/claimsettingsview/add", data={**good, "window_days": "30"})
    rows = run(lambda s: s.execute(select(ClaimSettings.window_days)).scalars().all())
    assert rows == [365]
    pk = run(lambda s: s.scalar(select(ClaimSettings.id)))
    client.post(f"/claimsettingsview/delete/{pk}")
    assert run(lambda s: s.scalar(select(ClaimSettings.id))) == pk
