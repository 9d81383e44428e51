"""The exercise sets teach the chapters: a question per section, written questions with rubrics,
compute questions that ask for the method, and a Chinese edition equal to the English one (issues 10, 11)."""

from __future__ import annotations

import json
import re
import shutil
import tomllib
from pathlib import Path

import nbformat
import pytest

from crm_lessons import exercises as ex
from crm_lessons.exercise_build import (
    EXERCISES_DIR,
    edition,
    exercise_id,
    solution_notebooks,
    stale_notebooks,
    student_notebook,
)

ROOT = Path(__file__).resolve().parent.parent
BANK_DIR = ROOT / "crm_lessons" / "exercise_bank"
SOURCES = sorted((ROOT / "notebooks" / "src").glob("0[1-9]_*.md"))
CHAPTERS = [f"ch{p.name[:2]}" for p in SOURCES]
ZH_DIR = EXERCISES_DIR / "zh"


def bank(chapter: str) -> dict:
    return tomllib.loads((BANK_DIR / f"{chapter}.toml").read_text(encoding="utf-8"))


def chapter_sections(source: Path) -> list[str]:
    """Section ids of a chapter from its English ``##`` headings ("1.4", "3", "opening")."""
    text = source.read_text(encoding="utf-8")
    cells = re.split(r"^\+\+\+.*$", text, flags=re.M)
    marks = [""] + re.findall(r"^\+\+\+.*$", text, flags=re.M)
    found = []
    for mark, cell in zip(marks, cells):
        if '"zh"' in mark:
            continue
        for heading in re.findall(r"^## (.+)$", cell, flags=re.M):
            if heading.startswith(("Summary", "Review questions")):
                continue
            number = re.match(r"(\d+(?:\.\d+)?)\.?\s", heading)
            found.append(number.group(1) if number else heading.split()[0].lower().rstrip(":"))
    return found


@pytest.mark.parametrize("source", SOURCES, ids=lambda p: p.stem)
def test_every_section_of_the_chapter_has_a_question(source):
    sections = chapter_sections(source)
    assert len(sections) >= 5, sections
    asked = {q["section"] for q in bank(f"ch{source.name[:2]}")["questions"]}
    assert set(sections) - asked == set(), f"sections without a question: {sorted(set(sections) - asked)}"
    assert asked <= set(sections), (
        f"questions point at sections the chapter lacks: {sorted(asked - set(sections))}"
    )


@pytest.mark.parametrize("chapter", CHAPTERS)
def test_concept_compute_and_written_questions_in_every_chapter(chapter):
    kinds = {q["kind"] for q in bank(chapter)["questions"]}
    assert kinds & {"choice", "multichoice", "match"}, chapter
    assert kinds & {"compute", "function"}, chapter
    assert "written" in kinds, chapter


@pytest.mark.parametrize("chapter", CHAPTERS)
def test_written_questions_have_a_bilingual_rubric_that_adds_up(chapter):
    exercise = ex.get_exercise(chapter)
    written = [q for q in exercise.questions if q.source == "written"]
    assert written
    for q in written:
        assert len(q.rubric) >= 3, q.id
        assert sum(p for _, p in q.rubric) == q.points, q.id
        zh = q.text("rubric", "zh")
        assert [p for _, p in zh] == [p for _, p in q.rubric], q.id
        assert all(re.search(r"[\u4e00-\u9fff]", c) for c, _ in zh), q.id
        # interpret a result and recommend a decision, in both languages
        assert "interpret" in q.prompt.lower() and "recommend" in q.prompt.lower(), q.id
        assert "解读" in q.text("prompt", "zh") and "建议" in q.text("prompt", "zh"), q.id
        assert q.min_words >= 40, q.id


def test_no_question_calls_the_chapters_formula_the_courses():
    text = "".join(p.read_text(encoding="utf-8") for p in BANK_DIR.glob("ch*.toml"))
    assert "course's formula" not in text and "course's customer lifetime value" not in text
    assert "课程公式" not in text and "课程中的客户终身价值" not in text
    ch04 = (BANK_DIR / "ch04.toml").read_text(encoding="utf-8")
    assert "the chapter's formula" in ch04 and "本章给出的公式" in ch04


#: Code a compute question's text must not hand over: the functions that compute the answer.
HANDED_OVER = re.compile(
    r"value_counts|groupby|\.dt\.|nunique|qcut|\.mean\(|\.sum\(|agg\(|crm_lessons\.|"
    r"top_share|customer_totals|\.isin|set\(|\bif\b.*\breturn\b"
)


