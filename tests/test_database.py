"""Tests of crm_lessons.database: DDL from the schema, constraints enforced, idempotent build, SQL answers."""

from __future__ import annotations

import shutil
from pathlib import Path

import duckdb
import pandas as pd
import pytest

from crm_lessons import database
from crm_lessons.data import data_dir, load_customers, load_sales
from crm_lessons.schema import TABLES

TINY = {
    "customers": (
        "customer_id,name,kind,retail_format,region,channel,join_date,tier,credit_rating,"
        "buying_motive,internal\n"
        """C00001,Wang Fang,consumer,,East,online,2019-03-01,gold,A,economic,false
C00002,Li Store,intermediary,supermarket,North,distributor,2018-05-10,ordinary,B,,false
C00003,Zhang Wei,consumer,,South,store,2020-01-15,ordinary,C,convenience,true
"""
    ),
    "products": """product_id,product_name,category,price_band,unit_cost,list_price
P001,Fridge A,refrigerator,mid,1500.0,2999.0
P002,Kettle,small appliance,entry,60.0,129.0
""",
    "orders": """order_id,customer_id,order_date
O0000001,C00001,2024-12-01
O0000002,C00001,2024-06-01
O0000003,C00002,2023-01-10
O0000004,C00003,2024-12-31
""",
    "order_lines": """order_id,line_no,product_id,quantity,unit_price,discount
O0000001,1,P001,1,2999.0,0.1
O0000001,2,P002,2,129.0,0.0
O0000002,1,P002,1,129.0,0.05
O0000003,1,P001,10,2999.0,0.2
O0000004,1,P002,1,129.0,0.0
""",
}
TINY_TABLES = list(TINY)


@pytest.fixture
def tiny_dir(tmp_path):
    folder = tmp_path / "data" / "case_company"
    folder.mkdir(parents=True)
    for name, text in TINY.items():
        (folder / TABLES[name].file).write_text(text, encoding="utf-8")
    return tmp_path / "data"


# ------------------------------------------------------------------ DDL from the schema


def test_every_column_of_the_schema_is_in_the_ddl():
    ddl = database.schema_ddl()
    for name in database.DATABASE_TABLES:
        statement = database.table_ddl(TABLES[name])
        assert statement in ddl
        for col in TABLES[name].columns:
            assert f'"{col.name}" ' in statement
            assert (" NOT NULL" in database.column_ddl(col)) == (not col.nullable)


def test_the_raw_batch_is_not_a_table():
    assert "new_records" not in database.DATABASE_TABLES
    assert 'CREATE TABLE "new_customers"' in database.schema_ddl()


def test_relations_list_every_foreign_key():
    rel = database.relations()
    expected = {(t.name, c) for t in TABLES.values() if not t.raw for c in t.foreign_keys}
    assert set(zip(rel["table"], rel["column"])) == expected
    assert (
        rel.set_index(["table", "column"]).loc[("pilot", "customer_id"), "cardinality"]
        == "one-to-one (at most)"
    )


def test_bad_table_names():
    with pytest.raises(ValueError, match="unknown names"):
        database.schema_ddl(["customer"])
    with pytest.raises(ValueError, match="add 'customers'"):
        database.schema_ddl(["orders"])
    with pytest.raises(TypeError, match="list of table names"):
        database.schema_ddl("customers")


# ------------------------------------------------------------------ constraints at work


@pytest.fixture
def empty_db():
    con = duckdb.connect()
    for name in TINY_TABLES:
        con.execute(database.table_ddl(TABLES[name]))
    con.execute(
        "INSERT INTO customers VALUES ('C1', 'A', 'consumer', NULL, 'East', 'online', "
        "DATE '2020-01-01', 'gold', 'A', NULL, false)"
    )
    con.execute("INSERT INTO products VALUES ('P1', 'Kettle', 'small appliance', 'entry', 60, 129)")
    con.execute("INSERT INTO orders VALUES ('O1', 'C1', DATE '2024-01-01')")
    yield con
    con.close()


