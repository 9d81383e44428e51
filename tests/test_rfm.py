"""Tests of crm_lessons.rfm: hand-computed cases, shuffle invariance, pandas == SQL."""

from __future__ import annotations

import duckdb
import numpy as np
import pandas as pd
import pytest

from crm_lessons import rfm
from crm_lessons.database import table_ddl
from crm_lessons.schema import TABLES


def _purchases(rows):
    return pd.DataFrame(
        {
            "customer_id": [r[0] for r in rows],
            "purchase_date": pd.to_datetime([r[1] for r in rows]),
            "amount_cents": np.array([r[2] for r in rows], dtype="int64"),
        }
    )


# ------------------------------------------------------------------ hand-computed cases


def test_rfm_table_hand_computed():
    p = _purchases(
        [
            ("A", "2024-12-30", 10000),
            ("A", "2024-06-01", 5050),
            ("B", "2024-01-01", 300),
            ("B", "2024-01-01", 0),  # zero-value purchase: not counted
            ("C", "2025-01-01", 9999),  # on the reference date: not yet known
            ("C", "2020-12-31", 100),
        ]
    )
    t = rfm.rfm_table(p, "2025-01-01")
    assert t.index.tolist() == ["A", "B", "C"]
    assert t["recency"].tolist() == [2, 366, 1462]
    assert t["frequency"].tolist() == [2, 1, 1]
    assert t["monetary"].tolist() == [150.5, 3.0, 1.0]
    mean = rfm.rfm_table(p, "2025-01-01", monetary="mean")
    assert mean.loc["A", "monetary"] == 75.25


def test_default_reference_date_is_day_after_last_purchase():
    p = _purchases([("A", "2024-03-01", 100), ("B", "2024-03-05", 100)])
    assert rfm.rfm_table(p)["recency"].tolist() == [5, 1]


def test_purchases_from_sales_nets_returns_and_rounds_lines_to_cents():
    sales = pd.DataFrame(
        {
            "order_id": ["O1", "O1", "O2", "O2", "O3"],
            "customer_id": ["A", "A", "A", "A", "B"],
            "order_date": pd.to_datetime(["2024-01-01"] * 2 + ["2024-02-01"] * 2 + ["2024-01-03"]),
            "revenue": [100.005, -20.0, 50.0, -50.0, 0.004],
        }
    )
    p = rfm.purchases_from_sales(sales)
    # O1 = 100.01 - 20.00; O2 nets to zero and O3 rounds to zero: neither is a purchase
    assert p["order_id"].tolist() == ["O1"]
    assert p["amount_cents"].tolist() == [8001]


def test_one_purchase_per_customer_day_in_logs():
    log = pd.DataFrame(
        {
            "customer_id": ["1", "1", "2"],
            "date": pd.to_datetime(["1997-01-01", "1997-01-01", "1997-01-02"]),
            "dollars": [1.0, 2.0, 3.0],
        }
    )
    t = rfm.rfm_table(rfm.purchases_from_log(log), "1997-01-03")
    assert t["frequency"].tolist() == [1, 1]
    assert t["monetary"].tolist() == [3.0, 3.0]


def test_rank_score_hand_computed_with_ties():
    # ten customers, six bought once: ranks 1,1,1,1,1,1,7,7,9,10; s = 1 + min(4, 5*(r-1)//9)
    assert rfm.rank_score([1, 1, 1, 1, 1, 1, 2, 2, 3, 7]).tolist() == [1, 1, 1, 1, 1, 1, 4, 4, 5, 5]
    # distinct values spread evenly over 1..5
    assert rfm.rank_score(range(10)).tolist() == [1, 1, 2, 2, 3, 3, 4, 4, 5, 5]
    # recency: smaller is better
    assert rfm.rank_score([3, 1, 2], higher_is_better=False).tolist() == [1, 5, 3]
    assert rfm.rank_score([42]).tolist() == [1]


