"""Properties of crm_lessons.screening on spoiled input (issue 13)."""

import numpy as np
import pandas as pd
from hypothesis import given
from hypothesis import strategies as st

from crm_lessons import screening
from crm_lessons.toy import toy_customers, toy_sales

from .conftest import call, finite_floats, not_a_frame, sweep

SALES, CUSTOMERS = toy_sales(), toy_customers()
CRITERIA = list(screening.CRITERIA)


@st.composite
def criteria_frames(draw):
    n = draw(st.integers(min_value=1, max_value=15))
    return pd.DataFrame(
        {c: draw(st.lists(finite_floats(-10, 10), min_size=n, max_size=n)) for c in CRITERIA},
        index=pd.Index([f"C{i}" for i in range(n)], name="customer_id"),
    )


@given(st.data())
def test_screening_criteria_spoiled(data):
    frames = {"sales": SALES, "customers": CUSTOMERS}
    sweep(
        data,
        screening.screening_criteria,
        frames,
        "sales",
        ["customer_id", "order_date", "revenue", "cost", "discount"],
        names=["year", "customers"],
    )
    sweep(
        data,
        screening.screening_criteria,
        frames,
        "customers",
        ["customer_id", "credit_rating"],
        names=["year"],
    )


@given(criteria_frames(), st.data())
def test_scores_lie_in_0_100_and_ranking_is_by_score(criteria, data):
    method = data.draw(st.sampled_from(["percentile", "minmax"]))
    scores = call(screening.criterion_scores, criteria, method, names=["method"])
    if scores is None:
        return
    assert ((scores >= -1e-9) & (scores <= 100 + 1e-9)).all().all()
    weights = data.draw(st.lists(st.floats(0, 5), min_size=5, max_size=5).filter(lambda w: sum(w) > 0))
    score = screening.screening_score(scores, weights)
    w = np.asarray(weights) / sum(weights)
    assert np.allclose(score, scores[CRITERIA].to_numpy() @ w)
    ranking = screening.rank_customers(scores, weights)
    assert (np.diff(ranking["score"].to_numpy()) <= 1e-9).all()


@given(criteria_frames(), st.data())
def test_spoiled_criteria_and_weights(criteria, data):
    sweep(
        data,
        screening.criterion_scores,
        {"criteria": criteria},
        "criteria",
        CRITERIA,
        uses=[],
        names=["method"],
    )
    bad_weights = data.draw(
        st.sampled_from(
            [
                ["1", 1, 1, 1, 1],
                [np.nan] * 5,
                [0] * 5,
                [-1, 1, 1, 1, 1],
                [1, 2],
                {"safety": "high"},
                None,
                "equal",
            ]
        )
    )
    call(screening.check_weights, bad_weights, names=["weights"], must_refuse=True)


@given(not_a_frame())
def test_not_a_frame(bad):
    call(screening.screening_criteria, bad, CUSTOMERS, names=["sales"], must_refuse=True)
    call(screening.criterion_scores, bad, names=["criteria"], must_refuse=True)
    call(screening.screening_score, bad, [1] * 5, names=["scores"], must_refuse=True)


@given(criteria_frames(), st.sampled_from([None, 3, "ranking", pd.DataFrame({"a": [1]})]))
def test_plot_ranking_refuses_other_frames(criteria, bad):
    call(screening.plot_ranking, bad, [1] * 5, names=["ranking"], must_refuse=True)
