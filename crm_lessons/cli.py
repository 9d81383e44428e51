"""The ``crm-lessons`` command.

``crm-lessons run``       execute the whole book headlessly into ``build/``
``crm-lessons generate``  write the case company's data (another seed or size)
``crm-lessons grade``     grade a class's exercise notebooks
``crm-lessons exercises`` build the student exercise notebooks from the solutions
``crm-lessons book``      build both editions of the chapters from ``notebooks/src`` (or check them)
"""

from __future__ import annotations

import argparse
import sys
import time
from dataclasses import dataclass
from pathlib import Path

#: The repository root: notebooks/, datasets/ and build/ live here.
ROOT = Path(__file__).resolve().parent.parent


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
            p for p in notebooks
            if (chapter.isdigit() and p.name[:2] == f"{int(chapter):02d}") or p.name == chapter or p.stem == chapter
        ]
        if not matches:
            names = ", ".join(p.name for p in notebooks) or "none"
            raise ValueError(f"chapters: no notebook matches {chapter!r}; the book has: {names}")
        wanted.extend(m for m in matches if m not in wanted)
    return wanted


def execute_notebook(notebook: Path, out_dir: Path, timeout: int) -> NotebookRun:
    """Run one notebook with papermill into ``out_dir``; never raises for a failing notebook."""
    import papermill as pm

    start = time.perf_counter()
    try:
        pm.execute_notebook(
            str(notebook),
            str(out_dir / notebook.name),
            cwd=str(notebook.parent),
            progress_bar=False,
            execution_timeout=timeout,
            kernel_name="python3",
        )
        status = "ok"
    except pm.PapermillExecutionError as exc:
        status = f"failed: cell {exc.exec_count}: {exc.ename}: {exc.evalue}"
    except Exception as exc:  # a kernel that dies or times out must not stop the book
        status = f"failed: {type(exc).__name__}: {exc}".splitlines()[0]
    return NotebookRun(notebook.name, time.perf_counter() - start, status)


def format_table(runs: list[NotebookRun]) -> str:
    """The closing table: notebook / seconds / status."""
    width = max([len("notebook")] + [len(r.notebook) for r in runs])
    lines = [f"{'notebook':<{width}}  {'seconds':>7}  status", f"{'-' * width}  {'-' * 7}  {'-' * 6}"]
    lines += [f"{r.notebook:<{width}}  {r.seconds:7.1f}  {r.status}" for r in runs]
    return "\n".join(lines)


def run_book(notebook_dir: Path, out_dir: Path, chapters: list[str] | None = None, timeout: int = 600) -> list[NotebookRun]:
    """Execute the chapter notebooks into ``out_dir`` with a progress bar; return one row per notebook."""
    from tqdm.auto import tqdm

    notebooks = find_notebooks(notebook_dir, chapters)
    if not notebooks:
        raise ValueError(f"notebook_dir: no chapter notebooks (NN_name.ipynb) in {notebook_dir}")
    out_dir.mkdir(parents=True, exist_ok=True)
    runs = []
    with tqdm(notebooks, unit="notebook", file=sys.stderr) as bar:
        for notebook in bar:
            bar.set_postfix_str(notebook.name)
            runs.append(execute_notebook(notebook, out_dir, timeout))
    return runs


def _shown(path: Path) -> str:
    """A path as the user would type it: relative when it lies below the current folder."""
    try:
        return str(path.resolve().relative_to(Path.cwd().resolve()))
    except ValueError:
        return str(path)


def _cmd_run(args: argparse.Namespace) -> int:
    notebook_dir = Path(args.notebooks)
    out_dir = Path(args.out)
    try:
        runs = run_book(notebook_dir, out_dir, args.chapters, args.timeout)
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
            args.out, seed=args.seed, n_customers=args.customers, start_year=args.start_year, end_year=args.end_year
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


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="crm-lessons", description="CRM Lessons: the workbook's command line.")
    sub = parser.add_subparsers(dest="command", required=True)

    run = sub.add_parser("run", help="execute the whole book headlessly into build/")
    run.add_argument("chapters", nargs="*", help="only these chapters (numbers like 2, or notebook names)")
    run.add_argument("--notebooks", default=str(ROOT / "notebooks"), help="folder of chapter notebooks")
    run.add_argument("--out", default="build", help="folder for the executed copies (default: build)")
    run.add_argument("--timeout", type=int, default=600, help="seconds allowed per cell (default: 600)")
    run.set_defaults(func=_cmd_run)

    gen = sub.add_parser("generate", help="write the case company's data (CSV) into a folder")
    gen.add_argument("--out", required=True, help="folder to write the CSV files into")
    gen.add_argument("--seed", type=int, default=None, help="random seed (default: the committed data's seed)")
    gen.add_argument("--customers", type=int, default=5000, help="number of customers (default: 5000)")
    gen.add_argument("--start-year", type=int, default=2018)
    gen.add_argument("--end-year", type=int, default=2024)
    gen.set_defaults(func=_cmd_generate)

    book = sub.add_parser(
        "book",
        help="build both editions (English, 中文) of the chapters from notebooks/src, or check they are current",
        description="Build the executed chapter notebooks of both editions from their text sources "
        "(notebooks/src/*.md), or check that the committed notebooks match them.",
        epilog="examples:\n  crm-lessons book build            # every chapter, both editions\n"
        "  crm-lessons book build 02 --lang zh\n  crm-lessons book check",
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    book.add_argument("action", choices=("build", "check"), help="build (write and execute) or check (compare)")
    book.add_argument("chapters", nargs="*", help="only these chapters (e.g. 02 or 04_loyalty)")
    book.add_argument("--lang", choices=("en", "zh", "all"), default="all", help="edition (default: all)")
    book.add_argument("--workers", type=int, default=None, help="notebooks run at once (default: the cores)")
    book.set_defaults(func=_cmd_book)

    # listed for --help only: main() hands these two over before parsing
    sub.add_parser("grade", help="grade exercise notebooks (crm-lessons grade --help)", add_help=False)
    sub.add_parser("exercises", help="build student exercise notebooks (crm-lessons exercises --help)", add_help=False)
    return parser


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else list(argv)
    # grade and exercises own their options (any order, their own --help): hand them over whole
    if argv and argv[0] in ("grade", "exercises"):
        from crm_lessons import grading

        return (grading.grade_main if argv[0] == "grade" else grading.exercises_main)(argv[1:])
    args = build_parser().parse_args(argv)
    if args.command == "generate" and args.seed is None:
        from crm_lessons.generator import DEFAULT_SEED

        args.seed = DEFAULT_SEED
    return args.func(args)


if __name__ == "__main__":
    sys.exit(main())
