"""The student-side exercise API: plain values, comparison, scoring, saved answers, sidecar."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from crm_lessons import exercises as ex
from crm_lessons.exercises import (
    ANSWER_MIME,
    AnswerTypeError,
    Choice,
    Compute,
    Function,
    Match,
    MultiChoice,
    compare_plain,
    saved_answers,
    to_plain,
)


def test_to_plain_numbers_text_and_missing():
    assert to_plain(np.int64(7)) == 7 and type(to_plain(np.int64(7))) is int
    assert to_plain(np.float32(0.5)) == 0.5
    assert to_plain(float("nan")) is None
    assert to_plain(True) is True and to_plain(np.bool_(False)) is False
    assert to_plain(pd.Timestamp("2024-01-02")) == "2024-01-02T00:00:00"


def test_to_plain_series_and_frame_keep_labels():
    s = pd.Series([1.5, 2.5], index=pd.CategoricalIndex(["gold", "ordinary"]))
    assert to_plain(s) == {"__series__": {"index": ["gold", "ordinary"], "values": [1.5, 2.5]}}
    f = pd.DataFrame({"n": [1, 2], "share": [0.25, 0.75]}, index=["A", "B"])
    assert to_plain(f) == {
        "__frame__": {"columns": ["n", "share"], "index": ["A", "B"], "data": [[1, 0.25], [2, 0.75]]}
    }


def test_to_plain_refuses_unknown_objects_and_huge_answers():
    class Anything:
        def __eq__(self, other):
            return True

    with pytest.raises(AnswerTypeError, match="Anything"):
        to_plain(Anything())
    with pytest.raises(AnswerTypeError, match="too large"):
        to_plain(list(range(ex.MAX_ENTRIES + 1)))


def test_float_subclass_with_lying_eq_becomes_its_value():
    class Yes(float):
        def __eq__(self, other):
            return True

        __hash__ = float.__hash__

    plain = to_plain(Yes(0.1))
    assert type(plain) is float and compare_plain(plain, 0.8) == (0.0, "not the expected value")


def test_compare_plain_numbers_use_a_relative_tolerance():
    assert compare_plain(100.00001, 100.0)[0] == 1.0
    assert compare_plain(101.0, 100.0)[0] == 0.0
    assert compare_plain("12", 12)[0] == 0.0
    assert compare_plain(True, 1)[0] == 0.0


def test_compare_plain_series_partial_credit_and_extra_labels():
    ref = to_plain(pd.Series({"a": 1.0, "b": 2.0, "c": 3.0, "d": 4.0}))
    half = to_plain(pd.Series({"a": 1.0, "b": 2.0, "c": 0.0, "d": 0.0}))
    assert compare_plain(half, ref) == (0.5, "2 of 4 entries match")
    extra = to_plain(pd.Series({"a": 1.0, "b": 2.0, "c": 3.0, "d": 4.0, "e": 5.0}))
    assert compare_plain(extra, ref)[0] == 0.75
    assert compare_plain(3.0, ref) == (0.0, "expected a pandas Series")


def test_compare_plain_frames_cell_by_cell():
    ref = to_plain(pd.DataFrame({"x": [1.0, 2.0], "y": [3.0, 4.0]}, index=["p", "q"]))
    got = to_plain(pd.DataFrame({"y": [3.0, 0.0], "x": [1.0, 2.0]}, index=["p", "q"]))  # column order free
    assert compare_plain(got, ref) == (0.75, "3 of 4 cells match")


def test_choice_multichoice_match_scores():
    c = Choice("q", 1, "?", options=("a", "b"), correct="b")
    assert c.score("b", "b") == (1.0, "correct")
    assert c.score("z", "b") == (0.0, "not one of the options")
    m = MultiChoice("q", 2, "?", options=("a", "b", "c", "d"), correct=frozenset({"a", "b"}))
    ref = m.reference(None)
    assert m.score(["a", "b"], ref) == (1.0, "correct")
    assert m.score(["a", "c"], ref)[0] == 0.0  # one right, one wrong
    assert m.score(["a"], ref)[0] == 0.5
    assert m.score(["a", "b", "c", "d"], ref)[0] == 0.0  # ticking everything does not pay
    k = Match("q", 2, "?", items=("x", "y"), groups=("g", "h"), correct={"x": "g", "y": "h"})
    assert k.score({"x": "g", "y": "g"}, k.reference(None)) == (0.5, "1 of 2 items in the right group")


def test_function_question_runs_the_students_function_per_case():
    f = Function("q", 3, "?", reference_fn=lambda n: n * 2, cases=lambda data: [(1,), (2,), ("x",)])
    ref = f.reference(None)
    assert ref == [2, 4, "xx"]
    got = f.prepare(lambda n: n + n if n != 2 else 0, None)
    assert f.score(got, ref) == (2 / 3, "right on 2 of 3 test cases")
    boom = f.prepare(lambda n: 1 / 0, None)
    assert "ZeroDivisionError" in f.score(boom, ref)[1]
    assert f.prepare(42, None) is None


def test_hints_come_in_order_and_never_run_out():
    q = Choice("q", 1, "?", hints=("first", "second"), options=("a",), correct="a")
    assert [q.hint(n) for n in (0, 1, 2, 5)] == ["", "first", "second", "second"]


def test_saved_answers_read_the_last_widget_record_of_the_exercise():
    def rec(q, a, exercise="ch01", source="widget"):
        return {
            "output_type": "display_data",
            "metadata": {},
            "data": {ANSWER_MIME: {"exercise": exercise, "question": q, "answer": a, "source": source}},
        }

    nb = {
        "cells": [
            {"cell_type": "code", "source": "", "outputs": [rec("q1", "a")]},
            {"cell_type": "markdown", "source": "", "outputs": [rec("q1", "zzz")]},  # markdown: ignored
            {
                "cell_type": "code",
                "source": "",
                "outputs": [rec("q1", "b"), rec("q2", "c", "ch02"), rec("q6", 1.0, source="run")],
            },
        ]
    }
    assert saved_answers(nb, "ch01") == {"q1": "b"}


def test_casedata_hands_out_copies(tmp_path):
    data = ex.CaseData()
    first = data.customers
    first["kind"] = "changed"
    assert (data.customers["kind"] != "changed").all()


def test_answers_survive_a_new_session_through_the_sidecar(tmp_path, monkeypatch):
    monkeypatch.delenv("JPY_SESSION_NAME", raising=False)
    ex.start("ch01", answers_dir=tmp_path)
    ex.answer("q1", "analytical")
    saved = json.loads((tmp_path / ".crm_answers" / "ch01.json").read_text())
    assert saved["answers"] == {"q1": "analytical"}
    ex.start("ch01", answers_dir=tmp_path)  # a kernel restart: state comes back from the file
    assert ex._session().state["answers"]["q1"] == "analytical"


def test_sidecar_missing_falls_back_to_the_saved_notebook(tmp_path, monkeypatch):
    nb = {
        "cells": [
            {
                "cell_type": "code",
                "source": "",
                "outputs": [
                    {
                        "output_type": "display_data",
                        "metadata": {},
                        "data": {
                            ANSWER_MIME: {
                                "exercise": "ch01",
                                "question": "q4",
                                "answer": "run the campaign",
                                "source": "widget",
                            }
                        },
                    }
                ],
            }
        ]
    }
    path = tmp_path / "mine.ipynb"
    path.write_text(json.dumps(nb))
    monkeypatch.setenv("JPY_SESSION_NAME", str(path))
    ex.start("ch01", answers_dir=tmp_path)
    assert ex._session().state["answers"] == {"q4": "run the campaign"}


def test_compute_question_reference_is_plain(tmp_path):
    q = Compute("q", 1, "?", reference_fn=lambda data: pd.Series({"a": np.int64(3)}))
    assert q.reference(None) == {"__series__": {"index": ["a"], "values": [3]}}


KEY_DIR = Path(__file__).resolve().parent.parent / "exercises" / "key"


def test_every_bank_question_has_points_hints_and_a_reference():
    ex.import_banks()
    data = ex.CaseData()
    for exercise in ex.EXERCISES.values():
        assert 6 <= len(exercise.questions) <= 16, exercise.id
        keyed = ex.with_key(exercise, ex.load_key(KEY_DIR, exercise.id))
        for q in keyed.questions:
            assert q.points > 0 and len(q.hints) == 2 and all(q.hints), (exercise.id, q.id)
            assert q.reference(data) is not None, (exercise.id, q.id)


def test_every_question_has_chinese_text():
    ex.import_banks()
    for exercise in ex.EXERCISES.values():
        assert exercise.titles["zh"], exercise.id
        for q in exercise.questions:
            zh = q.texts["zh"]
            assert zh["prompt"] and len(zh["hints"]) == 2, (exercise.id, q.id)
            for name in ("options", "items", "groups"):
                if getattr(q, name, ()):
                    assert len(zh[name]) == len(getattr(q, name)), (exercise.id, q.id, name)


def test_installed_package_holds_no_answer_key():
    """The public bank has no correct options and no reference functions (issue 9)."""
    package = Path(ex.__file__).resolve().parent
    text = "".join(
        p.read_text(encoding="utf-8")
        for p in (package / "exercise_bank").iterdir()
        if p.suffix in (".py", ".toml")
    )
    for needle in (
        "correct =",
        "REFERENCES =",
        "reference_fn",
        "def revenue_by_year",
        "def segment_of",
        "def simple_clv",
    ):
        assert needle not in text, needle
    ex.import_banks()
    for exercise in ex.EXERCISES.values():
        for q in exercise.questions:
            assert q.answer_key is None, (exercise.id, q.id)


def test_graded_release_gives_format_feedback_only(tmp_path, monkeypatch):
    from IPython.core.interactiveshell import InteractiveShell

    monkeypatch.delenv("JPY_SESSION_NAME", raising=False)
    shown = []
    monkeypatch.setattr(InteractiveShell, "display_pub", None, raising=False)
    case = ex.start("ch01", answers_dir=tmp_path)  # no key/ beside it: a graded release
    assert ex._session().practice is False
    assert ex._session().reference(ex._session().exercise.question("q6")) is None
    q6 = ex._session().exercise.question("q6")
    text, _ = ex._feedback(q6, ex.to_plain(case.customers["kind"].value_counts()), None, 0, "")
    assert "format looks right" in text and "correct" not in text
    text, _ = ex._feedback(q6, 42, None, 0, "")
    assert "format problem" in text and "expected a pandas Series" in text
    q1 = ex._session().exercise.question("q1")
    text, _ = ex._feedback(q1, "operational", None, 0, "")
    assert "answer recorded" in text and "not yet" not in text
    _ = shown


def test_summary_counts_clicked_and_checked_answers(tmp_path, monkeypatch):
    monkeypatch.delenv("JPY_SESSION_NAME", raising=False)
    case = ex.start("ch01", answers_dir=tmp_path, key_dir=KEY_DIR)
    ex.answer("q1", "analytical")
    ex.answer("q4", "run the campaign")
    ex.check("q6", case.customers["kind"].value_counts())
    table = ex.summary().set_index("question")["earned"]
    assert table[["q1", "q4", "q6", "q7"]].tolist() == [1.0, 0.0, 2.0, 0.0]


def test_frame_comparison_matches_columns_by_name_in_any_order():
    """Linear in the answer's size: columns looked up once, reversed order still matches."""
    frame = pd.DataFrame(np.arange(60, dtype=float).reshape(6, 10), columns=[f"c{i}" for i in range(10)])
    ref = ex.to_plain(frame)
    assert ex.compare_plain(ex.to_plain(frame.iloc[:, ::-1]), ref) == (1.0, "correct")
    wrong = frame.copy()
    wrong.iloc[0, 0] = -1.0
    frac, reason = ex.compare_plain(ex.to_plain(wrong), ref)
    assert frac == pytest.approx(59 / 60) and reason == "59 of 60 cells match"
    forged = {"__frame__": {"columns": ["c0"], "index": [0], "data": "not rows"}}
    assert ex.compare_plain(forged, ref)[0] == 0.0


