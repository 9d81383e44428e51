"""How long the loaders take: the committed case-company tables, CDNOW, and a synthetic
case company of class size (5,000 customers, 200,000 order lines) written to a temporary folder.

Run: /work/venv/bin/python benchmarks/bench_data_loading.py
"""

from __future__ import annotations

import tempfile
import time
from pathlib import Path

import numpy as np
import pandas as pd

from crm_lessons import data
from crm_lessons.schema import TABLES


def best_of(fn, repeat=3, cold=True):
    """Best time of ``repeat`` calls; cold: with the loaders' content-keyed cache emptied first."""
    times = []
    for _ in range(repeat):
        if cold:
            data._CACHE.clear()
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return min(times)


def synthetic_case_company(folder: Path, n_customers=5000, n_orders=70000, n_lines=200000) -> None:
    """Valid files of class size; values are random, only their shapes matter here."""
    rng = np.random.default_rng(0)
    out = folder / "case_company"
    out.mkdir(parents=True)

    def pick(values, n):
        return np.asarray(values, dtype=object)[rng.integers(0, len(values), n)]

    def days(n):
        return (pd.Timestamp("2018-01-01") + pd.to_timedelta(rng.integers(0, 2556, n), unit="D")).strftime(
            "%Y-%m-%d"
        )

    customers_id = [f"C{i:05d}" for i in range(1, n_customers + 1)]
    products_id = [f"P{i:03d}" for i in range(1, 61)]
    orders_id = [f"O{i:07d}" for i in range(1, n_orders + 1)]
    frames = {
        "customers": pd.DataFrame(
            {
                "customer_id": customers_id,
                "name": [f"Customer {i}" for i in range(n_customers)],
                "kind": "consumer",
                "retail_format": "",
                "region": pick(TABLES["customers"].column("region").categories, n_customers),
                "channel": "online",
                "join_date": days(n_customers),
                "tier": pick(("ordinary", "gold"), n_customers),
                "credit_rating": "A",
                "buying_motive": "economic",
                "internal": pick(("true", "false"), n_customers),
            }
        ),
        "products": pd.DataFrame(
            {
                "product_id": products_id,
                "product_name": products_id,
                "category": "television",
                "price_band": "mid",
                "unit_cost": 100.0,
                "list_price": 180.0,
            }
        ),
        "orders": pd.DataFrame(
            {"order_id": orders_id, "customer_id": pick(customers_id, n_orders), "order_date": days(n_orders)}
        ),
        "order_lines": pd.DataFrame(
            {
                "order_id": np.sort(pick(orders_id, n_lines)),
                "line_no": np.arange(1, n_lines + 1),
                "product_id": pick(products_id, n_lines),
                "quantity": rng.integers(1, 5, n_lines),
                "unit_price": rng.uniform(50, 5000, n_lines).round(2),
                "discount": rng.uniform(0, 0.3, n_lines).round(2),
            }
        ),
        "inventory": pd.DataFrame(
            {
                "product_id": np.repeat(products_id, 84),
                "month": np.tile(pd.date_range("2018-01-01", periods=84, freq="MS").strftime("%Y-%m-%d"), 60),
                "opening_units": 10,
                "received_units": 5,
                "sold_units": 5,
                "closing_units": 10,
            }
        ),
        "survey": pd.DataFrame(
            {
                c.name: (
                    [f"S{i:04d}" for i in range(1, 1201)]
                    if c.name == "respondent_id"
                    else pick(customers_id, 1200)
                    if c.name == "customer_id"
                    else days(1200)
                    if c.dtype == "date"
                    else pick(c.categories, 1200)
                    if c.dtype == "category"
                    else rng.integers(1, 6, 1200)
                )
                for c in TABLES["survey"].columns
            }
        ),
        "complaints": pd.DataFrame(
            {
                "complaint_id": [f"K{i:05d}" for i in range(1, 2001)],
                "customer_id": pick(customers_id, 2000),
                "complaint_date": days(2000),
                "topic": "delivery",
                "complaint_channel": "hotline",
                "resolution_days": rng.integers(0, 30, 2000),
                "recovered": pick(("true", "false"), 2000),
            }
        ),
        "pilot": pd.DataFrame(
            {
                "customer_id": customers_id[:2000],
                "group": pick(("control", "treatment"), 2000),
                "responded": pick(("true", "false"), 2000),
                "spend": rng.uniform(0, 1000, 2000).round(2),
            }
        ),
        "leads": pd.DataFrame(
            {
                "lead_id": [f"L{i:05d}" for i in range(1, 3001)],
                "kind": "organisation",
                "region": "North",
                "source": "website",
                "contact_date": days(3000),
                "employees": pick(("", "12", "300"), 3000),
                "website_visits": rng.integers(0, 20, 3000),
                "requested_quote": "true",
                "converted": "false",
            }
        ),
        "new_records": pd.DataFrame(
            {
                c: ([str(i) for i in range(1, 401)] if c == "record_id" else pick(("n/a", "", "x 1"), 400))
                for c in TABLES["new_records"].column_names
            }
        ),
    }
    for name, frame in frames.items():
        frame.to_csv(out / TABLES[name].file, index=False)


def main() -> None:
    committed = data.data_dir() / data.CASE_COMPANY_DIR
    if (committed / "order_lines.csv").is_file():
        tables = data.load_case_company()
        print(
            f"committed case company: {sum(len(f) for f in tables.values()):,} rows, "
            f"{len(tables['order_lines']):,} order lines"
        )
        print(
            f"  load_case_company   {best_of(data.load_case_company):.3f} s "
            f"(again, files unchanged: {best_of(data.load_case_company, cold=False):.3f} s)"
        )
        print(
            f"  load_sales          {best_of(data.load_sales):.3f} s "
            f"(again: {best_of(data.load_sales, cold=False):.3f} s)"
        )
    else:
        print(f"no committed case company in {committed}")
    print(f"load_cdnow()          {best_of(data.load_cdnow):.3f} s")
    print(f"load_cdnow(sample)    {best_of(lambda: data.load_cdnow(sample=True)):.3f} s")
    with tempfile.TemporaryDirectory() as tmp:
        synthetic_case_company(Path(tmp))
        print("synthetic case company, 5,000 customers, 200,000 order lines:")
        print(f"  load_case_company   {best_of(lambda: data.load_case_company(tmp)):.3f} s")
        print(f"  load_order_lines    {best_of(lambda: data.load_order_lines(tmp)):.3f} s")
        print(f"  load_sales          {best_of(lambda: data.load_sales(tmp)):.3f} s")


if __name__ == "__main__":
    main()
