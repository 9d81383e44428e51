"""Tests of crm_lessons.value: value of the customer and value to the customer."""

from __future__ import annotations

import pandas as pd
import pytest

from crm_lessons import value
from crm_lessons.data import load_customers, load_sales, load_survey
from crm_lessons.toy import toy_customers, toy_sales


def test_value_of_customer_hand_computed():
    v = value.value_of_customer(toy_sales())
    assert v.index.tolist() == ["C2", "C3", "C1", "C4"]
    assert v.loc["C2", "years_as_customer"] == 3  # 2022-2024
    assert v.loc["C2", "profit_per_year"] == pytest.approx(5500 / 3)
    assert v.loc["C3", "profit_per_year"] == pytest.approx(1000.0)


def test_value_to_customer_hand_computed():
    v = value.value_to_customer(toy_sales())
    assert v.loc["C2", "list_value"] == pytest.approx(10000 + 15000 + 6000 + 2000)
    assert v.loc["C2", "savings"] == pytest.approx(5000.0)
    assert v.loc["C4", "savings_rate"] == pytest.approx(0.5)


def test_value_to_customer_with_survey():
    survey = pd.DataFrame(
        {
            "customer_id": ["C1", "C1", "C3"],
            "expectation": [4, 4, 3],
            "perceived_quality": [5, 3, 5],
            "overall_satisfaction": [5, 3, 4],
        }
    )
    v = value.value_to_customer(toy_sales(), survey)
    assert v.loc["C1", "perceived_gap"] == 0.0  # mean of +1 and -1
    assert v.loc["C3", "perceived_gap"] == 2.0
    assert pd.isna(v.loc["C2", "perceived_gap"])


def test_value_by_segment_hand_computed():
    t = value.value_by_segment(toy_sales(), toy_customers(), "kind")
    assert t.loc["consumer", "profit_per_customer"] == pytest.approx(650.0)
    assert t.loc["consumer", "savings_rate"] == pytest.approx(500 / 6600)
    assert t["profit_share"].sum() == pytest.approx(1.0)


def test_missing_columns_named():
    with pytest.raises(ValueError, match="`survey`"):
        value.value_to_customer(toy_sales(), pd.DataFrame({"customer_id": ["C1"]}))
    with pytest.raises(ValueError, match="`customers`"):
        value.value_by_segment(toy_sales(), toy_customers(), "colour")


def test_case_data_profit_adds_up():
    sales = load_sales()
    v = value.value_of_customer(sales)
    assert v["profit"].sum() == pytest.approx(sales["profit"].sum())
    assert v["years_as_customer"].between(1, 7).all()


def test_case_data_gold_customers_worth_more():
    t = value.value_by_segment(load_sales(), load_customers(), "tier", load_survey())
    assert t.loc["gold", "profit_per_customer_year"] > t.loc["ordinary", "profit_per_customer_year"]
