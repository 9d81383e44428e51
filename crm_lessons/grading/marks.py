"""Written answers: the instructor's marking sheet, and importing the marks back.

:func:`write_sheet` collects every written answer of a gradebook into ``marking_sheet.csv``
(UTF-8 with a byte-order mark, so Excel and WPS open Chinese text correctly) and
``marking_sheet.html`` (the same rows, easier to read): one row per student and question with
the question, its rubric, the student's answer, and empty ``points`` and ``comment`` columns
for the marker. Rows already marked carry their marks, so a sheet written after an import can
be edited and imported again.

:func:`import_marks` (``crm-lessons grade --out DIR --import-marks SHEET``) merges the sheet
into the gradebook: each mark is stored under its key (student, exercise, question), so
importing the same sheet twice changes nothing and a corrected sheet replaces the earlier
marks (the replaced grade is kept in the gradebook's history). A mark belongs to the answer it
was given for (the sheet's ``answer_sha``): when a student's answer has changed since (a
resubmission), the mark is kept but not applied and the question shows "to mark" again.
Rows whose ``points`` cell is blank are skipped (not marked yet). The whole sheet is checked
before anything is stored: a wrong student, question or mark refuses the import, naming the
row and how to fix it.
"""

from __future__ import annotations

import csv
import html
import io
from pathlib import Path

from crm_lessons.grading import ledger

SHEET_COLUMNS = [
    "student",
    "exercise",
    "question",
    "max_points",
    "rubric",
    "rubric_zh",
    "prompt",
    "answer",
    "answer_sha",
    "points",
    "comment",
    "marker",
]


def _rubric_text(expected) -> str:
    if isinstance(expected, dict) and "rubric" in expected:
        return "; ".join(f"{c} ({p:g})" for c, p in expected["rubric"])
    return ""


def _zh_rubric(q) -> str:
    pairs = (getattr(q, "texts", {}).get("zh") or {}).get("rubric") or []
    return "; ".join(f"{c} ({p:g})" for c, p in pairs if isinstance(c, str))


def sheet_rows(db) -> list[dict]:
    """Every written answer in the gradebook, one dict per student and question."""
    cur = db.execute(
        "SELECT a.student, a.exercise, a.question, a.max_points, d.answer, d.expected, "
        "m.points AS mark, m.comment, m.marker, m.answer_sha AS marked_sha "
        "FROM answers a LEFT JOIN details d USING (student, exercise, question) "
        "LEFT JOIN marks m USING (student, exercise, question) "
        "WHERE a.source = 'written' ORDER BY a.exercise, a.question, a.student"
    )
    prompts: dict[str, dict[str, str]] = {}
    rows = []
    for (
        student,
        exercise,
        question,
        max_points,
        answer,
        expected,
        mark,
        comment,
        marker,
        marked_sha,
    ) in cur.fetchall():
        if exercise not in prompts:
            try:
                from crm_lessons.exercises import get_exercise

                prompts[exercise] = {
                    q.id: (q.prompt, _zh_rubric(q)) for q in get_exercise(exercise).questions
                }
            except Exception:  # an exercise no longer in the bank: the stored rubric will do
                prompts[exercise] = {}
        text = ledger.load(answer)
        sha = ledger.answer_sha(text)
        current = mark is not None and marked_sha == sha
        rows.append(
            {
                "student": student,
                "exercise": exercise,
                "question": question,
                "max_points": f"{max_points:g}",
                "rubric": _rubric_text(ledger.load(expected)),
                "rubric_zh": prompts[exercise].get(question, ("", ""))[1],
                "prompt": prompts[exercise].get(question, ("", ""))[0],
                "answer": text if isinstance(text, str) else "",
                "answer_sha": sha,
                "points": f"{mark:g}" if current else "",
                "comment": (comment or "") if current else "",
                "marker": (marker or "") if current else "",
            }
        )
    return rows


