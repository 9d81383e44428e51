"""Input event -> changed picture in the page, per widget, in JupyterLab and on the demo server.

Run: ``python benchmarks/bench_demo_latency.py [--reps 15] [--only abc,rfm]``

For each widget one control is changed back and forth as a person would (arrow keys on a slider
handle; a choice in a drop-down; a click on a toggle; typing). The time is taken inside the
page: from the input event (its ``keydown``/``change``/``click``/``input`` listener) to the
moment the widget's picture (``img`` src) changes — or, for the widgets without a picture
(quizzes, glossary), its text. Printed: median and 95th percentile per widget and place, the demo
server's start time and the time to its first page. Needs /usr/bin/chromium and playwright.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests"))  # the browser set-up the browser tests use

from browser_support import (  # noqa: E402
    chromium_context,
    dropdowns,
    jupyter_lab,
    open_notebook,
    run_all,
    slider,
    text_box,
    widgets_notebook,
)

from crm_lessons.widgets.demos import DEMO_DIR, DEMOS, DemoServer, demo_file  # noqa: E402

#: demo -> (kind of control, its label or option pair)
CONTROLS = {
    "abc": ("slider", "A ends at"),
    "screening": ("slider", "profitability"),
    "basket": ("slider", "min confidence"),
    "rfm": ("slider", "High score"),
    "targeting": ("slider", "Targeted reach"),
    "clv": ("slider", "Retention"),
    "retention": ("slider", "Year"),
    "pilots": ("select", ("region", "North", "all")),
    "quiz_type": ("select", (None, "operational", "analytical")),
    "quiz_failure": ("select", (None, "hardware first", "no economics")),
    "glossary": ("type", ("Search", "loyal", "value")),
}

#: In-page recorder: times of input events on the widget and of changes of its picture (or text).
RECORDER_JS = """
root => {
  const rec = {events: [], changes: []};
  for (const name of ['keydown', 'change', 'input', 'pointerdown']) {
    root.addEventListener(name, () => rec.events.push(performance.now()), {capture: true});
  }
  const img = root.querySelector('img');
  if (img) {
    new MutationObserver(() => rec.changes.push(performance.now()))
      .observe(img, {attributes: true, attributeFilter: ['src']});
  } else {
    let last = root.innerText;
    new MutationObserver(() => {
      const now = root.innerText;
      if (now !== last) { last = now; rec.changes.push(performance.now()); }
    }).observe(root, {childList: true, subtree: true, characterData: true});
  }
  root.crmRecorder = rec;
  return true;
}
"""


def _act(root, name: str, i: int) -> None:
    kind, what = CONTROLS[name]
    if kind == "slider":
        handle = slider(root, what).locator(".noUi-handle")
        handle.focus()
        handle.press(
            "ArrowLeft" if i % 2 == 0 else "ArrowRight"
        )  # left first: a slider may start at its maximum
    elif kind == "select":
        label, a, b = what
        dropdowns(root, label).first.locator("select").select_option(label=a if i % 2 == 0 else b)
    else:
        label, a, b = what
        field = text_box(root, label)
        field.locator("input").press("End")
        field.locator("input").press("Backspace" if i % 2 else "s")


def measure(root, name: str, reps: int) -> list[float]:
    """Milliseconds from input event to changed picture, ``reps`` times (back and forth)."""
    root.evaluate(RECORDER_JS)
    times = []
    for i in range(reps):
        n_events, n_changes = root.evaluate(
            "r => [r.crmRecorder.events.length, r.crmRecorder.changes.length]"
        )
        _act(root, name, i)
        deadline = time.time() + 5
        value = None
        while time.time() < deadline:
            events, changes = root.evaluate("r => [r.crmRecorder.events, r.crmRecorder.changes]")
            if len(events) > n_events and len(changes) > n_changes:
                start = events[n_events]
                after = [c for c in changes[n_changes:] if c >= start]
                if after:
                    value = after[0] - start
                    break
            time.sleep(0.02)
        if value is None:
            print(f"  {name}: no change within 5 s (change {i + 1})", file=sys.stderr)
        else:
            times.append(value)
        root.page.wait_for_timeout(300)  # let the kernel settle before the next change
    return times


def summary(times: list[float]) -> tuple[float, float]:
    if not times:
        return float("nan"), float("nan")
    ordered = sorted(times)
    p95 = ordered[min(len(ordered) - 1, int(round(0.95 * (len(ordered) - 1))))]
    return statistics.median(ordered), p95


def run_demo_server(context, names, reps) -> tuple[dict, float, float]:
    server = DemoServer(DEMO_DIR)
    start = server.start(timeout=120)
    results, first_page = {}, None
    try:
        for name in names:
            demo = next(d for d in DEMOS if d.name == name)
            page = context.new_page()
            t = time.perf_counter()
            page.goto(server.url(f"en/{demo_file(demo)}"), timeout=180_000)
            root = page.locator(".crm-demo")
            root.wait_for(timeout=180_000)
            if CONTROLS[name][0] != "select" and name not in ("glossary",):
                page.locator(".crm-demo img").first.wait_for(timeout=180_000)
            if first_page is None:
                first_page = time.perf_counter() - t
            page.wait_for_timeout(500)
            results[name] = measure(root, name, reps)
            page.close()
    finally:
        server.stop()
    return results, start, first_page


def run_lab(context, names, reps) -> dict:
    root_dir = Path(tempfile.mkdtemp())
    (root_dir / "widgets.ipynb").write_text(json.dumps(widgets_notebook(names)))
    token = "bench"
    results = {}
    try:
        with jupyter_lab(root_dir, token) as base:
            page = context.new_page()
            page.set_viewport_size({"width": 1600, "height": 1000})
            open_notebook(page, base, token, "widgets.ipynb", 180_000)
            run_all(page)
            for name in names:
                root = page.locator(f".crm-w-{name}").first
                root.wait_for(timeout=180_000)
                root.scroll_into_view_if_needed()
                page.wait_for_timeout(300)
                results[name] = measure(root, name, reps)
            page.close()
    finally:
        shutil.rmtree(root_dir, ignore_errors=True)
    return results


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--reps", type=int, default=15)
    parser.add_argument("--only", default="", help="comma-separated demo names (default: all)")
    args = parser.parse_args()
    names = [n for n in (args.only.split(",") if args.only else [d.name for d in DEMOS]) if n]
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        with chromium_context(p, viewport={"width": 853, "height": 480}, device_scale_factor=1.5) as context:
            demo, start, first_page = run_demo_server(context, names, args.reps)
            lab = run_lab(context, names, args.reps)
    print(
        f"\ninput event -> changed picture in the page (ms), {args.reps} changes per widget; "
        f"load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores"
    )
    print(f"{'widget':<14}{'lab median':>11}{'lab p95':>9}{'demo median':>13}{'demo p95':>10}")
    for name in names:
        lm, lp = summary(lab.get(name, []))
        dm, dp = summary(demo.get(name, []))
        print(f"{name:<14}{lm:>11.0f}{lp:>9.0f}{dm:>13.0f}{dp:>10.0f}")
    print(
        f"\ndemo server start: {start:.1f} s; "
        f"first page ({names[0]}) until its widget shows: {first_page:.1f} s"
    )


if __name__ == "__main__":
    main()
