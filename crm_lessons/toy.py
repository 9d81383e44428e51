"""A tiny, hand-checkable copy of the case company, used in docstrings and unit tests.

Four customers, four products, six orders and nine order lines: small enough to work
every figure out with pen and paper, shaped exactly like the real tables
(:mod:`crm_lessons.schema`), so the same functions run on both.

Per customer (revenue / cost / profit, CNY):

========  =======  =====  ======  ======
customer  revenue  cost   profit  orders
========  =======  =====  ======  ======
C1         6000    4700    1300      2
C2        28000   22500    5500      2
C3         5000    3000    2000      1
C4          100     100       0      1
========  =======  =====  ======  ======

Orders and their products: O1 {P01, P04}, O2 {P01}, O3 {P01, P02}, O4 {P03},
O5 {P02, P04}, O6 {P04}.

Examples
--------
>>> from crm_lessons.toy import toy_sales
>>> s = toy_sales()
>>> len(s), float(s["revenue"].sum()), float(s["profit"].sum())
(9, 39100.0, 8800.0)
"""

from __future__ import annotations

import pandas as pd

from crm_lessons import schema


def _typed(frame: pd.DataFrame, table: str) -> pd.DataFrame:
    """Give ``frame`` the schema's types (categories, dates, bools)."""
    out = frame.copy()
    for col in schema.TABLES[table].columns:
        if col.name not in out.columns:
            continue
        if col.dtype == "category":
            out[col.name] = pd.Categorical(
                out[col.name], categories=list(col.categories), ordered=col.ordered
            )
        elif col.dtype == "date":
            out[col.name] = pd.to_datetime(out[col.name])
        elif col.dtype == "bool":
            out[col.name] = out[col.name].astype(bool)
        elif col.dtype == "float":
            out[col.name] = out[col.name].astype(float)
        elif col.dtype == "int":
            out[col.name] = out[col.name].astype("Int64" if col.nullable else "int64")
        else:
            out[col.name] = out[col.name].astype("str")
    return out


def toy_customers() -> pd.DataFrame:
    """Four customers: a consumer, an intermediary, an organisation and an internal (staff) consumer."""
    return _typed(
        pd.DataFrame(
            {
                "customer_id": ["C1", "C2", "C3", "C4"],
                "name": ["Li Na", "Sunrise Mart", "City Hospital", "Wang Wei"],
                "kind": ["consumer", "intermediary", "organisation", "consumer"],
                "retail_format": [None, "supermarket", None, None],
                "region": ["North", "East", "South", "North"],
                "channel": ["store", "distributor", "sales rep", "online"],
                "join_date": ["2021-06-01", "2020-01-10", "2022-11-20", "2023-02-01"],
                "tier": ["gold", "ordinary", "ordinary", "ordinary"],
                "credit_rating": ["A", "B", "C", "D"],
                "buying_motive": ["economic", None, None, "convenience"],
                "internal": [False, False, False, True],
            }
        ),
        "customers",
    )


def toy_products() -> pd.DataFrame:
    """Four products in three price bands."""
    return _typed(
        pd.DataFrame(
            {
                "product_id": ["P01", "P02", "P03", "P04"],
                "product_name": ["Fridge 200L", "Washer 8kg", "TV 65in", "Kettle"],
                "category": ["refrigerator", "washing machine", "television", "small appliance"],
                "price_band": ["entry", "mid", "premium", "entry"],
                "unit_cost": [1500.0, 2000.0, 3000.0, 100.0],
                "list_price": [2000.0, 3000.0, 5000.0, 200.0],
            }
        ),
        "products",
    )


def toy_orders() -> pd.DataFrame:
    """Six orders from 2022 to 2024."""
    return _typed(
        pd.DataFrame(
            {
                "order_id": ["O1", "O2", "O3", "O4", "O5", "O6"],
                "customer_id": ["C1", "C1", "C2", "C3", "C2", "C4"],
                "order_date": [
                    "2022-03-01",
                    "2023-05-10",
                    "2022-07-01",
                    "2023-01-15",
                    "2024-02-01",
                    "2024-06-30",
                ],
            }
        ),
        "orders",
    )


def toy_order_lines() -> pd.DataFrame:
    """Nine order lines."""
    return _typed(
        pd.DataFrame(
            {
                "order_id": ["O1", "O1", "O2", "O3", "O3", "O4", "O5", "O5", "O6"],
                "line_no": [1, 2, 1, 1, 2, 1, 1, 2, 1],
                "product_id": ["P01", "P04", "P01", "P01", "P02", "P03", "P02", "P04", "P04"],
                "quantity": [1, 2, 2, 5, 5, 1, 2, 10, 1],
                "unit_price": [2000.0, 200.0, 2000.0, 2000.0, 3000.0, 5000.0, 3000.0, 200.0, 200.0],
                "discount": [0.0, 0.0, 0.1, 0.2, 0.2, 0.0, 0.0, 0.0, 0.5],
            }
        ),
        "order_lines",
    )


def toy_inventory() -> pd.DataFrame:
    """Two months of stock for P01 and P04 (2024-01 and 2024-02)."""
    return _typed(
        pd.DataFrame(
            {
                "product_id": ["P01", "P01", "P04", "P04"],
                "month": ["2024-01-01", "2024-02-01", "2024-01-01", "2024-02-01"],
                "opening_units": [10, 8, 40, 30],
                "received_units": [0, 6, 0, 10],
                "sold_units": [2, 4, 10, 20],
                "closing_units": [8, 10, 30, 20],
            }
        ),
        "inventory",
    )


def toy_sales() -> pd.DataFrame:
    """The nine order lines joined to their orders and products (the shape of ``build_sales``)."""
    from crm_lessons.data import build_sales

    return build_sales(toy_orders(), toy_order_lines(), toy_products())
