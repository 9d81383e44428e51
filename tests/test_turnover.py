"""Tests of crm_lessons.turnover: inventory turnover and days of inventory."""

from __future__ import annotations

import pytest

from crm_lessons import turnover
from crm_lessons.data import load_inventory, load_products, load_sales
from crm_lessons.generator import TRUE_COVER_MONTHS
from crm_lessons.toy import toy_inventory, toy_products


def test_turnover_hand_computed():
    t = turnover.inventory_turnover(toy_inventory(), toy_products(), by="product_id")
    # P01: stock (10+8)/2 = 9 and (8+10)/2 = 9 units x 1500; sold 6 x 1500 in 2 months
    assert t.loc["P01", "average_inventory"] == pytest.approx(13500.0)
    assert t.loc["P01", "cogs"] == pytest.approx(9000.0)
    assert t.loc["P01", "turnover"] == pytest.approx(9000 * 6 / 13500)
    assert t.loc["P01", "days_of_inventory"] == pytest.approx(365 / 4)
    # P04: stock 35 and 25 units x 100 -> 3000; sold 30 x 100
    assert t.loc["P04", "turnover"] == pytest.approx(6.0)


def test_turnover_all_products():
    t = turnover.inventory_turnover(toy_inventory(), toy_products(), by="all")
    assert t.loc["all products", "turnover"] == pytest.approx(12000 * 6 / 16500)


def test_bad_arguments():
    with pytest.raises(ValueError, match="`by`"):
        turnover.inventory_turnover(toy_inventory(), toy_products(), by="colour")
    with pytest.raises(ValueError, match="`year`"):
        turnover.inventory_turnover(toy_inventory(), toy_products(), year=1999)
    with pytest.raises(TypeError, match="`year`"):
        turnover.inventory_turnover(toy_inventory(), toy_products(), year="2024")
    with pytest.raises(ValueError, match="`inventory`"):
        turnover.inventory_turnover(toy_inventory().drop(columns="sold_units"), toy_products())


def test_case_data_cogs_matches_sales_cost():
    t = turnover.inventory_turnover(load_inventory(), load_products(), by="all")
    assert t["cogs"].sum() == pytest.approx(load_sales()["cost"].sum(), rel=1e-9)


def test_case_data_turnover_recovers_built_in_cover():
    t = turnover.inventory_turnover(load_inventory(), load_products(), by="category")
    expected = {c: 12 / months for c, months in TRUE_COVER_MONTHS.items()}
    for category, turns in t["turnover"].items():
        assert turns == pytest.approx(expected[category], rel=0.15), category
    # same order: fastest to slowest
    assert list(t["turnover"].sort_values().index) == sorted(expected, key=expected.get)


def test_turnover_by_year_has_every_year():
    t = turnover.turnover_by_year(load_inventory(), load_products(), by="all")
    assert list(t.index) == list(range(2018, 2025))
