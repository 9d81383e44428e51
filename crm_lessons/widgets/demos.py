"""Class demos: every widget of the book on one projector page, in English or Chinese.

Each demo builds one widget from the case company's data exactly as its chapter does and
shows it with :meth:`~crm_lessons.widgets._base.LessonWidget.demo_view` (controls beside a
plot sized to the page, large type, the lesson in one sentence). ``crm-lessons demo`` serves
the notebooks in ``demos/`` (written by :func:`write_demo_notebooks`) with Voila.

Examples
--------
>>> from crm_lessons.widgets.demos import DEMOS, find_demos
>>> [d.name for d in find_demos(["2"])]
['abc', 'screening', 'basket']
>>> find_demos(["rfm"])[0].chapter
3
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

#: The folder of demo notebooks in a clone of the repository.
DEMO_DIR = Path(__file__).resolve().parents[2] / "demos"


@dataclass(frozen=True)
class Demo:
    name: str
    chapter: int
    widget: str  # class name, for the index


DEMOS = (
    Demo("quiz_type", 1, "CRMTypeQuiz"),
    Demo("targeting", 1, "TargetingExplorer"),
    Demo("quiz_failure", 1, "FailureQuiz"),
    Demo("glossary", 1, "GlossarySearch"),
    Demo("abc", 2, "ABCExplorer"),
    Demo("screening", 2, "ScreeningExplorer"),
    Demo("basket", 2, "CrossSellingExplorer"),
    Demo("rfm", 3, "RFMExplorer"),
    Demo("retention", 4, "RetentionExplorer"),
    Demo("clv", 4, "CLVCalculator"),
    Demo("pilots", 4, "PilotExplorer"),
)


def find_demos(selection: list[str] | None = None) -> list[Demo]:
    """Demos by chapter number (``2``, ``02``), demo name (``rfm``) or widget class name; all when empty.

    Raises
    ------
    ValueError
        When a word matches no demo (the message lists what exists).
    """
    if not selection:
        return list(DEMOS)
    out: list[Demo] = []
    for word in selection:
        w = str(word).strip().lower()
        found = [d for d in DEMOS if (w.isdigit() and int(w) == d.chapter) or w in (d.name, d.widget.lower())]
        if not found:
            names = ", ".join(d.name for d in DEMOS)
            raise ValueError(f"no demo matches {word!r}: give a chapter number (1-4) or one of {names}")
        out += [d for d in found if d not in out]
    return out


def build_widget(name: str, data_dir=None):
    """The demo's widget, built from the case data as its chapter builds it."""
    from crm_lessons import data

    if name == "quiz_type":
        from crm_lessons.widgets.overview import CRMTypeQuiz

        return CRMTypeQuiz()
    if name == "quiz_failure":
        from crm_lessons.widgets.overview import FailureQuiz

        return FailureQuiz()
    if name == "glossary":
        from crm_lessons.widgets.glossary import GlossarySearch

        return GlossarySearch(query="")
    if name == "targeting":
        from crm_lessons import pilots, targeting
        from crm_lessons.widgets.targeting import TargetingExplorer

        customers = data.load_customers(data_dir)
        campaign = targeting.campaign_frame(
            customers, data.load_sales(data_dir), cutoff="2024-07-01", end="2024-12-31", kinds=["consumer"]
        )
        uplift = round(float(pilots.response_uplift(data.load_pilot(data_dir))["relative_uplift"]), 4)
        return TargetingExplorer(campaign, uplift=uplift, cost_per_contact=300, top_share=0.2)
    if name == "abc":
        from crm_lessons.widgets.abc_analysis import ABCExplorer

        return ABCExplorer(data.load_sales(data_dir))
    if name == "screening":
        from crm_lessons.widgets.screening import ScreeningExplorer

        return ScreeningExplorer(data.load_sales(data_dir), data.load_customers(data_dir), year=2024, top=12)
    if name == "basket":
        from crm_lessons.widgets.basket import CrossSellingExplorer

        return CrossSellingExplorer(
            data.load_sales(data_dir),
            data.load_products(data_dir),
            min_support=0.005,
            min_confidence=0.2,
            min_lift=1.0,
        )
    if name == "rfm":
        from crm_lessons import rfm
        from crm_lessons.widgets.rfm import RFMExplorer

        sales = data.load_sales(data_dir)
        value = sales.groupby("customer_id")[["revenue", "profit"]].sum()
        return RFMExplorer(rfm.purchases_from_sales(sales), reference_date="2025-01-01", value=value)
    if name == "retention":
        from crm_lessons.widgets.retention import RetentionExplorer

        return RetentionExplorer(data.load_orders(data_dir), data.load_customers(data_dir))
    if name == "clv":
        from crm_lessons import retention
        from crm_lessons.widgets.clv import CLVCalculator

        customers, orders, sales = (
            data.load_customers(data_dir),
            data.load_orders(data_dir),
            data.load_sales(data_dir),
        )
        consumer_ids = customers.loc[customers["kind"] == "consumer", "customer_id"]
        consumer_sales = sales[
            sales["customer_id"].isin(consumer_ids) & (sales["order_date"].dt.year == 2024)
        ]
        margin = consumer_sales.groupby("customer_id")["profit"].sum().mean()
        rates = retention.cohort_retention(orders[orders["customer_id"].isin(consumer_ids)], by=None)
        rate = rates.set_index("year").loc[2024, "retention_rate"]
        return CLVCalculator(
            margin=round(float(margin), -1), retention=round(float(rate), 2), discount_rate=0.08, horizon=10
        )
    if name == "pilots":
        from crm_lessons.widgets.pilots import PilotExplorer

        return PilotExplorer(data.load_pilot(data_dir), data.load_customers(data_dir))
    raise ValueError(f"no demo named {name!r}; choose from {', '.join(d.name for d in DEMOS)}")


