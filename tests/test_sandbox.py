"""The sandbox a student's kernel runs in: bubblewrap namespaces and cgroup limits (issue 9)."""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path

import pytest

from crm_lessons.grading import sandbox
from crm_lessons.grading.sandbox import HOME, Cgroups, Jail, Limits, bwrap_args, enter

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = str(ROOT / "crm_lessons")


def _available(tmp_path) -> bool:
    return sandbox.probe([sys.base_prefix, sys.prefix, PACKAGE], tmp_path).available


def test_bwrap_command_has_every_namespace_and_sized_tmpfs():
    limits = Limits(tmp_bytes=1 << 20)
    args = bwrap_args("bwrap", ["/opt/py", "/data/x"], "/run/s", limits, 5, "/usr/bin/sleep")
    for flag in ("--unshare-pid", "--unshare-net", "--unshare-ipc", "--unshare-uts", "--die-with-parent"):
        assert flag in args
    text = " ".join(args)
    assert "--size 1048576 --tmpfs /tmp" in text and "--tmpfs /dev/shm" in text and f"--tmpfs {HOME}" in text
    assert "--ro-bind /opt/py /opt/py" in text and "--ro-bind /data/x /data/x" in text
    assert "--bind /run/s /run/s" in text
    assert "--bind / " not in text  # never the whole file system


def test_refused_without_root(tmp_path, monkeypatch):
    monkeypatch.setattr(os, "geteuid", lambda: 1000)
    iso = sandbox.probe([sys.prefix], tmp_path)
    assert not iso.available and "not running as root" in iso.reason


def _inside(jail: Jail, code) -> dict:
    """Run ``code`` (a function returning a dict) as uid 61999 inside ``jail``; return its dict."""
    r, w = os.pipe()
    pid = os.fork()
    if pid == 0:  # pragma: no cover - the child
        status = 1
        try:
            os.close(r)
            enter(jail.spawn_fields())
            inner = os.fork()
            if inner == 0:
                try:
                    sandbox.drop_privileges(61999)
                    os.write(w, json.dumps(code()).encode())
                    os._exit(0)
                except BaseException:  # noqa: BLE001
                    os._exit(1)
            _, st = os.waitpid(inner, 0)
            status = os.WEXITSTATUS(st)
        finally:
            os._exit(status)
    os.close(w)
    os.waitpid(pid, 0)
    with os.fdopen(r) as f:
        return json.loads(f.read() or "{}")


def test_kernel_sees_only_its_own_view(tmp_path):
    if not _available(tmp_path):
        pytest.skip("needs root, bubblewrap and writable cgroups")
    conn = tmp_path / "conn"
    conn.mkdir(mode=0o700)
    cgroups = Cgroups.create()
    limits = Limits(memory_bytes=256 << 20)
    data = tmp_path / "data"
    (data / "case_company").mkdir(parents=True)
    # the hidden data also where a notebook that ignores its data_dir looks (an alias below home)
    aliases = [(str(data / "case_company"), f"{HOME}/datasets/case_company")]
    jail = Jail([sys.base_prefix, sys.prefix, PACKAGE], str(conn), limits, cgroups, aliases=aliases).start()

    def look():
        import socket

        try:
            socket.create_connection(("1.1.1.1", 53), timeout=1)
            net = True
        except OSError:
            net = False
        open("/tmp/x", "w").write("x")
        open(os.path.join(HOME, "notes.txt"), "w").write("mine")  # its home is writable
        return {
            "uid": os.getuid(),
            "cwd": os.getcwd(),
            "net": net,
            "repo": os.path.exists(str(ROOT / "exercises")),
            "package": os.path.exists(PACKAGE),
            "pids": sorted(int(p) for p in os.listdir("/proc") if p.isdigit()),
            "conn": os.access(str(conn), os.R_OK),
        }

    try:
        seen = _inside(jail, look)
        memory = jail.cgroup.folders
    finally:
        jail.close()
        cgroups.close()
    assert seen["uid"] == 61999 and seen["cwd"] == HOME and seen["net"] is False
    assert seen["repo"] is False and seen["package"] is True and seen["conn"] is False
    assert max(seen["pids"]) < 10  # its own PID namespace: bubblewrap's init, the placeholder, itself
    assert not Path("/tmp/x").exists() or Path("/tmp/x").read_text() != "x"
    assert not any(Path(f).exists() for f in memory)  # the cgroup is gone with the submission
