"""A papermill engine whose kernels come warm from a zygote, and the jail around each run.

papermill looks engines up by name; :func:`register` adds ``"crm-zygote"``. The engine is
papermill's own nbclient engine with three changes:

1. the kernel is not started with ``python -m ipykernel`` (4 s of imports) but forked from a
   :class:`Zygote` that has imported everything already (see :mod:`.zygote`); the provisioner
   below talks to the zygote instead of ``Popen`` and watches the child through a pidfd;
2. answer records (display outputs of MIME type :data:`crm_lessons.exercises.ANSWER_MIME`)
   are handed to the grader *as they arrive*, so a kernel that dies later keeps what it had
   answered; and every other output is capped (a notebook printing 100 MB keeps 1 MB);
3. errors do not stop the run (``allow_errors``): a cell that raises or times out costs that
   cell, the next cells still run; a per-notebook deadline kills the kernel outright.
"""

from __future__ import annotations

import json
import os
import select
import signal
import subprocess
import sys
import threading
import time
import uuid
from dataclasses import dataclass, field
from pathlib import Path

import nbformat
import zmq
from jupyter_client.manager import AsyncKernelManager
from jupyter_client.provisioning.local_provisioner import LocalProvisioner
from papermill.clientwrap import PapermillNotebookClient
from papermill.engines import Engine, papermill_engines

from crm_lessons.exercises import ANSWER_MIME, TRANSIENT_KEY

ENGINE_NAME = "crm-zygote"
#: Largest answer record kept (characters of JSON): a bigger one is dropped before any comparison.
MAX_RECORD_CHARS = 8_000_000
#: Most answer records kept per submission.
MAX_RECORDS = 1_000
#: Largest message the grader accepts from a kernel (bytes); ZeroMQ drops a bigger one unread
#: (and the kernel's output channel reconnects, losing what it sent meanwhile), so one message
#: never costs the grader more than this to receive and decode. Far above what an honest
#: notebook sends at once (a 100 MB print still arrives, and is cut to the output cap).
MAX_MESSAGE_BYTES = 128 << 20
#: Environment of the zygote (and so of every kernel): one BLAS thread, no GUI.
THREAD_ENV = {
    "OPENBLAS_NUM_THREADS": "1",
    "OMP_NUM_THREADS": "1",
    "MKL_NUM_THREADS": "1",
    "NUMEXPR_NUM_THREADS": "1",
    "MPLBACKEND": "Agg",
    "PYDEVD_DISABLE_FILE_VALIDATION": "1",
}


class GraderError(RuntimeError):
    """A failure of the grader itself (not of the submission): never recorded as a grade."""


class Zygote:
    """The grader's handle on one zygote process (thread-safe spawn requests)."""

    def __init__(self, data_dir: str | None, python: str = sys.executable, startup_timeout: float = 120):
        self._lock = threading.Lock()
        self.data_dir = data_dir
        self.python = python
        self.startup_timeout = startup_timeout
        self.restarts = 0
        self._start()

    def _start(self) -> None:
        # a minimal environment: a kernel forked from the zygote could read it in /proc/self/environ
        env = {"PATH": f"{Path(self.python).parent}:/usr/bin:/bin", "LANG": "C.UTF-8", "HOME": "/nonexistent"}
        env.update(THREAD_ENV)
        self.proc = subprocess.Popen(
            # -P: the working folder stays off sys.path, so a grader started in a clone runs the
            # installed package (the folder exposed to the sandbox), not the clone's crm_lessons/
            [self.python, "-P", "-m", "crm_lessons.grading.zygote", str(self.data_dir or "")],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
            text=True,
            env=env,
            close_fds=True,
        )
        ready, _, _ = select.select([self.proc.stdout], [], [], self.startup_timeout)
        line = self.proc.stdout.readline() if ready else ""
        if line.strip() != "ready":
            self.close()
            raise GraderError(
                "the grading zygote did not start (try running `python -m crm_lessons.grading.zygote`)"
            )

    def alive(self) -> bool:
        return self.proc.poll() is None

    def spawn(self, request: dict, timeout: float = 30) -> int:
        """Fork a kernel; a dead zygote is started again once. Raises :class:`GraderError`."""
        with self._lock:
            if not self.alive():
                self.restarts += 1
                self._start()
            try:
                self.proc.stdin.write(json.dumps(request) + "\n")
                self.proc.stdin.flush()
                ready, _, _ = select.select([self.proc.stdout], [], [], timeout)
                line = self.proc.stdout.readline() if ready else ""
            except (OSError, ValueError):
                line = ""
        if not line:
            raise GraderError("the grading zygote did not answer a spawn request")
        return int(json.loads(line)["pid"])

    def close(self) -> None:
        if self.proc.poll() is None:
            try:
                self.proc.stdin.close()
            except OSError:
                pass
            try:
                self.proc.wait(timeout=5)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()


