"""Properties of the SQL RFM path (crm_lessons.rfm.rfm_from_database) against the pandas path (issue 13).

Whatever type the order date column has in the database (DATE, TIMESTAMP with or without a time
of day), the database computes the same RFM table and segments as pandas.
"""

import duckdb
import numpy as np
import pandas as pd
from hypothesis import given, settings
from hypothesis import strategies as st

from crm_lessons import database, rfm

from .conftest import call


@st.composite
def purchase_tables(draw):
    n = draw(st.integers(min_value=1, max_value=25))
    day = draw(st.lists(st.integers(0, 400), min_size=n, max_size=n))
    seconds = draw(st.lists(st.integers(0, 86399), min_size=n, max_size=n))
    return pd.DataFrame(
        {
            "order_id": [f"O{i:03d}" for i in range(n)],
            "customer_id": draw(st.lists(st.sampled_from(["A", "B", "C", "D", "E"]), min_size=n, max_size=n)),
            "order_date": pd.Timestamp("2024-01-01")
            + pd.to_timedelta(day, "D")
            + pd.to_timedelta(seconds, "s"),
            "amount_cents": np.array(
                draw(st.lists(st.integers(1, 10**6), min_size=n, max_size=n)), dtype="int64"
            ),
        }
    )


@settings(max_examples=15)
@given(purchase_tables(), st.sampled_from(["DATE", "TIMESTAMP"]), st.sampled_from(["sum", "mean"]))
def test_sql_path_equals_pandas_path(table, sql_type, monetary):
    if sql_type == "DATE":
        table = table.assign(order_date=table["order_date"].dt.normalize())
    con = duckdb.connect()
    con.register("purchases_frame", table)
    con.execute(
        f"CREATE TABLE p AS SELECT order_id, customer_id, CAST(order_date AS {sql_type}) AS order_date, "
        "amount_cents FROM purchases_frame"
    )
    sql = rfm.rfm_from_database(con, "2025-03-01", monetary=monetary, purchases="SELECT * FROM p")
    purchases = table.rename(columns={"order_date": "purchase_date"})
    pandas_path = rfm.rfm_segments(purchases, "2025-03-01", monetary=monetary)
    pd.testing.assert_frame_equal(sql, pandas_path, check_dtype=False, check_index_type=False)


@given(st.sampled_from(["2025-13-01", "soon", 20250301, None, [2025]]))
def test_bad_reference_date_is_named(bad):
    con = duckdb.connect()
    call(rfm.rfm_sql, bad, names=["reference_date"], must_refuse=True)
    call(rfm.rfm_from_database, con, bad, names=["reference_date"], must_refuse=True)


@given(st.sampled_from(["nobody", "", None, 3]))
def test_unknown_question_is_named(name):
    con = duckdb.connect()
    call(database.customer_file_query, con, name, names=["name"], must_refuse=True)
