"""Feedback a student can use: one HTML page per student and exercise, and their release as a zip.

Each page is rendered from the gradebook's stored, settled rows (so it shows imported marks
and the late penalty, and a re-release after new marks changes nothing else). Per question it
shows the student's own answer next to what was expected; for compute questions it says what
was wrong -- which index labels are missing or unexpected, which values differ
(:func:`explain`); it lists every hint of the question, and for written answers the marks
and the instructor's comment. Everything the student controls is escaped.

``crm-lessons feedback OUT_DIR`` (:func:`feedback_main`) re-renders every page into
``OUT_DIR/feedback/`` and packs them into ``OUT_DIR/feedback.zip``, one file per student
(``<student>_<exercise>.html``), ready to hand back through the LMS.

Examples
--------
>>> ref = {"__series__": {"index": ["a", "b", "c"], "values": [1.0, 2.0, 3.0]}}
>>> got = {"__series__": {"index": ["a", "b", "x"], "values": [1.0, 2.5, 9.0]}}
>>> explain(got, ref)
['missing index labels: c', 'unexpected index labels: x', 'b: 2.5 where 2 was expected']
>>> explain(0.25, 0.2)
['0.25 where 0.2 was expected (25% too high)']
"""

from __future__ import annotations

import argparse
import html
import json
import sys
import zipfile
from pathlib import Path

from crm_lessons.grading import ledger

#: Rows of a table shown in a feedback page (the rest is summarised).
SHOW_ROWS = 12
#: Differences listed per question.
SHOW_DIFFS = 6


def _fmt(v) -> str:
    if isinstance(v, float):
        return f"{v:.6g}"
    if v is None:
        return "nothing (missing)"
    return str(v)


def _num(v) -> bool:
    return isinstance(v, (int, float)) and not isinstance(v, bool)


def _same(a, b) -> bool:
    if _num(a) and _num(b):
        import math

        return math.isclose(float(a), float(b), rel_tol=1e-6, abs_tol=1e-9)
    return a == b


def _labels(items, limit=SHOW_DIFFS) -> str:
    items = [str(i) for i in items]
    more = f" (and {len(items) - limit} more)" if len(items) > limit else ""
    return ", ".join(items[:limit]) + more


def explain(answer, expected) -> list[str]:
    """What differs between a plain answer and the expected plain answer, in short sentences."""
    if answer is None:
        return ["no answer was recorded"]
    if (
        isinstance(expected, dict)
        and "__too_large__" in expected
        or isinstance(answer, dict)
        and "__too_large__" in answer
    ):
        return ["too large to compare here"]
    if isinstance(expected, dict) and "__series__" in expected:
        if not (isinstance(answer, dict) and "__series__" in answer):
            return [f"a pandas Series was expected, the answer was {_kind(answer)}"]
        ref = dict(zip(map(str, expected["__series__"]["index"]), expected["__series__"]["values"]))
        got = dict(
            zip(map(str, answer["__series__"].get("index", [])), answer["__series__"].get("values", []))
        )
        out = []
        missing = [k for k in ref if k not in got]
        extra = [k for k in got if k not in ref]
        if missing:
            out.append(f"missing index labels: {_labels(missing)}")
        if extra:
            out.append(f"unexpected index labels: {_labels(extra)}")
        wrong = [k for k in ref if k in got and not _same(got[k], ref[k])]
        out += [f"{k}: {_fmt(got[k])} where {_fmt(ref[k])} was expected" for k in wrong[:SHOW_DIFFS]]
        if len(wrong) > SHOW_DIFFS:
            out.append(f"... {len(wrong) - SHOW_DIFFS} more values differ")
        return out or ["the values match"]
    if isinstance(expected, dict) and "__frame__" in expected:
        if not (isinstance(answer, dict) and "__frame__" in answer):
            return [f"a pandas DataFrame was expected, the answer was {_kind(answer)}"]
        rf, af = expected["__frame__"], answer["__frame__"]
        rcols, acols = [str(c) for c in rf["columns"]], [str(c) for c in af.get("columns", [])]
        rrows = {str(i): r for i, r in zip(rf["index"], rf["data"])}
        arows = {str(i): r for i, r in zip(af.get("index", []), af.get("data", []))}
        out = []
        for what, items in (
            ("missing columns", [c for c in rcols if c not in acols]),
            ("unexpected columns", [c for c in acols if c not in rcols]),
            ("missing rows (index labels)", [k for k in rrows if k not in arows]),
            ("unexpected rows (index labels)", [k for k in arows if k not in rrows]),
        ):
            if items:
                out.append(f"{what}: {_labels(items)}")
        wrong = []
        for key, row in rrows.items():
            if key not in arows:
                continue
            for j, c in enumerate(rcols):
                if c in acols:
                    k = acols.index(c)
                    got = arows[key][k] if k < len(arows[key]) else None
                    if not _same(got, row[j]):
                        wrong.append(f"row {key}, column {c}: {_fmt(got)} where {_fmt(row[j])} was expected")
        out += wrong[:SHOW_DIFFS]
        if len(wrong) > SHOW_DIFFS:
            out.append(f"... {len(wrong) - SHOW_DIFFS} more cells differ")
        return out or ["the values match"]
    if isinstance(expected, dict) and "rubric" in expected:
        return []
    if (
        isinstance(expected, list)
        and isinstance(answer, list)
        and answer
        and isinstance(answer[0], dict)
        and ({"value"} <= set(answer[0]) or {"error"} <= set(answer[0]))
    ):  # a function's test cases
        out = []
        for i, (got, ref) in enumerate(zip(answer, expected), start=1):
            if "error" in got:
                out.append(f"test case {i}: your function raised {got['error']}")
            elif not _plain_equal(got.get("value"), ref):
                detail = explain(got.get("value"), ref)
                out.append(f"test case {i}: " + "; ".join(detail[:2]))
        return out or ["every test case matches"]
    if isinstance(expected, list) and isinstance(answer, list):  # choices ticked
        missing = [o for o in expected if o not in answer]
        extra = [o for o in answer if o not in expected]
        out = []
        if missing:
            out.append("not ticked but right: " + _labels(missing))
        if extra:
            out.append("ticked but wrong: " + _labels(extra))
        return out or ["the right options"]
    if isinstance(expected, dict) and isinstance(answer, dict):  # items sorted into groups
        out = [
            f"{item!r}: you chose {_fmt(answer.get(item)) if answer.get(item) else 'no group'}, "
            f"it belongs in {group}"
            for item, group in expected.items()
            if answer.get(item) != group
        ]
        return out or ["every item in the right group"]
    if _num(expected) and _num(answer):
        if _same(answer, expected):
            return ["the value matches"]
        rel = (
            f" ({abs(answer / expected - 1):.0%} too {'high' if answer > expected else 'low'})"
            if expected
            else ""
        )
        return [f"{_fmt(answer)} where {_fmt(expected)} was expected{rel}"]
    if _same(answer, expected):
        return ["the answer matches"]
    return [f"{_fmt(answer)} where {_fmt(expected)} was expected"]


