"""A pre-warmed kernel factory (zygote): import once, fork one kernel per submission.

Starting a Jupyter kernel the usual way costs about 4 s here, almost all of it importing
pandas, matplotlib, seaborn, ipywidgets and IPython. The zygote is a process that pays that
price once: it imports everything an exercise notebook needs, reads the grading copy of the
case data into memory, and then waits on its stdin for spawn requests (one JSON object per
line). For each request it ``fork()``\\ s a child, which enters the submission's sandbox
(its cgroup, then bubblewrap's namespaces with ``setns``: see :mod:`.sandbox`) and forks the
kernel, an ordinary ipykernel bound to the unix sockets of the given connection file -- but
already warm, and a member of the sandbox's PID namespace. The kernel is jailed before any
student code runs:

* inside the sandbox: its own PID, network, IPC, UTS and mount namespaces (a read-only view
  of Python, the package and the hidden data; private ``/tmp``, ``/dev/shm`` and home), the
  submission's cgroup (one memory limit with its children, a process limit, a CPU share);
* a new session (so the grader can signal its whole process group);
* stdin/stdout/stderr on ``/dev/null``; every inherited file descriptor closed;
* a fresh environment (only what the request names), its home as working directory;
* resource limits: address space (memory cap), CPU seconds, file size, no core files and,
  when a separate user id is used, a cap on processes;
* its sockets bound while still root (only the grader can connect to them), then a user and
  group id of its own, no capabilities and no new privileges, so the student's code can
  neither read the grader's files nor signal the grader, the zygote or another kernel.

The zygote itself starts with a minimal environment (a kernel could read the zygote's
environment block in ``/proc/self/environ``) and never imports the answer key.

The zygote ignores SIGCHLD, so its children are reaped by the kernel and never linger as
zombies; the grader watches each child through a pidfd (see :mod:`crm_lessons.grading.engine`).
No thread is started in the zygote before it forks (BLAS libraries are told to use one thread),
which is what makes ``fork()`` safe here.

Run as ``python -m crm_lessons.grading.zygote DATA_DIR``; it prints ``ready`` when warm.
"""

from __future__ import annotations

import json
import os
import resource
import signal
import sys

#: Modules imported before forking: everything the exercise notebooks import.
WARM_MODULES = (
    "numpy",
    "pandas",
    "scipy.stats",
    "matplotlib",
    "matplotlib.pyplot",
    "seaborn",
    "ipywidgets",
    "IPython",
    "ipykernel.kernelapp",
    "ipykernel.ipkernel",
    "ipykernel.zmqshell",
    "ipykernel.comm",
    "comm",
    "crm_lessons",
    "crm_lessons.data",
    "crm_lessons.exercises",
)


def warm(data_dir: str | None) -> None:
    """Import the notebook's libraries and read the case data into the exercise cache."""
    import importlib

    import matplotlib

    matplotlib.use("Agg")
    for name in WARM_MODULES:
        try:
            importlib.import_module(name)
        except Exception:  # a module still being written must not stop grading
            pass
    # every topic module and widget of the package (what notebooks and references import)
    import pkgutil

    import crm_lessons
    import crm_lessons.widgets

    for package in (crm_lessons, crm_lessons.widgets):
        for mod in pkgutil.iter_modules(package.__path__):
            if mod.name in ("cli", "grading") or mod.name.startswith("_") and package is crm_lessons:
                continue
            try:
                importlib.import_module(f"{package.__name__}.{mod.name}")
            except Exception:
                pass
    try:
        from crm_lessons import exercises

        exercises.preload(data_dir)
        exercises.import_banks()
    except Exception:
        pass
    # the kernel's own lazy imports, done here once instead of in every child
    try:
        import ipykernel.datapub  # noqa: F401
        import ipywidgets.widgets  # noqa: F401
        import matplotlib_inline.backend_inline  # noqa: F401
    except Exception:
        pass


def _set_limit(which: int, value: int) -> None:
    try:
        soft, hard = resource.getrlimit(which)
        if hard != resource.RLIM_INFINITY:
            value = min(value, hard)
        resource.setrlimit(which, (value, value))
    except (ValueError, OSError):
        pass


def _vm_bytes() -> int:
    with open("/proc/self/statm") as f:
        return int(f.read().split()[0]) * os.sysconf("SC_PAGE_SIZE")


