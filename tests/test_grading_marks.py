"""Written answers, marks, regrading history and late penalties (crm_lessons.grading.marks, .ledger)."""

from __future__ import annotations

import csv
import json
import sqlite3

import pytest
from gradebook_samples import ANSWER_AL, ANSWER_ZW, make_gradebook, results

from crm_lessons import exercises as ex
from crm_lessons.cli import main as cli_main
from crm_lessons.grading import ledger
from crm_lessons.grading.gradebook import Gradebook
from crm_lessons.grading.marks import import_marks, read_sheet, write_sheet


@pytest.fixture
def book_dir(tmp_path):
    return make_gradebook(tmp_path / "graded")


def _points(out, student):
    with sqlite3.connect(out / "gradebook.sqlite") as db:
        return db.execute("SELECT points FROM submissions WHERE student = ?", (student,)).fetchone()[0]


def _answer(out, student, question):
    with sqlite3.connect(out / "gradebook.sqlite") as db:
        return db.execute(
            "SELECT points, status, reason FROM answers WHERE student = ? AND question = ?",
            (student, question),
        ).fetchone()


def _fill(sheet, marks: dict):
    rows = read_sheet(sheet)
    for r in rows:
        if r["student"] in marks:
            r["points"], r["comment"] = marks[r["student"]]
    with open(sheet, "w", newline="", encoding="utf-8-sig") as f:
        w = csv.DictWriter(f, fieldnames=list(rows[0]))
        w.writeheader()
        w.writerows(rows)


def test_written_answers_wait_for_marks(book_dir):
    assert _answer(book_dir, "2024001", "q3") == (
        0,
        "to mark",
        "written answer: to be marked by the instructor",
    )
    assert _answer(book_dir, "2024003", "q3")[1] == "unanswered"
    assert _points(book_dir, "2024001") == 2  # q1 1 + q2 1, q3 not yet


def test_marking_sheet_has_one_row_per_student_and_written_question(book_dir):
    csv_path, html_path, n = write_sheet(book_dir)
    assert n == 3  # three students with a gradable submission; 2024004 has no questions
    assert csv_path.read_bytes().startswith(b"\xef\xbb\xbf")  # Excel and WPS open Chinese text correctly
    rows = read_sheet(csv_path)
    by_student = {r["student"]: r for r in rows}
    assert by_student["2024001"]["answer"] == ANSWER_ZW  # Chinese kept as written
    assert by_student["2024001"]["rubric"] == "names the segment to keep (1); says why with a number (1)"
    assert by_student["2024001"]["max_points"] == "2"
    assert by_student["2024001"]["points"] == ""  # for the marker to fill in
    assert by_student["2024003"]["answer"] == ""
    assert ANSWER_AL in html_path.read_text(encoding="utf-8")


def test_imported_marks_reach_points_gradebook_csv_and_feedback(book_dir):
    sheet, _, _ = write_sheet(book_dir)
    _fill(sheet, {"2024001": ("2", "清楚，有数据支持"), "2024002": ("1", "Say why: which number?")})
    counts = import_marks(book_dir, sheet, marker="Dr Li")
    assert (counts["applied"], counts["unchanged"], counts["blank"], counts["stale"]) == (2, 0, 1, 0)
    assert _answer(book_dir, "2024001", "q3") == (2, "marked", "清楚，有数据支持")
    assert _points(book_dir, "2024001") == 4 and _points(book_dir, "2024002") == 2
    rows = {r["student"]: r for r in csv.DictReader(open(book_dir / "gradebook.csv", encoding="utf-8"))}
    assert rows["2024001"]["points"] == "4"
    page = (book_dir / "feedback" / "2024002_t1.html").read_text(encoding="utf-8")
    assert "Say why: which number?" in page and "1 of 2" in page


def test_importing_the_same_sheet_twice_changes_nothing(book_dir):
    sheet, _, _ = write_sheet(book_dir)
    _fill(sheet, {"2024001": ("2", "good"), "2024002": ("1", "")})
    import_marks(book_dir, sheet)
    with sqlite3.connect(book_dir / "gradebook.sqlite") as db:
        history = db.execute("SELECT COUNT(*) FROM history").fetchone()[0]
    again = import_marks(book_dir, sheet)
    assert (again["applied"], again["unchanged"]) == (0, 2)
    assert _points(book_dir, "2024001") == 4 and _points(book_dir, "2024002") == 2
    with sqlite3.connect(book_dir / "gradebook.sqlite") as db:
        assert db.execute("SELECT COUNT(*) FROM marks").fetchone()[0] == 2
        assert db.execute("SELECT COUNT(*) FROM history").fetchone()[0] == history