def test_chinese_feedback_and_labels(tmp_path, monkeypatch):
    monkeypatch.delenv("JPY_SESSION_NAME", raising=False)
    ex.start("ch01", answers_dir=tmp_path, key_dir=KEY_DIR, lang="zh")
    q1 = ex._session().exercise.question("q1")
    text, _ = ex._feedback(q1, "operational", "analytical", 1, "")
    assert text.startswith("q1：还不对") and "提示：" in text
    assert list(q1.text("options", "zh")) == ["运营型", "合作型", "分析型"]
    assert q1.options == ("operational", "collaborative", "analytical")  # answers stay the same
    ex.start("ch01", answers_dir=tmp_path, key_dir=KEY_DIR, lang="en")


# ------------------------------------------------------------------ issue 12: hints, static view, a11y


@pytest.fixture
def shown(monkeypatch):
    """What ``ex.ask`` and the feedback display, as raw bundles (no kernel needed)."""
    import IPython.display

    bundles = []
    monkeypatch.setattr(IPython.display, "display", lambda obj, *a, **k: bundles.append(obj))
    monkeypatch.setattr(IPython.display, "update_display", lambda obj, *a, **k: bundles.append(obj))
    monkeypatch.delenv("JPY_SESSION_NAME", raising=False)
    return bundles