class ForkedKernelProcess:
    """``Popen``-like handle on a kernel that is the zygote's child, not ours.

    Liveness comes from a pidfd (readable once the process has exited), signals go through
    ``pidfd_send_signal``, so a recycled pid can never be hit. The exit code is not ours to
    collect (the zygote's kernel reaps it); a dead kernel reports -9.
    """

    stdin = stdout = stderr = None

    def __init__(self, pid: int):
        self.pid = pid
        self.returncode = None
        try:
            self._pidfd = os.pidfd_open(pid)
        except ProcessLookupError:
            self._pidfd = None
            self.returncode = -9

    def _ready(self, timeout) -> bool:
        poller = select.poll()  # poll, not select: fds above 1023 are fine
        poller.register(self._pidfd, select.POLLIN)
        return bool(poller.poll(None if timeout is None else int(timeout * 1000)))

    def poll(self):
        if self.returncode is None and self._ready(0):
            self._exited()
        return self.returncode

    def _exited(self) -> None:
        self.returncode = -9
        if self._pidfd is not None:
            os.close(self._pidfd)
            self._pidfd = None

    def wait(self, timeout=None):
        if self.returncode is None:
            if self._ready(timeout):
                self._exited()
            else:
                raise subprocess.TimeoutExpired("kernel", timeout)
        return self.returncode

    def close(self) -> None:
        """Stop watching (the process is dead or we no longer care)."""
        if self._pidfd is not None:
            os.close(self._pidfd)
            self._pidfd = None
            if self.returncode is None:
                self.returncode = -9

    def send_signal(self, signum: int) -> None:
        if self.poll() is None:
            try:
                signal.pidfd_send_signal(self._pidfd, signum)
            except ProcessLookupError:
                pass

    def kill(self) -> None:
        self.send_signal(signal.SIGKILL)

    def terminate(self) -> None:
        self.send_signal(signal.SIGTERM)


class ZygoteProvisioner(LocalProvisioner):
    """Kernel provisioner: connection file as usual, process forked by the zygote."""

    job = None  # the RunJob being executed (set by the engine)

    async def launch_kernel(self, cmd, **kwargs):
        job = self.job
        conn = self.parent.connection_file
        request = {
            "connection_file": conn,
            "cwd": job.work_dir,
            "env": job.kernel_env,
            "uid": job.uid,
            "limits": job.limits,
            "log": job.log_file,
        }
        if job.jail is not None:
            request.update(job.jail.spawn_fields())
            request["cwd"] = request["home"]
        pid = job.zygote.spawn(request)
        if pid <= 0:
            raise GraderError("the zygote could not fork a kernel (see the kernel log)")
        self.process = ForkedKernelProcess(pid)
        job.kernel_process = self.process
        self.pid = pid
        self.pgid = pid  # the child called setsid()
        self.cwd = job.work_dir
        return self.connection_info

    async def send_signal(self, signum: int) -> None:
        if self.process is None:
            return
        # the whole process group first (student subprocesses), then the kernel itself
        try:
            os.killpg(self.pgid, signum)
        except OSError:
            pass
        self.process.send_signal(signum)

    async def cleanup(self, restart: bool = False) -> None:
        await super().cleanup(restart)
        if self.job is not None:
            self.job.kill_everything()


