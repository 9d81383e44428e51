"""Tests of crm_lessons.survey: hand-computed reliability, the index, and the built-in weak item."""

import numpy as np
import pandas as pd
import pytest
from scipy import stats

from crm_lessons import data
from crm_lessons import survey as survey_module
from crm_lessons.generator import WEAK_SURVEY_ITEM
from crm_lessons.schema import SERVQUAL_ITEMS
from crm_lessons.survey import (
    IPA_QUADRANTS,
    alpha_if_item_deleted,
    cluster_respondents,
    compare_groups,
    corrected_item_total,
    correlation_matrix,
    cronbach_alpha,
    frequency_table,
    importance_performance,
    reliability_table,
    satisfaction_index,
    servqual_scores,
    validate_likert,
)

#: 4 respondents x 3 items, worked by hand in the docstring of cronbach_alpha.
TINY = pd.DataFrame({"q1": [1, 2, 3, 4], "q2": [2, 3, 3, 5], "q3": [2, 3, 4, 4]})


@pytest.fixture(scope="module")
def survey():
    return data.load_survey()


def test_cronbach_alpha_on_tiny_table_by_hand():
    # item variances 5/3, 19/12, 11/12 (sum 25/6); totals 5, 8, 10, 13 have variance 34/3
    expected = 3 / 2 * (1 - (25 / 6) / (34 / 3))
    assert expected == pytest.approx(0.948529, abs=1e-6)
    assert cronbach_alpha(TINY) == pytest.approx(expected)


def test_alpha_if_item_deleted_by_hand():
    deleted = alpha_if_item_deleted(TINY)
    # without q1: variances 19/12 + 11/12 = 5/2, totals 4, 6, 7, 9 -> variance 13/3
    assert deleted["q1"] == pytest.approx(2 * (1 - 2.5 / (13 / 3)))
    # without q2: 5/3 + 11/12 = 31/12, totals 3, 5, 7, 8 -> 59/12
    assert deleted["q2"] == pytest.approx(2 * (1 - (31 / 12) / (59 / 12)))
    # without q3: 5/3 + 19/12 = 13/4, totals 3, 5, 6, 9 -> 25/4
    assert deleted["q3"] == pytest.approx(0.96)


def test_corrected_item_total_matches_numpy():
    r = corrected_item_total(TINY)
    assert r["q1"] == pytest.approx(np.corrcoef(TINY["q1"], TINY["q2"] + TINY["q3"])[0, 1])


def test_alpha_needs_items_and_variation():
    with pytest.raises(ValueError, match="at least 2"):
        cronbach_alpha(TINY[["q1"]])
    with pytest.raises(ValueError, match="at least 3"):
        alpha_if_item_deleted(TINY[["q1", "q2"]])
    with pytest.raises(ValueError, match="do not vary"):
        cronbach_alpha(pd.DataFrame({"a": [3, 3, 3], "b": [2, 2, 2]}))


def test_alpha_matches_pingouin(survey):
    pg = pytest.importorskip("pingouin")
    for dim, items in SERVQUAL_ITEMS.items():
        block = survey[list(items)]
        assert cronbach_alpha(block) == pytest.approx(pg.cronbach_alpha(block)[0], abs=1e-12), dim
        for item, value in alpha_if_item_deleted(block).items():
            assert value == pytest.approx(pg.cronbach_alpha(block.drop(columns=item))[0], abs=1e-12)


def test_reliability_finds_the_weak_item(survey):
    table = reliability_table(survey)
    assert table.loc[table["weak"], "item"].tolist() == [WEAK_SURVEY_ITEM]
    weak = table.set_index("item").loc[WEAK_SURVEY_ITEM]
    assert weak["alpha_if_deleted"] > weak["alpha"] + 0.1
    assert weak["corrected_item_total"] < 0.3
    # the other dimensions are reliable
    others = table[table["dimension"] != weak["dimension"]]
    assert (others["alpha"] > 0.7).all()


@pytest.mark.parametrize(
    "bad, where",
    [(6, "outside the Likert scale 1-5"), (0, "outside"), (2.5, "outside"), (np.nan, "missing answers")],
)
def test_likert_answers_outside_scale_name_the_column(bad, where):
    frame = pd.DataFrame({"ok": [1, 2, 3], "empathy_1": [1.0, bad, 3.0]})
    with pytest.raises(ValueError, match=rf"'empathy_1'.*{where}"):
        validate_likert(frame, ["ok", "empathy_1"])


def test_likert_text_answers_are_refused():
    with pytest.raises(ValueError, match="'q' has answers that are not numbers"):
        validate_likert(pd.DataFrame({"q": ["5", "very good"]}), ["q"])


def test_case_survey_is_valid_likert(survey):
    items = [i for items in SERVQUAL_ITEMS.values() for i in items]
    assert validate_likert(survey, items).shape == (len(survey), 15)


def test_satisfaction_index_by_hand():
    frame = pd.DataFrame({"a": [5, 3, 1], "b": [1, 3, 5]})
    csi = satisfaction_index(frame, {"a": 0.75, "b": 0.25})
    # weighted means 4, 3, 2 -> (x - 1) / 4 * 100
    assert csi.tolist() == [75.0, 50.0, 25.0]
    assert satisfaction_index(frame, {"a": 3, "b": 1}).tolist() == csi.tolist()


