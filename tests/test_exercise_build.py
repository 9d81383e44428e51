"""Student exercise notebooks are generated from the solutions and kept up to date."""

from __future__ import annotations

import json

import nbformat
import pytest

from crm_lessons import exercises as ex
from crm_lessons.exercise_build import (
    EXERCISES_DIR,
    exercise_id,
    solution_notebooks,
    stale_notebooks,
    student_notebook,
    student_source,
)


def test_solution_blocks_removed_and_student_lines_uncommented():
    src = (
        "a = 1\n### BEGIN SOLUTION\nb = 2\n### END SOLUTION\n"
        "### STUDENT: b = None  # yours\n    ### STUDENT: pass"
    )
    assert student_source(src) == "a = 1\nb = None  # yours\n    pass"


def test_unbalanced_markers_are_an_error():
    with pytest.raises(ValueError, match="without"):
        student_source("### BEGIN SOLUTION\nx = 1")
    with pytest.raises(ValueError, match="without"):
        student_source("x = 1\n### END SOLUTION")


def test_committed_student_notebooks_are_up_to_date():
    assert solution_notebooks(), "no solution notebooks in exercises/solutions/"
    assert stale_notebooks() == [], "run `crm-lessons exercises build` and commit exercises/"


def test_student_versions_hold_no_solution():
    for sol_path in solution_notebooks():
        student = student_notebook(nbformat.read(str(sol_path), as_version=4))
        text = "\n".join(c.source for c in student.cells)
        assert "BEGIN SOLUTION" not in text and "ex.answer(" not in text, sol_path.name


@pytest.mark.parametrize("sol_path", solution_notebooks(), ids=lambda p: p.name)
def test_notebook_matches_its_question_bank(sol_path):
    nb = json.loads(sol_path.read_text(encoding="utf-8"))
    exercise = ex.get_exercise(exercise_id(sol_path))
    sources = "\n".join("".join(c["source"]) for c in nb["cells"])
    for q in exercise.questions:
        calls = {"widget": f'ex.ask("{q.id}")', "written": f'ex.write("{q.id}"'}
        call = calls.get(q.source, f'ex.check("{q.id}"')
        assert call in sources, (sol_path.name, q.id)


@pytest.mark.parametrize("sol_path", solution_notebooks(), ids=lambda p: p.name)
def test_solution_outputs_carry_every_right_widget_answer(sol_path):
    nb = json.loads(sol_path.read_text(encoding="utf-8"))
    exercise = ex.get_exercise(exercise_id(sol_path))
    saved = ex.saved_answers(nb, exercise.id)
    data = ex.CaseData()
    for q in exercise.questions:
        if q.source == "widget":
            keyed = ex.with_key(exercise, ex.load_key(EXERCISES_DIR / "key", exercise.id)).question(q.id)
            assert q.score(saved.get(q.id), keyed.reference(data))[0] == 1.0, (sol_path.name, q.id)


@pytest.mark.parametrize("path", sorted(EXERCISES_DIR.glob("ch[0-9][0-9]_*.ipynb")), ids=lambda p: p.name)
def test_blank_student_notebooks_ran_without_errors_and_say_not_answered(path):
    nb = json.loads(path.read_text(encoding="utf-8"))
    outputs = [o for c in nb["cells"] if c["cell_type"] == "code" for o in c["outputs"]]
    assert outputs, "student notebooks are committed with outputs"
    assert not [o for o in outputs if o["output_type"] == "error"]
    answers = [o for o in outputs if ex.ANSWER_MIME in o.get("data", {})]
    assert answers and all(o["data"][ex.ANSWER_MIME].get("answer") is None for o in answers)
    assert all("not answered yet" in "".join(o["data"]["text/plain"]) for o in answers)


def test_chinese_edition_from_the_same_source():
    """exercises/zh/ is made from the same solution: Chinese markdown only, lang passed to ex.start."""
    from crm_lessons.exercise_build import edition

    sol = nbformat.read(str(solution_notebooks()[0]), as_version=4)
    sol.cells.insert(1, nbformat.v4.new_markdown_cell("中文说明", metadata={"lang": "zh"}))
    sol.cells.insert(1, nbformat.v4.new_markdown_cell("English note", metadata={"lang": "en"}))
    zh = student_notebook(sol, "zh")
    text = "\n".join(c.source for c in zh.cells)
    assert "中文说明" in text and "English note" not in text
    assert 'lang = "zh"' in text and 'ex.start("ch01", data_dir, lang=lang)' in text
    en = edition(sol, "en")
    assert "English note" in "\n".join(c.source for c in en.cells) and "lang=lang" not in "\n".join(
        c.source for c in en.cells
    )
    with pytest.raises(ValueError, match="lang"):
        edition(sol, "fr")


def test_graded_release_has_no_key_and_practice_release_has_it(tmp_path):
    from crm_lessons.exercise_build import release

    practice = release(tmp_path / "practice", graded=False)
    assert (tmp_path / "practice" / "key" / "ch01.py").exists()
    assert any(p.name == "ch01_crm_overview.ipynb" for p in practice)
    release(tmp_path / "graded", graded=True, key_out=tmp_path / "grader_key")
    shipped = [p.name for p in (tmp_path / "graded").rglob("*")]
    assert "key" not in shipped and not any(n.endswith(".py") for n in shipped)
    assert not any("solution" in n for n in shipped)
    assert (tmp_path / "grader_key" / "ch04.py").exists()
    with pytest.raises(ValueError, match="must not be inside"):
        release(tmp_path / "graded2", graded=True, key_out=tmp_path / "graded2" / "key")
    with pytest.raises(ValueError, match="needs --key-out"):
        release(tmp_path / "graded3", graded=True)
