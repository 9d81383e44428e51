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