def show_demo(name: str, data_dir=None):
    """Build the demo's widget and display its projector page (the widget is returned)."""
    from IPython.display import display

    from crm_lessons.widgets._render import set_demo_mode

    set_demo_mode(True)  # projector figures: larger type in relation to the plot, higher resolution
    widget = build_widget(name, data_dir)
    display(widget.demo_view())
    return widget


# ---------------------------------------------------------------------- notebooks
def _notebook(cells: list[dict]) -> dict:
    return {
        "cells": cells,
        "metadata": {
            "kernelspec": {"display_name": "Python 3 (ipykernel)", "language": "python", "name": "python3"},
            "language_info": {"name": "python"},
        },
        "nbformat": 4,
        "nbformat_minor": 5,
    }


def _code(cell_id: str, source: str, tags=()) -> dict:
    return {
        "cell_type": "code",
        "execution_count": None,
        "id": cell_id,
        "metadata": {"tags": list(tags)} if tags else {},
        "outputs": [],
        "source": source,
    }


def _markdown(cell_id: str, source: str) -> dict:
    return {"cell_type": "markdown", "id": cell_id, "metadata": {}, "source": source}


def demo_notebook(demo: Demo, lang: str) -> dict:
    """The notebook of one demo page (no outputs: Voila runs it)."""
    return _notebook(
        [
            _code("parameters", f'lang = "{lang}"\ndata_dir = None', tags=["parameters"]),
            _code(
                "demo",
                "import crm_lessons as crm\nfrom crm_lessons.widgets.demos import show_demo\n\n"
                f"crm.set_language(lang)\nwidget = show_demo({demo.name!r}, data_dir)",
            ),
        ]
    )


def index_markdown(lang: str, prefix: str = "") -> str:
    """The index page: every demo by chapter, with links to the pages of both languages."""
    from crm_lessons.glossary import chapter_title
    from crm_lessons.i18n import tr

    other = "zh" if lang == "en" else "en"
    lines = [
        f"# {tr('widgets.demo.index_title', lang=lang)}",
        "",
        tr("widgets.demo.index_intro", lang=lang),
        "",
    ]
    for chapter in sorted({d.chapter for d in DEMOS}):
        lines += [f"## {chapter_title(chapter, lang=lang)}", ""]
        for d in DEMOS:
            if d.chapter != chapter:
                continue
            title = tr(f"widgets.{d.name}.title", lang=lang)
            lesson = tr(f"widgets.{d.name}.lesson", lang=lang)
            lines.append(
                f"* [{title}]({prefix}{lang}/{demo_file(d)}) "
                f"([{tr('widgets.demo.other_language', lang=lang)}]({prefix}{other}/{demo_file(d)})) — "
                f"{lesson}"
            )
        lines.append("")
    return "\n".join(lines)


def demo_file(demo: Demo) -> str:
    return f"ch{demo.chapter:02d}_{demo.name}.ipynb"


def demo_notebooks() -> dict[str, dict]:
    """Every file of ``demos/``: relative path -> notebook."""
    files = {}
    for lang in ("en", "zh"):
        for d in DEMOS:
            files[f"{lang}/{demo_file(d)}"] = demo_notebook(d, lang)
        files[f"index_{lang}.ipynb"] = _notebook([_markdown("index", index_markdown(lang))])
    return files


