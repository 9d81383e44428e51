"""The instructor's options of ``crm-lessons grade``: regrade, late work, marks, a Dask cluster.

:func:`add_grade_options` adds them to the grade command's parser; :func:`before_grade` turns
them into the gradebook's late policy and the extra arguments of
:func:`crm_lessons.grading.grade`; :func:`after_grade` imports marks, re-scores a question and
settles the gradebook. :func:`rescore_question` re-scores one question of every stored
submission from the answers kept in the gradebook (no notebook runs again): what an instructor
does after accepting a second reading of a question.
"""

from __future__ import annotations

import csv
import shutil
import sys
import tempfile
from pathlib import Path

from crm_lessons.grading import ledger
from crm_lessons.grading.roster import normalise

EXAMPLES = """examples:
  crm-lessons grade submitted/ --out graded/ch01 --roster roster.csv \
      --deadline 2026-12-08T23:59+08:00 --late-penalty 0.1
  crm-lessons grade submitted/ --out graded/ch01 --student 2024001 --force       regrade one student
  crm-lessons grade --out graded/ch01 --question ch01:q7                          re-score one question
  crm-lessons grade --out graded/ch01 --import-marks graded/ch01/marking_sheet.csv
  crm-lessons grade submitted/ --out graded/ch01 --scheduler local --workers 4    a local Dask cluster
  crm-lessons grade submitted/ --out graded/ch01 --scheduler tcp://10.0.0.5:8786  an existing cluster
"""


def add_grade_options(parser) -> None:
    """The instructor's options (see the module notes)."""
    g = parser.add_argument_group("regrading, late work, written answers, clusters (issue 14)")
    g.add_argument(
        "--student",
        action="append",
        metavar="ID",
        help="grade only this student, again even if graded (repeat for more); the old grade is kept "
        "in the gradebook's history",
    )
    g.add_argument(
        "--force", action="store_true", help="grade again submissions already graded from the same file"
    )
    g.add_argument(
        "--question",
        metavar="EXERCISE:QID",
        help="re-score one question of every graded submission from the stored answers (no re-run)",
    )
    g.add_argument(
        "--deadline",
        metavar="TIME",
        help="deadline, ISO 8601, e.g. 2026-12-08T23:59+08:00 "
        "(no offset = UTC); a roster column 'deadline' overrides it per student",
    )
    g.add_argument(
        "--late-penalty",
        type=float,
        metavar="SHARE",
        help="share of the points lost per started late day, e.g. 0.1 (default 0)",
    )
    g.add_argument("--late-max-days", type=int, metavar="N", help="after N late days the work scores 0")
    g.add_argument(
        "--times",
        metavar="CSV",
        help="submission times: CSV with columns student, submitted_at "
        "(default: a roster column 'submitted_at', else the file's modification time)",
    )
    g.add_argument(
        "--import-marks", metavar="SHEET", help="merge the marks of a marking sheet (crm-lessons marks)"
    )
    g.add_argument("--marker", default="", help="name recorded with imported marks when the sheet has none")
    g.add_argument(
        "--scheduler",
        metavar="ADDRESS",
        help="grade on Dask: 'local' starts a LocalCluster of --workers processes; an address "
        "(tcp://host:8786) uses a running cluster",
    )
    g.add_argument("--history", action="store_true", help="print the gradebook's history of replaced grades")


def _csv_rows(path, what: str) -> list[dict]:
    try:
        with open(path, newline="", encoding="utf-8-sig") as f:
            return list(csv.DictReader(f))
    except FileNotFoundError:
        raise FileNotFoundError(f"{what}: {path} does not exist") from None


def due_from_files(roster=None, times=None) -> dict[str, dict]:
    """student -> {"deadline", "submitted_at"} from a roster's optional columns and a times file."""
    due: dict[str, dict] = {}
    for path, what in ((roster, "roster"), (times, "times")):
        if not path:
            continue
        for n, row in enumerate(_csv_rows(path, what), start=2):
            student = normalise(row.get("student_id") or row.get("student") or "")
            if not student:
                if what == "times":
                    raise ValueError(
                        f"times: line {n} of {path} has no student; columns: student, submitted_at"
                    )
                continue
            entry = due.setdefault(student, {})
            for col in ("deadline", "submitted_at"):
                value = str(row.get(col) or "").strip()
                if value:
                    ledger.parse_time(value, f"{what} line {n}, column {col}")
                    entry[col] = value
    return {k: v for k, v in due.items() if v}


def before_grade(args) -> dict:
    """Store the late policy and times in the gradebook; return extra keyword arguments of grade()."""
    out = Path(args.out)
    extra: dict = {}
    if args.student:
        extra["students"] = list(args.student)
    if args.force:
        extra["force"] = True
    if args.scheduler:
        from crm_lessons.grading.distributed import dask_runner

        extra["runner"] = dask_runner(args.scheduler, n_workers=args.workers)
    due = due_from_files(getattr(args, "roster", None), args.times)
    if args.deadline or args.late_penalty is not None or args.late_max_days is not None or due:
        from crm_lessons.grading.gradebook import Gradebook

        out.mkdir(parents=True, exist_ok=True)
        book = Gradebook(out)
        try:
            ledger.set_policy(book.db, args.deadline, args.late_penalty, args.late_max_days)
            for student, entry in due.items():
                ledger.set_due(book.db, student, entry.get("deadline"), entry.get("submitted_at"))
            if book.count():
                ledger.settle_all(book.db)
                book.write_csv()
        finally:
            book.close()
    return extra


