"""How fast the case-company generator runs at benchmark size.

Generates the case company at the committed size (5,000 customers, the classroom data) and with
50,000 customers (about 1 million order lines), writes the CSV files to a temporary folder, and
prints the time of each step and order lines per second. Pass another customer count to scale
(500000 gives about 10 million lines). Every table draws from its own random stream
(``generator.STREAMS``), so the figures cover the whole simulation.

Run: .venv/bin/python benchmarks/bench_generator.py [n_customers]
"""

from __future__ import annotations

import sys
import tempfile
import time

from crm_lessons.generator import generate_case_company, write_case_company


def main(n_customers: int = 50_000) -> None:
    start = time.perf_counter()
    generate_case_company()
    print(f"committed size (5,000 customers): generate {time.perf_counter() - start:.2f} s")
    start = time.perf_counter()
    tables = generate_case_company(n_customers=n_customers)
    generated = time.perf_counter() - start
    n_lines = len(tables["order_lines"])
    del tables
    with tempfile.TemporaryDirectory() as folder:
        start = time.perf_counter()
        paths = write_case_company(folder, n_customers=n_customers)
        written = time.perf_counter() - start
        size_mb = sum(p.stat().st_size for p in paths) / 1e6
    print(f"customers          {n_customers:>12,}")
    print(f"order lines        {n_lines:>12,}")
    print(f"generate (s)       {generated:>12.1f}   {n_lines / generated:>12,.0f} lines/s")
    print(f"generate+write (s) {written:>12.1f}   {n_lines / written:>12,.0f} lines/s")
    print(f"CSV size (MB)      {size_mb:>12.1f}")


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 50_000)
