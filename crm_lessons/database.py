"""The customer database (客户数据库): the case company's CSV files in an embedded SQL database.

The schema is not written by hand: every ``CREATE TABLE`` statement is generated from the one
declaration of the tables in :mod:`crm_lessons.schema` (columns, types, categories, minimum and
maximum values, primary and foreign keys), plus the few rules that span several columns
(:data:`TABLE_CHECKS`) and the table of cleaned new customers (:data:`NEW_CUSTOMERS`).

Why DuckDB (and not SQLite)
---------------------------
* **Embedded**: a library and one file, no server to install, start or administer -- the same
  reason SQLite is popular, and what a student's laptop and a grading machine can run.
* **Columnar and analytic**: a customer database is mostly *read* in big sweeps (sum the
  revenue of every customer, rank customers by recency). DuckDB stores each column
  separately and runs such group-bys and window functions vectorised on all cores: RFM for
  ten million order lines takes well under a second from the ``order_totals`` table
  (``benchmarks/bench_rfm.py``). SQLite, built for row-at-a-time transactions on one core,
  took about three times as long as DuckDB for the same per-customer aggregate over one
  million order lines on our 2-core machine, and the gap grows with more cores.
* **Full SQL with constraints**: primary keys, foreign keys, ``NOT NULL``, ``CHECK`` and
  transactions (a failed batch rolls back completely), which is what the lesson teaches.
* **Reads CSV and pandas directly**, so building the database is a few ``INSERT ... SELECT``.

The database file lives under ``build/`` in the working folder (ignored by git; a notebook's working
folder is its own folder, never the installed package): :func:`build_database` rebuilds it from the
CSVs inside one transaction, so running it again is safe and gives the same database.

Examples
--------
>>> from crm_lessons.database import table_ddl
>>> from crm_lessons.schema import TABLES
>>> print(table_ddl(TABLES["orders"]))
CREATE TABLE "orders" (
    "order_id" VARCHAR NOT NULL,
    "customer_id" VARCHAR NOT NULL,
    "order_date" DATE NOT NULL,
    PRIMARY KEY ("order_id"),
    FOREIGN KEY ("customer_id") REFERENCES "customers" ("customer_id")
);
"""

from __future__ import annotations

import re
from pathlib import Path

import pandas as pd

from crm_lessons.schema import CUSTOMER_KINDS, HISTORY_END, HISTORY_START, REGIONS, TABLES, Column, Table

#: Where the database is built unless a path is given (relative to the working folder).
DEFAULT_DB_PATH = Path("build") / "crm.duckdb"

#: SQL type for each type of the schema's vocabulary.
SQL_TYPES = {
    "str": "VARCHAR",
    "int": "INTEGER",
    "int64": "BIGINT",
    "float": "DOUBLE",
    "date": "DATE",
    "bool": "BOOLEAN",
    "category": "VARCHAR",
}

#: Rules that involve more than one column, per table (SQL boolean expressions).
TABLE_CHECKS: dict[str, tuple[str, ...]] = {
    "customers": (
        # the retail format describes intermediaries only, the buying motive consumers only
        '("retail_format" IS NULL) OR ("kind" = \'intermediary\')',
        '("buying_motive" IS NULL) OR ("kind" = \'consumer\')',
    ),
    "products": ('"list_price" >= "unit_cost"',),
    "inventory": ('"closing_units" = "opening_units" + "received_units" - "sold_units"',),
    "pilot": ('"responded" = ("spend" > 0)',),
}

#: Secondary indexes: only where a query looks up a few rows by a column that is not a key.
#: DuckDB answers sweeps (sums over all orders) from its columns and min/max zone maps without
#: any index; an index pays off for the customer file, which fetches one customer's rows.
INDEXES: dict[str, tuple[str, ...]] = {
    "orders": ("customer_id",),
    "complaints": ("customer_id",),
    "survey": ("customer_id",),
}

