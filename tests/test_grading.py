"""The grader: solutions score full marks, blanks zero; resume; regrade; safe feedback pages."""

from __future__ import annotations

import json
import os
import shutil
import sqlite3

import pytest

from crm_lessons.exercise_build import EXERCISES_DIR, exercise_id, solution_notebooks
from crm_lessons.exercises import get_exercise
from crm_lessons.grading import find_submissions
from crm_lessons.grading import grade as _grade
from crm_lessons.grading.gradebook import QuestionResult, SubmissionResult, feedback_html


def grade(*args, **kwargs):
    """The grader; where this machine gives no sandbox (no root, bubblewrap or cgroups) these tests
    run it with insecure=True (the sandbox itself is tested in test_sandbox and test_grader_hostile)."""
    kwargs.setdefault("insecure", True)
    return _grade(*args, **kwargs)


@pytest.fixture(scope="module")
def graded(tmp_path_factory):
    subs = tmp_path_factory.mktemp("subs")
    for sol in solution_notebooks():
        ex = exercise_id(sol)
        shutil.copy(sol, subs / f"full_{ex}.ipynb")
        shutil.copy(EXERCISES_DIR / sol.name, subs / f"blank_{ex}.ipynb")
    out = tmp_path_factory.mktemp("graded") / "out"
    results = grade([subs], out, progress=False, cell_timeout=60, notebook_timeout=120)
    return subs, out, {r.student: r for r in results}


def test_solutions_score_full_marks(graded):
    _, _, results = graded
    for sol in solution_notebooks():
        ex = exercise_id(sol)
        r = results[f"full_{ex}"]
        assert r.exercise == ex and r.status == "graded"
        # written answers wait for the instructor's marks: everything else earns full marks
        automatic = sum(q.points for q in get_exercise(ex).questions if q.source != "written")
        assert r.points == automatic, [(q.question, q.points, q.reason) for q in r.questions]


def test_blank_notebooks_score_zero_and_say_not_answered(graded):
    _, _, results = graded
    for sol in solution_notebooks():
        r = results[f"blank_{exercise_id(sol)}"]
        assert r.points == 0 and r.status == "graded"
        assert all(q.status == "unanswered" for q in r.questions)


def test_gradebook_csv_sqlite_and_feedback_written(graded):
    subs, out, results = graded
    rows = (out / "gradebook.csv").read_text(encoding="utf-8").splitlines()
    assert rows[0] == "student,exercise,points,max_points,percent,status,reason,late_days,late_penalty"
    assert len(rows) == 1 + len(results)
    with sqlite3.connect(out / "gradebook.sqlite") as db:
        assert db.execute("SELECT COUNT(*) FROM submissions").fetchone()[0] == len(results)
        seed = db.execute("SELECT value FROM meta WHERE key = 'seed'").fetchone()[0]
    assert seed.isdigit()
    for r in results.values():
        assert (out / "feedback" / f"{r.student}_{r.exercise}.html").exists()


def test_rerun_resumes_without_regrading_or_duplicating(graded):
    subs, out, results = graded
    assert grade([subs], out, progress=False) == []
    with sqlite3.connect(out / "gradebook.sqlite") as db:
        assert db.execute("SELECT COUNT(*) FROM submissions").fetchone()[0] == len(results)


def test_changed_file_is_regraded_in_place(graded, tmp_path):
    subs, out, results = graded
    blank = next(p for p in subs.iterdir() if p.name.startswith("blank_ch01"))
    nb = json.loads(blank.read_text(encoding="utf-8"))
    nb["metadata"]["touched"] = True  # same answers, new file: graded again, one row kept
    blank.write_text(json.dumps(nb), encoding="utf-8")
    again = grade([subs], out, progress=False)
    assert [r.student for r in again] == ["blank_ch01"]
    with sqlite3.connect(out / "gradebook.sqlite") as db:
        assert db.execute("SELECT COUNT(*) FROM submissions WHERE student = 'blank_ch01'").fetchone()[0] == 1


