"""A small class's gradebook written directly (no kernels): the instructor-side tests start here.

Exercise ``t1`` (5 points): q1 a choice (1), q2 a Series (2), q3 a written answer (2).

=========  =========  ==========================================================
student    name       submission
=========  =========  ==========================================================
2024001    张伟        q1 right, q2 half right, q3 written (Chinese)
2024002    Ann Lee    q1 wrong, q2 the same wrong Series as 张伟, q3 written
2024003    <b>Bo</b>  q1 right, q2 right, q3 not answered (name is HTML on purpose)
2024004    Dan Ng     not gradable (malformed notebook)
2024005    Eve Wu     in the roster only: nothing handed in
=========  =========  ==========================================================
"""

from __future__ import annotations

import csv
from pathlib import Path

from crm_lessons.grading.gradebook import Gradebook, QuestionResult, SubmissionResult

RUBRIC = {"rubric": [["names the segment to keep", 1.0], ["says why with a number", 1.0]]}
EXPECTED_Q2 = {"__series__": {"index": ["gold", "silver"], "values": [0.8, 0.5]}}
WRONG_Q2 = {"__series__": {"index": ["gold", "bronze"], "values": [0.8, 0.1]}}
ANSWER_ZW = "应该保留金卡客户，因为他们贡献了80%的利润。"
ANSWER_AL = "Keep the gold customers: they bring 80 % of the profit."


def _q(qid, points, max_points, source, status, reason, answer, expected, hint=""):
    return QuestionResult(
        qid, points, max_points, source, status, reason, hint, "", answer=answer, expected=expected
    )


def results(folder: Path) -> list[SubmissionResult]:
    def sub(student, questions, status="graded", reason=""):
        return SubmissionResult(
            student, "t1", str(folder / f"{student}.ipynb"), f"sha-{student}", status, reason, questions
        )

    def half_right_q2():  # the same wrong Series, handed in by 张伟 and Ann Lee
        reason = "1 of 2 entries match; 1 unexpected index labels"
        return _q("q2", 1, 2, "run", "partial", reason, WRONG_Q2, EXPECTED_Q2, "Group by tier.")

    written = "written answer: to be marked by the instructor"
    return [
        sub(
            "2024001",
            [
                _q("q1", 1, 1, "widget", "correct", "correct", "analytical", "analytical"),
                half_right_q2(),
                _q("q3", 0, 2, "written", "wrong", written, ANSWER_ZW, RUBRIC),
            ],
        ),
        sub(
            "2024002",
            [
                _q(
                    "q1",
                    0,
                    1,
                    "widget",
                    "wrong",
                    "not the right option",
                    "operational",
                    "analytical",
                    "Think of data.",
                ),
                half_right_q2(),
                _q("q3", 0, 2, "written", "wrong", written, ANSWER_AL, RUBRIC),
            ],
        ),
        sub(
            "2024003",
            [
                _q("q1", 1, 1, "widget", "correct", "correct", "analytical", "analytical"),
                _q("q2", 2, 2, "run", "correct", "correct", EXPECTED_Q2, EXPECTED_Q2),
                _q("q3", 0, 2, "written", "unanswered", "not answered", None, RUBRIC),
            ],
            reason="output over the limit was dropped",
        ),
        SubmissionResult(
            "2024004",
            "t1",
            str(folder / "2024004.ipynb"),
            "sha-2024004",
            "not gradable",
            "could not read the notebook: Expecting value: line 1 column 1 (char 0)",
        ),
    ]


def make_gradebook(out: Path) -> Path:
    """Write the sample class's gradebook into ``out`` (created); return ``out``."""
    out.mkdir(parents=True, exist_ok=True)
    book = Gradebook(out)
    try:
        for r in results(out):
            book.record(r)
    finally:
        book.close()
    return out


def write_roster(path: Path, extra: dict | None = None) -> Path:
    rows = [
        {"student_id": "2024001", "name": "张伟", "email": "zhangwei@example.edu.cn", "lms_id": "501"},
        {"student_id": "2024002", "name": "Ann Lee", "email": "ann.lee@example.edu", "lms_id": "502"},
        {"student_id": "2024003", "name": "<b>Bo</b>", "email": "bo@example.edu", "lms_id": "503"},
        {"student_id": "2024004", "name": "Dan Ng", "email": "dan@example.edu", "lms_id": "504"},
        {"student_id": "2024005", "name": "Eve Wu", "email": "eve@example.edu", "lms_id": "505"},
    ]
    columns = ["student_id", "name", "email", "lms_id"]
    for sid, values in (extra or {}).items():
        for row in rows:
            if row["student_id"] == sid:
                row.update(values)
        columns += [k for k in values if k not in columns]
    with open(path, "w", newline="", encoding="utf-8") as f:
        w = csv.DictWriter(f, fieldnames=columns)
        w.writeheader()
        w.writerows(rows)
    return path