#: Cleaned newly collected customers (see :mod:`crm_lessons.cleaning`), one row per person.
NEW_CUSTOMERS = Table(
    "new_customers",
    "",
    "Newly collected customer records after cleaning: one row per person, duplicates merged.",
    (
        Column("new_customer_id", "str", "Key of the new customer, N followed by five digits"),
        Column("name", "str", "Name, trimmed, spaces collapsed, capitalised"),
        Column("phone", "str", "Mobile number, 11 digits"),
        Column("email", "str", "E-mail, lower case", nullable=True),
        Column("kind", "category", "Nature of the customer", categories=CUSTOMER_KINDS),
        Column("region", "category", "Sales region", nullable=True, categories=REGIONS),
        Column("join_date", "date", "Date the record was created"),
        Column("birth_year", "int", "Year of birth, consumers", nullable=True, min=1900, max=2010),
        Column(
            "expected_annual_purchase",
            "float",
            "Expected purchases per year",
            unit="CNY",
            nullable=True,
            min=0,
        ),
        Column("source_records", "str", "record_id of the raw rows merged into this one, joined by ';'"),
    ),
    primary_key=("new_customer_id",),
)

#: Order values in whole cents, derived from ``orders`` and ``order_lines`` on every build: a
#: summary table (as a data warehouse keeps) so that analyses over all orders, like RFM, need
#: not join and add up millions of order lines each time. Derived data, so no keys of its own;
#: rows are stored sorted by customer and date.
ORDER_TOTALS = Table(
    "order_totals",
    "",
    "One row per order: its customer, date and value (sum of its lines' revenue, each rounded to the cent).",
    (
        Column("order_id", "str", "Order"),
        Column("customer_id", "str", "Customer who placed the order"),
        Column("order_date", "date", "Date the order was placed"),
        Column("amount_cents", "int64", "Order value", unit="CNY cents (fen)"),
    ),
)

#: The rows of :data:`ORDER_TOTALS`, computed from ``orders`` and ``order_lines``: each line's
#: revenue rounded to the cent and summed per order (as :func:`crm_lessons.rfm.purchases_from_sales`
#: before dropping non-positive orders). :func:`crm_lessons.rfm.rfm_sql` reads purchases through it
#: when the database has no summary table.
ORDER_TOTALS_SELECT = """SELECT o."order_id", o."customer_id", o."order_date", t.amount_cents
FROM (SELECT "order_id",
             sum(CAST(floor("quantity" * "unit_price" * (1 - "discount") * 100 + 0.5) AS BIGINT))
               AS amount_cents
      FROM "order_lines" GROUP BY "order_id") t
JOIN "orders" o USING ("order_id")"""

_EXTRA_TABLE_CHECKS = {
    "new_customers": (
        "regexp_full_match(\"phone\", '1[3-9][0-9]{9}')",
        f"\"join_date\" <= DATE '{HISTORY_END}'",
    ),
}
_UNIQUE = {"new_customers": ("phone",)}


def _q(identifier: str) -> str:
    """Quote an SQL identifier (some column names, like ``group``, are SQL keywords)."""
    return '"' + identifier.replace('"', '""') + '"'


def _literal(value) -> str:
    if isinstance(value, str):
        return "'" + value.replace("'", "''") + "'"
    return repr(value)


def column_ddl(column: Column) -> str:
    """One column's definition: name, SQL type, ``NOT NULL`` and its ``CHECK`` constraints.

    Parameters
    ----------
    column : crm_lessons.schema.Column
        The column as declared in the schema.

    Returns
    -------
    str
        For example ``"discount" DOUBLE NOT NULL CHECK ("discount" >= 0 AND "discount" <= 0.9)``.

    Notes
    -----
    A ``category`` column is stored as text with ``CHECK (col IN (...))`` over its categories;
    ``min`` and ``max`` become ``CHECK (col >= min AND col <= max)``.

    Examples
    --------
    >>> from crm_lessons.schema import TABLES
    >>> column_ddl(TABLES["order_lines"].column("discount"))
    '"discount" DOUBLE NOT NULL CHECK ("discount" >= 0 AND "discount" <= 0.9)'
    >>> column_ddl(TABLES["customers"].column("tier"))
    '"tier" VARCHAR NOT NULL CHECK ("tier" IN (\\'ordinary\\', \\'gold\\'))'

    Checked against DuckDB's own ``duckdb_constraints()`` listing in the tests.
    """
    if not isinstance(column, Column):
        raise TypeError(f"column must be a crm_lessons.schema.Column, got {type(column).__name__}")
    if column.dtype not in SQL_TYPES:
        raise ValueError(f"column {column.name!r} has dtype {column.dtype!r}; use one of {sorted(SQL_TYPES)}")
    name = _q(column.name)
    parts = [name, SQL_TYPES[column.dtype]]
    if not column.nullable:
        parts.append("NOT NULL")
    checks = []
    if column.categories:
        checks.append(f"{name} IN ({', '.join(_literal(c) for c in column.categories)})")
    bounds = []
    if column.min is not None:
        bounds.append(f"{name} >= {column.min:g}")
    if column.max is not None:
        bounds.append(f"{name} <= {column.max:g}")
    if bounds:
        checks.append(" AND ".join(bounds))
    parts += [f"CHECK ({c})" for c in checks]
    return " ".join(parts)


