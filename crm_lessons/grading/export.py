"""The gradebook as an LMS import file: Canvas, Moodle, and a plain per-question CSV.

``crm-lessons export OUT_DIR --roster roster.csv --format canvas|moodle|questions``
(:func:`export_main`) writes the settled points (marks and late penalties applied) of every
exercise in the gradebook.

Canvas (Grades > Import)
    Canvas' own gradebook export layout: ``Student, ID, SIS User ID, SIS Login ID, Section``
    then one column per assignment, and a second row ``Points Possible`` with each
    assignment's maximum. Canvas matches a row to a student by ``ID`` (the Canvas user id,
    roster column ``lms_id``) or ``SIS User ID`` (roster ``student_id``); ``Student`` is
    shown, not matched. An assignment column named ``Title (12345)`` updates assignment
    12345 (``--canvas-id ch01=12345``); a column without an id creates a new assignment.
    A blank cell leaves Canvas' grade unchanged (students who handed nothing in, unless
    ``--missing-zero``).
Moodle (Grades > Import > CSV file)
    Moodle's grade export layout: ``First name, Last name, ID number, Email address``,
    then one column per grade item and one ``Feedback`` column per item. On import choose
    *Identify user by*: map from ``Email address`` to *Email address* (or ``ID number`` to
    *ID number*), and map each exercise column to its grade item and its feedback column to
    the item's feedback. Names are split at the first space ("Ann Lee" -> Ann / Lee); a name
    without a space (张伟) goes whole into ``First name`` -- Moodle matches on e-mail or ID
    number, never on names.
questions
    One row per student and exercise: roster columns, then one column per question (the
    points), the total, the maximum, the late days and penalty, the status.

Files are UTF-8 (what both systems read; Chinese names stay as written).

Roster: a CSV with ``student_id`` (the gradebook's student key), ``name``, ``email``,
``lms_id`` and optionally ``sis_login_id`` and ``section``. Without a roster the gradebook's
student keys fill ``SIS User ID``/``ID number`` and the other columns stay blank.
"""

from __future__ import annotations

import argparse
import csv
import sys
from pathlib import Path

from crm_lessons.grading import ledger
from crm_lessons.grading.roster import normalise

CANVAS_ID_COLUMNS = ["Student", "ID", "SIS User ID", "SIS Login ID", "Section"]
CANVAS_POINTS_ROW = "    Points Possible"
MOODLE_ID_COLUMNS = ["First name", "Last name", "ID number", "Email address"]


def read_roster(path) -> list[dict]:
    """Roster rows (dicts with at least ``student_id``), names kept exactly as written."""
    if path is None:
        return []
    try:
        with open(path, newline="", encoding="utf-8-sig") as f:
            rows = list(csv.DictReader(f))
    except FileNotFoundError:
        raise FileNotFoundError(f"roster: {path} does not exist") from None
    except UnicodeDecodeError:
        raise ValueError(f"roster: {path} is not UTF-8 text; save it as 'CSV UTF-8'") from None
    if rows and "student_id" not in rows[0]:
        raise ValueError(f"roster: {path} has no student_id column; columns: student_id, name, email, lms_id")
    out, seen = [], set()
    for n, r in enumerate(rows, start=2):
        sid = normalise(r.get("student_id") or "")  # the form the grader keys students by
        if not sid:
            raise ValueError(f"roster: line {n} of {path} has no student_id")
        if sid in seen:
            raise ValueError(f"roster: student_id {sid!r} appears twice in {path} (line {n}); keep one row")
        seen.add(sid)
        out.append({k: (v or "").strip() for k, v in r.items() if k is not None} | {"student_id": sid})
    return out


def _gradebook(out_dir):
    from crm_lessons.grading.gradebook import Gradebook

    out = Path(out_dir)
    if not (out / "gradebook.sqlite").exists():
        raise FileNotFoundError(f"out_dir: no gradebook.sqlite in {out}; run crm-lessons grade first")
    return Gradebook(out)


def _title(exercise: str) -> str:
    try:
        from crm_lessons.exercises import get_exercise

        return get_exercise(exercise).title
    except Exception:  # an exercise no longer in the bank: its id will do
        return exercise


