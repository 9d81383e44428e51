"""The gradebook: SQLite as the record, CSV files for the LMS, HTML feedback per student.

Every graded submission is written in one SQLite transaction (its row and its question rows
together), so an interrupted run leaves either the whole grade or none of it; a re-run skips
submissions already graded from the same file (same SHA-256) and regrades a changed file in
place (the key is student + exercise), so nothing is lost or duplicated. The CSV files are
rewritten from SQLite after each submission (to a temporary file, then renamed).

Row format (stable; other tools read it)
----------------------------------------
``gradebook.sqlite``:

* ``submissions``: one row per (``student``, ``exercise``): ``student`` is the stable student
  id (from the roster, else the folder/file name; :mod:`.roster`), ``file`` the path graded,
  ``sha256`` of its bytes, ``points``/``max_points``, ``status`` ("graded", "partly run" when
  the run was cut short by a dead kernel or the notebook deadline, "not gradable" with 0
  points when the file could not be read), ``reason`` (semicolon-separated; "not on the
  roster" is appended for a file the roster does not name), ``seconds``, ``graded_at`` (UTC).
* ``answers``: one row per question of a submission (``position`` is the question's order).
* ``students``: who each id is: ``student``, ``name`` (as written), ``lms_id``, ``file``
  (path below the submissions folder), ``on_roster`` (0/1) (:data:`STUDENTS_SCHEMA`).
* ``meta``: ``seed`` of the hidden data, ``key`` (answer-key folder used), ``sandbox`` (what
  isolated the kernels, or "none: INSECURE grading (reason)"), ``insecure`` ("0"/"1"),
  ``sandbox_start_seconds_median``; the instructor tools add their own keys (:mod:`.ledger`).

``gradebook.csv`` has one row per submission (``student,exercise,points,max_points,percent,
status,reason,...``; the instructor tools append columns at the end), ``answers.csv`` one row
per question.
"""

from __future__ import annotations

import csv
import html
import os
import sqlite3
import time
from dataclasses import dataclass, field
from pathlib import Path

from crm_lessons.grading import ledger

SCHEMA = """
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS submissions (
    student TEXT NOT NULL,
    exercise TEXT NOT NULL,
    file TEXT NOT NULL,
    sha256 TEXT NOT NULL,
    points REAL NOT NULL,
    max_points REAL NOT NULL,
    status TEXT NOT NULL,
    reason TEXT NOT NULL,
    seconds REAL NOT NULL,
    graded_at TEXT NOT NULL,
    PRIMARY KEY (student, exercise)
);
CREATE TABLE IF NOT EXISTS answers (
    student TEXT NOT NULL,
    exercise TEXT NOT NULL,
    question TEXT NOT NULL,
    position INTEGER NOT NULL,
    points REAL NOT NULL,
    max_points REAL NOT NULL,
    source TEXT NOT NULL,
    status TEXT NOT NULL,
    reason TEXT NOT NULL,
    hint TEXT NOT NULL,
    PRIMARY KEY (student, exercise, question)
);
"""


#: Who a submission belongs to (written by ``grade`` from the roster or the folder layout):
#: ``student`` is the stable student id (the key of ``submissions.student``), ``name`` as
#: written (Chinese names kept), ``lms_id`` the LMS's id (the student id when no roster gives
#: one), ``file`` the submission's path below the submissions folder, ``on_roster`` 0 for a
#: file a roster did not name. See :mod:`crm_lessons.grading.roster`.
STUDENTS_SCHEMA = """
CREATE TABLE IF NOT EXISTS students (
    student TEXT PRIMARY KEY,
    name TEXT NOT NULL,
    lms_id TEXT NOT NULL,
    file TEXT NOT NULL,
    on_roster INTEGER NOT NULL
)
"""


@dataclass
class QuestionResult:
    question: str
    points: float
    max_points: float
    source: str  # "widget" (read from the saved file) or "run" (from executing it)
    status: str  # "correct", "partial", "wrong", "unanswered", "error"
    reason: str
    hint: str = ""
    prompt: str = ""
    #: the student's answer and the expected one, as plain JSON data (feedback, report, regrade)
    answer: object = None
    expected: object = None


