"""The grader: solutions score full marks, blanks zero; resume; regrade; safe feedback pages."""

from __future__ import annotations

import json
import os
import shutil
import sqlite3
from pathlib import Path

import pytest

from crm_lessons.exercise_build import EXERCISES_DIR, exercise_id, solution_notebooks
from crm_lessons.exercises import get_exercise
from crm_lessons.grading import find_submissions, grade, student_names
from crm_lessons.grading.gradebook import QuestionResult, SubmissionResult, feedback_html


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
        assert r.points == get_exercise(ex).total_points, [(q.question, q.points, q.reason) for q in r.questions]


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
    r.questions = [QuestionResult("q1", 0, 1, "run", "wrong", "raised <img src=x onerror=alert(1)>", "hint & more")]
    page = feedback_html(r)
    assert "<script>" not in page and "<img" not in page and "&lt;img" in page and "hint &amp; more" in page


def test_student_names_are_safe_and_unique(tmp_path):
    paths = [Path("a/../x y.ipynb"), Path("b/x y.ipynb"), Path("c/<evil>.ipynb")]
    names = student_names(paths)
    assert len(set(names.values())) == 3
    assert all(set(n) <= set("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789._-") for n in names.values())


def test_find_submissions_walks_folders_and_rejects_missing(tmp_path):
    (tmp_path / "d" / ".ipynb_checkpoints").mkdir(parents=True)
    (tmp_path / "d" / "a.ipynb").write_text("{}")
    (tmp_path / "d" / ".ipynb_checkpoints" / "a-checkpoint.ipynb").write_text("{}")
    assert [p.name for p in find_submissions([tmp_path / "d"])] == ["a.ipynb"]
    with pytest.raises(FileNotFoundError, match="submissions"):
        find_submissions([tmp_path / "nope.ipynb"])


@pytest.mark.skipif(os.geteuid() != 0, reason="changing user needs root")
def test_sandbox_exposes_the_needed_folder_and_hides_its_neighbours(tmp_path):
    from crm_lessons.grading.zygote import drop_privileges, expose_paths

    closed = tmp_path / "closed"
    (closed / "keep" / "deeper").mkdir(parents=True)
    (closed / "keep" / "deeper" / "module.py").write_text("x = 1")
    (closed / "secret.txt").write_text("answers")
    os.chmod(closed, 0o700)
    stash = tmp_path / "stash"
    stash.mkdir()
    read_end, write_end = os.pipe()  # the child cannot reach tmp_path's folders as another user
    pid = os.fork()
    if pid == 0:  # the child: sandbox, become another user, look around
        code = 1
        try:
            assert expose_paths([str(closed / "keep" / "deeper")], str(stash))
            drop_privileges(61999)
            seen = {
                "module": (closed / "keep" / "deeper" / "module.py").read_text(),
                "neighbours": sorted(os.listdir(closed)),
                "secret": (closed / "secret.txt").exists(),
                "uid": os.getuid(),
            }
            os.write(write_end, json.dumps(seen).encode())
            code = 0
        finally:
            os._exit(code)
    os.close(write_end)
    _, status = os.waitpid(pid, 0)
    assert os.WEXITSTATUS(status) == 0
    with os.fdopen(read_end) as f:
        seen = json.loads(f.read())
    assert seen == {"module": "x = 1", "neighbours": ["keep"], "secret": False, "uid": 61999}
    assert (closed / "secret.txt").read_text() == "answers"  # the grader's view is unchanged


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
    full = get_exercise(exercise_id(sol)).total_points
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