def table_ddl(table: Table) -> str:
    """The ``CREATE TABLE`` statement of one table, generated from its schema declaration.

    Parameters
    ----------
    table : crm_lessons.schema.Table
        A table of :data:`crm_lessons.schema.TABLES` or :data:`NEW_CUSTOMERS`.

    Returns
    -------
    str
        The statement: one line per column (:func:`column_ddl`), then the primary key, the
        foreign keys, the multi-column checks of :data:`TABLE_CHECKS` and unique columns.

    Examples
    --------
    >>> from crm_lessons.schema import TABLES
    >>> print(table_ddl(TABLES["inventory"]).splitlines()[-3])
        FOREIGN KEY ("product_id") REFERENCES "products" ("product_id"),

    Checked by building the database and reading its constraints back (tests).
    """
    if not isinstance(table, Table):
        raise TypeError(f"table must be a crm_lessons.schema.Table, got {type(table).__name__}")
    lines = [column_ddl(c) for c in table.columns]
    if table.primary_key:
        lines.append(f"PRIMARY KEY ({', '.join(_q(c) for c in table.primary_key)})")
    for col, (ref_table, ref_col) in table.foreign_keys.items():
        lines.append(f"FOREIGN KEY ({_q(col)}) REFERENCES {_q(ref_table)} ({_q(ref_col)})")
    for check in TABLE_CHECKS.get(table.name, ()) + _EXTRA_TABLE_CHECKS.get(table.name, ()):
        lines.append(f"CHECK ({check})")
    for col in _UNIQUE.get(table.name, ()):
        lines.append(f"UNIQUE ({_q(col)})")
    body = ",\n".join("    " + line for line in lines)
    return f"CREATE TABLE {_q(table.name)} (\n{body}\n);"


#: The tables the database holds, parents before children (the raw batch is not one of them:
#: it is cleaned first and enters as ``new_customers``).
DATABASE_TABLES: tuple[str, ...] = tuple(name for name, t in TABLES.items() if not t.raw)


def _database_table(name: str) -> Table:
    if name == NEW_CUSTOMERS.name:
        return NEW_CUSTOMERS
    if name == ORDER_TOTALS.name:
        return ORDER_TOTALS
    return TABLES[name]


def _check_tables(tables) -> tuple[str, ...]:
    if tables is None:
        return DATABASE_TABLES
    if isinstance(tables, str):
        raise TypeError("tables must be a list of table names, e.g. ['customers', 'orders'], not one string")
    unknown = [t for t in tables if t not in DATABASE_TABLES]
    if unknown:
        raise ValueError(f"tables has unknown names {unknown}; choose from {list(DATABASE_TABLES)}")
    chosen = tuple(t for t in DATABASE_TABLES if t in tables)  # parents first
    for name in chosen:
        for ref_table, _ in TABLES[name].foreign_keys.values():
            if ref_table not in chosen:
                raise ValueError(f"tables: {name!r} refers to {ref_table!r}; add {ref_table!r} to tables")
    return chosen


def index_ddl(table_name: str) -> list[str]:
    """``CREATE INDEX`` statements of one table (see :data:`INDEXES`).

    Examples
    --------
    >>> index_ddl("orders")
    ['CREATE INDEX "orders_customer_id_idx" ON "orders" ("customer_id");']
    """
    return [
        f"CREATE INDEX {_q(f'{table_name}_{c}_idx')} ON {_q(table_name)} ({_q(c)});"
        for c in INDEXES.get(table_name, ())
    ]


