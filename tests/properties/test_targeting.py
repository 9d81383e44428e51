"""Properties of crm_lessons.targeting on spoiled input (issue 13)."""

import numpy as np
import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st

from crm_lessons import targeting
from crm_lessons.toy import toy_customers, toy_sales

from .conftest import boolean_column, call, finite_floats, must_refuse, not_a_frame, spoiled

SALES, CUSTOMERS = toy_sales(), toy_customers()


@st.composite
def campaign_frames(draw):
    n = draw(st.integers(min_value=1, max_value=30))
    score = draw(st.lists(finite_floats(0, 1000), min_size=n, max_size=n))
    responded = draw(st.lists(st.booleans(), min_size=n, max_size=n))
    profit = [draw(finite_floats(0, 500)) if r else 0.0 for r in responded]
    return pd.DataFrame(
        {"customer_id": [f"C{i}" for i in range(n)], "score": score, "responded": responded, "profit": profit}
    )


@given(campaign_frames(), st.data())
def test_score_bands_add_up_whatever_the_boolean_representation(frame, data):
    bands = data.draw(st.integers(1, len(frame)))
    out = targeting.response_by_score_band(frame, bands)
    assert out["customers"].sum() == len(frame)
    assert out["responses"].sum() == int(frame["responded"].sum())
    assert out["value"].sum() == pytest.approx(frame.loc[frame["responded"], "profit"].sum())
    again = frame.assign(responded=data.draw(boolean_column(frame["responded"])).to_numpy())
    pd.testing.assert_frame_equal(targeting.response_by_score_band(again, bands), out)


@given(campaign_frames(), st.data())
def test_campaign_functions_spoiled(frame, data):
    bad, column, how = data.draw(spoiled(frame, ["score", "responded", "profit"]))
    if column == "score":
        must = how != "empty" and how not in ("float", "negative")
    else:
        must = must_refuse(column, how, allow_nan=["profit"])
    names = ["frame", column, "score", "value"]
    empty = how == "empty"
    call(targeting.response_by_score_band, bad, 1, names=names + ["bands"], must_refuse=must or empty)
    call(targeting.mass_vs_targeted, bad, cost_per_contact=1.0, names=names, must_refuse=must or empty)
    call(targeting.targeting_curve, bad, cost_per_contact=1.0, names=names, must_refuse=must or empty)


@given(campaign_frames(), st.sampled_from(["1", -1, 0, np.nan, np.inf, None, True]))
def test_bad_costs_and_shares(frame, bad):
    call(
        targeting.mass_vs_targeted,
        frame,
        cost_per_contact=bad,
        names=["cost_per_contact"],
        must_refuse=bad != 0,
    )
    call(
        targeting.mass_vs_targeted,
        frame,
        cost_per_contact=1.0,
        top_share=bad,
        names=["top_share"],
        must_refuse=True,
    )


@given(st.data())
def test_customer_level_functions_spoiled(data):
    sales, scolumn, show = data.draw(
        spoiled(SALES, ["customer_id", "order_id", "order_date", "revenue", "profit"])
    )
    customers, ccolumn, chow = data.draw(spoiled(CUSTOMERS, ["customer_id", "tier", "kind", "join_date"]))
    s_must, c_must = must_refuse(scolumn, show), must_refuse(ccolumn, chow)
    names = ["sales", "customers", scolumn, ccolumn]
    call(targeting.segment_profile, customers, sales, "tier", names=names + ["by"])
    call(
        targeting.treatment_segments,
        customers,
        sales,
        "2025-01-01",
        names=names,
        must_refuse=s_must or (ccolumn in ("customer_id", "tier") and c_must),
    )
    call(targeting.customer_screen, "C1", customers, sales, "2025-01-01", names=names + ["customer_id"])
    call(
        targeting.campaign_frame,
        customers,
        sales,
        cutoff="2024-01-01",
        end="2024-12-31",
        names=names + ["cutoff", "end"],
        must_refuse=s_must or c_must and ccolumn != "tier" or chow == "drop",
    )


@given(not_a_frame())
def test_not_a_frame(bad):
    call(targeting.response_by_score_band, bad, names=["frame"], must_refuse=True)
    call(targeting.treatment_segments, bad, SALES, "2025-01-01", names=["customers"], must_refuse=True)
    call(targeting.segment_profile, CUSTOMERS, bad, names=["sales"], must_refuse=True)


@given(st.sampled_from([None, 3, "curve", pd.DataFrame({"a": [1]})]))
def test_plot_targeting_curve_refuses_other_frames(bad):
    call(targeting.plot_targeting_curve, bad, names=["curve"], must_refuse=True)
