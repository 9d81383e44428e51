"""Build the student exercise notebooks from the solution notebooks.

The solution notebooks ``exercises/solutions/chNN_*.ipynb`` are the only source. In their code
cells two markers are recognised:

* the lines from ``### BEGIN SOLUTION`` to ``### END SOLUTION`` (inclusive) are removed;
* a line ``### STUDENT: text`` becomes ``text`` (the placeholder the student starts from, for
  example ``answer_q6 = None``); in the solution it is a comment and does nothing.

The student version keeps every other line, has its outputs cleared, records which exercise it
is in ``metadata.crm_lessons`` together with a fingerprint of the solution it came from, and is
then executed (so it is committed with outputs: blank, every question saying "not answered
yet"). :func:`stale_notebooks` says which committed student notebooks no longer match their
solution (the test suite fails on any).

Examples
--------
>>> print(student_source("x = 1\\n### BEGIN SOLUTION\\ny = 2\\n### END SOLUTION\\n### STUDENT: y = None\\nprint(y)"))
x = 1
y = None
print(y)
"""

from __future__ import annotations

import argparse
import copy
import hashlib
import json
import sys
from pathlib import Path

import nbformat

BEGIN = "### BEGIN SOLUTION"
END = "### END SOLUTION"
STUDENT = "### STUDENT:"
#: Repository folder of the exercises.
EXERCISES_DIR = Path(__file__).resolve().parent.parent / "exercises"


def student_source(source: str) -> str:
    """The student's version of one code cell's source (see the module notes)."""
    out, inside = [], False
    for line in source.splitlines():
        stripped = line.strip()
        if stripped.startswith(BEGIN):
            if inside:
                raise ValueError(f"nested {BEGIN!r} in cell:\n{source}")
            inside = True
            continue
        if stripped.startswith(END):
            if not inside:
                raise ValueError(f"{END!r} without {BEGIN!r} in cell:\n{source}")
            inside = False
            continue
        if inside:
            continue
        if stripped.startswith(STUDENT):
            indent = line[: len(line) - len(line.lstrip())]
            rest = stripped[len(STUDENT):]
            out.append(indent + (rest[1:] if rest.startswith(" ") else rest))
            continue
        out.append(line)
    if inside:
        raise ValueError(f"{BEGIN!r} without {END!r} in cell:\n{source}")
    return "\n".join(out)


def fingerprint(nb) -> str:
    """Hash of a solution notebook's cell sources and types (outputs do not count)."""
    h = hashlib.sha256()
    for cell in nb.cells:
        h.update(cell.cell_type.encode())
        h.update(b"\0")
        h.update(cell.source.encode())
        h.update(b"\1")
    return h.hexdigest()[:16]


def exercise_id(path: Path) -> str:
    """``chNN`` from a file name like ``ch01_crm_overview.ipynb``."""
    return path.name.split("_", 1)[0]


def student_notebook(solution) -> nbformat.NotebookNode:
    """The student notebook (outputs cleared, not executed) made from a solution notebook."""
    nb = copy.deepcopy(solution)
    for cell in nb.cells:
        if cell.cell_type == "code":
            cell.source = student_source(cell.source)
            cell.outputs = []
            cell.execution_count = None
        cell.metadata.pop("execution", None)
    nb.metadata.pop("papermill", None)
    nb.metadata.pop("widgets", None)
    meta = dict(nb.metadata.get("crm_lessons", {}))
    meta["student_version_of"] = fingerprint(solution)
    nb.metadata["crm_lessons"] = meta
    return nb


def execute(nb, cwd: Path, timeout: int = 600) -> nbformat.NotebookNode:
    """Execute a notebook in ``cwd`` (for committing it with outputs)."""
    from nbclient import NotebookClient

    NotebookClient(nb, timeout=timeout, kernel_name="python3", resources={"metadata": {"path": str(cwd)}}).execute()
    return nb


def _write(nb, path: Path) -> None:
    # widget state has random model ids and image bytes: it would make every build a new diff
    nb.metadata.pop("widgets", None)
    nbformat.write(nb, str(path))


def solution_notebooks(exercises_dir: Path = EXERCISES_DIR) -> list[Path]:
    return sorted((exercises_dir / "solutions").glob("ch[0-9][0-9]_*.ipynb"))


def build(exercises_dir: Path = EXERCISES_DIR, run: bool = True, solutions_too: bool = True,
          only: list[str] | None = None) -> list[Path]:
    """Write ``exercises/chNN_*.ipynb`` from the solutions (executing both when ``run``)."""
    written = []
    for sol_path in solution_notebooks(exercises_dir):
        if only and exercise_id(sol_path) not in only:
            continue
        solution = nbformat.read(str(sol_path), as_version=4)
        meta = dict(solution.metadata.get("crm_lessons", {}))
        meta["exercise"] = exercise_id(sol_path)
        solution.metadata["crm_lessons"] = meta
        if run and solutions_too:
            execute(solution, sol_path.parent)
            _write(solution, sol_path)
        student = student_notebook(solution)
        out = exercises_dir / sol_path.name
        if run:
            execute(student, exercises_dir)
        _write(student, out)
        written.append(out)
    return written