#: The order lines with their customer, date, product and money, as :func:`crm_lessons.data.build_sales`.
SALES_VIEW_DDL = """CREATE VIEW "sales" AS
SELECT l."order_id", l."line_no", o."customer_id", o."order_date", l."product_id",
       p."category", p."price_band", l."quantity", l."unit_price", l."discount", p."unit_cost",
       l."quantity" * l."unit_price" * (1 - l."discount") AS "revenue",
       l."quantity" * p."unit_cost" AS "cost",
       l."quantity" * l."unit_price" * (1 - l."discount") - l."quantity" * p."unit_cost" AS "profit"
FROM "order_lines" l
JOIN "orders" o USING ("order_id")
JOIN "products" p USING ("product_id");"""


def schema_ddl(tables=None) -> str:
    """The whole database's DDL: tables (parents first), indexes and the ``sales`` view.

    Parameters
    ----------
    tables : list of str, optional
        Subset of :data:`DATABASE_TABLES` (with the tables they refer to); default all.

    Returns
    -------
    str
        SQL statements separated by blank lines; ``new_customers`` is always included, the
        derived ``order_totals`` whenever orders and order lines are.

    Examples
    --------
    >>> ddl = schema_ddl()
    >>> ddl.count("CREATE TABLE")
    11
    >>> 'REFERENCES "customers" ("customer_id")' in ddl
    True
    """
    chosen = _check_tables(tables)
    statements = [table_ddl(TABLES[t]) for t in chosen] + [table_ddl(NEW_CUSTOMERS)]
    for t in chosen:
        statements += index_ddl(t)
    if {"orders", "order_lines", "products"} <= set(chosen):
        statements.append(SALES_VIEW_DDL)
    if {"orders", "order_lines"} <= set(chosen):
        statements.append(table_ddl(ORDER_TOTALS))
    return "\n\n".join(statements)


def relations(tables=None) -> pd.DataFrame:
    """The relations between tables: one row per foreign key.

    Parameters
    ----------
    tables : list of str, optional
        Subset of :data:`DATABASE_TABLES`; default all.

    Returns
    -------
    pandas.DataFrame
        Columns ``table``, ``column``, ``refers_to_table``, ``refers_to_column`` and
        ``cardinality`` (each row of the parent has many rows in the child: ``many-to-one``).

    Examples
    --------
    >>> relations(["customers", "products", "orders", "order_lines"])[["table", "column", "refers_to_table"]]
             table       column refers_to_table
    0       orders  customer_id       customers
    1  order_lines     order_id          orders
    2  order_lines   product_id        products
    """
    rows = []
    for name in _check_tables(tables):
        for col, (ref_table, ref_col) in TABLES[name].foreign_keys.items():
            unique = TABLES[name].primary_key == (col,)
            rows.append(
                {
                    "table": name,
                    "column": col,
                    "refers_to_table": ref_table,
                    "refers_to_column": ref_col,
                    "cardinality": "one-to-one (at most)" if unique else "many-to-one",
                }
            )
    return pd.DataFrame(
        rows, columns=["table", "column", "refers_to_table", "refers_to_column", "cardinality"]
    )


def tables_overview(tables=None) -> pd.DataFrame:
    """One row per table: its primary key, number of columns and what one row is.

    Examples
    --------
    >>> tables_overview(["customers"]).loc[0, "primary_key"]
    'customer_id'
    """
    rows = []
    for name in _check_tables(tables) + (NEW_CUSTOMERS.name, ORDER_TOTALS.name):
        t = _database_table(name)
        rows.append(
            {
                "table": name,
                "primary_key": ", ".join(t.primary_key),
                "columns": len(t.columns),
                "description": t.description,
            }
        )
    return pd.DataFrame(rows)


def default_db_path() -> Path:
    """``build/crm.duckdb`` in the working folder (for a notebook: the notebook's own folder).

    Never inside the installed package, which may be read-only or shared by several users;
    looked up at each call, so two notebooks running side by side in their own folders (the
    English and the Chinese edition) build two databases.

    Examples
    --------
    >>> import os
    >>> default_db_path() == Path(os.getcwd()) / "build" / "crm.duckdb"
    True
    """
    return Path.cwd() / DEFAULT_DB_PATH


def _resolve_path(path) -> Path:
    if path is None:
        return default_db_path()
    if not isinstance(path, (str, Path)):
        raise TypeError(f"path must be a str or pathlib.Path to a .duckdb file, got {type(path).__name__}")
    return Path(path)


