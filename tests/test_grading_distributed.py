"""Grading on Dask (crm_lessons.grading.distributed): a LocalCluster of 2 workers, a small batch.

The same grader runs on each worker, so the points must be those of the local executor; the
results land in the one gradebook as they arrive (a re-run resumes); a worker killed in the
middle of the batch costs only a retry of its task.
"""

from __future__ import annotations

import os
import shutil
import signal
import sqlite3
import threading
import time

import pytest

from crm_lessons.data import data_dir
from crm_lessons.exercise_build import EXERCISES_DIR
from crm_lessons.exercises import get_exercise
from crm_lessons.grading import BatchContext, grade
from crm_lessons.grading.distributed import batch_key, batch_spec, dask_runner

SOLUTION = EXERCISES_DIR / "solutions" / "ch01_crm_overview.ipynb"
BLANK = EXERCISES_DIR / "ch01_crm_overview.ipynb"


def _auto_points() -> float:
    """What a full solution scores before the instructor marks its written answers."""
    return sum(q.points for q in get_exercise("ch01").questions if q.source != "written")


def _grade(subs, out, client, **kwargs):
    # the committed data stands in for the hidden data: no case company generated per batch (speed);
    # one seed: the second test's batch reuses the workers' warm set-up (zygote, references) of the first
    runner = dask_runner("local", client=client)
    return grade([subs], out, progress=False, data_dir=data_dir(), seed=7, runner=runner, **kwargs)


@pytest.fixture(scope="module")
def client():
    distributed = pytest.importorskip("distributed")
    cluster = distributed.LocalCluster(
        n_workers=2, threads_per_worker=2, processes=True, dashboard_address=None, silence_logs=40
    )
    c = distributed.Client(cluster)
    yield c
    c.close()
    cluster.close()


def _batch(folder, full=2, blank=1, junk=True):
    folder.mkdir()
    for i in range(full):
        shutil.copy(SOLUTION, folder / f"full{i}.ipynb")
    for i in range(blank):
        shutil.copy(BLANK, folder / f"blank{i}.ipynb")
    if junk:
        (folder / "junk.ipynb").write_text("{not json", encoding="utf-8")
    return folder


def test_cluster_grades_like_the_local_executor_and_resumes(tmp_path, client):
    subs = _batch(tmp_path / "subs")
    out = tmp_path / "out"
    results = {r.student: r for r in _grade(subs, out, client)}
    total = _auto_points()
    assert {s: (r.points, r.status) for s, r in results.items()} == {
        "full0": (total, "graded"),
        "full1": (total, "graded"),
        "blank0": (0, "graded"),
        "junk": (0, "not gradable"),
    }
    assert results["full0"].file == str(subs / "full0.ipynb")  # the grader's path, not the worker's copy
    with sqlite3.connect(out / "gradebook.sqlite") as db:
        assert db.execute("SELECT COUNT(*) FROM submissions").fetchone()[0] == 4
        assert db.execute("SELECT COUNT(*) FROM details WHERE answer IS NOT NULL").fetchone()[0] > 0
    assert (out / "feedback" / "full0_ch01.html").exists()
    # resuming: nothing left to grade, nothing sent to the cluster
    assert _grade(subs, out, client) == []


def test_a_worker_lost_mid_batch_costs_only_a_retry(tmp_path, client):
    subs = _batch(tmp_path / "subs", full=3, blank=2, junk=False)
    out = tmp_path / "out"
    killed = []
    pids = client.run(os.getpid)  # worker address -> process id (processes this test's cluster started)

    def kill_a_busy_worker():
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline and not killed:
            busy = [w for w, keys in client.processing().items() if keys]
            done = 0
            if (out / "gradebook.sqlite").exists():
                with sqlite3.connect(out / "gradebook.sqlite") as db:
                    try:
                        done = db.execute("SELECT COUNT(*) FROM submissions").fetchone()[0]
                    except sqlite3.OperationalError:
                        done = 0
            if busy and done >= 1:
                os.kill(pids[busy[0]], signal.SIGKILL)
                killed.append(busy[0])
                return
            time.sleep(0.05)

    watcher = threading.Thread(target=kill_a_busy_worker, daemon=True)
    watcher.start()
    results = _grade(subs, out, client)
    watcher.join(5)
    assert killed, "no worker was killed: the batch finished too fast to test a loss"
    total = _auto_points()
    assert sorted((r.student, r.points) for r in results) == [
        ("blank0", 0),
        ("blank1", 0),
        ("full0", total),
        ("full1", total),
        ("full2", total),
    ]
    client.wait_for_workers(2, timeout=60)  # the nanny brought the worker back


def test_runs_with_the_same_settings_share_a_warm_set_up():
    spec = {
        "ctx": {"data_root": "/d", "work_root": "/tmp/a", "cell_timeout": 30},
        "refs": {},
        "seed": 7,
        "isolate": False,
    }
    other_scratch = {**spec, "ctx": {**spec["ctx"], "work_root": "/tmp/b"}}
    other_seed = {**spec, "seed": 8}
    assert batch_key(spec) == batch_key(other_scratch) != batch_key(other_seed)


def test_batch_settings_that_cannot_travel_are_named():
    ctx = BatchContext.__new__(BatchContext)
    ctx.__dict__.update(
        {
            "data_root": "/x",
            "work_root": "/y",
            "refs": None,
            "zygote": None,
            "uids": None,
            "lock": threading.Lock(),
        }
    )
    with pytest.raises(RuntimeError, match="cannot ship the batch setting 'lock'"):
        batch_spec(ctx, 1)


def test_unreachable_scheduler_is_a_clear_error(tmp_path):
    subs = _batch(tmp_path / "subs", full=1, blank=0, junk=False)
    with pytest.raises(RuntimeError, match="cannot reach the Dask scheduler at tcp://127.0.0.1:9"):
        grade(
            [subs],
            tmp_path / "out",
            progress=False,
            data_dir=None,
            runner=dask_runner("tcp://127.0.0.1:9", timeout="3s"),
        )