def stale_notebooks(exercises_dir: Path = EXERCISES_DIR) -> list[str]:
    """Student notebooks missing or out of date with their solution (empty when all is well)."""
    problems = []
    for sol_path in solution_notebooks(exercises_dir):
        solution = nbformat.read(str(sol_path), as_version=4)
        expected = student_notebook(solution)
        path = exercises_dir / sol_path.name
        if not path.exists():
            problems.append(f"{path.name}: missing")
            continue
        committed = nbformat.read(str(path), as_version=4)
        got = [(c.cell_type, c.source) for c in committed.cells]
        want = [(c.cell_type, c.source) for c in expected.cells]
        if got != want or committed.metadata.get("crm_lessons", {}).get("student_version_of") != fingerprint(solution):
            problems.append(f"{path.name}: out of date with solutions/{sol_path.name}")
    return problems


def release(out: Path, graded: bool, key_out: Path | None = None, exercises_dir: Path = EXERCISES_DIR) -> list[Path]:
    """Write a release of the exercise set for students into ``out``.

    *Practice*: the student notebooks and, beside them, the answer key (``out/key/``), so
    ``ex.check`` and clicks give right/wrong at once; its points mean nothing for credit.
    *Graded*: the student notebooks only -- no key, no solution (``ex.check`` then checks only
    the format, clicks are recorded without right/wrong); the key is written to ``key_out``,
    which stays with the grader (``crm-lessons grade --key KEY_OUT``).
    """
    import shutil

    out = Path(out)
    if graded and key_out is None:
        raise ValueError("key_out: a graded release needs --key-out FOLDER for the grader's copy of the key")
    if graded and Path(key_out).resolve().is_relative_to(out.resolve()):
        raise ValueError("key_out: the key must not be inside the student release; choose a folder outside --out")
    out.mkdir(parents=True, exist_ok=True)
    written = []
    for sol in solution_notebooks(exercises_dir):
        student = exercises_dir / sol.name
        if not student.exists():
            raise FileNotFoundError(f"{student}: run `crm-lessons exercises build` first")
        shutil.copy(student, out / sol.name)
        written.append(out / sol.name)
    key_src = exercises_dir / "key"
    key_dst = Path(key_out) if graded else out / "key"
    key_dst.mkdir(parents=True, exist_ok=True)
    for f in sorted(key_src.glob("ch[0-9][0-9].py")):
        shutil.copy(f, key_dst / f.name)
        written.append(key_dst / f.name)
    return written


def exercises_main(argv: list[str] | None = None) -> int:
    """``crm-lessons exercises build|check``."""
    parser = argparse.ArgumentParser(prog="crm-lessons exercises", description=__doc__.split("\n\n")[0])
    sub = parser.add_subparsers(dest="action", required=True)
    b = sub.add_parser("build", help="write the student notebooks from exercises/solutions/ and execute both")
    b.add_argument("chapters", nargs="*", help="only these exercise ids (ch01 ...)")
    b.add_argument("--no-run", action="store_true", help="write without executing (no outputs)")
    b.add_argument("--dir", default=str(EXERCISES_DIR), help="the exercises folder")
    c = sub.add_parser("check", help="exit 1 when a student notebook is out of date")
    c.add_argument("--dir", default=str(EXERCISES_DIR))
    r = sub.add_parser("release", help="write a practice (key beside the notebooks) or graded (no key) release")
    mode = r.add_mutually_exclusive_group(required=True)
    mode.add_argument("--practice", action="store_true", help="instant right/wrong feedback; the key ships with it")
    mode.add_argument("--graded", action="store_true", help="for credit: no key or solution for students")
    r.add_argument("--out", required=True, help="folder of the student release")
    r.add_argument("--key-out", help="graded: folder for the grader's key (outside --out)")
    r.add_argument("--dir", default=str(EXERCISES_DIR))
    args = parser.parse_args(argv)
    if args.action == "release":
        try:
            paths = release(Path(args.out), args.graded, Path(args.key_out) if args.key_out else None, Path(args.dir))
        except (ValueError, FileNotFoundError) as exc:
            print(f"crm-lessons exercises release: {exc}", file=sys.stderr)
            return 2
        for p in paths:
            print(p)
        return 0
    if args.action == "build":
        for path in build(Path(args.dir), run=not args.no_run, only=args.chapters or None):
            print(path)
        return 0
    problems = stale_notebooks(Path(args.dir))
    for p in problems:
        print(p, file=sys.stderr)
    return 1 if problems else 0


_ = json