def connect(path=None, read_only: bool = False):
    """Open the database file (default :func:`default_db_path`).

    Parameters
    ----------
    path : str or pathlib.Path, optional
        The ``.duckdb`` file; ``":memory:"`` for a database in memory.
    read_only : bool
        Open read-only (several processes may then read at once).

    Returns
    -------
    duckdb.DuckDBPyConnection
    """
    import duckdb

    if path == ":memory:":
        return _quiet(duckdb.connect(":memory:"))
    p = _resolve_path(path)
    if read_only and not p.exists():
        raise ValueError(f"path {p.name!r} does not exist; run crm_lessons.database.build_database() first")
    p.parent.mkdir(parents=True, exist_ok=True)
    return _quiet(duckdb.connect(str(p), read_only=read_only))


def _quiet(con):
    # no progress bar: in a notebook it would appear only when the machine is slow
    con.execute("SET enable_progress_bar = false")
    return con


def _csv_columns(table: Table) -> str:
    """DuckDB ``read_csv`` column specification: every column typed explicitly, in file order."""
    return "{" + ", ".join(f"{_literal(c.name)}: {_literal(SQL_TYPES[c.dtype])}" for c in table.columns) + "}"


def load_table_sql(table: Table) -> str:
    """``INSERT ... SELECT`` that loads a table's CSV file (path given as parameter ``$file``).

    Types come from the schema (no type guessing); an empty field is NULL, which ``NOT NULL``
    then rejects where the schema does not allow it.

    Examples
    --------
    >>> from crm_lessons.schema import TABLES
    >>> print(load_table_sql(TABLES["orders"]))  # doctest: +NORMALIZE_WHITESPACE
    INSERT INTO "orders" SELECT * FROM read_csv($file, header = true, auto_detect = false,
        columns = {'order_id': 'VARCHAR', 'customer_id': 'VARCHAR', 'order_date': 'DATE'},
        dateformat = '%Y-%m-%d');
    """
    return (
        f"INSERT INTO {_q(table.name)} SELECT * FROM read_csv($file, header = true, auto_detect = false,\n"
        f"    columns = {_csv_columns(table)},\n    dateformat = '%Y-%m-%d');"
    )


def _drop_everything(con) -> None:
    con.execute('DROP VIEW IF EXISTS "sales"')
    for name in (ORDER_TOTALS.name, NEW_CUSTOMERS.name, *reversed(DATABASE_TABLES)):
        con.execute(f"DROP TABLE IF EXISTS {_q(name)}")


