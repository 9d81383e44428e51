"""Tests of crm_lessons.leads: features, logistic lead scoring, deciles, AUC."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from crm_lessons import leads as ls
from crm_lessons.data import load_leads
from crm_lessons.generator import TRUE_LEAD_COEFFICIENTS


@pytest.fixture(scope="module")
def case_leads():
    return load_leads()


def _toy():
    return pd.DataFrame(
        {
            "source": ["referral", "cold call"] * 20,
            "kind": ["consumer"] * 40,
            "requested_quote": [True, False] * 20,
            "website_visits": [2, 1] * 20,
            "converted": [True, False, False, False] * 10,
        }
    )


def test_features_hand_built():
    f = ls.lead_features(_toy().head(2))
    assert f.loc[0].to_dict() == {
        "source[referral]": 1,
        "source[trade fair]": 0,
        "source[website]": 0,
        "kind[intermediary]": 0,
        "kind[organisation]": 0,
        "requested_quote": 1,
        "website_visits": 2,
    }
    assert f.loc[1].sum() == 1  # cold-call consumer: only its one website visit


def test_unknown_level_named():
    bad = _toy().assign(source="billboard")
    with pytest.raises(ValueError, match="'source'"):
        ls.lead_features(bad)


def test_fit_needs_both_outcomes():
    with pytest.raises(ValueError, match="both converted and unconverted"):
        ls.fit_lead_model(_toy().assign(converted=True))


def test_conversion_by_decile_hand_computed():
    t = ls.conversion_by_decile(
        pd.Series([0.1, 0.9, 0.5, 0.7]), pd.Series([False, True, False, True]), n_groups=2
    )
    assert t["leads"].tolist() == [2, 2]
    assert t["converted"].tolist() == [2, 0]
    assert t["lift"].tolist() == [2.0, 0.0]
    assert t.loc[1, "min_score"] == 0.7
    with pytest.raises(ValueError, match="`converted`"):
        ls.conversion_by_decile(pd.Series([0.1, 0.2]), pd.Series([True]))
    with pytest.raises(ValueError, match="`n_groups`"):
        ls.conversion_by_decile(pd.Series([0.1]), pd.Series([True]), n_groups=0)


def test_score_quality_hand_computed():
    # converting leads scored 0.9 and 0.3; non-converting 0.8 and 0.2: 3 of 4 pairs in order
    assert ls.score_quality(pd.Series([0.9, 0.8, 0.3, 0.2]), pd.Series([True, False, True, False])) == 0.75


def test_case_data_recovers_true_coefficients(case_leads):
    coef = ls.lead_coefficients(ls.fit_lead_model(case_leads))["log_odds"]
    for name, true in TRUE_LEAD_COEFFICIENTS.items():
        assert coef[name] == pytest.approx(true, abs=0.5), name
    # the order of the sources is recovered: referral > trade fair > website > cold call (0)
    assert coef["source[referral]"] > coef["source[trade fair]"] > coef["source[website]"] > 0
    assert coef["requested_quote"] > 0.8


def test_case_data_deciles_fall(case_leads):
    scores = ls.out_of_fold_scores(case_leads)
    t = ls.conversion_by_decile(scores, case_leads["converted"])
    assert t["leads"].sum() == len(case_leads)
    assert t.loc[1, "conversion_rate"] > 2 * t.loc[10, "conversion_rate"]
    # rank correlation between decile and conversion rate is strongly negative
    assert np.corrcoef(t.index, t["conversion_rate"])[0, 1] < -0.9
    assert ls.score_quality(scores, case_leads["converted"]) > 0.65


def test_out_of_fold_is_seeded(case_leads):
    a = ls.out_of_fold_scores(case_leads.head(600), folds=3, random_state=1)
    b = ls.out_of_fold_scores(case_leads.head(600), folds=3, random_state=1)
    assert a.equals(b)


# --------------------------------------------------------------------------- issue 13 regressions


def _leads(**changes):
    frame = pd.DataFrame(
        {
            "source": ["referral", "cold call"] * 4,
            "kind": ["consumer"] * 8,
            "requested_quote": [True, False] * 4,
            "website_visits": [2, 1] * 4,
            "converted": [True, False, False, True] * 2,
        }
    )
    return frame.assign(**changes)


def test_requested_quote_written_as_text_is_refused_not_counted_true():
    with pytest.raises(TypeError, match=r"`leads` column 'requested_quote' must hold booleans.*'false'"):
        ls.lead_features(_leads(requested_quote=["true", "false"] * 4))


def test_missing_outcome_is_refused_not_counted_converted():
    with pytest.raises(ValueError, match=r"`leads` column 'converted' has missing values"):
        ls.fit_lead_model(_leads(converted=[True, None, False, True] * 2))


def test_score_quality_refuses_text_outcomes():
    with pytest.raises(TypeError, match=r"`converted` must hold booleans"):
        ls.score_quality(pd.Series([0.9, 0.1]), pd.Series(["true", "false"]))
