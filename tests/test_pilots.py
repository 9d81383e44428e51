"""Tests of crm_lessons.pilots.

Published and hand-computed intervals, and the pilot built into the case data.
"""

import numpy as np
import pandas as pd
import pytest
from scipy import stats

from crm_lessons import data, pilots
from crm_lessons.generator import TRUE_PILOT_UPLIFT
from crm_lessons.pilots import (
    before_during,
    difference_in_proportions,
    response_uplift,
    select_segment,
    spend_uplift,
    two_proportion_test,
    uplift_by_segment,
    wilson_interval,
)


@pytest.fixture(scope="module")
def case():
    return data.load_pilot(), data.load_customers(), data.load_orders()


def test_newcombe_published_example():
    # Newcombe (1998), example (a): 56/70 - 48/80, method 10 gives 0.0524 to 0.3339
    out = difference_in_proportions(56, 70, 48, 80)
    assert out["uplift"] == pytest.approx(0.2)
    assert out["ci_low"] == pytest.approx(0.0524, abs=5e-5)
    assert out["ci_high"] == pytest.approx(0.3339, abs=5e-5)


def test_newcombe_matches_statsmodels():
    sm = pytest.importorskip("statsmodels.stats.proportion")
    for counts in [(56, 70, 48, 80), (9, 10, 3, 10), (0, 25, 2, 30), (130, 500, 100, 500)]:
        ours = difference_in_proportions(*counts)
        low, high = sm.confint_proportions_2indep(*counts, method="newcomb")
        assert (ours["ci_low"], ours["ci_high"]) == pytest.approx((low, high), abs=1e-10)


def test_wilson_matches_scipy():
    ci = stats.binomtest(7, 20).proportion_ci(confidence_level=0.9, method="wilson")
    assert wilson_interval(7, 20, 0.9) == pytest.approx((ci.low, ci.high))


def test_wald_by_hand():
    out = difference_in_proportions(56, 70, 48, 80, method="wald")
    se = np.sqrt(0.8 * 0.2 / 70 + 0.6 * 0.4 / 80)
    assert (out["ci_low"], out["ci_high"]) == pytest.approx((0.2 - 1.959964 * se, 0.2 + 1.959964 * se))


def test_z_test_by_hand_and_chi_square_agree():
    z = two_proportion_test(56, 70, 48, 80)
    pooled = 104 / 150
    assert z["statistic"] == pytest.approx(0.2 / np.sqrt(pooled * (1 - pooled) * (1 / 70 + 1 / 80)))
    chi = two_proportion_test(56, 70, 48, 80, method="chi2")
    assert chi["statistic"] == pytest.approx(z["statistic"] ** 2)
    assert chi["p_value"] == pytest.approx(z["p_value"])


def test_count_arguments_are_checked():
    with pytest.raises(
        ValueError, match="`successes_treatment` must be a whole number between 0 and `n_treatment`"
    ):
        difference_in_proportions(80, 70, 48, 80)
    with pytest.raises(ValueError, match="`n_control` must be a positive whole number"):
        two_proportion_test(5, 10, 0, 0)
    with pytest.raises(ValueError, match="`confidence`"):
        difference_in_proportions(5, 10, 4, 10, confidence=95)
    with pytest.raises(ValueError, match="`method`"):
        difference_in_proportions(5, 10, 4, 10, method="exact")


def test_spend_uplift_matches_scipy_welch():
    rng = np.random.default_rng(3)
    pilot = pd.DataFrame(
        {
            "group": ["treatment"] * 40 + ["control"] * 50,
            "spend": np.r_[rng.gamma(1, 300, 40), rng.gamma(1, 250, 50)],
        }
    )
    out = spend_uplift(pilot)
    ref = stats.ttest_ind(pilot["spend"][:40], pilot["spend"][40:], equal_var=False)
    ci = ref.confidence_interval(0.95)
    assert out["t"] == pytest.approx(ref.statistic)
    assert out["p_value"] == pytest.approx(ref.pvalue)
    assert (out["ci_low"], out["ci_high"]) == pytest.approx((ci.low, ci.high))


def test_empty_group_is_an_error():
    pilot = pd.DataFrame({"group": ["control"] * 3, "responded": [True, False, True]})
    with pytest.raises(ValueError, match="no treatment customers"):
        response_uplift(pilot)