def build_database(path=None, data_dir=None, tables=None) -> Path:
    """Build (or rebuild) the customer database from the case company's CSV files.

    Parameters
    ----------
    path : str or pathlib.Path, optional
        Database file; default ``build/crm.duckdb`` in the working folder (:func:`default_db_path`).
    data_dir : str or pathlib.Path, optional
        Folder holding ``case_company/``; default :func:`crm_lessons.data.data_dir`.
    tables : list of str, optional
        Load only these tables (with those they refer to); default all of :data:`DATABASE_TABLES`.

    Returns
    -------
    pathlib.Path
        The database file.

    Notes
    -----
    Everything happens in one transaction: drop what a previous build left, create the tables
    from :func:`schema_ddl`, load each CSV with ``INSERT ... SELECT`` (every key, ``NOT NULL``
    and ``CHECK`` constraint is checked on the way in), create the indexes, commit. So running
    it again gives the same database (idempotent), and a build that fails -- a missing file, a
    value that breaks a constraint -- leaves the previous database exactly as it was.
    ``new_customers`` starts empty; :func:`crm_lessons.cleaning.load_clean_records` fills it.
    ``order_totals`` (:data:`ORDER_TOTALS`) is computed from the loaded orders and lines.

    Raises
    ------
    ValueError
        When a CSV file is missing or one of its rows breaks the schema (the message names the
        table, the file and the database's reason).

    Examples
    --------
    >>> import tempfile, pathlib
    >>> from crm_lessons.data import data_dir
    >>> with tempfile.TemporaryDirectory() as tmp:
    ...     db = build_database(pathlib.Path(tmp) / "crm.duckdb", tables=["customers", "products"])
    ...     con = connect(db)
    ...     n = con.execute("SELECT count(*) FROM products").fetchone()[0]
    ...     con.close()
    >>> n > 0
    True

    Checked: row counts equal the CSVs' line counts; a second build gives the same counts (tests).
    """
    import duckdb

    chosen = _check_tables(tables)
    if data_dir is None:
        from crm_lessons.data import data_dir as _data_dir

        data_dir = _data_dir()
    folder = Path(data_dir) / "case_company"
    if not folder.is_dir():
        raise ValueError(f"data_dir: no folder {folder} ; pass the folder that holds case_company/")
    files = {}
    for name in chosen:
        f = folder / TABLES[name].file
        if not f.is_file():
            raise ValueError(f"data_dir: table {name!r} needs the file {TABLES[name].file} in {folder}")
        files[name] = f

    db = _resolve_path(path)
    con = connect(db)
    try:
        con.execute("BEGIN TRANSACTION")
        _drop_everything(con)
        for name in chosen:
            con.execute(table_ddl(TABLES[name]))
        con.execute(table_ddl(NEW_CUSTOMERS))
        for name in chosen:
            try:
                con.execute(load_table_sql(TABLES[name]), {"file": str(files[name])})
            except duckdb.Error as exc:
                raise ValueError(f"table {name!r} from {TABLES[name].file}: {exc}") from None
            for statement in index_ddl(name):
                con.execute(statement)
        if {"orders", "order_lines", "products"} <= set(chosen):
            con.execute(SALES_VIEW_DDL)
        if {"orders", "order_lines"} <= set(chosen):
            con.execute(table_ddl(ORDER_TOTALS))
            # stored in customer order: per-customer sweeps (RFM) then aggregate about twice as fast
            order = 'ORDER BY "customer_id", "order_date"'
            con.execute(f"INSERT INTO {_q(ORDER_TOTALS.name)} {ORDER_TOTALS_SELECT} {order}")
        con.execute("COMMIT")
    except BaseException:
        con.execute("ROLLBACK")
        raise
    finally:
        con.close()
    return db


def query(con, sql: str, params=None) -> pd.DataFrame:
    """Run one SQL query with parameters bound by the database (never pasted into the text).

    Parameters
    ----------
    con : duckdb.DuckDBPyConnection
    sql : str
        The query, with ``?`` or ``$name`` placeholders.
    params : list or dict, optional
        Values for the placeholders.

    Returns
    -------
    pandas.DataFrame

    Examples
    --------
    >>> import duckdb
    >>> con = duckdb.connect()
    >>> query(con, "SELECT ? AS name", ["Robert'); DROP TABLE customers;--"])
                                   name
    0  Robert'); DROP TABLE customers;--
    """
    if not isinstance(sql, str):
        raise TypeError(f"sql must be a str, got {type(sql).__name__}")
    return con.execute(sql, params).df() if params is not None else con.execute(sql).df()


def row_counts(con) -> pd.DataFrame:
    """Number of rows of each table in the database (tables in load order).

    Returns
    -------
    pandas.DataFrame
        Columns ``table`` and ``rows``.
    """
    present = set(
        con.execute("SELECT table_name FROM information_schema.tables WHERE table_type = 'BASE TABLE'").df()[
            "table_name"
        ]
    )
    rows = []
    for name in (*DATABASE_TABLES, NEW_CUSTOMERS.name, ORDER_TOTALS.name):
        if name in present:
            rows.append(
                {"table": name, "rows": con.execute(f"SELECT count(*) FROM {_q(name)}").fetchone()[0]}
            )
    return pd.DataFrame(rows)


def constraints(con, table: str | None = None) -> pd.DataFrame:
    """The constraints the database enforces, read back from DuckDB's catalogue.

    Parameters
    ----------
    con : duckdb.DuckDBPyConnection
    table : str, optional
        Only this table.

    Returns
    -------
    pandas.DataFrame
        Columns ``table``, ``type`` (PRIMARY KEY, FOREIGN KEY, NOT NULL, CHECK, UNIQUE),
        ``columns`` (the columns it involves) and ``constraint`` (its SQL text), sorted.
    """
    sql = (
        'SELECT table_name AS "table", constraint_type AS "type", '
        "array_to_string(constraint_column_names, ', ') AS \"columns\", "
        "CASE WHEN constraint_type = 'NOT NULL' THEN 'NOT NULL' ELSE constraint_text END AS \"constraint\" "
        "FROM duckdb_constraints()"
    )
    df = con.execute(sql + (" WHERE table_name = ?" if table else ""), [table] if table else None).df()
    return df.sort_values(["table", "type", "columns", "constraint"], ignore_index=True)


