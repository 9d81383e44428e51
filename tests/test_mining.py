"""Tests of crm_lessons.mining: planted clusters, planted tree rules, planted chi-square splits."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from scipy.stats import chi2_contingency

from crm_lessons import mining


@pytest.fixture(scope="module")
def planted_rfm():
    """Three groups of 200 customers with very different behaviour."""
    rng = np.random.default_rng(3)
    groups = {
        "vip": (rng.integers(1, 30, 200), rng.integers(30, 60, 200), rng.uniform(2e5, 5e5, 200)),
        "new": (rng.integers(1, 30, 200), rng.integers(1, 3, 200), rng.uniform(500, 3000, 200)),
        "lost": (rng.integers(700, 1500, 200), rng.integers(1, 3, 200), rng.uniform(500, 3000, 200)),
    }
    frames = [
        pd.DataFrame({"recency": r, "frequency": f, "monetary": m, "truth": name})
        for name, (r, f, m) in groups.items()
    ]
    out = pd.concat(frames, ignore_index=True)
    out.index = pd.Index([f"C{i:05d}" for i in range(len(out))], name="customer_id")
    return out


def test_rfm_features_standardised(planted_rfm):
    z = mining.rfm_features(planted_rfm)
    assert np.allclose(z.mean(), 0.0) and np.allclose(z.std(ddof=0), 1.0)
    with pytest.raises(ValueError, match=">= 0"):
        mining.rfm_features(planted_rfm.assign(recency=-1))


def test_kmeans_recovers_planted_groups(planted_rfm):
    res = mining.kmeans_segments(planted_rfm, k=3)
    table = pd.crosstab(res.labels, planted_rfm["truth"])
    assert (table.max(axis=1) == 200).all()  # every cluster is one planted group
    assert res.labels[planted_rfm["truth"] == "vip"].eq(1).all()  # cluster 1 spends most
    assert res.profile.loc[1, "name"] == "recent, frequent, big spenders"
    assert res.profile["customers"].sum() == len(planted_rfm)
    assert res.profile["revenue_share"].sum() == pytest.approx(1.0)


def test_kmeans_does_not_depend_on_row_order(planted_rfm):
    a = mining.kmeans_segments(planted_rfm, k=3).labels
    b = mining.kmeans_segments(planted_rfm.sample(frac=1.0, random_state=5), k=3).labels
    pd.testing.assert_series_equal(a, b.reindex(a.index))


def test_choose_k_prefers_the_planted_number(planted_rfm):
    scores = mining.choose_k(planted_rfm, ks=[2, 3, 4, 5])
    assert scores.loc[scores["silhouette"].idxmax(), "k"] == 3
    assert scores["inertia"].is_monotonic_decreasing


def test_kmeans_bad_k(planted_rfm):
    with pytest.raises(ValueError, match="k must be"):
        mining.kmeans_segments(planted_rfm, k=1)


def test_tree_finds_planted_rule():
    rng = np.random.default_rng(11)
    n = 2000
    frame = pd.DataFrame(
        {
            "orders": rng.integers(1, 40, n),
            "channel": pd.Categorical(rng.choice(["online", "sales rep"], n)),
            "noise": rng.normal(size=n),
        }
    )
    frame["gold"] = (frame["orders"] >= 20) & (frame["channel"] == "sales rep")
    tree = mining.decision_tree(
        frame, "gold", ["orders", "channel", "noise"], max_depth=2, min_samples_leaf=20
    )
    top = tree.leaves.iloc[0]
    assert top["rate"] == 1.0
    assert "orders >= 20" in top["rule"]
    assert "channel = sales rep" in top["rule"] or "channel != online" in top["rule"]
    assert tree.leaves["customers"].sum() == n
    assert "noise" not in tree.importance.index
    assert tree.read_out("gold status").startswith(f"Overall {frame['gold'].mean():.0%} have gold status.")


def test_tree_needs_a_boolean_outcome():
    # 0/1 counts as True/False (issue 13); text such as 'yes' does not
    with pytest.raises(TypeError, match=r"`frame` column 'y' must hold booleans \(True/False or 1/0\)"):
        mining.decision_tree(pd.DataFrame({"x": [1, 2], "y": ["no", "yes"]}), "y", ["x"])


def test_bands_never_split_a_value():
    values = pd.Series([1] * 50 + [2] * 20 + [3] * 10 + list(range(4, 24)))
    b = mining.bands(values, unit=" orders")
    assert b.cat.ordered
    for _v, group in pd.DataFrame({"v": values, "b": b}).groupby("v")["b"]:
        assert group.nunique() == 1
    assert b.cat.categories[0] == "1 orders"


def test_stirling_numbers():
    assert [mining._stirling2(4, k) for k in range(1, 5)] == [1, 7, 6, 1]


def test_chaid_merges_alike_categories_and_matches_scipy():
    # north and south have the same 60 % rate, east and west 20 %: two groups
    rates = {"North": 0.6, "South": 0.6, "East": 0.2, "West": 0.2}
    rows = []
    for region, r in rates.items():
        hits = int(r * 100)
        rows += [(region, True)] * hits + [(region, False)] * (100 - hits)
    frame = pd.DataFrame(rows, columns=["region", "gold"])
    frame["noise"] = np.tile(["a", "b"], len(frame) // 2)
    split = mining.chaid_split(frame, "gold", ["region", "noise"])
    assert split.predictor == "region"
    assert split.groups["region"].tolist() == ["North / South", "East / West"]
    assert split.groups["rate"].tolist() == [0.6, 0.2]
    chi2, p, _, _ = chi2_contingency(np.array([[80, 120], [160, 40]]), correction=False)
    best = split.tests.iloc[0]
    assert best["chi2"] == pytest.approx(chi2)
    assert best["p_adjusted"] == pytest.approx(min(1.0, p * 7))  # S(4, 2) = 7 ways to make 2 groups of 4
    assert "North / South, 60% have gold" in split.read_out("gold")


def test_chaid_ordered_categories_merge_only_neighbours():
    levels = ["low", "mid", "high"]
    rows = [("low", True)] * 50 + [("low", False)] * 50 + [("mid", True)] * 10 + [("mid", False)] * 90
    rows += [("high", True)] * 50 + [("high", False)] * 50
    frame = pd.DataFrame(rows, columns=["band", "hit"])
    frame["band"] = pd.Categorical(frame["band"], categories=levels, ordered=True)
    split = mining.chaid_split(frame, "hit", ["band"])
    assert len(split.groups) == 3  # low and high are alike but not neighbours


def test_chaid_no_split_when_nothing_matters():
    frame = pd.DataFrame({"x": ["a", "b"] * 100, "hit": [True, True, False, False] * 50})
    split = mining.chaid_split(frame, "hit", ["x"])
    assert split.predictor is None
    assert "No behaviour" in split.read_out()


def test_chaid_tree_finds_an_interaction():
    rng = np.random.default_rng(2)
    n = 4000
    frame = pd.DataFrame(
        {"balance": rng.choice(["high", "low"], n), "atm": rng.choice(["often", "rarely"], n)}
    )
    p = np.where((frame["balance"] == "high") & (frame["atm"] == "often"), 0.7, 0.1)
    frame["card_user"] = rng.random(n) < p
    leaves = mining.chaid_tree(frame, "card_user", ["balance", "atm"], depth=2)
    top = leaves.iloc[0]
    assert set(top["rule"].split(" and ")) == {"balance = high", "atm = often"}
    assert top["rate"] == pytest.approx(0.7, abs=0.05)
    assert leaves["customers"].sum() == n


def test_behaviour_table_on_the_case_company():
    from crm_lessons.data import load_complaints, load_customers, load_sales

    sales = load_sales()
    table = mining.behaviour_table(sales, load_customers(), "2025-01-01", load_complaints())
    assert table.index.is_unique and len(table) == sales["customer_id"].nunique()
    assert table["categories_bought"].between(1, 6).all()
    assert table["discount_share"].between(0, 1).all()
    # the generator makes gold customers big, long-standing buyers: gold goes with frequency
    assert (
        table.loc[table["is_gold"], "frequency"].median()
        > 2 * table.loc[~table["is_gold"], "frequency"].median()
    )
