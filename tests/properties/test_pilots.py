"""Properties of crm_lessons.pilots on spoiled input (issue 13)."""

import numpy as np
import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st
from scipy import stats

from crm_lessons import pilots

from .conftest import (
    REFUSED_FOR_BOOLEANS,
    REFUSED_FOR_IDS,
    REFUSED_FOR_NUMBERS,
    bad_scalars,
    boolean_column,
    call,
    finite_floats,
    not_a_frame,
    spoiled,
)


@st.composite
def pilot_frames(draw, min_size=4):
    n = draw(st.integers(min_value=min_size, max_value=30))
    groups = draw(st.lists(st.sampled_from(["treatment", "control"]), min_size=n, max_size=n))
    groups[0], groups[1] = "treatment", "control"
    responded = draw(st.lists(st.booleans(), min_size=n, max_size=n))
    spend = draw(st.lists(finite_floats(0, 5000), min_size=n, max_size=n))
    return pd.DataFrame(
        {
            "customer_id": [f"C{i:03d}" for i in range(n)],
            "group": groups,
            "responded": responded,
            "spend": spend,
        }
    )


@given(pilot_frames(), st.data())
def test_response_uplift_same_answer_for_every_boolean_representation(pilot, data):
    expected = pilots.response_uplift(pilot)
    column = data.draw(boolean_column(pilot["responded"]))
    again = pilots.response_uplift(pilot.assign(responded=column.to_numpy()))
    pd.testing.assert_series_equal(again, expected)
    t = pilot[pilot["group"] == "treatment"]
    assert expected["rate_treatment"] == pytest.approx(t["responded"].mean())


@given(pilot_frames(), st.data())
def test_response_uplift_spoiled(pilot, data):
    frame, column, how = data.draw(spoiled(pilot, ["responded", "group"]))
    must = column == "responded" and how in REFUSED_FOR_BOOLEANS + ("drop", "empty")
    call(pilots.response_uplift, frame, names=["pilot", "responded", "group"], must_refuse=must)


@given(pilot_frames(), st.data())
def test_spend_uplift_is_welch_or_refused(pilot, data):
    frame, column, how = data.draw(spoiled(pilot, ["spend", "group"]))
    must = column == "spend" and how in REFUSED_FOR_NUMBERS + ("nan", "none", "drop", "empty")
    out = call(pilots.spend_uplift, frame, names=["pilot", "spend", "group"], must_refuse=must)
    if out is not None and np.isfinite(out["t"]):
        labels = frame["group"].astype(str)
        t = frame.loc[labels == "treatment", "spend"].astype(float)
        c = frame.loc[labels == "control", "spend"].astype(float)
        ref = stats.ttest_ind(t, c, equal_var=False)
        assert out["t"] == pytest.approx(ref.statistic, rel=1e-9, abs=1e-9)
        assert out["p_value"] == pytest.approx(ref.pvalue, rel=1e-9, abs=1e-12)


@given(bad_scalars(), st.sampled_from(range(4)))
def test_counts_refuse_text_and_non_numbers(bad, position):
    args = [56, 70, 48, 80]
    args[position] = bad
    names = ["successes_treatment", "n_treatment", "successes_control", "n_control"]
    for fn in (pilots.difference_in_proportions, pilots.two_proportion_test):
        call(
            fn, *args, names=[names[position]], must_refuse=not isinstance(bad, int) or isinstance(bad, bool)
        )


@given(st.integers(0, 50), st.integers(1, 50), st.integers(0, 50), st.integers(1, 50))
def test_difference_in_proportions_interval_contains_the_difference(xt, nt, xc, nc):
    out = call(
        pilots.difference_in_proportions, xt, nt, xc, nc, names=["successes_treatment", "successes_control"]
    )
    if out is not None:
        assert out["ci_low"] - 1e-12 <= out["uplift"] <= out["ci_high"] + 1e-12
        assert out["uplift"] == pytest.approx(xt / nt - xc / nc)


@given(st.integers(0, 60), st.integers(1, 60), bad_scalars())
def test_wilson_interval(x, n, bad):
    out = call(pilots.wilson_interval, x, n, names=["successes", "n"])
    if out is not None:
        assert 0 <= out[0] <= x / n <= out[1] <= 1
    if x <= n:
        call(pilots.wilson_interval, x, n, bad, names=["confidence"], must_refuse=True)


@given(not_a_frame())
def test_not_a_frame(bad):
    for fn in (pilots.response_uplift, pilots.spend_uplift, pilots.select_segment):
        call(fn, bad, names=["pilot"], must_refuse=True)


@given(pilot_frames(), st.data())
def test_select_segment_and_uplift_by_segment(pilot, data):
    pilot = pilot.assign(
        region=data.draw(st.lists(st.sampled_from(["N", "S"]), min_size=len(pilot), max_size=len(pilot)))
    )
    frame, column, how = data.draw(spoiled(pilot, ["region", "customer_id", "responded"]))
    call(pilots.select_segment, frame, None, {"region": "N"}, names=["pilot", "segment", "region"])
    call(
        pilots.uplift_by_segment, frame, None, "region", names=["pilot", "by", "region", "responded", "group"]
    )


@given(pilot_frames(), st.data())
def test_before_during_spoiled(pilot, data):
    orders = pd.DataFrame(
        {"customer_id": pilot["customer_id"].iloc[::2].to_numpy(), "order_date": pd.Timestamp("2024-08-01")}
    )
    frame, column, how = data.draw(spoiled(orders, ["customer_id", "order_date"]))
    refused = {"customer_id": REFUSED_FOR_IDS, "order_date": ("nan", "none", "text", "date_text", "inf")}
    must = how in refused[column] + ("drop",)
    call(pilots.before_during, pilot, frame, names=["orders", "customer_id", "order_date"], must_refuse=must)
