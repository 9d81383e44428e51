"""Grade exercise notebooks headlessly: ``crm-lessons grade SUBMISSIONS... --out DIR --key KEY``.

The design, in the order a batch runs
-------------------------------------
1. **Who is who.** A roster (``--roster``: student id, name, e-mail, LMS id, file or folder)
   or the folder-per-student layout decides whose each submission is
   (:mod:`.roster`); the id depends on the submission and the roster only, so resuming or
   adding a file never re-keys another student. A file the roster does not name is graded
   and flagged; a file that cannot be graded at all gets a row with 0 points and the reason,
   and the command exits non-zero naming it.
2. **Hidden data.** A fresh case dataset is generated with a seed chosen now (kept in the
   gradebook so a resumed batch uses the same one). Compute-it-yourself questions are checked
   on it: a number copied from the student's own run does not pass.
3. **The key in the grader only.** The installed package holds only the public question
   text (:mod:`crm_lessons.exercise_bank`). The answer key (correct options, reference
   functions) is read from ``--key`` (``crm-lessons exercises release --graded --key-out``;
   in a checkout the repository's ``exercises/key``) in the grader's process, and every
   reference is computed there -- never in a student's kernel, which cannot see the key.
4. **Widget answers from the file.** Before anything runs, the answer records saved in the
   submitted ``.ipynb`` (MIME :data:`crm_lessons.exercises.ANSWER_MIME`) are read: they are the
   widget answers exactly as the student last gave them. Records produced while grading are
   ignored for widget questions, so code that "detects grading" and answers differently gains
   nothing; extra fields in a record (points, status) are never read.
5. **Execution with papermill, in a sandbox.** Each submission runs with papermill's
   ``crm-zygote`` engine (:mod:`.engine`): its kernel is forked from a warm zygote
   (:mod:`.zygote`) into a bubblewrap sandbox with cgroup limits (:mod:`.sandbox`): own PID,
   network, IPC, UTS and mount namespaces; a read-only view of Python, the environment, the
   package folder and the hidden data only (no repository, no solutions, no key, no other
   submission, no grader output); private size-limited ``/tmp``, ``/dev/shm`` and home that
   vanish with it; one memory limit over the kernel and its children, a process limit, an
   equal CPU weight capped at one core; a user id of its own. The kernel talks to the grader
   over unix sockets (it has no network). A per-cell timeout interrupts a cell (the next
   cells run), a per-notebook deadline kills the sandbox. Without root, bubblewrap or
   cgroups, grading refuses with the reason unless ``--insecure`` is given (recorded in the
   gradebook's metadata: ``meta.insecure = 1``).
   The kernel emits compute answers as plain JSON records; the grader keeps each
   record the moment it arrives, so a kernel that dies later keeps what it had answered.
6. **Scoring in the grader, at bounded cost.** Output of every kind (streams, displays,
   display updates) counts against one cap per notebook; an answer record over
   :data:`~crm_lessons.grading.engine.MAX_RECORD_CHARS` is dropped unread, and an answer of
   more than :data:`MAX_ANSWER_ITEMS` entries scores 0 before any comparison. The records are
   plain data compared with the references by :func:`crm_lessons.exercises.compare_plain`
   (linear in the answer's size); no object of the student's is ever called, so redefined
   check functions, monkeypatching or objects whose ``__eq__`` always says True earn
   nothing. Per-question points with partial credit; a question whose cell raised or timed
   out scores 0 with the reason.
7. **Gradebook.** Each finished submission is committed at once to ``gradebook.sqlite`` and
   the CSV files are rewritten (:mod:`.gradebook`); a re-run skips what is graded. Feedback
   pages go to ``feedback/``; ``similarity.csv``/``.html`` list answer cells identical to the
   solutions or to another student's (:mod:`.similarity`). Submissions run in parallel
   (threads driving the kernels) with a tqdm progress bar. A failure of the grader itself (the
   zygote died, a sandbox could not start) is retried once and otherwise reported, never
   recorded as a student's grade.

Speed
-----
Plain papermill pays about 3-4 s per notebook here for a fresh kernel importing pandas and
seaborn; the zygote pays that once per batch, each fork costs a few tenths of a second, and
the sandbox adds its start-up (the gradebook's ``meta.sandbox_start_seconds_median``; 15-55 ms
measured here). ``benchmarks/bench_grading.py`` prints the figures for 100 submissions.

Limits (known)
--------------
The course's own library is installed for students, and some compute questions ask for what
a library function does in one call (``crm_lessons.clv.simple_clv``); the similarity report
lists answer cells that call ``crm_lessons`` functions so an instructor can judge.
Explore-then-answer questions are graded on the data the students explored.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import logging
import os
import re
import secrets
import shutil
import sys
import tempfile
import threading
import time
from concurrent.futures import ThreadPoolExecutor, as_completed
from pathlib import Path

from crm_lessons.exercise_build import exercises_main
from crm_lessons.grading.gradebook import Gradebook, QuestionResult, SubmissionResult

#: Largest submission file read (bytes).
MAX_SUBMISSION_BYTES = 30_000_000
#: User ids given to sandboxed kernels: UID_BASE .. UID_BASE + UID_COUNT - 1.
UID_BASE = 61000
UID_COUNT = 4000


class UidPool:
    """Lease user ids to kernels so that no two running kernels (of any grader here) share one.

    A lease is an exclusive ``flock`` on ``<tmp>/crm-lessons-uids/<uid>`` (a folder only root
    can enter); it ends when released or when the grader process dies. A freshly leased id is
    swept of any process still running under it (left over by a grader that was killed).
    Ids are handed out in turn from a random start, so within a batch no id comes back
    until all others have been used: a later student never inherits an earlier one's user
    (and whatever that user left behind in shared temporary folders).
    """

    def __init__(self, folder: Path | None = None):
        self.folder = Path(folder or Path(tempfile.gettempdir()) / "crm-lessons-uids")
        self.folder.mkdir(mode=0o700, exist_ok=True)
        os.chmod(self.folder, 0o700)
        self._lock = threading.Lock()
        self._next = secrets.randbelow(UID_COUNT)

    def acquire(self) -> tuple[int, int]:
        """(uid, lease handle); raises RuntimeError when every id is taken."""
        import fcntl

        from crm_lessons.grading.engine import kill_uid

        with self._lock:
            for _ in range(UID_COUNT):
                uid = UID_BASE + self._next
                self._next = (self._next + 1) % UID_COUNT
                fd = os.open(self.folder / str(uid), os.O_CREAT | os.O_RDWR, 0o600)
                try:
                    fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                except OSError:
                    os.close(fd)
                    continue
                kill_uid(uid)
                return uid, fd
        raise RuntimeError(f"all {UID_COUNT} sandbox user ids are in use")

    @staticmethod
    def release(handle: int) -> None:
        os.close(handle)


# --------------------------------------------------------------------------- helpers


def _sha256(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def find_submissions(items) -> list[Path]:
    """Notebook files named directly or found (recursively) in the folders given.

    Whose each one is: :func:`crm_lessons.grading.roster.find_submissions`.
    """
    from crm_lessons.grading.roster import find_submissions as find

    return [sub.path for sub in find(items)]


def _check_cells(nb: dict) -> dict[str, int]:
    """Question id -> index of the cell that asks or checks it (for reasons)."""
    where = {}
    for i, cell in enumerate(nb.get("cells", [])):
        if cell.get("cell_type") != "code":
            continue
        src = cell.get("source", "")
        src = "".join(src) if isinstance(src, list) else str(src)
        for m in re.finditer(r"""\b(?:check|ask)\(\s*["']([A-Za-z0-9_]+)["']""", src):
            where.setdefault(m.group(1), i)
    return where


# --------------------------------------------------------------------------- references


def default_key_dir() -> Path | None:
    """The repository's answer key (``exercises/key``), when this is a checkout; else None."""
    from crm_lessons.exercise_build import EXERCISES_DIR

    folder = EXERCISES_DIR / "key"
    return folder if folder.is_dir() else None


class References:
    """Reference answers, computed in the grader: run questions on the hidden data,
    widget questions on the data the students explored."""

    def __init__(self, hidden_dir: str, student_data: str | None, key_dir=None):
        from crm_lessons.exercises import CaseData

        self.hidden = CaseData(hidden_dir)
        self.student = CaseData(student_data)
        self.key_dir = Path(key_dir) if key_dir is not None else default_key_dir()
        self._cache: dict[tuple[str, str], tuple[object, str | None]] = {}
        self._keys: dict[str, dict] = {}
        self._lock = threading.Lock()

    def _keyed(self, exercise, q):
        """The question with its answer-key entry (the key is read here, in the grader, only)."""
        from crm_lessons.exercises import load_key

        if q.source == "written":
            return q
        if exercise.id not in self._keys:
            self._keys[exercise.id] = load_key(self.key_dir, exercise.id) if self.key_dir else {}
        import copy

        keyed = copy.copy(q)
        keyed.answer_key = self._keys[exercise.id].get(q.id)
        return keyed

    def get(self, exercise, q):
        key = (exercise.id, q.id)
        with self._lock:
            if key not in self._cache:
                data = self.hidden if q.source == "run" else self.student
                try:
                    self._cache[key] = (self._keyed(exercise, q).reference(data), None)
                except Exception as exc:  # a broken reference is the grader's fault: say so
                    self._cache[key] = (None, f"{type(exc).__name__}: {exc}")
            return self._cache[key]


#: Largest answer (numbers, strings, list and dict entries) compared; bigger ones score 0 unread.
MAX_ANSWER_ITEMS = 500_000


def plain_size(value, limit: int = MAX_ANSWER_ITEMS) -> int:
    """Entries of a plain (JSON) value, counted without recursion; stops counting past ``limit``.

    Examples
    --------
    >>> plain_size({"a": [1, 2, [3]]})
    6
    """
    n, stack = 0, [value]
    while stack and n <= limit:
        v = stack.pop()
        n += 1
        if isinstance(v, dict):
            stack.extend(v.values())
        elif isinstance(v, list):
            stack.extend(v)
    return n


def score_submission(
    exercise,
    widget_answers: dict,
    run_answers: dict,
    refs: References,
    cell_of: dict,
    cell_errors: dict,
    timed_out: set,
    stop_reason: str,
) -> list[QuestionResult]:
    """Score every question of ``exercise`` from plain answers (never from student objects)."""
    results = []
    for q in exercise.questions:
        ref, ref_error = refs.get(exercise, q)
        hint = ""
        if ref_error:
            results.append(
                QuestionResult(
                    q.id,
                    0.0,
                    q.points,
                    q.source,
                    "error",
                    f"grader could not compute the reference ({ref_error})",
                    "",
                    q.prompt,
                )
            )
            continue
        if q.source in ("widget", "written"):  # both read from the saved file
            answer = widget_answers.get(q.id)
        else:
            answer = run_answers.get(q.id)
        try:
            if answer is not None and plain_size(answer) > MAX_ANSWER_ITEMS:
                frac, reason = 0.0, "the answer was too large to compare"
            else:
                frac, reason = q.score(answer, ref) if answer is not None else (0.0, "not answered")
        except Exception as exc:  # malformed plain data: wrong, not a crash of the grader
            frac, reason = 0.0, f"answer could not be read ({type(exc).__name__})"
        frac = min(1.0, max(0.0, float(frac)))
        if answer is None and q.source == "run":
            cell = cell_of.get(q.id)
            if cell is None:
                reason = "no answer recorded: the check cell for this question is missing"
            elif cell in timed_out:
                reason = f"no answer recorded: cell {cell} ran too long and was interrupted"
            elif cell in cell_errors:
                reason = f"no answer recorded: cell {cell} raised {cell_errors[cell]}"
            elif stop_reason:
                reason = f"no answer recorded: {stop_reason}"
            else:
                reason = "not answered"
        elif answer is None and q.source == "widget":
            reason = (
                "not answered in the saved notebook"
                if q.id in cell_of
                else "not answered (the question cell is missing)"
            )
        status = (
            "correct"
            if frac == 1.0
            else ("partial" if frac > 0 else ("unanswered" if answer is None else "wrong"))
        )
        if frac < 1.0:
            hint = q.hint(1)
        results.append(
            QuestionResult(
                q.id,
                round(frac * q.points, 4),
                float(q.points),
                q.source,
                status,
                reason,
                hint,
                q.prompt,
                answer=answer,
                expected=ref,
            )
        )
    return results


# --------------------------------------------------------------------------- one submission


class BatchContext:
    """What every submission of a batch shares."""

    def __init__(
        self,
        *,
        zygote,
        refs,
        data_root,
        work_root,
        isolate,
        cell_timeout,
        notebook_timeout,
        memory_mb,
        output_cap,
        exercise,
        sandbox="",
        expose=(),
        uids=None,
        limits=None,
        cgroups=None,
        bwrap=None,
    ):
        self.zygote = zygote
        self.refs = refs
        self.data_root = data_root
        self.work_root = work_root
        self.isolate = isolate
        self.cell_timeout = cell_timeout
        self.notebook_timeout = notebook_timeout
        self.memory_mb = memory_mb
        self.output_cap = output_cap
        self.exercise = exercise
        self.sandbox = sandbox
        self.uids = uids
        self.expose = list(expose)
        self.python_bin = str(Path(sys.executable).parent)
        from crm_lessons.grading.sandbox import Limits

        self.limits = limits or Limits(memory_bytes=int(memory_mb) << 20)
        self.cgroups = cgroups
        self.bwrap = bwrap
        #: seconds each sandbox took to start (the per-submission cost of isolation)
        self.jail_seconds: list = []


def _grader_failed(exc: BaseException) -> bool:
    from crm_lessons.grading.engine import GraderError

    seen = 0
    while exc is not None and seen < 10:
        if isinstance(exc, GraderError):
            return True
        exc = exc.__cause__ or exc.__context__
        seen += 1
    return False


def read_submission(path: Path) -> tuple[dict | None, str]:
    """(notebook, "") or (None, why it cannot be graded)."""
    try:
        if path.stat().st_size > MAX_SUBMISSION_BYTES:
            raise ValueError(f"the file is larger than {MAX_SUBMISSION_BYTES // 1_000_000} MB")
        nb = json.loads(path.read_text(encoding="utf-8"))
        if not isinstance(nb, dict) or not isinstance(nb.get("cells"), list):
            raise ValueError("the file is not a Jupyter notebook")
    except (OSError, ValueError, UnicodeDecodeError, RecursionError) as exc:
        return None, f"could not read the notebook: {exc}"[:300]
    return nb, ""


def _strip_outputs(nb: dict) -> dict:
    clean = dict(nb)
    cells = []
    for cell in nb.get("cells", []):
        if not isinstance(cell, dict):
            continue
        c = dict(cell)
        if c.get("cell_type") == "code":
            c["outputs"] = []
            c["execution_count"] = None
        c.pop("attachments", None) if c.get("cell_type") == "code" else None
        cells.append(c)
    for i, c in enumerate(cells):  # nbformat 4.5 wants cell ids; old files lack them
        if not isinstance(c.get("id"), str) or not re.fullmatch(r"[A-Za-z0-9_-]{1,64}", c["id"]):
            c["id"] = f"cell-{i}"
    if len({c["id"] for c in cells}) != len(cells):
        for i, c in enumerate(cells):
            c["id"] = f"cell-{i}"
    clean["nbformat"], clean["nbformat_minor"] = 4, 5
    clean["cells"] = cells
    meta = dict(clean.get("metadata") or {})
    meta.pop("widgets", None)
    meta["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    clean["metadata"] = meta
    return clean


def grade_one(path: Path, student: str, index: int, ctx: BatchContext) -> SubmissionResult:
    """Grade one submission. A failure of the submission is a result with a reason; only a
    failure of the grader itself (:class:`~crm_lessons.grading.engine.GraderError`) raises.

    ``index`` is the submission's position in the batch (kept for callers; ids are leased).
    """
    from crm_lessons.exercises import get_exercise, saved_answers

    start = time.perf_counter()
    sha = _sha256(path)
    result = SubmissionResult(student, ctx.exercise or "?", str(path), sha, "not gradable", "")
    nb, problem = read_submission(path)
    if nb is None:
        result.reason = problem
        result.seconds = time.perf_counter() - start
        return result

    ex_id = ctx.exercise or (nb.get("metadata") or {}).get("crm_lessons", {}).get("exercise")
    if not ex_id:
        from crm_lessons.exercises import answer_records

        ids = [r.get("exercise") for _, r in answer_records(nb) if isinstance(r.get("exercise"), str)]
        ex_id = ids[0] if ids else None
    try:
        exercise = get_exercise(str(ex_id))
    except KeyError:
        result.reason = f"unknown exercise {ex_id!r}: pass --exercise chNN"
        result.seconds = time.perf_counter() - start
        return result
    result.exercise = exercise.id
    edition = ((nb.get("metadata") or {}).get("crm_lessons") or {}).get("lang")
    result.lang = edition if edition in ("en", "zh") else "en"  # the feedback page's language
    widget_answers = saved_answers(nb, exercise.id)
    cell_of = _check_cells(nb)

    # the sandbox: <work_root>/<random>/ {work/, kernel.json, ipython/}
    sub_root = Path(ctx.work_root) / secrets.token_hex(16)
    work = sub_root / "work"
    work.mkdir(parents=True)
    os.chmod(sub_root, 0o700)
    uid, lease = ctx.uids.acquire() if ctx.isolate else (None, None)
    try:
        result = _run_in_sandbox(
            path, nb, exercise, result, widget_answers, cell_of, sub_root, work, uid, ctx, start
        )
        flags = getattr(ctx, "flags", {}).get(path)
        if flags:
            result.reason = "; ".join(([result.reason] if result.reason else []) + flags)
        return result
    finally:
        if lease is not None:
            UidPool.release(lease)


def _run_in_sandbox(path, nb, exercise, result, widget_answers, cell_of, sub_root, work, uid, ctx, start):
    """Execute the submission in its sandbox and score it (grade_one's second half)."""
    import papermill as pm

    from crm_lessons.grading.engine import ENGINE_NAME, RunJob
    from crm_lessons.grading.sandbox import HOME, Jail, Limits

    limits = getattr(ctx, "limits", None) or Limits(memory_bytes=int(ctx.memory_mb) << 20)
    nb_path = work / "submission.ipynb"  # the grader's copy: never visible inside the sandbox
    nb_path.write_text(json.dumps(_strip_outputs(nb)), encoding="utf-8")
    sockets = sub_root / "sockets"
    sockets.mkdir(mode=0o700)
    jail = None
    if ctx.isolate:
        home = HOME
        jail = Jail(
            ctx.expose,
            str(sockets),
            limits,
            getattr(ctx, "cgroups", None),
            getattr(ctx, "bwrap", None),
            data_aliases(ctx.data_root),
        )
        try:
            jail.start()
        except Exception as exc:
            from crm_lessons.grading.engine import GraderError

            raise GraderError(f"the sandbox did not start: {exc}") from exc
        if isinstance(getattr(ctx, "jail_seconds", None), list):
            ctx.jail_seconds.append(jail.seconds)
    else:
        home = str(work)
        (sub_root / "ipython").mkdir()
    env = {
        "HOME": home,
        "PATH": f"{ctx.python_bin}:/usr/local/bin:/usr/bin:/bin",
        "LANG": "C.UTF-8",
        "IPYTHONDIR": f"{home}/.ipython",
        "MPLCONFIGDIR": f"{home}/.matplotlib",
        "MPLBACKEND": "Agg",
        "OPENBLAS_NUM_THREADS": "1",
        "OMP_NUM_THREADS": "1",
        "MKL_NUM_THREADS": "1",
        "PYTHONDONTWRITEBYTECODE": "1",
    }
    job = RunJob(
        zygote=ctx.zygote,
        work_dir=str(work),
        connection_file=str(sockets / "kernel.json"),
        kernel_env=env,
        limits={
            "memory_bytes": int(ctx.memory_mb) << 20,
            "cpu_seconds": int(ctx.notebook_timeout) + 10,
            "file_bytes": 200 << 20,
            "processes": limits.processes,
        },
        uid=uid,
        cell_timeout=ctx.cell_timeout,
        notebook_timeout=ctx.notebook_timeout,
        output_cap=ctx.output_cap,
        log_file=str(sub_root / "kernel.log"),
        jail=jail,
        socket_dir=str(sockets),
    )
    stop_reason = ""
    try:
        pm.execute_notebook(
            str(nb_path),
            None,
            parameters={"data_dir": str(ctx.data_root)},
            engine_name=ENGINE_NAME,
            kernel_name="python3",
            progress_bar=False,
            request_save_on_cell_execute=False,
            start_timeout=60,
            job=job,
        )
    except pm.PapermillExecutionError:
        pass  # cells raised: each costs its own question, seen below
    except Exception as exc:  # dead kernel, deadline, unreadable notebook
        if _grader_failed(exc):
            raise  # the grader's own failure: not the student's grade, retried on the next run
        if "before replying to kernel_info" in str(exc) or "didn't respond" in str(exc):
            # no student code ran yet: the sandbox or the kernel failed to start
            log = (
                (sub_root / "kernel.log").read_text(errors="replace")[-2000:]
                if (sub_root / "kernel.log").exists()
                else ""
            )
            from crm_lessons.grading.engine import GraderError

            shutil.rmtree(sub_root, ignore_errors=True)
            raise GraderError(f"the kernel did not start: {exc}\n{log}") from exc
        name = type(exc).__name__
        if job.killed_for_deadline:
            stop_reason = f"the notebook ran longer than {ctx.notebook_timeout:g} s and was stopped"
        elif name == "DeadKernelError" or "died" in str(exc).lower():
            stop_reason = "the kernel died (the notebook exited, crashed or ran out of memory)"
        else:
            stop_reason = (
                f"the notebook could not be run: {name}: {str(exc).splitlines()[0] if str(exc) else ''}"[:300]
            )
    finally:
        job.kill_everything()
        shutil.rmtree(sub_root, ignore_errors=True)

    run_answers = {}
    for _, rec in job.records:
        if (
            rec.get("exercise") == exercise.id
            and rec.get("source") == "run"
            and isinstance(rec.get("question"), str)
        ):
            run_answers[rec["question"]] = rec.get("answer")
    errors = {job.original_index(i): e for i, e in job.cell_errors.items()}
    timed_out = {job.original_index(i) for i in job.timed_out_cells}
    if job.killed_for_deadline and not stop_reason:
        stop_reason = f"the notebook ran longer than {ctx.notebook_timeout:g} s and was stopped"
    result.questions = score_submission(
        exercise, widget_answers, run_answers, ctx.refs, cell_of, errors, timed_out, stop_reason
    )
    # "partly run" only when the run itself was cut short (a dead kernel, the notebook deadline);
    # dropped output or a cell that raised is not a partial run
    result.status = "partly run" if (stop_reason or job.killed_for_deadline) else "graded"
    reasons = [stop_reason] if stop_reason else []
    for q in result.questions:
        if q.question in job.oversized:
            q.points, q.status, q.reason = 0.0, "wrong", "the answer was too large to compare"
    if job.truncated:
        reasons.append("output over the limit was dropped")
    result.reason = "; ".join(reasons)
    result.seconds = time.perf_counter() - start
    result.uid = uid
    return result


# --------------------------------------------------------------------------- the batch


def readable_paths(data_root) -> list[str]:
    """Folders a sandboxed kernel must read: Python, the virtual environment, this package, the data."""
    import crm_lessons
    from crm_lessons.data import data_dir

    # the package folder itself, not the repository around it (exercises/, solutions, the key)
    paths = {sys.base_prefix, sys.prefix, sys.exec_prefix, str(Path(crm_lessons.__file__).resolve().parent)}
    for p in (data_root,):
        try:
            paths.add(str(Path(p).resolve()))
        except OSError:
            pass
    cdnow = Path(data_root) / "cdnow"
    if cdnow.is_symlink():
        paths.add(str(cdnow.resolve()))
    _ = data_dir
    return sorted(paths)


def data_aliases(data_root) -> list[tuple[str, str]]:
    """(source, path in the sandbox): the hidden data also at the default ``datasets/`` folders.

    A notebook that drops its ``data_dir`` parameter (or points it at the shipped data) then
    reads the hidden data too: inside the sandbox there is no other. The folders: ``datasets/``
    in the kernel's working folder (the sandbox's home), which
    :func:`crm_lessons.data.default_data_dir` looks at first; and the shipped ``datasets/`` of the
    clone the grader runs in and beside an editable package, where they exist (beside a
    non-editable package there is none, and bubblewrap could not make one inside the read-only
    site-packages).
    """
    import crm_lessons
    from crm_lessons.data import default_data_dir
    from crm_lessons.grading.sandbox import HOME

    root = Path(data_root).resolve()
    defaults = [Path(HOME) / "datasets"]
    for shipped in (default_data_dir(), Path(crm_lessons.__file__).resolve().parent.parent / "datasets"):
        if shipped.is_dir() and shipped.resolve() != root and shipped not in defaults:
            defaults.append(shipped)
    pairs = []
    for default in defaults:
        for name in ("case_company", "cdnow"):
            src = root / name
            if src.exists() and src.resolve() != (default / name).resolve():
                pairs.append((str(src.resolve()), str(default / name)))
    return pairs


def probe_isolation(expose: list[str], scratch: Path, uid: int | None = None) -> str:
    """The sandbox this machine gives kernels (a description), or "" when there is none.

    Kept for callers of the earlier interface; :func:`crm_lessons.grading.sandbox.probe` says why not.
    """
    from crm_lessons.grading.sandbox import probe

    iso = probe(list(expose), Path(scratch))
    return iso.description if iso.available else ""


def make_hidden_data(root: Path, seed: int) -> Path:
    """Write a case dataset for grading into ``root`` (with the real CDNOW log beside it)."""
    from crm_lessons.data import data_dir
    from crm_lessons.generator import write_case_company

    root.mkdir(parents=True, exist_ok=True)
    write_case_company(root / "case_company", seed=seed)
    cdnow = data_dir() / "cdnow"
    if cdnow.exists() and not (root / "cdnow").exists():
        os.symlink(cdnow.resolve(), root / "cdnow")
    for dirpath, _dirnames, filenames in os.walk(root):
        os.chmod(dirpath, 0o755)
        for name in filenames:
            os.chmod(os.path.join(dirpath, name), 0o644)
    return root


def grade(
    submissions,
    out_dir,
    *,
    exercise: str | None = None,
    seed: int | None = None,
    workers: int | None = None,
    cell_timeout: float = 30,
    notebook_timeout: float = 180,
    memory_mb: int = 2048,
    output_cap: int = 1_000_000,
    student_data=None,
    progress: bool = True,
    isolate: bool | None = None,
    data_dir=None,
    force: bool = False,
    students=None,
    runner=None,
    roster=None,
    key=None,
    insecure: bool = False,
    solutions=None,
) -> list[SubmissionResult]:
    """Grade exercise notebooks into ``out_dir`` (gradebook.sqlite / .csv, answers.csv, feedback/).

    Parameters
    ----------
    submissions : list of paths
        Notebook files, or folders searched for ``*.ipynb``.
    out_dir : path
        Output folder (created; private to the grader). Re-running into the same folder resumes.
    exercise : str, optional
        ``chNN``; by default read from each notebook's metadata.
    seed : int, optional
        Seed of the hidden case data; by default a random one, kept in the gradebook.
    workers : int, optional
        Submissions graded at once; default one more than the number of cores.
    cell_timeout, notebook_timeout : float
        Seconds allowed per cell (then it is interrupted) and per notebook (then it is killed).
    memory_mb : int
        Memory a kernel may allocate on top of the warm libraries.
    output_cap : int
        Characters of output kept per notebook.
    student_data : path, optional
        The data folder the students explored (for explore-then-answer questions); default
        the repository's ``datasets/``.
    isolate : bool, optional
        ``False`` turns the sandbox off (then ``insecure=True`` is required); by default each
        kernel gets the sandbox of :mod:`.sandbox` (root, bubblewrap and cgroups needed).
    data_dir : path, optional
        Use this data folder for grading instead of generating one (tests).
    roster : path or Roster, optional
        The class list (:mod:`.roster`); default: ids from the folder layout / file names.
    key : path, optional
        Answer key folder; default the repository's ``exercises/key`` (a checkout).
    insecure : bool
        Grade even when no sandbox is available (recorded as ``meta.insecure = 1``).
    solutions : path, optional
        Folder of the published solution notebooks for the similarity report.
    force : bool
        Grade again submissions already graded from the same file (the old grade goes to the
        gradebook's history).
    students : list of str, optional
        Grade only these students (again, even when already graded).
    runner : callable, optional
        Executor of the batch, ``runner(todo, names, ctx, book, workers, progress)``; default
        threads on this machine. :func:`crm_lessons.grading.distributed.dask_runner` grades on
        a Dask cluster.

    Returns
    -------
    list of SubmissionResult
        The results of the submissions graded in this run (those already in the gradebook
        are skipped).
    """
    from crm_lessons.exercises import import_banks
    from crm_lessons.grading.engine import Zygote

    logging.getLogger("papermill").setLevel(logging.ERROR)
    logging.getLogger("traitlets").setLevel(logging.ERROR)
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    os.chmod(out, 0o700)
    from crm_lessons.grading import roster as roster_mod

    class_list = roster_mod.Roster.read(roster) if isinstance(roster, (str, os.PathLike)) else roster
    subs = roster_mod.find_submissions(submissions, class_list)
    paths, names, flags = [], {}, {}
    # two files of one student for one exercise: the newest is graded, the other named in its reason
    by_key: dict[tuple[str, str], list] = {}
    for sub in subs:
        by_key.setdefault((sub.student_id, exercise or _exercise_of(sub.path)), []).append(sub)
    for (_, ex_id), group in by_key.items():
        group.sort(key=lambda x: (_mtime(x.path), str(x.path)), reverse=True)
        newest, older = group[0], group[1:]
        if older:
            flags.setdefault(newest.path, []).append(
                f"other files of this student for {ex_id} were not graded (older): "
                + ", ".join(str(o.relative) for o in older)
            )
        paths.append(newest.path)
        names[newest.path] = newest.student_id
        if not newest.on_roster:
            flags.setdefault(newest.path, []).append("not on the roster")
    import_banks()

    import fcntl

    lock = open(out / ".lock", "w")
    try:
        fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except OSError:
        raise RuntimeError(
            f"out_dir: another grader is writing to {out}; wait for it or use another folder"
        ) from None
    book = Gradebook(out)
    try:
        stored = book.meta("seed")
        if stored is not None and seed is not None and int(stored) != int(seed) and book.count():
            raise ValueError(f"seed: {out} was graded with seed {stored}; use that seed or another out_dir")
        if stored is not None:
            seed = int(stored)
        elif seed is None:
            seed = secrets.randbelow(2**31 - 1)
        book.set_meta("seed", str(seed))
        book.record_students(
            [
                {
                    "student": s_.student_id,
                    "name": s_.name,
                    "lms_id": s_.lms_id,
                    "file": str(s_.relative),
                    "on_roster": int(s_.on_roster),
                }
                for s_ in subs
            ]
        )

        wanted = None if students is None else set(students)
        todo = [
            (i, p)
            for i, p in enumerate(paths)
            if (wanted is None or names[p] in wanted)
            and (force or wanted is not None or not book.is_done(names[p], exercise, _sha256(p)))
        ]
        results = []
        for res in _missing_students(class_list, subs, book, exercise):
            book.record(res)
            results.append(res)
        runnable = []
        for i, p in todo:  # files that are no notebook at all need no kernel
            nb, problem = read_submission(p)
            if nb is None:
                problem = "; ".join([problem] + flags.get(p, []))
                res = SubmissionResult(names[p], exercise or "?", str(p), _sha256(p), "not gradable", problem)
                book.record(res)
                results.append(res)
            else:
                runnable.append((i, p))
        todo = runnable
        if not todo:
            _write_similarity(book, out, solutions)
            return results
        work_root = Path(tempfile.mkdtemp(prefix="crm-grading-"))
        os.chmod(work_root, 0o711)
        try:
            if data_dir is not None:
                data_root = Path(data_dir).resolve()
            else:
                data_root = make_hidden_data(work_root / "data", seed)
            refs = References(str(data_root), student_data, key)
            if refs.key_dir is None:
                raise FileNotFoundError(
                    "key: no answer key; pass --key KEY (the folder written by "
                    "`crm-lessons exercises release --graded --key-out KEY`)"
                )
            book.set_meta("key", str(refs.key_dir))
            expose = readable_paths(data_root)
            from crm_lessons.grading import sandbox as sandbox_mod

            limits = sandbox_mod.Limits(memory_bytes=int(memory_mb) << 20)
            iso = (
                sandbox_mod.probe(expose, work_root, limits)
                if isolate is not False
                else sandbox_mod.Isolation(False, "none", "isolation turned off by the caller")
            )
            if not iso.available and not insecure:
                raise RuntimeError(
                    f"refusing to grade for credit without isolation: {iso.reason}. Run the grader as root "
                    "on a machine with bubblewrap and writable cgroups, or pass --insecure to grade anyway "
                    "(recorded in the gradebook; students' code then runs as the grader's user)"
                )
            cgroups = sandbox_mod.Cgroups.create() if iso.available else None
            zygote = None
            try:
                uids = UidPool() if iso.available else None
                sandbox = iso.description if iso.available else ""
                book.set_meta("sandbox", sandbox or f"none: INSECURE grading ({iso.reason})")
                book.set_meta("insecure", "0" if iso.available else "1")
                zygote = Zygote(str(data_root)) if runner is None else None  # a runner brings its own kernels
                ctx = BatchContext(
                    zygote=zygote,
                    refs=refs,
                    data_root=data_root,
                    work_root=work_root,
                    isolate=iso.available,
                    cell_timeout=cell_timeout,
                    notebook_timeout=notebook_timeout,
                    memory_mb=memory_mb,
                    output_cap=output_cap,
                    exercise=exercise,
                    sandbox=sandbox,
                    expose=expose,
                    uids=uids,
                    limits=limits,
                    cgroups=cgroups,
                    bwrap=iso.bwrap,
                )
                ctx.flags = flags
                # one more than the cores: while one kernel waits on the grader's side, the others compute
                workers = workers or (os.cpu_count() or 1) + 1
                results += (runner or _run_all)(todo, names, ctx, book, workers, progress)
            finally:
                if zygote is not None:
                    zygote.close()
                if cgroups is not None:
                    cgroups.close()
            if ctx.jail_seconds:
                median = sorted(ctx.jail_seconds)[len(ctx.jail_seconds) // 2]
                book.set_meta("sandbox_start_seconds_median", f"{median:.4f}")
            _write_similarity(book, out, solutions)
            return results
        finally:
            shutil.rmtree(work_root, ignore_errors=True)
    finally:
        book.close()
        lock.close()


def _exercise_of(path: Path) -> str:
    """The exercise id a notebook says it is (metadata ``crm_lessons.exercise``), or "?"."""
    nb, _ = read_submission(path)
    meta = (nb or {}).get("metadata") or {}
    ex_id = (meta.get("crm_lessons") or {}).get("exercise") if isinstance(meta, dict) else None
    return str(ex_id) if ex_id else "?"


def _mtime(path: Path) -> float:
    try:
        return path.stat().st_mtime
    except OSError:
        return 0.0


def _missing_students(class_list, subs, book, exercise: str | None) -> list[SubmissionResult]:
    """0-point rows for roster students with no submission for ``exercise`` (none graded yet)."""
    if class_list is None or not exercise:
        return []
    found = {s.student_id for s in subs}
    graded = {(r["student"], r["exercise"]) for r in book.rows()}
    rows = []
    for entry in class_list:
        if entry.student_id not in found and (entry.student_id, exercise) not in graded:
            rows.append(
                SubmissionResult(
                    entry.student_id, exercise, "", "", "not gradable", "no submission found for this student"
                )
            )
    return rows


def _write_similarity(book, out: Path, solutions=None) -> None:
    """``similarity.csv``/``.html`` over every submission in the gradebook (see :mod:`.similarity`)."""
    from crm_lessons.exercise_build import EXERCISES_DIR, exercise_id
    from crm_lessons.grading.similarity import similarity_rows, write_report

    folder = Path(solutions) if solutions is not None else EXERCISES_DIR / "solutions"
    sols = {}
    for sol in sorted(folder.glob("ch[0-9][0-9]_*.ipynb")) if folder.is_dir() else []:
        try:
            sols[exercise_id(sol)] = json.loads(sol.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            continue
    subs = []
    for row in book.rows():  # this batch and every earlier one graded into the same folder
        path = Path(row["file"])
        nb, _ = read_submission(path) if path.is_file() else (None, "")
        if nb is not None:
            subs.append((row["student"], nb))
    write_report(similarity_rows(subs, sols), out)


def _grade_with_retry(path: Path, student: str, index: int, ctx: BatchContext) -> SubmissionResult:
    """grade_one, tried a second time when the grader itself failed (say, the zygote was killed)."""
    try:
        return grade_one(path, student, index, ctx)
    except Exception as exc:
        if not _grader_failed(exc):
            raise
        return grade_one(path, student, index, ctx)


def _run_all(todo, names, ctx, book, workers, progress) -> list[SubmissionResult]:
    from tqdm.auto import tqdm

    results = []
    bar = tqdm(total=len(todo), unit="notebook", desc="grading", file=sys.stderr, disable=not progress)
    with ThreadPoolExecutor(max_workers=workers) as pool:
        futures = {pool.submit(_grade_with_retry, p, names[p], i, ctx): p for i, p in todo}
        try:
            for fut in as_completed(futures):
                try:
                    res = fut.result()
                except Exception as exc:  # the grader's own failure: not recorded, retried next run
                    bar.write(
                        f"grader error on {futures[fut]}: {type(exc).__name__}: {exc}; run again to retry"
                    )
                    bar.update(1)
                    continue
                book.record(res)
                results.append(res)
                bar.set_postfix_str(f"{res.student}: {res.points:g}/{res.max_points:g}")
                bar.update(1)
        except BaseException:
            for f in futures:
                f.cancel()
            raise
        finally:
            bar.close()
    return results


def grade_main(argv: list[str] | None = None) -> int:
    """``crm-lessons grade SUBMISSIONS... --out DIR [options]``."""
    from crm_lessons.grading import instructor

    parser = argparse.ArgumentParser(
        prog="crm-lessons grade",
        description="Grade exercise notebooks headlessly.",
        epilog=instructor.EXAMPLES,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument(
        "submissions",
        nargs="*",
        help="notebook files or folders of them (none: only --import-marks/--question/--history)",
    )
    parser.add_argument(
        "--out", required=True, help="output folder: gradebook.csv/.sqlite, answers.csv, feedback/"
    )
    parser.add_argument("--exercise", help="exercise id (ch01 ...); default: from each notebook")
    parser.add_argument(
        "--seed", type=int, help="seed of the hidden case data (default: random, kept for resuming)"
    )
    parser.add_argument(
        "--workers", type=int, help="submissions graded at once (default: number of cores + 1)"
    )
    parser.add_argument("--cell-timeout", type=float, default=30, help="seconds per cell (default 30)")
    parser.add_argument(
        "--notebook-timeout", type=float, default=180, help="seconds per notebook (default 180)"
    )
    parser.add_argument(
        "--memory-mb", type=int, default=2048, help="memory cap per kernel in MB (default 2048)"
    )
    parser.add_argument(
        "--student-data", help="data folder the students used (default: the repository's datasets/)"
    )
    parser.add_argument("--no-progress", action="store_true", help="no progress bar")
    parser.add_argument(
        "--roster", help="class roster CSV: student_id,name,email,lms_id,file (see grading/roster.py)"
    )
    parser.add_argument(
        "--key",
        help="answer key folder (from `crm-lessons exercises release --key-out`); "
        "default: the repository's exercises/key",
    )
    parser.add_argument(
        "--insecure",
        action="store_true",
        help="grade without the sandbox when isolation is unavailable (recorded in the gradebook)",
    )
    instructor.add_grade_options(parser)
    args = parser.parse_args(argv)
    if not args.submissions and not (args.import_marks or args.question or args.history):
        parser.error("give the submissions to grade (or --import-marks, --question or --history with --out)")
    try:
        extra = instructor.before_grade(args)
        results = (
            grade(
                args.submissions,
                args.out,
                exercise=args.exercise,
                seed=args.seed,
                workers=args.workers,
                cell_timeout=args.cell_timeout,
                notebook_timeout=args.notebook_timeout,
                memory_mb=args.memory_mb,
                student_data=args.student_data,
                progress=not args.no_progress,
                roster=args.roster,
                key=args.key,
                insecure=args.insecure,
                **extra,
            )
            if args.submissions
            else None
        )
        code = instructor.after_grade(args)
    except (ValueError, FileNotFoundError, RuntimeError) as exc:
        print(f"crm-lessons grade: {exc}", file=sys.stderr)
        return 2
    if results is not None:
        print(
            f"graded {len(results)} submission(s) into {args.out}/ "
            "(gradebook.csv, gradebook.sqlite, feedback/)"
        )
        bad = [r for r in results if r.status == "not gradable"]
        for r in bad:
            shown = Path(r.file).name or "no file"
            print(
                f"NOT GRADABLE: {r.student} ({shown}): {r.reason} -- recorded with 0 points", file=sys.stderr
            )
        if bad:
            code = code or 1
    return code


__all__ = ["grade", "grade_main", "exercises_main", "find_submissions", "probe_isolation", "score_submission"]
