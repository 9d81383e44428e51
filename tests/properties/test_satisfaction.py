"""Properties of crm_lessons.satisfaction on spoiled input (issue 13)."""

import numpy as np
import pandas as pd
from hypothesis import given
from hypothesis import strategies as st

from crm_lessons import satisfaction as sa

from .conftest import call, not_a_frame, spoiled

NUMBER_SPOILERS = ("inf", "neg_inf", "text", "digit_text", "bool_text", "date_text")


@st.composite
def answer_frames(draw):
    n = draw(st.integers(min_value=5, max_value=25))
    cols = {c: draw(st.lists(st.integers(1, 5), min_size=n, max_size=n)) for c in ("a1", "a2", "b1", "y")}
    return pd.DataFrame(cols)


@given(answer_frames())
def test_states_and_scores_by_hand(frame):
    states = sa.satisfaction_state(frame["a1"], frame["a2"])
    gap = frame["a1"] - frame["a2"]
    assert (
        states.astype(str) == np.select([gap < 0, gap > 0], ["dissatisfied", "highly satisfied"], "satisfied")
    ).all()
    shares = sa.state_shares(states)
    assert shares["respondents"].sum() == len(frame) and abs(shares["share"].sum() - 1) < 1e-12
    scores = sa.dimension_scores(frame, {"a": ["a1", "a2"], "b": ["b1"]})
    assert np.allclose(scores["a"], frame[["a1", "a2"]].mean(axis=1))
    weakest = sa.weakest_dimension(scores)
    assert np.allclose(weakest["weakest_score"], scores.min(axis=1))


@given(answer_frames(), st.data())
def test_spoiled(frame, data):
    bad, column, how = data.draw(spoiled(frame, ["a1", "a2", "b1", "y"]))
    names = ["survey", column, "drivers", "outcome", "perceived", "expected", "scores"]
    must = how in NUMBER_SPOILERS + ("drop",)
    call(
        sa.dimension_scores,
        bad,
        {"a": ["a1", "a2"], "b": ["b1"]},
        names=names,
        must_refuse=column != "y" and must,
    )
    call(sa.driver_scores, bad, ["a1", "b1"], names=names, must_refuse=column in ("a1", "b1") and must)
    call(
        sa.driver_analysis,
        bad,
        ["a1", "b1"],
        "y",
        names=names,
        must_refuse=column in ("a1", "b1", "y") and must,
    )
    call(
        sa.weakest_dimension, bad, names=names, must_refuse=how in NUMBER_SPOILERS + ("nan", "none", "empty")
    )
    call(sa.barrel_summary, bad, names=names, must_refuse=how in NUMBER_SPOILERS + ("nan", "none", "empty"))
    if how != "drop":
        call(
            sa.satisfaction_state,
            bad["a1"],
            bad["a2"],
            names=names,
            must_refuse=column in ("a1", "a2") and how in NUMBER_SPOILERS + ("nan", "none"),
        )
    if hasattr(sa, "prune_factors") and how != "drop" and column != "y":
        call(sa.prune_factors, bad[["a1", "a2", "b1"]], bad["y"], names=names + ["satisfaction"])


@given(not_a_frame())
def test_not_a_frame(bad):
    call(sa.dimension_scores, bad, {"a": ["a1"]}, names=["survey"], must_refuse=True)
    call(sa.weakest_dimension, bad, names=["scores"], must_refuse=True)
    call(sa.state_shares, bad, names=["states"], must_refuse=True)
