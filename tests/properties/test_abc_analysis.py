"""Properties of crm_lessons.abc_analysis on spoiled input (issue 13)."""

import numpy as np
import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st

from crm_lessons import abc_analysis as abc

from .conftest import call, finite_floats

totals = st.lists(finite_floats(0, 1e5), min_size=1, max_size=40).map(
    lambda v: pd.Series(v, index=[f"C{i:02d}" for i in range(len(v))])
)


@given(totals)
def test_classes_and_summary_agree(values):
    summary = call(abc.abc_summary, values, names=["values"])
    if summary is None:
        assert values.sum() == 0
        return
    classes = abc.abc_classes(values)
    assert summary["customers"].sum() == len(values)
    assert summary["value"].sum() == pytest.approx(values.sum())
    assert (
        classes.value_counts().reindex(list(abc.CLASSES), fill_value=0).tolist()
        == summary["customers"].tolist()
    )
    curve = abc.pareto_curve(values)
    assert curve["value_share"].iloc[-1] == pytest.approx(1.0)
    assert (np.diff(curve["value"].to_numpy()) <= 0).all()
    fast = abc.summary_from_sorted(np.sort(values.to_numpy())[::-1])
    pd.testing.assert_frame_equal(fast, summary)
    share = abc.top_share(values, 0.2)
    assert 0 <= share <= 1 + 1e-12


@given(totals, st.sampled_from([np.nan, np.inf, "abc", "12", None, -np.inf]), st.integers(0, 39))
def test_spoiled_totals_are_refused(values, bad, row):
    spoiled = values.astype(object)
    spoiled.iloc[row % len(values)] = bad
    for fn in (abc.abc_summary, abc.abc_classes, abc.pareto_curve):
        call(fn, spoiled, names=["values"], must_refuse=True)
    call(abc.top_share, spoiled, 0.2, names=["values"], must_refuse=True)


@given(
    st.sampled_from([None, [1, 2], "values", pd.DataFrame({"a": [1]}), pd.Series([], dtype=float)]),
    st.sampled_from([(0.2,), (0.5, 0.2), ("0.2", 0.5), (0.2, 1.5), None, 0.2]),
)
def test_bad_values_and_cutoffs(bad, cutoffs):
    call(abc.abc_summary, bad, names=["values"], must_refuse=True)
    call(
        abc.abc_classes,
        pd.Series([3.0, 2.0, 1.0]),
        cutoffs,
        names=["cutoffs"],
        must_refuse=cutoffs is not None,
    )
    call(abc.summary_from_sorted, np.array([]), names=["sorted_values"], must_refuse=True)


@given(totals, st.sampled_from([None, 3, "curve", pd.DataFrame({"a": [1]}), pd.DataFrame()]))
def test_plot_helpers_and_plot(values, bad):
    if values.sum() == 0:
        return
    curve, summary = abc.pareto_curve(values), abc.abc_summary(values)
    x, y = abc.pareto_plot_points(curve, 10)
    assert x[0] == 0 and x[-1] == 100 and (np.diff(y) >= -1e-9).all()
    starts, ends, lines = abc.class_bands(summary)
    assert ends[-1] == pytest.approx(100) and len(lines) == 3
    call(abc.pareto_plot_points, bad, names=["curve"], must_refuse=True)
    call(abc.class_bands, bad, names=["summary"], must_refuse=True)
    call(abc.plot_pareto, bad, summary, names=["curve"], must_refuse=True)
