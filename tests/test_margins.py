"""Tests of crm_lessons.margins: gross margin by product and category."""

from __future__ import annotations

import numpy as np
import pytest

from crm_lessons import margins
from crm_lessons.data import load_products, load_sales
from crm_lessons.toy import toy_products, toy_sales


def test_gross_margin_by_product_hand_computed():
    g = margins.gross_margin(toy_sales(), "product_id", products=toy_products())
    # P01: revenue 2000 + 3600 + 8000, cost 8 units x 1500
    assert g.loc["P01", "revenue"] == pytest.approx(13600.0)
    assert g.loc["P01", "cost"] == pytest.approx(12000.0)
    assert g.loc["P01", "gross_margin"] == pytest.approx(1600 / 13600)
    assert g.loc["P03", "gross_margin"] == pytest.approx(0.4)
    assert g.loc["P04", "product_name"] == "Kettle"
    assert g["profit_share"].sum() == pytest.approx(1.0)


def test_gross_margin_empty_category_is_missing_not_zero():
    g = margins.gross_margin(toy_sales(), "category")
    assert np.isnan(g.loc["air conditioner", "gross_margin"])


def test_margin_table_hand_computed():
    t = margins.margin_table(toy_sales())
    assert t.loc["washing machine", "mid"] == pytest.approx(4000 / 18000)
    assert np.isnan(t.loc["television", "entry"])


def test_unknown_column_names_by():
    with pytest.raises(ValueError, match="`by`"):
        margins.gross_margin(toy_sales(), "colour")


def test_case_data_margin_rises_with_price_band():
    t = margins.margin_table(load_sales())
    # premium products carry the highest margin in every category
    assert (t["entry"] < t["mid"]).all() and (t["mid"] < t["premium"]).all()


def test_case_data_product_margins_near_list_margins():
    g = margins.gross_margin(load_sales(), "product_id")
    p = load_products().set_index("product_id")
    list_margin = 1 - p["unit_cost"] / p["list_price"]
    # discounts only lower the margin
    assert (g["gross_margin"] <= list_margin.reindex(g.index) + 1e-9).all()
