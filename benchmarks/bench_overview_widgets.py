"""Benchmark: update times of the chapter-1 widgets on the full case-company data.

Prints the median over repeated control moves of

- targeting explorer, ``compute``: :func:`crm_lessons.targeting.mass_vs_targeted` plus
  :func:`crm_lessons.targeting.targeting_curve` on every consumer (the numbers behind the widget);
- targeting explorer, ``update + plot``: the widget's whole ``update()`` (table and PNG curve);
- glossary search, ``update``: one keystroke in the search box;

and the one-off cost of building the campaign frame from the sales lines.

Run: /work/venv/bin/python benchmarks/bench_overview_widgets.py [--repeats N]
"""

from __future__ import annotations

import argparse
import itertools
import statistics
import time

from crm_lessons import data, targeting
from crm_lessons.widgets.glossary import GlossarySearch
from crm_lessons.widgets.targeting import TargetingExplorer

TARGET_MS = 50.0


def median_ms(moves, function, repeats: int) -> float:
    times = []
    for move in itertools.islice(itertools.cycle(moves), repeats):
        move()
        start = time.perf_counter()
        function()
        times.append((time.perf_counter() - start) * 1000)
    return statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=20)
    args = parser.parse_args()

    customers, sales = data.load_customers(), data.load_sales()
    start = time.perf_counter()
    campaign = targeting.campaign_frame(
        customers, sales, cutoff="2024-07-01", end="2024-12-31", kinds=["consumer"]
    )
    print(
        f"campaign frame: {len(campaign):,} consumers from {len(sales):,} order lines, "
        f"built once in {(time.perf_counter() - start) * 1000:.0f} ms"
    )

    w = TargetingExplorer(campaign, uplift=0.23, cost_per_contact=300, top_share=0.2)
    for control in (w.cost_per_contact, w.top_share, w.only_extra):
        control.unobserve_all("value")
    values = [(w.cost_per_contact, v) for v in (50, 150, 300, 450)] + [
        (w.top_share, v) for v in (0.1, 0.3, 0.6)
    ]
    moves = [lambda c=c, v=v: setattr(c, "value", v) for c, v in values]

    def compute():
        targeting.mass_vs_targeted(
            campaign, cost_per_contact=w.cost_per_contact.value, top_share=w.top_share.value, uplift=0.23
        )
        targeting.targeting_curve(campaign, cost_per_contact=w.cost_per_contact.value, uplift=0.23)

    c_ms = median_ms(moves, compute, args.repeats)
    u_ms = median_ms(moves, w.update, args.repeats)
    g = GlossarySearch()
    g.query.unobserve_all("value")
    g_moves = [lambda q=q: setattr(g.query, "value", q) for q in ("l", "lo", "loy", "loyal", "value", "客户")]
    g_ms = median_ms(g_moves, g.update, args.repeats)

    print(f"{'widget':<22}{'step':<16}{'median ms':>10}  target {TARGET_MS:.0f} ms (compute)")
    print(f"{'targeting explorer':<22}{'compute':<16}{c_ms:>10.1f}  {'ok' if c_ms <= TARGET_MS else 'SLOW'}")
    print(f"{'targeting explorer':<22}{'update + plot':<16}{u_ms:>10.1f}")
    print(f"{'glossary search':<22}{'update':<16}{g_ms:>10.1f}  {'ok' if g_ms <= TARGET_MS else 'SLOW'}")


if __name__ == "__main__":
    main()
