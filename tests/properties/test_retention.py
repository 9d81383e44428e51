"""Properties of crm_lessons.retention on spoiled input (issue 13)."""

import numpy as np
import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st

from crm_lessons import retention
from crm_lessons.toy import toy_customers, toy_orders

from .conftest import call, not_a_frame, sweep

ORDERS, CUSTOMERS = toy_orders(), toy_customers()
ids = st.lists(st.sampled_from(["a", "b", "c", "d", "e"]), max_size=8)


@given(ids, ids)
def test_retention_rate_is_the_share_kept(previous, current):
    rate = call(retention.retention_rate, previous, current, names=["previous"])
    if rate is None:
        assert not previous
    else:
        assert rate == pytest.approx(len(set(previous) & set(current)) / len(set(previous)))


@given(ids.filter(bool), st.sampled_from([1, None, np.nan, 2.0]))
def test_retention_rate_refuses_mixed_or_missing_ids(previous, bad):
    call(retention.retention_rate, previous + [bad], previous, names=["previous"], must_refuse=True)
    call(retention.retention_rate, previous, [bad], names=["current", "previous"], must_refuse=True)


@given(st.data())
def test_order_tables_spoiled(data):
    frames = {"orders": ORDERS}
    for fn in (retention.purchases_per_year, retention.cohort_table):
        sweep(data, fn, frames, "orders", ["customer_id", "order_date"], names=["period"])
    sweep(
        data,
        retention.cohort_retention,
        dict(frames, customers=CUSTOMERS),
        "customers",
        ["customer_id", "tier"],
        names=["by"],
    )
    sweep(
        data,
        retention.retention_table,
        dict(frames, customers=CUSTOMERS),
        "orders",
        ["customer_id", "order_date"],
        names=["by", "customers"],
    )
    sweep(
        data,
        retention.thesis_retention,
        dict(frames, customers=CUSTOMERS),
        "customers",
        ["customer_id", "tier"],
        names=["by", "base"],
    )


@given(
    st.lists(st.floats(0, 0.99), min_size=1, max_size=5), st.sampled_from([1000, "1000", -5, np.nan, True])
)
def test_retention_economics(rates, n):
    out = retention.retention_economics(rates)
    assert np.allclose(out["expected_lifetime_years"], 1 / (1 - np.asarray(rates)))
    call(retention.retention_economics, rates, n_customers=n, names=["n_customers"], must_refuse=n != 1000)
    call(retention.retention_economics, [str(r) for r in rates], names=["retention_rates"], must_refuse=True)


@given(not_a_frame())
def test_not_a_frame(bad):
    call(retention.purchases_per_year, bad, names=["orders"], must_refuse=True)
    call(retention.before_after, bad, names=["table"], must_refuse=True)
    assert pd is not None