def after_grade(args) -> int:
    """Marks, one-question re-scoring, the history; returns an exit code (0 fine)."""
    code = 0
    if args.question:
        ex_id, _, qid = args.question.rpartition(":")
        ex_id = ex_id or args.exercise
        if not ex_id:
            print("crm-lessons grade: --question needs the exercise: --question ch01:q7", file=sys.stderr)
            return 2
        n = rescore_question(
            args.out,
            ex_id,
            qid,
            student_data=args.student_data,
            students=args.student,
            key=getattr(args, "key", None),
        )
        print(
            f"re-scored {ex_id} {qid}: {n} submission(s) changed in {args.out}/ (old grades in the history)"
        )
    if args.import_marks:
        from crm_lessons.grading.marks import import_marks

        counts = import_marks(args.out, args.import_marks, marker=args.marker)
        for w in counts["warnings"]:
            print(f"crm-lessons grade: {w}", file=sys.stderr)
        print(
            f"marks: {counts['applied']} stored, {counts['unchanged']} unchanged, {counts['blank']} blank "
            f"(not marked yet), {counts['stale']} for answers changed since the sheet was written"
        )
    if args.history:
        from crm_lessons.grading.gradebook import Gradebook

        book = Gradebook(Path(args.out))
        try:
            for h in ledger.history_rows(book.db, None):
                print(
                    f"{h['archived_at']}  {h['student']}  {h['exercise']}  "
                    f"{h['points']:g}/{h['max_points']:g}  "
                    f"{h['status']}  ({h['why']})"
                )
        finally:
            book.close()
    return code


def rescore_question(
    out_dir, exercise_id: str, qid: str, student_data=None, students=None, key=None, data_dir=None
) -> int:
    """Score question ``qid`` of ``exercise_id`` again for every stored submission (from stored answers).

    The reference is computed again on the batch's hidden data (generated anew from the seed
    kept in the gradebook, or ``data_dir``) with the answer key ``key`` (a folder; default the
    grader's). What changed is kept in the gradebook's history.
    """
    from crm_lessons.exercises import get_exercise
    from crm_lessons.grading import References, make_hidden_data
    from crm_lessons.grading.gradebook import Gradebook

    out = Path(out_dir)
    if not (out / "gradebook.sqlite").exists():
        raise FileNotFoundError(f"out_dir: no gradebook.sqlite in {out}; run crm-lessons grade first")
    try:
        exercise = get_exercise(exercise_id)
        q = exercise.question(qid)
    except KeyError as exc:
        raise ValueError(f"question: {exc.args[0]}") from None
    if q.source == "written":
        raise ValueError(
            f"question: {qid} is a written question: it is marked, not re-scored; write the "
            "marking sheet (crm-lessons marks) and import the marks"
        )
    book = Gradebook(out)
    tmp = Path(tempfile.mkdtemp(prefix="crm-rescore-"))
    try:
        seed = book.meta("seed")
        if seed is None:
            raise ValueError(f"out_dir: {out} has no seed; grade the submissions first")
        hidden = Path(data_dir) if data_dir is not None else make_hidden_data(tmp / "data", int(seed))
        refs = References(str(hidden), student_data, **({"key_dir": key} if key else {}))
        ref, ref_error = refs.get(exercise, q)
        if ref_error:
            raise RuntimeError(f"the reference of {exercise_id} {qid} could not be computed: {ref_error}")
        db = book.db
        rows = db.execute(
            "SELECT a.student, d.answer, a.points, a.status, a.reason FROM answers a "
            "LEFT JOIN details d USING (student, exercise, question) "
            "WHERE a.exercise = ? AND a.question = ?",
            (exercise.id, qid),
        ).fetchall()
        if students:
            rows = [r for r in rows if r[0] in set(students)]
        db.execute("BEGIN IMMEDIATE")
        try:
            changed = []
            for student, answer_json, old_points, old_status, old_reason in rows:
                answer = ledger.load(answer_json)
                if answer is None:  # nothing was answered: the stored reason (which cell failed) stays
                    continue
                try:
                    frac, reason = q.score(answer, ref) if answer is not None else (0.0, "not answered")
                except Exception as exc:
                    frac, reason = 0.0, f"answer could not be read ({type(exc).__name__})"
                frac = min(1.0, max(0.0, float(frac)))
                status = (
                    "correct"
                    if frac == 1.0
                    else ("partial" if frac > 0 else ("unanswered" if answer is None else "wrong"))
                )
                if (round(frac * q.points, 4), status, reason) == (old_points, old_status, old_reason):
                    continue
                changed.append(student)
                ledger.archive(db, student, exercise.id, f"question {qid} re-scored")
                db.execute(
                    "UPDATE answers SET points = ?, status = ?, reason = ?, hint = ? "
                    "WHERE student = ? AND exercise = ? "
                    "AND question = ?",
                    (
                        round(frac * q.points, 4),
                        status,
                        reason,
                        q.hint(1) if frac < 1 else "",
                        student,
                        exercise.id,
                        qid,
                    ),
                )
                db.execute(
                    "UPDATE details SET expected = ? WHERE student = ? AND exercise = ? AND question = ?",
                    (ledger.dump(ref), student, exercise.id, qid),
                )
                ledger.settle(db, student, exercise.id)
            db.execute("COMMIT")
        except BaseException:
            db.execute("ROLLBACK")
            raise
        book.write_csv()
        from crm_lessons.grading.feedback import write_page

        for student in changed:
            write_page(book, student, exercise.id)
        return len(changed)
    finally:
        book.close()
        shutil.rmtree(tmp, ignore_errors=True)