def write_sheet(out_dir, csv_path=None, html_path=None) -> tuple[Path, Path, int]:
    """Write the marking sheet (CSV and HTML) of a gradebook; (csv, html, number of rows)."""
    from crm_lessons.grading.gradebook import Gradebook

    out = Path(out_dir)
    if not (out / "gradebook.sqlite").exists():
        raise FileNotFoundError(f"out_dir: no gradebook.sqlite in {out}; run crm-lessons grade first")
    book = Gradebook(out)
    try:
        rows = sheet_rows(book.db)
    finally:
        book.close()
    csv_path = Path(csv_path) if csv_path else out / "marking_sheet.csv"
    html_path = Path(html_path) if html_path else out / "marking_sheet.html"
    with open(csv_path, "w", newline="", encoding="utf-8-sig") as f:
        w = csv.DictWriter(f, fieldnames=SHEET_COLUMNS)
        w.writeheader()
        w.writerows(rows)
    html_path.write_text(sheet_html(rows), encoding="utf-8")
    return csv_path, html_path, len(rows)


def sheet_html(rows: list[dict]) -> str:
    e = html.escape
    body = []
    for r in rows:
        body.append(
            "<tr>"
            + "".join(f"<td>{e(str(r[c]))}</td>" for c in ("student", "exercise", "question", "max_points"))
            + f"<td>{e(r['prompt'])}<hr><small>{e(r['rubric'])}<br>{e(r['rubric_zh'])}</small></td>"
            + f"<td class='a'>{e(r['answer']).replace(chr(10), '<br>') or '<i>no answer</i>'}</td>"
            + "".join(f"<td>{e(str(r[c]))}</td>" for c in ("points", "comment", "marker"))
            + "</tr>"
        )
    return (
        "<!DOCTYPE html><html><head><meta charset='utf-8'><title>Marking sheet</title><style>"
        "body{font-family:'Noto Sans CJK SC','Noto Sans',sans-serif;margin:2em}"
        "table{border-collapse:collapse}"
        "td,th{border:1px solid #ccc;padding:6px;vertical-align:top;text-align:left}td.a{max-width:40em}"
        "</style></head><body><h1>Marking sheet: written answers</h1>"
        f"<p>{len(rows)} answers. Fill in <b>points</b> (and a <b>comment</b> the student will see) in "
        "marking_sheet.csv, then run "
        "<code>crm-lessons grade --out DIR --import-marks marking_sheet.csv</code>.</p>"
        "<table><tr><th>student</th><th>exercise</th><th>question</th><th>max</th>"
        "<th>question and rubric</th>"
        "<th>answer</th><th>points</th><th>comment</th><th>marker</th></tr>"
        + "".join(body)
        + "</table></body></html>\n"
    )


def read_sheet(path) -> list[dict]:
    """The rows of a marking sheet (CSV, UTF-8 with or without a byte-order mark)."""
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8-sig")
    except FileNotFoundError:
        raise FileNotFoundError(
            f"sheet: {path} does not exist; write one with crm-lessons marks OUT_DIR"
        ) from None
    except UnicodeDecodeError:
        raise ValueError(
            f"sheet: {path} is not UTF-8 text; save the sheet as 'CSV UTF-8' and import it again"
        ) from None
    reader = csv.DictReader(io.StringIO(text))
    missing = [c for c in ("student", "exercise", "question", "points") if c not in (reader.fieldnames or [])]
    if missing:
        raise ValueError(
            f"sheet: {path} lacks the column(s) {', '.join(missing)}; start from the sheet "
            "crm-lessons marks writes"
        )
    return list(reader)


