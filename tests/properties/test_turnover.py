"""Properties of crm_lessons.turnover on spoiled input (issue 13)."""

from hypothesis import given
from hypothesis import strategies as st

from crm_lessons import turnover
from crm_lessons.toy import toy_inventory, toy_products

from .conftest import call, not_a_frame, sweep

INVENTORY, PRODUCTS = toy_inventory(), toy_products()
STOCK = ["product_id", "month", "opening_units", "received_units", "sold_units", "closing_units"]


@given(st.data())
def test_spoiled(data):
    frames = {"inventory": INVENTORY, "products": PRODUCTS}
    for fn in (turnover.inventory_turnover, turnover.turnover_by_year):
        sweep(
            data,
            fn,
            frames,
            "inventory",
            STOCK,
            names=["by", "year", "products"],
            uses=[c for c in STOCK if c != "received_units"],
        )
        sweep(
            data, fn, frames, "products", ["product_id", "category", "unit_cost"], names=["by", "inventory"]
        )


def test_turnover_is_cost_of_goods_over_average_stock():
    out = turnover.inventory_turnover(INVENTORY, PRODUCTS)
    months = INVENTORY["month"].nunique()
    assert (out["turnover"] - out["cogs"] * 12 / months / out["average_inventory"]).abs().max() < 1e-9
    assert (out["turnover"] * out["days_of_inventory"] - 365).abs().max() < 1e-9


@given(not_a_frame())
def test_not_a_frame(bad):
    call(turnover.inventory_turnover, bad, PRODUCTS, names=["inventory"], must_refuse=True)
    call(turnover.turnover_by_year, INVENTORY, bad, names=["products"], must_refuse=True)
