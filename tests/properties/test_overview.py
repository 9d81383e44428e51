"""Properties of crm_lessons.overview on bad input (issue 13): quizzes, checklists and the content map."""

import pandas as pd
from hypothesis import given
from hypothesis import strategies as st

from crm_lessons import overview

from .conftest import call

anything = st.one_of(
    st.none(),
    st.integers(-3, 12),
    st.floats(allow_nan=True),
    st.text(max_size=15),
    st.booleans(),
    st.lists(st.integers(0, 9), max_size=3),
)


@given(anything, anything)
def test_quiz_answers_are_marked_or_refused_by_name(activity, answer):
    call(overview.check_crm_type, activity, answer, names=["activity", "answer"])
    call(overview.check_failure_reason, activity, answer, names=["story", "answer"])


@given(st.dictionaries(anything.filter(lambda v: not isinstance(v, list)), anything, max_size=4))
def test_score_quiz(answers):
    out = call(overview.score_crm_type_quiz, answers, names=["answers"])
    if out is not None:
        assert len(out) <= len(answers)


@given(st.lists(anything.filter(lambda v: not isinstance(v, list)), max_size=5))
def test_principles_checklist(ticked):
    out = call(overview.principles_checklist, ticked, names=["ticked"])
    ok = all(isinstance(t, int) and not isinstance(t, bool) and 1 <= t <= 7 for t in ticked)
    assert (out is not None) == ok


@given(st.sampled_from([None, 3, "case", ["customers"], {"customers": pd.DataFrame()}]))
def test_content_map(data):
    call(overview.content_map, data, names=["data"], must_refuse=data is not None)


@given(st.sampled_from([3, "x", pd.DataFrame({"a": [1]}), pd.DataFrame()]))
def test_plots_refuse_frames_of_another_shape(bad):
    call(overview.plot_case_results, bad, names=["results"], must_refuse=True)
    call(overview.plot_crm_cycle, bad, names=["cycle"], must_refuse=True)
    call(overview.plot_crm_stages, bad, names=["figures"], must_refuse=True)
    call(overview.plot_small_business_lending, bad, names=["table"], must_refuse=True)