def _plain_equal(a, b) -> bool:
    from crm_lessons.exercises import compare_plain

    try:
        return compare_plain(a, b)[0] == 1.0
    except Exception:
        return False


def _kind(v) -> str:
    if isinstance(v, dict) and "__frame__" in v:
        return "a DataFrame"
    if isinstance(v, dict) and "__series__" in v:
        return "a Series"
    return "a number" if _num(v) else f"a {type(v).__name__}"


def show_value(v) -> str:
    """A plain value as (escaped) HTML: a small table for a Series or frame, text otherwise."""
    e = html.escape
    if v is None:
        return "<i>no answer</i>"
    if isinstance(v, dict) and "__too_large__" in v:
        return f"<i>too large to show ({v['__too_large__']} characters)</i>"
    if isinstance(v, dict) and "__series__" in v:
        idx, vals = v["__series__"].get("index", []), v["__series__"].get("values", [])
        rows = "".join(
            f"<tr><th>{e(str(i))}</th><td>{e(_fmt(x))}</td></tr>" for i, x in list(zip(idx, vals))[:SHOW_ROWS]
        )
        more = (
            f"<tr><td colspan=2>... {len(idx) - SHOW_ROWS} more rows</td></tr>"
            if len(idx) > SHOW_ROWS
            else ""
        )
        return f"<table class='v'>{rows}{more}</table>"
    if isinstance(v, dict) and "__frame__" in v:
        f = v["__frame__"]
        head = "<tr><th></th>" + "".join(f"<th>{e(str(c))}</th>" for c in f.get("columns", [])) + "</tr>"
        body = "".join(
            f"<tr><th>{e(str(i))}</th>" + "".join(f"<td>{e(_fmt(x))}</td>" for x in row) + "</tr>"
            for i, row in list(zip(f.get("index", []), f.get("data", [])))[:SHOW_ROWS]
        )
        n = len(f.get("index", []))
        more = f"<tr><td colspan=99>... {n - SHOW_ROWS} more rows</td></tr>" if n > SHOW_ROWS else ""
        return f"<table class='v'>{head}{body}{more}</table>"
    if isinstance(v, dict) and "rubric" in v:
        return "<ul>" + "".join(f"<li>{e(str(c))} ({p:g} pt)</li>" for c, p in v["rubric"]) + "</ul>"
    if isinstance(v, list) and v and isinstance(v[0], dict) and ("value" in v[0] or "error" in v[0]):
        return (
            "<ol>"
            + "".join(
                f"<li>{e('raised ' + str(c['error'])) if 'error' in c else show_value(c.get('value'))}</li>"
                for c in v
            )
            + "</ol>"
        )
    if isinstance(v, str):
        return "<div class='text'>" + e(v).replace("\n", "<br>") + "</div>"
    if isinstance(v, dict):
        return "<ul>" + "".join(f"<li>{e(str(k))}: {e(_fmt(x))}</li>" for k, x in v.items()) + "</ul>"
    if isinstance(v, list):
        return e(", ".join(_fmt(x) for x in v)) if v else "<i>none</i>"
    return e(_fmt(v))


