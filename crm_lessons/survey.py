"""The satisfaction survey (问卷): Likert answers, reliability, an index, service quality, the report.

A satisfaction questionnaire has three parts: who the respondent is (demographics), how
he or she buys (buying behaviour), and the attitude statements answered on a five-point
Likert scale (李克特量表). This module checks the answers, measures how reliable each
group of statements is (Cronbach's alpha), builds a 0-100 customer satisfaction index
(客户满意度指数), scores the five service-quality dimensions, places them on an
importance-performance grid, and produces the data and analysis parts of a survey report
(frequencies, significance tests between groups, correlations, clusters).

References
----------
.. [1] Course material 002: customer satisfaction index (CSI/ACSI) and its uses; building
   an index system in four steps; survey plan, questionnaire parts, Likert scale,
   survey modes; survey report (technical, data, analysis report).
.. [2] Cronbach, L. J. (1951). Coefficient alpha and the internal structure of tests.
   *Psychometrika*, 16(3), 297-334.
.. [3] Parasuraman, A., Zeithaml, V. A. & Berry, L. L. (1988). SERVQUAL: a multiple-item
   scale for measuring consumer perceptions of service quality. *Journal of Retailing*,
   64(1), 12-40.
.. [4] Fornell, C., Johnson, M. D., Anderson, E. W., Cha, J. & Bryant, B. E. (1996). The
   American Customer Satisfaction Index. *Journal of Marketing*, 60(4), 7-18.
.. [5] Martilla, J. A. & James, J. C. (1977). Importance-performance analysis.
   *Journal of Marketing*, 41(1), 77-79.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

import numpy as np
import pandas as pd
from scipy import stats

from crm_lessons._validation import (
    require_choice,
    require_column_list,
    require_columns,
    require_frame,
    require_ids,
    require_numeric,
)
from crm_lessons.satisfaction import dimension_scores, driver_scores
from crm_lessons.schema import SERVQUAL_ITEMS

#: Quadrants of the importance-performance grid (Martilla & James 1977).
IPA_QUADRANTS = ("concentrate here", "keep up the good work", "low priority", "possible overkill")


def validate_likert(
    survey: pd.DataFrame, columns: Iterable[str], *, low: int = 1, high: int = 5
) -> pd.DataFrame:
    """Check that Likert answers are whole numbers from ``low`` to ``high``.

    Parameters
    ----------
    survey : pandas.DataFrame
        One row per respondent.
    columns : list of str
        The Likert item columns to check.
    low, high : int
        Ends of the scale (1 and 5 for the five-point scale).

    Returns
    -------
    pandas.DataFrame
        ``survey[columns]`` as integers, same index.

    Raises
    ------
    ValueError
        Naming the first column with a missing answer, a fraction, or an answer
        outside ``low..high``, and the first offending rows.

    Notes
    -----
    The five-point Likert scale codes 1 = strongly disagree (非常不满意) ... 5 =
    strongly agree (非常满意). Anything else is a data-entry error that would silently
    shift means and reliabilities, so it is refused rather than clipped.

    Examples
    --------
    >>> import pandas as pd
    >>> from crm_lessons.survey import validate_likert
    >>> validate_likert(pd.DataFrame({"q1": [1, 5], "q2": [3, 4]}), ["q1", "q2"]).sum().tolist()
    [6, 7]
    >>> validate_likert(pd.DataFrame({"q1": [1, 6]}), ["q1"])
    Traceback (most recent call last):
    ...
    ValueError: survey column 'q1' has answers outside the Likert scale 1-5 in row(s) [1]
    (values [6.0]); correct or drop those answers.

    Checked against: hand-made good and bad frames in ``tests/test_survey.py``.
    """
    require_frame(survey, "survey")
    columns = require_column_list(columns, "columns")
    require_columns(survey, columns, "survey", source="load_survey()")
    if low >= high:
        raise ValueError(f"`low` ({low}) must be below `high` ({high}).")
    for col in columns:
        if isinstance(survey[col], pd.DataFrame):
            raise ValueError(f"`survey` has several columns named {col!r}; rename or drop the duplicates.")
        raw = (
            survey[col].astype(object) if isinstance(survey[col].dtype, pd.CategoricalDtype) else survey[col]
        )
        values = pd.to_numeric(raw, errors="coerce").astype(float)
        text = raw.map(lambda v: isinstance(v, (str, bytes))).to_numpy(dtype=bool)
        bad = (values.isna() & raw.notna()) | text | np.isinf(values)
        if bad.any():
            rows = list(survey.index[bad][:5])
            raise ValueError(
                f"survey column {col!r} has answers that are not numbers in row(s) {rows}; "
                f"Likert answers must be whole numbers {low}-{high}."
            )
        missing = values.isna()
        if missing.any():
            raise ValueError(
                f"survey column {col!r} has missing answers in row(s) {list(survey.index[missing][:5])}; "
                "drop those respondents or fill the answers before scoring."
            )
        outside = (values < low) | (values > high) | (values != np.round(values))
        if outside.any():
            raise ValueError(
                f"survey column {col!r} has answers outside the Likert scale {low}-{high} in row(s) "
                f"{list(survey.index[outside][:5])} (values {values[outside].head(5).tolist()}); "
                "correct or drop those answers."
            )
    return survey[columns].astype(int)


def _complete_items(items: pd.DataFrame, arg: str, min_items: int) -> pd.DataFrame:
    """The respondents with every item answered, as floats (listwise deletion)."""
    require_frame(items, arg)
    if items.shape[1] < min_items:
        raise ValueError(f"`{arg}` has {items.shape[1]} item column(s); this needs at least {min_items}.")
    if items.columns.duplicated().any():
        raise ValueError(
            f"`{arg}` has repeated column names "
            f"{sorted(set(items.columns[items.columns.duplicated()]))}; "
            "drop or rename the duplicates."
        )
    # each item numeric and finite, missing answers allowed (those respondents are left out)
    complete = pd.DataFrame(
        {col: require_numeric(items, col, arg, allow_nan=True) for col in items.columns}, index=items.index
    ).dropna()
    if complete.shape[0] < 2:
        raise ValueError(f"`{arg}` has fewer than 2 complete respondents; reliability needs more answers.")
    return complete


def cronbach_alpha(items: pd.DataFrame) -> float:
    """Cronbach's alpha: how consistently a group of items measures one thing.

    Parameters
    ----------
    items : pandas.DataFrame
        One row per respondent, one column per item of the same dimension (at least
        two items). Respondents with a missing answer are left out (listwise).

    Returns
    -------
    float
        Alpha; 0.7 or more is usually read as acceptable, 0.8 or more as good.

    Notes
    -----
    .. math::

        \\alpha = \\frac{k}{k-1}\\left(1 - \\frac{\\sum_{j=1}^{k} s_j^2}{s_T^2}\\right)

    with :math:`k` items, item variances :math:`s_j^2` and the variance
    :math:`s_T^2` of the respondents' total scores (all variances with
    :math:`n-1`). Equivalently :math:`\\frac{k}{k-1}(1 - \\mathrm{tr}(C)/\\mathbf{1}^T
    C\\mathbf{1})` for the item covariance matrix :math:`C`, as pingouin computes it.

    References
    ----------
    Cronbach (1951); course material 002 (questionnaire design).

    Examples
    --------
    The 4 x 3 table worked by hand in the tests: item variances 5/3, 19/12, 11/12
    (sum 25/6), total-score variance 34/3, so
    :math:`\\alpha = 1.5 (1 - (25/6)/(34/3)) = 0.9485`.

    >>> import pandas as pd
    >>> from crm_lessons.survey import cronbach_alpha
    >>> items = pd.DataFrame({"q1": [1, 2, 3, 4], "q2": [2, 3, 3, 5], "q3": [2, 3, 4, 4]})
    >>> round(cronbach_alpha(items), 4)
    0.9485

    Checked against: the hand computation above, and ``pingouin.cronbach_alpha`` on the
    case survey (``tests/test_survey.py``, run when pingouin is installed).
    """
    values = _complete_items(items, "items", 2).to_numpy()
    k = values.shape[1]
    item_var = values.var(axis=0, ddof=1).sum()
    total_var = values.sum(axis=1).var(ddof=1)
    if total_var == 0:
        raise ValueError(
            "`items` total scores do not vary (every respondent has the same total); alpha is undefined."
        )
    return float(k / (k - 1) * (1.0 - item_var / total_var))


def alpha_if_item_deleted(items: pd.DataFrame) -> pd.Series:
    """Cronbach's alpha of the remaining items when each item in turn is left out.

    Parameters
    ----------
    items : pandas.DataFrame
        One row per respondent, one column per item (at least three items, so two
        remain).

    Returns
    -------
    pandas.Series
        Indexed by item. An item whose deletion *raises* alpha above the full
        scale's alpha does not measure what its siblings measure: the weak item.

    Notes
    -----
    :math:`\\alpha_{(-j)}` is :func:`cronbach_alpha` on all items but :math:`j`.

    Examples
    --------
    >>> import pandas as pd
    >>> from crm_lessons.survey import alpha_if_item_deleted
    >>> items = pd.DataFrame({"q1": [1, 2, 3, 4], "q2": [2, 3, 3, 5], "q3": [2, 3, 4, 4]})
    >>> alpha_if_item_deleted(items).round(4)
    q1    0.8462
    q2    0.9492
    q3    0.9600
    Name: alpha_if_item_deleted, dtype: float64

    Deleting q3 leaves q1 and q2 with variances 5/3 and 19/12 (sum 13/4) and
    total-score variance 25/4, so :math:`\\alpha_{(-3)} = 2(1 - 13/25) = 0.96`, above
    the full 0.9485: on this toy table q3 (and, barely, q2) is the weak item.

    Checked against: the hand computation above, and pingouin's ``cronbach_alpha`` on
    the reduced item sets of the case survey (``tests/test_survey.py``).
    """
    complete = _complete_items(items, "items", 3)
    return pd.Series(
        {col: cronbach_alpha(complete.drop(columns=col)) for col in complete.columns},
        name="alpha_if_item_deleted",
    )


def corrected_item_total(items: pd.DataFrame) -> pd.Series:
    """Corrected item-total correlation: each item against the sum of the others.

    Parameters
    ----------
    items : pandas.DataFrame
        One row per respondent, one column per item (at least two).

    Returns
    -------
    pandas.Series
        Indexed by item; values below about 0.3 flag a weak item.

    Notes
    -----
    :math:`r_{j,(T-j)} = \\mathrm{corr}(x_j, \\sum_{m \\ne j} x_m)`.

    Examples
    --------
    >>> import pandas as pd
    >>> from crm_lessons.survey import corrected_item_total
    >>> items = pd.DataFrame({"q1": [1, 2, 3, 4], "q2": [2, 3, 3, 5], "q3": [2, 3, 4, 4]})
    >>> corrected_item_total(items).round(3)
    q1    0.992
    q2    0.866
    q3    0.870
    Name: corrected_item_total, dtype: float64

    Checked against: ``numpy.corrcoef`` of each column with the row sum of the others.
    """
    complete = _complete_items(items, "items", 2)
    total = complete.sum(axis=1)
    return pd.Series(
        {col: float(np.corrcoef(complete[col], total - complete[col])[0, 1]) for col in complete.columns},
        name="corrected_item_total",
    )


def _check_dimensions(dimensions) -> None:
    if not isinstance(dimensions, Mapping) or not dimensions:
        raise TypeError(
            "`dimensions` must map each dimension to its item columns, e.g. {'tangibles': ['tangibles_1', "
            f"'tangibles_2']}}; got {type(dimensions).__name__}."
        )


def reliability_table(
    survey: pd.DataFrame, dimensions: Mapping[str, Iterable[str]] = SERVQUAL_ITEMS
) -> pd.DataFrame:
    """Reliability of every dimension, item by item.

    Parameters
    ----------
    survey : pandas.DataFrame
        One row per respondent.
    dimensions : mapping of str to list of str
        Dimension -> its items (default: the five SERVQUAL dimensions).

    Returns
    -------
    pandas.DataFrame
        One row per item with columns ``dimension``, ``item``, ``alpha`` (the whole
        dimension's alpha, repeated on each of its items), ``alpha_if_deleted``
        (NaN for two-item dimensions), ``corrected_item_total`` and ``weak`` (True
        when deleting the item raises the dimension's alpha).

    Notes
    -----
    Combines :func:`cronbach_alpha`, :func:`alpha_if_item_deleted` and
    :func:`corrected_item_total`.

    Examples
    --------
    >>> import pandas as pd
    >>> from crm_lessons.survey import reliability_table
    >>> survey = pd.DataFrame({"q1": [1, 2, 3, 4], "q2": [2, 3, 3, 5], "q3": [2, 3, 4, 4]})
    >>> reliability_table(survey, {"demo": ["q1", "q2", "q3"]}).round(3)
      dimension item  alpha  alpha_if_deleted  corrected_item_total   weak
    0      demo   q1  0.949             0.846                 0.992  False
    1      demo   q2  0.949             0.949                 0.866   True
    2      demo   q3  0.949             0.960                 0.870   True

    Checked against: the functions it combines (each checked by hand).
    """
    require_frame(survey, "survey")
    _check_dimensions(dimensions)
    rows = []
    for dim, items in dimensions.items():
        items = require_column_list(items, f"dimensions[{dim!r}]")
        require_columns(survey, items, "survey", source="load_survey()")
        for item in items:  # named after `survey`, the argument the caller passed
            require_numeric(survey, item, "survey", allow_nan=True)
        block = survey[items]
        try:
            alpha = cronbach_alpha(block)
            deleted = alpha_if_item_deleted(block) if len(items) >= 3 else pd.Series(np.nan, index=items)
            item_total = corrected_item_total(block)
        except ValueError as err:  # say which argument and dimension the message is about
            raise ValueError(f"`survey`, dimension {dim!r} of `dimensions`: {err}") from None
        for item in items:
            rows.append(
                {
                    "dimension": dim,
                    "item": item,
                    "alpha": alpha,
                    "alpha_if_deleted": deleted[item],
                    "corrected_item_total": item_total[item],
                    "weak": bool(deleted[item] > alpha),
                }
            )
    return pd.DataFrame(rows)


def satisfaction_index(
    survey: pd.DataFrame, weights: Mapping[str, float], *, low: int = 1, high: int = 5
) -> pd.Series:
    """Customer satisfaction index (客户满意度指数) on a 0-100 scale from weighted items.

    Parameters
    ----------
    survey : pandas.DataFrame
        One row per respondent, Likert answers ``low..high``.
    weights : mapping of str to float
        Item column -> weight (non-negative, not all zero). Weights are rescaled to
        sum to 1, so ``{"a": 2, "b": 1}`` and ``{"a": 2/3, "b": 1/3}`` give the same
        index. Equal weights give the plain mean.
    low, high : int
        Ends of the answer scale.

    Returns
    -------
    pandas.Series
        One index value per respondent (0 = every weighted item at ``low``, 100 =
        every item at ``high``), named ``csi``. The company's index is its mean.

    Notes
    -----
    ACSI-style rescaling of a weighted mean :math:`\\bar x_i = \\sum_j w_j x_{ij}`
    (:math:`\\sum_j w_j = 1`):

    .. math:: \\mathrm{CSI}_i = \\frac{\\bar x_i - \\text{low}}{\\text{high} - \\text{low}} \\times 100

    The published ACSI estimates its weights with a structural equation model over
    10-point items; here the weights are given (e.g. the standardised regression
    weights from :func:`crm_lessons.satisfaction.driver_analysis`, step four of the
    course's "index system in four steps").

    References
    ----------
    Fornell et al. (1996); course material 002 (CSI and its uses).

    Examples
    --------
    One respondent answering 5 and 3 with weights 3:1 has weighted mean 4.5, index
    (4.5 - 1) / 4 x 100 = 87.5:

    >>> import pandas as pd
    >>> from crm_lessons.survey import satisfaction_index
    >>> satisfaction_index(pd.DataFrame({"a": [5, 1], "b": [3, 1]}), {"a": 3, "b": 1})
    0    87.5
    1     0.0
    Name: csi, dtype: float64

    Checked against: the hand computation above.
    """
    require_frame(survey, "survey")
    if not isinstance(weights, Mapping) or not weights:
        raise ValueError(
            "`weights` must map item columns to weights, e.g. {'reliability_1': 0.4, 'empathy_1': 0.6}."
        )
    w = require_numeric(pd.Series(weights, dtype=object), None, "weights", allow_inf=True)
    if (w < 0).any() or not np.isfinite(w).all():
        raise ValueError(
            f"`weights` must be finite and non-negative; got {w[(w < 0) | ~np.isfinite(w)].to_dict()}."
        )
    if w.sum() <= 0:
        raise ValueError("`weights` sum to zero; give at least one item a positive weight.")
    answers = validate_likert(survey, list(w.index), low=low, high=high).astype(float)
    weighted = answers.to_numpy() @ (w / w.sum()).to_numpy()
    return pd.Series((weighted - low) / (high - low) * 100.0, index=survey.index, name="csi")


def servqual_scores(
    survey: pd.DataFrame, dimensions: Mapping[str, Iterable[str]] = SERVQUAL_ITEMS
) -> pd.DataFrame:
    """Score the five service-quality dimensions per respondent.

    Parameters
    ----------
    survey : pandas.DataFrame
        One row per respondent with the SERVQUAL items.
    dimensions : mapping
        Dimension -> items; default :data:`crm_lessons.schema.SERVQUAL_ITEMS`
        (tangibles 有形资产, reliability 可信赖感, responsiveness 责任感,
        assurance 保证, empathy 感情).

    Returns
    -------
    pandas.DataFrame
        One float column per dimension: the mean of its (validated) items.

    Notes
    -----
    Perception-only scoring (SERVPERF, Cronin & Taylor 1992): the case survey asks
    how well the company did on each statement, not the expectation per statement,
    so the dimension score is the mean perception. The overall perceived-vs-expected
    gap is asked once (``perceived_quality`` vs ``expectation``) and handled by
    :func:`crm_lessons.satisfaction.satisfaction_state`.

    Examples
    --------
    >>> import pandas as pd
    >>> from crm_lessons.survey import servqual_scores
    >>> survey = pd.DataFrame({"t1": [4, 2], "t2": [5, 2], "r1": [3, 1]})
    >>> servqual_scores(survey, {"tangibles": ["t1", "t2"], "reliability": ["r1"]})
       tangibles  reliability
    0        4.5          3.0
    1        2.0          1.0

    Checked against: hand means (above).
    """
    require_frame(survey, "survey")
    _check_dimensions(dimensions)
    items = [i for its in dimensions.values() for i in require_column_list(its, "dimensions")]
    validate_likert(survey, items)
    return dimension_scores(survey, dimensions)


def importance_performance(
    survey: pd.DataFrame,
    attributes: Mapping[str, Iterable[str]] | Iterable[str],
    outcome: str = "overall_satisfaction",
) -> pd.DataFrame:
    """Importance-performance grid: where to improve first.

    Parameters
    ----------
    survey : pandas.DataFrame
        One row per respondent.
    attributes : mapping or list of str
        Dimension -> items (scored as item means) or plain columns.
    outcome : str
        Overall satisfaction column; importance is derived from it.

    Returns
    -------
    pandas.DataFrame
        One row per attribute: ``importance`` (Pearson correlation with
        ``outcome``), ``performance`` (mean score) and ``quadrant``, cutting each axis
        at the mean over attributes:

        * high importance, low performance: "concentrate here";
        * high importance, high performance: "keep up the good work";
        * low importance, low performance: "low priority";
        * low importance, high performance: "possible overkill".

    Notes
    -----
    Derived importance :math:`I_j = r(x_j, y)` rather than asking customers to rate
    importance (stated importance tends to put everything near the top). Cut-offs
    :math:`\\bar I = \\frac{1}{m}\\sum_j I_j`, :math:`\\bar P = \\frac{1}{m}\\sum_j P_j`;
    a value exactly at the cut-off counts as high.

    References
    ----------
    Martilla & James (1977).

    Examples
    --------
    >>> import pandas as pd
    >>> from crm_lessons.survey import importance_performance
    >>> s = pd.DataFrame({"a": [1, 2, 3, 4], "b": [4, 4, 5, 4], "overall": [1, 2, 3, 5]})
    >>> importance_performance(s, ["a", "b"], outcome="overall").round(3)
       importance  performance           quadrant
    a       0.983         2.50   concentrate here
    b       0.098         4.25  possible overkill

    Checked against: ``numpy.corrcoef`` and hand means (above).
    """
    require_frame(survey, "survey")
    require_columns(survey, [outcome], "survey", source="load_survey()")
    y = require_numeric(survey, outcome, "survey", allow_nan=True)
    scores = driver_scores(survey, attributes, "attributes")
    importance = scores.corrwith(y)
    performance = scores.mean()
    hi_imp = importance >= importance.mean()
    hi_perf = performance >= performance.mean()
    quadrant = np.select(
        [hi_imp & ~hi_perf, hi_imp & hi_perf, ~hi_imp & ~hi_perf],
        [IPA_QUADRANTS[0], IPA_QUADRANTS[1], IPA_QUADRANTS[2]],
        default=IPA_QUADRANTS[3],
    )
    return pd.DataFrame(
        {
            "importance": importance,
            "performance": performance,
            "quadrant": pd.Categorical(quadrant, categories=list(IPA_QUADRANTS)),
        },
        index=scores.columns,
    )


def frequency_table(survey: pd.DataFrame, column: str) -> pd.DataFrame:
    """Data report: how many respondents gave each answer, and the percentage.

    Parameters
    ----------
    survey : pandas.DataFrame
    column : str
        A categorical or Likert column.

    Returns
    -------
    pandas.DataFrame
        Index: the answers in their natural order (category order, or sorted);
        columns ``respondents`` and ``percent`` (of answered, summing to 100).

    Examples
    --------
    >>> import pandas as pd
    >>> from crm_lessons.survey import frequency_table
    >>> frequency_table(pd.DataFrame({"q": [5, 4, 5, 3]}), "q")
       respondents  percent
    q
    3            1     25.0
    4            1     25.0
    5            2     50.0

    Checked against: hand counts.
    """
    require_columns(survey, [column], "survey", source="load_survey()")
    require_ids(survey, column, "survey", allow_missing=True, noun="answer")  # 5 and "5" would be two answers
    counts = survey[column].value_counts(sort=False)
    if not isinstance(survey[column].dtype, pd.CategoricalDtype):
        counts = counts.sort_index()
    out = pd.DataFrame({"respondents": counts.astype(int), "percent": counts / counts.sum() * 100})
    out.index.name = column
    return out


def compare_groups(survey: pd.DataFrame, value: str, group: str) -> pd.Series:
    """Analysis report: is ``value`` significantly different between the groups of ``group``?

    Parameters
    ----------
    survey : pandas.DataFrame
    value : str
        A numeric column (e.g. ``overall_satisfaction`` or an index).
    group : str
        A grouping column (e.g. ``gender``, ``age_group``, ``survey_mode``).

    Returns
    -------
    pandas.Series
        ``test`` (Welch's t-test for two groups, one-way ANOVA for more),
        ``statistic``, ``p_value``, ``groups`` (number of groups), and the mean of
        each group as ``mean[<group>]``.

    Notes
    -----
    Two groups: Welch's :math:`t = (\\bar x_1 - \\bar x_2) / \\sqrt{s_1^2/n_1 + s_2^2/n_2}`.
    More groups: :math:`F = \\frac{\\sum_g n_g(\\bar x_g - \\bar x)^2/(G-1)}
    {\\sum_g\\sum_i (x_{gi} - \\bar x_g)^2/(n-G)}`. Both computed with scipy.
    Groups with no respondents are ignored.

    Examples
    --------
    >>> import pandas as pd
    >>> from crm_lessons.survey import compare_groups
    >>> s = pd.DataFrame({"sat": [4, 5, 4, 5, 2, 3, 2, 3], "g": list("aaaabbbb")})
    >>> r = compare_groups(s, "sat", "g")
    >>> r["test"], round(r["statistic"], 3), round(r["p_value"], 4)
    ('Welch t-test', 4.899, 0.0027)

    By hand: both groups have variance 1/3, so the standard error of the difference
    of means 4.5 - 2.5 is :math:`\\sqrt{2 \\cdot (1/3)/4} = 0.408` and
    :math:`t = 2 / 0.408 = 4.899` on 6 degrees of freedom.

    Checked against: the hand computation above; ``scipy.stats.ttest_ind`` and
    ``scipy.stats.f_oneway`` do the arithmetic.
    """
    require_columns(survey, [value, group], "survey", source="load_survey()")
    if value == group:
        raise ValueError(
            f"`value` and `group` are both {value!r}; compare one column across the groups of another."
        )
    require_numeric(survey, value, "survey", allow_nan=True)
    data = survey[[value, group]].dropna()
    samples = {
        str(k): g[value].astype(float).to_numpy() for k, g in data.groupby(group, observed=True, sort=True)
    }
    samples = {k: v for k, v in samples.items() if len(v) > 0}
    if len(samples) < 2:
        raise ValueError(f"`group` column {group!r} has fewer than two non-empty groups; nothing to compare.")
    if any(len(v) < 2 for v in samples.values()):
        raise ValueError(
            f"every group of {group!r} needs at least two respondents; merge or drop the small ones."
        )
    if len(samples) == 2:
        a, b = samples.values()
        res = stats.ttest_ind(a, b, equal_var=False)
        test = "Welch t-test"
    else:
        res = stats.f_oneway(*samples.values())
        test = "one-way ANOVA"
    out = {
        "test": test,
        "statistic": float(res.statistic),
        "p_value": float(res.pvalue),
        "groups": len(samples),
    }
    out.update({f"mean[{k}]": float(v.mean()) for k, v in samples.items()})
    return pd.Series(out, dtype=object, name=value)


def correlation_matrix(survey: pd.DataFrame, columns: Iterable[str], method: str = "pearson") -> pd.DataFrame:
    """Analysis report: correlations between survey columns.

    Parameters
    ----------
    survey : pandas.DataFrame
    columns : list of str
    method : {"pearson", "spearman"}
        Spearman suits ordinal Likert answers; Pearson is the usual report figure.

    Returns
    -------
    pandas.DataFrame
        Square matrix over ``columns`` (pairwise complete observations).

    Examples
    --------
    >>> import pandas as pd
    >>> from crm_lessons.survey import correlation_matrix
    >>> correlation_matrix(pd.DataFrame({"a": [1, 2, 3], "b": [3, 2, 1]}), ["a", "b"])
         a    b
    a  1.0 -1.0
    b -1.0  1.0

    Checked against: ``pandas.DataFrame.corr``, which it calls.
    """
    columns = require_column_list(columns, "columns")
    require_columns(survey, columns, "survey", source="load_survey()")
    require_choice(method, ["pearson", "spearman"], "method")
    values = pd.DataFrame(
        {c: require_numeric(survey, c, "survey", allow_nan=True) for c in columns}, index=survey.index
    )
    return values.corr(method=method)


def cluster_respondents(scores: pd.DataFrame, n_clusters: int = 3, *, seed: int = 0) -> pd.Series:
    """Analysis report: group respondents with similar answer profiles (k-means).

    Parameters
    ----------
    scores : pandas.DataFrame
        One row per respondent, numeric columns (e.g. dimension scores). Columns are
        standardised first so that no column dominates by its spread.
    n_clusters : int
        Number of clusters (2 or more, fewer than respondents).
    seed : int
        Random seed of the k-means starts, for repeatable labels.

    Returns
    -------
    pandas.Series
        Ordered categorical ``cluster`` with labels ``1..n_clusters`` numbered from
        the lowest to the highest average score, so label 1 is always the least
        satisfied group whatever the random start.

    Notes
    -----
    k-means minimises :math:`\\sum_i \\lVert z_i - \\mu_{c(i)} \\rVert^2` over
    standardised scores :math:`z`; scikit-learn's ``KMeans`` with 10 starts.
    Profile the clusters with ``scores.groupby(labels).mean()``.

    Examples
    --------
    >>> import pandas as pd
    >>> from crm_lessons.survey import cluster_respondents
    >>> scores = pd.DataFrame({"a": [1, 1.2, 5, 4.8], "b": [2, 2.1, 4.9, 5]})
    >>> cluster_respondents(scores, 2).tolist()
    [1, 1, 2, 2]

    Checked against: the obviously separated groups above.
    """
    from sklearn.cluster import KMeans

    require_frame(scores, "scores")
    if not isinstance(n_clusters, (int, np.integer)) or n_clusters < 2:
        raise ValueError(f"`n_clusters` must be a whole number of at least 2, got {n_clusters!r}.")
    values = pd.DataFrame(
        {c: require_numeric(scores, c, "scores", allow_nan=True) for c in scores.columns}, index=scores.index
    )
    if values.columns.empty:
        raise ValueError("`scores` has no columns; pass one column of scores per dimension.")
    if values.isna().any().any():
        raise ValueError("`scores` contains missing values; drop or fill those respondents first.")
    if len(values) <= n_clusters:
        raise ValueError(
            f"`scores` has {len(values)} respondents; need more than `n_clusters` ({n_clusters})."
        )
    std = values.std(ddof=0).replace(0, 1.0)
    z = ((values - values.mean()) / std).to_numpy()
    raw = KMeans(n_clusters=n_clusters, n_init=10, random_state=seed).fit_predict(z)
    # renumber so that cluster 1 has the lowest mean score
    order = pd.Series(values.mean(axis=1).to_numpy()).groupby(raw).mean().sort_values(kind="stable").index
    relabel = {old: new for new, old in enumerate(order, start=1)}
    labels = np.array([relabel[c] for c in raw])
    return pd.Series(
        pd.Categorical(labels, categories=list(range(1, n_clusters + 1)), ordered=True),
        index=scores.index,
        name="cluster",
    )
