"""Grading on a Dask cluster: ``crm-lessons grade ... --scheduler ADDRESS`` (or ``local``).

A MOOC-sized class does not need a home-made scheduler: Dask distributed already schedules,
retries and scales tasks over machines. Here

* **each submission is one task**: the notebook's bytes travel with the task (workers need
  no shared file system), the worker grades it with the same :func:`crm_lessons.grading.grade_one`
  as the local executor -- the same sandbox, limits and scoring -- and returns the
  :class:`~crm_lessons.grading.gradebook.SubmissionResult` (plain data);
* **each worker sets the batch up once**, at its first task: the hidden case data (the
  grader's folder when the worker can read it, otherwise generated again from the batch's
  seed, which gives the same data), the references, its own sandbox probe and its own warm
  zygote; freed when the command's run ends (:func:`close_batch`), or, with a client of the
  caller's, kept warm for the next run with the same settings (:func:`batch_key`; at most
  :data:`KEEP_BATCHES` per worker);
* **results go into the one gradebook as they arrive** (the client records each at once,
  so an interrupted batch resumes like a local one), under a tqdm progress bar with ETA;
* **a lost worker costs only a retry**: Dask gives the task of a worker that died to
  another worker; a task whose grader failed (not the student's work) is retried once;
  what still fails is reported, not recorded, and graded on the next run.

Tasks are submitted a window at a time (a few per worker thread) so that thousands of
submissions do not sit in the client's memory at once.

``--scheduler local --workers N`` starts a :class:`distributed.LocalCluster` of N worker
processes on this machine; any other value is the address of a running scheduler (for
example one started by dask-jobqueue on a Slurm cluster or by the Dask Kubernetes operator;
see README.md). The workers need this package and its environment installed, and, for
complete isolation, run as root.

Speed: ``benchmarks/bench_grading_distributed.py`` grades 200 submissions with the local
executor and with a 2-worker LocalCluster side by side. On this 2-core machine, shared with
other jobs (load average 13-26), Dask's own cost per submission was 2-4 ms (a task carrying
the notebook); starting the cluster took 12-47 s; the two executors' wall times differed by
-0.16 to +0.36 s per submission, within the noise of the load. On one machine the cluster
buys nothing; its use is more machines.
"""

from __future__ import annotations

import os
import shutil
import sys
import tempfile
import threading
import uuid
from pathlib import Path

#: Tasks in flight per worker thread (the rest wait in the client as file paths).
WINDOW_PER_THREAD = 4

# --------------------------------------------------------------------------- worker side

_BATCHES: dict[str, object] = {}
_BATCH_LOCK = threading.Lock()


class _WorkerBatch:
    """One worker's share of a batch: its context (zygote, references, data) and scratch."""

    def __init__(self, spec: dict):
        from crm_lessons.exercises import import_banks
        from crm_lessons.grading import (
            BatchContext,
            References,
            UidPool,
            make_hidden_data,
            probe_isolation,
        )
        from crm_lessons.grading.engine import Zygote

        import_banks()
        self.root = Path(tempfile.mkdtemp(prefix="crm-dask-"))
        os.chmod(self.root, 0o711)
        work_root = self.root / "work"
        work_root.mkdir()
        os.chmod(work_root, 0o711)
        self.inbox = self.root / "inbox"
        self.inbox.mkdir(mode=0o700)
        state = dict(spec["ctx"])
        data_root = Path(state["data_root"])
        if not (data_root / "case_company").is_dir():  # a worker on another machine: same seed, same data
            data_root = make_hidden_data(self.root / "data", int(spec["seed"]))
        state["data_root"] = data_root
        state["work_root"] = work_root
        refs = References.__new__(References)
        refs.__dict__.update(spec["refs"])
        refs._lock = threading.Lock()
        refs._cache = {}
        refs._keys = {}  # the answer key is read again here, in the worker (never shipped as objects)
        from crm_lessons.exercises import CaseData

        if Path(refs.hidden.folder) != data_root:
            refs.hidden = CaseData(str(data_root))
        state["refs"] = refs
        if "expose" in state:
            from crm_lessons.grading import readable_paths

            state["expose"] = readable_paths(data_root)
        uids = UidPool() if spec["isolate"] else None
        if uids is not None:  # this machine's sandbox, probed here
            uid, lease = uids.acquire()
            try:
                state["sandbox"] = probe_isolation(state.get("expose", []), self.root / "probe", uid)
            finally:
                UidPool.release(lease)
            state["isolate"] = bool(state["sandbox"])
        from crm_lessons.grading.sandbox import Cgroups

        state["cgroups"] = Cgroups.create() if state.get("isolate") else None  # this machine's cgroups
        state["jail_seconds"] = []
        state["uids"] = uids
        self.zygote = Zygote(str(data_root))
        state["zygote"] = self.zygote
        ctx = BatchContext.__new__(BatchContext)
        ctx.__dict__.update(state)
        self.ctx = ctx

    def close(self) -> None:
        try:
            self.zygote.close()
            if getattr(self.ctx, "cgroups", None) is not None:
                self.ctx.cgroups.close()
        finally:
            shutil.rmtree(self.root, ignore_errors=True)


