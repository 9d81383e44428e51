"""Properties of crm_lessons.margins on spoiled input (issue 13)."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from crm_lessons import margins
from crm_lessons.toy import toy_products, toy_sales

from .conftest import call, not_a_frame, sweep

SALES, PRODUCTS = toy_sales(), toy_products()


@given(st.data())
def test_spoiled(data):
    out, _, _ = sweep(
        data,
        margins.gross_margin,
        {"sales": SALES},
        "sales",
        ["revenue", "cost", "category"],
        names=["by"],
        uses=["revenue", "cost"],
    )
    if out is not None and len(out):
        assert "gross_margin" in out.columns or "margin" in " ".join(out.columns)
    sweep(
        data,
        margins.margin_table,
        {"sales": SALES},
        "sales",
        ["revenue", "cost", "category", "price_band"],
        names=["rows", "columns"],
        uses=["revenue", "cost"],
    )


def test_margin_is_profit_over_revenue():
    out = margins.gross_margin(SALES, "category")
    col = [c for c in out.columns if "margin" in c][0]
    by_hand = SALES.groupby("category", observed=True).apply(
        lambda g: 1 - g["cost"].sum() / g["revenue"].sum()
    )
    for cat, value in by_hand.items():
        assert out.loc[cat, col] == pytest.approx(value)


@given(not_a_frame())
def test_not_a_frame(bad):
    call(margins.gross_margin, bad, names=["sales"], must_refuse=True)
    call(margins.margin_table, bad, names=["sales"], must_refuse=True)
    assert PRODUCTS is not None