def import_marks(out_dir, sheet, marker: str = "") -> dict:
    """Merge a marking sheet into the gradebook of ``out_dir``; returns counts and warnings.

    Returns a dict: ``applied`` (new or changed marks stored), ``unchanged`` (same as stored),
    ``blank`` (rows without points), ``stale`` (the student's answer changed since the sheet
    was written: stored, not applied) and ``warnings`` (list of str).
    """
    from crm_lessons.grading.gradebook import Gradebook

    out = Path(out_dir)
    if not (out / "gradebook.sqlite").exists():
        raise FileNotFoundError(f"out_dir: no gradebook.sqlite in {out}; run crm-lessons grade first")
    rows = read_sheet(sheet)
    book = Gradebook(out)
    db = book.db
    try:
        written = {
            (s, x, q): (mp, ledger.load(a))
            for s, x, q, mp, a in db.execute(
                "SELECT a.student, a.exercise, a.question, a.max_points, d.answer FROM answers a "
                "LEFT JOIN details d USING (student, exercise, question) WHERE a.source = 'written'"
            )
        }
        errors, todo = [], []
        counts = {"applied": 0, "unchanged": 0, "blank": 0, "stale": 0, "warnings": []}
        seen = {}
        for n, r in enumerate(rows, start=2):  # line 1 is the header
            key = (
                str(r.get("student", "")).strip(),
                str(r.get("exercise", "")).strip(),
                str(r.get("question", "")).strip(),
            )
            pts_text = str(r.get("points") or "").strip()
            if not pts_text:
                counts["blank"] += 1
                continue
            if key not in written:
                errors.append(
                    f"line {n}: no written question {key[2]!r} of exercise {key[1]!r} for student "
                    f"{key[0]!r} in the gradebook; check the student, exercise and question columns"
                )
                continue
            try:
                pts = float(pts_text.replace(",", "."))
            except ValueError:
                errors.append(f"line {n}: points {pts_text!r} is not a number")
                continue
            max_points, answer = written[key]
            if not 0 <= pts <= max_points:
                errors.append(f"line {n}: points {pts:g} outside 0..{max_points:g} for {key[0]} {key[2]}")
                continue
            if key in seen and seen[key][0] != pts:
                errors.append(
                    f"line {n}: {key[0]} {key[2]} is marked twice with different points "
                    f"(also line {seen[key][1]}); keep one row"
                )
                continue
            seen[key] = (pts, n)
            sha = str(r.get("answer_sha") or "").strip() or ledger.answer_sha(answer)
            if sha != ledger.answer_sha(answer):
                counts["stale"] += 1
                counts["warnings"].append(
                    f"line {n}: {key[0]} changed the answer to {key[2]} since this sheet was "
                    "written; the mark is kept but not applied (write a new sheet)"
                )
            todo.append(
                (key, pts, str(r.get("comment") or "").strip(), str(r.get("marker") or marker).strip(), sha)
            )
        if errors:
            raise ValueError(
                "sheet: nothing was imported:\n  "
                + "\n  ".join(errors[:20])
                + (f"\n  ... and {len(errors) - 20} more" if len(errors) > 20 else "")
            )
        touched = set()
        db.execute("BEGIN IMMEDIATE")
        try:
            for (student, exercise, question), pts, comment, who, sha in todo:
                old = db.execute(
                    "SELECT points, comment, marker, answer_sha FROM marks "
                    "WHERE student = ? AND exercise = ? "
                    "AND question = ?",
                    (student, exercise, question),
                ).fetchone()
                if old is not None and (old[0], old[1], old[2], old[3]) == (pts, comment, who, sha):
                    counts["unchanged"] += 1
                    continue
                if (student, exercise) not in touched:
                    ledger.archive(db, student, exercise, "marks imported")
                    touched.add((student, exercise))
                db.execute(
                    "INSERT OR REPLACE INTO marks VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                    (student, exercise, question, pts, comment, who, sha, ledger.now()),
                )
                counts["applied"] += 1
            for student, exercise in touched:
                ledger.settle(db, student, exercise)
            db.execute("COMMIT")
        except BaseException:
            db.execute("ROLLBACK")
            raise
        if touched:
            book.write_csv()
            from crm_lessons.grading.feedback import write_page

            for student, exercise in touched:
                write_page(book, student, exercise)
        return counts
    finally:
        book.close()


def marks_main(argv: list[str] | None = None) -> int:
    """``crm-lessons marks OUT_DIR``: write the marking sheet of the written answers."""
    import argparse
    import sys

    parser = argparse.ArgumentParser(
        prog="crm-lessons marks",
        description="Write the marking sheet of the written answers (CSV to fill in, HTML to read).",
        epilog="example: crm-lessons marks graded/ch01   (then fill in points/comment and run\n"
        "         crm-lessons grade --out graded/ch01 --import-marks graded/ch01/marking_sheet.csv)",
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("out_dir", help="the grader's output folder (holds gradebook.sqlite)")
    parser.add_argument("--csv", help="sheet to write (default OUT_DIR/marking_sheet.csv)")
    parser.add_argument("--html", help="HTML view to write (default OUT_DIR/marking_sheet.html)")
    args = parser.parse_args(argv)
    try:
        csv_path, html_path, n = write_sheet(args.out_dir, args.csv, args.html)
    except (FileNotFoundError, ValueError) as exc:
        print(f"crm-lessons marks: {exc}", file=sys.stderr)
        return 2
    print(f"{n} written answer(s) to mark: {csv_path} (fill in points, comment) and {html_path}")
    return 0
