"""Tests of crm_lessons.abc_analysis: ABC classes, Pareto curve, textbook comparison."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from crm_lessons import abc_analysis as abc
from crm_lessons.data import load_sales
from crm_lessons.generator import ABC_CUSTOMER_SHARES, TRUE_ABC_SHARES
from crm_lessons.performance import customer_totals
from crm_lessons.toy import toy_sales


@pytest.fixture(scope="module")
def profit():
    return customer_totals(load_sales(), "profit")


def test_class_sizes_hand_computed():
    assert abc.class_sizes(5000) == (250, 750, 4000)
    assert abc.class_sizes(100, (0.1, 0.25)) == (10, 15, 75)
    assert abc.class_sizes(7, (0.3, 0.6)) == (2, 2, 3)  # floor(2.1), floor(4.2) - 2


def test_abc_classes_toy():
    cls = abc.abc_classes(customer_totals(toy_sales()), (0.25, 0.5))
    assert cls.astype(str).to_dict() == {"C2": "A", "C3": "B", "C1": "C", "C4": "C"}
    assert cls.cat.ordered


def test_summary_textbook_company():
    values = pd.Series([10.0] * 5 + [2.0] * 15 + [0.25] * 80, index=[f"c{i:03d}" for i in range(100)])
    s = abc.abc_summary(values)
    assert s["customers"].tolist() == [5, 15, 80]
    assert s["value_share"].tolist() == pytest.approx([0.5, 0.3, 0.2])
    assert s["textbook_value_share"].tolist() == [0.5, 0.3, 0.2]


def test_pareto_curve_hand_computed():
    c = abc.pareto_curve(pd.Series({"x": 10.0, "y": 30.0, "z": 60.0}))
    assert c["customer_id"].tolist() == ["z", "y", "x"]
    assert c["value_share"].tolist() == pytest.approx([0.6, 0.9, 1.0])


def test_pareto_curve_with_losses_ends_at_one():
    c = abc.pareto_curve(pd.Series({"a": 8.0, "b": 4.0, "c": -2.0}))
    assert c["value_share"].max() == pytest.approx(1.2)
    assert c["value_share"].iloc[-1] == pytest.approx(1.0)


def test_top_share():
    v = pd.Series({"x": 10.0, "y": 30.0, "z": 60.0, "w": 0.0})
    assert abc.top_share(v, 0.25) == pytest.approx(0.6)
    with pytest.raises(ValueError, match="`customer_share`"):
        abc.top_share(v, 0)


@pytest.mark.parametrize(
    "cutoffs, message",
    [
        ((0.0, 0.2), "strictly between 0 and 1"),
        ((0.05, 1.0), "strictly between 0 and 1"),
        ((5, 20), "strictly between 0 and 1"),
        ((-0.1, 0.2), "strictly between 0 and 1"),
        ((0.2, 0.2), "must increase"),
        ((0.3, 0.1), "must increase"),
        ((0.05,), "two numbers"),
        ((0.05, 0.1, 0.2), "two numbers"),
    ],
)
def test_bad_cutoffs_name_the_argument(cutoffs, message):
    with pytest.raises(ValueError, match="`cutoffs`") as err:
        abc.abc_summary(customer_totals(toy_sales()), cutoffs)
    assert message in str(err.value)


def test_non_numeric_cutoffs():
    with pytest.raises(TypeError, match="`cutoffs`"):
        abc.check_cutoffs(("a", "b"))
    with pytest.raises(TypeError, match="`cutoffs`"):
        abc.check_cutoffs(0.05)


def test_values_must_be_a_series():
    with pytest.raises(TypeError, match="`values`"):
        abc.abc_summary([1.0, 2.0])


def test_fast_path_equals_classes(profit):
    cls = abc.abc_classes(profit, (0.1, 0.3))
    by_class = profit.groupby(cls, observed=False).sum()
    s = abc.summary_from_sorted(profit.to_numpy(), (0.1, 0.3))
    assert s["value"].to_numpy() == pytest.approx(by_class.to_numpy())


def test_case_data_near_textbook_shares(profit):
    s = abc.abc_summary(profit)
    assert s["customer_share"].to_dict() == pytest.approx(ABC_CUSTOMER_SHARES)
    for cls, share in TRUE_ABC_SHARES.items():
        assert s.loc[cls, "value_share"] == pytest.approx(share, abs=0.05), cls
    # the Pareto curve rises fast: the best 20 % bring most of the profit
    assert abc.top_share(profit, 0.2) > 0.7


def test_case_data_curve_is_monotone_until_losses(profit):
    c = abc.pareto_curve(profit)
    gains = np.diff(c["value_share"].to_numpy())
    positive = c["value"].to_numpy()[1:] >= 0
    assert (gains[positive] >= 0).all()