def _check_button(qid):
    import ipywidgets as widgets

    return next(w for w in ex._session().widgets[qid].parent_box.children if isinstance(w, widgets.Button))


def _misses(qid):
    return ex._session().state["misses"].get(qid, 0)


def test_ticks_count_no_miss_until_the_answer_is_checked(tmp_path, shown):
    ex.start("ch01", answers_dir=tmp_path, key_dir=KEY_DIR)
    ex.ask("q3")  # tick all that apply
    boxes = ex._session().widgets["q3"].children
    for box in boxes:  # ticking every box one by one: four wrong intermediate answers
        box.value = True
    assert _misses("q3") == 0
    assert "Check answer" in shown[-1]["text/plain"] and "Hint" not in shown[-1]["text/plain"]
    button = _check_button("q3")
    button.click()
    assert _misses("q3") == 1 and "Hint: " in shown[-1]["text/plain"]
    button.click()  # the same wrong answer checked again
    assert _misses("q3") == 1
    boxes[0].value = False
    boxes[0].value = True  # back to the answer already checked
    button.click()
    assert _misses("q3") == 1
    boxes[-1].value = False
    button.click()  # a new wrong answer: the second hint
    assert _misses("q3") == 2


def test_sorting_items_counts_one_miss_per_checked_answer(tmp_path, shown):
    ex.start("ch01", answers_dir=tmp_path, key_dir=KEY_DIR)
    ex.ask("q2")  # sort items into groups
    drops = ex._session().widgets["q2"].children
    for dd in drops:
        dd.value = "operational"
    assert _misses("q2") == 0
    _check_button("q2").click()
    assert _misses("q2") == 1
    ex.answer("q2", ex.load_key(KEY_DIR, "ch01")["q2"])  # the right answer, set in code and checked
    assert _misses("q2") == 1 and shown[-1]["text/plain"].startswith("q2: correct")


