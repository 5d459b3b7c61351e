"""Satisfaction surveys: created when a claim closes or a repair completes, answered once."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import func, select

from app import signals
from app.errors import DomainError
from modules.claims import services
from modules.claims.models import SatisfactionRequest
from modules.staff.models import KpiEvent
from modules.warranty.services import open_repair
from tests.claims.helpers import at_once, make_world, user_id


def _closed_claim(s, w):
    claim = services.register_claim(
        s, "Leak", unit_id=w["unit"], demand="refund", officer_id=user_id(s, "Claims Officer")
    )
    services.transition(s, claim, "start_review")
    services.transition(s, claim, "reject", "Not a defect")
    services.transition(s, claim, "resolve")
    services.transition(s, claim, "close")
    return claim


def test_completed_repair_gets_a_survey_once(run):
    def go(s):
        w = make_world(s)
        ro = open_repair(s, w["unit"], "Leak", technician_id=user_id(s, "Technician"))
        for _ in range(2):
            signals.repair_completed.send(
                "warranty",
                session=s,
                repair_id=ro.id,
                technician_user_id=ro.technician_id,
                opened_at=None,
                closed_at=None,
                on_time=True,
            )
        rows = s.scalars(
            select(SatisfactionRequest).where(SatisfactionRequest.repair_order_id == ro.id)
        ).all()
        assert len(rows) == 1 and rows[0].subject_type == "repair"
        assert rows[0].employee_user_id == user_id(s, "Technician")
        assert rows[0].equipment_model_id == w["model"]

    run(go)


def test_public_page_takes_one_answer(app, run):
    def setup(s):
        _closed_claim(s, make_world(s))
        return s.scalar(select(SatisfactionRequest.token))

    token = run(setup)
    client = app.test_client()  # no login
    r = client.get(f"/satisfaction/{token}")
    assert r.status_code == 200 and b'name="score"' in r.data
    r = client.post(f"/satisfaction/{token}", data={"score": "9", "comment": "x"})
    assert r.status_code == 422
    assert run(lambda s: s.scalar(select(SatisfactionRequest.score))) is None
    r = client.post(f"/satisfaction/{token}", data={"score": "4", "comment": "Quick answer"})
    assert r.status_code == 200 and b"Thank you" in r.data
    r = client.post(f"/satisfaction/{token}", data={"score": "1", "comment": "changed my mind"})
    assert r.status_code == 409 and b"already been answered" in r.data
    row = run(
        lambda s: s.execute(select(SatisfactionRequest.score, SatisfactionRequest.comment)).one()
    )
    assert tuple(row) == (4, "Quick answer")
    assert client.get("/satisfaction/" + "x" * 43).status_code == 404
    assert client.post("/satisfaction/" + "x" * 43, data={"score": "5"}).status_code == 404


def test_scores_per_model_employee_and_month(run):
    def go(s):
        w = make_world(s)
        _closed_claim(s, w)
        token = s.scalar(select(SatisfactionRequest.token))
        services.answer(s, token, 5, "Great")
        with pytest.raises(DomainError) as err:
            services.answer(s, token, 1)
        assert err.value.status == 409
        month = date.today().strftime("%Y-%m")
        assert services.scores(s, "month") == [
            {"key": month, "label": month, "answers": 1, "average": 5.0}
        ]
        assert services.scores(s, "employee")[0]["label"] == "claims_officer"
        assert services.scores(s, "model")[0]["label"] == "WM-7 Washer 7"
        with pytest.raises(DomainError):
            services.scores(s, "planet")
        with pytest.raises(DomainError):
            services.answer(s, token[:-1] + "?", 3)

    run(go)


def test_satisfaction_recorded_signal_reaches_staff_kpis(run):
    def go(s):
        from modules.staff.models import KpiEvent

        w = make_world(s)
        _closed_claim(s, w)
        services.answer(s, s.scalar(select(SatisfactionRequest.token)), 3)
        kinds = s.scalars(select(KpiEvent.kind)).all()
        assert "claim_closed" in kinds and "satisfaction" in kinds

    run(go)


@pytest.mark.parametrize(
    "score",
    [
        "\u00b2",  # superscript two: isdigit(), but int() fails
        "\u0661",  # Arabic-Indic one: int() reads it as 1
        "\u0663",
        "\u00bd",
        "\uff13",  # fullwidth three
        "9" * 5000,  # beyond int()'s digit limit
        "99999999999999999999",
        "",
        "   ",
        "+3",
        "3.0",
        "1e0",
        "0",
        "-1",
        "6",
    ],
)
def test_public_page_refuses_scores_that_are_not_1_to_5(app, run, score):
    def setup(s):
        _closed_claim(s, make_world(s))
        return s.scalar(select(SatisfactionRequest.token))

    token = run(setup)
    r = app.test_client().post(f"/satisfaction/{token}", data={"score": score, "comment": "x"})
    assert r.status_code == 422, r.data[:300]
    assert b"Choose a score from 1 to 5" in r.data
    row = run(
        lambda s: s.execute(
            select(SatisfactionRequest.score, SatisfactionRequest.answered_at)
        ).one()
    )
    assert tuple(row) == (None, None)


def test_a_score_may_come_with_spaces(app, run):
    def setup(s):
        _closed_claim(s, make_world(s))
        return s.scalar(select(SatisfactionRequest.token))

    token = run(setup)
    r = app.test_client().post(f"/satisfaction/{token}", data={"score": " 4 "})
    assert r.status_code == 200
    assert run(lambda s: s.scalar(select(SatisfactionRequest.score))) == 4


def test_eight_simultaneous_answers_to_one_link_record_one(app, run):
    """Eight answers sent at the same moment through the public page: exactly one is
    taken, the seven others are told the survey was answered (409), on SQLite and
    PostgreSQL alike."""

    def setup(s):
        _closed_claim(s, make_world(s))
        return s.scalar(select(SatisfactionRequest.token))

    token = run(setup)
    clients = [app.test_client() for _ in range(8)]

    def send(client, score):
        def call():
            r = client.post(f"/satisfaction/{token}", data={"score": str(score)})
            return r.status_code, r.get_data(as_text=True)

        return call

    answers = at_once([send(c, 1 + i % 5) for i, c in enumerate(clients)])
    codes = sorted(code for code, _ in answers)
    assert codes == [200] + [409] * 7, codes
    refused = [page for code, page in answers if code == 409]
    assert all("already been answered" in page for page in refused)
    rows = run(
        lambda s: s.execute(
            select(SatisfactionRequest.score, SatisfactionRequest.answered_at)
        ).all()
    )
    assert len(rows) == 1 and rows[0].score is not None and rows[0].answered_at is not None
    taken = run(
        lambda s: s.scalar(
            select(func.count()).select_from(KpiEvent).where(KpiEvent.kind == "satisfaction")
        )
    )
    assert taken == 1  # one answer reached the staff KPIs, not eight
