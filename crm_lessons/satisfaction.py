"""Customer satisfaction (客户满意): perceived vs expected, the barrel principle, drivers.

Customer satisfaction compares what a customer perceives after buying with what he or
she expected before. This module turns survey answers into the three states of
satisfaction, finds the weakest dimension (the "shortest stave" of the barrel) per
respondent and overall, and estimates how strongly each driver (company, product,
service, communication, customer care) moves overall satisfaction.

Every function takes and returns pandas objects and is pure (no plotting, no I/O).

References
----------
.. [1] Course material 002 (chapter on customers, customer value and satisfaction):
   satisfaction as perceived performance vs expectation, three states; the barrel
   principle; five groups of factors.
.. [2] Oliver, R. L. (1980). A cognitive model of the antecedents and consequences of
   satisfaction decisions. *Journal of Marketing Research*, 17(4), 460-469.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

import numpy as np
import pandas as pd

from crm_lessons._validation import (
    require_column_list,
    require_columns,
    require_frame,
    require_numeric,
    require_numeric_frame,
)

#: The three states of satisfaction, from worst to best.
SATISFACTION_STATES = ("dissatisfied", "satisfied", "highly satisfied")


def _as_series(values, arg: str) -> pd.Series:
    if isinstance(values, pd.Series):
        series = values
    elif np.ndim(values) == 1:
        series = pd.Series(values)
    else:
        raise TypeError(
            f"`{arg}` must be a pandas Series or a 1-D sequence of scores, got {type(values).__name__}."
        )
    if not pd.api.types.is_numeric_dtype(series):
        raise TypeError(f"`{arg}` must hold numbers (Likert scores), got dtype {series.dtype}.")
    return series


def satisfaction_state(perceived, expected, *, tolerance: float = 0.0) -> pd.Series:
    """Classify each respondent as dissatisfied, satisfied or highly satisfied.

    Parameters
    ----------
    perceived : pandas.Series or 1-D array
        What the customer got, on the same scale as ``expected`` (e.g. the survey's
        ``perceived_quality``).
    expected : pandas.Series or 1-D array
        What the customer expected before buying (the survey's ``expectation``).
    tolerance : float
        Gaps within ``tolerance`` of zero count as "perceived equals expected". Use 0
        for whole-number Likert answers, a small positive value for averaged scores.

    Returns
    -------
    pandas.Series
        Ordered categorical with categories :data:`SATISFACTION_STATES`, same index as
        ``perceived``.

    Notes
    -----
    With the gap :math:`g = P - E` between perceived performance :math:`P` and
    expectation :math:`E`:

    * :math:`g < 0` (perceived below expectation): **dissatisfied** (不满意);
    * :math:`g = 0` (perceived meets expectation): **satisfied** (一般满意);
    * :math:`g > 0` (perceived exceeds expectation): **highly satisfied** (高度满意).

    This is the expectation-disconfirmation model of Oliver (1980), in the form the
    course material states it.

    References
    ----------
    Course material 002, section "customer satisfaction"; Oliver (1980).

    Examples
    --------
    >>> import pandas as pd
    >>> from crm_lessons.satisfaction import satisfaction_state
    >>> satisfaction_state(pd.Series([2, 4, 5]), pd.Series([4, 4, 3])).tolist()
    ['dissatisfied', 'satisfied', 'highly satisfied']

    Checked against: the three cases above by hand, and the state counts of the case
    survey recomputed with plain comparisons in ``tests/test_satisfaction.py``.
    """
    perceived = _as_series(perceived, "perceived")
    expected = _as_series(expected, "expected")
    if len(perceived) != len(expected):
        raise ValueError(
            f"`perceived` has {len(perceived)} values but `expected` has {len(expected)}; "
            "pass one perceived and one expected score per respondent."
        )
    if tolerance < 0:
        raise ValueError(f"`tolerance` must be zero or positive, got {tolerance!r}.")
    gap = perceived.to_numpy(dtype=float) - expected.to_numpy(dtype=float)
    if np.isnan(gap).any():
        raise ValueError(
            "`perceived` and `expected` must not contain missing values; drop those respondents first."
        )
    codes = np.where(gap < -tolerance, 0, np.where(gap > tolerance, 2, 1))
    return pd.Series(
        pd.Categorical.from_codes(codes, categories=list(SATISFACTION_STATES), ordered=True),
        index=perceived.index,
        name="satisfaction_state",
    )


def state_shares(states: pd.Series) -> pd.DataFrame:
    """Count respondents in each satisfaction state and give their share.

    Parameters
    ----------
    states : pandas.Series
        Output of :func:`satisfaction_state`.

    Returns
    -------
    pandas.DataFrame
        Index: the three states in order; columns ``respondents`` and ``share``
        (fraction of all respondents, summing to 1).

    Notes
    -----
    :math:`\\text{share}_s = n_s / n`. States nobody is in are shown with 0.

    Examples
    --------
    >>> import pandas as pd
    >>> from crm_lessons.satisfaction import satisfaction_state, state_shares
    >>> s = satisfaction_state(pd.Series([2, 4, 5, 5]), pd.Series([4, 4, 3, 4]))
    >>> state_shares(s)
                      respondents  share
    satisfaction_state
    dissatisfied                1   0.25
    satisfied                   1   0.25
    highly satisfied            2   0.50

    Checked against: hand counts (above).
    """
    if not isinstance(states, pd.Series) or len(states) == 0:
        raise ValueError("`states` must be a non-empty Series from satisfaction_state().")
    counts = states.value_counts(sort=False).reindex(list(SATISFACTION_STATES), fill_value=0)
    out = pd.DataFrame({"respondents": counts.astype(int), "share": counts / counts.sum()})
    out.index = pd.Index(list(SATISFACTION_STATES), name="satisfaction_state")
    return out


def dimension_scores(survey: pd.DataFrame, dimensions: Mapping[str, Iterable[str]]) -> pd.DataFrame:
    """Average each dimension's items per respondent.

    Parameters
    ----------
    survey : pandas.DataFrame
        One row per respondent with the item columns.
    dimensions : mapping of str to list of str
        Dimension name -> its item columns, e.g.
        :data:`crm_lessons.schema.SERVQUAL_ITEMS`.

    Returns
    -------
    pandas.DataFrame
        Same index as ``survey``, one float column per dimension (in the mapping's
        order): the mean of that dimension's items.

    Notes
    -----
    :math:`D_{ij} = \\frac{1}{k_j} \\sum_{m \\in j} x_{im}`, the unweighted mean of the
    :math:`k_j` items of dimension :math:`j` for respondent :math:`i` (summated rating
    scale, as in SERVQUAL).

    Examples
    --------
    >>> import pandas as pd
    >>> from crm_lessons.satisfaction import dimension_scores
    >>> survey = pd.DataFrame({"a1": [1, 5], "a2": [3, 5], "b1": [4, 2]})
    >>> dimension_scores(survey, {"a": ["a1", "a2"], "b": ["b1"]})
         a    b
    0  2.0  4.0
    1  5.0  2.0

    Checked against: hand means (above).
    """
    require_frame(survey, "survey")
    if not isinstance(dimensions, Mapping) or not dimensions:
        raise ValueError(
            "`dimensions` must map each dimension name to a list of item columns, e.g. SERVQUAL_ITEMS."
        )
    out = {}
    for name, items in dimensions.items():
        items = require_column_list(items, f"dimensions[{name!r}]")
        require_columns(survey, items, "survey", source="load_survey()")
        out[name] = require_numeric_frame(survey, items, "survey").mean(axis=1)
    return pd.DataFrame(out, index=survey.index)


def driver_scores(
    survey: pd.DataFrame, drivers: Mapping[str, Iterable[str]] | Iterable[str], arg: str = "drivers"
) -> pd.DataFrame:
    """Score each driver per respondent: the mean of its items, or a column as it is.

    Parameters
    ----------
    survey : pandas.DataFrame
        One row per respondent.
    drivers : mapping of str to list of str, or list of str
        Either driver name -> item columns (scored with :func:`dimension_scores`) or a
        list of columns used as they are.
    arg : str
        Name of the ``drivers`` argument in the caller, for error messages.

    Returns
    -------
    pandas.DataFrame
        Same index as ``survey``, one float column per driver.

    Examples
    --------
    >>> import pandas as pd
    >>> from crm_lessons.satisfaction import driver_scores
    >>> survey = pd.DataFrame({"a1": [1, 5], "a2": [3, 5], "b1": [4, 2]})
    >>> driver_scores(survey, {"a": ["a1", "a2"]}).join(driver_scores(survey, ["b1"]))
         a   b1
    0  2.0  4.0
    1  5.0  2.0

    Checked against: hand means (above).
    """
    if isinstance(drivers, Mapping):
        return dimension_scores(survey, drivers)
    require_frame(survey, "survey")
    drivers = require_column_list(drivers, arg)
    require_columns(survey, drivers, "survey", source="load_survey()")
    return require_numeric_frame(survey, drivers, "survey")


def weakest_dimension(scores: pd.DataFrame) -> pd.DataFrame:
    """Barrel principle (木桶原理) per respondent: the lowest-scoring dimension.

    Parameters
    ----------
    scores : pandas.DataFrame
        One row per respondent, one column per dimension (e.g. from
        :func:`dimension_scores`).

    Returns
    -------
    pandas.DataFrame
        Same index, columns ``weakest_dimension`` (categorical over the dimension
        names, the first in column order on ties) and ``weakest_score`` (the score of
        that dimension: how much water this respondent's barrel holds).

    Notes
    -----
    The barrel holds water only up to its shortest stave: satisfaction is capped by
    the weakest stage of the service chain. Per respondent :math:`i`,
    :math:`w_i = \\arg\\min_j D_{ij}` and the capacity is :math:`\\min_j D_{ij}`.

    References
    ----------
    Course material 002, "factors affecting customer satisfaction" (barrel principle).

    Examples
    --------
    >>> import pandas as pd
    >>> from crm_lessons.satisfaction import weakest_dimension
    >>> scores = pd.DataFrame({"product": [4.0, 2.0], "service": [3.0, 2.0], "care": [5.0, 4.5]})
    >>> weakest_dimension(scores)
      weakest_dimension  weakest_score
    0           service            3.0
    1           product            2.0

    Checked against: hand minima (above; the tie in row 1 goes to the first column).
    """
    require_frame(scores, "scores")
    require_numeric_frame(scores, scores.columns, "scores")
    if scores.shape[1] == 0 or scores.shape[0] == 0:
        raise ValueError("`scores` must have at least one respondent (row) and one dimension (column).")
    values = scores.to_numpy(dtype=float)
    if np.isnan(values).any():
        raise ValueError("`scores` contains missing values; drop or fill those respondents first.")
    position = values.argmin(axis=1)  # argmin returns the first column on ties
    names = [str(c) for c in scores.columns]
    return pd.DataFrame(
        {
            "weakest_dimension": pd.Categorical.from_codes(position, categories=names),
            "weakest_score": values[np.arange(len(values)), position],
        },
        index=scores.index,
    )


def barrel_summary(scores: pd.DataFrame) -> pd.DataFrame:
    """Barrel principle overall: each dimension's mean and how often it is the weakest.

    Parameters
    ----------
    scores : pandas.DataFrame
        One row per respondent, one column per dimension.

    Returns
    -------
    pandas.DataFrame
        One row per dimension, sorted from lowest to highest mean score, columns
        ``mean_score`` and ``share_weakest`` (fraction of respondents for whom it is
        the weakest dimension). The first row is the company's shortest stave.

    Notes
    -----
    Overall weakest dimension :math:`\\arg\\min_j \\bar D_j` with
    :math:`\\bar D_j = \\frac{1}{n}\\sum_i D_{ij}`;
    :math:`\\text{share}_j = \\frac{1}{n}\\#\\{i : w_i = j\\}`.

    Examples
    --------
    >>> import pandas as pd
    >>> from crm_lessons.satisfaction import barrel_summary
    >>> scores = pd.DataFrame({"product": [4.0, 2.0], "service": [3.0, 2.5], "care": [5.0, 4.5]})
    >>> barrel_summary(scores)
             mean_score  share_weakest
    service        2.75            0.5
    product        3.00            0.5
    care           4.75            0.0

    Checked against: hand means and counts (above).
    """
    weakest = weakest_dimension(scores)
    share = weakest["weakest_dimension"].value_counts(normalize=True, sort=False)
    out = pd.DataFrame({"mean_score": scores.astype(float).mean(), "share_weakest": share.astype(float)})
    out.index = pd.Index([str(c) for c in scores.columns])
    return out.sort_values("mean_score", kind="stable")


def driver_analysis(
    survey: pd.DataFrame,
    drivers: Mapping[str, Iterable[str]] | Iterable[str],
    outcome: str = "overall_satisfaction",
) -> pd.DataFrame:
    """Drivers of satisfaction (影响客户满意的因素): correlation and regression weights.

    Parameters
    ----------
    survey : pandas.DataFrame
        One row per respondent.
    drivers : mapping of str to list of str, or list of str
        Either driver name -> item columns (the driver's score is the mean of its
        items) or a list of columns used as they are.
    outcome : str
        Column holding overall satisfaction.

    Returns
    -------
    pandas.DataFrame
        One row per driver (in the order given), columns:

        ``mean``         the driver's mean score;
        ``correlation``  Pearson correlation with ``outcome``;
        ``coefficient``  ordinary least squares slope of ``outcome`` on all drivers
                         together (points of satisfaction per point of the driver);
        ``beta``         standardised regression coefficient;
        ``weight``       ``beta`` rescaled to sum to 1 (the driver's share of the
                         combined standardised effect; comparable with weights
                         stated as shares, like the generator's
                         ``TRUE_SATISFACTION_WEIGHTS``).

        ``DataFrame.attrs["r_squared"]`` holds the regression's :math:`R^2` and
        ``attrs["n"]`` the number of respondents.

    Notes
    -----
    Multiple regression :math:`y_i = b_0 + \\sum_j b_j x_{ij} + e_i` fitted by least
    squares. The standardised coefficient is :math:`\\beta_j = b_j s_{x_j} / s_y`;
    the weight is :math:`w_j = \\beta_j / \\sum_k \\beta_k`. Rescaling to shares also undoes
    the attenuation that comes from answering on a coarse 1-5 scale, which shrinks
    all betas by about the same factor. Correlations alone overstate
    drivers that move together with others (they share credit); the regression
    separates them. A driver with a negative slope makes the weights hard to read:
    look at ``coefficient`` then.

    References
    ----------
    Course material 002, "factors affecting customer satisfaction" (company, product,
    marketing and service system, communication, customer care); Anderson, E. W. &
    Fornell, C. (2000). Foundations of the American Customer Satisfaction Index.
    *Total Quality Management*, 11(7), 869-882.

    Examples
    --------
    >>> import pandas as pd
    >>> from crm_lessons.satisfaction import driver_analysis
    >>> survey = pd.DataFrame({"a": [1, 2, 3, 4, 5, 1], "b": [2, 1, 4, 3, 5, 5]})
    >>> survey["overall"] = 0.5 + 0.6 * survey["a"] + 0.3 * survey["b"]
    >>> driver_analysis(survey, ["a", "b"], outcome="overall").round(3)
        mean  correlation  coefficient   beta  weight
    a  2.667        0.929          0.6  0.791   0.667
    b  3.333        0.672          0.3  0.395   0.333

    Checked against: the exact slopes built into the example above (0.6 and 0.3) and
    ``numpy.linalg.lstsq``; on the case survey it recovers the generator's
    ``TRUE_SATISFACTION_WEIGHTS`` (``tests/test_satisfaction.py``).
    """
    require_frame(survey, "survey")
    require_columns(survey, [outcome], "survey", source="load_survey()")
    X = driver_scores(survey, drivers)
    y = require_numeric(survey, outcome, "survey", allow_nan=True)
    ok = X.notna().all(axis=1) & y.notna()
    X, y = X[ok], y[ok]
    n, k = X.shape
    if n <= k + 1:
        raise ValueError(
            f"`survey` has {n} complete respondents; driver analysis of {k} drivers needs more than {k + 1}."
        )
    A = np.column_stack([np.ones(n), X.to_numpy()])
    coef, *_ = np.linalg.lstsq(A, y.to_numpy(), rcond=None)
    slopes = coef[1:]
    fitted = A @ coef
    ss_res = float(((y.to_numpy() - fitted) ** 2).sum())
    ss_tot = float(((y.to_numpy() - y.mean()) ** 2).sum())
    betas = slopes * X.std(ddof=1).to_numpy() / y.std(ddof=1)
    out = pd.DataFrame(
        {
            "mean": X.mean(),
            "correlation": X.corrwith(y),
            "coefficient": slopes,
            "beta": betas,
            "weight": betas / betas.sum(),
        },
        index=X.columns,
    )
    out.attrs["r_squared"] = 1.0 - ss_res / ss_tot if ss_tot > 0 else float("nan")
    out.attrs["n"] = int(n)
    return out


def prune_factors(
    scores: pd.DataFrame,
    satisfaction,
    *,
    max_correlation: float = 0.8,
    min_correlation: float = 0.2,
) -> pd.DataFrame:
    """Select the factors of a satisfaction index by the course's two pruning rules.

    Building a company's customer satisfaction index system (客户满意度指数体系, step 4 of
    the course's four steps) starts from the industry's set of factors and removes

    1. factors **highly correlated with other factors** (they say the same thing twice;
       what remains should be relatively independent), then
    2. factors **weakly related to satisfaction** (noise; they cost money to ask and
       disturb the important ones). Both rules look at the size of a correlation,
       whatever its sign.

    Parameters
    ----------
    scores : pandas.DataFrame
        One column per candidate factor (an item or a dimension score), one row per
        respondent; numeric.
    satisfaction : pandas.Series or column-like
        Overall satisfaction of the same respondents (aligned with ``scores``).
    max_correlation : float, default 0.8
        Rule 1: two factors whose correlation is at least this are duplicates.
    min_correlation : float, default 0.2
        Rule 2: a factor whose correlation with satisfaction is below this is weak.

    Returns
    -------
    pandas.DataFrame
        One row per factor (in the order given): ``most_like`` (the other factor it
        correlates with most), ``max_correlation`` (that correlation),
        ``satisfaction_correlation``, ``decision`` (``"keep"``, ``"drop: duplicate"`` or
        ``"drop: weak link"``) and ``rule`` (0 kept, 1 or 2: the rule that dropped it).

    Notes
    -----
    Pearson correlations on the respondents with complete answers. Rule 1 is applied
    pair by pair, most correlated pair first: of the two, the factor less correlated
    with satisfaction goes, and correlations are looked at again among the factors
    left. Rule 2 is then applied to what remains. The cut-offs are conventions (0.8 is
    a common warning level for collinearity), not the course's numbers: the course
    states the rules without cut-offs. Reliability (Cronbach's alpha,
    :func:`crm_lessons.survey.cronbach_alpha`) is a separate check, on the statements
    that measure one factor.

    References
    ----------
    Course material 002, building the customer satisfaction index system, step 4
    ("剔除与其他要素高度相关的要素 … 剔除对客户满意度影响较小的要素").

    Examples
    --------
    >>> import pandas as pd
    >>> from crm_lessons.satisfaction import prune_factors
    >>> scores = pd.DataFrame({"a": [1, 2, 3, 4, 5, 3], "a_twin": [1, 2, 3, 4, 5, 2],
    ...                        "b": [2, 1, 4, 3, 5, 4], "noise": [3, 1, 3, 1, 3, 1]})
    >>> overall = pd.Series([1, 2, 4, 4, 5, 3])
    >>> prune_factors(scores, overall)[["most_like", "decision", "rule"]]
           most_like         decision  rule
    a         a_twin             keep     0
    a_twin         a  drop: duplicate     1
    b              a             keep     0
    noise          b  drop: weak link     2

    Checked against: hand correlations (``pandas.DataFrame.corr``) in
    ``tests/test_satisfaction.py``.
    """
    require_frame(scores, "scores")
    if scores.shape[1] < 2:
        raise ValueError(f"`scores` needs at least two factor columns to compare; got {scores.shape[1]}.")
    for name, value in (("max_correlation", max_correlation), ("min_correlation", min_correlation)):
        if not isinstance(value, (int, float)) or not 0 <= value <= 1:
            raise ValueError(f"`{name}` must be a number from 0 to 1, got {value!r}.")
    bad = [c for c in scores.columns if not pd.api.types.is_numeric_dtype(scores[c])]
    if bad:
        raise TypeError(f"`scores` columns {bad} are not numeric; pass factor scores (e.g. Likert answers).")
    target = _as_series(satisfaction, "satisfaction")
    if len(target) != len(scores):
        raise ValueError(
            f"`satisfaction` has {len(target)} values but `scores` has {len(scores)} rows; align them."
        )
    frame = require_numeric_frame(scores, scores.columns, "scores").reset_index(drop=True)
    target = require_numeric(pd.Series(target.to_numpy()), None, "satisfaction", allow_nan=True)
    ok = frame.notna().all(axis=1) & target.notna()
    frame, target = frame[ok], target[ok]
    flat = [str(c) for c in frame.columns if frame[c].nunique() < 2] + (
        ["satisfaction"] if target.nunique() < 2 else []
    )
    if len(frame) < 3 or flat:
        raise ValueError(
            f"`scores` and `satisfaction` need at least 3 complete respondents whose answers vary "
            f"({len(frame)} complete; not varying: {flat}); correlations are undefined otherwise."
        )
    corr = frame.corr()
    with_target = frame.corrwith(target)
    others = corr.where(~np.eye(len(corr), dtype=bool))
    decision = pd.Series("keep", index=frame.columns, dtype=object)
    rule = pd.Series(0, index=frame.columns)
    left = list(frame.columns)
    while len(left) > 1:
        sub = others.loc[left, left].abs()
        pair = sub.stack()
        if pair.empty or pair.max() < max_correlation:
            break
        first, second = pair.idxmax()
        drop = second if abs(with_target[second]) < abs(with_target[first]) else first
        decision[drop], rule[drop] = "drop: duplicate", 1
        left.remove(drop)
    for name in left:
        if abs(with_target[name]) < min_correlation:
            decision[name], rule[name] = "drop: weak link", 2
    most_like = others.abs().idxmax()
    return pd.DataFrame(
        {
            "most_like": most_like,
            "max_correlation": [others.loc[name, most_like[name]] for name in frame.columns],
            "satisfaction_correlation": with_target,
            "decision": decision,
            "rule": rule,
        }
    )