def test_one_choice_counts_each_new_wrong_click_once(tmp_path, shown):
    ex.start("ch01", answers_dir=tmp_path, key_dir=KEY_DIR)
    ex.ask("q1")
    radio = ex._session().widgets["q1"]
    radio.value = "operational"
    radio.value = "collaborative"
    assert _misses("q1") == 2
    radio.value = "analytical"
    assert _misses("q1") == 2 and shown[-1]["text/plain"].startswith("q1: correct")


def test_compute_check_counts_the_same_wrong_answer_once(tmp_path, shown):
    ex.start("ch01", answers_dir=tmp_path, key_dir=KEY_DIR)
    ex.check("q6", 42)
    ex.check("q6", 42)
    assert _misses("q6") == 1
    ex.check("q6", 43)
    assert _misses("q6") == 2


def test_graded_release_shows_no_check_button(tmp_path, shown):
    import ipywidgets as widgets

    ex.start("ch01", answers_dir=tmp_path, key_dir=tmp_path / "nothing")
    ex.ask("q3")
    parts = ex._session().widgets["q3"].parent_box.children
    assert not any(isinstance(w, widgets.Button) for w in parts)
    ex._session().widgets["q3"].children[0].value = True
    assert "answer recorded" in shown[-1]["text/plain"]


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_question_output_carries_a_static_view_of_the_full_question(tmp_path, shown, lang):
    ex.start("ch01", answers_dir=tmp_path, key_dir=KEY_DIR, lang=lang)
    for qid in ("q1", "q2", "q3"):
        shown.clear()
        ex.ask(qid)
        bundle = shown[0]
        q = ex._session().exercise.question(qid)
        assert "application/vnd.jupyter.widget-view+json" in bundle  # the live widget is still there
        plain, markup = bundle["text/plain"], bundle["text/html"]
        assert "VBox(" not in plain and "children=" not in plain
        prompt = q.text("prompt", lang)
        assert prompt in plain and ex.html.escape(prompt) in markup
        for name in ("options", "items", "groups"):
            for shown_label in q.text(name, lang) if getattr(q, name, ()) else ():
                assert shown_label in plain and ex.html.escape(shown_label) in markup, (qid, shown_label)
        assert (plain, markup) == ex.question_static(q, None, lang)  # deterministic