def test_a_corrected_sheet_replaces_marks_and_keeps_the_old_grade_in_history(book_dir):
    sheet, _, _ = write_sheet(book_dir)
    _fill(sheet, {"2024001": ("2", "good")})
    import_marks(book_dir, sheet)
    _fill(sheet, {"2024001": ("1.5", "second reading: the number is missing")})
    assert import_marks(book_dir, sheet)["applied"] == 1
    assert _points(book_dir, "2024001") == 3.5
    with sqlite3.connect(book_dir / "gradebook.sqlite") as db:
        old = [
            json.loads(s)["points"]
            for (s,) in db.execute(
                "SELECT submission FROM history "
                "WHERE student = '2024001' AND why = 'marks imported' ORDER BY id"
            )
        ]
    assert old == [2, 4]


def test_marks_survive_regrading_the_same_answer_but_not_a_changed_one(book_dir):
    sheet, _, _ = write_sheet(book_dir)
    _fill(sheet, {"2024001": ("2", "good"), "2024002": ("1", "ok")})
    import_marks(book_dir, sheet)
    same, changed = results(book_dir)[0], results(book_dir)[1]
    changed.questions[2].answer = ANSWER_AL + " Also the silver ones."
    book = Gradebook(book_dir)
    try:
        book.record(same)
        book.record(changed)
    finally:
        book.close()
    assert _answer(book_dir, "2024001", "q3")[:2] == (2, "marked") and _points(book_dir, "2024001") == 4
    pts, status, reason = _answer(book_dir, "2024002", "q3")
    assert (pts, status) == (0, "to mark") and "changed since it was marked" in reason
    assert _points(book_dir, "2024002") == 1


def test_a_bad_sheet_is_refused_whole_with_the_line(book_dir):
    sheet, _, _ = write_sheet(book_dir)
    _fill(sheet, {"2024001": ("3", "too many"), "2024002": ("1", "fine")})
    with pytest.raises(ValueError, match=r"line \d: points 3 outside 0..2"):
        import_marks(book_dir, sheet)
    with sqlite3.connect(book_dir / "gradebook.sqlite") as db:
        assert db.execute("SELECT COUNT(*) FROM marks").fetchone()[0] == 0
    rows = read_sheet(sheet)
    rows[0]["student"], rows[0]["points"] = "9999999", "1"
    with open(sheet, "w", newline="", encoding="utf-8") as f:
        w = csv.DictWriter(f, fieldnames=list(rows[0]))
        w.writeheader()
        w.writerows(rows)
    with pytest.raises(ValueError, match="no written question 'q3' of exercise 't1' for student '9999999'"):
        import_marks(book_dir, sheet)


def test_sheet_written_before_a_resubmission_is_stale(book_dir):
    sheet, _, _ = write_sheet(book_dir)
    changed = results(book_dir)[0]
    changed.questions[2].answer = "完全不同的回答。"
    book = Gradebook(book_dir)
    try:
        book.record(changed)
    finally:
        book.close()
    _fill(sheet, {"2024001": ("2", "good")})
    counts = import_marks(book_dir, sheet)
    assert counts["stale"] == 1 and "changed the answer" in counts["warnings"][0]
    assert _answer(book_dir, "2024001", "q3")[1] == "to mark"


def test_regrading_keeps_the_history(book_dir):
    book = Gradebook(book_dir)
    try:
        r = results(book_dir)[1]
        r.questions[0] = r.questions[0].__class__(
            "q1", 1, 1, "widget", "correct", "correct", answer="analytical", expected="analytical"
        )
        book.record(r)
        rows = ledger.history_rows(book.db, "2024002")
    finally:
        book.close()
    assert [(h["why"], h["points"]) for h in rows] == [("graded again", 1)]
    assert _points(book_dir, "2024002") == 2


def test_late_penalty_per_started_day_shown_in_gradebook_and_feedback(book_dir):
    book = Gradebook(book_dir)
    try:
        ledger.set_policy(book.db, "2026-12-08T23:59+08:00", 0.1, max_days=5)
        ledger.set_due(book.db, "2024001", submitted_at="2026-12-10T08:00+08:00")  # 1 day 8 h late: 2 days
        ledger.set_due(book.db, "2024002", submitted_at="2026-12-08T23:00+08:00")  # on time
        ledger.set_due(
            book.db, "2024003", deadline="2026-12-15T23:59+08:00", submitted_at="2026-12-14T10:00Z"
        )
        ledger.settle_all(book.db)
        book.write_csv()
    finally:
        book.close()
    assert _points(book_dir, "2024001") == pytest.approx(2 * 0.8)
    assert _points(book_dir, "2024002") == 1 and _points(book_dir, "2024003") == 3  # an extension
    rows = {r["student"]: r for r in csv.DictReader(open(book_dir / "gradebook.csv", encoding="utf-8"))}
    assert (rows["2024001"]["late_days"], rows["2024001"]["late_penalty"]) == ("2", "0.4")
    from crm_lessons.grading.feedback import release

    release(book_dir)
    page = (book_dir / "feedback" / "2024001_t1.html").read_text(encoding="utf-8")
    assert "2 day(s) after the deadline" in page and "late penalty 0.4" in page


