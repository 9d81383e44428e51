"""Tests of the chapter-4 widgets without a browser: set the controls, read the outputs."""

import pandas as pd
import pytest

from crm_lessons import data
from crm_lessons.clv import simple_clv
from crm_lessons.pilots import response_uplift, select_segment
from crm_lessons.retention import cohort_retention, thesis_retention
from crm_lessons.widgets.clv import CLVCalculator
from crm_lessons.widgets.pilots import PilotExplorer
from crm_lessons.widgets.retention import RetentionExplorer

PNG = b"\x89PNG"


@pytest.fixture(scope="module")
def case():
    return data.load_case_company()


def test_clv_calculator_follows_the_sliders():
    w = CLVCalculator(margin=100, retention=0.8, discount_rate=0.1, horizon=5)
    assert w.variants.loc["excluded", "clv"] == pytest.approx(266.6667, abs=1e-4)
    w.retention.value = 0.5
    # 100 x 0.5 / (1 + 0.1 - 0.5) = 83.33
    assert w.variants.loc["excluded", "clv"] == pytest.approx(250 / 3)
    assert w.variants.loc["now", "clv"] == pytest.approx(100 + 250 / 3)
    w.horizon.value = 3
    assert len(w.cash_flows) == 3
    assert w.cash_flows["cumulative_clv"].iloc[-1] == pytest.approx(simple_clv(100, 0.5, 0.1, horizon=3))
    assert "83.33" in w.status.value
    assert w.image.value[:4] == PNG


def test_clv_calculator_reports_bad_inputs_instead_of_crashing():
    w = CLVCalculator(draw=False)
    before = w.variants.copy()
    w.discount_rate.value = 0.0
    w.retention.value = 0.99
    assert w.variants.loc["excluded", "clv"] == pytest.approx(100 * 0.99 / 0.01)
    w.margin.value = 0
    assert "no future value" in w.status.value
    assert list(before.index) == ["excluded", "now", "end"]


def test_retention_explorer_matches_the_module(case):
    w = RetentionExplorer(case["orders"], case["customers"], draw=False)
    cohort = cohort_retention(case["orders"], case["customers"]).set_index(["year", "tier"])["retention_rate"]
    thesis = thesis_retention(case["orders"], case["customers"]).set_index(["year", "tier"])["retention_rate"]
    w.definition.value, w.tier.value, w.year.value = "cohort", "ordinary", 2022
    assert w.rate == pytest.approx(cohort[(2022, "ordinary")])
    w.definition.value = "thesis"
    assert w.rate == pytest.approx(thesis[(2022, "ordinary")])
    w.tier.value = "gold"
    assert w.rate == pytest.approx(thesis[(2022, "gold")])
    assert "after the CRM go-live" in w.status.value
    w.year.value = 2019
    assert "before the CRM go-live" in w.status.value
    assert w.image.value == b""  # draw=False leaves the picture alone


def test_retention_explorer_first_year_has_no_cohort(case):
    w = RetentionExplorer(case["orders"], case["customers"], draw=False)
    w.definition.value, w.year.value = "cohort", w.year.min
    assert pd.isna(w.rate)
    assert "needs customers active in" in w.status.value


def test_pilot_explorer_segments(case):
    w = PilotExplorer(case["pilot"], case["customers"])
    whole = response_uplift(case["pilot"])
    assert w.result["uplift"] == pytest.approx(whole["uplift"])
    w.filters["region"].value = "North"
    north = response_uplift(select_segment(case["pilot"], case["customers"], {"region": "North"}))
    assert w.result["uplift"] == pytest.approx(north["uplift"])
    assert w.result["ci_low"] == pytest.approx(north["ci_low"])
    assert "region = North" in w.status.value
    assert w.image.value[:4] == PNG
    w.filters["region"].value = "all"
    assert w.result["n_treatment"] == whole["n_treatment"]


def test_pilot_explorer_empty_segment_says_so():
    pilot = pd.DataFrame(
        {
            "customer_id": list("abcd"),
            "group": ["treatment", "control", "treatment", "control"],
            "responded": [True, False, True, True],
            "spend": [1.0, 0.0, 2.0, 3.0],
        }
    )
    customers = pd.DataFrame({"customer_id": list("abcd"), "region": ["North", "North", "North", "South"]})
    w = PilotExplorer(pilot, customers, segments=("region",))
    w.filters["region"].value = "South"
    assert w.result.empty
    assert "no treatment customers" in w.status.value


def test_clv_calculator_shows_the_formula_error_naming_the_argument():
    w = CLVCalculator(draw=False)
    kept = w.variants.copy()
    w.retention.max = 1.5
    w.discount_rate.value = 0.1
    w.retention.value = 1.2  # retention >= 1 + discount: the sum never ends
    assert "`retention`" in w.status.value
    assert not w.valid and w.variants.empty  # nothing on show disagrees with the sliders
    w.retention.value = 0.8
    assert w.valid and not w.variants.empty and not kept.empty