@pytest.mark.parametrize(
    "sql,kind",
    [
        ("INSERT INTO orders VALUES ('O2', 'C999', DATE '2024-01-01')", "foreign key"),
        ("INSERT INTO orders VALUES ('O1', 'C1', DATE '2024-01-02')", "primary key"),
        ("INSERT INTO order_lines VALUES ('O1', 1, 'P1', 1, 129, 0.95)", "CHECK discount <= 0.9"),
        ("INSERT INTO order_lines VALUES ('O1', 1, 'P1', 0, 129, 0)", "CHECK quantity >= 1"),
        ("INSERT INTO order_lines VALUES ('O1', 1, NULL, 1, 129, 0)", "NOT NULL"),
        (
            "INSERT INTO customers VALUES ('C2', 'B', 'alien', NULL, 'East', 'online', "
            "DATE '2020-01-01', 'gold', 'A', NULL, false)",
            "category",
        ),
        (
            "INSERT INTO customers VALUES ('C3', 'B', 'consumer', 'supermarket', 'East', 'online', "
            "DATE '2020-01-01', 'gold', 'A', NULL, false)",
            "retail format only for intermediaries",
        ),
        (
            "INSERT INTO products VALUES ('P2', 'Loss leader', 'television', 'entry', 100, 90)",
            "list price below cost",
        ),
    ],
)
def test_constraints_reject_bad_rows(empty_db, sql, kind):
    with pytest.raises(duckdb.ConstraintException):
        empty_db.execute(sql)


def test_constraints_are_in_the_catalogue(empty_db):
    c = database.constraints(empty_db, "order_lines")
    assert set(c["type"]) == {"PRIMARY KEY", "FOREIGN KEY", "NOT NULL", "CHECK"}
    assert (c["type"] == "NOT NULL").sum() == len(TABLES["order_lines"].columns)


# ------------------------------------------------------------------ building


def _snapshot(path):
    con = database.connect(path, read_only=True)
    try:
        return {t: con.execute(f'SELECT * FROM "{t}" ORDER BY ALL').df() for t in TINY_TABLES}
    finally:
        con.close()


def test_build_is_idempotent(tiny_dir, tmp_path):
    db = tmp_path / "build" / "crm.duckdb"
    assert database.build_database(db, data_dir=tiny_dir, tables=TINY_TABLES) == db
    first = _snapshot(db)
    database.build_database(db, data_dir=tiny_dir, tables=TINY_TABLES)
    second = _snapshot(db)
    for t in TINY_TABLES:
        pd.testing.assert_frame_equal(first[t], second[t])
    assert len(first["order_lines"]) == 5


def test_default_database_goes_under_the_working_folders_build(tiny_dir, tmp_path, monkeypatch):
    work = tmp_path / "notebooks"
    work.mkdir()
    monkeypatch.chdir(work)  # a notebook runs in its own folder
    db = database.build_database(data_dir=tiny_dir, tables=TINY_TABLES)
    assert db == work / "build" / "crm.duckdb" == database.default_db_path() and db.is_file()
    package = Path(database.__file__).resolve().parent
    assert package not in db.resolve().parents
    assert len(_snapshot(None)["customers"]) == len(_snapshot(db)["customers"]) > 0  # connect() finds it


def test_failed_build_leaves_the_previous_database(tiny_dir, tmp_path):
    db = tmp_path / "crm.duckdb"
    database.build_database(db, data_dir=tiny_dir, tables=TINY_TABLES)
    before = _snapshot(db)
    bad = tiny_dir / "case_company" / "order_lines.csv"
    bad.write_text(TINY["order_lines"] + "O0000009,1,P001,1,2999.0,0.0\n", encoding="utf-8")  # unknown order
    with pytest.raises(ValueError, match="order_lines"):
        database.build_database(db, data_dir=tiny_dir, tables=TINY_TABLES)
    after = _snapshot(db)
    for t in TINY_TABLES:
        pd.testing.assert_frame_equal(before[t], after[t])


def test_missing_file_is_named(tiny_dir, tmp_path):
    (tiny_dir / "case_company" / "products.csv").unlink()
    with pytest.raises(ValueError, match="products.csv"):
        database.build_database(tmp_path / "x.duckdb", data_dir=tiny_dir, tables=TINY_TABLES)