def collect(out_dir, roster=None) -> tuple[list[dict], list[str], dict[str, float], list[dict]]:
    """(students, exercises, max points per exercise, submission rows) of a gradebook.

    Students are the roster's, in its order, then any graded student the roster lacks (with
    the name and LMS id the grader kept for them, when it kept any).
    """
    book = _gradebook(out_dir)
    try:
        subs = book.rows()
        late = ledger.late_rows(book.db)
        try:
            kept = {r[0]: (r[1], r[2]) for r in book.db.execute("SELECT student, name, lms_id FROM students")}
        except Exception:  # a gradebook without a students table
            kept = {}
    finally:
        book.close()
    people = read_roster(roster) if roster else []
    known = {p["student_id"] for p in people}
    for s in sorted({r["student"] for r in subs} - known):
        name, lms_id = kept.get(s, ("", ""))
        people.append({"student_id": s, "name": name or "", "email": "", "lms_id": lms_id or ""})
    exercises = sorted({r["exercise"] for r in subs if r["exercise"] != "?"})
    maxima = {}
    for ex in exercises:
        values = [r["max_points"] for r in subs if r["exercise"] == ex and r["max_points"]]
        maxima[ex] = max(values) if values else 0.0
    for r in subs:
        info = late.get((r["student"], r["exercise"]), {})
        r["late_days"], r["late_penalty"] = info.get("days", 0), info.get("penalty", 0.0)
    return people, exercises, maxima, subs


def _points(subs, student, exercise, missing_zero: bool):
    for r in subs:
        if r["student"] == student and r["exercise"] == exercise:
            return f"{r['points']:g}"
    return "0" if missing_zero else ""


def canvas_rows(
    out_dir, roster=None, canvas_ids: dict | None = None, missing_zero: bool = False
) -> list[list[str]]:
    """The Canvas gradebook-import table (header, Points Possible row, one row per student)."""
    people, exercises, maxima, subs = collect(out_dir, roster)
    canvas_ids = canvas_ids or {}
    header = CANVAS_ID_COLUMNS + [
        f"{_title(ex)} ({canvas_ids[ex]})" if ex in canvas_ids else _title(ex) for ex in exercises
    ]
    rows = [header, [CANVAS_POINTS_ROW, "", "", "", ""] + [f"{maxima[ex]:g}" for ex in exercises]]
    for p in people:
        rows.append(
            [
                p.get("name", ""),
                p.get("lms_id", ""),
                p["student_id"],
                p.get("sis_login_id", ""),
                p.get("section", ""),
            ]
            + [_points(subs, p["student_id"], ex, missing_zero) for ex in exercises]
        )
    return rows


def _split_name(name: str) -> tuple[str, str]:
    first, _, last = name.strip().partition(" ")
    return first, last.strip()


def _feedback_text(subs, student, exercise) -> str:
    for r in subs:
        if r["student"] == student and r["exercise"] == exercise:
            text = f"{r['points']:g} of {r['max_points']:g} points"
            if r["late_days"]:
                text += f"; {r['late_days']} day(s) late, {r['late_penalty']:g} points deducted"
            if r["status"] != "graded":
                text += f"; {r['status']}: {r['reason']}"
            return text[:1000]
    return ""


def moodle_rows(out_dir, roster=None, missing_zero: bool = False) -> list[list[str]]:
    """The Moodle grade-import table (header, one row per student)."""
    people, exercises, _, subs = collect(out_dir, roster)
    header = list(MOODLE_ID_COLUMNS)
    for ex in exercises:
        header += [f"{_title(ex)} (Real)", f"Feedback: {_title(ex)}"]
    rows = [header]
    for p in people:
        first, last = _split_name(p.get("name", ""))
        row = [first, last, p["student_id"], p.get("email", "")]
        for ex in exercises:
            row += [
                _points(subs, p["student_id"], ex, missing_zero),
                _feedback_text(subs, p["student_id"], ex),
            ]
        rows.append(row)
    return rows


