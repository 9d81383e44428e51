"""Tests of crm_lessons.satisfaction: hand-computed cases and the patterns built into the case survey."""

import numpy as np
import pandas as pd
import pytest

from crm_lessons import data
from crm_lessons.generator import TRUE_SATISFACTION_WEIGHTS
from crm_lessons.satisfaction import (
    SATISFACTION_STATES,
    barrel_summary,
    dimension_scores,
    driver_analysis,
    satisfaction_state,
    state_shares,
    weakest_dimension,
)
from crm_lessons.schema import PRODUCT_ITEMS, SERVQUAL_ITEMS

DRIVERS = {
    "company_image": ["company_image"],
    "product": list(PRODUCT_ITEMS),
    "service": [i for items in SERVQUAL_ITEMS.values() for i in items],
    "communication": ["communication"],
    "customer_care": ["customer_care"],
}


@pytest.fixture(scope="module")
def survey():
    return data.load_survey()


def test_three_states_by_hand():
    states = satisfaction_state(pd.Series([1, 3, 3, 5, 4]), pd.Series([2, 3, 2, 4, 5]))
    assert states.tolist() == [
        "dissatisfied",
        "satisfied",
        "highly satisfied",
        "highly satisfied",
        "dissatisfied",
    ]
    assert list(states.cat.categories) == list(SATISFACTION_STATES)
    shares = state_shares(states)
    assert shares["respondents"].tolist() == [2, 1, 2]
    assert shares["share"].tolist() == [0.4, 0.2, 0.4]


def test_tolerance_treats_small_gaps_as_equal():
    states = satisfaction_state(pd.Series([3.2, 3.0, 2.5]), pd.Series([3.0, 3.0, 3.0]), tolerance=0.25)
    assert states.tolist() == ["satisfied", "satisfied", "dissatisfied"]


def test_state_arguments_are_checked():
    with pytest.raises(ValueError, match="`perceived` has 2 values but `expected` has 3"):
        satisfaction_state(pd.Series([1, 2]), pd.Series([1, 2, 3]))
    with pytest.raises(ValueError, match="`tolerance`"):
        satisfaction_state(pd.Series([1]), pd.Series([1]), tolerance=-1)
    with pytest.raises(TypeError, match="`perceived` must hold numbers"):
        satisfaction_state(pd.Series(["a"]), pd.Series([1]))


def test_states_on_survey_match_plain_comparisons(survey):
    states = satisfaction_state(survey["perceived_quality"], survey["expectation"])
    gap = survey["perceived_quality"] - survey["expectation"]
    assert (states == "dissatisfied").sum() == (gap < 0).sum()
    assert (states == "satisfied").sum() == (gap == 0).sum()
    assert (states == "highly satisfied").sum() == (gap > 0).sum()


def test_barrel_weakest_stave_by_hand():
    scores = pd.DataFrame(
        {"company": [4.0, 3.0, 5.0], "product": [2.0, 3.0, 4.0], "service": [3.0, 1.0, 4.0]}
    )
    weakest = weakest_dimension(scores)
    assert weakest["weakest_dimension"].tolist() == ["product", "service", "product"]
    assert weakest["weakest_score"].tolist() == [2.0, 1.0, 4.0]
    summary = barrel_summary(scores)
    # means: company 4, product 3, service 8/3
    assert summary.index.tolist() == ["service", "product", "company"]
    assert summary.loc["service", "mean_score"] == pytest.approx(8 / 3)
    assert summary.loc["product", "share_weakest"] == pytest.approx(2 / 3)
    assert summary.loc["company", "share_weakest"] == 0.0


def test_barrel_rejects_missing_scores():
    with pytest.raises(ValueError, match="`scores` contains missing values"):
        weakest_dimension(pd.DataFrame({"a": [1.0, np.nan]}))


def test_dimension_scores_need_their_columns():
    with pytest.raises(ValueError, match="`survey` lacks column"):
        dimension_scores(pd.DataFrame({"a": [1]}), {"x": ["a", "b"]})


def test_driver_regression_recovers_exact_slopes():
    rng = np.random.default_rng(1)
    frame = pd.DataFrame({"a": rng.integers(1, 6, 50), "b": rng.integers(1, 6, 50)})
    frame["y"] = 1.0 + 0.7 * frame["a"] + 0.2 * frame["b"]
    out = driver_analysis(frame, ["a", "b"], outcome="y")
    assert out["coefficient"].tolist() == pytest.approx([0.7, 0.2])
    assert out.attrs["r_squared"] == pytest.approx(1.0)
    lstsq = np.linalg.lstsq(np.column_stack([np.ones(50), frame[["a", "b"]]]), frame["y"], rcond=None)[0]
    assert out["coefficient"].tolist() == pytest.approx(lstsq[1:].tolist())


def test_driver_analysis_needs_more_respondents_than_drivers():
    with pytest.raises(ValueError, match="needs more than 3"):
        driver_analysis(pd.DataFrame({"a": [1, 2], "b": [2, 1], "y": [1, 2]}), ["a", "b"], outcome="y")


def test_driver_weights_recover_the_generator(survey):
    out = driver_analysis(survey, DRIVERS)
    truth = pd.Series(TRUE_SATISFACTION_WEIGHTS)
    assert out["weight"].reindex(truth.index).to_numpy() == pytest.approx(truth.to_numpy(), abs=0.04)
    # the ranking of the drivers is the generator's ranking
    assert out["weight"].sort_values().index.tolist() == truth.sort_values().index.tolist()
    # correlations alone give every driver some credit, but all are positive
    assert (out["correlation"] > 0).all()


def test_prune_factors_by_hand():
    from crm_lessons.satisfaction import prune_factors

    scores = pd.DataFrame(
        {
            "a": [1, 2, 3, 4, 5, 3],
            "a_twin": [1, 2, 3, 4, 5, 2],
            "b": [2, 1, 4, 3, 5, 4],
            "noise": [3, 1, 3, 1, 3, 1],
        }
    )
    overall = pd.Series([1, 2, 4, 4, 5, 3])
    out = prune_factors(scores, overall)
    assert out["decision"].tolist() == ["keep", "drop: duplicate", "keep", "drop: weak link"]
    assert out.loc["a", "max_correlation"] == pytest.approx(scores["a"].corr(scores["a_twin"]))
    assert out.loc["noise", "satisfaction_correlation"] == pytest.approx(scores["noise"].corr(overall))
    # with a higher duplicate cut-off the twin stays
    assert prune_factors(scores, overall, max_correlation=0.99)["rule"].tolist() == [0, 0, 0, 2]
    with pytest.raises(ValueError, match="`min_correlation` must be a number from 0 to 1"):
        prune_factors(scores, overall, min_correlation=2)
    with pytest.raises(ValueError, match="`satisfaction` has 2 values"):
        prune_factors(scores, [1, 2])


def test_prune_factors_drops_the_weak_item(survey):
    from crm_lessons.satisfaction import prune_factors

    items = [i for items in SERVQUAL_ITEMS.values() for i in items] + list(PRODUCT_ITEMS)
    out = prune_factors(survey[items], survey["overall_satisfaction"])
    assert out.index[out["rule"] == 2].tolist() == ["empathy_3"]
    assert (out["rule"] != 1).all()