def test_satisfaction_index_arguments():
    frame = pd.DataFrame({"a": [5, 7]})
    with pytest.raises(ValueError, match="'a' has answers outside"):
        satisfaction_index(frame, {"a": 1})
    with pytest.raises(ValueError, match="`weights` must be finite and non-negative"):
        satisfaction_index(frame.iloc[:1], {"a": -1})
    with pytest.raises(ValueError, match="`weights` sum to zero"):
        satisfaction_index(frame.iloc[:1], {"a": 0})


def test_servqual_scores_and_index_range(survey):
    scores = servqual_scores(survey)
    assert list(scores.columns) == list(SERVQUAL_ITEMS)
    assert scores.loc[0, "tangibles"] == pytest.approx(
        survey.loc[0, list(SERVQUAL_ITEMS["tangibles"])].mean()
    )
    csi = satisfaction_index(survey, {i: 1 for i in SERVQUAL_ITEMS["reliability"]})
    assert csi.between(0, 100).all()
    assert csi.mean() == pytest.approx((scores["reliability"].mean() - 1) / 4 * 100)


def test_importance_performance_quadrants():
    frame = pd.DataFrame(
        {
            "weak_and_important": [1, 2, 3, 4, 5, 1],
            "strong_and_minor": [5, 5, 4, 5, 5, 4],
            "y": [1, 2, 3, 4, 5, 2],
        }
    )
    grid = importance_performance(frame, ["weak_and_important", "strong_and_minor"], outcome="y")
    assert grid.loc["weak_and_important", "quadrant"] == IPA_QUADRANTS[0]
    assert grid.loc["strong_and_minor", "quadrant"] == "possible overkill"
    assert grid.loc["weak_and_important", "performance"] == pytest.approx(16 / 6)


def test_compare_groups_matches_scipy():
    frame = pd.DataFrame({"v": [1, 2, 3, 4, 5, 6, 2, 3, 9], "g": list("aaabbbccc")})
    r = compare_groups(frame, "v", "g")
    ref = stats.f_oneway([1, 2, 3], [4, 5, 6], [2, 3, 9])
    assert r["test"] == "one-way ANOVA"
    assert r["statistic"] == pytest.approx(ref.statistic)
    assert r["p_value"] == pytest.approx(ref.pvalue)
    two = compare_groups(frame[frame["g"] != "c"], "v", "g")
    # Welch by hand: means 2 and 5, variances 1 and 1, se = sqrt(2/3)
    assert two["statistic"] == pytest.approx(-3 / np.sqrt(2 / 3))


def test_compare_groups_needs_two_groups():
    with pytest.raises(ValueError, match="fewer than two non-empty groups"):
        compare_groups(pd.DataFrame({"v": [1, 2], "g": ["a", "a"]}), "v", "g")


def test_frequency_and_correlation(survey):
    freq = frequency_table(survey, "age_group")
    assert freq.index.tolist() == ["18-29", "30-39", "40-49", "50-59", "60+"]
    assert freq["percent"].sum() == pytest.approx(100)
    corr = correlation_matrix(survey, ["overall_satisfaction", "recommend", "repurchase_intent"])
    assert corr.loc["overall_satisfaction", "recommend"] > 0.5
    with pytest.raises(ValueError, match="`method`"):
        correlation_matrix(survey, ["recommend"], method="kendal")


def test_clusters_are_repeatable_and_ordered(survey):
    scores = servqual_scores(survey)
    a = cluster_respondents(scores, 3, seed=0)
    b = cluster_respondents(scores, 3, seed=0)
    assert a.equals(b)
    means = scores.mean(axis=1).groupby(a, observed=True).mean()
    assert means.is_monotonic_increasing
    with pytest.raises(ValueError, match="`n_clusters`"):
        cluster_respondents(scores, 1)


# --------------------------------------------------------------------------- issue 13 regressions


def test_cronbach_alpha_refuses_inf_instead_of_returning_nan():
    items = pd.DataFrame({"q1": [1, 2, np.inf, 4], "q2": [2, 3, 3, 5]})
    with pytest.raises(ValueError, match=r"`items` column 'q1' has infinite values \(1, row\(s\) \[2\]\)"):
        survey_module.cronbach_alpha(items)


def test_cronbach_alpha_names_the_text_column():
    # before: pandas' "could not convert string to float: 'agree'" without the column
    items = pd.DataFrame({"q1": [1, 2, 3, 4], "q2": ["agree", 3, 3, 5]})
    with pytest.raises(
        TypeError, match=r"`items` column 'q2' must hold numbers, but it holds text such as \['agree'\]"
    ):
        survey_module.cronbach_alpha(items)


def test_reliability_table_names_survey_and_dimension():
    frame = pd.DataFrame({"q1": [3, 3, 3], "q2": [3, 3, 3]})
    with pytest.raises(ValueError, match=r"`survey`, dimension 'demo' of `dimensions`: .*do not vary"):
        survey_module.reliability_table(frame, {"demo": ["q1", "q2"]})


def test_likert_answers_written_as_text_are_refused():
    with pytest.raises(ValueError, match="'q' has answers that are not numbers"):
        survey_module.validate_likert(pd.DataFrame({"q": [1, "5"]}), ["q"])
