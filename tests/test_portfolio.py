"""Tests of crm_lessons.portfolio: strategies and the ABC × segment table."""

from __future__ import annotations

import pytest

from crm_lessons import portfolio
from crm_lessons.data import load_customers, load_sales
from crm_lessons.toy import toy_customers, toy_sales


def test_strategies_table():
    assert portfolio.STRATEGIES.index.tolist() == ["concentration", "differentiation", "personalisation"]
    assert portfolio.STRATEGIES.loc["concentration", "chinese"] == "集中策略"


def test_segment_table_hand_computed():
    t = portfolio.segment_table(toy_sales(), toy_customers(), cutoffs=(0.25, 0.5))
    assert t.loc[("A", "intermediary"), "profit"] == pytest.approx(5500.0)
    c = t.loc[("C", "consumer")]
    assert c["customers"] == 2
    assert c["profit_per_customer"] == pytest.approx(650.0)
    assert c["gross_margin"] == pytest.approx(1300 / 6100)
    assert t["profit_share"].sum() == pytest.approx(1.0)


def test_segment_table_bad_column():
    with pytest.raises(ValueError, match="`customers`"):
        portfolio.segment_table(toy_sales(), toy_customers(), by="colour")
    with pytest.raises(ValueError, match="`cutoffs`"):
        portfolio.segment_table(toy_sales(), toy_customers(), cutoffs=(0.5, 0.2))


def test_case_data_a_class_dominates_profit():
    t = portfolio.segment_table(load_sales(), load_customers(), by="tier")
    a = t.xs("A", level="abc_class")
    assert a["customer_share"].sum() == pytest.approx(0.05)
    assert a["profit_share"].sum() > 0.4
    assert a["profit_per_customer"].min() > t.xs("C", level="abc_class")["profit_per_customer"].max()


# --------------------------------------------------------------------------- issue 13 regressions


def test_customer_ids_of_another_type_are_named_not_silently_unmatched():
    customers = toy_customers().assign(customer_id=[1, 2, 3, 4])
    with pytest.raises(TypeError, match="`sales` column 'customer_id' holds text ids but `customers`"):
        portfolio.segment_table(toy_sales(), customers)