def test_edge_score_right_closed():
    assert rfm.edge_score([0, 30, 31, 90, 366], [30, 90, 180, 365], higher_is_better=False).tolist() == [
        5,
        5,
        4,
        4,
        1,
    ]
    assert rfm.edge_score([1, 2, 3, 9], [1, 2, 4, 8]).tolist() == [1, 2, 3, 5]


def test_qcut_fails_where_rank_score_does_not():
    freq = pd.Series([1] * 60 + [2] * 20 + [3] * 10 + [5] * 10)
    with pytest.raises(ValueError):
        pd.qcut(freq, 5, labels=False)
    assert sorted(set(rfm.rank_score(freq))) == [1, 4, 5]


def test_segments_hand_computed():
    scored = pd.DataFrame(
        {"r_score": [5, 4, 3, 3, 2, 1, 5], "f_score": [4, 2, 3, 1, 5, 1, 5], "m_score": [1, 1, 1, 1, 1, 1, 5]}
    )
    assert rfm.assign_segments(scored).tolist() == [
        "Champions",
        "New or promising",
        "Loyal",
        "Need attention",
        "At risk",
        "Hibernating",
        "Champions",
    ]


def test_default_rules_cover_every_cell_once():
    rules = rfm.segment_rules()
    grid = pd.DataFrame(
        [(r, f, 3) for r in range(1, 6) for f in range(1, 6)], columns=["r_score", "f_score", "m_score"]
    )
    seg = rfm.assign_segments(grid, rules)
    assert "Other" not in set(seg)
    assert seg.value_counts().to_dict() == {
        "Loyal": 5,
        "At risk": 6,
        "Hibernating": 4,
        "Champions": 4,
        "New or promising": 4,
        "Need attention": 2,
    }


@pytest.mark.parametrize("high,low", [(4, 2), (5, 1), (3, 2), (5, 3)])
def test_rules_partition_for_other_thresholds(high, low):
    grid = pd.DataFrame(
        [(r, f, 3) for r in range(1, 6) for f in range(1, 6)], columns=["r_score", "f_score", "m_score"]
    )
    assert "Other" not in set(rfm.assign_segments(grid, rfm.segment_rules(high, low)))


def test_segment_summary_shares_add_up():
    seg = pd.DataFrame(
        {
            "segment": ["Champions", "Loyal", "Loyal", "At risk"],
            "recency": [1, 2, 3, 4],
            "frequency": [5, 3, 3, 4],
            "monetary": [500.0, 200.0, 100.0, 200.0],
        },
        index=pd.Index(list("ABCD"), name="customer_id"),
    )
    value = pd.DataFrame(
        {"revenue": [500.0, 200.0, 100.0, 200.0], "profit": [100.0, 50.0, -10.0, 60.0]}, index=list("ABCD")
    )
    s = rfm.segment_summary(seg, value)
    assert s.loc["Loyal", "customers"] == 2
    assert s.loc["Loyal", "revenue_share"] == pytest.approx(0.3)
    assert s.loc["Loyal", "profit_share"] == pytest.approx(0.2)
    assert s.loc["Hibernating", "customers"] == 0
    assert s["customer_share"].sum() == pytest.approx(1.0)


def test_response_by_segment_with_uplift():
    seg = pd.Series(
        ["Champions", "Champions", "Hibernating"], index=pd.Index(["A", "B", "C"], name="customer_id")
    )
    outcome = pd.DataFrame(
        {
            "customer_id": ["A", "B", "C", "D"],
            "group": ["treatment", "control", "treatment", "control"],
            "responded": [True, False, False, True],
        }
    )
    r = rfm.response_by_segment(seg, outcome)
    assert r.loc["Champions", "uplift"] == 1.0
    assert r.loc["No purchase yet", "customers_control"] == 1
    assert r.loc["Hibernating", "customers_control"] == 0


@pytest.mark.parametrize(
    "kwargs,fragment",
    [
        ({"monetary": "median"}, "monetary must be one of"),
        ({"reference_date": "not a date"}, "reference_date"),
    ],
)
def test_bad_arguments_name_the_argument(kwargs, fragment):
    p = _purchases([("A", "2024-01-01", 100)])
    with pytest.raises(ValueError, match=fragment):
        rfm.rfm_table(p, **{"reference_date": "2025-01-01", **kwargs})


