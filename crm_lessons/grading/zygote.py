"""A pre-warmed kernel factory (zygote): import once, fork one kernel per submission.

Starting a Jupyter kernel the usual way costs about 4 s here, almost all of it importing
pandas, matplotlib, seaborn, ipywidgets and IPython. The zygote is a process that pays that
price once: it imports everything an exercise notebook needs, reads the grading copy of the
case data into memory, and then waits on its stdin for spawn requests (one JSON object per
line). For each request it ``fork()``\\ s a child, which becomes an ordinary ipykernel bound to
the ports of the given connection file -- but already warm. The child is jailed before any
student code runs:

* a new session (so the grader can signal its whole process group);
* stdin/stdout/stderr on ``/dev/null``; every inherited file descriptor closed;
* a fresh environment (only what the request names), the scratch folder as working directory;
* resource limits: address space (memory cap), CPU seconds, file size, no core files and,
  when a separate user id is used, a cap on processes;
* when the grader runs as root: a user and group id of its own (one per worker slot), so
  the student's code can neither read the grader's files nor signal the grader, the zygote
  or another student's kernel.

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


_PR_SET_KEEPCAPS = 8
_PR_SET_NO_NEW_PRIVS = 38
_CAP_DAC_READ_SEARCH = 2
_CAP_VERSION_3 = 0x20080522


def drop_privileges(uid: int, keep_read_all: bool = False) -> None:
    """Become ``uid`` (and group ``uid``) with no supplementary groups.

    With ``keep_read_all`` the process keeps one capability, CAP_DAC_READ_SEARCH (read any
    file, nothing else): needed when the Python installation itself lives in a folder other
    users cannot read (for example a pyenv under ``/root``). It still cannot write the
    grader's files, signal other users' processes or read their memory.
    """
    import ctypes

    libc = ctypes.CDLL(None, use_errno=True)
    if keep_read_all:
        libc.prctl(_PR_SET_KEEPCAPS, 1, 0, 0, 0)
    os.setgroups([])
    os.setgid(uid)
    os.setuid(uid)
    if keep_read_all:

        class Header(ctypes.Structure):
            _fields_ = [("version", ctypes.c_uint32), ("pid", ctypes.c_int)]

        class Data(ctypes.Structure):
            _fields_ = [("effective", ctypes.c_uint32), ("permitted", ctypes.c_uint32), ("inheritable", ctypes.c_uint32)]

        header = Header(_CAP_VERSION_3, 0)
        data = (Data * 2)()
        bit = 1 << _CAP_DAC_READ_SEARCH
        data[0].effective = data[0].permitted = data[0].inheritable = bit
        if libc.capset(ctypes.byref(header), ctypes.byref(data)) != 0:
            raise OSError(ctypes.get_errno(), "capset failed")
        libc.prctl(_PR_SET_KEEPCAPS, 0, 0, 0, 0)
    libc.prctl(_PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0)
    if os.getuid() != uid or os.geteuid() != uid:
        raise OSError("could not change user")


_CLONE_NEWNS = 0x00020000
_MS_BIND, _MS_REC, _MS_PRIVATE = 4096, 16384, 1 << 18


def unreadable_ancestor(path: str) -> tuple[str, str] | None:
    """The first folder on ``path`` that other users cannot enter, and its child on the path.

    ``None`` when every folder on the way is world-searchable (the usual case outside
    ``/root``).

    Examples
    --------
    >>> unreadable_ancestor("/")
    """
    parts = os.path.abspath(path).split(os.sep)[1:]
    current = "/"
    for name in parts:
        if not os.stat(current).st_mode & 0o001:
            return current, os.path.join(current, name)
        current = os.path.join(current, name)
    return None


def expose_paths(paths, stash: str | None = None) -> bool:
    """Make the given folders reachable for another user, and nothing else of the folders around them.

    Some installations live below a folder other users cannot enter (a pyenv or a checkout
    under ``/root``). In a private mount namespace, for each such folder: bind the needed
    child aside, cover the closed folder with an empty world-readable tmpfs, and move the
    child back to its old path. The student's kernel then sees, say, ``/root/.pyenv`` and
    nothing else of ``/root``. Repeats for closed folders further down. Returns False when
    mounts are not allowed here (the caller falls back). ``stash`` is unused (kept for callers).
    """
    import ctypes

    def needs() -> dict:
        found = {}
        for p in paths:
            hit = unreadable_ancestor(p)
            if hit is not None:
                found.setdefault(hit[0], set()).add(hit[1])
        return found

    todo = needs()
    if not todo:
        return True
    libc = ctypes.CDLL(None, use_errno=True)
    mount = libc.mount
    mount.argtypes = [ctypes.c_char_p, ctypes.c_char_p, ctypes.c_char_p, ctypes.c_ulong, ctypes.c_char_p]
    if libc.unshare(_CLONE_NEWNS) != 0 or mount(None, b"/", None, _MS_REC | _MS_PRIVATE, None) != 0:
        return False
    for _ in range(8):  # nested closed folders are handled on later rounds
        if not todo:
            return True
        for closed, keeps in todo.items():
            # hold each needed child by a file descriptor, cover the closed folder, bind the child back
            held = [(keep, os.open(keep, os.O_PATH)) for keep in sorted(keeps)]
            try:
                if mount(b"tmpfs", closed.encode(), b"tmpfs", 0, b"mode=0755,size=1m") != 0:
                    return False
                for keep, fd in held:
                    if os.path.isdir(f"/proc/self/fd/{fd}"):
                        os.makedirs(keep, exist_ok=True)
                    else:
                        open(keep, "a").close()
                    if mount(f"/proc/self/fd/{fd}".encode(), keep.encode(), None, _MS_BIND | _MS_REC, None) != 0:
                        return False
            finally:
                for _, fd in held:
                    os.close(fd)
        todo = needs()
    return not todo


def become_kernel(req: dict) -> None:
    """In the forked child: jail the process, then run an ipykernel until it exits."""
    os.setsid()
    for sig in (signal.SIGCHLD, signal.SIGINT, signal.SIGTERM, signal.SIGHUP):
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
    if uid is not None:
        if limits.get("processes"):
            _set_limit(resource.RLIMIT_NPROC, int(limits["processes"]))
        keep_read_all = bool(req.get("keep_read_all"))
        if req.get("stash") and not expose_paths(req.get("expose") or [sys.base_prefix], req["stash"]):
            keep_read_all = True  # no mount namespace here: fall back to reading everything
        drop_privileges(int(uid), keep_read_all=keep_read_all)

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


def serve(stdin=None, stdout=None) -> None:
    """Answer spawn requests from the grader until stdin closes."""
    stdin = stdin or sys.stdin
    stdout = stdout or sys.stdout
    for line in stdin:
        line = line.strip()
        if not line:
            continue
        req = json.loads(line)
        pid = os.fork()
        if pid == 0:
            code = 1
            try:
                become_kernel(req)
                code = 0
            except BaseException:
                code = 1
                _log_failure(req)
            finally:
                os._exit(code)
        stdout.write(json.dumps({"pid": pid}) + "\n")
        stdout.flush()


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    data_dir = argv[0] if argv else None
    signal.signal(signal.SIGCHLD, signal.SIG_IGN)  # children are reaped automatically
    warm(data_dir)
    sys.stdout.write("ready\n")
    sys.stdout.flush()
    serve()
    return 0


if __name__ == "__main__":
    sys.exit(main())
