"""Answer cells identical to the published solution or to another student's: evidence for the instructor.

For every compute question the answer is the code of the cell that checks it (the cell
holding ``ex.check("qN", ...)``, without that call and without the placeholder lines). Two
answers count as identical when their *normalised* code is: comments and blank lines
dropped, white space collapsed, and every name renamed in order of first use (``v1``, ``v2``,
...; attribute names, keywords and built-ins kept), so renaming variables or re-indenting does
not hide a copy. Answers shorter than :data:`MIN_TOKENS` tokens are left out (a one-line
answer is often the same for honest students).

The report is evidence, not a verdict: nothing here changes a grade. ``grade`` writes
``similarity.csv`` and ``similarity.html`` into its output folder; each row names the
exercise, question, student, what the answer matches (``published solution`` or the other
students' ids) and whether it calls the course library (``crm_lessons``/``crm.``) directly.

Examples
--------
>>> normalise_code("total = sales['revenue'].sum()  # add up\\n")
"v1 = v2 [ 'revenue' ] . sum ( )"
>>> normalise_code("s = sales[ 'revenue' ].sum()\\n\\n") == normalise_code("total = sales['revenue'].sum()")
True
>>> normalise_code("x = df.a.sum()") == normalise_code("x = df.b.sum()")
False
"""

from __future__ import annotations

import builtins
import csv
import hashlib
import html
import io
import keyword
import re
import tokenize
from pathlib import Path

#: Answers with fewer normalised tokens than this are not compared.
MIN_TOKENS = 12
_CHECK = re.compile(r"""\bex\.check\(\s*["']([A-Za-z0-9_]+)["']""")
_LIBRARY = re.compile(r"\b(?:crm_lessons|crm)\.(?!exercises\b)[A-Za-z_]")
_BUILTINS = set(dir(builtins))


def _source(cell) -> str:
    src = cell.get("source", "") if isinstance(cell, dict) else ""
    return "".join(src) if isinstance(src, list) else str(src)


def answer_cells(nb: dict) -> dict[str, str]:
    """Question id -> the code of its check cell (without the check call and placeholder lines)."""
    found = {}
    cells = nb.get("cells", []) if isinstance(nb, dict) else []
    for cell in cells if isinstance(cells, list) else []:
        if not isinstance(cell, dict) or cell.get("cell_type") != "code":
            continue
        src = _source(cell)
        m = _CHECK.search(src)
        if not m:
            continue
        lines = [ln for ln in src.splitlines() if not _CHECK.search(ln) and "### " not in ln]
        found.setdefault(m.group(1), "\n".join(lines))
    return found


def normalise_code(source: str) -> str:
    """The code with comments, layout and names normalised (see the module notes)."""
    names: dict[str, str] = {}
    out: list[str] = []
    prev = ""
    try:
        tokens = list(tokenize.generate_tokens(io.StringIO(source).readline))
    except (tokenize.TokenError, IndentationError, SyntaxError):
        return " ".join(re.sub(r"#[^\n]*", "", source).split())
    for tok in tokens:
        if tok.type in (
            tokenize.COMMENT,
            tokenize.NL,
            tokenize.NEWLINE,
            tokenize.INDENT,
            tokenize.DEDENT,
            tokenize.ENDMARKER,
        ):
            if tok.type in (tokenize.NEWLINE, tokenize.INDENT, tokenize.DEDENT) and out and out[-1] != ";":
                out.append(";")
            continue
        text = tok.string
        renamable = not keyword.iskeyword(text) and text not in _BUILTINS and prev != "."
        if tok.type == tokenize.NAME and renamable:
            text = names.setdefault(text, f"v{len(names) + 1}")
        out.append(text)
        prev = tok.string
    return " ".join(out).strip(" ;")


def _tokens(normalised: str) -> int:
    return len([t for t in normalised.split() if t != ";"])


def similarity_rows(submissions, solutions: dict[str, dict]) -> list[dict]:
    """Rows of the report.

    ``submissions``: (student id, notebook) pairs, or a dict student id -> notebook;
    ``solutions``: exercise id -> notebook. A submission's exercise is read from its metadata
    (``crm_lessons.exercise``).
    """
    published: dict[tuple[str, str], str] = {}
    for ex_id, nb in solutions.items():
        for qid, code in answer_cells(nb).items():
            published[(ex_id, qid)] = normalise_code(code)
    groups: dict[tuple[str, str, str], list[str]] = {}
    library: dict[tuple[str, str], bool] = {}
    pairs = submissions.items() if isinstance(submissions, dict) else submissions
    for student, nb in pairs:
        meta = (nb.get("metadata") or {}) if isinstance(nb, dict) else {}
        ex_id = str(((meta.get("crm_lessons") or {}) if isinstance(meta, dict) else {}).get("exercise", "?"))
        for qid, code in answer_cells(nb).items():
            norm = normalise_code(code)
            if _tokens(norm) < MIN_TOKENS:
                continue
            digest = hashlib.sha256(norm.encode()).hexdigest()
            groups.setdefault((ex_id, qid, digest), []).append(student)
            library[(student, qid)] = bool(_LIBRARY.search(code))
            if published.get((ex_id, qid)) == norm:
                groups.setdefault((ex_id, qid, "solution"), []).append(student)
    rows = []
    for (ex_id, qid, digest), students in sorted(groups.items()):
        if digest == "solution":
            for s in students:
                rows.append(
                    {
                        "exercise": ex_id,
                        "question": qid,
                        "student": s,
                        "matches": "published solution",
                        "uses_library": library.get((s, qid), False),
                    }
                )
        elif len(students) > 1:
            for s in students:
                others = sorted(x for x in students if x != s)
                rows.append(
                    {
                        "exercise": ex_id,
                        "question": qid,
                        "student": s,
                        "matches": "students: " + ", ".join(others),
                        "uses_library": library.get((s, qid), False),
                    }
                )
    rows.sort(key=lambda r: (r["exercise"], r["question"], r["student"], r["matches"]))
    return rows


def write_report(rows: list[dict], out_dir) -> tuple[Path, Path]:
    """``similarity.csv`` and ``similarity.html`` (everything a student controls escaped)."""
    out = Path(out_dir)
    csv_path, html_path = out / "similarity.csv", out / "similarity.html"
    header = ["exercise", "question", "student", "matches", "uses_library"]
    with open(csv_path, "w", newline="", encoding="utf-8") as f:
        w = csv.DictWriter(f, fieldnames=header)
        w.writeheader()
        w.writerows(rows)
    e = html.escape
    body = (
        "".join("<tr>" + "".join(f"<td>{e(str(r[h]))}</td>" for h in header) + "</tr>" for r in rows)
        or "<tr><td colspan='5'>no identical answer cells</td></tr>"
    )
    html_path.write_text(
        "<!DOCTYPE html><html><head><meta charset='utf-8'><title>Similar answers</title>"
        "<style>body{font-family:sans-serif;margin:2em}td,th{border:1px solid #ccc;padding:4px 8px}"
        "table{border-collapse:collapse}</style></head><body><h1>Identical answer cells</h1>"
        "<p>Answer cells identical, after normalising white space, names and comments, to the "
        "published solution or to another student's in this batch. This is evidence to look at, "
        "not a verdict: no grade was changed.</p><table><tr>"
        + "".join(f"<th>{h}</th>" for h in header)
        + "</tr>"
        + body
        + "</table></body></html>\n",
        encoding="utf-8",
    )
    return csv_path, html_path


__all__ = ["MIN_TOKENS", "answer_cells", "normalise_code", "similarity_rows", "write_report"]