def test_bad_edges_and_float_money():
    rfm_t = rfm.rfm_table(_purchases([("A", "2024-01-01", 100)]), "2025-01-01")
    with pytest.raises(ValueError, match="strictly increasing"):
        rfm.rfm_scores(rfm_t, edges={"frequency": [1, 1, 2, 3]})
    with pytest.raises(ValueError, match="4 edges"):
        rfm.rfm_scores(rfm_t, edges={"frequency": [1, 2]})
    p = _purchases([("A", "2024-01-01", 100)]).astype({"amount_cents": "float64"})
    with pytest.raises(TypeError, match="whole cents"):
        rfm.rfm_table(p, "2025-01-01")


# ------------------------------------------------------------------ a synthetic shop


@pytest.fixture(scope="module")
def shop():
    """A small shop with many ties: most customers buy once, prices repeat."""
    rng = np.random.default_rng(7)
    n_customers = 300
    customers = pd.DataFrame(
        {
            "customer_id": [f"C{i:05d}" for i in range(1, n_customers + 1)],
            "name": [f"Customer {i}" for i in range(1, n_customers + 1)],
            "kind": "consumer",
            "retail_format": None,
            "region": "East",
            "channel": "online",
            "join_date": pd.Timestamp("2018-01-01"),
            "tier": "ordinary",
            "credit_rating": "B",
            "buying_motive": "economic",
            "internal": False,
        }
    )
    products = pd.DataFrame(
        {
            "product_id": ["P001", "P002", "P003"],
            "product_name": ["Fridge", "Kettle", "TV"],
            "category": ["refrigerator", "small appliance", "television"],
            "price_band": ["mid", "entry", "premium"],
            "unit_cost": [1500.0, 60.0, 3000.0],
            "list_price": [2999.0, 129.0, 5999.0],
        }
    )
    n_orders = 700
    order_customer = np.where(
        rng.random(n_orders) < 0.4,
        1 + rng.integers(0, n_customers, n_orders),
        1 + rng.integers(0, 40, n_orders),
    )
    dates = pd.Timestamp("2022-01-01") + pd.to_timedelta(rng.integers(0, 1096, n_orders), unit="D")
    orders = pd.DataFrame(
        {
            "order_id": [f"O{i:07d}" for i in range(1, n_orders + 1)],
            "customer_id": [f"C{c:05d}" for c in order_customer],
            "order_date": dates,
        }
    )
    rows = []
    for o in orders["order_id"]:
        for line in range(1, 1 + int(rng.integers(1, 4))):
            k = int(rng.integers(0, 3))
            rows.append(
                (
                    o,
                    line,
                    products["product_id"][k],
                    int(rng.integers(1, 3)),
                    float(products["list_price"][k]),
                    float(rng.choice([0.0, 0.05, 0.1, 0.15])),
                )
            )
    lines = pd.DataFrame(
        rows, columns=["order_id", "line_no", "product_id", "quantity", "unit_price", "discount"]
    )
    con = duckdb.connect()
    for name, frame in (
        ("customers", customers),
        ("products", products),
        ("orders", orders),
        ("order_lines", lines),
    ):
        con.execute(table_ddl(TABLES[name]))
        con.register("frame", frame)
        con.execute(
            f'INSERT INTO "{name}" SELECT '
            f"{', '.join(chr(34) + c + chr(34) for c in TABLES[name].column_names)} FROM frame"
        )
        con.unregister("frame")
    from crm_lessons.database import ORDER_TOTALS, ORDER_TOTALS_SELECT

    con.execute(table_ddl(ORDER_TOTALS))
    con.execute(f"INSERT INTO order_totals {ORDER_TOTALS_SELECT}")
    sales = lines.merge(orders, on="order_id").merge(products, on="product_id")
    sales["revenue"] = sales["quantity"] * sales["unit_price"] * (1 - sales["discount"])
    yield {"con": con, "sales": sales}
    con.close()


