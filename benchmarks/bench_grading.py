"""Grading speed: 100 chapter-1 submissions, next to the papermill floor.

Prints
* the floor: plain papermill (one fresh kernel per notebook) on a notebook that only imports
  pandas, seaborn and ipywidgets -- what any one-kernel-per-notebook grader pays at least;
* plain papermill on one real submission (the naive grader's cost per submission);
* ``crm_lessons.grading.grade`` on 100 submissions (40 full solutions, 20 blank, 40 partly
  wrong): wall time, per submission, and the setup (hidden data + warm zygote) inside it.

Also prints the sandbox (bubblewrap + cgroup, issue 9) and its start-up cost per submission, and
how long the grader's comparison takes on a wide answer built to be slow.

Usage: ``python benchmarks/bench_grading.py [N]`` (default 100); ``BENCH_INSECURE=1`` grades
without the sandbox, to see what isolation costs. Target: 100 in <= 120 s on
2 cores.
"""

from __future__ import annotations

import copy
import json
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

import nbformat
import papermill as pm

ROOT = Path(__file__).resolve().parent.parent
SOLUTION = ROOT / "exercises" / "solutions" / "ch01_crm_overview.ipynb"
BLANK = ROOT / "exercises" / "ch01_crm_overview.ipynb"


def floor_notebook(path: Path) -> None:
    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_code_cell("import pandas\nimport seaborn\nimport ipywidgets")]
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    nbformat.write(nb, str(path))


def papermill_seconds(path: Path, runs: int = 3) -> float:
    times = []
    for _ in range(runs):
        t = time.perf_counter()
        try:
            pm.execute_notebook(
                str(path), None, kernel_name="python3", progress_bar=False, cwd=str(path.parent)
            )
        except pm.PapermillExecutionError:
            pass
        times.append(time.perf_counter() - t)
    return statistics.median(times)


def partly_wrong(sol: dict, k: int) -> dict:
    nb = copy.deepcopy(sol)
    for cell in nb["cells"]:
        src = "".join(cell["source"]) if isinstance(cell["source"], list) else cell["source"]
        if k % 2 and 'ex.check("q7"' in src:
            cell["source"] = src.replace("int(0.2 * len(per_customer))", "int(0.3 * len(per_customer))")
        if k % 3 == 0 and 'ex.check("q8"' in src:
            cell["source"] = src.replace('["revenue"].sum()', '["profit"].sum()')
        for out in cell.get("outputs", []):
            rec = out.get("data", {}).get("application/vnd.crm-lessons.answer+json")
            if rec and rec["question"] == "q4" and k % 2 == 0:
                rec["answer"] = "run the campaign"
    return nb


def main(n: int = 100) -> None:
    from crm_lessons.grading import grade

    tmp = Path(tempfile.mkdtemp(prefix="bench-grading-"))
    floor_nb = tmp / "floor.ipynb"
    floor_notebook(floor_nb)
    sol = json.loads(SOLUTION.read_text(encoding="utf-8"))
    blank = json.loads(BLANK.read_text(encoding="utf-8"))

    floor = papermill_seconds(floor_nb)
    naive_copy = tmp / "naive" / "solution.ipynb"
    naive_copy.parent.mkdir()
    naive_copy.write_text(json.dumps(sol), encoding="utf-8")
    naive = papermill_seconds(naive_copy, runs=2)

    subs = tmp / "submissions"
    subs.mkdir()
    for i in range(n):
        if i % 5 in (0, 1):
            nb = sol
        elif i % 5 == 2:
            nb = blank
        else:
            nb = partly_wrong(sol, i)
        (subs / f"student{i:03d}.ipynb").write_text(json.dumps(nb), encoding="utf-8")

    import crm_lessons.grading as grading
    from crm_lessons.grading.engine import Zygote

    setup = {}

    def timed(name, fn):
        def wrapper(*args, **kwargs):
            t0 = time.perf_counter()
            try:
                return fn(*args, **kwargs)
            finally:
                setup[name] = setup.get(name, 0.0) + time.perf_counter() - t0

        return wrapper

    grading.make_hidden_data = timed("hidden data", grading.make_hidden_data)
    Zygote._start = timed("warm zygote", Zygote._start)

    t = time.perf_counter()
    workers = int(os.environ.get("BENCH_WORKERS", "0")) or None
    # BENCH_INSECURE=1: the same without the sandbox (what isolation costs, on the same notebooks)
    insecure = os.environ.get("BENCH_INSECURE") == "1"
    results = grade(
        [subs],
        tmp / "out",
        progress=True,
        workers=workers,
        isolate=False if insecure else None,
        insecure=insecure,
    )
    wall = time.perf_counter() - t
    per_sub = statistics.median(r.seconds for r in results)
    # written answers wait for the instructor's marks: "full" is full on everything graded automatically
    full = sum(r.points == sum(q.max_points for q in r.questions if q.source != "written") for r in results)
    zero = sum(r.points == 0 for r in results)

    print(
        "papermill floor (import pandas, seaborn, ipywidgets), one kernel per notebook: "
        f"{floor:.2f} s per notebook"
    )
    print(f"papermill, one kernel per notebook, on a chapter-1 solution: {naive:.2f} s per notebook")
    print(
        f"  -> {n} submissions that way, one after another:  {n * naive:.0f} s;  "
        f"on 2 cores at best: {n * naive / 2:.0f} s"
    )
    mode = "no sandbox, BENCH_INSECURE" if insecure else "papermill + warm zygote kernels"
    print(f"crm-lessons grade, {n} submissions ({mode}): {wall:.1f} s wall")
    print(
        f"  -> {wall / n:.2f} s per submission (wall / n); median time one submission took: {per_sub:.2f} s"
    )
    print("  of which set-up: " + ", ".join(f"{k} {v:.1f} s" for k, v in setup.items()))
    print(f"  results: {full} full marks, {zero} zero, {n - full - zero} partial")
    import sqlite3

    with sqlite3.connect(tmp / "out" / "gradebook.sqlite") as db:
        meta = dict(db.execute("SELECT key, value FROM meta"))
    print(f"  sandbox: {meta.get('sandbox')}")
    if "sandbox_start_seconds_median" in meta:
        print(
            f"  sandbox start-up (bubblewrap + cgroup), median per submission: "
            f"{1000 * float(meta['sandbox_start_seconds_median']):.0f} ms"
        )
    compare_seconds()


def compare_seconds() -> None:
    """The grader's comparison on answers built to be slow: it must stay linear in their size."""
    import numpy as np
    import pandas as pd

    from crm_lessons.exercises import compare_plain, to_plain

    wide = pd.DataFrame(np.arange(400 * 500, dtype=float).reshape(400, 500))
    wide.columns = [f"c{i}" for i in range(500)]
    ref, ans = to_plain(wide), to_plain(wide.iloc[:, ::-1])
    t = time.perf_counter()
    compare_plain(ans, ref)
    print(f"comparing a 400 x 500 frame (columns reversed): {time.perf_counter() - t:.2f} s")


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 100)
