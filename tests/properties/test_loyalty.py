"""Properties of crm_lessons.loyalty on spoiled input (issue 13)."""

import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st

from crm_lessons import loyalty

from .conftest import (
    REFUSED_FOR_BOOLEANS,
    REFUSED_FOR_DATES,
    REFUSED_FOR_IDS,
    boolean_column,
    call,
    must_refuse,
    not_a_frame,
    spoiled,
)

DATE_REFUSED = REFUSED_FOR_DATES


@st.composite
def orders_frames(draw):
    n = draw(st.integers(min_value=2, max_value=25))
    ids = draw(st.lists(st.sampled_from(["a", "b", "c", "d"]), min_size=n, max_size=n))
    days = draw(st.lists(st.integers(0, 5 * 365), min_size=n, max_size=n))
    return pd.DataFrame(
        {"customer_id": ids, "order_date": pd.Timestamp("2020-01-01") + pd.to_timedelta(days, "D")}
    )


@st.composite
def repurchase_frames(draw):
    n = draw(st.integers(min_value=2, max_value=30))
    rec = draw(st.lists(st.booleans(), min_size=n, max_size=n))
    rec[0], rec[1] = True, False
    rep = draw(st.lists(st.booleans(), min_size=n, max_size=n))
    return pd.DataFrame({"recovered": rec, "repurchased": rep})


def _refused(column, how, ids=(), dates=(), booleans=()):
    if how in ("drop", "empty") and how == "drop":
        return True
    return (
        (column in ids and how in REFUSED_FOR_IDS)
        or (column in dates and how in DATE_REFUSED)
        or (column in booleans and how in REFUSED_FOR_BOOLEANS)
    )


@given(repurchase_frames(), st.data())
def test_recovery_loyalty_rates_whatever_the_boolean_representation(frame, data):
    expected = loyalty.recovery_loyalty(frame)
    again = frame.assign(
        recovered=data.draw(boolean_column(frame["recovered"])).to_numpy(),
        repurchased=data.draw(boolean_column(frame["repurchased"])).to_numpy(),
    )
    pd.testing.assert_frame_equal(loyalty.recovery_loyalty(again), expected)
    rec = frame["recovered"]
    assert expected.loc["recovered", "repurchase_rate"] == pytest.approx(frame.loc[rec, "repurchased"].mean())


@given(repurchase_frames(), st.data())
def test_recovery_loyalty_spoiled(frame, data):
    bad, column, how = data.draw(spoiled(frame, ["recovered", "repurchased"]))
    call(
        loyalty.recovery_loyalty,
        bad,
        names=["repurchases", column],
        must_refuse=_refused(column, how, booleans=["recovered", "repurchased"]) or how == "empty",
    )


@given(orders_frames(), st.data())
def test_order_history_functions_spoiled(orders, data):
    bad, column, how = data.draw(spoiled(orders, ["customer_id", "order_date"]))
    must = _refused(column, how, ids=["customer_id"], dates=["order_date"])
    names = ["orders", column]
    call(
        loyalty.repeat_purchase_rate,
        bad,
        "2021-01-01",
        "2023-12-31",
        names=names + ["start", "end"],
        must_refuse=must,
    )
    call(loyalty.life_cycle_stages, bad, "2024-12-31", names=names + ["as_of"], must_refuse=must)
    call(
        loyalty.orders_in_window,
        bad,
        pd.Series(["a", "b"]),
        pd.Series(pd.to_datetime(["2023-01-01"] * 2)),
        days=365,
        names=names,
        must_refuse=must,
    )


@given(orders_frames())
def test_repeat_purchase_rate_is_a_share(orders):
    out = call(loyalty.repeat_purchase_rate, orders, "2021-01-01", "2023-12-31", names=["start", "end"])
    if out is not None:
        assert ((out["repeat_purchase_rate"] >= 0) & (out["repeat_purchase_rate"] <= 1)).all()
        assert (out["repeat_buyers"] <= out["buyers"]).all()


@st.composite
def survey_frames(draw):
    n = draw(st.integers(min_value=4, max_value=20))
    answers = {
        c: draw(st.lists(st.integers(1, 5), min_size=n, max_size=n))
        for c in ("perceived_quality", "brand_attention", "overall_satisfaction", "price_sensitivity")
    }
    answers["recommend"] = draw(st.lists(st.integers(0, 10), min_size=n, max_size=n))
    return pd.DataFrame(
        {
            "customer_id": [["a", "b", "c", "d"][i % 4] for i in range(n)],
            "survey_date": pd.Timestamp("2024-04-01"),
            **answers,
        }
    )