@dataclass
class SubmissionResult:
    student: str
    exercise: str
    file: str
    sha256: str
    status: (
        str  # "graded" (the notebook ran), "partly graded" (it crashed, timed out or died), "not gradable"
    )
    reason: str
    questions: list = field(default_factory=list)
    seconds: float = 0.0
    #: user id the kernel ran as (None: the grader's own); not stored
    uid: int | None = None
    #: the edition the student worked in ("en" or "zh", from the notebook's metadata): the
    #: language of the submission's feedback page (meta ``lang:<student>:<exercise>``)
    lang: str = "en"

    @property
    def points(self) -> float:
        return round(sum(q.points for q in self.questions), 4)

    @property
    def max_points(self) -> float:
        return round(sum(q.max_points for q in self.questions), 4)


class Gradebook:
    """SQLite gradebook in ``out_dir`` with CSV and HTML views.

    The CSV views are rewritten at most every :attr:`CSV_EVERY` seconds while grading and when
    the gradebook is closed (each rewrite reads every row: rewriting after every submission made
    a class of thousands quadratic); SQLite is the record.
    """

    CSV_EVERY = 2.0

    def __init__(self, out_dir: Path):
        self.out_dir = Path(out_dir)
        self.db_path = self.out_dir / "gradebook.sqlite"
        self.db = sqlite3.connect(str(self.db_path), isolation_level=None, check_same_thread=False)
        self.db.execute("PRAGMA journal_mode=WAL")
        self.db.executescript(SCHEMA)
        ledger.ensure_schema(self.db)  # details, history, marks, late penalties (issue 14)
        self._csv_at = 0.0
        self._csv_dirty = self.count() > 0  # a run killed between two rewrites: caught up on close

    def close(self) -> None:
        if self._csv_dirty:
            self.write_csv()
        self.db.close()

    def meta(self, key: str, default: str | None = None) -> str | None:
        row = self.db.execute("SELECT value FROM meta WHERE key = ?", (key,)).fetchone()
        return row[0] if row else default

    def set_meta(self, key: str, value: str) -> None:
        self.db.execute("INSERT OR REPLACE INTO meta (key, value) VALUES (?, ?)", (key, str(value)))

    def is_done(self, student: str, exercise: str | None, sha256: str) -> bool:
        if exercise is None:
            row = self.db.execute(
                "SELECT 1 FROM submissions WHERE student = ? AND sha256 = ?", (student, sha256)
            ).fetchone()
        else:
            row = self.db.execute(
                "SELECT 1 FROM submissions WHERE student = ? AND exercise = ? AND sha256 = ?",
                (student, exercise, sha256),
            ).fetchone()
        return row is not None

    def record_students(self, rows: list[dict]) -> None:
        """Keep who each submission belongs to (table ``students``, see :data:`STUDENTS_SCHEMA`)."""
        self.db.execute(STUDENTS_SCHEMA)
        self.db.executemany(
            "INSERT OR REPLACE INTO students (student, name, lms_id, file, on_roster) VALUES (?, ?, ?, ?, ?)",
            [
                (
                    r["student"],
                    r.get("name", ""),
                    r.get("lms_id", ""),
                    r.get("file", ""),
                    int(r.get("on_roster", 1)),
                )
                for r in rows
            ],
        )

    def count(self) -> int:
        return self.db.execute("SELECT COUNT(*) FROM submissions").fetchone()[0]

    def record(self, result: SubmissionResult) -> None:
        """Write one submission's grade atomically (replacing an earlier grade of the same key)."""
        db = self.db
        db.execute("BEGIN IMMEDIATE")
        try:
            ledger.archive(db, result.student, result.exercise, "graded again")
            self.set_meta(f"lang:{result.student}:{result.exercise}", result.lang)
            db.execute(
                "DELETE FROM answers WHERE student = ? AND exercise = ?", (result.student, result.exercise)
            )
            db.execute(
                "INSERT OR REPLACE INTO submissions VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (
                    result.student,
                    result.exercise,
                    result.file,
                    result.sha256,
                    result.points,
                    result.max_points,
                    result.status,
                    result.reason,
                    round(result.seconds, 3),
                    time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
                ),
            )
            db.executemany(
                "INSERT INTO answers VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                [
                    (
                        result.student,
                        result.exercise,
                        q.question,
                        i,
                        q.points,
                        q.max_points,
                        q.source,
                        q.status,
                        q.reason,
                        q.hint,
                    )
                    for i, q in enumerate(result.questions)
                ],
            )
            ledger.after_record(db, result)  # answers kept, marks and late penalty applied
            db.execute("COMMIT")
        except BaseException:
            db.execute("ROLLBACK")
            raise
        self._csv_dirty = True
        if time.monotonic() - self._csv_at >= self.CSV_EVERY:
            self.write_csv()
        self.write_feedback(result)

    def rows(self) -> list[dict]:
        return ledger.dict_rows(self.db.execute("SELECT * FROM submissions ORDER BY student, exercise"))

    def answer_rows(self) -> list[dict]:
        return ledger.dict_rows(self.db.execute("SELECT * FROM answers ORDER BY student, exercise, position"))

    def _write_atomic(self, path: Path, header: list[str], rows: list[list]) -> None:
        tmp = path.with_suffix(
            f".csv.{os.getpid()}.tmp"
        )  # two writers (a grader, a marks import) never share one
        with open(tmp, "w", newline="", encoding="utf-8") as f:
            w = csv.writer(f)
            w.writerow(header)
            w.writerows(rows)
        os.replace(tmp, path)

    def write_csv(self) -> None:
        """``gradebook.csv`` (one row per submission) and ``answers.csv`` (one row per question)."""
        self._csv_dirty, self._csv_at = False, time.monotonic()
        subs = self.rows()
        late = ledger.late_rows(self.db)
        self._write_atomic(
            self.out_dir / "gradebook.csv",
            [
                "student",
                "exercise",
                "points",
                "max_points",
                "percent",
                "status",
                "reason",
                "late_days",
                "late_penalty",
            ],
            [
                [
                    r["student"],
                    r["exercise"],
                    f"{r['points']:g}",
                    f"{r['max_points']:g}",
                    f"{100 * r['points'] / r['max_points']:.1f}" if r["max_points"] else "0.0",
                    r["status"],
                    r["reason"],
                    late.get((r["student"], r["exercise"]), {}).get("days", 0),
                    f"{late.get((r['student'], r['exercise']), {}).get('penalty', 0):g}",
                ]
                for r in subs
            ],
        )
        self._write_atomic(
            self.out_dir / "answers.csv",
            ["student", "exercise", "question", "points", "max_points", "source", "status", "reason"],
            [
                [
                    a["student"],
                    a["exercise"],
                    a["question"],
                    f"{a['points']:g}",
                    f"{a['max_points']:g}",
                    a["source"],
                    a["status"],
                    a["reason"],
                ]
                for a in self.answer_rows()
            ],
        )

    def write_feedback(self, result: SubmissionResult) -> Path:
        """``feedback/<student>_<exercise>.html``: every question, points, what was wrong, the hint."""
        folder = self.out_dir / "feedback"
        folder.mkdir(exist_ok=True)
        from crm_lessons.grading.feedback import write_page

        return write_page(self, result.student, result.exercise)  # from the stored, settled rows


