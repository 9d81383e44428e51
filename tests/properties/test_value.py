"""Properties of crm_lessons.value on spoiled input (issue 13)."""

import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st

from crm_lessons import value
from crm_lessons.toy import toy_customers, toy_sales

from .conftest import call, not_a_frame, sweep

SALES, CUSTOMERS = toy_sales(), toy_customers()
SURVEY = pd.DataFrame(
    {
        "customer_id": ["C1", "C2"],
        "expectation": [4, 3],
        "perceived_quality": [5, 2],
        "overall_satisfaction": [4, 2],
    }
)


@given(st.data())
def test_spoiled(data):
    sweep(
        data,
        value.value_of_customer,
        {"sales": SALES},
        "sales",
        ["customer_id", "order_date", "revenue", "profit"],
    )
    sweep(
        data,
        value.value_to_customer,
        {"sales": SALES},
        "sales",
        ["customer_id", "quantity", "unit_price", "discount"],
    )
    sweep(
        data,
        value.value_to_customer,
        {"sales": SALES, "survey": SURVEY},
        "survey",
        ["customer_id", "expectation", "perceived_quality"],
        uses=["customer_id"],
    )
    sweep(
        data,
        value.value_by_segment,
        {"sales": SALES, "customers": CUSTOMERS},
        "customers",
        ["customer_id", "kind"],
        names=["by"],
    )


def test_value_of_customer_totals():
    out = value.value_of_customer(SALES)
    assert out["revenue"].sum() == pytest.approx(SALES["revenue"].sum())


@given(not_a_frame())
def test_not_a_frame(bad):
    call(value.value_of_customer, bad, names=["sales"], must_refuse=True)
    call(value.value_by_segment, SALES, bad, names=["customers"], must_refuse=True)
