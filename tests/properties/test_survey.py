"""Properties of crm_lessons.survey on spoiled input (issue 13)."""

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from crm_lessons import survey as sv

from .conftest import call, not_a_frame, spoiled

ITEMS = ["q1", "q2", "q3"]
NUMBER_SPOILERS = ("inf", "neg_inf", "text", "digit_text", "bool_text", "date_text")


@st.composite
def answer_frames(draw, n_min=3):
    n = draw(st.integers(min_value=n_min, max_value=25))
    cols = {c: draw(st.lists(st.integers(1, 5), min_size=n, max_size=n)) for c in ITEMS}
    cols["group"] = [["a", "b"][i % 2] for i in range(n)]
    cols["overall_satisfaction"] = draw(st.lists(st.integers(1, 5), min_size=n, max_size=n))
    return pd.DataFrame(cols)


def _alpha_by_hand(items: pd.DataFrame) -> float:
    x = items.dropna().to_numpy(dtype=float)
    k = x.shape[1]
    return k / (k - 1) * (1 - x.var(axis=0, ddof=1).sum() / x.sum(axis=1).var(ddof=1))


@given(answer_frames())
def test_alpha_is_the_formula_or_refused(frame):
    items = frame[ITEMS]
    alpha = call(sv.cronbach_alpha, items, names=["items"])
    if alpha is not None:
        assert alpha == pytest.approx(_alpha_by_hand(items))
        assert alpha <= 1 + 1e-12


@given(answer_frames(), st.data())
def test_reliability_functions_spoiled(frame, data):
    bad, column, how = data.draw(spoiled(frame, ITEMS))
    must = how in NUMBER_SPOILERS
    for fn in (sv.cronbach_alpha, sv.alpha_if_item_deleted, sv.corrected_item_total):
        call(
            fn,
            bad[ITEMS] if how != "drop" else bad[[c for c in ITEMS if c in bad]],
            names=["items", column],
            must_refuse=must,
        )
    call(
        sv.reliability_table,
        bad,
        {"demo": ITEMS},
        names=["survey", column, "dimensions"],
        must_refuse=must or how == "drop",
    )
    call(
        sv.servqual_scores,
        bad,
        {"demo": ITEMS},
        names=["survey", column, "dimensions"],
        must_refuse=must or how in ("drop", "nan", "none", "float", "negative"),
    )
    call(
        sv.validate_likert,
        bad,
        ITEMS,
        names=["survey", column],
        must_refuse=must or how in ("drop", "nan", "none", "float", "negative"),
    )
    call(
        sv.satisfaction_index,
        bad,
        {"q1": 0.5, "q2": 0.5},
        names=["survey", column, "weights"],
        must_refuse=column != "q3" and (must or how in ("drop", "nan", "none", "float", "negative")),
    )


@given(answer_frames(), st.data())
def test_report_functions_spoiled(frame, data):
    bad, column, how = data.draw(spoiled(frame, ITEMS + ["group", "overall_satisfaction"]))
    names = ["survey", column, "value", "group", "columns", "attributes", "outcome"]
    numeric = column != "group"
    must = numeric and how in NUMBER_SPOILERS + ("drop",)
    call(
        sv.frequency_table, bad, "q1", names=names + ["column"], must_refuse=column == "q1" and how == "drop"
    )
    call(sv.compare_groups, bad, "q1", "group", names=names, must_refuse=column == "q1" and must)
    call(sv.correlation_matrix, bad, ITEMS, names=names, must_refuse=column in ITEMS and must)
    call(sv.importance_performance, bad, ITEMS, names=names, must_refuse=must)


@settings(max_examples=8)  # k-means with ten starts per example
@given(answer_frames(n_min=4), st.data())
def test_cluster_respondents_spoiled(frame, data):
    bad, column, how = data.draw(spoiled(frame[ITEMS], ITEMS))
    out = call(
        sv.cluster_respondents,
        bad,
        2,
        names=["scores", column, "n_clusters"],
        must_refuse=how in NUMBER_SPOILERS + ("nan", "none"),
    )
    if out is not None:
        assert set(out) <= {1, 2} and len(out) == len(bad)


@given(st.sampled_from([None, [0.5], {"q1": "heavy"}, {"q1": -1}, {"q1": np.nan}, {}]))
def test_bad_weights(weights):
    frame = pd.DataFrame({"q1": [1, 5], "q2": [2, 4]})
    call(sv.satisfaction_index, frame, weights, names=["weights"], must_refuse=True)


@given(not_a_frame())
def test_not_a_frame(bad):
    call(sv.cronbach_alpha, bad, names=["items"], must_refuse=True)
    call(sv.reliability_table, bad, {"demo": ITEMS}, names=["survey"], must_refuse=True)
    call(
        sv.reliability_table, pd.DataFrame({"q1": [1]}), bad, names=["dimensions", "survey"], must_refuse=True
    )