def test_unreadable_submission_is_reported_not_fatal(tmp_path, graded):
    _, out, _ = graded
    bad = tmp_path / "broken.ipynb"
    bad.write_text("{not json", encoding="utf-8")
    (r,) = grade([bad], out, progress=False)
    assert r.status == "not gradable" and "could not read" in r.reason


def test_feedback_escapes_what_the_student_controls():
    r = SubmissionResult("<script>x</script>", "ch01", "/x/<b>.ipynb", "0", "graded", "")
    r.questions = [
        QuestionResult("q1", 0, 1, "run", "wrong", "raised <img src=x onerror=alert(1)>", "hint & more")
    ]
    page = feedback_html(r)
    assert "<script>" not in page and "<img" not in page and "&lt;img" in page and "hint &amp; more" in page


def test_find_submissions_walks_folders_and_rejects_missing(tmp_path):
    (tmp_path / "d" / ".ipynb_checkpoints").mkdir(parents=True)
    (tmp_path / "d" / "a.ipynb").write_text("{}")
    (tmp_path / "d" / ".ipynb_checkpoints" / "a-checkpoint.ipynb").write_text("{}")
    assert [p.name for p in find_submissions([tmp_path / "d"])] == ["a.ipynb"]
    with pytest.raises(FileNotFoundError, match="submissions"):
        find_submissions([tmp_path / "nope.ipynb"])


def test_a_killed_zygote_is_restarted_and_no_grade_is_lost(tmp_path, monkeypatch):
    import signal

    from crm_lessons.grading.engine import Zygote

    sol = solution_notebooks()[0]
    for i in range(3):
        shutil.copy(sol, tmp_path / f"s{i}.ipynb")
    spawn, calls, zygotes = Zygote.spawn, [], []

    def spawn_then_die(self, request, timeout=30):
        calls.append(request)
        zygotes.append(self)
        if len(calls) == 2:  # the zygote dies between two submissions
            os.kill(self.proc.pid, signal.SIGKILL)
            self.proc.wait()
        return spawn(self, request, timeout)

    monkeypatch.setattr(Zygote, "spawn", spawn_then_die)
    results = grade(list(tmp_path.glob("s*.ipynb")), tmp_path / "out", progress=False, workers=1)
    full = sum(q.points for q in get_exercise(exercise_id(sol)).questions if q.source != "written")
    assert sorted(r.points for r in results) == [full] * 3
    assert zygotes[-1].restarts == 1


def test_uid_pool_does_not_hand_a_released_id_to_the_next_student(tmp_path):
    from crm_lessons.grading import UID_BASE, UID_COUNT, UidPool

    pool = UidPool(tmp_path / "uids")
    handed = []
    for _ in range(50):
        uid, lease = pool.acquire()
        handed.append(uid)
        UidPool.release(lease)
    assert len(set(handed)) == 50
    assert all(UID_BASE <= uid < UID_BASE + UID_COUNT for uid in handed)


def test_uid_pool_skips_ids_leased_by_another_grader(tmp_path):
    from crm_lessons.grading import UidPool

    first, second = UidPool(tmp_path / "uids"), UidPool(tmp_path / "uids")
    second._next = first._next  # both start at the same id
    uid_a, lease_a = first.acquire()
    uid_b, lease_b = second.acquire()
    assert uid_a != uid_b
    UidPool.release(lease_a)
    UidPool.release(lease_b)


def test_similarity_report_lists_copies_of_the_solution(graded):
    _, out, _ = graded
    text = (out / "similarity.csv").read_text(encoding="utf-8")
    assert text.splitlines()[0] == "exercise,question,student,matches,uses_library"
    for sol in solution_notebooks():
        assert f"{exercise_id(sol)},q" in text and f"full_{exercise_id(sol)}" in text
    assert "blank_" not in text  # empty answers are never "identical"
    assert "published solution" in (out / "similarity.html").read_text(encoding="utf-8")


