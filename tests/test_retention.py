"""Tests of crm_lessons.retention: hand-counted cases and the retention built into the case data."""

import pandas as pd
import pytest

from crm_lessons import data
from crm_lessons.generator import TRUE_RETENTION
from crm_lessons.retention import (
    before_after,
    cohort_retention,
    cohort_table,
    purchases_per_year,
    retention_economics,
    retention_rate,
    retention_table,
    thesis_retention,
)

CUSTOMERS = pd.DataFrame(
    {
        "customer_id": ["a", "b", "c", "d", "e"],
        "tier": pd.Categorical(
            ["gold", "gold", "ordinary", "ordinary", "ordinary"],
            categories=["ordinary", "gold"],
            ordered=True,
        ),
        "join_date": pd.to_datetime(["2019-01-01"] * 4 + ["2021-06-01"]),
    }
)
# a: 3 orders in 2020, 1 in 2021; b: 1 in 2020; c: 3 in 2020, 3 in 2021; d: 1 in 2021; e: 1 in 2021
ORDERS = pd.DataFrame(
    {
        "customer_id": ["a"] * 4 + ["b"] + ["c"] * 6 + ["d", "e"],
        "order_date": pd.to_datetime(
            ["2020-01-01", "2020-05-01", "2020-09-01", "2021-02-01", "2020-03-03"]
            + ["2020-01-02", "2020-02-02", "2020-03-02", "2021-01-05", "2021-02-05", "2021-03-05"]
            + ["2021-07-07", "2021-08-08"]
        ),
    }
)


@pytest.fixture(scope="module")
def case():
    return data.load_orders(), data.load_customers()


def test_purchases_per_year_counts():
    counts = purchases_per_year(ORDERS).set_index(["customer_id", "year"])["orders"]
    assert counts[("a", 2020)] == 3 and counts[("c", 2021)] == 3 and counts[("e", 2021)] == 1


def test_thesis_definition_by_hand():
    active = thesis_retention(ORDERS, CUSTOMERS).set_index(["year", "tier"])
    # 2020: gold a (3 orders), b (1) -> 1/2; ordinary c (3) -> 1/1
    assert active.loc[(2020, "gold"), "retention_rate"] == 0.5
    assert active.loc[(2020, "ordinary"), "retention_rate"] == 1.0
    # 2021: gold a (1) -> 0/1; ordinary c (3), d (1), e (1) -> 1/3
    assert active.loc[(2021, "ordinary"), "customers"] == 3
    assert active.loc[(2021, "ordinary"), "retention_rate"] == pytest.approx(1 / 3)
    registered = thesis_retention(ORDERS, CUSTOMERS, base="registered").set_index(["year", "tier"])
    # 2020 on file: ordinary c, d (e joins 2021) -> 1/2; gold a, b -> 1/2
    assert registered.loc[(2020, "ordinary"), "customers"] == 2
    assert registered.loc[(2020, "ordinary"), "retention_rate"] == 0.5
    assert registered.loc[(2021, "gold"), "customers"] == 2


def test_cohort_definition_by_hand():
    table = cohort_retention(ORDERS, CUSTOMERS).set_index(["year", "tier"])
    # active 2020: a, b (gold), c (ordinary); 2021: a, c, d, e
    assert table.loc[(2021, "gold"), ["active_last_year", "retained"]].tolist() == [2, 1]
    assert table.loc[(2021, "gold"), "retention_rate"] == 0.5
    assert table.loc[(2021, "ordinary"), "retention_rate"] == 1.0
    assert retention_rate(["a", "b", "c"], ["a", "c", "d", "e"]) == pytest.approx(2 / 3)


def test_retention_table_has_both_definitions():
    table = retention_table(ORDERS, CUSTOMERS)
    assert list(table.columns.get_level_values(0).unique()) == ["thesis", "cohort"]
    assert pd.isna(table.loc[2020, ("cohort", "gold")])
    assert table.loc[2021, ("cohort", "gold")] == 0.5


def test_empty_cohort_names_the_argument():
    with pytest.raises(ValueError, match="`previous` is an empty cohort"):
        retention_rate([], ["a"])
    with pytest.raises(ValueError, match="`orders` is empty"):
        cohort_retention(ORDERS.iloc[:0], CUSTOMERS)
    with pytest.raises(ValueError, match="`orders` is empty"):
        cohort_table(ORDERS.iloc[:0])
    with pytest.raises(ValueError, match="`group`='platinum' selects no customers"):
        cohort_table(ORDERS, customers=CUSTOMERS, by="tier", group="platinum")


def test_other_argument_errors():
    with pytest.raises(ValueError, match="`base`"):
        thesis_retention(ORDERS, CUSTOMERS, base="everyone")
    with pytest.raises(ValueError, match="`min_orders`"):
        thesis_retention(ORDERS, CUSTOMERS, min_orders=0)
    with pytest.raises(TypeError, match="order_date"):
        purchases_per_year(ORDERS.assign(order_date=ORDERS["order_date"].astype(str)))
    with pytest.raises(ValueError, match="`customers` is needed"):
        cohort_retention(ORDERS, None, by="tier")


def test_cohort_table_by_hand():
    table = cohort_table(ORDERS)
    # cohort 2020 = a, b, c; in 2021 a and c return; cohort 2021 = d, e
    assert table.loc["2020", 0] == 1.0
    assert table.loc["2020", 1] == pytest.approx(2 / 3)
    assert pd.isna(table.loc["2021", 1])
    assert table.attrs["cohort_size"].tolist() == [3, 2]
    quarterly = cohort_table(ORDERS, period="quarter")
    assert quarterly.index[0] == "2020Q1"


def test_before_after_by_hand():
    t = pd.DataFrame(
        {"year": [2019, 2020, 2021, 2022], "tier": ["gold"] * 4, "retention_rate": [0.7, 0.8, 0.85, 0.95]}
    )
    out = before_after(t)
    assert out.loc["gold"].tolist() == pytest.approx([0.75, 0.9, 0.15])
    with pytest.raises(ValueError, match="`go_live`"):
        before_after(t, go_live="2030-01-01")


def test_economics_by_hand():
    table = retention_economics([0.5, 0.9], n_customers=100, acquisition_cost=50, retention_cost=10)
    # r = 0.5: 50 lost x 50 + 50 kept x 10 = 3,000; r = 0.9: 10 x 50 + 90 x 10 = 1,400
    assert table["total_cost"].tolist() == [3000.0, 1400.0]
    assert table["expected_lifetime_years"].tolist() == pytest.approx([2.0, 10.0])
    with pytest.raises(ValueError, match="`retention_rates` must lie in"):
        retention_economics([1.0])


def test_gold_retained_better_every_year(case):
    orders, customers = case
    for table in (cohort_retention(orders, customers), thesis_retention(orders, customers)):
        wide = table.pivot(index="year", columns="tier", values="retention_rate")
        assert (wide["gold"] > wide["ordinary"]).all()


def test_retention_rises_after_go_live(case):
    orders, customers = case
    cohort = before_after(cohort_retention(orders, customers))
    assert (cohort["change"] > 0.05).all()
    thesis = before_after(thesis_retention(orders, customers))
    assert (thesis["change"] > 0).all()


def test_cohort_retention_recovers_the_generator(case):
    orders, customers = case
    after = before_after(cohort_retention(orders, customers))
    for tier in ("ordinary", "gold"):
        assert after.loc[tier, "before"] == pytest.approx(TRUE_RETENTION[(tier, "before")], abs=0.04)
        assert after.loc[tier, "after"] == pytest.approx(TRUE_RETENTION[(tier, "after")], abs=0.04)