def test_scores_do_not_change_when_rows_are_shuffled(shop):
    base = rfm.rfm_segments(rfm.purchases_from_sales(shop["sales"]), "2025-01-01")
    assert (base["frequency"] == 1).mean() > 0.3  # the trap is there: many ties
    for seed in (1, 2, 3):
        shuffled = shop["sales"].sample(frac=1.0, random_state=seed).reset_index(drop=True)
        again = rfm.rfm_segments(rfm.purchases_from_sales(shuffled), "2025-01-01")
        pd.testing.assert_frame_equal(base, again, check_exact=True)
    # reversing the rows too
    again = rfm.rfm_segments(rfm.purchases_from_sales(shop["sales"].iloc[::-1]), "2025-01-01")
    pd.testing.assert_frame_equal(base, again, check_exact=True)


def test_row_order_ranking_would_change_scores(shop):
    """The trap this module avoids: rank(method='first') depends on row order."""
    t = rfm.rfm_table(rfm.purchases_from_sales(shop["sales"]), "2025-01-01")
    first = pd.qcut(t["frequency"].rank(method="first"), 5, labels=False)
    shuffled = t.sample(frac=1.0, random_state=0)
    second = pd.qcut(shuffled["frequency"].rank(method="first"), 5, labels=False).reindex(t.index)
    assert (first != second).any()


@pytest.mark.parametrize(
    "options",
    [
        {},
        {"monetary": "mean"},
        {"edges": {"recency": [30, 90, 180, 365], "frequency": [1, 2, 3, 5]}},
        {"reference_date": "2024-07-01", "bins": 3},
        {"rules": rfm.segment_rules(high=5, low=1)},
        {"purchases": "order_totals"},
        {"purchases": "order_totals", "monetary": "mean", "reference_date": "2023-06-30"},
    ],
)
def test_pandas_and_sql_agree_exactly(shop, options):
    options = dict(options)
    ref = options.pop("reference_date", "2025-01-01")
    source = options.pop("purchases", "order_lines")
    in_pandas = rfm.rfm_segments(rfm.purchases_from_sales(shop["sales"]), ref, **options)
    in_sql = rfm.rfm_from_database(shop["con"], ref, purchases=source, **options)
    pd.testing.assert_frame_equal(in_pandas, in_sql, check_exact=True)


# ------------------------------------------------------------------ issue 13 regressions


def test_sql_path_accepts_a_timestamp_order_date_and_agrees_with_pandas():
    # before: DuckDB's "Unimplemented type for cast (INTERVAL -> BIGINT)"
    con = duckdb.connect()
    con.execute(
        "CREATE TABLE p AS SELECT * FROM (VALUES ('A', TIMESTAMP '2024-01-01 12:00:00', 1000), "
        "('A', TIMESTAMP '2024-01-31 00:00:00', 2001), ('B', TIMESTAMP '2024-01-15 18:00:00', 500)) "
        "t(customer_id, order_date, amount_cents)"
    )
    sql = rfm.rfm_from_database(con, "2024-02-01", purchases="SELECT * FROM p")
    purchases = pd.DataFrame(
        {
            "customer_id": ["A", "A", "B"],
            "purchase_date": pd.to_datetime(["2024-01-01 12:00", "2024-01-31 00:00", "2024-01-15 18:00"]),
            "amount_cents": np.array([1000, 2001, 500], dtype="int64"),
        }
    )
    pandas_path = rfm.rfm_table(purchases, "2024-02-01")
    assert sql["recency"].tolist() == pandas_path["recency"].tolist() == [1, 16]


def test_response_by_segment_refuses_text_false():
    seg = pd.Series(["Champions"], index=pd.Index(["A"], name="customer_id"))
    outcome = pd.DataFrame({"customer_id": ["A", "B"], "responded": ["false", "true"]})
    with pytest.raises(TypeError, match=r"`outcome` column 'responded' must hold booleans"):
        rfm.response_by_segment(seg, outcome, group=None)


def test_rank_score_names_text_values():
    with pytest.raises(TypeError, match=r"`values` must hold numbers, but it holds text such as \['5'\]"):
        rfm.rank_score([1.0, "5"])