@dataclass
class RunJob:
    """Everything the engine needs to run one submission, and what it collects."""

    zygote: Zygote
    work_dir: str
    connection_file: str
    kernel_env: dict
    limits: dict
    uid: int | None = None
    log_file: str | None = None
    #: the submission's sandbox (:class:`crm_lessons.grading.sandbox.Jail`); None with --insecure
    jail: object = None
    #: folder of the kernel's IPC sockets
    socket_dir: str | None = None
    cell_timeout: float = 30
    notebook_timeout: float = 120
    output_cap: int = 1_000_000
    #: answer records in arrival order: (cell index, record dict)
    records: list = field(default_factory=list)
    kernel_process: object = None
    killed_for_deadline: bool = False
    output_bytes: int = 0
    truncated: bool = False
    timed_out_cells: list = field(default_factory=list)
    #: executed-notebook cell index -> "ename: evalue" of the error it raised
    cell_errors: dict = field(default_factory=dict)
    #: questions whose answer record was larger than MAX_RECORD_CHARS (dropped unread)
    oversized: set = field(default_factory=set)
    #: index of the parameters cell papermill injected (None: none injected)
    injected_at: int | None = None
    nb: object = None

    def original_index(self, index: int) -> int:
        """Index in the submitted notebook of a cell of the executed one."""
        if self.injected_at is not None and index > self.injected_at:
            return index - 1
        return index

    def kill_everything(self) -> None:
        """SIGKILL the kernel, its process group, its sandbox (every process in its PID namespace
        and cgroup) and (with a private uid) every process of that uid."""
        if self.jail is not None:
            self.jail.close()
        proc = self.kernel_process
        if proc is not None:
            try:
                os.killpg(proc.pid, signal.SIGKILL)
            except OSError:
                pass
            proc.kill()
        if self.uid is not None and self.uid != os.getuid():
            kill_uid(self.uid)
        if proc is not None:
            proc.close()


def kill_uid(uid: int) -> None:
    """SIGKILL every process running as ``uid`` (a worker slot's private uid)."""
    for _ in range(3):
        found = False
        for entry in os.listdir("/proc"):
            if not entry.isdigit():
                continue
            try:
                if os.stat(f"/proc/{entry}").st_uid == uid:
                    found = True
                    os.kill(int(entry), signal.SIGKILL)
            except OSError:
                pass
        if not found:
            return
        time.sleep(0.02)


def _output_size(out) -> int:
    if out.get("output_type") == "stream":
        return len(out.get("text", ""))
    size = 0
    for value in (out.get("data") or {}).values():
        size += len(value) if isinstance(value, str) else len(json.dumps(value))
    for key in ("traceback",):
        for line in out.get(key, []) or []:
            size += len(line)
    return size


class GradingNotebookClient(PapermillNotebookClient):
    """papermill's client with answer streaming, an output cap and a notebook deadline."""

    def __init__(self, nb_man, job: RunJob, **kw):
        super().__init__(nb_man, **kw)
        self.job = job

    async def _async_handle_timeout(self, timeout, cell=None):
        for index, c in enumerate(self.nb.cells):
            if c is cell:
                self.job.timed_out_cells.append(index)
        return await super()._async_handle_timeout(timeout, cell)

    def _update_display_id(self, display_id, msg):
        # display updates count against the output cap like any output; over it they are dropped
        content = msg.get("content", {})
        values = (content.get("data") or {}).values()
        size = sum(len(v) if isinstance(v, str) else len(json.dumps(v)) for v in values)
        self.job.output_bytes += size
        if self.job.output_bytes > self.job.output_cap:
            self.job.truncated = True
            return None
        return super()._update_display_id(display_id, msg)

    def output(self, outs, msg, display_id, cell_index):
        content = msg.get("content", {})
        data = content.get("data") or {}
        if msg["msg_type"] == "error":
            text = f"{content.get('ename', 'Error')}: {content.get('evalue', '')}"
            self.job.cell_errors.setdefault(cell_index, text[:300])
        transient = content.get("transient") or {}
        if msg["msg_type"] in ("display_data", "execute_result") and (
            ANSWER_MIME in data or TRANSIENT_KEY in transient
        ):
            record = transient.get(TRANSIENT_KEY, data.get(ANSWER_MIME))
            if isinstance(record, str):
                try:
                    record = json.loads(record)
                except ValueError:
                    record = None
            if isinstance(record, dict) and len(self.job.records) < MAX_RECORDS:
                if len(json.dumps(record)) <= MAX_RECORD_CHARS:
                    self.job.records.append((cell_index, record))
                else:
                    self.job.oversized.add(str(record.get("question")))
        out = super().output(outs, msg, display_id, cell_index)
        if out is None:
            return None
        size = _output_size(out)
        self.job.output_bytes += size
        if self.job.output_bytes > self.job.output_cap and ANSWER_MIME not in data:
            # keep the notebook small: drop the output, say so once
            outs.pop() if outs and outs[-1] is out else None
            if not self.job.truncated:
                self.job.truncated = True
                # a NotebookNode, not a plain dict: nbclient merges later stream output into the
                # last output by attribute (a dict there stopped the whole run: the false "partly run")
                outs.append(
                    nbformat.v4.new_output(
                        "stream", name="stderr", text="[grader: further output dropped (too much output)]\n"
                    )
                )
            return None
        return out


