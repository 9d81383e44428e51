"""RFM at scale: pandas versus SQL on the DuckDB customer database, 1 and 10 million order lines.

For each size the case-company generator writes the tables (customer ids are strings such as
``C0123456``) to a temporary folder -- never into the repository. Then, each in a fresh
process so that peak memory is its own:

* **pandas**: load orders, order lines and products with :mod:`crm_lessons.data`, build the
  sales lines, then time :func:`crm_lessons.rfm.rfm_segments` (order values in cents, RFM,
  tie-safe scores, segments).
* **SQL**: build the customer database with :func:`crm_lessons.database.build_database` (keys
  and constraints checked on load, the ``order_totals`` summary table derived), then time
  :func:`crm_lessons.rfm.rfm_from_database` -- the same result computed by one SQL query and
  fetched as a pandas frame -- twice: adding up the order lines at query time, and reading
  the order values from ``order_totals``.

Printed per size and engine: seconds to load, seconds for the RFM step (first run and best of
three), and the process's peak resident memory (``ru_maxrss``) after loading and at the end.
The SQL step is timed twice for each source: "in database" keeps the result as a table (what
a campaign query would use), "to pandas" also fetches the customers into a pandas frame.
The target is the SQL RFM step on 10 million lines in at most 1 second on a 2-core machine.
The machine's load average is printed too: on a shared machine the timings vary with it.
At 1 million lines the two results are also compared (they must be identical).

Run: /work/venv/bin/python benchmarks/bench_rfm.py [--lines 1e6 1e7] [--keep DIR]
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REFERENCE_DATE = "2025-01-01"
LINES_PER_CUSTOMER = 23.5  # what the generator gives on average (measured: 42,000 customers -> 988,360 lines)


def _peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # Linux reports KiB


def _time(fn, repeat: int = 3):
    times, result = [], None
    for _ in range(repeat):
        start = time.perf_counter()
        result = fn()
        times.append(time.perf_counter() - start)
    return result, times


def run_pandas(folder: str, out: str | None) -> dict:
    from crm_lessons import data, rfm

    start = time.perf_counter()
    d = Path(folder).parent
    sales = data.build_sales(data.load_orders(d), data.load_order_lines(d), data.load_products(d))
    sales = sales[["order_id", "customer_id", "order_date", "revenue"]]
    load = time.perf_counter() - start
    peak_loaded = _peak_mb()
    result, times = _time(lambda: rfm.rfm_segments(rfm.purchases_from_sales(sales), REFERENCE_DATE))
    if out:
        result.to_pickle(out)
    return {
        "lines": len(sales),
        "customers": len(result),
        "load_s": load,
        "rfm_s": times,
        "peak_loaded_mb": peak_loaded,
        "peak_mb": _peak_mb(),
    }


def run_sql(folder: str, out: str | None) -> dict:
    from crm_lessons import database, rfm

    db = Path(folder).parent / "crm.duckdb"
    start = time.perf_counter()
    database.build_database(
        db, data_dir=Path(folder).parent, tables=["customers", "products", "orders", "order_lines"]
    )
    load = time.perf_counter() - start
    con = database.connect(db, read_only=True)
    lines = con.execute("SELECT count(*) FROM order_lines").fetchone()[0]
    threads = con.execute("SELECT current_setting('threads')").fetchone()[0]
    peak_loaded = _peak_mb()
    timings = {}
    for source in ("order_lines", "order_totals"):
        sql = rfm.rfm_sql(REFERENCE_DATE, purchases=source)
        # in the database: the result kept as a table, as a campaign tool would use it
        _, timings[f"{source} in database"] = _time(
            lambda sql=sql: con.execute(f"CREATE OR REPLACE TEMP TABLE rfm_result AS {sql}")
        )
        # and fetched into pandas as the same frame as the pandas path
        frame, timings[f"{source} to pandas"] = _time(
            lambda source=source: rfm.rfm_from_database(con, REFERENCE_DATE, purchases=source)
        )
        if source == "order_lines":
            result = frame
        elif not result.equals(frame):
            raise AssertionError("RFM from order lines and from order_totals differ")
    if out:
        result.to_pickle(out)
    con.close()
    return {
        "lines": lines,
        "customers": len(result),
        "load_s": load,
        "rfm_s": timings["order_lines to pandas"],
        "timings": timings,
        "threads": threads,
        "peak_loaded_mb": peak_loaded,
        "peak_mb": _peak_mb(),
    }


def _child(engine: str, folder: str, out: str | None) -> dict:
    cmd = [sys.executable, __file__, "--child", engine, folder] + (["--out", out] if out else [])
    done = subprocess.run(cmd, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        raise RuntimeError(f"{engine} run failed:\n{done.stderr[-3000:]}")
    return json.loads(done.stdout.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--lines", nargs="+", type=float, default=[1e6, 1e7], help="target order lines per run"
    )
    parser.add_argument(
        "--keep", help="folder to keep the generated data in (default: a temporary folder, removed)"
    )
    parser.add_argument("--child", nargs=2, metavar=("ENGINE", "FOLDER"), help=argparse.SUPPRESS)
    parser.add_argument("--out", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        engine, folder = args.child
        stats = (run_pandas if engine == "pandas" else run_sql)(folder, args.out)
        print(json.dumps(stats))
        return

    from crm_lessons.generator import write_case_company

    print(f"cores: {os.cpu_count()}, load average now: {os.getloadavg()[0]:.1f}", flush=True)
    root = Path(args.keep) if args.keep else Path(tempfile.mkdtemp(prefix="bench_rfm_"))
    rows = []
    try:
        for target in args.lines:
            n_customers = int(round(target / LINES_PER_CUSTOMER))
            folder = root / f"lines_{int(target):d}" / "case_company"
            if not (folder / "order_lines.csv").is_file():
                folder.mkdir(parents=True, exist_ok=True)
                start = time.perf_counter()
                write_case_company(folder, n_customers=n_customers)
                print(
                    f"generated {n_customers:,} customers in {time.perf_counter() - start:.0f} s", flush=True
                )
            compare = target <= 2e6
            outs = {e: str(folder.parent / f"rfm_{e}.pkl") if compare else None for e in ("pandas", "sql")}
            for engine in ("sql", "pandas"):
                stats = _child(engine, str(folder), outs[engine])
                stats.update(engine=engine, target=target)
                rows.append(stats)
                head = f"{stats['lines']:>12,} lines {stats['customers']:>9,} customers"
                memory = (
                    f"peak memory {stats['peak_loaded_mb']:,.0f} MB after loading, "
                    f"{stats['peak_mb']:,.0f} MB at end"
                )
                if engine == "pandas":
                    t = stats["rfm_s"]
                    print(
                        f"{head}  pandas: load {stats['load_s']:.1f} s; "
                        f"RFM first {t[0]:.2f} s, best {min(t):.2f} s; {memory}",
                        flush=True,
                    )
                else:
                    print(
                        f"{head}  DuckDB ({stats['threads']} threads): "
                        f"build {stats['load_s']:.1f} s; {memory}",
                        flush=True,
                    )
                    for what, t in stats["timings"].items():
                        print(
                            f"{'':>40}  RFM in SQL from {what:<24} first {t[0]:6.2f} s, best {min(t):6.2f} s",
                            flush=True,
                        )
            if compare:
                import pandas as pd

                a, b = (pd.read_pickle(outs[e]) for e in ("pandas", "sql"))
                pd.testing.assert_frame_equal(a, b, check_exact=True)
                print(f"{'':>12} pandas and SQL results identical ({len(a):,} customers)", flush=True)
    finally:
        if not args.keep:
            shutil.rmtree(root, ignore_errors=True)


if __name__ == "__main__":
    main()