def become_kernel(req: dict) -> None:
    """In the forked kernel process: jail it, then run an ipykernel until it exits.

    With a sandbox (``req["ns_pid"]``, see :mod:`.sandbox`) the caller has already entered the
    submission's namespaces and cgroup; the kernel binds its sockets as root (so only the grader
    can connect to them), gives its home folder to the submission's user id and becomes that
    user before any student code runs.
    """
    os.setsid()
    for sig in (signal.SIGCHLD, signal.SIGINT, signal.SIGTERM, signal.SIGHUP, signal.SIGPIPE):
        signal.signal(sig, signal.SIG_DFL)
    devnull = os.open(os.devnull, os.O_RDWR)
    for fd in (0, 1, 2):
        os.dup2(devnull, fd)
    os.closerange(3, 1 << 16)

    os.chdir(req["cwd"])
    os.environ.clear()
    os.environ.update(req["env"])
    os.umask(0o077)

    limits = req.get("limits", {})
    if limits.get("memory_bytes"):
        # the child already maps the warm libraries: the cap is on top of what it has now
        _set_limit(resource.RLIMIT_AS, _vm_bytes() + int(limits["memory_bytes"]))
    if limits.get("cpu_seconds"):
        _set_limit(resource.RLIMIT_CPU, int(limits["cpu_seconds"]))
    if limits.get("file_bytes"):
        _set_limit(resource.RLIMIT_FSIZE, int(limits["file_bytes"]))
    _set_limit(resource.RLIMIT_CORE, 0)
    uid = req.get("uid")
    if uid is not None and limits.get("processes"):
        _set_limit(resource.RLIMIT_NPROC, int(limits["processes"]))

    from ipykernel.kernelapp import IPKernelApp

    app = IPKernelApp.instance()
    app.initialize(
        [
            "-f",
            req["connection_file"],
            "--HistoryManager.enabled=False",
            "--IPKernelApp.quiet=True",
        ]
    )
    if uid is not None:
        from crm_lessons.grading.sandbox import chown_tree, drop_privileges

        chown_tree(req["cwd"], int(uid))
        drop_privileges(int(uid))
    app.start()


def _log_failure(req: dict) -> None:
    """Write the child's traceback to the request's ``log`` file, when one is named."""
    path = req.get("log")
    if not path:
        return
    import traceback

    try:
        with open(path, "a") as f:
            traceback.print_exc(file=f)
    except OSError:
        pass


def spawn(req: dict) -> int:
    """Fork a kernel for one request; return its pid (in the zygote's PID namespace), or -1.

    The zygote's child enters the sandbox (cgroup and namespaces, when the request names them)
    and forks the kernel: only a child of a process that entered a PID namespace is a member of
    it. The child reports the kernel's pid through a pipe and exits.
    """
    r, w = os.pipe()
    pid = os.fork()
    if pid == 0:  # pragma: no cover - runs in the child
        os.close(r)
        code = 1
        try:
            if req.get("ns_pid") is not None or req.get("cgroup_procs"):
                from crm_lessons.grading.sandbox import enter

                enter(req)
            kernel = os.fork()
            if kernel == 0:
                os.close(w)
                kcode = 1
                try:
                    become_kernel(req)
                    kcode = 0
                except BaseException:  # noqa: BLE001 - whatever failed, the child must exit
                    _log_failure(req)
                finally:
                    os._exit(kcode)
            os.write(w, f"{kernel}\n".encode())
            code = 0
        except BaseException:  # noqa: BLE001
            _log_failure(req)
        finally:
            os._exit(code)
    os.close(w)
    with os.fdopen(r, "rb") as f:
        line = f.readline().strip()
    return int(line) if line else -1


def serve(stdin=None, stdout=None) -> None:
    """Answer spawn requests from the grader until stdin closes."""
    stdin = stdin or sys.stdin
    stdout = stdout or sys.stdout
    for line in stdin:
        line = line.strip()
        if not line:
            continue
        req = json.loads(line)
        stdout.write(json.dumps({"pid": spawn(req)}) + "\n")
        stdout.flush()


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    data_dir = argv[0] if argv else None
    signal.signal(signal.SIGCHLD, signal.SIG_IGN)  # children are reaped automatically
    # kernels whose forking parent has exited come back to the zygote (not the machine's init,
    # which in a container may never reap them) and are reaped automatically as well
    try:
        import ctypes

        ctypes.CDLL(None, use_errno=True).prctl(36, 1, 0, 0, 0)  # PR_SET_CHILD_SUBREAPER
    except (OSError, AttributeError):
        pass
    warm(data_dir)
    sys.stdout.write("ready\n")
    sys.stdout.flush()
    serve()
    return 0


if __name__ == "__main__":
    sys.exit(main())