def test_late_factor_and_days():
    assert ledger.days_late("2026-12-09T00:00:01+08:00", "2026-12-09T00:00+08:00") == 1
    assert ledger.days_late("2026-12-08T16:00Z", "2026-12-09T00:00+08:00") == 0  # the same instant
    assert ledger.late_factor(3, 0.25) == 0.25 and ledger.late_factor(5, 0.25) == 0.0
    with pytest.raises(ValueError, match="deadline: 'next friday' is not an ISO 8601 time"):
        ledger.parse_time("next friday", "deadline")
    with pytest.raises(ValueError, match="late_penalty: 10 is not a share"):
        ledger.set_policy(None, None, 10)


def test_written_answers_are_read_from_records_and_tagged_markdown_cells():
    nb = {
        "cells": [
            {
                "cell_type": "code",
                "source": "",
                "outputs": [
                    {
                        "output_type": "display_data",
                        "data": {
                            ex.ANSWER_MIME: {
                                "exercise": "ch09",
                                "question": "q9",
                                "source": "written",
                                "answer": "Keep them.",
                            }
                        },
                    }
                ],
            },
            {"cell_type": "markdown", "metadata": {"tags": ["answer-q10"]}, "source": "因为留存率最高。"},
            {"cell_type": "markdown", "metadata": {"tags": ["answer-q11"]}, "source": "   "},
        ]
    }
    assert ex.saved_answers(nb, "ch09") == {"q9": "Keep them.", "q10": "因为留存率最高。"}


def test_written_question_rubric_must_add_up():
    with pytest.raises(ValueError, match="rubric points add up to 1, not 2"):
        ex.Written("q9", 2, "Why?", rubric=(("a reason", 1),))


def test_grade_command_imports_marks_without_submissions(book_dir, capsys):
    sheet, _, _ = write_sheet(book_dir)
    _fill(sheet, {"2024001": ("2", "good")})
    assert cli_main(["grade", "--out", str(book_dir), "--import-marks", str(sheet)]) == 0
    assert "marks: 1 stored, 0 unchanged, 2 blank" in capsys.readouterr().out
    assert cli_main(["grade", "--out", str(book_dir), "--import-marks", str(sheet)]) == 0
    assert "marks: 0 stored, 1 unchanged" in capsys.readouterr().out
    assert _points(book_dir, "2024001") == 4


def test_marks_command_help_has_an_example(capsys):
    with pytest.raises(SystemExit):
        cli_main(["marks", "--help"])
    assert "example: crm-lessons marks" in capsys.readouterr().out


def test_one_question_is_rescored_from_the_stored_answers(tmp_path):
    from crm_lessons.data import data_dir
    from crm_lessons.grading.gradebook import QuestionResult, SubmissionResult
    from crm_lessons.grading.instructor import rescore_question

    out = tmp_path / "graded"
    out.mkdir()
    book = Gradebook(out)
    try:
        book.set_meta("seed", "1")
        for student, answer in (("s1", "analytical"), ("s2", "operational")):
            # as if graded under a key that was wrong for q1: both scored 0
            book.record(
                SubmissionResult(
                    student,
                    "ch01",
                    str(out / f"{student}.ipynb"),
                    "x",
                    "graded",
                    "",
                    [
                        QuestionResult(
                            "q1", 0, 1, "widget", "wrong", "not the right option", answer=answer, expected="?"
                        ),
                        QuestionResult("q4", 1, 1, "widget", "correct", "correct", answer="a", expected="a"),
                    ],
                )
            )
    finally:
        book.close()
    assert rescore_question(out, "ch01", "q1", data_dir=data_dir()) == 1  # s2's wrong answer stays wrong
    assert _answer(out, "s1", "q1") == (1, "correct", "correct") and _points(out, "s1") == 2
    assert _answer(out, "s2", "q1")[:2] == (0, "wrong") and _points(out, "s2") == 1
    with sqlite3.connect(out / "gradebook.sqlite") as db:
        assert db.execute("SELECT why FROM history WHERE student = 's1'").fetchall() == [
            ("question q1 re-scored",)
        ]
        assert db.execute("SELECT COUNT(*) FROM history WHERE student = 's2'").fetchone()[0] == 0
    assert rescore_question(out, "ch01", "q1", data_dir=data_dir()) == 0  # twice: nothing changes
    with pytest.raises(ValueError, match="q15 is a written question: it is marked, not re-scored"):
        rescore_question(out, "ch01", "q15", data_dir=data_dir())
    with pytest.raises(ValueError, match="question: exercise ch01 has no question 'q99'"):
        rescore_question(out, "ch01", "q99", data_dir=data_dir())