def test_static_view_marks_the_recorded_answer():
    q = Choice("q1", 1, "Which?", options=("a", "b"), correct="b")
    assert ex.question_static(q, "b")[0].splitlines()[1:3] == ["  ○ a", "  ◉ b"]
    m = MultiChoice("q2", 2, "Tick.", options=("a", "b", "c"), correct=frozenset({"a"}))
    assert ex.question_static(m, ["a", "c"])[0].splitlines()[1:4] == ["  ☑ a", "  ☐ b", "  ☑ c"]
    k = Match("q3", 2, "Sort.", items=("x", "y"), groups=("g", "h"), correct={"x": "g", "y": "h"})
    plain, markup = ex.question_static(k, {"x": "h", "y": None})
    assert "  x → h" in plain and "  y → —" in plain and "<table" in markup


def test_every_question_control_has_an_accessible_name(tmp_path, shown):
    import ipywidgets as widgets

    for lang in ("en", "zh"):
        for exercise_id in ("ch01", "ch02", "ch03", "ch04"):
            ex.start(exercise_id, answers_dir=tmp_path, key_dir=KEY_DIR, lang=lang)
            for q in ex._session().exercise.questions:
                if q.source != "widget":
                    continue
                ex.ask(q.id)
                w = ex._session().widgets[q.id]
                controls = [w] if isinstance(w, widgets.RadioButtons) else list(w.children)
                controls += [c for c in w.parent_box.children if isinstance(c, widgets.Button)]
                for control in controls:
                    assert control.description.strip() and control.tooltip.strip(), (exercise_id, q.id)


def test_feedback_uses_the_widgets_contrast_checked_colours(tmp_path, shown):
    import re

    from crm_lessons.widgets._base import BAD, GOOD, MUTED

    ex.start("ch01", answers_dir=tmp_path, key_dir=KEY_DIR)
    q1 = ex._session().exercise.question("q1")
    colours = set()
    for answer in (None, "operational", "analytical"):
        markup = ex._feedback(q1, answer, "analytical", 1, "")[1]
        colours |= set(re.findall(r"color:(#[0-9a-fA-F]{6})", markup))
    colours |= set(re.findall(r"color:(#[0-9a-fA-F]{6})", ex._feedback(q1, "operational", None, 0, "")[1]))
    assert colours == {GOOD, BAD, MUTED}


EXERCISE_DIR = Path(__file__).resolve().parent.parent / "exercises"


def test_committed_question_outputs_read_without_running():
    """Every ex.ask output of both editions carries the full question as HTML and readable text."""
    paths = sorted(EXERCISE_DIR.glob("ch*.ipynb")) + sorted((EXERCISE_DIR / "zh").glob("ch*.ipynb"))
    paths += sorted((EXERCISE_DIR / "solutions").glob("ch*.ipynb"))
    asked = 0
    for path in paths:
        nb = json.loads(path.read_text(encoding="utf-8"))
        for cell in nb["cells"]:
            if cell["cell_type"] != "code" or "ex.ask(" not in "".join(cell["source"]):
                continue
            # committed: the static rendering only (the live view is made again when the cell runs)
            views = [
                o["data"]
                for o in cell["outputs"]
                if "crm-question-static" in "".join(o.get("data", {}).get("text/html", ""))
            ]
            assert len(views) == 1, (path.name, cell["source"])
            assert "application/vnd.jupyter.widget-view+json" not in views[0]
            plain = "".join(views[0]["text/plain"])
            markup = "".join(views[0]["text/html"])
            assert "VBox(" not in plain and "crm-question-static" in markup, path.name
            asked += 1
    assert asked >= 2 * 40
