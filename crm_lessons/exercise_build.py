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
>>> print(student_source(
...     "x = 1\\n### BEGIN SOLUTION\\ny = 2\\n### END SOLUTION\\n### STUDENT: y = None\\nprint(y)"))
x = 1
y = None
print(y)
"""

from __future__ import annotations

import argparse
import copy
import hashlib
import json
import re
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
            rest = stripped[len(STUDENT) :]
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


#: Languages of the editions: English in ``exercises/``, Chinese in ``exercises/zh/``.
LANGUAGES = ("en", "zh")
_START = re.compile(r"""ex\.start\(\s*(["'][A-Za-z0-9_]+["'])\s*,\s*data_dir\s*\)""")


def edition(solution, lang: str) -> nbformat.NotebookNode:
    """One language's edition of a notebook (the book's convention, decision 3 of the brief).

    Markdown cells with ``metadata.lang`` belong to that edition only; cells without it are
    shared. For Chinese, the parameters cell says ``lang = "zh"`` and ``ex.start`` is given
    ``lang=lang``, so questions, options and hints come in Chinese from the bilingual question
    files. The English edition is the notebook as written.

    Examples
    --------
    >>> nb = nbformat.v4.new_notebook(cells=[
    ...     nbformat.v4.new_markdown_cell("Hello", metadata={"lang": "en"}),
    ...     nbformat.v4.new_markdown_cell("你好", metadata={"lang": "zh"}),
    ...     nbformat.v4.new_code_cell("data_dir = None", metadata={"tags": ["parameters"]}),
    ...     nbformat.v4.new_code_cell('case = ex.start("ch01", data_dir)')])
    >>> [c.source for c in edition(nb, "zh").cells]
    ['你好', 'lang = "zh"\\ndata_dir = None', 'case = ex.start("ch01", data_dir, lang=lang)']
    >>> [c.source for c in edition(nb, "en").cells]
    ['Hello', 'data_dir = None', 'case = ex.start("ch01", data_dir)']
    """
    if lang not in LANGUAGES:
        raise ValueError(f"lang: {lang!r} is not one of {', '.join(LANGUAGES)}")
    nb = copy.deepcopy(solution)
    nb.cells = [c for c in nb.cells if c.metadata.get("lang", lang) == lang]
    if lang == "en":
        return nb
    for cell in nb.cells:
        if cell.cell_type != "code":
            continue
        if "parameters" in cell.metadata.get("tags", []):
            lines = [ln for ln in cell.source.splitlines() if not re.match(r"\s*lang\s*=", ln)]
            cell.source = "\n".join([f'lang = "{lang}"'] + lines)
        elif "lang=" not in cell.source:
            cell.source = _START.sub(r"ex.start(\1, data_dir, lang=lang)", cell.source)
    meta = dict(nb.metadata.get("crm_lessons", {}))
    meta["lang"] = lang
    nb.metadata["crm_lessons"] = meta
    return nb


def edition_dir(exercises_dir: Path, lang: str) -> Path:
    """Where an edition's student notebooks live: ``exercises/`` or ``exercises/zh/``."""
    return exercises_dir if lang == "en" else exercises_dir / lang


def student_notebook(solution, lang: str = "en") -> nbformat.NotebookNode:
    """The student notebook (outputs cleared, not executed) made from a solution notebook."""
    nb = edition(solution, lang)
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

    NotebookClient(
        nb, timeout=timeout, kernel_name="python3", resources={"metadata": {"path": str(cwd)}}
    ).execute()
    return nb


def _write(nb, path: Path) -> None:
    from crm_lessons.book import clean_executed

    # no run timings; questions and explorers read without a kernel: their static rendering, no
    # live view (widget state has random model ids and image bytes: every build would be a new diff)
    clean_executed(nb)
    nb.metadata.pop("widgets", None)
    nbformat.write(nb, str(path))


def solution_notebooks(exercises_dir: Path = EXERCISES_DIR) -> list[Path]:
    return sorted((exercises_dir / "solutions").glob("ch[0-9][0-9]_*.ipynb"))


def build(
    exercises_dir: Path = EXERCISES_DIR,
    run: bool = True,
    solutions_too: bool = True,
    only: list[str] | None = None,
    lang: str = "en",
) -> list[Path]:
    """Write ``exercises/chNN_*.ipynb`` (or the Chinese ``exercises/zh/``) from the solutions
    (executing both when ``run``). The Chinese edition of each solution, the same code with the
    Chinese text, is written to ``exercises/zh/solutions/``."""
    written = []
    out_dir = edition_dir(exercises_dir, lang)
    out_dir.mkdir(parents=True, exist_ok=True)
    for sol_path in solution_notebooks(exercises_dir):
        if only and exercise_id(sol_path) not in only:
            continue
        solution = nbformat.read(str(sol_path), as_version=4)
        meta = dict(solution.metadata.get("crm_lessons", {}))
        meta["exercise"] = exercise_id(sol_path)
        solution.metadata["crm_lessons"] = meta
        if run and solutions_too and lang == "en":
            execute(solution, sol_path.parent)
            _write(solution, sol_path)
        elif run and solutions_too:
            translated = edition(solution, lang)
            translated.metadata["crm_lessons"]["edition_of"] = fingerprint(solution)
            (out_dir / "solutions").mkdir(exist_ok=True)
            execute(translated, out_dir / "solutions")
            _write(translated, out_dir / "solutions" / sol_path.name)
            written.append(out_dir / "solutions" / sol_path.name)
        student = student_notebook(solution, lang)
        out = out_dir / sol_path.name
        if run:
            execute(student, out_dir)
        _write(student, out)
        written.append(out)
    return written


def stale_notebooks(exercises_dir: Path = EXERCISES_DIR) -> list[str]:
    """Student notebooks missing or out of date with their solution (empty when all is well).

    The Chinese edition is checked once ``exercises/zh/`` exists (``build --lang zh`` made it).
    """
    problems = []
    langs = [lang for lang in LANGUAGES if lang == "en" or edition_dir(exercises_dir, lang).is_dir()]
    for sol_path in solution_notebooks(exercises_dir):
        solution = nbformat.read(str(sol_path), as_version=4)
        for lang in langs:
            problems += _stale(solution, sol_path, edition_dir(exercises_dir, lang), lang)
    return problems


def _stale(solution, sol_path: Path, folder: Path, lang: str) -> list[str]:
    """Why one edition's student notebook is missing or out of date ([] when it is current)."""
    shown = sol_path.name if lang == "en" else f"{lang}/{sol_path.name}"
    path = folder / sol_path.name
    if not path.exists():
        return [f"{shown}: missing"]
    expected = student_notebook(solution, lang)
    committed = nbformat.read(str(path), as_version=4)
    got = [(c.cell_type, c.source) for c in committed.cells]
    want = [(c.cell_type, c.source) for c in expected.cells]
    if got != want or committed.metadata.get("crm_lessons", {}).get("student_version_of") != fingerprint(
        solution
    ):
        return [f"{shown}: out of date with solutions/{sol_path.name}"]
    if lang != "en":  # the edition's own solution (exercises/zh/solutions/)
        sol_copy = folder / "solutions" / sol_path.name
        if not sol_copy.exists():
            return [f"{lang}/solutions/{sol_path.name}: missing"]
        translated = nbformat.read(str(sol_copy), as_version=4)
        want = [(c.cell_type, c.source) for c in edition(solution, lang).cells]
        if [(c.cell_type, c.source) for c in translated.cells] != want or translated.metadata.get(
            "crm_lessons", {}
        ).get("edition_of") != fingerprint(solution):
            return [f"{lang}/solutions/{sol_path.name}: out of date with solutions/{sol_path.name}"]
    return []


def release(
    out: Path,
    graded: bool,
    key_out: Path | None = None,
    exercises_dir: Path = EXERCISES_DIR,
    lang: str = "en",
) -> list[Path]:
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
        raise ValueError(
            "key_out: the key must not be inside the student release; choose a folder outside --out"
        )
    out.mkdir(parents=True, exist_ok=True)
    written = []
    for sol in solution_notebooks(exercises_dir):
        student = edition_dir(exercises_dir, lang) / sol.name  # the English or the Chinese edition
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
    b.add_argument(
        "--lang",
        choices=LANGUAGES,
        default="en",
        help="edition: en (exercises/) or zh (exercises/zh/, questions in Chinese)",
    )
    c = sub.add_parser("check", help="exit 1 when a student notebook is out of date")
    c.add_argument("--dir", default=str(EXERCISES_DIR))
    r = sub.add_parser(
        "release", help="write a practice (key beside the notebooks) or graded (no key) release"
    )
    mode = r.add_mutually_exclusive_group(required=True)
    mode.add_argument(
        "--practice", action="store_true", help="instant right/wrong feedback; the key ships with it"
    )
    mode.add_argument("--graded", action="store_true", help="for credit: no key or solution for students")
    r.add_argument("--out", required=True, help="folder of the student release")
    r.add_argument("--key-out", help="graded: folder for the grader's key (outside --out)")
    r.add_argument("--dir", default=str(EXERCISES_DIR))
    r.add_argument("--lang", choices=LANGUAGES, default="en", help="edition: en, or zh (exercises/zh/)")
    args = parser.parse_args(argv)
    if args.action == "release":
        try:
            key_out = Path(args.key_out) if args.key_out else None
            paths = release(Path(args.out), args.graded, key_out, Path(args.dir), lang=args.lang)
        except (ValueError, FileNotFoundError) as exc:
            print(f"crm-lessons exercises release: {exc}", file=sys.stderr)
            return 2
        for p in paths:
            print(p)
        return 0
    if args.action == "build":
        for path in build(Path(args.dir), run=not args.no_run, only=args.chapters or None, lang=args.lang):
            print(path)
        return 0
    problems = stale_notebooks(Path(args.dir))
    for p in problems:
        print(p, file=sys.stderr)
    return 1 if problems else 0


_ = json
