"""The chapter-1 quiz widgets check answers as the drop-downs change, without a browser."""

from crm_lessons import overview
from crm_lessons.widgets.overview import CRMTypeQuiz, FailureQuiz


def test_crm_type_quiz_starts_unanswered():
    q = CRMTypeQuiz()
    assert sorted(q.choices) == list(range(1, 13))
    assert q.result.empty
    assert q.score.value == "0 of 0 answered correctly (12 items)."
    assert all(fb.value == "" for fb in q.feedback.values())


def test_crm_type_quiz_all_correct():
    q = CRMTypeQuiz()
    key = overview.crm_type_quiz(with_answers=True).set_index("item")["answer"]
    for item, answer in key.items():
        q.choices[item].value = answer
    assert q.result["correct"].all() and len(q.result) == 12
    assert q.score.value == "12 of 12 answered correctly (12 items)."
    assert q.feedback[1].value.count("Correct") == 1


def test_crm_type_quiz_wrong_answer_explains_and_can_be_withdrawn():
    q = CRMTypeQuiz()
    q.choices[10].value = "analytical"  # birthday e-mails sent automatically: operational
    assert q.result.loc[0, "expected"] == "operational"
    assert "Not quite: it is operational" in q.feedback[10].value
    q.choices[10].value = "—"
    assert q.result.empty and q.feedback[10].value == ""


def test_failure_quiz():
    q = FailureQuiz()
    assert sorted(q.choices) == list(range(1, 9))
    q.choices[7].value = "no test and learn"
    q.choices[1].value = "hardware first"
    assert q.result.set_index("item")["correct"].to_dict() == {1: True, 7: False}
    assert "no economics" in q.feedback[7].value
