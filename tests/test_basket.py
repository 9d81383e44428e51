"""Tests of crm_lessons.basket: pair support / confidence / lift, cross- and up-selling."""

from __future__ import annotations

import pandas as pd
import pytest

from crm_lessons import basket
from crm_lessons.data import load_sales
from crm_lessons.generator import PAIR_ATTACH_RATE, TRUE_PRODUCT_PAIRS
from crm_lessons.toy import toy_sales


@pytest.fixture(scope="module")
def case_pairs():
    return basket.pair_statistics(load_sales())


def _rule(t, a, b):
    row = t.loc[(t["antecedent"] == a) & (t["consequent"] == b)]
    assert len(row) == 1, (a, b)
    return row.iloc[0]


def test_pair_statistics_hand_computed():
    t = basket.pair_statistics(toy_sales())
    # 6 orders; P01 in O1, O2, O3; P04 in O1, O5, O6; both only in O1
    r = _rule(t, "P01", "P04")
    assert r["orders_both"] == 1
    assert r["support"] == pytest.approx(1 / 6)
    assert r["confidence"] == pytest.approx(1 / 3)
    assert r["lift"] == pytest.approx(1 * 6 / (3 * 3))
    r = _rule(t, "P02", "P01")  # P02 in O3, O5
    assert r["confidence"] == pytest.approx(1 / 2)
    assert r["lift"] == pytest.approx(1.0)
    assert len(t) == 6  # three pairs, both directions; P03 never shares an order
    assert t.attrs["n_orders"] == 6


def test_two_lines_of_one_product_count_once():
    s = toy_sales()
    extra = s.iloc[[0]].assign(line_no=3)  # a second P01 line on O1
    t = basket.pair_statistics(pd.concat([s, extra], ignore_index=True))
    assert _rule(t, "P01", "P04")["orders_both"] == 1


def test_filter_rules_thresholds_and_order():
    t = basket.pair_statistics(toy_sales())
    r = basket.filter_rules(t, min_support=0.1, min_confidence=0.5)
    assert r[["antecedent", "consequent"]].values.tolist() == [["P02", "P01"], ["P02", "P04"]]
    assert len(basket.filter_rules(t, 0.0, 0.0, min_lift=1.0)) == 4
    assert basket.filter_rules(t, 0.5, 0.0).empty


@pytest.mark.parametrize(
    "kwargs, argument",
    [
        ({"min_support": 1.5}, "min_support"),
        ({"min_support": -0.1}, "min_support"),
        ({"min_confidence": 2}, "min_confidence"),
        ({"min_lift": -1}, "min_lift"),
    ],
)
def test_bad_thresholds_name_the_argument(kwargs, argument):
    with pytest.raises(ValueError, match=f"`{argument}`"):
        basket.association_rules(toy_sales(), **kwargs)


def test_bad_level():
    with pytest.raises(ValueError, match="`level`"):
        basket.pair_statistics(toy_sales(), level="brand")


def test_cross_sell_recommendations_toy():
    rules = basket.association_rules(toy_sales(), 0.0, 0.0)
    rec = basket.cross_sell_recommendations(toy_sales(), rules, "C4")
    assert rec["product_id"].tolist() == ["P02", "P01"]  # same confidence, higher lift first
    assert set(rec["because_of"]) == {"P04"}
    with pytest.raises(ValueError, match="`customer_id`"):
        basket.cross_sell_recommendations(toy_sales(), rules, "nobody")


def test_upsell_candidates_toy():
    u = basket.upsell_candidates(toy_sales())
    assert set(zip(u["customer_id"], u["category"])) == {
        ("C1", "refrigerator"),
        ("C2", "refrigerator"),
        ("C1", "small appliance"),
        ("C2", "small appliance"),
        ("C4", "small appliance"),
    }
    assert u.loc[(u["customer_id"] == "C1") & (u["category"] == "refrigerator"), "entry_orders"].item() == 2
    assert len(basket.upsell_candidates(toy_sales(), since="2024-01-01")) == 2


def test_upsell_excludes_customers_who_bought_higher():
    s = toy_sales()
    # C2 also buys a mid-band fridge: no longer a refrigerator up-sell candidate
    extra = s.iloc[[3]].assign(
        line_no=9, price_band=pd.Categorical(["mid"], categories=s["price_band"].cat.categories, ordered=True)
    )
    u = basket.upsell_candidates(pd.concat([s, extra], ignore_index=True))
    assert ("C2", "refrigerator") not in set(zip(u["customer_id"], u["category"]))


def test_case_data_true_pairs_have_the_highest_lift(case_pairs):
    rules = basket.filter_rules(case_pairs, 0.001, 0.0)
    top = {frozenset(p) for p in zip(rules["antecedent"].head(6), rules["consequent"].head(6))}
    assert top == {frozenset(p) for p in TRUE_PRODUCT_PAIRS}
    for anchor, partner in TRUE_PRODUCT_PAIRS:
        r = _rule(case_pairs, anchor, partner)
        assert r["lift"] > 3
        # the partner is attached to about PAIR_ATTACH_RATE of the anchor's orders
        assert r["confidence"] == pytest.approx(PAIR_ATTACH_RATE, abs=0.08)


def test_case_data_other_pairs_near_independence(case_pairs):
    true = {frozenset(p) for p in TRUE_PRODUCT_PAIRS}
    others = case_pairs.loc[
        [frozenset(p) not in true for p in zip(case_pairs["antecedent"], case_pairs["consequent"])]
    ]
    frequent = others.loc[others["orders_both"] >= 100]
    assert frequent["lift"].between(0.3, 2.5).all()


# --------------------------------------------------------------------------- issue 13 regressions


def test_order_ids_mixing_numbers_and_text_are_refused_not_miscounted():
    # before: lift 1.5 instead of 1.0, the order 1 / "1" counted as two orders
    sales = pd.DataFrame({"order_id": [1, "1", 2, 2], "product_id": ["A", "B", "A", "B"]})
    with pytest.raises(
        TypeError, match=r"`sales` column 'order_id' mixes id types \(number, text; e.g. 1 and '1'\)"
    ):
        basket.pair_statistics(sales)
    fixed = basket.pair_statistics(sales.assign(order_id=sales["order_id"].astype(str)))
    assert fixed["lift"].tolist() == [1.0, 1.0] and fixed["support"].tolist() == [1.0, 1.0]


def test_missing_order_id_is_refused_not_crashing_in_scipy():
    sales = pd.DataFrame({"order_id": ["O1", None, "O2"], "product_id": ["A", "B", "A"]})
    with pytest.raises(ValueError, match=r"`sales` column 'order_id' has missing ids \(1, row\(s\) \[1\]\)"):
        basket.pair_statistics(sales)


def test_integer_and_text_order_ids_give_the_same_rules():
    sales = pd.DataFrame({"order_id": [1, 1, 2, 3, 3], "product_id": ["A", "B", "A", "B", "C"]})
    pd.testing.assert_frame_equal(
        basket.pair_statistics(sales),
        basket.pair_statistics(sales.assign(order_id=["1", "1", "2", "3", "3"])),
    )