def test_gradebook_knows_who_each_student_is(graded):
    _, out, results = graded
    with sqlite3.connect(out / "gradebook.sqlite") as db:
        query = "SELECT student, name, lms_id, file, on_roster FROM students"
        students = {r[0]: r[1:] for r in db.execute(query)}
    assert set(results) <= set(students)
    assert students["full_ch01"] == ("full_ch01", "full_ch01", "full_ch01.ipynb", 1)


def test_roster_decides_ids_and_adding_a_file_rekeys_nobody(tmp_path):
    """Graded with a roster: ids from the roster; a late file leaves the earlier rows as they were."""
    subs = tmp_path / "subs"
    (subs / "zhang_wei").mkdir(parents=True)
    blank = EXERCISES_DIR / "ch01_crm_overview.ipynb"
    shutil.copy(blank, subs / "zhang_wei" / "ch01.ipynb")
    shutil.copy(blank, subs / "ann lee.ipynb")
    (tmp_path / "roster.csv").write_text(
        "student_id,name,email,lms_id,file\n2024001,张伟,zw@example.edu,L-1,zhang_wei\n"
        "2024002,Ann Lee,,L-2,ann lee.ipynb\n2024003,Bob,,L-3,bob\n",
        encoding="utf-8",
    )
    out = tmp_path / "out"
    first = grade([subs], out, roster=tmp_path / "roster.csv", progress=False, seed=7)
    assert sorted(r.student for r in first) == ["2024001", "2024002"]
    (subs / "bob").mkdir()
    shutil.copy(blank, subs / "bob" / "late.ipynb")
    shutil.copy(blank, subs / "mallory.ipynb")
    second = grade([subs], out, roster=tmp_path / "roster.csv", progress=False, seed=7)
    assert sorted(r.student for r in second) == ["2024003", "mallory"]  # the others are not regraded
    assert "not on the roster" in {r.student: r for r in second}["mallory"].reason
    with sqlite3.connect(out / "gradebook.sqlite") as db:
        names = dict(db.execute("SELECT student, name FROM students"))
    assert names["2024001"] == "张伟" and names["2024003"] == "Bob"


def test_every_roster_student_has_a_row_and_one_file_each(tmp_path):
    """A roster student without a file gets 0 with the reason; of two files for one exercise
    the newer is graded and the older named; the command exits non-zero naming the missing one."""
    subs = tmp_path / "subs"
    (subs / "ann").mkdir(parents=True)
    blank = EXERCISES_DIR / "ch01_crm_overview.ipynb"
    shutil.copy(blank, subs / "ann" / "first_try.ipynb")
    shutil.copy(blank, subs / "ann" / "final.ipynb")
    os.utime(subs / "ann" / "first_try.ipynb", (1_700_000_000, 1_700_000_000))
    roster = tmp_path / "roster.csv"
    roster.write_text(
        "student_id,name,email,lms_id,file\nA1,Ann,,,ann\nB2,王芳,,,wang_fang\n", encoding="utf-8"
    )
    from crm_lessons.grading import grade_main

    code = grade_main(
        [
            str(subs),
            "--out",
            str(tmp_path / "out"),
            "--roster",
            str(roster),
            "--exercise",
            "ch01",
            "--seed",
            "7",
            "--no-progress",
            "--insecure",
        ]
    )
    assert code == 1
    with sqlite3.connect(tmp_path / "out" / "gradebook.sqlite") as db:
        query = "SELECT student, status, reason, points, file FROM submissions"
        rows = {r[0]: r[1:] for r in db.execute(query)}
    assert rows["B2"][:3] == ("not gradable", "no submission found for this student", 0.0)
    assert rows["A1"][0] == "graded" and rows["A1"][3].endswith("final.ipynb")
    assert "first_try.ipynb" in rows["A1"][1]