@pytest.mark.parametrize("chapter", CHAPTERS)
def test_compute_questions_ask_for_the_method_and_point_at_the_chapter(chapter):
    for q in bank(chapter)["questions"]:
        if q["kind"] not in ("compute", "function"):
            continue
        for lang in ("en", "zh"):
            texts = [q["prompt"][lang], *q["hints"][lang]]
            assert not [t for t in texts if HANDED_OVER.search(t)], (chapter, q["id"], lang)
        assert any(re.search(r"[Ss]ection \d|§", h) for h in q["hints"]["en"]), (chapter, q["id"])
        assert any(re.search(r"第[\d.]+节", h) for h in q["hints"]["zh"]), (chapter, q["id"])


def _outputs(path: Path) -> str:
    nb = json.loads(path.read_text(encoding="utf-8"))
    parts = []
    for cell in nb["cells"]:
        for out in cell.get("outputs", []):
            data = out.get("data", {})
            parts.append("".join(data.get("text/plain", "")) + "".join(out.get("text", "")))
    return "\n".join(parts)


@pytest.mark.parametrize(
    ("chapter", "notebook", "numbers"),
    [
        (
            "ch02",
            "02_customer_analysis",
            [
                "Of the 250 key accounts (class A), 87 bought less in 2024 than in 2023 and "
                "19 bought nothing in 2024"
            ],
        ),
        (
            "ch04",
            "04_loyalty",
            [
                "Response 27.0 % with the programme, 22.0 % in the control group: uplift +4.9 "
                "percentage points (95 % interval +1.0 to +8.9 points), p = 0.014",
                "Spend per customer +616 CNY",
            ],
        ),
    ],
)
def test_numbers_quoted_by_written_questions_are_the_chapters_outputs(chapter, notebook, numbers):
    shown = _outputs(ROOT / "notebooks" / f"{notebook}.ipynb")
    for sentence in numbers:
        assert sentence in shown, sentence
    prompt = next(q for q in bank(chapter)["questions"] if q["kind"] == "written")["prompt"]
    for number in re.findall(r"\d+(?:\.\d+)?", numbers[0]):
        if number not in ("95", "2023", "2024"):
            assert number in prompt["en"] and number in prompt["zh"], number


# ------------------------------------------------------------------ the Chinese edition


def test_chinese_edition_is_built_and_current():
    names = sorted(p.name for p in solution_notebooks())
    assert sorted(p.name for p in ZH_DIR.glob("ch[0-9][0-9]_*.ipynb")) == names
    assert sorted(p.name for p in (ZH_DIR / "solutions").glob("ch[0-9][0-9]_*.ipynb")) == names
    assert stale_notebooks() == [], "run `crm-lessons exercises build --lang zh` and commit exercises/zh/"


def test_a_stale_chinese_notebook_fails_the_check(tmp_path):
    copy = tmp_path / "exercises"
    shutil.copytree(EXERCISES_DIR, copy, symlinks=True, ignore=shutil.ignore_patterns(".crm_answers"))
    assert stale_notebooks(copy) == []
    sol_path = copy / "solutions" / solution_notebooks()[0].name
    sol = nbformat.read(str(sol_path), as_version=4)
    zh_cell = next(c for c in sol.cells if c.metadata.get("lang") == "zh")
    zh_cell.source += "\n\n（修改过的说明）"
    nbformat.write(sol, str(sol_path))
    problems = stale_notebooks(copy)
    assert f"zh/{sol_path.name}: out of date with solutions/{sol_path.name}" in problems
    # a hand-edited Chinese solution is stale too
    shutil.copy(EXERCISES_DIR / "solutions" / sol_path.name, sol_path)
    zh_sol = copy / "zh" / "solutions" / sol_path.name
    nb = nbformat.read(str(zh_sol), as_version=4)
    nb.cells[0].source += " 改"
    nbformat.write(nb, str(zh_sol))
    assert stale_notebooks(copy) == [
        f"zh/solutions/{sol_path.name}: out of date with solutions/{sol_path.name}"
    ]


def _normalised_code(nb) -> list[str]:
    out = []
    for cell in nb.cells:
        if cell.cell_type != "code":
            continue
        src = re.sub(r'^lang = "\w+"\n?', "", cell.source, flags=re.M)
        out.append(src.replace(", lang=lang)", ")"))
    return out


