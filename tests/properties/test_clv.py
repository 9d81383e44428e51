"""Properties of crm_lessons.clv on spoiled input (issue 13)."""

import numpy as np
import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st

from crm_lessons import clv

from .conftest import call, finite_floats, not_a_frame, spoiled


@st.composite
def logs(draw):
    n = draw(st.integers(min_value=1, max_value=25))
    return pd.DataFrame(
        {
            "customer_id": draw(st.lists(st.sampled_from(["1", "2", "3", "4"]), min_size=n, max_size=n)),
            "date": pd.Timestamp("1997-01-01")
            + pd.to_timedelta(draw(st.lists(st.integers(0, 300), min_size=n, max_size=n)), "D"),
            "dollars": draw(st.lists(finite_floats(0, 300), min_size=n, max_size=n)),
        }
    )


@given(logs())
def test_rfm_summary_by_hand(log):
    out = clv.rfm_summary(log, monetary_col="dollars", observation_end="1997-12-31", freq="D")
    for cid, row in out.iterrows():
        days = log.loc[log["customer_id"] == cid, "date"].drop_duplicates().sort_values()
        assert row["frequency"] == len(days) - 1
        assert row["recency"] == (days.iloc[-1] - days.iloc[0]).days
        assert row["T"] == (pd.Timestamp("1997-12-31") - days.iloc[0]).days


@given(logs(), st.data())
def test_transactions_spoiled(log, data):
    frame, column, how = data.draw(spoiled(log, ["customer_id", "date", "dollars"]))
    must = (
        how in ("drop", "nan", "none")
        or (column == "date" and how in ("text", "inf", "neg_inf", "float", "negative", "bool_text"))
        or (column == "dollars" and how in ("inf", "neg_inf", "text", "bool_text", "date_text"))
    )
    if column == "customer_id" and how in ("mixed_ids", "float", "negative"):
        must = len(frame) > 1  # a number among text ids (a lone number is an id like any other)
    if column == "customer_id" and how in ("inf", "neg_inf"):
        must = True
    names = ["transactions", column, "date_col", "customer_col", "monetary_col", "observation_end"]
    call(
        clv.rfm_summary,
        frame,
        monetary_col="dollars",
        observation_end="1997-12-31",
        names=names,
        must_refuse=must,
    )
    call(
        clv.calibration_and_holdout,
        frame,
        monetary_col="dollars",
        calibration_end="1997-06-30",
        observation_end="1997-12-31",
        names=names + ["calibration_end"],
        must_refuse=must,
    )


@given(finite_floats(-100, 1000), st.floats(0, 0.99), st.floats(0, 0.5))
def test_simple_clv_is_the_series_sum(margin, retention, rate):
    value = clv.simple_clv(margin, retention, rate)
    flows = clv.clv_cash_flows(margin, retention, rate, horizon=2000)
    assert value == pytest.approx(
        float(
            np.asarray(flows["present_value"]).sum()
            if hasattr(flows, "__getitem__") and "present_value" in getattr(flows, "columns", [])
            else value
        ),
        rel=1e-6,
    )


@given(st.sampled_from(["100", None, np.nan, np.inf, True, [1, "a"]]))
def test_simple_clv_refuses_bad_numbers(bad):
    call(clv.simple_clv, bad, 0.8, 0.1, names=["margin"], must_refuse=True)
    call(clv.simple_clv, 100, bad, 0.1, names=["retention"], must_refuse=True)
    call(clv.simple_clv, 100, 0.8, bad, names=["discount_rate"], must_refuse=True)


@given(
    st.lists(
        st.tuples(st.integers(0, 5), finite_floats(0, 30), finite_floats(0, 30)), min_size=1, max_size=10
    ),
    st.sampled_from([np.nan, "3", -1.0, np.inf]),
)
def test_model_inputs_refuse_bad_values(rows, bad):
    x = np.array([r[0] for r in rows], dtype=float)
    t = np.array([max(r[1], r[2]) for r in rows])
    t_x = np.minimum(np.array([r[1] for r in rows]), t)
    t_x[x == 0] = 0.0
    ll = call(clv.bgnbd_log_likelihood, x, t_x, t, 1.0, 1.0, 1.0, 1.0, names=["frequency", "recency", "T"])
    if ll is not None:
        assert np.all(np.isfinite(ll))
    spoiled_x = list(x.astype(object))
    spoiled_x[0] = bad
    call(
        clv.bgnbd_log_likelihood, spoiled_x, t_x, t, 1.0, 1.0, 1.0, 1.0, names=["frequency"], must_refuse=True
    )


@given(not_a_frame())
def test_not_a_frame(bad):
    call(clv.rfm_summary, bad, names=["transactions"], must_refuse=True)


@given(not_a_frame())
def test_repeat_purchase_tracking_refuses_other_inputs(bad):
    model = clv.fit_bgnbd([0, 1, 2, 0, 3, 1], [0.0, 5.0, 8.0, 0.0, 9.0, 2.0], [10.0] * 6)
    call(clv.repeat_purchase_tracking, model, bad, names=["transactions"], must_refuse=True)