def test_sales_view_matches_the_formula(tiny_dir, tmp_path):
    db = database.build_database(tmp_path / "crm.duckdb", data_dir=tiny_dir, tables=TINY_TABLES)
    con = database.connect(db)
    s = con.execute(
        "SELECT order_id, line_no, revenue, cost, profit FROM sales ORDER BY order_id, line_no"
    ).df()
    assert s["revenue"].round(2).tolist() == [2699.1, 258.0, 122.55, 23992.0, 129.0]
    assert s["profit"].round(2).tolist() == [1199.1, 138.0, 62.55, 8992.0, 69.0]
    top = database.customer_file_query(con, "top customers by profit", n=1)
    assert top["customer_id"].tolist() == ["C00002"]
    with pytest.raises(ValueError, match="needs the parameter"):
        database.customer_file_query(con, "top customers by profit")
    with pytest.raises(ValueError, match="not a known question"):
        database.customer_file_query(con, "everything")
    con.close()


def test_parameters_are_bound_not_pasted():
    con = duckdb.connect()
    evil = "x'; DROP TABLE t; --"
    con.execute("CREATE TABLE t (name VARCHAR)")
    con.execute("INSERT INTO t VALUES (?)", [evil])
    assert database.query(con, "SELECT count(*) AS n FROM t WHERE name = ?", [evil])["n"].tolist() == [1]


# ------------------------------------------------------------------ the case company


@pytest.fixture(scope="module")
def case_db(tmp_path_factory):
    folder = tmp_path_factory.mktemp("db")
    db = database.build_database(folder / "crm.duckdb")
    con = database.connect(db, read_only=True)
    yield con
    con.close()
    shutil.rmtree(folder, ignore_errors=True)


def test_row_counts_equal_the_files(case_db):
    counts = database.row_counts(case_db).set_index("table")["rows"]
    for name in database.DATABASE_TABLES:
        with open(data_dir() / "case_company" / TABLES[name].file, encoding="utf-8") as f:
            lines = sum(1 for _ in f) - 1
        assert counts[name] == lines, name
    assert counts["new_customers"] == 0
    assert counts["order_totals"] == counts["orders"]


def test_sql_answers_equal_pandas(case_db):
    by_kind = database.customer_file_query(case_db, "customers by kind").set_index("kind")["customers"]
    expected = load_customers()["kind"].value_counts()
    assert by_kind.to_dict() == {k: int(v) for k, v in expected.items()}
    sales = load_sales()
    cid = sales.groupby("customer_id")["revenue"].sum().idxmax()
    file = database.customer_file_query(case_db, "one customer's file", customer_id=cid).iloc[0]
    mine = sales[sales["customer_id"] == cid]
    assert file["orders"] == mine["order_id"].nunique()
    assert file["revenue"] == pytest.approx(round(mine["revenue"].sum(), 2), abs=0.006)
    assert file["profit"] == pytest.approx(round(mine["profit"].sum(), 2), abs=0.006)
    assert pd.Timestamp(file["last_order"]) == mine["order_date"].max()


def test_trading_starts_add_up_to_buyers(case_db):
    t = database.customer_file_query(case_db, "trading started and stopped by year")
    buyers = case_db.execute("SELECT count(DISTINCT customer_id) FROM orders").fetchone()[0]
    assert t["started"].sum() == buyers == t["last_order_in_year"].sum()


# --------------------------------------------------------------------------- issue 13 regressions


def test_sql_rfm_path_accepts_timestamp_order_dates():
    # before: DuckDB's "Conversion Error: Unimplemented type for cast (INTERVAL -> BIGINT)"
    from crm_lessons import rfm

    con = duckdb.connect()
    con.execute(
        "CREATE TABLE order_totals AS SELECT * FROM "
        "(VALUES ('O1', 'A', TIMESTAMP '2024-01-01 09:30:00', 1000), "
        "('O2', 'B', TIMESTAMP '2024-01-20 18:00:00', 500)) "
        "t(order_id, customer_id, order_date, amount_cents)"
    )
    out = rfm.rfm_from_database(con, "2024-02-01", purchases="order_totals")
    assert out["recency"].tolist() == [30, 11]
    assert out["monetary"].tolist() == [10.0, 5.0]


def test_sql_rfm_path_names_a_bad_reference_date():
    from crm_lessons import rfm

    with pytest.raises(ValueError, match="`reference_date` must be a date"):
        rfm.rfm_sql("2024-13-01")
