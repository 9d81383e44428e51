"""Properties of crm_lessons.performance on spoiled input (issue 13)."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from crm_lessons import performance
from crm_lessons.toy import toy_customers, toy_sales

from .conftest import call, must_refuse, not_a_frame, spoiled

SALES = toy_sales()
COLUMNS = [
    "order_id",
    "customer_id",
    "order_date",
    "quantity",
    "unit_price",
    "discount",
    "revenue",
    "cost",
    "profit",
]


@given(st.data())
def test_spoiled_sales(data):
    frame, column, how = data.draw(spoiled(SALES, COLUMNS + ["category"]))
    names = ["sales", column]
    must = column != "category" and must_refuse(column, how)
    call(performance.customer_performance, frame, names=names, must_refuse=must)
    for measure in ("revenue", "profit"):
        uses = column in ("customer_id", measure)
        call(performance.customer_totals, frame, measure, names=names, must_refuse=uses and must)
        call(
            performance.sales_mix,
            frame,
            "category",
            measure,
            names=names + ["by"],
            must_refuse=(column == measure and must) or (column == "category" and how == "drop"),
        )
        call(
            performance.sales_mix_by_year,
            frame,
            "category",
            measure,
            names=names + ["by"],
            must_refuse=(column in (measure, "order_date") and must)
            or (column == "category" and how == "drop"),
        )
        call(
            performance.year_on_year,
            frame,
            2024,
            measure,
            names=names + ["year"],
            must_refuse=column in ("customer_id", "order_date", measure) and must,
        )
    call(performance.best_and_worst, frame, toy_customers(), names=names + ["customers"])


@given(st.data())
def test_totals_add_up(data):
    frame = SALES.sample(frac=1.0, random_state=data.draw(st.integers(0, 1000)))  # any row order
    perf = performance.customer_performance(frame)
    assert perf["revenue"].sum() == pytest.approx(SALES["revenue"].sum())
    assert perf["revenue_share"].sum() == pytest.approx(1.0)
    totals = performance.customer_totals(frame, "profit")
    assert totals.to_dict() == SALES.groupby("customer_id")["profit"].sum().to_dict()
    mix = performance.sales_mix(frame, "price_band")
    assert mix["share"].sum() == pytest.approx(1.0)


@given(st.sampled_from(["2024-13-01", "yesterday", 5.5, [2024]]))
def test_bad_period(bad):
    call(performance.customer_performance, SALES, bad, names=["start"], must_refuse=True)
    call(performance.customer_performance, SALES, None, bad, names=["end"], must_refuse=True)


@given(not_a_frame())
def test_not_a_frame(bad):
    for fn in (
        performance.customer_totals,
        performance.customer_performance,
        performance.sales_mix,
        performance.sales_mix_by_year,
    ):
        call(fn, bad, names=["sales"], must_refuse=True)
