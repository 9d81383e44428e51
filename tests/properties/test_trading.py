"""Properties of crm_lessons.trading on spoiled input (issue 13)."""

from hypothesis import given
from hypothesis import strategies as st

from crm_lessons import trading
from crm_lessons.toy import toy_sales

from .conftest import call, not_a_frame, sweep

SALES = toy_sales()


@given(st.data())
def test_spoiled_sales(data):
    for fn in (trading.trading_years, trading.active_matrix, trading.starts_and_stops):
        out, column, how = sweep(data, fn, {"sales": SALES}, "sales", ["customer_id", "order_date"])
        if out is not None and fn is trading.trading_years:
            assert (out["active_years"] >= 1).all()


@given(st.permutations(range(len(SALES))))
def test_starts_and_stops_do_not_depend_on_row_order(order):
    table = trading.starts_and_stops(SALES)
    again = trading.starts_and_stops(SALES.iloc[list(order)])
    assert again.equals(table)
    assert (table["active"] == table["new"] + table["retained"] + table["reactivated"]).all()


@given(not_a_frame())
def test_not_a_frame(bad):
    for fn in (trading.trading_years, trading.active_matrix, trading.starts_and_stops):
        call(fn, bad, names=["sales"], must_refuse=True)
    call(trading.plot_starts_and_stops, bad, names=["table"], must_refuse=True)
