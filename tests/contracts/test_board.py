"""The deal board (/dealboard/): service contracts by deal stage, the rows the contract
list shows; stuck deals and contracts past their end stand out; a card moves only
through the contract's own step (refused steps change nothing, termination asks for
its comment); readers get neither handles nor steps and their POST is a 403; the
pipeline and the list link to the board."""

from __future__ import annotations

import re
from datetime import timedelta

from sqlalchemy import func, select

from app.db import utcnow
from app.models import StateTransition
from modules.contracts.models import ServiceContract
from tests.contracts.helpers import TODAY, make_contract, make_world

NUMBER = re.compile(r"SC-\d{4}-\d{5}")


def _deals(run) -> dict:
    w = run(make_world)

    def make(s):
        out = {}
        for name, stage in (("draft", "draft"), ("talk", "negotiation"), ("signed", "active")):
            out[name] = make_contract(s, w["customer"], model_id=w["model"], stage=stage)
        stuck = make_contract(s, w["other"], model_id=w["model"], stage="negotiation")
        stuck.state_since = utcnow() - timedelta(days=40)
        out["stuck"] = stuck
        out["ended"] = make_contract(
            s,
            w["customer"],
            model_id=w["model"],
            start=TODAY - timedelta(days=400),
            end=TODAY - timedelta(days=5),
        )
        s.flush()
        return {k: (c.id, c.number) for k, c in out.items()}

    return run(make)


def board_numbers(html: str) -> set[str]:
    return set(re.findall(r'data-number="(SC-\d{4}-\d{5})"', html))


def card_of(html: str, number: str) -> str:
    start = html.index(f'data-number="{number}"')
    return html[html.rindex("<article", 0, start) : html.index("</article>", start)]


def column_of(html: str, number: str) -> str:
    at = html.index(f'data-number="{number}"')
    return re.findall(r'<section class="as-board-col[^"]*" data-state="(\w+)"', html[:at])[-1]


def stage_and_steps(run, cid: int) -> tuple[str, int]:
    def read(s):
        steps = s.scalar(
            select(func.count(StateTransition.id)).where(
                StateTransition.doc_type == "ctr_service_contract", StateTransition.doc_id == cid
            )
        )
        return s.get(ServiceContract, cid).state, steps

    return run(read, commit=False)


def test_the_board_shows_the_contracts_the_list_shows(run, ui):
    deals = _deals(run)
    for role in ("Service Manager", "Accountant", "Viewer"):
        c = ui(role)
        html = c.get("/dealboard/").data.decode()
        listed = set(NUMBER.findall(c.get("/servicecontractview/list/").data.decode()))
        assert board_numbers(html) == listed == {n for _, n in deals.values()}, role
    assert column_of(html, deals["talk"][1]) == "negotiation"
    assert column_of(html, deals["signed"][1]) == "active"
    # a stuck deal and a contract past its end stand out; the others do not
    assert "as-card-stuck" in card_of(html, deals["stuck"][1])
    assert "as-card-overdue" in card_of(html, deals["ended"][1])
    assert "as-card-stuck" not in card_of(html, deals["talk"][1])
    assert "as-card-overdue" not in card_of(html, deals["signed"][1])
    # the party and the responsible manager's line are on the card
    assert "Hotel Volna" in card_of(html, deals["signed"][1])
    # who may not read contracts sees no board, as he sees no list
    assert ui("Technician").get("/dealboard/").status_code == 403
    assert ui("Technician").get("/servicecontractview/list/").status_code == 403


def test_links_to_the_board(run, ui):
    _deals(run)
    c = ui("Service Manager")
    assert 'href="/dealboard/"' in c.get("/contractreports/pipeline").data.decode()
    assert 'href="/dealboard/"' in c.get("/servicecontractview/list/").data.decode()
    menu = c.get("/dealboard/").data.decode()
    assert "Deal board" in menu


def test_moves_run_the_contracts_steps(run, ui):
    deals = _deals(run)
    cid, number = deals["draft"]
    c = ui("Service Manager")
    card = card_of(c.get("/dealboard/").data.decode(), number)
    assert 'draggable="true"' in card
    assert f'formaction="/servicecontractview/transition/{cid}/negotiate"' in card
    assert 'data-action="terminate"' in card and 'data-needs-comment="1"' in card
    assert 'data-action="sign"' not in card  # not from a draft

    before = stage_and_steps(run, cid)
    # dropped on "active": signing a draft is not allowed, nothing changes
    c.post(f"/servicecontractview/transition/{cid}/sign")
    assert stage_and_steps(run, cid) == before
    assert "alert-danger" in c.get("/dealboard/").data.decode()
    # dropped on "terminated": without the comment it asks for, refused too
    c.post(f"/servicecontractview/transition/{cid}/terminate")
    assert stage_and_steps(run, cid) == before
    # with it, the step runs and is recorded with its comment
    c.post(f"/servicecontractview/transition/{cid}/terminate", data={"comment": "No budget"})
    assert stage_and_steps(run, cid) == ("terminated", before[1] + 1)
    html = c.get("/dealboard/").data.decode()
    assert column_of(html, number) == "terminated"
    comment = run(
        lambda s: s.scalar(
            select(StateTransition.comment)
            .where(StateTransition.doc_id == cid, StateTransition.to_state == "terminated")
            .where(StateTransition.doc_type == "ctr_service_contract")
        ),
        commit=False,
    )
    assert comment == "No budget"


def test_readers_see_no_handles_and_may_not_move(run, ui):
    deals = _deals(run)
    cid, _number = deals["talk"]
    for role in ("Viewer", "Accountant"):
        c = ui(role)
        html = c.get("/dealboard/").data.decode()
        assert 'draggable="true"' not in html and "as-step" not in html
        before = stage_and_steps(run, cid)
        assert c.post(f"/servicecontractview/transition/{cid}/approve").status_code == 403
        assert stage_and_steps(run, cid) == before