def test_segment_filter(case):
    pilot, customers, _ = case
    north = select_segment(pilot, customers, {"region": "North"})
    assert set(north["region"].astype(str)) == {"North"}
    assert len(select_segment(pilot, customers, {"region": "all"})) == len(pilot)
    two = select_segment(pilot, customers, {"region": ["North", "East"], "channel": "all"})
    assert set(two["region"].astype(str)) == {"North", "East"}
    with pytest.raises(ValueError, match="`segment`=.*holds no pilot customers"):
        select_segment(pilot, customers, {"region": "Atlantis"})
    with pytest.raises(ValueError, match="pass `customers`"):
        select_segment(pilot, None, {"region": "North"})


def test_pilot_uplift_is_positive_significant_and_covers_the_truth(case):
    pilot, _, _ = case
    out = response_uplift(pilot)
    assert out["uplift"] > 0
    assert out["p_value"] < 0.05
    assert out["ci_low"] > 0
    assert out["ci_low"] < TRUE_PILOT_UPLIFT < out["ci_high"]
    assert out["n_treatment"] + out["n_control"] == len(pilot)


def test_segments_add_up_and_are_wider(case):
    pilot, customers, _ = case
    by_region = uplift_by_segment(pilot, customers, "region")
    whole = response_uplift(pilot)
    assert by_region["n_treatment"].sum() == whole["n_treatment"]
    assert ((by_region["ci_high"] - by_region["ci_low"]) > (whole["ci_high"] - whole["ci_low"])).all()


def test_before_during_shows_why_control_matters(case):
    pilot, _, orders = case
    out = before_during(pilot, orders)
    # both groups' response changes a lot from last year; only the control separates the programme
    assert abs(out.attrs["naive_uplift"] - out.attrs["controlled_uplift"]) > 0.1
    assert out.attrs["controlled_uplift"] == pytest.approx(response_uplift(pilot)["uplift"])
    assert (
        abs(out.loc["treatment", "before"] - out.loc["control", "before"]) < 0.05
    )  # randomised groups alike before


# --------------------------------------------------------------------------- issue 13 regressions


def _pilot_with(responded):
    return pd.DataFrame(
        {
            "group": ["treatment"] * 3 + ["control"] * 3,
            "responded": responded,
            "spend": [10.0, 20.0, 30.0, 0.0, 5.0, 10.0],
        }
    )


def test_response_uplift_refuses_text_false_instead_of_counting_it_true():
    with pytest.raises(TypeError, match=r"`pilot` column 'responded' must hold booleans.*'false'"):
        pilots.response_uplift(_pilot_with(["false", "true", "false", "false", "false", "true"]))


def test_response_uplift_refuses_missing_outcome_instead_of_counting_it_true():
    with pytest.raises(ValueError, match=r"`pilot` column 'responded' has missing values"):
        pilots.response_uplift(_pilot_with([True, np.nan, False, False, True, False]))


def test_response_uplift_accepts_zero_one_integers():
    ints = pilots.response_uplift(_pilot_with([1, 1, 0, 0, 1, 0]))
    bools = pilots.response_uplift(_pilot_with([True, True, False, False, True, False]))
    pd.testing.assert_series_equal(ints, bools)
    assert ints["rate_treatment"] == pytest.approx(2 / 3)


def test_spend_uplift_refuses_a_missing_spend_instead_of_returning_nan():
    pilot = _pilot_with([True] * 6)
    pilot.loc[1, "spend"] = np.nan
    with pytest.raises(ValueError, match=r"`pilot` column 'spend' has missing values \(1, row\(s\) \[1\]\)"):
        pilots.spend_uplift(pilot)


def test_difference_in_proportions_refuses_a_count_written_as_text():
    with pytest.raises(TypeError, match=r"`successes_treatment` must be a whole number.*'5'.*without quotes"):
        pilots.difference_in_proportions("5", 70, 48, 80)


def test_wilson_interval_ends_exactly_at_zero_and_one():
    assert pilots.wilson_interval(0, 3)[0] == 0.0
    assert pilots.wilson_interval(3, 3)[1] == 1.0


def test_confidence_written_as_text_is_refused():
    with pytest.raises(TypeError, match="`confidence`"):
        pilots.wilson_interval(5, 10, "0.95")


def test_before_during_refuses_ids_of_another_type():
    pilot = pd.DataFrame({"customer_id": ["1", "2"], "group": ["treatment", "control"]})
    orders = pd.DataFrame({"customer_id": [1, 2], "order_date": pd.to_datetime(["2024-08-01"] * 2)})
    with pytest.raises(TypeError, match="`pilot` column 'customer_id' holds text ids but `orders`"):
        pilots.before_during(pilot, orders)
