"""What the gradebook keeps besides the grade itself, and how it settles a submission's points.

The gradebook (:mod:`.gradebook`) stores one row per submission and one per question. This
module adds, in the same SQLite file:

``details``
    per question, the student's answer and the expected answer as plain JSON (what feedback
    pages show side by side, what the class report counts as common wrong answers, and what a
    one-question regrade re-scores without running the notebook again);
``history``
    every grade that was replaced (a regrade, a resubmission, imported marks), as JSON, with
    when and why -- nothing is overwritten without a copy;
``marks``
    the instructor's marks for written answers (one row per student, exercise and question:
    importing the same sheet twice leaves the same rows);
``policy`` / ``due``
    the deadline and late penalty (batch-wide, and per student from a roster) and the
    submission times; ``late`` holds what was applied.

:func:`settle` turns the stored rows into the submission's points::

    points = (sum of question points, written questions at their marks) * late factor
    late factor = max(0, 1 - per_day * days late)     (0 past max_days, when set)

where days late counts every started day after the deadline (one minute late is one day).
It runs inside the transaction that records a grade and again after marks are imported or
the policy changes, so the stored points are always the settled ones.

Examples
--------
>>> late_factor(days=2, per_day=0.1)
0.8
>>> late_factor(days=12, per_day=0.1), late_factor(days=3, per_day=0.1, max_days=2)
(0.0, 0.0)
>>> days_late("2026-12-03T00:30:00+08:00", "2026-12-01T23:59:00+08:00")
2
"""

from __future__ import annotations

import hashlib
import json
import math
import time
from datetime import UTC, datetime

#: Characters of an answer kept in ``details`` (bigger answers are kept as a summary).
MAX_DETAIL_CHARS = 1_000_000

SCHEMA = """
CREATE TABLE IF NOT EXISTS details (
    student TEXT NOT NULL, exercise TEXT NOT NULL, question TEXT NOT NULL,
    answer TEXT, expected TEXT,
    PRIMARY KEY (student, exercise, question)
);
CREATE TABLE IF NOT EXISTS history (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    student TEXT NOT NULL, exercise TEXT NOT NULL, archived_at TEXT NOT NULL, why TEXT NOT NULL,
    submission TEXT NOT NULL, answers TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS marks (
    student TEXT NOT NULL, exercise TEXT NOT NULL, question TEXT NOT NULL,
    points REAL NOT NULL, comment TEXT NOT NULL, marker TEXT NOT NULL,
    answer_sha TEXT NOT NULL, imported_at TEXT NOT NULL,
    PRIMARY KEY (student, exercise, question)
);
CREATE TABLE IF NOT EXISTS policy (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS due (
    student TEXT PRIMARY KEY, deadline TEXT, submitted_at TEXT
);
CREATE TABLE IF NOT EXISTS late (
    student TEXT NOT NULL, exercise TEXT NOT NULL,
    submitted_at TEXT NOT NULL, deadline TEXT NOT NULL, days INTEGER NOT NULL,
    factor REAL NOT NULL, raw_points REAL NOT NULL, penalty REAL NOT NULL,
    PRIMARY KEY (student, exercise)
);
"""


def now() -> str:
    return time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())


def ensure_schema(db) -> None:
    db.executescript(SCHEMA)


def dict_rows(cur) -> list[dict]:
    """The rows of an executed query as dicts, column name -> value."""
    names = [d[0] for d in cur.description]
    return [dict(zip(names, r)) for r in cur.fetchall()]


# --------------------------------------------------------------------------- plain JSON


def dump(value) -> str | None:
    """JSON of a plain answer (None stays None); a huge one becomes a short summary.

    Never raises: an answer that cannot be written (nested too deeply, say) is kept as a note,
    so a hostile answer cannot stop its grade from being recorded.

    Examples
    --------
    >>> dump({"a": [1, 2.5]}), dump(None)
    ('{"a": [1, 2.5]}', None)
    >>> deep = []
    >>> for _ in range(100_000):
    ...     deep = [deep]
    >>> dump(deep)
    '{"__unwritable__": "RecursionError"}'
    """
    if value is None:
        return None
    try:
        text = json.dumps(value, ensure_ascii=False, sort_keys=False)
    except (TypeError, ValueError, RecursionError) as exc:
        return json.dumps({"__unwritable__": type(exc).__name__})
    if len(text) > MAX_DETAIL_CHARS:
        return json.dumps({"__too_large__": len(text)})
    return text


def load(text):
    return None if text is None else json.loads(text)


def answer_sha(value) -> str:
    """Fingerprint of an answer (a mark belongs to the answer it was given for)."""
    text = "" if value is None else (value if isinstance(value, str) else json.dumps(value, sort_keys=True))
    return hashlib.sha256(" ".join(text.split()).encode("utf-8")).hexdigest()[:16]