#: Batch set-ups a worker keeps warm (its zygote, data, references) for the next run to reuse.
KEEP_BATCHES = 2


def _batch(batch_key: str, spec: dict) -> _WorkerBatch:
    """This worker's set-up of a batch: made at its first task, reused by later runs of the same
    settings (same data, seed, key and limits); idle older set-ups beyond :data:`KEEP_BATCHES`
    are closed."""
    with _BATCH_LOCK:
        batch = _BATCHES.pop(batch_key, None)
        if batch is None:
            batch = _WorkerBatch(spec)
            batch.active = 0
        _BATCHES[batch_key] = batch  # the most recently used last
        for key in list(_BATCHES)[:-KEEP_BATCHES]:
            if _BATCHES[key].active == 0:
                _BATCHES.pop(key).close()
        batch.active += 1
        return batch


def grade_task(batch_id: str, spec: dict, notebook: bytes, path: str, student: str, index: int):
    """Grade one submission on a worker (runs in the worker process); returns its SubmissionResult."""
    from crm_lessons.grading import _grade_with_retry

    batch = _batch(batch_id, spec)
    local = batch.inbox / f"{uuid.uuid4().hex}.ipynb"
    local.write_bytes(notebook)
    try:
        result = _grade_with_retry(local, student, index, batch.ctx)
    finally:
        local.unlink(missing_ok=True)
        with _BATCH_LOCK:
            batch.active -= 1
    result.file = path  # the grader's name for it, not the worker's copy
    return result


def close_batch(batch_id: str) -> bool:
    """End a batch on this worker: stop its zygote, remove its scratch (run by the client at the end)."""
    with _BATCH_LOCK:
        batch = _BATCHES.pop(batch_id, None)
    if batch is not None:
        batch.close()
    return batch is not None


# --------------------------------------------------------------------------- client side

#: BatchContext attributes rebuilt on each worker rather than shipped.
_REBUILT = ("zygote", "uids", "refs", "cgroups", "jail_seconds")


def batch_spec(ctx, seed) -> dict:
    """What a worker needs to set a batch up, as picklable data."""
    import pickle

    state = {}
    for name, value in vars(ctx).items():
        if name in _REBUILT:
            continue
        try:
            pickle.dumps(value)
        except Exception as exc:
            raise RuntimeError(
                f"distributed grading cannot ship the batch setting {name!r} to the workers "
                f"({type(exc).__name__}); add it to distributed._REBUILT"
            ) from None
        state[name] = value
    state["data_root"] = str(ctx.data_root)
    state["work_root"] = str(ctx.work_root)
    refs = {k: v for k, v in vars(ctx.refs).items() if k not in ("_lock", "_cache", "_keys")}
    return {"ctx": state, "refs": refs, "seed": seed, "isolate": ctx.uids is not None}