def _question_texts(exercise: str) -> dict[str, tuple[str, tuple]]:
    """Question id -> (prompt, all hints), from the exercise definitions (empty when unknown)."""
    try:
        from crm_lessons.exercises import get_exercise

        return {q.id: (q.prompt, tuple(h for h in q.hints if h)) for q in get_exercise(exercise).questions}
    except Exception:
        return {}


STYLE = (
    "body{font-family:'Noto Sans CJK SC','Noto Sans',sans-serif;font-size:16px;margin:2em;max-width:1200px}"
    "table{border-collapse:collapse}"
    "td,th{border:1px solid #ccc;padding:6px 10px;vertical-align:top;text-align:left}"
    "table.v td,table.v th{padding:2px 6px;font-size:14px}"
    ".q{margin:1.2em 0;padding:0.8em 1em;border:1px solid #ddd;"
    "border-radius:6px}.pts{float:right;font-weight:bold}.ok{color:#1a7f37}.part{color:#9a6700}.no{color:#b35900}"
    ".cols{display:flex;gap:2em;flex-wrap:wrap}.cols>div{flex:1;min-width:280px}.text{white-space:normal;"
    "background:#f6f8fa;padding:6px}"
)


def page_html(db, student: str, exercise: str) -> str:
    """The feedback page of one submission, from the stored rows."""
    e = html.escape
    cur = db.execute("SELECT * FROM submissions WHERE student = ? AND exercise = ?", (student, exercise))
    row = cur.fetchone()
    if row is None:
        raise KeyError(f"student: no grade for {student!r} in exercise {exercise!r}")
    sub = dict(zip([d[0] for d in cur.description], row))
    cur = db.execute(
        "SELECT a.*, d.answer AS answer_json, d.expected AS expected_json, m.comment AS mark_comment, "
        "m.points AS mark_points FROM answers a "
        "LEFT JOIN details d USING (student, exercise, question) "
        "LEFT JOIN marks m USING (student, exercise, question) "
        "WHERE a.student = ? AND a.exercise = ? ORDER BY a.position",
        (student, exercise),
    )
    names = [d[0] for d in cur.description]
    answers = [dict(zip(names, r)) for r in cur.fetchall()]
    texts = _question_texts(exercise)
    late = ledger.late_rows(db).get((student, exercise))
    parts = [
        "<!DOCTYPE html><html><head><meta charset='utf-8'>",
        f"<title>Feedback: {e(student)} {e(exercise)}</title><style>{STYLE}</style></head><body>",
        f"<h1>Exercise {e(exercise)}: {sub['points']:g} of {sub['max_points']:g} points</h1>",
        (
            f"<p>Student: {e(student)}<br>File: {e(Path(sub['file']).name)}<br>"
            f"Grading: {e(sub['status'])}{(' — ' + e(sub['reason'])) if sub['reason'] else ''}</p>"
        ),
    ]
    if late and late["days"] > 0:
        parts.append(
            f"<p class='no'>Handed in {late['days']} day{'s' if late['days'] != 1 else ''} "
            "after the deadline "
            f"({e(late['deadline'])}; handed in {e(late['submitted_at'])}): {late['raw_points']:g} points "
            f"× {late['factor']:g} = {sub['points']:g} (late penalty {late['penalty']:g}).</p>"
        )
    parts.append(
        "<p>Answers given by clicking or writing were read from your saved notebook; compute answers were "
        "checked by running your code on a new copy of the case data, so the expected values below are "
        "those of that copy, not of the data in your notebook.</p>"
    )
    for a in answers:
        prompt, hints = texts.get(a["question"], (a.get("prompt", ""), ()))
        hints = hints or ((a["hint"],) if a["hint"] else ())
        cls = (
            "ok"
            if a["status"] in ("correct",) or (a["status"] == "marked" and a["points"] == a["max_points"])
            else ("part" if a["points"] > 0 or a["status"] == "to mark" else "no")
        )
        answer, expected = ledger.load(a["answer_json"]), ledger.load(a["expected_json"])
        parts.append(
            f"<div class='q'><span class='pts {cls}'>{a['points']:g} / {a['max_points']:g}</span>"
            f"<h3>{e(a['question'])}</h3><p>{e(prompt)}</p>"
        )
        parts.append(f"<p class='{cls}'>{e(a['status'])}: {e(a['reason'])}</p>")
        if a["source"] == "written":
            parts.append(
                "<div class='cols'><div><b>Your answer</b>" + show_value(answer) + "</div>"
                "<div><b>What the marker looked for</b>" + show_value(expected) + "</div></div>"
            )
            if a["mark_points"] is not None and a["status"] == "marked":
                parts.append(
                    f"<p><b>Marks:</b> {a['points']:g} of {a['max_points']:g}"
                    + (f". <b>Comment:</b> {e(a['mark_comment'])}" if a["mark_comment"] else "")
                    + "</p>"
                )
        else:
            parts.append(
                "<div class='cols'><div><b>Your answer</b>" + show_value(answer) + "</div>"
                "<div><b>Expected</b>" + show_value(expected) + "</div></div>"
            )
            if a["status"] not in ("correct",) and answer is not None and expected is not None:
                diffs = explain(answer, expected)
                if diffs:
                    parts.append(
                        "<p><b>What was wrong:</b></p><ul>"
                        + "".join(f"<li>{e(d)}</li>" for d in diffs)
                        + "</ul>"
                    )
        if hints:
            parts.append("<p><b>Hints:</b></p><ol>" + "".join(f"<li>{e(h)}</li>" for h in hints) + "</ol>")
        parts.append("</div>")
    parts.append("</body></html>\n")
    return "".join(parts)


