"""Build the book's two editions from one text source per chapter (infrastructure, not a topic).

Each chapter is written once, as a jupytext MyST-markdown file in ``notebooks/src/``: shared code
cells, and markdown cells that belong to one edition through their metadata::

    +++ {"lang": "en"}

    ## 4.3 Customer lifetime value (客户终身价值)

    +++ {"lang": "zh"}

    ## 4.3 客户终身价值

Markdown cells without ``lang`` appear in both editions. The first code cell is tagged
``parameters`` and holds ``lang = "en"``; the Chinese edition gets ``lang = "zh"`` there and
nothing else differs in code, so both editions run the same code and show the same numbers.

:func:`build` writes ``notebooks/NN_name.ipynb`` (English) and ``notebooks/zh/NN_name.ipynb``
(中文版), executed with outputs; :func:`stale` lists built notebooks whose cells no longer match
their source (``crm-lessons book check``, run by the tests).

Examples
--------
>>> from crm_lessons.book import edition_path
>>> edition_path("notebooks/src/04_loyalty.md", "zh").as_posix()
'notebooks/zh/04_loyalty.ipynb'
"""

from __future__ import annotations

import copy
import os
import re
from collections.abc import Iterable
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

from crm_lessons.i18n import LANGUAGES, _check_language

#: Folder of the chapter sources and of the exercise sources, relative to the repository.
SOURCE_DIR = Path("notebooks") / "src"

#: Seconds a single cell may run while building.
CELL_TIMEOUT = 600

_LANG_LINE = re.compile(r"^lang\s*=\s*['\"][a-z]{2}['\"]", re.MULTILINE)


#: One thread for the numeric libraries in each notebook's kernel (as the grader does): notebooks
#: run side by side on the cores, and OpenMP's spinning threads would fight over them (scikit-learn's
#: k-means of chapter 4 took 6 s instead of 0.05 s on a busy 2-core machine).
KERNEL_THREAD_ENV = {"OMP_NUM_THREADS": "1", "OPENBLAS_NUM_THREADS": "1", "MKL_NUM_THREADS": "1"}


def one_thread_kernel_manager():
    """A jupyter_client kernel manager whose kernels start with :data:`KERNEL_THREAD_ENV`."""
    from jupyter_client.manager import AsyncKernelManager

    class OneThreadKernelManager(AsyncKernelManager):
        async def start_kernel(self, **kw):
            kw["env"] = {**os.environ, **(kw.get("env") or {}), **KERNEL_THREAD_ENV}
            return await super().start_kernel(**kw)

    return OneThreadKernelManager


class StaleNotebookError(RuntimeError):
    """A built notebook no longer matches its source."""


def repository_root(start: Path | None = None) -> Path:
    """The checkout holding ``notebooks/src`` (the working folder or one of its parents)."""
    here = Path(start or Path.cwd()).resolve()
    for folder in (here, *here.parents):
        if (folder / SOURCE_DIR).is_dir():
            return folder
    package_repo = Path(__file__).resolve().parents[1]
    if (package_repo / SOURCE_DIR).is_dir():
        return package_repo
    raise FileNotFoundError(
        f"no {SOURCE_DIR.as_posix()}/ here or above {here}; "
        "run the book commands from a clone of the repository"
    )


def edition_path(source, lang: str) -> Path:
    """Where the ``lang`` edition of a chapter source is written."""
    source = Path(source)
    lang = _check_language(lang)
    book_dir = source.parent.parent
    folder = book_dir if lang == "en" else book_dir / lang
    return folder / (source.stem + ".ipynb")


def sources(root: Path | None = None, chapters: Iterable[str] = ()) -> list[Path]:
    """Chapter sources, all or those whose name starts with one of ``chapters`` (e.g. ``"02"``)."""
    root = repository_root(root)
    found = sorted((root / SOURCE_DIR).glob("*.md"))
    chapters = [str(c) for c in chapters]
    if chapters:
        picked = [p for p in found if any(p.stem.startswith(c.zfill(2)) or p.stem == c for c in chapters)]
        unknown = [
            c for c in chapters if not any(p.stem.startswith(c.zfill(2)) or p.stem == c for p in found)
        ]
        if unknown:
            names = ", ".join(p.stem for p in found)
            raise ValueError(f"chapters {unknown} match no source in {SOURCE_DIR}; choose from: {names}")
        found = picked
    return found


def read_source(source):
    """The source notebook as jupytext reads it (all cells of both editions)."""
    import jupytext

    return jupytext.read(Path(source), fmt="md:myst")


def edition(notebook, lang: str):
    """The ``lang`` edition of a source notebook, unexecuted: its cells, its parameters.

    Raises
    ------
    ValueError
        When the source has no ``parameters`` cell with a ``lang = ...`` line, or a markdown
        cell names a language the book does not have.
    """
    lang = _check_language(lang)
    nb = copy.deepcopy(notebook)
    cells = []
    found_parameters = False
    for cell in nb.cells:
        cell_lang = cell.metadata.pop("lang", None)
        if cell_lang is not None and cell_lang not in LANGUAGES:
            raise ValueError(f"a markdown cell has lang={cell_lang!r}; use one of {LANGUAGES}")
        if cell_lang not in (None, lang):
            continue
        if cell.cell_type == "code" and "parameters" in cell.metadata.get("tags", []):
            if not _LANG_LINE.search(cell.source):
                raise ValueError('the parameters cell must hold a line lang = "en"')
            cell.source = _LANG_LINE.sub(f'lang = "{lang}"', cell.source)
            found_parameters = True
        cells.append(cell)
    if not found_parameters:
        raise ValueError("the source has no code cell tagged 'parameters' (it must set lang and data_dir)")
    for i, cell in enumerate(cells):  # stable ids: a rebuild changes only what really changed
        cell["id"] = f"{lang}-{i:03d}"
    nb.cells = cells
    nb.metadata.pop("jupytext", None)
    nb.metadata["language_info"] = {"name": "python"}
    return nb


