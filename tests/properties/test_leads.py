"""Properties of crm_lessons.leads on spoiled input (issue 13)."""

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from crm_lessons import leads as lm

from .conftest import boolean_column, call, must_refuse, not_a_frame, spoiled

SOURCES = ["cold call", "referral", "trade fair", "website"]
KINDS = ["consumer", "intermediary", "organisation"]


@st.composite
def lead_frames(draw, n_min=12):
    n = draw(st.integers(min_value=n_min, max_value=40))
    converted = draw(st.lists(st.booleans(), min_size=n, max_size=n))
    converted[:4] = [True, True, False, False]
    return pd.DataFrame(
        {
            "source": draw(st.lists(st.sampled_from(SOURCES), min_size=n, max_size=n)),
            "kind": draw(st.lists(st.sampled_from(KINDS), min_size=n, max_size=n)),
            "requested_quote": draw(st.lists(st.booleans(), min_size=n, max_size=n)),
            "website_visits": draw(st.lists(st.integers(0, 20), min_size=n, max_size=n)),
            "converted": converted,
        }
    )


@given(lead_frames(), st.data())
def test_features_spoiled(leads, data):
    frame, column, how = data.draw(spoiled(leads, ["source", "kind", "requested_quote", "website_visits"]))
    if column in ("source", "kind"):
        must = how not in ("empty",) and how not in ("digit_text", "date_text", "bool_text")
    else:
        must = must_refuse(column, how) or (column == "website_visits" and how in ("float", "negative"))
    out = call(lm.lead_features, frame, names=["leads", column], must_refuse=must)
    if out is not None:
        assert len(out) == len(frame)


@settings(max_examples=4)  # a near-unregularised fit on separable toy leads takes up to a second
@given(lead_frames(), st.data())
def test_model_same_for_every_boolean_representation(leads, data):
    model = lm.fit_lead_model(leads)
    scores = lm.lead_scores(model, leads)
    assert scores.between(0, 1).all()
    again = leads.assign(
        converted=data.draw(boolean_column(leads["converted"])).to_numpy(),
        requested_quote=data.draw(boolean_column(leads["requested_quote"])).to_numpy(),
    )
    pd.testing.assert_series_equal(lm.lead_scores(lm.fit_lead_model(again), again), scores, rtol=1e-6)


@given(lead_frames(), st.data())
def test_fit_spoiled_outcome(leads, data):
    frame, column, how = data.draw(spoiled(leads, ["converted"]))
    call(
        lm.fit_lead_model,
        frame,
        names=["leads", "converted"],
        must_refuse=must_refuse(column, how) or how == "empty",
    )


@given(st.lists(st.floats(0, 1), min_size=4, max_size=30), st.data())
def test_decile_table_and_auc(scores, data):
    n = len(scores)
    converted = data.draw(st.lists(st.booleans(), min_size=n, max_size=n))
    converted[:2] = [True, False]
    s, c = pd.Series(scores), pd.Series(converted)
    groups = data.draw(st.integers(1, n))
    table = lm.conversion_by_decile(s, c, groups)
    assert table["leads"].sum() == n and table["converted"].sum() == sum(converted)
    auc = lm.score_quality(s, c)
    assert 0 <= auc <= 1
    bad = data.draw(st.sampled_from(["false", np.nan, "0.5"]))
    spoiled_c = c.astype(object)
    spoiled_c.iloc[0] = bad
    call(lm.score_quality, s, spoiled_c, names=["converted"], must_refuse=True)
    call(lm.conversion_by_decile, s, spoiled_c, names=["converted"], must_refuse=True)
    spoiled_s = s.astype(object)
    spoiled_s.iloc[0] = bad
    call(lm.score_quality, spoiled_s, c, names=["scores"], must_refuse=True)


@given(not_a_frame())
def test_not_a_frame_or_model(bad):
    call(lm.lead_features, bad, names=["leads"], must_refuse=True)
    call(lm.lead_coefficients, bad, names=["model"], must_refuse=True)
    assert pytest is not None


@settings(max_examples=3)  # five model fits per example
@given(lead_frames(n_min=20), st.sampled_from([1, "5", 2.5, None]))
def test_out_of_fold_scores(leads, bad_folds):
    scores = call(lm.out_of_fold_scores, leads, 2, names=["leads", "folds"])
    if scores is not None:
        assert len(scores) == len(leads) and scores.between(0, 1).all()
    call(lm.out_of_fold_scores, leads, bad_folds, names=["folds"], must_refuse=True)