class ZygoteEngine(Engine):
    """papermill engine ``crm-zygote``: nbclient against a kernel forked from a warm zygote."""

    @classmethod
    def execute_managed_notebook(
        cls,
        nb_man,
        kernel_name,
        log_output=False,
        stdout_file=None,
        stderr_file=None,
        start_timeout=60,
        execution_timeout=None,
        **kwargs,
    ):
        job: RunJob = kwargs["job"]
        for index, cell in enumerate(nb_man.nb.cells):
            if "injected-parameters" in cell.get("metadata", {}).get("tags", []):
                job.injected_at = index
        km = AsyncKernelManager(kernel_name="python3")
        if job.socket_dir:
            # no network in the sandbox: ZeroMQ over unix sockets in the submission's own folder
            km.transport = "ipc"
            km.ip = os.path.join(job.socket_dir, "k")
        km.connection_file = job.connection_file
        make_client = km.client

        def bounded_client(**kw):
            kc = make_client(**kw)
            kc.context.setsockopt(zmq.MAXMSGSIZE, MAX_MESSAGE_BYTES)  # default of every socket it makes
            return kc

        km.client = bounded_client
        km.provisioner = ZygoteProvisioner(kernel_id=str(uuid.uuid4()), kernel_spec=km.kernel_spec, parent=km)
        km.provisioner.job = job
        client = GradingNotebookClient(
            nb_man,
            job=job,
            km=km,
            kernel_name="python3",
            timeout=job.cell_timeout,
            startup_timeout=start_timeout,
            allow_errors=True,
            interrupt_on_timeout=True,
            iopub_timeout=4,
            shutdown_kernel="immediate",
            raise_on_iopub_timeout=False,
            error_on_timeout={
                "ename": "CellTimeout",
                "evalue": f"the cell ran longer than {job.cell_timeout:g} s and was interrupted",
                "traceback": [],
            },
        )

        def deadline():
            job.killed_for_deadline = True
            job.kill_everything()

        timer = threading.Timer(job.notebook_timeout, deadline)
        timer.daemon = True
        timer.start()
        try:
            return client.execute()
        finally:
            timer.cancel()
            job.nb = nb_man.nb
            job.kill_everything()
            _release(client, km)


def _release(client, km) -> None:
    """Close the zmq sockets and contexts of one run (else every run leaks fds and threads)."""
    kc = getattr(client, "kc", None)
    for action in (
        lambda: kc.stop_channels(),
        lambda: kc.context.destroy(linger=0),
        lambda: km._close_control_socket(),
        lambda: km.context.destroy(linger=0),
    ):
        try:
            action()
        except Exception:
            pass


def register() -> None:
    """Make ``engine_name="crm-zygote"`` known to papermill (idempotent)."""
    papermill_engines.register(ENGINE_NAME, ZygoteEngine)


register()

__all__ = [
    "ENGINE_NAME",
    "ForkedKernelProcess",
    "GraderError",
    "GradingNotebookClient",
    "RunJob",
    "Zygote",
    "ZygoteEngine",
    "register",
]