def _cell_key(cell) -> tuple:
    tags = tuple(cell.get("metadata", {}).get("tags", []))
    return cell["cell_type"], cell["source"].strip(), tags


def stale(
    root: Path | None = None, chapters: Iterable[str] = (), langs: Iterable[str] = LANGUAGES
) -> list[str]:
    """Built notebooks missing, unexecuted, or whose cells differ from their source.

    Returns
    -------
    list of str
        One line per stale notebook, saying what differs; empty when all are up to date.
    """
    import nbformat

    problems = []
    for source in sources(root, chapters):
        notebook = read_source(source)
        for lang in langs:
            target = edition_path(source, lang)
            wanted = edition(notebook, lang)
            if not target.is_file():
                problems.append(f"{target}: missing (crm-lessons book build {source.stem[:2]})")
                continue
            built = nbformat.read(target, as_version=4)
            want_keys = [_cell_key(c) for c in wanted.cells]
            have_keys = [_cell_key(c) for c in built.cells]
            if want_keys != have_keys:
                first = next(
                    (i for i, (a, b) in enumerate(zip(want_keys, have_keys)) if a != b),
                    min(len(want_keys), len(have_keys)),
                )
                problems.append(f"{target}: cell {first + 1} differs from {source.name}; rebuild it")
                continue
            unrun = [
                i + 1
                for i, c in enumerate(built.cells)
                if c.cell_type == "code" and c.source.strip() and c.get("execution_count") is None
            ]
            if unrun:
                problems.append(f"{target}: code cells {unrun[:5]} have not been executed; rebuild it")
    return problems


def _execute(source: str, lang: str, timeout: int) -> tuple[str, str]:
    import nbformat
    from nbclient import NotebookClient

    target = edition_path(source, lang)
    target.parent.mkdir(parents=True, exist_ok=True)
    nb = edition(read_source(source), lang)
    # one numeric thread per kernel, as `crm-lessons run` and the grader: notebooks run side by side
    client = NotebookClient(
        nb,
        timeout=timeout,
        kernel_name="python3",
        kernel_manager_class=one_thread_kernel_manager(),
        resources={"metadata": {"path": str(target.parent)}},
    )
    try:
        client.execute()
    except Exception as err:  # the notebook is still written, so its error can be read
        nbformat.write(clean_executed(nb), target)
        return str(target), f"failed: {type(err).__name__}: {str(err).strip().splitlines()[-1][:200]}"
    nbformat.write(clean_executed(nb), target)
    return str(target), "ok"


WIDGET_VIEW = "application/vnd.jupyter.widget-view+json"


def static_outputs(nb):
    """Make a notebook read in full without a kernel: widget outputs keep only their static rendering.

    A widget's output carries a live view (which needs the kernel, or saved widget state and the
    widget library fetched from the web) next to a static rendering of its state (a picture or
    HTML). A committed notebook keeps the static rendering only, so it reads the same on a static
    viewer, in untrusted or reopened JupyterLab and in ``jupyter nbconvert --to html`` offline;
    running it makes the live widgets again. The saved widget state goes too (random model ids,
    and nothing left refers to it). Widget outputs without a static rendering are kept as they are.

    Examples
    --------
    >>> import nbformat
    >>> from crm_lessons.book import WIDGET_VIEW, static_outputs
    >>> data = {WIDGET_VIEW: {"model_id": "ab"}, "image/png": "iVBO", "text/plain": "RFM explorer"}
    >>> out = nbformat.v4.new_output("display_data", data=data)
    >>> nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell("w", outputs=[out])])
    >>> sorted(static_outputs(nb).cells[0].outputs[0].data)
    ['image/png', 'text/plain']
    """
    live_left = False
    for cell in nb.cells:
        for out in cell.get("outputs", []):
            data = out.get("data", {})
            if WIDGET_VIEW in data:
                if {"image/png", "text/html"} & set(data):
                    del data[WIDGET_VIEW]
                else:
                    live_left = True
    if not live_left:
        nb.metadata.pop("widgets", None)
    return nb


def clean_executed(nb):
    """An executed notebook as it is committed: no run timings, widget outputs static only."""
    # timings change at every run; the committed notebook must re-execute to the same file
    for cell in nb.cells:
        cell.metadata.pop("execution", None)
    return static_outputs(nb)


def build(
    root: Path | None = None,
    chapters: Iterable[str] = (),
    langs: Iterable[str] = LANGUAGES,
    workers: int | None = None,
    timeout: int = CELL_TIMEOUT,
) -> list[tuple[str, str]]:
    """Write and execute the editions of the chapters; return ``(notebook, status)`` pairs.

    Notebooks run in parallel, one process each, up to ``workers`` (default: the machine's cores).
    """

    langs = [_check_language(lang, "langs") for lang in langs]
    jobs = [(str(s), lang) for s in sources(root, chapters) for lang in langs]
    workers = workers or max(1, min(len(jobs), os.cpu_count() or 1))
    with ProcessPoolExecutor(max_workers=workers) as pool:
        futures = [pool.submit(_execute, s, lang, timeout) for s, lang in jobs]
        return [f.result() for f in futures]
