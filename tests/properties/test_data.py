"""Properties of crm_lessons.data on spoiled input (issue 13): build_sales on frames a student made."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from crm_lessons import data as data_module
from crm_lessons.toy import toy_order_lines, toy_orders, toy_products

from .conftest import call, not_a_frame, sweep

FRAMES = {"orders": toy_orders(), "order_lines": toy_order_lines(), "products": toy_products()}


@given(st.data())
def test_build_sales_spoiled(data):
    sweep(
        data,
        data_module.build_sales,
        FRAMES,
        "orders",
        ["order_id", "customer_id", "order_date"],
        names=["order_lines", "order_id"],
    )
    sweep(
        data,
        data_module.build_sales,
        FRAMES,
        "order_lines",
        ["order_id", "line_no", "product_id", "quantity", "unit_price", "discount"],
        names=["orders", "products", "order_id", "product_id"],
    )
    sweep(
        data,
        data_module.build_sales,
        FRAMES,
        "products",
        ["product_id", "category", "price_band", "unit_cost"],
        names=["order_lines", "product_id"],
        uses=["product_id", "unit_cost"],
    )


@given(st.permutations(range(len(FRAMES["order_lines"]))))
def test_build_sales_formula_whatever_the_line_order(order):
    lines = FRAMES["order_lines"].iloc[list(order)]
    sales = data_module.build_sales(FRAMES["orders"], lines, FRAMES["products"])
    assert sales["revenue"].to_numpy() == pytest.approx(
        (sales["quantity"] * sales["unit_price"] * (1 - sales["discount"])).to_numpy()
    )
    assert sales["revenue"].sum() == pytest.approx(39100.0)


@given(not_a_frame(), st.sampled_from(["yes", 1, None, "True"]))
def test_not_a_frame_and_bad_flags(bad, flag):
    call(
        data_module.build_sales,
        bad,
        FRAMES["order_lines"],
        FRAMES["products"],
        names=["orders"],
        must_refuse=True,
    )
    call(data_module.load_cdnow, flag, names=["sample"], must_refuse=True)
    call(data_module.data_dir, bad if bad is not None else 3, names=["path", "data_dir"])
