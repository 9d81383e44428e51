"""Grading on Dask next to the local executor: 200 submissions, side by side.

Prints, for the same 200 chapter-1 submissions (40 % full solutions, 20 % blank, 40 % partly
wrong; the mix of ``bench_grading.py``) graded with the same hidden-data seed:

* the local executor (threads driving kernels forked from one warm zygote);
* a LocalCluster of 2 worker processes (``--scheduler local --workers 2``), each worker with
  its own zygote, one task per submission;

wall time, time per submission, and the set-up inside it; that both gave every student the
same points; and the per-submission overhead the cluster adds: (cluster wall - local wall) / n,
and Dask's own cost of a task carrying a notebook (a no-op task with the same payload).

Usage: ``python benchmarks/bench_grading_distributed.py [N]`` (default 200).

Measured 2026-12-01 on 2 cores shared with other jobs (load average 13-26), chapter 1 with
15 questions:

=====================================  ==============  =====================
run                                    local executor  2-worker LocalCluster
=====================================  ==============  =====================
hand-made sandbox: wall (s)            267.2           338.3 (46.9 start)
  per submission (s)                   1.34            1.69
bubblewrap sandbox: wall (s)           310.7           278.2 (12.4 start)
  per submission (s)                   1.55            1.39
=====================================  ==============  =====================

Same points for every student both times. Dask's own cost of a task carrying the notebook:
3.9 ms (17 KB) and 2.1 ms (184 KB). The wall-time differences (+0.36 and -0.16 s per
submission) are within the noise of the load.
"""

from __future__ import annotations

import json
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(Path(__file__).resolve().parent))

from bench_grading import BLANK, SOLUTION, partly_wrong  # noqa: E402

SEED = 20261201


def make_submissions(folder: Path, n: int) -> None:
    sol = json.loads(SOLUTION.read_text(encoding="utf-8"))
    blank = json.loads(BLANK.read_text(encoding="utf-8"))
    folder.mkdir(parents=True)
    for i in range(n):
        nb = sol if i % 5 in (0, 1) else blank if i % 5 == 2 else partly_wrong(sol, i)
        (folder / f"student{i:03d}.ipynb").write_text(json.dumps(nb), encoding="utf-8")


def noop(payload: bytes) -> int:
    return len(payload)


def task_overhead(client, payload: bytes, n: int) -> float:
    """Seconds per no-op task carrying ``payload`` (submit, schedule, run, gather), n tasks."""
    t = time.perf_counter()
    futures = [client.submit(noop, payload, pure=False) for _ in range(n)]
    client.gather(futures)
    return (time.perf_counter() - t) / n


def main(n: int = 200) -> None:
    from crm_lessons.grading import grade
    from crm_lessons.grading.distributed import _open_client, dask_runner

    tmp = Path(tempfile.mkdtemp(prefix="bench-dask-"))
    subs = tmp / "submissions"
    make_submissions(subs, n)

    t = time.perf_counter()
    local = grade([subs], tmp / "local", seed=SEED, progress=True)
    local_wall = time.perf_counter() - t

    t = time.perf_counter()
    client, cluster = _open_client("local", 2)  # what --scheduler local --workers 2 starts
    cluster_start = time.perf_counter() - t
    try:
        t = time.perf_counter()
        on_dask = grade(
            [subs], tmp / "dask", seed=SEED, progress=True, runner=dask_runner("local", client=client)
        )
        dask_wall = time.perf_counter() - t
        payload = SOLUTION.read_bytes()
        per_task = task_overhead(client, payload, n)
        threads = sum(client.nthreads().values())
    finally:
        client.close()
        cluster.close()

    same = {r.student: r.points for r in local} == {r.student: r.points for r in on_dask}
    med_local = statistics.median(r.seconds for r in local)
    med_dask = statistics.median(r.seconds for r in on_dask)
    load = ", ".join(f"{x:.1f}" for x in os.getloadavg())
    print(f"\n{n} chapter-1 submissions, same seed, {os.cpu_count()} cores (load average at the end: {load})")
    print(f"{'':44}{'local executor':>16}{'2-worker LocalCluster':>24}")
    print(f"{'wall time (s)':44}{local_wall:16.1f}{dask_wall + cluster_start:24.1f}")
    print(f"{'  of which starting the cluster (s)':44}{'-':>16}{cluster_start:24.1f}")
    print(f"{'per submission, wall / n (s)':44}{local_wall / n:16.2f}{(dask_wall + cluster_start) / n:24.2f}")
    print(f"{'median time one submission took (s)':44}{med_local:16.2f}{med_dask:24.2f}")
    print(f"{'submissions at once':44}{'cores + 1':>16}{f'{threads} worker threads':>24}")
    print(f"same points for every student: {same}")
    print(
        f"overhead the cluster adds per submission: {(dask_wall + cluster_start - local_wall) / n:+.3f} s "
        f"(wall difference / n, cluster start included); {(dask_wall - local_wall) / n:+.3f} s without it"
    )
    print(
        f"Dask's own cost of one task carrying a {len(payload) // 1024} KB notebook: {1000 * per_task:.1f} ms"
    )


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 200)
