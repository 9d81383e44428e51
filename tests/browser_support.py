"""Browser set-up shared by the browser tests and ``benchmarks/bench_demo_latency.py``.

One implementation of: Chromium's flags on these machines, a Playwright browser context on
Debian's Chromium (a fresh profile, deleted afterwards), a JupyterLab server on 127.0.0.1 with
a token (no news pop-up, stopped afterwards), the notebook that displays every widget as the
chapters do, opening a notebook in JupyterLab until its kernel is idle, "Run All", and the
locators of a labelled slider, drop-down and text box. See /work/shared/notes/browser-testing.md.

The tests import it as ``browser_support`` (pytest puts ``tests/`` on ``sys.path``); the
benchmark puts ``tests/`` on ``sys.path`` itself.
"""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import Iterable, Iterator
from pathlib import Path

CHROMIUM = Path("/usr/bin/chromium")
#: Without the background-networking flags Chromium floods the closed network with refused connections.
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
#: JupyterLab's settings that stop the news pop-up covering page elements.
NO_NEWS = {"@jupyterlab/apputils-extension:notification": {"fetchNews": "false", "checkForUpdates": False}}


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextlib.contextmanager
def chromium_context(playwright, **options) -> Iterator[object]:
    """A persistent browser context on Debian's Chromium with a fresh profile, removed afterwards.

    ``playwright`` is the object ``sync_playwright()`` gives; ``options`` go to
    ``launch_persistent_context`` (``viewport``, ``device_scale_factor``...).
    """
    profile = tempfile.mkdtemp()
    try:
        context = playwright.chromium.launch_persistent_context(
            profile, executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS, **options
        )
        try:
            yield context
        finally:
            context.close()
    finally:
        shutil.rmtree(profile, ignore_errors=True)


@contextlib.contextmanager
def jupyter_lab(root_dir: Path, token: str, tries: int = 240) -> Iterator[str]:
    """A JupyterLab server serving ``root_dir``; yields its base URL once ``/api/status`` answers.

    Its settings and workspaces live in fresh temporary folders (removed afterwards); the server
    is stopped on leaving. Raises RuntimeError when it does not answer after ``tries`` half seconds.
    """
    settings, workspaces = Path(tempfile.mkdtemp()), Path(tempfile.mkdtemp())
    (settings / "overrides.json").write_text(json.dumps(NO_NEWS))
    port = free_port()
    env = dict(os.environ, JUPYTERLAB_SETTINGS_DIR=str(settings), JUPYTERLAB_WORKSPACES_DIR=str(workspaces))
    env.pop("MPLBACKEND", None)  # the kernel uses the notebook's inline backend
    server = subprocess.Popen(
        [
            str(Path(sys.executable).parent / "jupyter"),
            "lab",
            "--no-browser",
            "--allow-root",
            "--ip=127.0.0.1",
            f"--port={port}",
            f"--IdentityProvider.token={token}",
            f"--ServerApp.root_dir={root_dir}",
            "--LabApp.check_for_updates_class=jupyterlab.NeverCheckForUpdate",
            f"--LabApp.app_settings_dir={settings}",
        ],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(tries):
            try:
                urllib.request.urlopen(f"{base}/api/status?token={token}", timeout=5).read()
                break
            except OSError:
                time.sleep(0.5)
        else:
            raise RuntimeError("JupyterLab did not start")
        yield base
    finally:
        server.terminate()
        try:
            server.wait(timeout=10)
        except subprocess.TimeoutExpired:
            server.kill()
        for folder in (settings, workspaces):
            shutil.rmtree(folder, ignore_errors=True)


def widgets_notebook(names: Iterable[str]) -> dict:
    """A notebook (nbformat 4 dict) that displays the demo widgets ``names`` as the chapters do."""

    def cell(cell_id: str, source: str) -> dict:
        return {
            "cell_type": "code",
            "execution_count": None,
            "id": cell_id,
            "metadata": {},
            "outputs": [],
            "source": source,
        }

    setup = (
        "import crm_lessons as crm\nfrom crm_lessons.widgets.demos import build_widget\n"
        "crm.set_language('en')"
    )
    return {
        "cells": [cell("setup", setup)] + [cell(name, f"build_widget({name!r})") for name in names],
        "metadata": {"kernelspec": {"display_name": "Python 3", "language": "python", "name": "python3"}},
        "nbformat": 4,
        "nbformat_minor": 5,
    }


def open_notebook(page, base: str, token: str, notebook: str, timeout: int) -> None:
    """Open ``notebook`` in JupyterLab and wait until its kernel is attached and idle.

    The status bar's "Idle", not the execution indicator, which says idle before the kernel is
    attached (then "Run All" silently does nothing).
    """
    page.goto(f"{base}/lab/tree/{notebook}?token={token}&reset", timeout=timeout)
    page.locator("#jp-main-statusbar").get_by_text("Idle").wait_for(timeout=timeout)


def menu(page, menu_label: str, command: str) -> None:
    """Click ``command`` (a JupyterLab command id, e.g. ``runmenu:run-all``) in the menu ``menu_label``."""
    page.locator(".lm-MenuBar-itemLabel", has_text=menu_label).first.click()
    page.locator(f"li[data-command='{command}']").click()


def run_all(page) -> None:
    menu(page, "Run", "runmenu:run-all")


def _labelled(root, widget_class: str, label: str):
    return root.locator(widget_class).filter(has=root.page.locator(".widget-label", has_text=label))


def slider(root, label: str):
    """The slider labelled ``label`` inside ``root``."""
    return _labelled(root, ".widget-slider", label).first


def dropdowns(root, label: str | None):
    """The drop-downs labelled ``label`` inside ``root`` (all of them when ``label`` is None)."""
    return _labelled(root, ".widget-dropdown", label) if label else root.locator(".widget-dropdown")


def text_box(root, label: str):
    """The text box labelled ``label`` inside ``root``."""
    return _labelled(root, ".widget-text", label).first