@pytest.mark.parametrize("sol_path", solution_notebooks(), ids=lambda p: p.name)
def test_both_editions_run_the_same_code_and_show_their_own_language(sol_path):
    en = nbformat.read(str(EXERCISES_DIR / sol_path.name), as_version=4)
    zh = nbformat.read(str(ZH_DIR / sol_path.name), as_version=4)
    assert _normalised_code(en) == _normalised_code(zh)
    assert [c.cell_type for c in en.cells] == [c.cell_type for c in zh.cells]
    en_md = [c.source for c in en.cells if c.cell_type == "markdown"]
    zh_md = [c.source for c in zh.cells if c.cell_type == "markdown"]
    assert [s.split("\n")[0].startswith("## ") for s in en_md] == [
        s.split("\n")[0].startswith("## ") for s in zh_md
    ]
    for text in zh_md:
        han = len(re.findall(r"[\u4e00-\u9fff]", text))
        latin = len(re.findall(r"[A-Za-z]{3,}", re.sub(r"`[^`]*`|\([A-Z][a-z ]+\)", "", text)))
        assert han > latin, text[:80]
    assert 'lang = "zh"' in zh.cells[1].source and ex.ANSWER_MIME
    # the widgets, feedback and hints speak Chinese in the Chinese edition
    shown = _outputs(ZH_DIR / sol_path.name)
    assert "尚未作答" in shown and "not answered yet" not in shown
    assert "not answered yet" in _outputs(EXERCISES_DIR / sol_path.name)
    assert nbformat.read(str(ZH_DIR / sol_path.name), as_version=4).metadata["crm_lessons"]["lang"] == "zh"


@pytest.mark.parametrize("sol_path", solution_notebooks(), ids=lambda p: p.name)
def test_questions_answered_in_code_or_words_are_stated_in_both_editions(sol_path):
    exercise = ex.get_exercise(exercise_id(sol_path))
    solution = nbformat.read(str(sol_path), as_version=4)
    for lang in ("en", "zh"):
        text = "\n".join(
            c.source for c in student_notebook(solution, lang).cells if c.cell_type == "markdown"
        )
        for q in exercise.questions:
            if q.source == "widget":
                continue  # ex.ask shows the prompt
            assert q.text("prompt", lang) in text, (q.id, lang)
            if q.source == "written":
                criteria = q.rubric if lang == "en" else q.text("rubric", lang)
                assert all(c in text for c, _ in criteria), (q.id, lang)


@pytest.mark.parametrize("sol_path", solution_notebooks(), ids=lambda p: p.name)
def test_chinese_solution_records_the_same_answers_under_the_same_ids(sol_path):
    en = json.loads(sol_path.read_text(encoding="utf-8"))
    zh = json.loads((ZH_DIR / "solutions" / sol_path.name).read_text(encoding="utf-8"))
    exercise = ex.get_exercise(exercise_id(sol_path))
    en_answers, zh_answers = ex.saved_answers(en, exercise.id), ex.saved_answers(zh, exercise.id)
    assert en_answers.keys() == zh_answers.keys()
    for q in exercise.questions:
        if q.source == "widget":
            assert en_answers[q.id] == zh_answers[q.id], q.id
        elif q.source == "written":
            assert len(re.findall(r"[\u4e00-\u9fff]", zh_answers[q.id])) >= 100, (
                q.id
            )  # a Chinese model answer
            assert not re.search(r"[\u4e00-\u9fff]", en_answers[q.id]), q.id
    # the student's edition holds no model answer
    student = "\n".join(
        c.source for c in edition(nbformat.read(str(ZH_DIR / sol_path.name), as_version=4), "zh").cells
    )
    assert "BEGIN SOLUTION" not in student and "ex.answer(" not in student


def test_written_feedback_counts_chinese_characters(tmp_path, monkeypatch):
    from IPython.core.interactiveshell import InteractiveShell

    monkeypatch.delenv("JPY_SESSION_NAME", raising=False)
    monkeypatch.setattr(InteractiveShell, "display_pub", None, raising=False)
    shown = []
    monkeypatch.setattr(ex, "_emit", lambda q, answer, text, html_text, update=False: shown.append(text))
    ex.start("ch04", answers_dir=tmp_path, lang="zh")
    ex.write("q11", "结果显示忠诚计划提高了响应率。")
    assert shown[-1].startswith("q11：答案已记录，共 14 字（本题要求至少 100 字）")
    ex.write("q11", "")
    assert "尚未作答" in shown[-1]
    ex.start("ch04", answers_dir=tmp_path, lang="en")
    ex.write("q11", "The programme raised response by five points.")
    assert shown[-1].startswith("q11: answer recorded, 7 words (the question asks for at least 60 words)")


def test_a_chinese_release_holds_the_chinese_notebooks(tmp_path):
    from crm_lessons.exercise_build import release

    release(tmp_path / "zh", graded=True, key_out=tmp_path / "key", lang="zh")
    for sol in solution_notebooks():
        nb = nbformat.read(str(tmp_path / "zh" / sol.name), as_version=4)
        assert nb.metadata["crm_lessons"]["lang"] == "zh" and 'lang = "zh"' in nb.cells[1].source
    assert not (tmp_path / "zh" / "key").exists()