def _dumps(nb: dict) -> str:
    return json.dumps(nb, indent=1, ensure_ascii=False) + "\n"


def write_demo_notebooks(folder: Path = DEMO_DIR) -> list[Path]:
    """Write ``demos/`` (both languages and the two index pages); return the files written."""
    folder = Path(folder)
    written = []
    for rel, nb in demo_notebooks().items():
        path = folder / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        text = _dumps(nb)
        if not path.exists() or path.read_text(encoding="utf-8") != text:
            path.write_text(text, encoding="utf-8")
        written.append(path)
    return written


def stale_demo_notebooks(folder: Path = DEMO_DIR) -> list[str]:
    """Files of ``demos/`` that differ from what :func:`write_demo_notebooks` would write."""
    folder = Path(folder)
    return [
        rel
        for rel, nb in demo_notebooks().items()
        if not (folder / rel).exists() or (folder / rel).read_text(encoding="utf-8") != _dumps(nb)
    ]


# ---------------------------------------------------------------------- server
class DemoServer:
    """A Voila server over the demo folder on 127.0.0.1 (used by ``crm-lessons demo`` and the tests).

    Voila renders each notebook as a web page with a live kernel and hides the code. Kernels of
    closed pages are shut down after five idle minutes (connected pages are never culled).
    """

    def __init__(self, folder=DEMO_DIR, port: int | None = None, extra_args=()):
        self.folder = Path(folder)
        self.port = port or _free_port()
        self.extra_args = list(extra_args)
        self.process = None

    def command(self) -> list[str]:
        import sys

        return [
            sys.executable,
            "-m",
            "voila",
            str(self.folder),
            "--no-browser",
            f"--port={self.port}",
            "--Voila.ip=127.0.0.1",
            "--MappingKernelManager.cull_idle_timeout=300",
            "--MappingKernelManager.cull_interval=60",
            "--VoilaConfiguration.show_tracebacks=True",
            "--VoilaConfiguration.extension_denylist=jupyterlab-jupytext",
            "--VoilaConfiguration.file_allowlist=_fonts/.*\\.otf",
            *self.extra_args,
        ]

    def url(self, page: str = "") -> str:
        return (
            f"http://127.0.0.1:{self.port}/voila/render/{page}" if page else f"http://127.0.0.1:{self.port}/"
        )

    def start(self, timeout: float = 60.0) -> float:
        """Start the server and wait until it answers; return the seconds it took."""
        import os
        import subprocess
        import time
        import urllib.request

        start = time.perf_counter()
        self._link_font()
        env = dict(os.environ)
        env.pop("MPLBACKEND", None)
        import tempfile

        # the server's log goes to a file (a pipe nobody reads would fill up and stall the server)
        self.log = tempfile.TemporaryFile()
        self.process = subprocess.Popen(
            self.command(), stdout=subprocess.DEVNULL, stderr=self.log, env=env, cwd=str(self.folder)
        )
        while time.perf_counter() - start < timeout:
            if self.process.poll() is not None:
                self.log.seek(0)
                err = self.log.read().decode(errors="replace")[-2000:]
                raise RuntimeError(f"the Voila server stopped at once:\n{err}")
            try:
                with urllib.request.urlopen(self.url(), timeout=2) as resp:
                    if resp.status == 200:
                        return time.perf_counter() - start
            except OSError:
                time.sleep(0.1)
        self.stop()
        raise RuntimeError(f"the Voila server did not answer within {timeout:.0f} s")

    def _link_font(self) -> None:
        """Serve the bundled CJK font beside the demos (for browsers without a Chinese font)."""
        from crm_lessons.i18n import cjk_font_path

        target = self.folder / "_fonts" / "NotoSansCJKsc-Regular.otf"
        try:
            if not target.is_file() or target.is_symlink():
                import shutil

                target.parent.mkdir(exist_ok=True)
                target.unlink(missing_ok=True)
                shutil.copyfile(cjk_font_path(), target)  # a copy: the server refuses links out of its folder
        except (OSError, RuntimeError):
            pass  # the pages still work; Chinese text then needs a system font

    def wait(self) -> None:
        if self.process is not None:
            self.process.wait()

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(10)
            except Exception:
                self.process.kill()
        if getattr(self, "log", None) is not None:
            self.log.close()
            self.log = None
        self.process = None


def _free_port() -> int:
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]