@given(survey_frames(), orders_frames(), st.data())
def test_loyalty_levels_spoiled(survey, orders, data):
    bad, column, how = data.draw(
        spoiled(survey, ["customer_id", "survey_date", "perceived_quality", "recommend"])
    )
    numeric_refused = ("text", "digit_text", "bool_text", "date_text")
    must = _refused(column, how, ids=["customer_id"], dates=["survey_date"]) or (
        column in ("perceived_quality", "recommend") and how in numeric_refused
    )
    call(loyalty.loyalty_levels, bad, orders, names=["survey", column], must_refuse=must)


@given(survey_frames(), st.data())
def test_loyalty_measures_spoiled_loyal_flags(survey, data):
    loyal = pd.Series([i % 2 == 0 for i in range(len(survey))])
    flags, _, how = data.draw(
        spoiled(loyal.to_frame("loyal"), ["loyal"], ("nan", "text", "bool_text", "float"))
    )
    call(loyalty.loyalty_measures, survey, flags["loyal"], names=["loyal"], must_refuse=True)
    same = data.draw(boolean_column(loyal))
    pd.testing.assert_frame_equal(
        loyalty.loyalty_measures(survey, same), loyalty.loyalty_measures(survey, loyal)
    )


@given(orders_frames(), st.data())
def test_complaint_repurchase_spoiled(orders, data):
    complaints = pd.DataFrame(
        {
            "complaint_id": ["K1", "K2", "K3"],
            "customer_id": ["a", "b", "c"],
            "complaint_date": pd.to_datetime(["2021-01-10", "2021-02-01", "2022-11-01"]),
            "recovered": [True, False, True],
        }
    )
    bad, column, how = data.draw(spoiled(complaints, ["customer_id", "complaint_date", "recovered"]))
    must = _refused(column, how, ids=["customer_id"], dates=["complaint_date"], booleans=["recovered"])
    call(
        loyalty.complaint_repurchase,
        bad,
        orders,
        data_end="2024-12-31",
        names=["complaints", column],
        must_refuse=must,
    )


@given(not_a_frame())
def test_not_a_frame(bad):
    call(loyalty.recovery_loyalty, bad, names=["repurchases"], must_refuse=True)
    call(loyalty.life_cycle_stages, bad, names=["orders"], must_refuse=True)
    call(loyalty.repeat_purchase_rate, bad, "2021-01-01", "2021-12-31", names=["orders"], must_refuse=True)


@st.composite
def speed_frames(draw):
    n = draw(st.integers(min_value=4, max_value=30))
    rec = draw(st.lists(st.booleans(), min_size=n, max_size=n))
    rep = draw(st.lists(st.booleans(), min_size=n, max_size=n))
    days = draw(st.lists(st.integers(0, 40), min_size=n, max_size=n))
    return pd.DataFrame({"resolution_days": days, "recovered": rec, "repurchased": rep})


@given(speed_frames(), st.data())
def test_recovery_by_speed_counts_every_complaint_or_refuses(frame, data):
    out = call(loyalty.recovery_by_speed, frame, names=["repurchases", "bands"])
    if out is not None:
        assert out["complaints"].sum() == len(frame)
    bad, column, how = data.draw(spoiled(frame, ["resolution_days", "recovered", "repurchased"]))
    must = (column != "resolution_days" and how in REFUSED_FOR_BOOLEANS) or how == "drop"
    call(loyalty.recovery_by_speed, bad, names=["repurchases", column], must_refuse=must)


@given(orders_frames(), st.data())
def test_profit_by_tenure_spoiled(orders, data):
    sales = orders.assign(revenue=100.0, profit=10.0)
    out = loyalty.profit_by_tenure(sales)
    assert out["customer_years"].sum() == sales.groupby(["customer_id", sales["order_date"].dt.year]).ngroups
    bad, column, how = data.draw(spoiled(sales, ["customer_id", "order_date", "revenue", "profit"]))
    call(loyalty.profit_by_tenure, bad, names=["sales", column], must_refuse=must_refuse(column, how))