# --------------------------------------------------------------------------------------------
# The customer file (客户档案) in SQL: the questions of chapter 2 asked of the database.

#: Named questions about the customer file, each one SQL query (parameters with ``$name``).
CUSTOMER_FILE_QUERIES: dict[str, str] = {
    "customers by kind": """
        SELECT "kind", count(*) AS customers,
               round(100.0 * count(*) / sum(count(*)) OVER (), 1) AS percent
        FROM "customers" GROUP BY "kind" ORDER BY customers DESC, "kind" """,
    "intermediaries by retail format": """
        SELECT "retail_format", count(*) AS customers
        FROM "customers" WHERE "kind" = 'intermediary'
        GROUP BY "retail_format" ORDER BY customers DESC, "retail_format" """,
    "one customer's file": """
        SELECT c.*, t.orders, t.first_order, t.last_order, t.revenue, t.profit,
               (SELECT count(*) FROM "complaints" k WHERE k."customer_id" = c."customer_id") AS complaints
        FROM "customers" c
        LEFT JOIN (SELECT "customer_id", count(DISTINCT "order_id") AS orders,
                          min("order_date") AS first_order, max("order_date") AS last_order,
                          round(sum("revenue"), 2) AS revenue, round(sum("profit"), 2) AS profit
                   FROM "sales" WHERE "customer_id" = $customer_id GROUP BY "customer_id") t
               USING ("customer_id")
        WHERE c."customer_id" = $customer_id""",
    "top customers by profit": """
        SELECT s."customer_id", c."name", c."kind", c."tier",
               count(DISTINCT s."order_id") AS orders,
               round(sum(s."revenue"), 2) AS revenue, round(sum(s."profit"), 2) AS profit
        FROM "sales" s JOIN "customers" c USING ("customer_id")
        GROUP BY s."customer_id", c."name", c."kind", c."tier"
        ORDER BY profit DESC, s."customer_id" LIMIT $n""",
    "trading started and stopped by year": f"""
        WITH span AS (SELECT "customer_id", year(min("order_date")) AS first_year,
                             year(max("order_date")) AS last_year
                      FROM "orders" GROUP BY "customer_id")
        SELECT y AS "year",
               count(*) FILTER (WHERE first_year = y) AS started,
               count(*) FILTER (WHERE last_year = y) AS last_order_in_year
        FROM span, range({HISTORY_START[:4]}, {HISTORY_END[:4]} + 1) r(y)
        GROUP BY y ORDER BY y""",
}


def customer_file_query(con, name: str, **params) -> pd.DataFrame:
    """Answer one of the named customer-file questions (:data:`CUSTOMER_FILE_QUERIES`) in SQL.

    Parameters
    ----------
    con : duckdb.DuckDBPyConnection
        An open customer database (:func:`build_database`, :func:`connect`).
    name : str
        Key of :data:`CUSTOMER_FILE_QUERIES`.
    **params
        Values of the query's ``$`` parameters, e.g. ``customer_id="C00001"``, ``n=10``.

    Returns
    -------
    pandas.DataFrame

    Checked against the same figures computed with pandas from :func:`crm_lessons.data.load_sales`
    (tests).
    """
    if name not in CUSTOMER_FILE_QUERIES:
        raise ValueError(f"name {name!r} is not a known question; choose from {list(CUSTOMER_FILE_QUERIES)}")
    sql = CUSTOMER_FILE_QUERIES[name]
    needed = set(re.findall(r"\$(\w+)", sql))
    missing = needed - set(params)
    if missing:
        raise ValueError(
            f"question {name!r} needs the parameter(s) {sorted(missing)}, "
            f"e.g. customer_file_query(con, {name!r}, {sorted(missing)[0]}=...)"
        )
    extra = set(params) - needed
    if extra:
        raise ValueError(
            f"question {name!r} takes no parameter(s) {sorted(extra)}; it takes {sorted(needed) or 'none'}"
        )
    return query(con, sql, params if params else None)
