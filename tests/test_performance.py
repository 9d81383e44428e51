"""Tests of crm_lessons.performance: per-customer performance and the sales mix."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from crm_lessons import performance
from crm_lessons.data import load_sales
from crm_lessons.toy import toy_sales


@pytest.fixture(scope="module")
def sales():
    return load_sales()


def test_customer_totals_hand_computed():
    t = performance.customer_totals(toy_sales(), "profit")
    assert t.index.tolist() == ["C2", "C3", "C1", "C4"]
    assert t.tolist() == pytest.approx([5500.0, 2000.0, 1300.0, 0.0])


def test_customer_totals_ties_broken_by_id():
    s = pd.DataFrame({"customer_id": ["b", "a", "c"], "profit": [5.0, 5.0, 9.0]})
    assert performance.customer_totals(s).index.tolist() == ["c", "a", "b"]


def test_customer_performance_hand_computed():
    p = performance.customer_performance(toy_sales())
    c1 = p.loc["C1"]
    assert c1["orders"] == 2
    assert c1["units"] == 5  # 1 fridge + 2 kettles, then 2 fridges
    assert c1["revenue"] == pytest.approx(6000.0)
    assert c1["profit"] == pytest.approx(1300.0)
    assert c1["gross_margin"] == pytest.approx(1300 / 6000)
    assert c1["avg_order_value"] == pytest.approx(3000.0)
    # list value 2000 + 400 + 4000 = 6400, discount given 400
    assert c1["avg_discount"] == pytest.approx(400 / 6400)
    assert p["revenue_share"].sum() == pytest.approx(1.0)
    assert p.loc["C2", "revenue_share"] == pytest.approx(28000 / 39100)


def test_customer_performance_period():
    p = performance.customer_performance(toy_sales(), start="2024-01-01", end="2024-12-31")
    assert sorted(p.index) == ["C2", "C4"]
    assert p.loc["C2", "revenue"] == pytest.approx(8000.0)


def test_sales_mix_hand_computed():
    m = performance.sales_mix(toy_sales(), "category")
    assert m.loc["washing machine", "revenue"] == pytest.approx(18000.0)
    assert m.loc["air conditioner", "revenue"] == 0.0  # empty categories still listed
    assert m["share"].sum() == pytest.approx(1.0)
    two = performance.sales_mix(toy_sales(), ["category", "price_band"], measure="profit")
    assert two.loc[("refrigerator", "entry"), "profit"] == pytest.approx(1600.0)


def test_sales_mix_by_year_rows_sum_to_one():
    t = performance.sales_mix_by_year(toy_sales(), "price_band")
    assert np.allclose(t.sum(axis=1), 1.0)
    assert t.loc[2023, "premium"] == pytest.approx(5000 / 8600)


@pytest.mark.parametrize(
    "call, argument",
    [
        (lambda s: performance.customer_totals(s, "margin"), "measure"),
        (lambda s: performance.sales_mix(s, "colour"), "by"),
        (lambda s: performance.sales_mix(s, []), "by"),
        (lambda s: performance.sales_mix_by_year(s, "colour"), "by"),
        (lambda s: performance.customer_performance(s.drop(columns="discount")), "sales"),
    ],
)
def test_bad_arguments_name_the_argument(call, argument):
    with pytest.raises(ValueError, match=f"`{argument}`"):
        call(toy_sales())


def test_case_data_totals_agree(sales):
    p = performance.customer_performance(sales)
    assert p["revenue"].sum() == pytest.approx(sales["revenue"].sum())
    assert p["orders"].sum() == sales["order_id"].nunique()
    mix = performance.sales_mix(sales, "category")
    assert mix["share"].sum() == pytest.approx(1.0)
    assert (mix["share"] > 0.05).all()  # every category sells


# ---------------------------------------------------------------- best and worst customers (chapter 2)
def test_best_and_worst_toy_groups():
    from crm_lessons.toy import toy_customers

    t = performance.best_and_worst(toy_sales(), toy_customers(), share=0.25)
    assert t.index.tolist() == ["best", "all", "worst"]
    assert t.loc["best", "customers"] == 1 and t.loc["worst", "customers"] == 1
    # C2 (the intermediary) is best: 5500 profit on 28000 revenue; C4 (a consumer) is worst
    assert t.loc["best", "share_intermediary"] == 1.0
    assert t.loc["best", "gross_margin"] == pytest.approx(5500 / 28000)
    assert t.loc["worst", "share_consumer"] == 1.0
    assert t.loc["worst", "median_profit"] == 0.0
    assert t.loc["all", "gross_margin"] == pytest.approx(8800 / 39100)
    assert t.loc["all", "loss_makers"] == 0


def test_best_and_worst_case_data(sales):
    from crm_lessons.data import load_case_company

    case = load_case_company()
    t = performance.best_and_worst(sales, case["customers"], case["complaints"])
    assert t.loc["best", "customers"] == t.loc["worst", "customers"] == 250
    assert t.loc["best", "median_orders"] > 10 * t.loc["worst", "median_orders"]
    assert t.loc["worst", "share_consumer"] > 0.9 > t.loc["best", "share_consumer"]
    # a float sum of exactly zero profit is not a loss
    totals = performance.customer_totals(sales, "profit")
    assert t.loc["all", "loss_makers"] == int((totals.round(2) < 0).sum())
    assert "complaints_per_100_orders" in t.columns


@pytest.mark.parametrize("bad", [0, 0.6, -0.1, "5%", True])
def test_best_and_worst_bad_share(bad):
    from crm_lessons.toy import toy_customers

    with pytest.raises(ValueError, match="share"):
        performance.best_and_worst(toy_sales(), toy_customers(), share=bad)


def test_year_on_year_toy():
    t = performance.year_on_year(toy_sales(), 2024, customer_ids=["C1", "C2", "C3", "C4", "C9"])
    assert t.loc["C1", "trend"] == "stopped" and t.loc["C1", "previous"] == pytest.approx(3600.0)
    assert t.loc["C2", "trend"] == "started" and t.loc["C2", "current"] == pytest.approx(8000.0)
    assert t.loc["C9", "trend"] == "none"
    assert t["change"].sum() == pytest.approx(8100.0 - 8600.0)


def test_year_on_year_down_up_flat():
    s = pd.DataFrame(
        {
            "customer_id": ["a", "a", "b", "b", "c", "c"],
            "order_date": pd.to_datetime(["2023-01-01", "2024-01-01"] * 3),
            "revenue": [10.0, 5.0, 5.0, 10.0, 7.0, 7.0],
        }
    )
    t = performance.year_on_year(s, 2024)
    assert t["trend"].astype(str).to_dict() == {"a": "down", "b": "up", "c": "flat"}


def test_year_on_year_bad_year():
    with pytest.raises(TypeError, match="year"):
        performance.year_on_year(toy_sales(), "2024")
