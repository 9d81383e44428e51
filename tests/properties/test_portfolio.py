"""Properties of crm_lessons.portfolio on spoiled input (issue 13)."""

from hypothesis import given
from hypothesis import strategies as st

from crm_lessons import portfolio
from crm_lessons.toy import toy_customers, toy_sales

from .conftest import call, not_a_frame, sweep

SALES, CUSTOMERS = toy_sales(), toy_customers()


@given(st.data())
def test_spoiled(data):
    frames = {"sales": SALES, "customers": CUSTOMERS}
    sweep(
        data,
        portfolio.segment_table,
        frames,
        "sales",
        ["customer_id", "profit", "revenue", "order_date"],
        names=["by", "measure"],
        uses=["customer_id", "profit"],
    )
    sweep(data, portfolio.segment_table, frames, "customers", ["customer_id", "kind"], names=["by"])


def test_segment_profits_add_up():
    out = portfolio.segment_table(SALES, CUSTOMERS, "kind", "profit")
    numeric = out.select_dtypes("number")
    assert SALES["profit"].sum() in [round(numeric[c].sum(), 6) for c in numeric.columns]


@given(not_a_frame())
def test_not_a_frame(bad):
    call(portfolio.segment_table, bad, CUSTOMERS, names=["sales"], must_refuse=True)
    call(portfolio.segment_table, SALES, bad, names=["customers"], must_refuse=True)
