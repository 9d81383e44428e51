"""Feedback pages (crm_lessons.grading.feedback): answer next to expected, what was wrong, hints, release."""

from __future__ import annotations

import zipfile

import pytest
from gradebook_samples import make_gradebook

from crm_lessons.cli import main as cli_main
from crm_lessons.exercises import get_exercise
from crm_lessons.grading.feedback import explain, page_html, release
from crm_lessons.grading.gradebook import Gradebook, QuestionResult, SubmissionResult


def series(d):
    return {"__series__": {"index": list(d), "values": list(d.values())}}


def test_explain_names_labels_and_values():
    got, ref = series({"gold": 0.8, "bronze": 0.1}), series({"gold": 0.8, "silver": 0.5})
    assert explain(got, ref) == ["missing index labels: silver", "unexpected index labels: bronze"]
    assert explain(series({"gold": 0.7, "silver": 0.5}), ref) == ["gold: 0.7 where 0.8 was expected"]
    assert explain(series({"gold": 0.7, "silver": 0.5}), ref, lang="zh") == ["gold：得到 0.7，应为 0.8"]
    assert explain(3, ref) == ["a pandas Series was expected, the answer was a number"]


def test_explain_frames_numbers_choices_groups_and_functions():
    ref = {"__frame__": {"columns": ["r", "f"], "index": ["a", "b"], "data": [[1, 2], [3, 4]]}}
    got = {"__frame__": {"columns": ["r"], "index": ["a", "c"], "data": [[1], [9]]}}
    assert explain(got, ref) == [
        "missing columns: f",
        "missing rows (index labels): b",
        "unexpected rows (index labels): c",
    ]
    got = {"__frame__": {"columns": ["r", "f"], "index": ["a", "b"], "data": [[1, 2], [3, 5]]}}
    assert explain(got, ref) == ["row b, column f: 5 where 4 was expected"]
    assert explain(0.3, 0.25) == ["0.3 where 0.25 was expected (20% too high)"]
    assert explain(0.2, 0.25, lang="zh") == ["得到 0.2，应为 0.25（偏低 20%）"]
    assert explain(["a", "c"], ["a", "b"]) == ["not ticked but right: b", "ticked but wrong: c"]
    assert explain({"x": "g1", "y": None}, {"x": "g1", "y": "g2"}) == [
        "'y': you chose no group, it belongs in g2"
    ]
    cases = [{"value": 1.0}, {"error": "KeyError: 'revenue'"}, {"value": 3.0}]
    assert explain(cases, [1.0, 2.0, 4.0]) == [
        "test case 2: your function raised KeyError: 'revenue'",
        "test case 3: 3 where 4 was expected (25% too low)",
    ]
    assert explain(None, 1.0) == ["no answer was recorded"]


def test_page_shows_answer_expected_what_was_wrong_and_escapes(tmp_path):
    out = make_gradebook(tmp_path / "g")
    book = Gradebook(out)
    try:
        page = page_html(book.db, "2024001", "t1")
    finally:
        book.close()
    assert "Your answer" in page and "Expected" in page and "What the marker looked for" in page
    assert "missing index labels: silver" in page and "unexpected index labels: bronze" in page
    assert "names the segment to keep (1 pt)" in page
    assert "应该保留金卡客户" in page  # the written answer, as written
    assert "Group by tier." in page  # the hint stored with the grade (exercise t1 is not in the bank)


def test_page_in_chinese_uses_the_bank_texts_and_option_labels(tmp_path):
    q1 = get_exercise("ch01").question("q1")
    out = tmp_path / "g"
    out.mkdir()
    book = Gradebook(out)
    try:
        book.record(
            SubmissionResult(
                "张伟",
                "ch01",
                str(out / "a.ipynb"),
                "x",
                "graded",
                "",
                [
                    QuestionResult(
                        "q1",
                        0,
                        1,
                        "widget",
                        "wrong",
                        "not the right option",
                        answer="operational",
                        expected="analytical",
                    ),
                    QuestionResult(
                        "q6",
                        0,
                        2,
                        "run",
                        "unanswered",
                        "not answered",
                        answer="<script>alert(1)</script>",
                        expected=1.0,
                    ),
                ],
            )
        )
        page = page_html(book.db, "张伟", "ch01", lang="zh")
    finally:
        book.close()
    assert q1.text("prompt", "zh") in page
    assert all(h in page for h in q1.text("hints", "zh"))  # every hint, not only the first
    assert "运营型" in page and "分析型" in page  # the options as the Chinese edition names them
    assert "你的答案" in page and "参考答案" in page and "错误" in page
    assert "not the right option" not in page  # the scoring code's reason, in Chinese too
    assert "<script>" not in page and "&lt;script&gt;" in page


def test_a_chinese_edition_submission_gets_a_chinese_page_by_default(tmp_path):
    book = Gradebook(tmp_path)
    try:
        for student, lang in (("2024001", "zh"), ("2024002", "en")):
            q = QuestionResult("q1", 0, 1, "click", "wrong", "not the right option", answer="operational")
            book.record(
                SubmissionResult(student, "ch01", f"{student}.ipynb", "sha", "graded", "", [q], lang=lang)
            )
        zh_page, en_page = page_html(book.db, "2024001", "ch01"), page_html(book.db, "2024002", "ch01")
        assert "你的答案" in zh_page and "Your answer" in en_page  # each page in its edition's language
        book.set_meta("feedback_lang", "en")  # the instructor's --lang wins over the edition
        assert "Your answer" in page_html(book.db, "2024001", "ch01")
    finally:
        book.close()


def test_release_writes_one_page_per_student_and_a_zip(tmp_path, capsys):
    out = make_gradebook(tmp_path / "g")
    pages, zip_path = release(out, lang="zh")
    assert sorted(p.name for p in pages) == [f"20240{i:02d}_t1.html" for i in range(1, 5)]
    with zipfile.ZipFile(zip_path) as z:
        assert sorted(z.namelist()) == sorted([p.name for p in pages] + ["index.json"])
    assert "练习 t1" in (out / "feedback" / "2024002_t1.html").read_text(encoding="utf-8")
    book = Gradebook(out)
    try:
        assert book.meta("feedback_lang") == "zh"  # pages written later (new marks) stay Chinese
    finally:
        book.close()
    assert cli_main(["feedback", str(out), "--student", "2024001", "--zip", str(tmp_path / "one.zip")]) == 0
    assert "1 feedback page(s)" in capsys.readouterr().out
    with pytest.raises(ValueError, match="lang: 'fr'"):
        release(out, lang="fr")
    with pytest.raises(SystemExit):
        cli_main(["feedback", "--help"])
    assert "example: crm-lessons feedback graded/ch01 --lang zh" in capsys.readouterr().out
