"""Properties of crm_lessons.rfm on spoiled input (issue 13)."""

import numpy as np
import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st

from crm_lessons import rfm
from crm_lessons.toy import toy_sales

from .conftest import (
    REFUSED_FOR_BOOLEANS,
    REFUSED_FOR_DATES,
    REFUSED_FOR_IDS,
    call,
    finite_floats,
    not_a_frame,
    spoiled,
)

SALES = toy_sales()
DATE_REFUSED = REFUSED_FOR_DATES
NUMBER_REFUSED = ("nan", "none", "inf", "neg_inf", "text", "digit_text", "bool_text", "date_text")


@st.composite
def purchase_logs(draw):
    n = draw(st.integers(min_value=1, max_value=25))
    ids = draw(st.lists(st.sampled_from(["1", "2", "3", "4", "5"]), min_size=n, max_size=n))
    days = draw(st.lists(st.integers(0, 500), min_size=n, max_size=n))
    dollars = draw(st.lists(finite_floats(0, 500).map(lambda v: round(v, 2)), min_size=n, max_size=n))
    return pd.DataFrame(
        {
            "customer_id": ids,
            "date": pd.Timestamp("1997-01-01") + pd.to_timedelta(days, "D"),
            "dollars": dollars,
        }
    )


@given(purchase_logs())
def test_rfm_segments_by_hand(log):
    purchases = rfm.purchases_from_log(log)
    ref = "1998-07-01"
    out = rfm.rfm_segments(purchases, ref)
    assert sorted(out.index) == sorted(set(purchases["customer_id"]))
    for cid, row in out.iterrows():
        mine = purchases[purchases["customer_id"] == cid]
        assert row["frequency"] == len(mine)
        assert row["recency"] == (pd.Timestamp(ref) - mine["purchase_date"].max()).days
        assert row["monetary"] == pytest.approx(mine["amount_cents"].sum() / 100)
    assert out["r_score"].between(1, 5).all() and out["f_score"].between(1, 5).all()


@given(purchase_logs(), st.data())
def test_purchases_from_log_spoiled(log, data):
    frame, column, how = data.draw(spoiled(log, ["customer_id", "date", "dollars"]))
    refused = {"customer_id": REFUSED_FOR_IDS, "date": DATE_REFUSED, "dollars": NUMBER_REFUSED}
    call(
        rfm.purchases_from_log,
        frame,
        names=["log", column],
        must_refuse=how == "drop" or how in refused[column],
    )


@given(st.data())
def test_purchases_from_sales_spoiled(data):
    frame, column, how = data.draw(spoiled(SALES, ["order_id", "customer_id", "order_date", "revenue"]))
    refused = {
        "order_id": REFUSED_FOR_IDS,
        "customer_id": REFUSED_FOR_IDS,
        "order_date": DATE_REFUSED,
        "revenue": NUMBER_REFUSED,
    }
    call(
        rfm.purchases_from_sales,
        frame,
        names=["sales", column],
        must_refuse=how == "drop" or how in refused[column],
    )


@given(st.data())
def test_rfm_table_scores_and_segments_spoiled(data):
    purchases = rfm.purchases_from_sales(SALES)
    frame, column, how = data.draw(spoiled(purchases, ["customer_id", "purchase_date", "amount_cents"]))
    refused = {
        "customer_id": REFUSED_FOR_IDS,
        "purchase_date": DATE_REFUSED,
        "amount_cents": NUMBER_REFUSED + ("float",),
    }
    must = how == "drop" or how in refused[column]
    call(rfm.rfm_table, frame, "2025-01-01", names=["purchases", column], must_refuse=must)
    table = rfm.rfm_table(purchases, "2025-01-01")
    frame, column, how = data.draw(spoiled(table, ["recency", "frequency", "monetary"]))
    must = how == "drop" or how in NUMBER_REFUSED
    call(rfm.rfm_scores, frame, names=["rfm", column], must_refuse=must)
    scored = rfm.rfm_segments(purchases, "2025-01-01")
    frame, column, how = data.draw(spoiled(scored, ["r_score", "f_score", "m_score", "recency", "segment"]))
    names = ["scored", "segmented", column]
    for fn in (rfm.score_ranges, rfm.assign_segments, rfm.rf_grid, rfm.segment_summary):
        call(fn, frame, names=names)


@given(st.data())
def test_response_by_segment_spoiled(data):
    seg = pd.Series(
        ["Champions", "Hibernating", "Loyal"], index=pd.Index(["A", "B", "C"], name="customer_id")
    )
    outcome = pd.DataFrame(
        {
            "customer_id": ["A", "B", "C", "D"],
            "responded": [True, False, True, False],
            "group": ["treatment", "control", "treatment", "control"],
        }
    )
    frame, column, how = data.draw(spoiled(outcome, ["customer_id", "responded", "group"]))
    refused = {"customer_id": REFUSED_FOR_IDS, "responded": REFUSED_FOR_BOOLEANS, "group": ()}
    call(
        rfm.response_by_segment,
        seg,
        frame,
        names=["outcome", column],
        must_refuse=how == "drop" or how in refused[column],
    )


@given(
    st.lists(
        st.one_of(finite_floats(), st.sampled_from([np.nan, np.inf, "5", "abc", None])),
        min_size=0,
        max_size=12,
    )
)
def test_rank_and_edge_scores(values):
    ok = all(isinstance(v, float) and np.isfinite(v) for v in values)
    ranked = call(rfm.rank_score, values, names=["values"], must_refuse=not ok)
    edged = call(rfm.edge_score, values, [0.0, 10.0], names=["values"], must_refuse=not ok)
    if ok:
        assert len(ranked) == len(values) and ((ranked >= 1) & (ranked <= 5)).all()
        assert (
            edged == 1 + (np.asarray(values, dtype=float)[:, None] > np.array([0.0, 10.0])).sum(axis=1)
        ).all()
        cents = rfm.cents(values)
        assert (np.abs(cents.to_numpy() / 100 - np.asarray(values, dtype=float)) <= 0.005 + 1e-9).all()


@given(not_a_frame())
def test_not_a_frame(bad):
    for fn, name in (
        (rfm.purchases_from_sales, "sales"),
        (rfm.rfm_table, "purchases"),
        (rfm.rfm_scores, "rfm"),
        (rfm.score_ranges, "scored"),
        (rfm.segment_summary, "segmented"),
    ):
        call(fn, bad, names=[name], must_refuse=True)


@given(st.sampled_from([None, 3, "summary", pd.DataFrame({"a": [1]}), pd.DataFrame()]))
def test_plot_segments_refuses_other_frames(bad):
    call(rfm.plot_segments, bad, names=["summary"], must_refuse=True)
