"""Benchmark: update time of the chapter-4 widgets on the case data.

For each widget (CLV calculator, retention explorer, pilot explorer) sets one control
through a cycle of values, as a student dragging a slider would (retention in steps of one
point; horizon from 5 to 24 periods; every year; every region), and prints the median
and the best time of one update (observer call included): with the plot redrawn and
encoded as PNG (what the student sees) and without it (the computation alone). Times
are wall-clock and CPU (process) time; the machine is shared, so the load average is
printed too. Target: every update within 50 ms.

Run: /work/venv/bin/python benchmarks/bench_loyalty_widgets.py [--repeats N]
"""

from __future__ import annotations

import argparse
import os
import statistics
import time

from crm_lessons.data import load_case_company
from crm_lessons.widgets.clv import CLVCalculator
from crm_lessons.widgets.pilots import PilotExplorer
from crm_lessons.widgets.retention import RetentionExplorer

TARGET_MS = 50.0


def time_updates(control, values, repeats):
    """Wall and CPU milliseconds of each assignment ``control.value = v``."""
    wall, cpu = [], []
    for _ in range(repeats):
        for v in values:
            w0, c0 = time.perf_counter(), time.process_time()
            control.value = v
            wall.append((time.perf_counter() - w0) * 1000)
            cpu.append((time.process_time() - c0) * 1000)
    return wall, cpu


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=5, help="passes over each control's values")
    args = parser.parse_args(argv)
    case = load_case_company()
    print(f"load average at start: {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores")
    print(
        f"{'widget':<22}{'plot':<6}{'median wall':>13}{'best wall':>11}{'median cpu':>12}"
        f"   within {TARGET_MS:.0f} ms"
    )
    for draw in (True, False):
        widgets = [
            (
                "CLV calculator",
                CLVCalculator(margin=1200, retention=0.65, discount_rate=0.08, draw=draw),
                "retention",
                [0.60, 0.61, 0.62, 0.63, 0.64, 0.65, 0.66],
            ),
            (
                "CLV calc. (horizon)",
                CLVCalculator(margin=1200, retention=0.65, discount_rate=0.08, draw=draw),
                "horizon",
                list(range(5, 25)),
            ),
            (
                "retention explorer",
                RetentionExplorer(case["orders"], case["customers"], draw=draw),
                "year",
                [2019, 2020, 2021, 2022, 2023, 2024],
            ),
            (
                "pilot explorer",
                PilotExplorer(case["pilot"], case["customers"], draw=draw),
                "region",
                ["North", "East", "South", "Central", "West", "all"],
            ),
        ]
        for name, widget, attr, values in widgets:
            control = widget.filters[attr] if attr == "region" else getattr(widget, attr)
            time_updates(control, values, 1)  # warm up (fonts, caches)
            wall, cpu = time_updates(control, values, args.repeats)
            med = statistics.median(wall)
            print(
                f"{name:<22}{'yes' if draw else 'no':<6}{med:>11.1f}ms{min(wall):>9.1f}ms"
                f"{statistics.median(cpu):>10.1f}ms"
                f"   {'yes' if med <= TARGET_MS else 'NO'}"
            )
    print(f"load average at end: {os.getloadavg()[0]:.1f}")


if __name__ == "__main__":
    main()