def question_rows(out_dir, roster=None) -> list[list[str]]:
    """One row per student and exercise with the points of every question."""
    people, exercises, _, subs = collect(out_dir, roster)
    book = _gradebook(out_dir)
    try:
        answers = book.answer_rows()
    finally:
        book.close()
    qids: list[str] = []
    for a in answers:
        if a["question"] not in qids:
            qids.append(a["question"])
    qids.sort(key=lambda q: (len(q), q))
    by_key: dict[tuple[str, str], dict[str, float]] = {}
    for a in answers:
        by_key.setdefault((a["student"], a["exercise"]), {})[a["question"]] = a["points"]
    header = (
        ["student_id", "name", "email", "lms_id", "exercise"]
        + qids
        + ["points", "max_points", "percent", "late_days", "late_penalty", "status"]
    )
    rows = [header]
    info = {p["student_id"]: p for p in people}
    for r in sorted(subs, key=lambda r: (r["exercise"], r["student"])):
        p = info.get(r["student"], {})
        got = by_key.get((r["student"], r["exercise"]), {})
        rows.append(
            [r["student"], p.get("name", ""), p.get("email", ""), p.get("lms_id", ""), r["exercise"]]
            + [f"{got[q]:g}" if q in got else "" for q in qids]
            + [
                f"{r['points']:g}",
                f"{r['max_points']:g}",
                f"{100 * r['points'] / r['max_points']:.1f}" if r["max_points"] else "0.0",
                str(r["late_days"]),
                f"{r['late_penalty']:g}",
                r["status"],
            ]
        )
    return rows


def write_rows(rows: list[list[str]], path) -> Path:
    path = Path(path)
    with open(path, "w", newline="", encoding="utf-8") as f:
        csv.writer(f).writerows(rows)
    return path


FORMATS = {"canvas": "canvas_import.csv", "moodle": "moodle_import.csv", "questions": "questions.csv"}


def export(out_dir, fmt: str, roster=None, path=None, canvas_ids=None, missing_zero: bool = False) -> Path:
    """Write one export of a gradebook; returns the file written."""
    if fmt not in FORMATS:
        raise ValueError(f"format: {fmt!r} is not one of {', '.join(FORMATS)}")
    if fmt == "canvas":
        rows = canvas_rows(out_dir, roster, canvas_ids, missing_zero)
    elif fmt == "moodle":
        rows = moodle_rows(out_dir, roster, missing_zero)
    else:
        rows = question_rows(out_dir, roster)
    return write_rows(rows, path or Path(out_dir) / FORMATS[fmt])


def _canvas_ids(pairs) -> dict:
    out = {}
    for pair in pairs or []:
        ex, sep, num = pair.partition("=")
        if not sep or not num.strip().isdigit():
            raise ValueError(
                f"canvas_id: {pair!r} should look like ch01=12345 (the exercise, the Canvas assignment id)"
            )
        out[ex.strip()] = num.strip()
    return out


def export_main(argv: list[str] | None = None) -> int:
    """``crm-lessons export OUT_DIR [--roster CSV] [--format canvas|moodle|questions|all]``."""
    parser = argparse.ArgumentParser(
        prog="crm-lessons export",
        description="Export the gradebook for an LMS: Canvas or Moodle gradebook import, "
        "or points per question.",
        epilog="examples:\n"
        "  crm-lessons export graded/ch01 --roster roster.csv --format canvas --canvas-id ch01=123456\n"
        "  crm-lessons export graded/ch01 --roster roster.csv --format moodle\n"
        "  crm-lessons export graded/ch01 --roster roster.csv            (all three files)",
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("out_dir", help="the grader's output folder (holds gradebook.sqlite)")
    parser.add_argument("--roster", help="CSV: student_id, name, email, lms_id [, sis_login_id, section]")
    parser.add_argument(
        "--format", default="all", choices=[*FORMATS, "all"], help="which file (default: all)"
    )
    parser.add_argument("--out", help="file to write (one format only; default OUT_DIR/<format>_import.csv)")
    parser.add_argument(
        "--canvas-id",
        action="append",
        metavar="EXERCISE=ID",
        help="Canvas assignment id of an exercise (repeat); without one Canvas creates an assignment",
    )
    parser.add_argument(
        "--missing-zero",
        action="store_true",
        help="students in the roster without a submission get 0 (default: blank, left unchanged)",
    )
    args = parser.parse_args(argv)
    fmts = list(FORMATS) if args.format == "all" else [args.format]
    if args.out and len(fmts) > 1:
        parser.error("--out needs a single --format")
    try:
        ids = _canvas_ids(args.canvas_id)
        for fmt in fmts:
            path = export(args.out_dir, fmt, args.roster, args.out, ids, args.missing_zero)
            print(f"{fmt}: {path}")
    except (FileNotFoundError, ValueError) as exc:
        print(f"crm-lessons export: {exc}", file=sys.stderr)
        return 2
    return 0
