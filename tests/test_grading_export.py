"""LMS exports (crm_lessons.grading.export) against the column layouts Canvas and Moodle document.

Canvas (Grades > Export/Import): ``Student, ID, SIS User ID, SIS Login ID, Section`` then one
column per assignment named ``Title`` or ``Title (assignment id)``, and a second row
``Points Possible``; students matched by ID or SIS User ID; a blank cell changes nothing.
Moodle (Grades > Import > CSV file): a user-identifying column (``Email address`` or
``ID number``) mapped at import, one column per grade item, optional feedback columns.
"""

from __future__ import annotations

import csv

import pytest
from gradebook_samples import make_gradebook, write_roster

from crm_lessons.cli import main as cli_main
from crm_lessons.grading import ledger
from crm_lessons.grading.export import (
    CANVAS_ID_COLUMNS,
    MOODLE_ID_COLUMNS,
    canvas_rows,
    export,
    moodle_rows,
    question_rows,
    read_roster,
)
from crm_lessons.grading.gradebook import Gradebook


@pytest.fixture
def graded(tmp_path):
    out = make_gradebook(tmp_path / "graded")
    return out, write_roster(tmp_path / "roster.csv")


def _read(path):
    with open(path, newline="", encoding="utf-8") as f:
        return list(csv.reader(f))


def test_canvas_layout_header_points_possible_and_one_row_per_roster_student(graded):
    out, roster = graded
    rows = _read(export(out, "canvas", roster))
    assert rows[0] == ["Student", "ID", "SIS User ID", "SIS Login ID", "Section", "t1"]
    assert rows[1][0].strip() == "Points Possible" and rows[1][1:5] == ["", "", "", ""] and rows[1][5] == "5"
    body = {r[2]: r for r in rows[2:]}
    assert [r[2] for r in rows[2:]] == ["2024001", "2024002", "2024003", "2024004", "2024005"]  # roster order
    assert body["2024001"] == ["张伟", "501", "2024001", "", "", "2"]
    assert body["2024003"][5] == "3"
    assert body["2024004"][5] == "0"  # not gradable: a grade of 0, with the reason in the gradebook
    assert body["2024005"][5] == ""  # handed nothing in: left unchanged in Canvas


def test_canvas_assignment_id_and_missing_zero(graded):
    out, roster = graded
    rows = canvas_rows(out, roster, canvas_ids={"t1": "778899"}, missing_zero=True)
    assert rows[0][5] == "t1 (778899)"
    assert rows[-1][2] == "2024005" and rows[-1][5] == "0"


def test_moodle_layout_identifies_students_by_email_and_id_number(graded):
    out, roster = graded
    book = Gradebook(out)
    try:
        ledger.set_policy(book.db, "2026-12-08T23:59+08:00", 0.1)
        ledger.set_due(book.db, "2024002", submitted_at="2026-12-09T10:00+08:00")
        for s in ("2024001", "2024003"):
            ledger.set_due(book.db, s, submitted_at="2026-12-08T10:00+08:00")
        ledger.settle_all(book.db)
    finally:
        book.close()
    rows = _read(export(out, "moodle", roster))
    assert rows[0] == MOODLE_ID_COLUMNS + ["t1 (Real)", "Feedback: t1"]
    assert MOODLE_ID_COLUMNS == ["First name", "Last name", "ID number", "Email address"]
    body = {r[2]: r for r in rows[1:]}
    assert body["2024001"][:4] == [
        "张伟",
        "",
        "2024001",
        "zhangwei@example.edu.cn",
    ]  # a Chinese name kept whole
    assert body["2024002"][:2] == ["Ann", "Lee"]
    assert body["2024002"][4] == "0.9"  # 1 point, one day late at 10 % a day
    assert body["2024002"][5] == "0.9 of 5 points; 1 day(s) late, 0.1 points deducted"
    assert body["2024005"][4:] == ["", ""]


def test_per_question_export_has_every_question_and_total(graded):
    out, roster = graded
    rows = question_rows(out, roster)
    assert rows[0] == [
        "student_id",
        "name",
        "email",
        "lms_id",
        "exercise",
        "q1",
        "q2",
        "q3",
        "points",
        "max_points",
        "percent",
        "late_days",
        "late_penalty",
        "status",
    ]
    body = {r[0]: r for r in rows[1:]}
    assert body["2024001"][5:11] == ["1", "1", "0", "2", "5", "40.0"]
    assert body["2024004"][5:8] == ["", "", ""] and body["2024004"][-1] == "not gradable"
    assert "2024005" not in body  # no submission, no row


def test_without_a_roster_the_gradebook_keys_identify_students(graded):
    out, _ = graded
    rows = canvas_rows(out)
    assert rows[0][:5] == CANVAS_ID_COLUMNS
    assert [r[2] for r in rows[2:]] == ["2024001", "2024002", "2024003", "2024004"]
    assert rows[2][0] == "" and rows[2][5] == "2"


def test_moodle_names_of_unicode_long_and_spaced_students(tmp_path):
    rows = moodle_rows(
        make_gradebook(tmp_path / "g"),
        write_roster(tmp_path / "r.csv", {"2024003": {"name": "Ana María de la Cruz"}}),
    )
    assert {r[2]: r[:2] for r in rows[1:]}["2024003"] == ["Ana", "María de la Cruz"]


def test_roster_problems_are_named(tmp_path):
    path = tmp_path / "roster.csv"
    path.write_text("student_id,name\n2024001,A\n2024001,B\n", encoding="utf-8")
    with pytest.raises(ValueError, match=r"student_id .2024001. appears twice .*\(line 3\)"):
        read_roster(path)
    path.write_text("id,name\n1,A\n", encoding="utf-8")
    with pytest.raises(ValueError, match="no student_id column"):
        read_roster(path)
    path.write_bytes("student_id,name\n1,张伟\n".encode("gbk"))
    with pytest.raises(ValueError, match="not UTF-8"):
        read_roster(path)


def test_export_command_writes_all_three_and_has_help(graded, capsys, tmp_path):
    out, roster = graded
    assert cli_main(["export", str(out), "--roster", str(roster)]) == 0
    printed = capsys.readouterr().out
    for name in ("canvas_import.csv", "moodle_import.csv", "questions.csv"):
        assert (out / name).exists() and name in printed
    assert cli_main(["export", str(out), "--format", "canvas", "--canvas-id", "t1=x"]) == 2
    assert "should look like ch01=12345" in capsys.readouterr().err
    assert cli_main(["export", str(tmp_path / "nowhere")]) == 2
    assert "no gradebook.sqlite" in capsys.readouterr().err
    with pytest.raises(SystemExit):
        cli_main(["export", "--help"])
    assert "crm-lessons export graded/ch01 --roster roster.csv --format canvas" in capsys.readouterr().out
