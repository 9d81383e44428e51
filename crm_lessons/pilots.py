"""Test-and-learn pilots against a control group (对照组): uplift, interval, significance.

A loyalty programme (忠诚计划) is offered to a random half of the pilot customers
(treatment) and not to the other half (control). Because chance alone decided who got
the offer, the difference between the groups' outcomes during the pilot estimates what
the programme caused: its uplift. This module measures the uplift in response rate and
in spend, with a confidence interval and a significance test, for the whole pilot or a
segment, and shows why comparing the treated customers only with their own past (no
control group) misleads.

References
----------
.. [1] Course material 004 (consulting deck): test and learn against control groups as
   a key success factor of CRM; pilot results reported as churn reductions "compared
   with the control group, with more than 95 % confidence".
.. [2] Newcombe, R. G. (1998). Interval estimation for the difference between
   independent proportions: comparison of eleven methods. *Statistics in Medicine*,
   17(8), 873-890.
.. [3] Agresti, A. (2013). *Categorical Data Analysis*, 3rd ed., Wiley, section 3.1.
.. [4] Welch, B. L. (1947). The generalization of "Student's" problem when several
   different population variances are involved. *Biometrika*, 34(1-2), 28-35.
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
import pandas as pd
from scipy import stats

from crm_lessons._validation import (
    require_boolean,
    require_choice,
    require_columns,
    require_date,
    require_fraction,
    require_frame,
    require_numeric,
    require_same_id_type,
    require_table,
    require_whole_number,
)
from crm_lessons.schema import PILOT_END, PILOT_START

GROUPS = ("treatment", "control")


def _z(confidence: float) -> float:
    confidence = require_fraction(confidence, "confidence", low_open=True, high_open=True)
    return float(stats.norm.ppf(0.5 + confidence / 2))


def _check_counts(successes, n, arg_s: str, arg_n: str) -> tuple[int, int]:
    n = require_whole_number(n, arg_n)
    successes = require_whole_number(successes, arg_s)
    if n <= 0:
        raise ValueError(f"`{arg_n}` must be a positive whole number of customers, got {n!r}.")
    if not 0 <= successes <= n:
        raise ValueError(
            f"`{arg_s}` must be a whole number between 0 and `{arg_n}` ({n}), got {successes!r}."
        )
    return int(successes), int(n)


def wilson_interval(successes: int, n: int, confidence: float = 0.95) -> tuple[float, float]:
    """Wilson score interval for one proportion.

    Parameters
    ----------
    successes, n : int
        Customers who responded, and customers in the group.
    confidence : float
        Confidence level, e.g. 0.95.

    Returns
    -------
    (float, float)
        Lower and upper limit.

    Notes
    -----
    With :math:`\\hat p = x/n` and :math:`z = \\Phi^{-1}(1 - \\alpha/2)`:

    .. math::

        \\frac{\\hat p + \\frac{z^2}{2n} \\pm z\\sqrt{\\frac{\\hat p(1-\\hat p)}{n}
        + \\frac{z^2}{4n^2}}}{1 + z^2/n}

    Unlike the Wald interval it stays inside [0, 1] and keeps its coverage for
    small groups and rates near 0 or 1.

    Examples
    --------
    >>> from crm_lessons.pilots import wilson_interval
    >>> [round(v, 4) for v in wilson_interval(56, 70)]
    [0.6918, 0.877]

    Checked against: ``scipy.stats.binomtest(56, 70).proportion_ci(method="wilson")``
    and Newcombe (1998), table I.
    """
    x, n = _check_counts(successes, n, "successes", "n")
    z = _z(confidence)
    p = x / n
    centre = p + z * z / (2 * n)
    half = z * np.sqrt(p * (1 - p) / n + z * z / (4 * n * n))
    denom = 1 + z * z / n
    # exact ends: with no (or only) successes the limit is 0 (or 1), not a rounding error away from it
    low = 0.0 if x == 0 else float((centre - half) / denom)
    high = 1.0 if x == n else float((centre + half) / denom)
    return low, high


def difference_in_proportions(
    successes_treatment: int,
    n_treatment: int,
    successes_control: int,
    n_control: int,
    *,
    confidence: float = 0.95,
    method: str = "newcombe",
) -> pd.Series:
    """Uplift of the treatment over the control response rate, with a confidence interval.

    Parameters
    ----------
    successes_treatment, n_treatment : int
        Responders and customers in the treatment group.
    successes_control, n_control : int
        Responders and customers in the control group.
    confidence : float
        Confidence level of the interval.
    method : {"newcombe", "wald"}
        Newcombe's hybrid score interval (method 10 of Newcombe 1998; recommended) or
        the textbook Wald interval.

    Returns
    -------
    pandas.Series
        ``rate_treatment``, ``rate_control``, ``uplift`` (difference of rates),
        ``ci_low``, ``ci_high``.

    Notes
    -----
    Uplift :math:`d = \\hat p_T - \\hat p_C`.

    Wald: :math:`d \\pm z\\sqrt{\\hat p_T(1-\\hat p_T)/n_T + \\hat p_C(1-\\hat p_C)/n_C}`.

    Newcombe: with Wilson limits :math:`(l_T, u_T)` and :math:`(l_C, u_C)`,

    .. math::

        \\Big(d - \\sqrt{(\\hat p_T - l_T)^2 + (u_C - \\hat p_C)^2},\\;
              d + \\sqrt{(u_T - \\hat p_T)^2 + (\\hat p_C - l_C)^2}\\Big)

    References
    ----------
    Newcombe (1998); Agresti (2013).

    Examples
    --------
    Newcombe's example (a), 56/70 against 48/80:

    >>> from crm_lessons.pilots import difference_in_proportions
    >>> difference_in_proportions(56, 70, 48, 80).round(4).tolist()
    [0.8, 0.6, 0.2, 0.0524, 0.3339]
    >>> difference_in_proportions(56, 70, 48, 80, method="wald").round(4).tolist()
    [0.8, 0.6, 0.2, 0.0575, 0.3425]

    Checked against: the published limits 0.0524 and 0.3339 of Newcombe (1998, table
    II, method 10) for this example; the Wald limits by hand
    (0.2 ± 1.96 × 0.0727).
    """
    require_choice(method, ["newcombe", "wald"], "method")
    xt, nt = _check_counts(successes_treatment, n_treatment, "successes_treatment", "n_treatment")
    xc, nc = _check_counts(successes_control, n_control, "successes_control", "n_control")
    pt, pc = xt / nt, xc / nc
    d = pt - pc
    if method == "wald":
        half = _z(confidence) * np.sqrt(pt * (1 - pt) / nt + pc * (1 - pc) / nc)
        low, high = d - half, d + half
    else:
        lt, ut = wilson_interval(xt, nt, confidence)
        lc, uc = wilson_interval(xc, nc, confidence)
        low = d - np.sqrt((pt - lt) ** 2 + (uc - pc) ** 2)
        high = d + np.sqrt((ut - pt) ** 2 + (pc - lc) ** 2)
    return pd.Series(
        {"rate_treatment": pt, "rate_control": pc, "uplift": d, "ci_low": float(low), "ci_high": float(high)}
    )


def two_proportion_test(
    successes_treatment: int, n_treatment: int, successes_control: int, n_control: int, *, method: str = "z"
) -> pd.Series:
    """Significance test of a difference between two response rates.

    Parameters
    ----------
    successes_treatment, n_treatment, successes_control, n_control : int
        As for :func:`difference_in_proportions`.
    method : {"z", "chi2"}
        Pooled two-proportion z-test, or Pearson's chi-square test of the 2 x 2 table
        without continuity correction (the same p-value: :math:`\\chi^2 = z^2`).

    Returns
    -------
    pandas.Series
        ``statistic`` (z, or chi-square) and ``p_value`` (two-sided).

    Notes
    -----
    With the pooled rate :math:`\\bar p = (x_T + x_C)/(n_T + n_C)`:

    .. math:: z = \\frac{\\hat p_T - \\hat p_C}{\\sqrt{\\bar p(1-\\bar p)(1/n_T + 1/n_C)}},
              \\qquad p = 2\\,(1 - \\Phi(|z|))

    Examples
    --------
    >>> from crm_lessons.pilots import two_proportion_test
    >>> two_proportion_test(56, 70, 48, 80).round(4).tolist()
    [2.6502, 0.008]
    >>> two_proportion_test(56, 70, 48, 80, method="chi2").round(4).tolist()
    [7.0234, 0.008]

    By hand: pooled rate 104/150 = 0.6933, standard error
    :math:`\\sqrt{0.6933 \\cdot 0.3067 (1/70 + 1/80)} = 0.07547`, z = 0.2 / 0.07547 =
    2.650, and :math:`z^2 = 7.023`.

    Checked against: the hand computation above and
    ``scipy.stats.chi2_contingency(correction=False)`` (which the chi-square branch
    calls; its statistic equals z squared).
    """
    require_choice(method, ["z", "chi2"], "method")
    xt, nt = _check_counts(successes_treatment, n_treatment, "successes_treatment", "n_treatment")
    xc, nc = _check_counts(successes_control, n_control, "successes_control", "n_control")
    if method == "chi2":
        table = np.array([[xt, nt - xt], [xc, nc - xc]])
        if (table.sum(axis=0) == 0).any():
            return pd.Series({"statistic": 0.0, "p_value": 1.0})
        res = stats.chi2_contingency(table, correction=False)
        return pd.Series({"statistic": float(res.statistic), "p_value": float(res.pvalue)})
    pooled = (xt + xc) / (nt + nc)
    se = np.sqrt(pooled * (1 - pooled) * (1 / nt + 1 / nc))
    if se == 0:
        return pd.Series({"statistic": 0.0, "p_value": 1.0})
    z = (xt / nt - xc / nc) / se
    return pd.Series({"statistic": float(z), "p_value": float(2 * stats.norm.sf(abs(z)))})


def _groups(
    pilot: pd.DataFrame, group: str, treatment: str, control: str
) -> tuple[pd.DataFrame, pd.DataFrame]:
    require_columns(pilot, [group], "pilot", source="load_pilot()")
    labels = pilot[group].astype(str)
    t, c = pilot[labels == treatment], pilot[labels == control]
    if t.empty or c.empty:
        empty = "treatment" if t.empty else "control"
        raise ValueError(
            f"`pilot` has no {empty} customers (column {group!r}); a pilot needs both groups. "
            "If you filtered a segment, choose a larger one."
        )
    return t, c


def response_uplift(
    pilot: pd.DataFrame,
    *,
    outcome: str = "responded",
    group: str = "group",
    treatment: str = "treatment",
    control: str = "control",
    confidence: float = 0.95,
    method: str = "newcombe",
) -> pd.Series:
    """Uplift in response rate of a pilot, with interval and significance test.

    Parameters
    ----------
    pilot : pandas.DataFrame
        One row per pilot customer with ``group`` and a boolean ``outcome``.
    outcome, group, treatment, control : str
        Column and label names.
    confidence : float
        Confidence level of the interval.
    method : {"newcombe", "wald"}
        Interval method (see :func:`difference_in_proportions`).

    Returns
    -------
    pandas.Series
        ``n_treatment``, ``n_control``, ``rate_treatment``, ``rate_control``,
        ``uplift``, ``ci_low``, ``ci_high``, ``relative_uplift`` (uplift / control
        rate), ``z`` and ``p_value`` (pooled two-proportion z-test).

    Notes
    -----
    Combines :func:`difference_in_proportions` and :func:`two_proportion_test`.

    Examples
    --------
    >>> import pandas as pd
    >>> from crm_lessons.pilots import response_uplift
    >>> pilot = pd.DataFrame({"group": ["treatment"] * 70 + ["control"] * 80,
    ...     "responded": [True] * 56 + [False] * 14 + [True] * 48 + [False] * 32})
    >>> response_uplift(pilot)[["uplift", "ci_low", "ci_high", "p_value"]].round(4).tolist()
    [0.2, 0.0524, 0.3339, 0.008]

    Checked against: the functions it combines (Newcombe's example).
    """
    require_columns(pilot, [outcome, group], "pilot", source="load_pilot()")
    t, c = _groups(pilot, group, treatment, control)
    yt = require_boolean(t, outcome, "pilot", source="load_pilot()")
    yc = require_boolean(c, outcome, "pilot", source="load_pilot()")
    diff = difference_in_proportions(
        int(yt.sum()), len(yt), int(yc.sum()), len(yc), confidence=confidence, method=method
    )
    test = two_proportion_test(int(yt.sum()), len(yt), int(yc.sum()), len(yc))
    out = {"n_treatment": len(yt), "n_control": len(yc), **diff.to_dict()}
    out["relative_uplift"] = diff["uplift"] / diff["rate_control"] if diff["rate_control"] > 0 else np.nan
    out["z"] = test["statistic"]
    out["p_value"] = test["p_value"]
    return pd.Series(out, dtype=float)


def spend_uplift(
    pilot: pd.DataFrame,
    *,
    outcome: str = "spend",
    group: str = "group",
    treatment: str = "treatment",
    control: str = "control",
    confidence: float = 0.95,
) -> pd.Series:
    """Uplift in mean spend per customer, with Welch's interval and t-test.

    Parameters
    ----------
    pilot : pandas.DataFrame
        One row per pilot customer with ``group`` and numeric ``outcome`` (spend
        during the pilot, 0 for customers who bought nothing).
    outcome, group, treatment, control : str
        Column and label names.
    confidence : float
        Confidence level.

    Returns
    -------
    pandas.Series
        ``mean_treatment``, ``mean_control``, ``uplift``, ``ci_low``, ``ci_high``,
        ``t``, ``df`` (Welch-Satterthwaite degrees of freedom) and ``p_value``.

    Notes
    -----
    .. math::

        d = \\bar y_T - \\bar y_C, \\quad
        se = \\sqrt{s_T^2/n_T + s_C^2/n_C}, \\quad
        \\nu = \\frac{se^4}{\\frac{(s_T^2/n_T)^2}{n_T - 1} + \\frac{(s_C^2/n_C)^2}{n_C - 1}}

    interval :math:`d \\pm t_{\\nu,\\,1-\\alpha/2}\\, se`, test statistic
    :math:`t = d / se`. Spend is very skewed (most customers spend 0), but with
    hundreds of customers per group the mean difference is close to normal.

    References
    ----------
    Welch (1947).

    Examples
    --------
    >>> import pandas as pd
    >>> from crm_lessons.pilots import spend_uplift
    >>> pilot = pd.DataFrame({"group": ["treatment"] * 4 + ["control"] * 4,
    ...                       "spend": [0, 200, 400, 600, 0, 0, 200, 200]})
    >>> spend_uplift(pilot).round(3).tolist()
    [300.0, 100.0, 200.0, -186.979, 586.979, 1.414, 4.154, 0.228]

    By hand: group variances 66,666.7 and 13,333.3, so
    se = sqrt(66,666.7/4 + 13,333.3/4) = sqrt(20,000) = 141.42 and
    t = 200 / 141.42 = 1.414, on
    :math:`\\nu = 20000^2 / (16666.7^2/3 + 3333.3^2/3) = 4.154` degrees of freedom.

    Checked against: ``scipy.stats.ttest_ind(equal_var=False)`` statistic, p-value and
    ``confidence_interval()``.
    """
    require_columns(pilot, [outcome, group], "pilot", source="load_pilot()")
    t, c = _groups(pilot, group, treatment, control)
    yt = require_numeric(t, outcome, "pilot", source="load_pilot()").to_numpy()
    yc = require_numeric(c, outcome, "pilot", source="load_pilot()").to_numpy()
    if len(yt) < 2 or len(yc) < 2:
        raise ValueError("`pilot` needs at least two customers in each group to estimate spread.")
    _z(confidence)  # validates confidence
    vt, vc = yt.var(ddof=1) / len(yt), yc.var(ddof=1) / len(yc)
    se = np.sqrt(vt + vc)
    d = yt.mean() - yc.mean()
    if se == 0:
        return pd.Series(
            {
                "mean_treatment": yt.mean(),
                "mean_control": yc.mean(),
                "uplift": d,
                "ci_low": d,
                "ci_high": d,
                "t": np.nan,
                "df": np.nan,
                "p_value": np.nan,
            }
        )
    df = se**4 / (vt**2 / (len(yt) - 1) + vc**2 / (len(yc) - 1))
    q = stats.t.ppf(0.5 + confidence / 2, df)
    tstat = d / se
    return pd.Series(
        {
            "mean_treatment": yt.mean(),
            "mean_control": yc.mean(),
            "uplift": d,
            "ci_low": d - q * se,
            "ci_high": d + q * se,
            "t": tstat,
            "df": df,
            "p_value": float(2 * stats.t.sf(abs(tstat), df)),
        }
    )


def _with_customer_columns(
    pilot: pd.DataFrame, customers: pd.DataFrame | None, columns: list, arg: str
) -> pd.DataFrame:
    """``pilot`` with those of ``columns`` it lacks joined from ``customers`` on ``customer_id``."""
    need = [k for k in columns if k not in pilot.columns]
    if not need:
        return pilot
    if customers is None:
        raise ValueError(f"`{arg}` uses column(s) {need} that `pilot` lacks; pass `customers` to join them.")
    require_columns(customers, ["customer_id", *need], "customers", source="load_customers()")
    return pilot.merge(customers[["customer_id", *need]], on="customer_id", how="left", validate="one_to_one")


def select_segment(
    pilot: pd.DataFrame, customers: pd.DataFrame | None = None, segment: Mapping | None = None
) -> pd.DataFrame:
    """Keep the pilot customers of one segment.

    Parameters
    ----------
    pilot : pandas.DataFrame
        One row per pilot customer with ``customer_id``.
    customers : pandas.DataFrame, optional
        The customers table, joined on ``customer_id`` to filter on its columns
        (``region``, ``channel``, ``tier``, ``buying_motive``, ...). Not needed when
        the segment columns are already in ``pilot``.
    segment : mapping of str to value or list of values, optional
        Column -> allowed value(s). ``None``, an empty mapping, or the value
        ``"all"`` for a column mean no filter on it.

    Returns
    -------
    pandas.DataFrame
        The pilot rows of the segment (columns of ``pilot`` plus the joined customer
        columns used).

    Raises
    ------
    ValueError
        Naming the column when it does not exist, and ``segment`` when the segment
        holds no pilot customers.

    Examples
    --------
    >>> import pandas as pd
    >>> from crm_lessons.pilots import select_segment
    >>> pilot = pd.DataFrame({"customer_id": ["a", "b", "c"], "group": ["treatment", "control", "control"]})
    >>> customers = pd.DataFrame({"customer_id": ["a", "b", "c"], "region": ["North", "North", "East"]})
    >>> select_segment(pilot, customers, {"region": "North"})["customer_id"].tolist()
    ['a', 'b']

    Checked against: hand selection.
    """
    require_frame(pilot, "pilot")
    criteria = {
        k: v for k, v in (segment or {}).items() if not (isinstance(v, str) and v == "all") and v is not None
    }
    if not criteria:
        return pilot
    data = _with_customer_columns(pilot, customers, list(criteria), "segment")
    mask = pd.Series(True, index=data.index)
    for col, allowed in criteria.items():
        allowed = [allowed] if isinstance(allowed, str) or not hasattr(allowed, "__iter__") else list(allowed)
        mask &= data[col].astype(str).isin([str(a) for a in allowed])
    out = data[mask]
    if out.empty:
        raise ValueError(
            f"`segment`={dict(criteria)!r} holds no pilot customers; choose values that occur in the data."
        )
    return out


def uplift_by_segment(
    pilot: pd.DataFrame, customers: pd.DataFrame | None, by: str, *, confidence: float = 0.95
) -> pd.DataFrame:
    """Response uplift with interval for each value of one customer column.

    Parameters
    ----------
    pilot : pandas.DataFrame
    customers : pandas.DataFrame or None
        Joined on ``customer_id`` when ``by`` is not a pilot column.
    by : str
        Segment column, e.g. ``"region"``.
    confidence : float

    Returns
    -------
    pandas.DataFrame
        One row per segment value (sorted), the columns of :func:`response_uplift`;
        segments lacking one of the groups are left out.

    Notes
    -----
    Each segment's interval is wider than the whole pilot's (fewer customers), and
    with five segments one of them will look "significant" or "negative" by chance
    more often than 1 in 20: read segment results as ideas for the next pilot.

    Examples
    --------
    >>> import pandas as pd
    >>> from crm_lessons.pilots import uplift_by_segment
    >>> pilot = pd.DataFrame({"customer_id": list("abcdefgh"),
    ...     "group": ["treatment", "control"] * 4, "responded": [1, 0, 1, 1, 0, 0, 1, 0],
    ...     "region": ["N"] * 4 + ["S"] * 4})
    >>> uplift_by_segment(pilot, None, "region")[["rate_treatment", "rate_control", "uplift"]]
            rate_treatment  rate_control  uplift
    region
    N                  1.0           0.5     0.5
    S                  0.5           0.0     0.5

    Checked against: hand rates.
    """
    data = _with_customer_columns(pilot, customers, [by], "by")
    rows = {}
    for value, part in data.groupby(by, observed=True, sort=True):
        labels = set(part["group"].astype(str))
        if {"treatment", "control"} <= labels:
            rows[value] = response_uplift(part, confidence=confidence)
    if not rows:
        raise ValueError(f"no value of `by`={by!r} has both treatment and control customers.")
    out = pd.DataFrame(rows).T
    out.index.name = by
    return out


def _window(window, arg: str) -> tuple:
    if isinstance(window, str) or not hasattr(window, "__len__") or len(window) != 2:
        raise TypeError(
            f"`{arg}` must be a pair of dates (first day, last day), e.g. ('2024-07-01', '2024-09-30')."
        )
    return tuple(window)


def before_during(
    pilot: pd.DataFrame,
    orders: pd.DataFrame,
    *,
    pilot_window: tuple[str, str] = (PILOT_START, PILOT_END),
    before_window: tuple[str, str] | None = None,
) -> pd.DataFrame:
    """Why a control group matters: each group's response rate before and during the pilot.

    Parameters
    ----------
    pilot : pandas.DataFrame
        ``customer_id``, ``group``.
    orders : pandas.DataFrame
        ``customer_id``, ``order_date``.
    pilot_window : (str, str)
        First and last day of the pilot.
    before_window : (str, str), optional
        The comparison window; default the same dates one year earlier (same season).

    Returns
    -------
    pandas.DataFrame
        Rows ``treatment``, ``control``; columns ``before``, ``during`` (share of the
        group with at least one order in the window) and ``change``.
        ``attrs["naive_uplift"]`` is the treatment group's change (what one would
        claim without a control group); ``attrs["controlled_uplift"]`` the
        treatment-minus-control difference during the pilot;
        ``attrs["difference_in_differences"]`` the treatment change minus the
        control change.

    Notes
    -----
    Without a control group, the treated customers' change from last year mixes the
    programme's effect with everything else that moved all customers (season, trend,
    how the pilot customers were chosen: here, customers who had just bought). The
    control group, drawn at random from the same customers, undergoes all of that
    except the programme, so :math:`\\hat p_T - \\hat p_C` isolates it.

    Examples
    --------
    >>> import pandas as pd
    >>> from crm_lessons.pilots import before_during
    >>> pilot = pd.DataFrame({"customer_id": ["a", "b", "c", "d"],
    ...     "group": ["treatment", "treatment", "control", "control"]})
    >>> orders = pd.DataFrame({"customer_id": ["a", "b", "c", "a"],
    ...     "order_date": pd.to_datetime(["2023-08-01", "2024-08-01", "2024-08-02", "2024-07-05"])})
    >>> before_during(pilot, orders)
               before  during  change
    treatment     0.5     1.0     0.5
    control       0.0     0.5     0.5

    Checked against: hand counts (naive uplift 0.5, controlled 0.5, difference in
    differences 0.0).
    """
    require_table(pilot, "pilot", ["group"], ids=["customer_id"], source="load_pilot()")
    require_table(orders, "orders", ids=["customer_id"], dates=["order_date"], source="load_orders()")
    require_same_id_type(pilot["customer_id"], "pilot", orders["customer_id"], "orders", "customer_id")
    start, end = (require_date(d, "pilot_window") for d in _window(pilot_window, "pilot_window"))
    if end < start:
        raise ValueError(f"`pilot_window` ends ({end.date()}) before it starts ({start.date()}).")
    if before_window is None:
        b_start, b_end = start - pd.DateOffset(years=1), end - pd.DateOffset(years=1)
    else:
        b_start, b_end = (require_date(d, "before_window") for d in _window(before_window, "before_window"))

    def share(lo, hi):
        in_window = orders.loc[(orders["order_date"] >= lo) & (orders["order_date"] <= hi), "customer_id"]
        bought = pilot["customer_id"].isin(set(in_window))
        return bought.groupby(pilot["group"].astype(str)).mean()

    before, during = share(b_start, b_end), share(start, end)
    out = pd.DataFrame({"before": before, "during": during}).reindex(list(GROUPS))
    out.index.name = None
    out["change"] = out["during"] - out["before"]
    out.attrs["naive_uplift"] = float(out.loc["treatment", "change"])
    out.attrs["controlled_uplift"] = float(out.loc["treatment", "during"] - out.loc["control", "during"])
    out.attrs["difference_in_differences"] = float(
        out.loc["treatment", "change"] - out.loc["control", "change"]
    )
    return out