def write_page(book, student: str, exercise: str) -> Path:
    """Write ``feedback/<student>_<exercise>.html`` of a :class:`~.gradebook.Gradebook`."""
    folder = Path(book.out_dir) / "feedback"
    folder.mkdir(exist_ok=True)
    path = folder / f"{student}_{exercise}.html"
    tmp = path.with_suffix(".html.tmp")
    tmp.write_text(page_html(book.db, student, exercise), encoding="utf-8")
    tmp.replace(path)
    return path


def release(out_dir, zip_path=None, students=None) -> tuple[list[Path], Path]:
    """Re-render every feedback page of ``out_dir`` and pack them into a zip; (pages, zip)."""
    from crm_lessons.grading.gradebook import Gradebook

    out = Path(out_dir)
    if not (out / "gradebook.sqlite").exists():
        raise FileNotFoundError(f"out_dir: no gradebook.sqlite in {out}; run crm-lessons grade first")
    book = Gradebook(out)
    try:
        keys = [(r["student"], r["exercise"]) for r in book.rows()]
        if students:
            keys = [k for k in keys if k[0] in set(students)]
        pages = [write_page(book, s, x) for s, x in keys]
    finally:
        book.close()
    zip_path = Path(zip_path) if zip_path else out / "feedback.zip"
    tmp = zip_path.with_suffix(".zip.tmp")
    with zipfile.ZipFile(tmp, "w", compression=zipfile.ZIP_DEFLATED) as z:
        for p in pages:
            z.write(p, arcname=p.name)
        z.writestr(
            "index.json",
            json.dumps(
                {"pages": {f"{s}_{x}.html": {"student": s, "exercise": x} for s, x in keys}},
                ensure_ascii=False,
                indent=1,
            ),
        )
    tmp.replace(zip_path)
    return pages, zip_path


def feedback_main(argv: list[str] | None = None) -> int:
    """``crm-lessons feedback OUT_DIR [--zip FILE] [--student ID ...]``."""
    parser = argparse.ArgumentParser(
        prog="crm-lessons feedback",
        description="Release feedback: one HTML page per student and exercise, plus one zip of them all.",
        epilog="example: crm-lessons feedback graded/ch01 --zip ch01_feedback.zip",
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("out_dir", help="the grader's output folder (holds gradebook.sqlite)")
    parser.add_argument("--zip", help="zip file to write (default OUT_DIR/feedback.zip)")
    parser.add_argument("--student", action="append", help="only this student (repeat for more)")
    args = parser.parse_args(argv)
    try:
        pages, zip_path = release(args.out_dir, args.zip, args.student)
    except (FileNotFoundError, ValueError) as exc:
        print(f"crm-lessons feedback: {exc}", file=sys.stderr)
        return 2
    print(f"{len(pages)} feedback page(s) in {Path(args.out_dir) / 'feedback'}/; all of them in {zip_path}")
    return 0
