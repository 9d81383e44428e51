"""Properties of crm_lessons.basket on spoiled input (issue 13)."""

import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st

from crm_lessons import basket
from crm_lessons.toy import toy_sales

from .conftest import REFUSED_FOR_IDS, call, not_a_frame, spoiled

SALES = toy_sales()


@st.composite
def baskets(draw):
    """Order lines: orders of 1-4 distinct products out of six, ids of one type (int or str)."""
    n_orders = draw(st.integers(min_value=1, max_value=12))
    as_int = draw(st.booleans())
    rows = []
    for o in range(n_orders):
        items = draw(st.sets(st.sampled_from(["A", "B", "C", "D", "E", "F"]), min_size=1, max_size=4))
        rows += [{"order_id": o + 1 if as_int else f"O{o + 1}", "product_id": p} for p in sorted(items)]
    return pd.DataFrame(rows)


def _brute_force(lines: pd.DataFrame, a: str, b: str) -> tuple[float, float, float]:
    orders = lines.groupby("order_id")["product_id"].apply(set)
    n, na, nb = len(orders), sum(a in s for s in orders), sum(b in s for s in orders)
    nab = sum(a in s and b in s for s in orders)
    return nab / n, nab / na, nab * n / (na * nb)


@given(baskets())
def test_pair_statistics_match_brute_force(lines):
    pairs = basket.pair_statistics(lines)
    for r in pairs.itertuples():
        support, confidence, lift = _brute_force(lines, r.antecedent, r.consequent)
        assert (r.support, r.confidence, r.lift) == pytest.approx((support, confidence, lift))
    # the same orders with ids written as text give the same rules
    again = basket.pair_statistics(lines.assign(order_id=lines["order_id"].astype(str)))
    pd.testing.assert_frame_equal(again, pairs)


@given(st.data())
def test_pair_statistics_spoiled(data):
    frame, column, how = data.draw(spoiled(SALES, ["order_id", "product_id", "category"]))
    must = how in REFUSED_FOR_IDS + ("drop",) and not (column == "category" and how == "drop")
    for level in ("product_id", "category"):
        must_here = must and column in ("order_id", level)
        call(basket.pair_statistics, frame, level, names=["sales", column, "level"], must_refuse=must_here)
        call(
            basket.association_rules,
            frame,
            0.0,
            0.0,
            level=level,
            names=["sales", column, "level"],
            must_refuse=must_here,
        )


@given(st.data())
def test_rules_functions_spoiled(data):
    rules = basket.association_rules(SALES, 0.0, 0.0)
    frame, column, how = data.draw(spoiled(rules, ["support", "confidence", "lift", "antecedent"]))
    numeric = column != "antecedent"
    must = how == "drop" or (
        numeric and how in ("nan", "none", "inf", "neg_inf", "text", "digit_text", "bool_text")
    )
    must = must or (not numeric and how in REFUSED_FOR_IDS)
    call(basket.filter_rules, frame, 0.0, 0.0, names=["pairs", column], must_refuse=must)
    call(basket.labelled_pairs, frame, 3, names=["rules", column], must_refuse=must)
    must_cs = how == "drop" or (column != "support" and must)
    call(basket.cross_sell_recommendations, SALES, frame, "C4", names=["rules", column], must_refuse=must_cs)


@given(st.data())
def test_cross_sell_and_upsell_spoiled_sales(data):
    rules = basket.association_rules(SALES, 0.0, 0.0)
    columns = ["customer_id", "product_id", "order_id", "order_date", "revenue", "price_band"]
    frame, column, how = data.draw(spoiled(SALES, columns))
    call(basket.cross_sell_recommendations, frame, rules, "C4", names=["sales", column, "customer_id"])
    refused = {
        "customer_id": REFUSED_FOR_IDS,
        "order_id": REFUSED_FOR_IDS,
        "order_date": ("nan", "none", "text", "date_text", "inf", "digit_text"),
        "revenue": ("nan", "none", "inf", "neg_inf", "text", "digit_text", "bool_text", "date_text"),
    }
    must = how == "drop" or how in refused.get(column, ())
    call(basket.upsell_candidates, frame, names=["sales", column], must_refuse=must)


@given(not_a_frame(), st.sampled_from([5, -0.1, "0.1", None, float("nan")]))
def test_not_a_frame_and_bad_thresholds(bad, threshold):
    call(basket.pair_statistics, bad, names=["sales"], must_refuse=True)
    call(basket.association_rules, SALES, threshold, names=["min_support"], must_refuse=True)
    call(
        basket.filter_rules,
        basket.pair_statistics(SALES),
        0.0,
        0.0,
        threshold,
        names=["min_lift"],
        must_refuse=threshold != 5,
    )


@given(baskets(), st.sampled_from([None, 3, "sales", pd.DataFrame({"a": [1]})]))
def test_basket_matrix_and_plot(lines, bad):
    m, items = basket.basket_matrix(lines)
    assert m.shape == (lines["order_id"].nunique(), len(items)) and m.sum() == len(lines.drop_duplicates())
    call(basket.basket_matrix, bad, names=["sales"], must_refuse=True)
    rules = basket.association_rules(SALES, 0.0, 0.0)
    call(basket.plot_rules, bad, rules, names=["pairs"], must_refuse=True)
    call(basket.plot_rules, basket.pair_statistics(SALES), bad, names=["rules"], must_refuse=True)
