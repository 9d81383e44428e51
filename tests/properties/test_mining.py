"""Properties of crm_lessons.mining on spoiled input (issue 13)."""

import numpy as np
import pandas as pd
from hypothesis import given, settings
from hypothesis import strategies as st

from crm_lessons import mining
from crm_lessons.toy import toy_customers, toy_sales

from .conftest import boolean_column, call, finite_floats, not_a_frame, sweep

SALES, CUSTOMERS = toy_sales(), toy_customers()


@st.composite
def rfm_frames(draw, n_min=6):
    n = draw(st.integers(min_value=n_min, max_value=30))
    return pd.DataFrame(
        {
            "recency": draw(st.lists(st.integers(0, 700), min_size=n, max_size=n)),
            "frequency": draw(st.lists(st.integers(1, 20), min_size=n, max_size=n)),
            "monetary": draw(st.lists(finite_floats(1, 5000), min_size=n, max_size=n)),
        },
        index=pd.Index([f"C{i}" for i in range(n)], name="customer_id"),
    )


@given(rfm_frames(), st.data())
def test_features_standardised_or_refused(rfm, data):
    z = mining.rfm_features(rfm)
    assert np.allclose(z.mean(), 0, atol=1e-9)
    sweep(data, mining.rfm_features, {"rfm": rfm}, "rfm", ["recency", "frequency", "monetary"])


@settings(max_examples=10)  # k-means with ten starts per example
@given(rfm_frames(), st.data())
def test_kmeans_and_profile(rfm, data):
    result = call(mining.kmeans_segments, rfm, 2, names=["rfm", "k"])
    if result is not None:
        labels = result.labels if hasattr(result, "labels") else result[0]
        profile = mining.cluster_profile(rfm, labels)
        assert profile.select_dtypes("number").notna().any().any()
    sweep(data, mining.kmeans_segments, {"rfm": rfm}, "rfm", ["recency", "frequency", "monetary"], k=2)


@settings(max_examples=15)
@given(st.data())
def test_trees_accept_booleans_and_refuse_text(data):
    n = 40
    x = np.arange(n)
    outcome = x % 3 == 0
    frame = pd.DataFrame(
        {
            "x": x.astype(float),
            "band": pd.Categorical(np.where(x < 20, "low", "high")),
            "y": data.draw(boolean_column(outcome)).to_numpy(),
        }
    )
    tree = mining.decision_tree(frame, "y", ["x", "band"], min_samples_leaf=5)
    assert tree.leaves["customers"].sum() == n
    call(mining.chaid_split, frame, "y", ["band"], names=["frame"])
    sweep(
        data,
        mining.decision_tree,
        {"frame": frame},
        "frame",
        ["x", "y"],
        extra=(),
        outcome="y",
        features=["x", "band"],
        min_samples_leaf=5,
        uses=["y"],
        names=["features", "outcome"],
    )


@given(st.data())
def test_behaviour_table_spoiled(data):
    frames = {"sales": SALES, "customers": CUSTOMERS}
    sweep(
        data,
        mining.behaviour_table,
        frames,
        "sales",
        ["customer_id", "order_date", "discount", "revenue"],
        reference_date="2025-01-01",
        names=["reference_date"],
    )


@given(st.lists(st.one_of(finite_floats(), st.sampled_from(["5", np.nan, np.inf])), min_size=1, max_size=10))
def test_bands(values):
    ok = all(isinstance(v, float) and np.isfinite(v) for v in values)
    out = call(mining.bands, values, names=["values"], must_refuse=not ok)
    if out is not None:
        assert len(out) == len(values)


@given(not_a_frame())
def test_not_a_frame(bad):
    call(mining.rfm_features, bad, names=["rfm"], must_refuse=True)
    call(mining.decision_tree, bad, "y", ["x"], names=["frame"], must_refuse=True)


@settings(max_examples=5)  # k-means and silhouettes for several k
@given(rfm_frames(n_min=12), st.sampled_from([None, "rfm", pd.DataFrame({"a": [1]})]))
def test_choose_k_and_chaid_tree(rfm, bad):
    out = call(mining.choose_k, rfm, range(2, 4), names=["rfm", "ks", "k"])
    if out is not None:
        assert len(out) == 2
    call(mining.choose_k, bad, names=["rfm"], must_refuse=True)
    frame = pd.DataFrame({"band": pd.Categorical(["a", "b"] * 50), "y": [True, False, False, True] * 25})
    call(mining.chaid_tree, frame, "y", ["band"], min_size=10, names=["frame", "predictors"])
    call(
        mining.chaid_tree,
        frame.assign(y=["yes", "no"] * 50),
        "y",
        ["band"],
        names=["frame", "y"],
        must_refuse=True,
    )