def batch_key(spec: dict) -> str:
    """Fingerprint of a batch's settings (not of the client's scratch folder): runs with the same
    data, seed, key and limits share the workers' warm set-up."""
    import hashlib
    import pickle

    ctx = {k: v for k, v in spec["ctx"].items() if k != "work_root"}
    return hashlib.sha256(
        pickle.dumps(
            (sorted(ctx.items()), sorted(spec["refs"].items(), key=str), spec["seed"], spec["isolate"])
        )
    ).hexdigest()[:16]


def _open_client(scheduler: str, n_workers: int | None, timeout: str = "30s"):
    from dask.distributed import Client, LocalCluster

    if scheduler == "local":
        n = n_workers or 2
        # as many kernels at once as the local executor (cores + 1)
        threads = max(1, -(-((os.cpu_count() or 1) + 1) // n))
        cluster = LocalCluster(
            n_workers=n, threads_per_worker=threads, processes=True, dashboard_address=None, silence_logs=40
        )
        return Client(cluster), cluster
    try:
        return Client(scheduler, timeout=timeout), None
    except OSError as exc:
        raise RuntimeError(
            f"scheduler: cannot reach the Dask scheduler at {scheduler} ({exc}); "
            "check the address (tcp://host:8786) or use --scheduler local"
        ) from None


def dask_runner(scheduler: str, n_workers: int | None = None, client=None, timeout: str = "30s"):
    """A runner for :func:`crm_lessons.grading.grade` that grades on Dask (see the module notes).

    ``scheduler`` is ``"local"`` (a LocalCluster of ``n_workers`` processes) or an address;
    ``client`` an already connected :class:`distributed.Client` (then ``scheduler`` is ignored
    and the client is left open); ``timeout`` how long to try reaching the scheduler.
    """

    def run(todo, names, ctx, book, workers, progress):
        return run_on_dask(
            todo,
            names,
            ctx,
            book,
            progress,
            scheduler=scheduler,
            n_workers=n_workers,
            client=client,
            timeout=timeout,
        )

    return run


def run_on_dask(
    todo, names, ctx, book, progress, *, scheduler="local", n_workers=None, client=None, timeout="30s"
):
    """Grade ``todo`` [(index, path)] on Dask, recording each result in ``book`` as it arrives."""
    from dask.distributed import as_completed
    from tqdm.auto import tqdm

    own = client is None
    cluster = None
    if own:
        client, cluster = _open_client(scheduler, n_workers, timeout)
    run_id = uuid.uuid4().hex[:8]
    spec = batch_spec(ctx, book.meta("seed"))
    batch_id = batch_key(spec)
    results = []
    bar = tqdm(total=len(todo), unit="notebook", desc="grading (dask)", file=sys.stderr, disable=not progress)
    try:
        [spec_future] = client.scatter([spec], broadcast=True, hash=False)
        threads = sum(client.nthreads().values()) or 1
        window = max(2, WINDOW_PER_THREAD * threads)
        pending = list(todo)
        paths = {}

        def submit(i, p):
            fut = client.submit(
                grade_task,
                batch_id,
                spec_future,
                Path(p).read_bytes(),
                str(p),
                names[p],
                i,
                key=f"grade-{run_id}-{i}",
                retries=1,
                pure=False,
            )
            paths[fut.key] = p
            return fut

        first = [submit(i, p) for i, p in pending[:window]]
        pending = pending[window:]
        seq = as_completed(first)
        for fut in seq:
            if pending:
                seq.add(submit(*pending.pop(0)))
            try:
                res = fut.result()
            except Exception as exc:  # the grader's own failure or a worker lost too often: retried next run
                why = f"{type(exc).__name__}: {exc}"
                bar.write(f"grader error on {paths[fut.key]}: {why}; run again to retry")
                bar.update(1)
                continue
            finally:
                fut.release()
            book.record(res)
            results.append(res)
            bar.set_postfix_str(f"{res.student}: {res.points:g}/{res.max_points:g}")
            bar.update(1)
    finally:
        bar.close()
        if own:  # our own connection: free the workers' set-up (a caller's client keeps it warm)
            try:
                client.run(close_batch, batch_id)
            except Exception:  # workers already gone
                pass
            client.close()
            if cluster is not None:
                cluster.close()
    return results
