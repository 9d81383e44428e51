"""The ``crm-lessons`` command.

``crm-lessons run``       execute the whole book headlessly into ``build/`` (in parallel)
``crm-lessons generate``  write the case company's data (another seed or size)
``crm-lessons grade``     grade a class's exercise notebooks
``crm-lessons exercises`` build the student exercise notebooks from the solutions
``crm-lessons book``      build both editions of the chapters from ``notebooks/src`` (or check them)
``crm-lessons demo``      serve the class demos (one page per widget, Voila) and print the address
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from dataclasses import dataclass
from pathlib import Path

#: The folder beside the package: a clone's root when the package is installed editable.
ROOT = Path(__file__).resolve().parent.parent
#: Editions of the book and the sub-folder of ``notebooks/`` (and of the output folder) of each.
EDITIONS = {"en": "", "zh": "zh"}


@dataclass
class NotebookRun:
    notebook: str
    seconds: float
    status: str  # "ok" or "failed: <reason>"

    @property
    def ok(self) -> bool:
        return self.status == "ok"


def find_notebooks(notebook_dir: Path, chapters: list[str] | None = None) -> list[Path]:
    """Chapter notebooks in book order (``00_...``, ``01_...``), optionally only some chapters.

    ``chapters`` holds chapter numbers (``"1"``, ``"01"``) or notebook names.
    """
    notebooks = sorted(p for p in notebook_dir.glob("[0-9][0-9]_*.ipynb"))
    if not chapters:
        return notebooks
    wanted = []
    for chapter in chapters:
        matches = [
            p
            for p in notebooks
            if (chapter.isdigit() and p.name[:2] == f"{int(chapter):02d}")
            or p.name == chapter
            or p.stem == chapter
        ]
        if not matches:
            names = ", ".join(p.name for p in notebooks) or "none"
            raise ValueError(f"chapters: no notebook matches {chapter!r}; the book has: {names}")
        wanted.extend(m for m in matches if m not in wanted)
    return wanted


def default_notebook_dir() -> Path:
    """The book's ``notebooks/`` folder: the clone's (working folder or a parent), else beside the package.

    A non-editable install has no notebooks of its own; run the command from the clone.
    """
    here = Path.cwd().resolve()
    for folder in (here, *here.parents):
        if any((folder / "notebooks").glob("[0-9][0-9]_*.ipynb")):
            return folder / "notebooks"
    return ROOT / "notebooks"


def execute_notebook(notebook: Path, out_dir: Path, timeout: int, name: str | None = None) -> NotebookRun:
    """Run one notebook with papermill into ``out_dir``; never raises for a failing notebook.

    The kernel runs in the notebook's own folder (so chapter 3's database goes to its ``build/``).
    ``name`` is the notebook's name in the closing table (default: the file name).
    """
    import papermill as pm

    from crm_lessons.book import one_thread_kernel_manager

    start = time.perf_counter()
    try:
        pm.execute_notebook(
            str(notebook),
            str(out_dir / notebook.name),
            cwd=str(notebook.parent),
            progress_bar=False,
            execution_timeout=timeout,
            kernel_name="python3",
            kernel_manager_class=one_thread_kernel_manager(),
        )
        status = "ok"
    except pm.PapermillExecutionError as exc:
        status = f"failed: cell {exc.exec_count}: {exc.ename}: {exc.evalue}"
    except Exception as exc:  # a kernel that dies or times out must not stop the book
        status = f"failed: {type(exc).__name__}: {exc}".splitlines()[0]
    return NotebookRun(name or notebook.name, time.perf_counter() - start, status)


def format_table(runs: list[NotebookRun]) -> str:
    """The closing table: notebook / seconds / status."""
    width = max([len("notebook")] + [len(r.notebook) for r in runs])
    lines = [f"{'notebook':<{width}}  {'seconds':>7}  status", f"{'-' * width}  {'-' * 7}  {'-' * 6}"]
    lines += [f"{r.notebook:<{width}}  {r.seconds:7.1f}  {r.status}" for r in runs]
    return "\n".join(lines)


def _languages(lang: str) -> list[str]:
    if lang == "all":
        return list(EDITIONS)
    if lang not in EDITIONS:
        raise ValueError(f"lang: {lang!r} is not an edition of the book; use en, zh or all")
    return [lang]


def run_book(
    notebook_dir: Path,
    out_dir: Path,
    chapters: list[str] | None = None,
    timeout: int = 600,
    lang: str = "en",
    jobs: int | None = None,
) -> list[NotebookRun]:
    """Execute the chapter notebooks into ``out_dir``, several at once; return one row per notebook.

    Parameters
    ----------
    notebook_dir : pathlib.Path
        The book's ``notebooks/`` folder (English); the Chinese edition is its ``zh/`` sub-folder.
    out_dir : pathlib.Path
        Executed copies go here (English) and to its ``zh/`` sub-folder (Chinese).
    chapters : list of str, optional
        Only these chapters (numbers or notebook names).
    timeout : int
        Seconds allowed per cell.
    lang : {"en", "zh", "all"}
        Edition(s) to run.
    jobs : int, optional
        Notebooks executed at once, each by its own process and kernel; default the machine's cores.

    Returns
    -------
    list of NotebookRun
        In book order, English first (``zh/`` prefixes the Chinese notebooks' names).

    Notes
    -----
    The notebooks are independent (each reads the data and writes only into its own folder),
    so they run in a process pool, biggest first; a progress bar counts finished notebooks.
    """
    from concurrent.futures import ProcessPoolExecutor, as_completed

    from tqdm.auto import tqdm

    if jobs is not None and (isinstance(jobs, bool) or not isinstance(jobs, int) or jobs < 1):
        raise ValueError(f"jobs: must be a whole number >= 1, got {jobs!r}")
    tasks = []  # (notebook, its out_dir, its name in the table)
    for language in _languages(lang):
        sub = EDITIONS[language]
        folder = notebook_dir / sub if sub else notebook_dir
        if not folder.is_dir() or not find_notebooks(folder):
            raise ValueError(f"notebook_dir: no chapter notebooks (NN_name.ipynb) in {folder}")
        target = out_dir / sub if sub else out_dir
        tasks += [
            (nb, target, f"{sub}/{nb.name}" if sub else nb.name) for nb in find_notebooks(folder, chapters)
        ]
    for target in {t for _, t, _ in tasks}:
        target.mkdir(parents=True, exist_ok=True)
    workers = max(1, min(len(tasks), jobs or os.cpu_count() or 1))
    import papermill  # noqa: F401 - imported once here, inherited by the forked workers

    runs: dict[str, NotebookRun] = {}
    biggest_first = sorted(tasks, key=lambda t: t[0].stat().st_size, reverse=True)
    with (
        ProcessPoolExecutor(max_workers=workers) as pool,
        tqdm(total=len(tasks), unit="notebook", file=sys.stderr) as bar,
    ):
        futures = {
            pool.submit(execute_notebook, nb, target, timeout, name): name
            for nb, target, name in biggest_first
        }
        for future in as_completed(futures):
            run = future.result()
            runs[run.notebook] = run
            bar.set_postfix_str(run.notebook)
            bar.update()
    return [runs[name] for _, _, name in tasks]


def _shown(path: Path) -> str:
    """A path as the user would type it: relative when it lies below the current folder."""
    try:
        return str(path.resolve().relative_to(Path.cwd().resolve()))
    except ValueError:
        return str(path)


def _cmd_run(args: argparse.Namespace) -> int:
    notebook_dir = Path(args.notebooks) if args.notebooks else default_notebook_dir()
    out_dir = Path(args.out)
    try:
        runs = run_book(notebook_dir, out_dir, args.chapters, args.timeout, lang=args.lang, jobs=args.jobs)
    except ValueError as exc:
        print(f"crm-lessons run: {exc}", file=sys.stderr)
        return 2
    print(format_table(runs))
    failed = [r for r in runs if not r.ok]
    print(f"\nExecuted notebooks are in {out_dir}/.")
    if failed:
        print(f"{len(failed)} of {len(runs)} notebooks failed; open the copy in {out_dir}/ to see the error.")
        return 1
    print(
        "To work through the book interactively:\n"
        f"    jupyter lab {_shown(notebook_dir)}\n"
        "(inside the same environment; JupyterLab prints the address to open in your browser)."
    )
    return 0


def _cmd_generate(args: argparse.Namespace) -> int:
    from crm_lessons.generator import write_case_company

    try:
        paths = write_case_company(
            args.out,
            seed=args.seed,
            n_customers=args.customers,
            start_year=args.start_year,
            end_year=args.end_year,
        )
    except ValueError as exc:
        print(f"crm-lessons generate: {exc}", file=sys.stderr)
        return 2
    for path in paths:
        print(path)
    return 0


def _cmd_book(args) -> int:
    from crm_lessons import book

    langs = ("en", "zh") if args.lang == "all" else (args.lang,)
    try:
        if args.action == "check":
            problems = book.stale(chapters=args.chapters, langs=langs)
            for line in problems:
                print(line)
            print("all built notebooks match their sources" if not problems else f"{len(problems)} stale")
            return 1 if problems else 0
        start = time.perf_counter()
        results = book.build(chapters=args.chapters, langs=langs, workers=args.workers)
    except (ValueError, FileNotFoundError) as err:
        print(f"crm-lessons book: {err}", file=sys.stderr)
        return 2
    for target, status in results:
        print(f"{target}  {status}")
    print(f"{len(results)} notebooks in {time.perf_counter() - start:.0f} s")
    return 0 if all(status == "ok" for _, status in results) else 1


def _cmd_demo(args: argparse.Namespace) -> int:
    """Serve demos/ with Voila on 127.0.0.1 and print the address of the index (or the chosen page)."""
    from crm_lessons.widgets import demos

    try:
        chosen = demos.find_demos(args.which)
    except ValueError as exc:
        print(f"crm-lessons demo: {exc}", file=sys.stderr)
        return 2
    folder = demos.DEMO_DIR if demos.DEMO_DIR.is_dir() else Path("build") / "demos"
    if demos.stale_demo_notebooks(folder):
        demos.write_demo_notebooks(folder)
    import signal

    def _stop(_signum, _frame):
        raise KeyboardInterrupt

    signal.signal(signal.SIGTERM, _stop)  # stopped from outside: take the server down too
    server = demos.DemoServer(folder, port=args.port)
    start = time.perf_counter()
    try:
        server.start()
    except RuntimeError as exc:
        print(f"crm-lessons demo: {exc}", file=sys.stderr)
        return 1
    page = demos.demo_file(chosen[0]) if args.which and len(chosen) == 1 else None
    url = server.url(f"{args.lang}/{page}" if page else f"index_{args.lang}.ipynb")
    print(f"Demo server ready in {time.perf_counter() - start:.1f} s. Open in the browser:\n    {url}")
    if args.which and len(chosen) > 1:
        for d in chosen:
            print(f"    {server.url(f'{args.lang}/{demos.demo_file(d)}')}")
    print("(a page takes a few seconds to open the first time; Ctrl-C stops the server)", flush=True)
    try:
        server.wait()
    except KeyboardInterrupt:
        pass
    finally:
        server.stop()
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="crm-lessons", description="CRM Lessons: the workbook's command line."
    )
    sub = parser.add_subparsers(dest="command", required=True)

    run = sub.add_parser(
        "run", help="execute the whole book headlessly into build/, several notebooks at once"
    )
    run.add_argument("chapters", nargs="*", help="only these chapters (numbers like 2, or notebook names)")
    run.add_argument(
        "--lang",
        choices=("en", "zh", "all"),
        default="en",
        help="edition: en (notebooks/), zh (notebooks/zh/) or all (default: en)",
    )
    run.add_argument(
        "--notebooks",
        default=None,
        help="folder of chapter notebooks (default: the clone's notebooks/, found from here)",
    )
    run.add_argument(
        "--out", default="build", help="folder for the executed copies (default: build; zh/ inside)"
    )
    run.add_argument("--timeout", type=int, default=600, help="seconds allowed per cell (default: 600)")
    run.add_argument("--jobs", type=int, default=None, help="notebooks run at once (default: the cores)")
    run.set_defaults(func=_cmd_run)

    gen = sub.add_parser("generate", help="write the case company's data (CSV) into a folder")
    gen.add_argument("--out", required=True, help="folder to write the CSV files into")
    gen.add_argument(
        "--seed", type=int, default=None, help="random seed (default: the committed data's seed)"
    )
    gen.add_argument("--customers", type=int, default=5000, help="number of customers (default: 5000)")
    gen.add_argument("--start-year", type=int, default=2018)
    gen.add_argument("--end-year", type=int, default=2024)
    gen.set_defaults(func=_cmd_generate)

    book = sub.add_parser(
        "book",
        help="build both editions (English, 中文) of the chapters from notebooks/src, "
        "or check they are current",
        description="Build the executed chapter notebooks of both editions from their text sources "
        "(notebooks/src/*.md), or check that the committed notebooks match them.",
        epilog="examples:\n  crm-lessons book build            # every chapter, both editions\n"
        "  crm-lessons book build 02 --lang zh\n  crm-lessons book check",
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    book.add_argument(
        "action", choices=("build", "check"), help="build (write and execute) or check (compare)"
    )
    book.add_argument("chapters", nargs="*", help="only these chapters (e.g. 02 or 04_loyalty)")
    book.add_argument("--lang", choices=("en", "zh", "all"), default="all", help="edition (default: all)")
    book.add_argument("--workers", type=int, default=None, help="notebooks run at once (default: the cores)")
    book.set_defaults(func=_cmd_book)

    demo = sub.add_parser(
        "demo",
        help="serve the class demos (one projector page per widget, English or 中文) and print the address",
        description="Start a local Voila server over demos/ (each widget on one page sized for a projector) "
        "and print the address of the index page, or of the one demo chosen.",
        epilog="examples:\n  crm-lessons demo              # index of every demo\n"
        "  crm-lessons demo 2            # chapter 2's demos\n  crm-lessons demo rfm --lang zh",
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    demo.add_argument("which", nargs="*", help="a chapter (1-4) or a demo (abc, rfm, clv, ...); default: all")
    demo.add_argument(
        "--lang", choices=("en", "zh"), default="en", help="language of the pages (default: en)"
    )
    demo.add_argument("--port", type=int, default=None, help="port (default: a free one)")
    demo.set_defaults(func=_cmd_demo)

    # listed for --help only: main() hands these two over before parsing
    sub.add_parser("grade", help="grade exercise notebooks (crm-lessons grade --help)", add_help=False)
    sub.add_parser(
        "exercises", help="build student exercise notebooks (crm-lessons exercises --help)", add_help=False
    )
    for name, text in INSTRUCTOR_COMMANDS.items():
        sub.add_parser(name, help=f"{text} (crm-lessons {name} --help)", add_help=False)
    return parser


#: The instructor's commands after grading (issue 14), each with its own parser and --help.
INSTRUCTOR_COMMANDS = {
    "marks": "write the marking sheet of the written answers",
    "report": "class report: score distribution, success per question, common wrong answers",
    "export": "export the gradebook for Canvas or Moodle, or points per question",
    "feedback": "release feedback: one page per student, plus a zip",
}


def _instructor_command(name: str):
    if name == "marks":
        from crm_lessons.grading.marks import marks_main as fn
    elif name == "report":
        from crm_lessons.grading.report import report_main as fn
    elif name == "export":
        from crm_lessons.grading.export import export_main as fn
    else:
        from crm_lessons.grading.feedback import feedback_main as fn
    return fn


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else list(argv)
    # grade and exercises own their options (any order, their own --help): hand them over whole
    if argv and argv[0] in ("grade", "exercises"):
        from crm_lessons import grading

        return (grading.grade_main if argv[0] == "grade" else grading.exercises_main)(argv[1:])
    if argv and argv[0] in INSTRUCTOR_COMMANDS:
        return _instructor_command(argv[0])(argv[1:])
    args = build_parser().parse_args(argv)
    if args.command == "generate" and args.seed is None:
        from crm_lessons.generator import DEFAULT_SEED

        args.seed = DEFAULT_SEED
    return args.func(args)


if __name__ == "__main__":
    sys.exit(main())
