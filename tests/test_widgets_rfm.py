"""Tests of the RFM explorer widget, without a browser."""

from __future__ import annotations

import pandas as pd
import pytest

from crm_lessons import rfm
from crm_lessons.widgets.rfm import RFMExplorer, parse_edges


@pytest.fixture
def purchases():
    rows = [
        ("A", "2024-12-20", 90000),
        ("A", "2024-11-01", 50000),
        ("A", "2024-06-01", 70000),
        ("A", "2024-01-15", 30000),
        ("B", "2024-12-28", 5000),
        ("C", "2022-03-01", 40000),
        ("C", "2022-01-10", 40000),
        ("C", "2021-12-01", 40000),
        ("D", "2021-05-05", 2000),
        ("E", "2024-10-10", 8000),
        ("E", "2024-04-04", 9000),
        ("F", "2023-09-09", 12000),
    ]
    return pd.DataFrame(
        {
            "customer_id": [r[0] for r in rows],
            "purchase_date": pd.to_datetime([r[1] for r in rows]),
            "amount_cents": [r[2] for r in rows],
        }
    )


def test_starts_with_the_pandas_result(purchases):
    w = RFMExplorer(purchases, reference_date="2025-01-01", draw=False)
    expected = rfm.rfm_segments(purchases, "2025-01-01")
    pd.testing.assert_frame_equal(w.result, expected)
    assert w.summary["customers"].sum() == 6
    assert w.summary["revenue_share"].sum() == pytest.approx(1.0)
    assert "customers" in w.table.value and "Champions" in w.rule_table.value


def test_fixed_edges_follow_the_text_boxes(purchases):
    w = RFMExplorer(purchases, reference_date="2025-01-01", draw=False)
    w.scoring.value = "fixed edges"
    w.recency_edges.value = "30, 90, 180, 365"
    w.frequency_edges.value = "1, 2, 3, 4"
    w.monetary_edges.value = "100, 500, 1000, 2000"
    got = w.result[["r_score", "f_score", "m_score"]]
    assert got.loc["A"].tolist() == [5, 4, 5]  # 12 days, 4 purchases, 2,400 CNY
    assert got.loc["D"].tolist() == [1, 1, 1]
    assert not w.recency_edges.disabled
    w.scoring.value = "quintiles"
    assert w.recency_edges.disabled


def test_segment_thresholds_move_customers(purchases):
    w = RFMExplorer(purchases, reference_date="2025-01-01", draw=False)
    before = w.summary.loc["Champions", "customers"]
    w.high.value = 5
    assert w.summary.loc["Champions", "customers"] <= before
    assert w.summary["customers"].sum() == 6
    w.low.value = 4  # invalid with high = 5? no: 4 < 5 is fine
    assert "Need attention" not in w.rules["segment"].tolist()
    w.high.value = 4  # now low == high: refused, the result is cleared
    assert "must be below" in w.status.value
    assert not w.valid and w.summary.empty and w.result.empty
    w.low.value = 2
    assert w.valid and w.summary["customers"].sum() == 6


def test_bad_edges_are_explained_not_raised(purchases):
    w = RFMExplorer(purchases, reference_date="2025-01-01", draw=False)
    w.scoring.value = "fixed edges"
    w.monetary_edges.value = "10, 5, 1, 0"
    assert "Monetary edges must be 4 numbers" in w.status.value
    assert not w.valid and w.result.empty


def test_mean_spend_changes_m_scores_not_revenue_shares(purchases):
    w = RFMExplorer(purchases, reference_date="2025-01-01", draw=False)
    shares = w.summary["revenue"].sum()
    w.monetary.value = "mean"
    assert w.result.loc["C", "monetary"] == 400.0
    assert w.summary["revenue"].sum() == shares  # shares still from total spend


def test_draws_a_png(purchases):
    w = RFMExplorer(purchases, reference_date="2025-01-01", draw=True)
    assert w.image.value[:4] == b"\x89PNG"


def test_parse_edges():
    assert parse_edges("1,2, 3 ; 4") == [1.0, 2.0, 3.0, 4.0]
    assert parse_edges("") is None
    assert parse_edges("3, 3") is None
