"""Widget tests for chapter 2: set the controls as a user would, check the numbers shown."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from crm_lessons import abc_analysis, basket, screening
from crm_lessons.data import load_customers, load_products, load_sales
from crm_lessons.performance import customer_totals
from crm_lessons.toy import toy_customers, toy_sales
from crm_lessons.widgets.abc_analysis import ABCExplorer
from crm_lessons.widgets.basket import CrossSellingExplorer
from crm_lessons.widgets.screening import ScreeningExplorer


@pytest.fixture(scope="module")
def case():
    return {"sales": load_sales(), "customers": load_customers(), "products": load_products()}


# ------------------------------------------------------------------------------- ABC


def test_abc_explorer_toy_moves_with_sliders():
    w = ABCExplorer(toy_sales(), draw=False)
    w.a_cutoff.value = 0.25
    w.b_cutoff.value = 0.5
    assert w.summary["customers"].tolist() == [1, 1, 2]
    assert w.summary["value"].tolist() == pytest.approx([5500.0, 2000.0, 1300.0])
    w.measure.value = "revenue"
    assert w.summary["value"].tolist() == pytest.approx([28000.0, 6000.0, 5100.0])
    assert "A" in w.status.value and "28000" not in w.status.value


def test_abc_explorer_invalid_cutoffs_clear_the_result_and_say_what_to_change():
    w = ABCExplorer(toy_sales(), cutoffs=(0.25, 0.5), draw=True)
    before = w.summary.copy()
    w.a_cutoff.value = 0.5
    assert "must be below" in w.status.value and "move A down or B up" in w.status.value
    assert not w.valid and w.summary.empty  # no numbers that disagree with the sliders
    assert "<table" not in w.table.value
    w.a_cutoff.value = 0.25
    assert w.valid
    pd.testing.assert_frame_equal(w.summary, before)


def test_abc_explorer_rejects_bad_start():
    with pytest.raises(ValueError, match="`cutoffs`"):
        ABCExplorer(toy_sales(), cutoffs=(0.3, 0.2), draw=False)


def test_abc_explorer_matches_module_on_case_data(case):
    w = ABCExplorer(case["sales"], draw=False)
    w.a_cutoff.value = 0.1
    w.b_cutoff.value = 0.3
    expected = abc_analysis.abc_summary(customer_totals(case["sales"], "profit"), (0.1, 0.3))
    pd.testing.assert_frame_equal(w.summary, expected)
    w.draw = True
    w.update()
    assert w.image.value[:4] == b"\x89PNG"
    assert "<table" in w.table.value
    assert "ABCExplorer(cutoffs=(0.10, 0.30)" in repr(w)


# ------------------------------------------------------------------------- screening


def test_screening_explorer_toy():
    w = ScreeningExplorer(toy_sales(), toy_customers(), year=2024, draw=False)
    # equal weights: C2 beats C4 on every criterion but future potential (tied)
    assert w.ranking.index.tolist() == ["C2", "C4"]
    assert w.ranking.loc["C2", "score"] == pytest.approx(100 * 0.8 + 50 * 0.2)
    for name in ("annual_purchases", "profitability", "safety", "cooperation"):
        w.sliders[name].value = 0
    assert w.ranking["score"].tolist() == [50.0, 50.0]  # only the tied criterion counts
    assert w.ranking.index.tolist() == ["C2", "C4"]  # tie broken by id


def test_screening_explorer_all_zero_weights():
    w = ScreeningExplorer(toy_sales(), toy_customers(), year=2024, draw=False)
    *first, last = w.sliders.values()
    for s in first:
        s.value = 0
    last.value = 0
    assert "All weights are zero" in w.status.value
    assert not w.valid and w.ranking.empty


def test_screening_explorer_rejects_bad_start():
    with pytest.raises(ValueError, match="`weights`"):
        ScreeningExplorer(toy_sales(), toy_customers(), weights={"annual_purchases": 0}, draw=False)
    with pytest.raises(ValueError, match="`top`"):
        ScreeningExplorer(toy_sales(), toy_customers(), top=0, draw=False)


def test_screening_explorer_matches_module_on_case_data(case):
    w = ScreeningExplorer(case["sales"], case["customers"], top=10, draw=False)
    w.safety.value = 10
    w.cooperation.value = 0
    expected = screening.rank_customers(w.scores, w.weights, top=10)
    assert w.ranking.index.tolist() == expected.index.tolist()
    assert w.ranking["score"].to_numpy() == pytest.approx(expected["score"].to_numpy())
    w.draw = True
    w.update()
    assert w.image.value[:4] == b"\x89PNG"
    assert "safety (credit) 40%" in w.status.value  # 10 of 25


# --------------------------------------------------------------------- cross-selling


def test_cross_selling_explorer_toy():
    w = CrossSellingExplorer(toy_sales(), draw=False, min_lift=0.0)
    w.min_support.value = 0.1
    w.min_confidence.value = 0.5
    assert w.rules[["antecedent", "consequent"]].values.tolist() == [["P02", "P01"], ["P02", "P04"]]
    w.min_confidence.value = 0.0
    w.min_lift.value = 1.0
    assert len(w.rules) == 4
    assert "4 of 6 rules pass" in w.status.value


def test_cross_selling_explorer_finds_true_pairs(case):
    from crm_lessons.generator import TRUE_PRODUCT_PAIRS

    w = CrossSellingExplorer(case["sales"], case["products"], draw=False)
    w.min_support.value = 0.01
    w.min_confidence.value = 0.3
    w.min_lift.value = 2.0
    found = {frozenset(p) for p in zip(w.rules["antecedent"], w.rules["consequent"])}
    assert found == {frozenset(p) for p in TRUE_PRODUCT_PAIRS}
    expected = basket.filter_rules(basket.pair_statistics(case["sales"]), 0.01, 0.3, 2.0)
    pd.testing.assert_frame_equal(w.rules, expected)
    assert "Soundbar" in w.table.value
    w.draw = True
    w.update()
    assert w.image.value[:4] == b"\x89PNG"


# ------------------------------------------------------------------ in-place redraws


def _moves_in_place(w, moves):
    """Each move keeps the figure, its axes and their artists; only the PNG changes."""
    fig = w._figure
    ax = fig.axes[0]
    artists = list(ax.get_children())
    png = bytes(w.image.value)
    for move in moves:
        move()
        assert w._figure is fig
        assert fig.axes == [ax]
        assert len(ax.get_children()) == len(artists)
        assert all(a is b for a, b in zip(ax.get_children(), artists))
    assert w.image.value[:4] == b"\x89PNG"
    assert bytes(w.image.value) != png
    return w._png.full_redraws


def test_abc_explorer_updates_plot_in_place():
    w = ABCExplorer(toy_sales(), cutoffs=(0.25, 0.5))
    redraws = _moves_in_place(
        w, [lambda: setattr(w.b_cutoff, "value", 0.75), lambda: setattr(w.a_cutoff, "value", 0.5)]
    )
    assert redraws == 1  # the still part (axes, labels, legend) was drawn once
    assert [v for s in w._spans for v in (s.get_x(), s.get_width())] == pytest.approx(
        [0, 50, 50, 25, 75, 25]
    )  # 2, 1, 1 of 4
    assert "A: 50% of customers" in w._shares.get_text()
    w.measure.value = "revenue"  # other labels and limits: the still part is drawn again
    assert w._png.full_redraws == 2
    assert w._figure.axes[0].get_ylabel() == "Share of total revenue (%)"


def test_screening_explorer_updates_plot_in_place():
    w = ScreeningExplorer(toy_sales(), toy_customers(), year=2024)
    redraws = _moves_in_place(
        w, [lambda: setattr(w.safety, "value", 10), lambda: setattr(w.cooperation, "value", 0)]
    )
    assert redraws == 1
    # the stacked bars of the first customer add up to its score
    # the best customer's bars (the first of each criterion's bars, at the top)
    first = sum(np.ptp(bars.get_paths()[0].vertices[:, 0]) for bars in w._bars)
    assert first == pytest.approx(w.ranking["score"].iloc[0])
    assert [t.get_text() for t in w._labels][0].endswith(f"({w.ranking.index[0]})")


def test_cross_selling_explorer_updates_plot_in_place():
    w = CrossSellingExplorer(toy_sales(), min_lift=0.0, min_support=0.1, min_confidence=0.5)
    redraws = _moves_in_place(
        w, [lambda: setattr(w.min_confidence, "value", 0.0), lambda: setattr(w.min_confidence, "value", 0.9)]
    )
    assert redraws == 1
    assert len(w._kept.get_offsets()) == len(w.rules)
    assert w._legend.get_texts()[1].get_text() == f"kept by the filters ({len(w.rules)})"
    w.min_confidence.value = 0.5
    assert [n.get_text() for n in w._numbers] == [
        "1",
        "2",
        "",
    ]  # two pairs (P02+P01, P02+P04), one label unused
