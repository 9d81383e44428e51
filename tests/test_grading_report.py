"""The class report (crm_lessons.grading.report): its numbers, its page, its command."""

from __future__ import annotations

import pytest
from gradebook_samples import make_gradebook

from crm_lessons.cli import main as cli_main
from crm_lessons.grading.report import class_tables, report_html, short_answer, write_report


@pytest.fixture(scope="module")
def book(tmp_path_factory):
    return make_gradebook(tmp_path_factory.mktemp("report") / "graded")


def test_summary_per_exercise(book):
    s = class_tables(book)["summary"].set_index("exercise").loc["t1"]
    # graded: 2/5, 1/5, 3/5 -> 40, 20, 60 %; the not-gradable one has no maximum and is counted apart
    assert (s["submissions"], s["mean_percent"], s["median_percent"], s["min_percent"], s["max_percent"]) == (
        4,
        40.0,
        40.0,
        20.0,
        60.0,
    )
    assert (s["full_marks"], s["not_gradable"], s["partly_run"], s["to_mark"]) == (0, 1, 0, 2)


def test_success_rate_per_question(book):
    q = class_tables(book)["questions"].set_index("question")
    assert list(q.index) == ["q1", "q2", "q3"]
    assert q.loc["q1", "success_rate"] == pytest.approx(2 / 3, abs=1e-3)
    assert q.loc["q2", "success_rate"] == pytest.approx((0.5 + 0.5 + 1) / 3, abs=1e-3)
    assert (q.loc["q1", "correct"], q.loc["q2", "correct"], q.loc["q3", "to_mark"]) == (2, 1, 2)


def test_identical_wrong_answers_are_counted_together(book):
    w = class_tables(book)["wrong"]
    q2 = w[w["question"] == "q2"].iloc[0]
    assert (q2["count"], q2["share_of_wrong"]) == (2, 1.0)
    assert q2["answer"] == "Series gold=0.8, bronze=0.1"
    assert q2["reason"] == "1 of 2 entries match; 1 unexpected index labels"
    assert w[w["question"] == "q1"].iloc[0][["answer", "count"]].tolist() == ["operational", 1]


def test_problem_submissions_listed_with_the_reason(book):
    p = class_tables(book)["problems"].set_index("student")
    assert p.loc["2024004", "status"] == "not gradable"
    assert p.loc["2024004", "reason"].startswith("could not read the notebook")
    assert p.loc["2024003", "reason"] == "output over the limit was dropped"
    assert "2024001" not in p.index


def test_page_has_figures_and_escapes_student_text(book):
    page = report_html(book)
    assert page.count("data:image/png;base64,") == 2
    assert "Re-teach first" in page and "Most common wrong answers" in page
    assert "<script" not in page


def test_short_answer_forms():
    assert short_answer(None) == "(none)"
    assert (
        short_answer('{"__frame__": {"columns": ["r", "f"], "index": [1, 2], "data": [[1, 2], [3, 4]]}}')
        == "DataFrame 2 rows × 2 columns: r, f"
    )
    assert short_answer('[{"value": 1}, {"error": "KeyError: x"}]') == "function: raised KeyError: x"
    assert len(short_answer('"' + "x" * 500 + '"')) == 80


def test_report_command_writes_page_and_tables(book, tmp_path, capsys):
    assert cli_main(["report", str(book), str(tmp_path / "rep")]) == 0
    assert (tmp_path / "rep" / "report.html").exists()
    assert (
        (tmp_path / "rep" / "report_questions.csv")
        .read_text(encoding="utf-8")
        .startswith("exercise,question,")
    )
    assert cli_main(["report", str(tmp_path / "nothing"), str(tmp_path / "rep2")]) == 2
    assert "does not exist" in capsys.readouterr().err
    with pytest.raises(SystemExit):
        cli_main(["report", "--help"])
    assert "example: crm-lessons report" in capsys.readouterr().out


def test_write_report_reads_the_sqlite_file_directly(book, tmp_path):
    assert write_report(book / "gradebook.sqlite", tmp_path / "r").name == "report.html"


def test_page_in_chinese(book):
    page = report_html(book, lang="zh")
    assert "班级成绩报告" in page and "优先重新讲解" in page and "最常见的错误答案" in page
    assert "<th>得分率</th>" in page and "<th>平均 %</th>" in page
    assert page.count("data:image/png;base64,") == 2
    with pytest.raises(ValueError, match="lang: 'fr'"):
        report_html(book, lang="fr")


def test_every_column_has_a_label_in_both_languages():
    from crm_lessons.grading.report import COLUMNS, column_labels

    for lang in ("en", "zh"):
        assert list(column_labels(lang)) == list(COLUMNS)