# --------------------------------------------------------------------------- time


def parse_time(text, what: str = "time") -> datetime:
    """An ISO 8601 time (a time without an offset is UTC); a datetime is returned as aware."""
    if isinstance(text, datetime):
        t = text
    else:
        try:
            t = datetime.fromisoformat(str(text).strip().replace("Z", "+00:00"))
        except ValueError:
            raise ValueError(
                f"{what}: {text!r} is not an ISO 8601 time; write it like 2026-12-01T23:59+08:00"
            ) from None
    return t if t.tzinfo else t.replace(tzinfo=UTC)


def days_late(submitted, deadline) -> int:
    """Started days after the deadline (0 when on time)."""
    delta = (parse_time(submitted, "submitted_at") - parse_time(deadline, "deadline")).total_seconds()
    return 0 if delta <= 0 else math.ceil(delta / 86400)


def late_factor(days: int, per_day: float, max_days: int | None = None) -> float:
    """Share of the points kept after ``days`` late days: ``max(0, 1 - per_day * days)``."""
    if days <= 0:
        return 1.0
    if max_days is not None and days > max_days:
        return 0.0
    return round(max(0.0, 1.0 - per_day * days), 6)


def set_policy(db, deadline=None, per_day: float | None = None, max_days: int | None = None) -> None:
    """Store the batch's deadline and penalty (fraction of the points per late day)."""
    if per_day is not None and not 0 <= per_day <= 1:
        raise ValueError(
            f"late_penalty: {per_day:g} is not a share of the points per day; give 0..1 (10 % = 0.1)"
        )
    values = {
        "deadline": parse_time(deadline, "deadline").isoformat() if deadline else None,
        "per_day": per_day,
        "max_days": max_days,
    }
    for key, value in values.items():
        if value is not None:
            db.execute("INSERT OR REPLACE INTO policy VALUES (?, ?)", (key, str(value)))


def policy(db) -> dict:
    rows = dict(db.execute("SELECT key, value FROM policy").fetchall())
    return {
        "deadline": rows.get("deadline"),
        "per_day": float(rows.get("per_day", 0) or 0),
        "max_days": int(rows["max_days"]) if rows.get("max_days") not in (None, "", "None") else None,
    }


def set_due(db, student: str, deadline=None, submitted_at=None) -> None:
    """A student's own deadline (an extension) and/or submission time (from the LMS)."""
    db.execute(
        "INSERT INTO due VALUES (?, ?, ?) ON CONFLICT(student) DO UPDATE SET "
        "deadline = COALESCE(excluded.deadline, due.deadline), "
        "submitted_at = COALESCE(excluded.submitted_at, due.submitted_at)",
        (
            student,
            parse_time(deadline, "deadline").isoformat() if deadline else None,
            parse_time(submitted_at, "submitted_at").isoformat() if submitted_at else None,
        ),
    )


def _submitted_at(db, student: str, file: str) -> str | None:
    row = db.execute("SELECT submitted_at FROM due WHERE student = ?", (student,)).fetchone()
    if row and row[0]:
        return row[0]
    import os

    try:  # the file's own time: what the LMS download or the copy kept
        return datetime.fromtimestamp(os.stat(file).st_mtime, UTC).isoformat()
    except OSError:
        return None


# --------------------------------------------------------------------------- recording


def archive(db, student: str, exercise: str, why: str) -> bool:
    """Copy the stored grade of (student, exercise) into ``history``; False when there is none."""
    subs = dict_rows(
        db.execute("SELECT * FROM submissions WHERE student = ? AND exercise = ?", (student, exercise))
    )
    if not subs:
        return False
    sub = subs[0]
    answers = dict_rows(
        db.execute(
            "SELECT a.*, d.answer AS answer_json FROM answers a "
            "LEFT JOIN details d USING (student, exercise, question) "
            "WHERE a.student = ? AND a.exercise = ? ORDER BY a.position",
            (student, exercise),
        )
    )
    db.execute(
        "INSERT INTO history (student, exercise, archived_at, why, submission, answers) "
        "VALUES (?, ?, ?, ?, ?, ?)",
        (
            student,
            exercise,
            now(),
            why,
            json.dumps(sub, ensure_ascii=False),
            json.dumps(answers, ensure_ascii=False),
        ),
    )
    return True


def after_record(db, result) -> None:
    """Store the answers and expected answers of a freshly recorded grade, then settle it."""
    db.execute("DELETE FROM details WHERE student = ? AND exercise = ?", (result.student, result.exercise))
    db.executemany(
        "INSERT INTO details VALUES (?, ?, ?, ?, ?)",
        [
            (
                result.student,
                result.exercise,
                q.question,
                dump(getattr(q, "answer", None)),
                dump(getattr(q, "expected", None)),
            )
            for q in result.questions
        ],
    )
    settle(db, result.student, result.exercise, file=result.file)