@pytest.fixture(scope="module")
def graded_chinese(tmp_path_factory):
    """The grader on the Chinese solutions and a blank Chinese notebook."""
    from crm_lessons.grading import grade

    subs = tmp_path_factory.mktemp("zh_subs")
    for sol in solution_notebooks():
        shutil.copy(ZH_DIR / "solutions" / sol.name, subs / f"zh_full_{exercise_id(sol)}.ipynb")
    shutil.copy(ZH_DIR / solution_notebooks()[-1].name, subs / "zh_blank.ipynb")
    out = tmp_path_factory.mktemp("zh_graded") / "out"
    return {r.student: r for r in grade([subs], out, progress=False, cell_timeout=60, notebook_timeout=120)}


def test_the_grader_grades_a_chinese_submission_like_an_english_one(graded_chinese):
    for sol in solution_notebooks():
        chapter = exercise_id(sol)
        r = graded_chinese[f"zh_full_{chapter}"]
        assert r.exercise == chapter and r.status == "graded"
        exercise = ex.get_exercise(chapter)
        automatic = sum(q.points for q in exercise.questions if q.source != "written")
        assert r.points == automatic, [(q.question, q.points, q.reason) for q in r.questions]
        assert [q.question for q in r.questions] == [q.id for q in exercise.questions]
        written = [q for q in r.questions if q.source == "written"]
        assert written and all(q.points == 0 and q.status != "unanswered" for q in written)
    blank = graded_chinese["zh_blank"]
    assert blank.points == 0 and all(q.status == "unanswered" for q in blank.questions)


# ------------------------------------------------------------------ the READMEs


def _table(readme: Path) -> dict[str, list[str]]:
    rows = {}
    for line in readme.read_text(encoding="utf-8").splitlines():
        m = re.match(r"\| `(ch\d\d_\w+\.ipynb)` \|(.*)\|$", line)
        if m:
            cells = [c.strip() for c in m.group(2).split("|")]
            rows[m.group(1)] = [" ".join(re.findall(r"\d+", c)) for c in cells[1:]]
    return rows


def test_readme_tables_count_the_questions_and_points_of_the_bank():
    for readme in (EXERCISES_DIR / "README.md", EXERCISES_DIR / "README.zh.md"):
        table = _table(readme)
        assert sorted(table) == sorted(p.name for p in solution_notebooks()), readme.name
        for name, cells in table.items():
            exercise = ex.get_exercise(name[:4])
            by_kind = []
            for source in ("widget", "run", "written"):
                qs = [q for q in exercise.questions if q.source == source]
                by_kind.append(f"{len(qs)} {sum(q.points for q in qs):g}")
            assert cells == [*by_kind, f"{exercise.total_points:g}"], (readme.name, name)


def test_chinese_readme_keeps_in_step_with_the_english_one():
    en = (EXERCISES_DIR / "README.md").read_text(encoding="utf-8")
    zh = (EXERCISES_DIR / "README.zh.md").read_text(encoding="utf-8")
    commands = set(re.findall(r"`(crm-lessons [^`]+)`", en))
    assert len(commands) >= 10
    missing = sorted(c for c in commands if c not in zh)
    assert missing == [], missing
    assert [h.count("#") for h in re.findall(r"^#+ ", en, flags=re.M)] == [
        h.count("#") for h in re.findall(r"^#+ ", zh, flags=re.M)
    ]
    assert "README.zh.md" in en and "README.md" in zh


def test_chinese_feedback_says_why_in_chinese(tmp_path, monkeypatch):
    import pandas as pd

    monkeypatch.delenv("JPY_SESSION_NAME", raising=False)
    shown = []
    monkeypatch.setattr(ex, "_emit", lambda q, answer, text, html_text, update=False: shown.append(text))
    ex.start("ch02", answers_dir=tmp_path, lang="zh", key_dir=EXERCISES_DIR / "key")
    ex.check("q5", pd.Series({"A": 0.5, "B": 0.3, "D": 0.2}))
    why = "3 个值中有 0 个正确；有 1 个多余的索引标签"
    assert shown[-1].startswith(f"q5：还不对（{why}）——0/2 分。提示：第4节")
    ex.answer("q13", "differentiation")
    ex.ask("q13")
    assert "这个选项不对" in shown[-1] and "not the right option" not in shown[-1]
    graded = tmp_path / "graded"
    graded.mkdir()
    ex.start("ch02", answers_dir=graded, lang="zh")  # no key beside it: format feedback only
    ex.check("q5", pd.Series({"A": 1.5}))
    assert "缺少这些索引标签：B, C" in shown[-1] and "值 1.5 大于 1" in shown[-1]
