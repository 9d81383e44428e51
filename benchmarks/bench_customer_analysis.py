"""Benchmark: update times of the chapter-2 widgets on the full case-company data.

For each widget (ABC explorer, screening-weights explorer, cross-selling explorer) it
prints the one-off build time (the precomputation that does not depend on the controls),
then the median over repeated slider moves of

- ``compute``: the numbers behind the widget (the figure the course asks to keep ≤ 50 ms);
- ``update, no plot``: compute plus the table and status text (``draw=False``);
- ``update + plot``: everything including the plot as PNG. The widgets draw axes, ticks and
  labels once and then only move their artists (:class:`crm_lessons.widgets._blit.BlitPNG`);
  the last column counts full redraws of the figure during the timed moves (0 = none).

Each repeat sets a different control value, as a user dragging a slider would.

Run: /work/venv/bin/python benchmarks/bench_customer_analysis.py [--repeats N]
"""

from __future__ import annotations

import argparse
import itertools
import statistics
import time

from crm_lessons.data import load_customers, load_products, load_sales
from crm_lessons.widgets.abc_analysis import ABCExplorer
from crm_lessons.widgets.basket import CrossSellingExplorer
from crm_lessons.widgets.screening import ScreeningExplorer

TARGET_MS = 50.0


def timed(function) -> float:
    start = time.perf_counter()
    function()
    return (time.perf_counter() - start) * 1000


def median_ms(moves, function, repeats: int) -> float:
    """Median time in ms of ``function`` after each of ``repeats`` control moves."""
    times = []
    for move in itertools.islice(itertools.cycle(moves), repeats):
        move()
        times.append(timed(function))
    return statistics.median(times)


def setter(control, value):
    # the widget's observer is detached first, so only the timed function does the work
    control.unobserve_all("value")

    def move():
        control.value = value

    return move


def bench(name, build, controls, repeats):
    start = time.perf_counter()
    w = build(draw=False)
    build_ms = (time.perf_counter() - start) * 1000
    moves = [setter(c, v) for c, v in controls(w)]
    compute = median_ms(moves, w.compute, repeats)
    update = median_ms(moves, w.update, repeats)
    wd = build(draw=True)
    moves_d = [setter(c, v) for c, v in controls(wd)]
    redraws = wd._png.full_redraws
    update_plot = median_ms(moves_d, wd.update, max(5, repeats // 2))
    redraws = wd._png.full_redraws - redraws
    flag = "ok" if compute <= TARGET_MS else "SLOW"
    print(
        f"{name:<26} {build_ms:>9.0f} {compute:>10.2f} {update:>14.2f} {update_plot:>13.0f} "
        f"{redraws:>9}   {flag}"
    )
    return compute


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--repeats", type=int, default=50, help="slider moves timed per widget (median reported)"
    )
    args = parser.parse_args(argv)

    sales, customers, products = load_sales(), load_customers(), load_products()
    print(
        f"case data: {len(sales):,} order lines, {sales['order_id'].nunique():,} orders, "
        f"{sales['customer_id'].nunique():,} customers; median of {args.repeats} moves; "
        f"target compute ≤ {TARGET_MS:.0f} ms"
    )
    print(
        f"{'widget':<26} {'build ms':>9} {'compute ms':>10} {'update ms':>14} {'+plot ms':>13} {'redraws':>9}"
    )

    bench(
        "ABC explorer",
        lambda draw: ABCExplorer(sales, draw=draw),
        lambda w: (
            [(w.a_cutoff, a) for a in (0.03, 0.05, 0.08, 0.10, 0.12)]
            + [(w.b_cutoff, b) for b in (0.2, 0.3, 0.4)]
        ),
        args.repeats,
    )
    bench(
        "screening-weights explorer",
        lambda draw: ScreeningExplorer(sales, customers, draw=draw),
        lambda w: [(w.sliders[k], v) for k in w.sliders for v in (2, 7, 10)],
        args.repeats,
    )
    bench(
        "cross-selling explorer",
        lambda draw: CrossSellingExplorer(sales, products, draw=draw),
        lambda w: (
            [(w.min_support, s) for s in (0.0, 0.002, 0.005, 0.01)]
            + [(w.min_confidence, c) for c in (0.05, 0.2, 0.4)]
        ),
        args.repeats,
    )


if __name__ == "__main__":
    main()
