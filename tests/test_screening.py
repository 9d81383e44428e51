"""Tests of crm_lessons.screening: five criteria, normalisation, weights, ranking."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from crm_lessons import screening
from crm_lessons.data import load_customers, load_sales
from crm_lessons.toy import toy_customers, toy_sales


def test_criteria_hand_computed():
    c = screening.screening_criteria(toy_sales(), toy_customers(), year=2023)
    assert c.index.tolist() == ["C1", "C3"]
    assert c.loc["C1", "annual_purchases"] == pytest.approx(3600.0)
    assert c.loc["C1", "profitability"] == pytest.approx(600 / 3600)
    assert c.loc["C1", "safety"] == 3.0  # rating A
    assert c.loc["C1", "future_potential"] == pytest.approx((3600 - 2400) / 6000)
    assert c.loc["C3", "future_potential"] == 1.0  # new customer
    c24 = screening.screening_criteria(toy_sales(), toy_customers())  # default: last year, 2024
    assert c24.loc["C4", "cooperation"] == 0.0  # its only line was 50 % off
    assert c24.loc["C2", "cooperation"] == 1.0


def test_scores_percentile_and_minmax():
    raw = pd.DataFrame(
        {"annual_purchases": [10.0, 20.0, 1000.0], "safety": [3.0, 3.0, 0.0]}, index=list("abc")
    )
    p = screening.criterion_scores(raw)
    assert p["annual_purchases"].tolist() == [0.0, 50.0, 100.0]
    assert p["safety"].tolist() == [100.0, 100.0, 0.0]  # ties share their rank
    m = screening.criterion_scores(raw, "minmax")
    assert m["annual_purchases"].tolist() == pytest.approx([0.0, 1000 / 990, 100.0])
    constant = screening.criterion_scores(pd.DataFrame({"safety": [2.0, 2.0]}))
    assert constant["safety"].tolist() == [50.0, 50.0]


def test_weighted_score_hand_computed():
    s = pd.DataFrame(
        [[100, 0, 50, 50, 50], [0, 100, 50, 50, 50]], index=["x", "y"], columns=screening.CRITERIA
    )
    assert screening.screening_score(s, {"annual_purchases": 3, "profitability": 1}).tolist() == [75.0, 25.0]
    # weights are relative: scaling them changes nothing
    assert (
        screening.screening_score(s, [2, 2, 2, 2, 2]).tolist()
        == screening.screening_score(s, [1] * 5).tolist()
    )
    r = screening.rank_customers(s, {"profitability": 1})
    assert r.index.tolist() == ["y", "x"] and r["rank"].tolist() == [1, 2]


@pytest.mark.parametrize(
    "weights",
    [
        [0, 0, 0, 0, 0],
        {"annual_purchases": 0},
        [1, -1, 1, 1, 1],
        [1, 1, 1],
        {"loyalty": 1},
        [1, 1, np.nan, 1, 1],
    ],
)
def test_bad_weights_name_the_argument(weights):
    with pytest.raises(ValueError, match="`weights`"):
        screening.check_weights(weights)


def test_other_bad_arguments():
    with pytest.raises(ValueError, match="`method`"):
        screening.criterion_scores(pd.DataFrame({"safety": [1.0]}), "zscore")
    with pytest.raises(ValueError, match="`criteria`"):
        screening.criterion_scores(pd.DataFrame({"colour": [1.0]}))
    with pytest.raises(ValueError, match="`year`"):
        screening.screening_criteria(toy_sales(), toy_customers(), year=1999)
    with pytest.raises(ValueError, match="`top`"):
        screening.rank_customers(pd.DataFrame({"safety": [1.0]}), [1] * 5, top=0)


def test_case_data_criteria_in_range():
    c = screening.screening_criteria(load_sales(), load_customers())
    assert c["future_potential"].between(-1, 1).all()
    assert c["cooperation"].between(0, 1).all()
    assert set(c["safety"].unique()) <= {0.0, 1.0, 2.0, 3.0}
    s = screening.criterion_scores(c)
    assert s.min().min() == 0.0 and s.max().max() == 100.0


def test_case_data_purchases_only_weight_ranks_by_revenue():
    sales, customers = load_sales(), load_customers()
    c = screening.screening_criteria(sales, customers)
    r = screening.rank_customers(screening.criterion_scores(c), {"annual_purchases": 1}, top=10)
    assert r.index.tolist() == c["annual_purchases"].sort_values(ascending=False).index[:10].tolist()
