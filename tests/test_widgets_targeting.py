"""The mass vs targeted explorer updates its numbers from its sliders, without a browser."""

import pandas as pd
import pytest

from crm_lessons.targeting import mass_vs_targeted, targeting_curve
from crm_lessons.widgets.targeting import TargetingExplorer


@pytest.fixture
def frame():
    return pd.DataFrame(
        {
            "score": [60.0, 50.0, 40.0, 30.0, 20.0, 10.0],
            "responded": [True, True, False, True, False, True],
            "profit": [300.0, 200.0, 0.0, 100.0, 0.0, 50.0],
        }
    )


def test_explorer_starts_from_its_arguments(frame):
    w = TargetingExplorer(frame, cost_per_contact=25, top_share=0.5)
    pd.testing.assert_frame_equal(w.comparison, mass_vs_targeted(frame, cost_per_contact=25, top_share=0.5))
    assert w.comparison.loc["targeted marketing", "net_profit"] == 425.0  # 500 - 3 x 25
    assert w.plot.value[:4] == b"\x89PNG"
    assert "net profit (CNY)" in w.table.value
    assert w.only_extra.disabled and not w.only_extra.value


def test_sliders_update_table_and_curve(frame):
    w = TargetingExplorer(frame, cost_per_contact=25, top_share=0.5)
    w.cost_per_contact.value = 100
    assert w.comparison["net_profit"].tolist() == [50.0, 200.0]  # 650 - 600; 500 - 300
    pd.testing.assert_frame_equal(w.curve, targeting_curve(frame, cost_per_contact=100))
    w.top_share.value = 1.0
    assert w.comparison.loc["targeted marketing", "contacted"] == 6
    # at CNY 100 a contact the best reach is the top two customers: 300 + 200 - 2 x 100 = 300,
    # first reached at a 20 % share (ceil(0.2 x 6) = 2)
    assert w.best_share == 0.2


def test_uplift_checkbox(frame):
    w = TargetingExplorer(frame, uplift=0.2, cost_per_contact=10, top_share=0.5)
    assert w.only_extra.value and not w.only_extra.disabled
    assert w.comparison.loc["mass marketing", "net_profit"] == pytest.approx(70.0)  # 0.2 x 650 - 60
    w.only_extra.value = False
    assert w.comparison.loc["mass marketing", "net_profit"] == pytest.approx(590.0)  # 650 - 60


def test_best_share_reads_the_curve(frame):
    w = TargetingExplorer(frame, cost_per_contact=100, top_share=0.5)
    best = w.curve.loc[w.curve["net_profit"].idxmax(), "share"]
    assert w.best_share == best