def feedback_html(result: SubmissionResult) -> str:
    """A self-contained HTML page; everything the student controls is escaped."""
    e = html.escape
    rows = []
    for q in result.questions:
        colour = {"correct": "#1a7f37", "partial": "#9a6700"}.get(q.status, "#b35900")
        rows.append(
            "<tr>"
            f"<td>{e(q.question)}</td>"
            f"<td>{e(q.prompt)}</td>"
            f"<td style='color:{colour}'>{q.points:g} / {q.max_points:g}</td>"
            f"<td>{e(q.status)}</td>"
            f"<td>{e(q.reason)}</td>"
            f"<td>{e(q.hint)}</td>"
            "</tr>"
        )
    return (
        "<!DOCTYPE html><html><head><meta charset='utf-8'>"
        f"<title>Feedback: {e(result.student)} {e(result.exercise)}</title>"
        "<style>body{font-family:sans-serif;font-size:16px;margin:2em}"
        "table{border-collapse:collapse}"
        "td,th{border:1px solid #ccc;padding:6px 10px;vertical-align:top;text-align:left}"
        "</style></head><body>"
        f"<h1>Exercise {e(result.exercise)}: {result.points:g} of {result.max_points:g} points</h1>"
        f"<p>Student: {e(result.student)}<br>File: {e(Path(result.file).name)}<br>"
        f"Grading: {e(result.status)}{(' — ' + e(result.reason)) if result.reason else ''}</p>"
        "<p>Answers given by clicking were read from your saved notebook; compute answers were "
        "checked by running your code on a new copy of the case data.</p>"
        "<table><tr><th>question</th><th>what was asked</th><th>points</th><th>result</th>"
        "<th>what was wrong</th><th>hint</th></tr>" + "".join(rows) + "</table></body></html>\n"
    )