def settle(db, student: str, exercise: str, file: str | None = None) -> float | None:
    """Apply marks and the late penalty to the stored rows of one submission; return its points."""
    sub = db.execute(
        "SELECT file, status FROM submissions WHERE student = ? AND exercise = ?", (student, exercise)
    ).fetchone()
    if sub is None:
        return None
    file = file or sub[0]
    details = {
        q: load(a)
        for q, a in db.execute(
            "SELECT question, answer FROM details WHERE student = ? AND exercise = ?", (student, exercise)
        )
    }
    marks = {
        r[0]: r[1:]
        for r in db.execute(
            "SELECT question, points, comment, answer_sha FROM marks WHERE student = ? AND exercise = ?",
            (student, exercise),
        )
    }
    for question, max_points in db.execute(
        "SELECT question, max_points FROM answers WHERE student = ? AND exercise = ? AND source = 'written'",
        (student, exercise),
    ).fetchall():
        answer = details.get(question)
        mark = marks.get(question)
        if mark is not None and mark[2] == answer_sha(answer):
            pts = min(float(max_points), max(0.0, float(mark[0])))
            db.execute(
                "UPDATE answers SET points = ?, status = 'marked', reason = ? "
                "WHERE student = ? AND exercise = ? "
                "AND question = ?",
                (pts, mark[1] or "marked", student, exercise, question),
            )
        elif answer is not None and str(answer).strip():
            why = (
                "the answer changed since it was marked: to mark again"
                if mark is not None
                else "written answer: to be marked by the instructor"
            )
            db.execute(
                "UPDATE answers SET points = 0, status = 'to mark', reason = ? "
                "WHERE student = ? AND exercise = ? "
                "AND question = ?",
                (why, student, exercise, question),
            )
    raw = db.execute(
        "SELECT COALESCE(SUM(points), 0) FROM answers WHERE student = ? AND exercise = ?", (student, exercise)
    ).fetchone()[0]
    raw = round(float(raw), 4)
    points = raw
    db.execute("DELETE FROM late WHERE student = ? AND exercise = ?", (student, exercise))
    pol = policy(db)
    own = db.execute("SELECT deadline FROM due WHERE student = ?", (student,)).fetchone()
    deadline = (own[0] if own and own[0] else None) or pol["deadline"]
    submitted = _submitted_at(db, student, file) if deadline and sub[1] != "not gradable" else None
    if deadline and submitted:
        days = days_late(submitted, deadline)
        factor = late_factor(days, pol["per_day"], pol["max_days"])
        points = round(raw * factor, 4)
        db.execute(
            "INSERT INTO late VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            (student, exercise, submitted, deadline, days, factor, raw, round(raw - points, 4)),
        )
    db.execute(
        "UPDATE submissions SET points = ? WHERE student = ? AND exercise = ?", (points, student, exercise)
    )
    return points


def settle_all(db) -> int:
    """Settle every stored submission (after a policy change); returns how many."""
    keys = db.execute("SELECT student, exercise FROM submissions").fetchall()
    db.execute("BEGIN IMMEDIATE")
    try:
        for student, exercise in keys:
            settle(db, student, exercise)
        db.execute("COMMIT")
    except BaseException:
        db.execute("ROLLBACK")
        raise
    return len(keys)


def late_rows(db, student: str | None = None, exercise: str | None = None) -> dict[tuple[str, str], dict]:
    """(student, exercise) -> the late penalty applied (days, factor, raw_points, penalty, times).

    All submissions, or only one when ``student`` and ``exercise`` are given.
    """
    if student is not None:
        cur = db.execute("SELECT * FROM late WHERE student = ? AND exercise = ?", (student, exercise))
    else:
        cur = db.execute("SELECT * FROM late")
    names = [d[0] for d in cur.description]
    return {(r[0], r[1]): dict(zip(names, r)) for r in cur.fetchall()}


def history_rows(db, student: str | None = None) -> list[dict]:
    sql = "SELECT id, student, exercise, archived_at, why, submission FROM history"
    args: tuple = ()
    if student is not None:
        sql += " WHERE student = ?"
        args = (student,)
    cur = db.execute(sql + " ORDER BY id", args)
    out = []
    for r in cur.fetchall():
        sub = json.loads(r[5])
        out.append(
            {
                "id": r[0],
                "student": r[1],
                "exercise": r[2],
                "archived_at": r[3],
                "why": r[4],
                "points": sub.get("points"),
                "max_points": sub.get("max_points"),
                "status": sub.get("status"),
            }
        )
    return out
