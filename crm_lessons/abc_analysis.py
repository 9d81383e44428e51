"""ABC classification of customers (ABC分类法) and the Pareto curve.

Customers are ranked by what they bring (profit by default, or revenue). The top few
per cent are class A (VIP customers, 贵宾型), the next slice class B (key customers,
重要型), everyone else class C (ordinary customers, 普通型). The textbook's table says
A ≈ 5 % of customers bring ≈ 50 % of profit, B ≈ 15 % bring ≈ 30 %, C ≈ 80 % bring ≈ 20 %.

The cut-offs are *cumulative customer shares*: ``cutoffs=(0.05, 0.20)`` puts the top 5 %
of customers in A and the next 15 % (up to 20 %) in B.

(Named ``abc_analysis`` rather than ``abc`` so it never shadows Python's own ``abc`` module.)

Examples
--------
>>> from crm_lessons.toy import toy_sales
>>> from crm_lessons.performance import customer_totals
>>> from crm_lessons.abc_analysis import abc_summary
>>> profit = customer_totals(toy_sales(), "profit")
>>> abc_summary(profit, cutoffs=(0.25, 0.5))[["customers", "customer_share", "value", "value_share"]].round(3)
       customers  customer_share   value  value_share
class
A              1            0.25  5500.0        0.625
B              1            0.25  2000.0        0.227
C              2            0.50  1300.0        0.148
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from crm_lessons.plotting import styled

#: The textbook's ABC table (表2-2): class, name, share of customers, share of profit.
TEXTBOOK_ABC = pd.DataFrame(
    {
        "label": ["VIP (贵宾型)", "key (重要型)", "ordinary (普通型)"],
        "customer_share": [0.05, 0.15, 0.80],
        "value_share": [0.50, 0.30, 0.20],
    },
    index=pd.Index(["A", "B", "C"], name="class"),
)

#: Default cut-offs: top 5 % is A, next 15 % (to 20 %) is B.
TEXTBOOK_CUTOFFS = (0.05, 0.20)

#: Names of the classes, best first.
CLASSES = ("A", "B", "C")

# Tolerance so that 0.05 * 5000 counts as exactly 250 customers despite float rounding.
_EPS = 1e-9


def check_cutoffs(cutoffs) -> tuple[float, float]:
    """Validate ABC cut-offs and return them as a pair of floats.

    Parameters
    ----------
    cutoffs : sequence of two numbers
        Cumulative customer shares ending class A and class B, each strictly between 0 and 1
        (0.05 means 5 %), the first smaller than the second.

    Returns
    -------
    tuple of float

    Raises
    ------
    ValueError
        Naming ``cutoffs`` when there are not two of them, one lies outside (0, 1) or they
        do not increase.

    Examples
    --------
    >>> check_cutoffs([0.05, 0.2])
    (0.05, 0.2)
    >>> check_cutoffs((0.3, 0.2))
    Traceback (most recent call last):
    ...
    ValueError: `cutoffs` must increase (A's cut-off below B's), got (0.3, 0.2); e.g. use (0.05, 0.20).
    >>> check_cutoffs((5, 20))
    Traceback (most recent call last):
    ...
    ValueError: `cutoffs` must be customer shares strictly between 0 and 1 (0.05 means 5 %), got (5, 20).

    Checked by tests/test_abc_analysis.py on every kind of bad pair (outside (0, 1), equal,
    decreasing, wrong length).
    """
    try:
        values = tuple(cutoffs)
    except TypeError:
        raise TypeError(
            f"`cutoffs` must be a pair of numbers such as (0.05, 0.20), got {cutoffs!r}."
        ) from None
    if len(values) != 2:
        raise ValueError(
            f"`cutoffs` must hold two numbers (end of A, end of B), got {len(values)}: {values!r}."
        )
    if any(isinstance(v, (str, bytes, bool, np.bool_)) for v in values):
        raise TypeError(f"`cutoffs` must be numbers (without quotes) such as (0.05, 0.20), got {values!r}.")
    try:
        a, b = (float(v) for v in values)
    except (TypeError, ValueError):
        raise TypeError(f"`cutoffs` must be numbers such as (0.05, 0.20), got {values!r}.") from None
    if not all(0 < v < 1 for v in (a, b)):
        raise ValueError(
            f"`cutoffs` must be customer shares strictly between 0 and 1 (0.05 means 5 %), got {values!r}."
        )
    if not a < b:
        raise ValueError(
            f"`cutoffs` must increase (A's cut-off below B's), got {values!r}; e.g. use (0.05, 0.20)."
        )
    return a, b


def _sorted_values(values: pd.Series) -> pd.Series:
    if not isinstance(values, pd.Series):
        raise TypeError(
            "`values` must be a pandas Series of one total per customer "
            f"(e.g. crm_lessons.performance.customer_totals(sales)), got {type(values).__name__}."
        )
    if len(values) == 0:
        raise ValueError("`values` is empty; pass at least one customer's total.")
    from crm_lessons._validation import require_numeric

    v = require_numeric(values, None, "values", allow_nan=True)
    if v.isna().any():
        raise ValueError("`values` has missing totals; fill or drop them first.")
    order = np.lexsort((v.index.astype(str).to_numpy(), -v.to_numpy()))
    return v.iloc[order]


def class_sizes(n_customers: int, cutoffs=TEXTBOOK_CUTOFFS) -> tuple[int, int, int]:
    """Number of customers in A, B and C for ``n_customers`` ranked customers.

    Notes
    -----
    The customer at rank :math:`r` (1 = best) of :math:`n` is in A when :math:`r/n \\le a`,
    in B when :math:`a < r/n \\le b`, otherwise in C; so
    :math:`n_A = \\lfloor a n \\rfloor`, :math:`n_B = \\lfloor b n \\rfloor - n_A`.

    Examples
    --------
    >>> class_sizes(5000)
    (250, 750, 4000)
    >>> class_sizes(10, (0.05, 0.2))
    (0, 2, 8)

    Checked by hand: 7 customers at (0.3, 0.6) give floor(2.1) = 2 and floor(4.2) − 2 = 2.
    """
    a, b = check_cutoffs(cutoffs)
    n_a = int(np.floor(a * n_customers + _EPS))
    n_ab = int(np.floor(b * n_customers + _EPS))
    return n_a, n_ab - n_a, n_customers - n_ab


def pareto_curve(values: pd.Series) -> pd.DataFrame:
    """Points of the Pareto (cumulative concentration) curve.

    Parameters
    ----------
    values : pandas.Series
        One total per customer (index: customer id), e.g. profit from
        :func:`crm_lessons.performance.customer_totals`.

    Returns
    -------
    pandas.DataFrame
        One row per customer, best first, with ``customer_id``, ``rank`` (1 = best),
        ``value``, ``customer_share`` = rank / n and ``value_share`` = cumulative value /
        total value. With loss-making customers the curve rises above 1 and comes back down to 1.

    Notes
    -----
    .. math:: x_r = r / n, \\qquad y_r = \\sum_{i \\le r} v_{(i)} \\Big/ \\sum_i v_i

    where :math:`v_{(1)} \\ge v_{(2)} \\ge \\dots` are the values sorted from largest.

    References
    ----------
    Pareto's 80/20 principle; course chapter 2, table 2-2 (ABC分类法).

    Examples
    --------
    >>> import pandas as pd
    >>> pareto_curve(pd.Series({"x": 10.0, "y": 30.0, "z": 60.0})).round(3)
      customer_id  rank  value  customer_share  value_share
    0           z     1   60.0           0.333          0.6
    1           y     2   30.0           0.667          0.9
    2           x     3   10.0           1.000          1.0

    Checked by hand (60 / 100, 90 / 100, 100 / 100).
    """
    v = _sorted_values(values)
    n = len(v)
    total = v.sum()
    if total == 0:
        raise ValueError("`values` add up to zero, so shares of the total are undefined.")
    return pd.DataFrame(
        {
            "customer_id": v.index.to_numpy(),
            "rank": np.arange(1, n + 1),
            "value": v.to_numpy(),
            "customer_share": np.arange(1, n + 1) / n,
            "value_share": np.cumsum(v.to_numpy()) / total,
        }
    )


def abc_classes(values: pd.Series, cutoffs=TEXTBOOK_CUTOFFS) -> pd.Series:
    """ABC class of every customer.

    Parameters
    ----------
    values : pandas.Series
        One total per customer (index: customer id).
    cutoffs : pair of float
        Cumulative customer shares ending A and B, in (0, 1) and increasing;
        default (0.05, 0.20) as in the textbook.

    Returns
    -------
    pandas.Series
        Ordered categorical ``A`` < ``B`` < ``C`` ... indexed by customer id, best customer first,
        named ``abc_class``.

    Notes
    -----
    Customers are ranked by value (ties broken by id). Rank :math:`r` of :math:`n` goes to A
    when :math:`r/n \\le a`, to B when :math:`r/n \\le b`, else to C (see :func:`class_sizes`).

    References
    ----------
    Course chapter 2, table 2-2 "用ABC分类法对客户进行划分".

    Examples
    --------
    >>> from crm_lessons.toy import toy_sales
    >>> from crm_lessons.performance import customer_totals
    >>> abc_classes(customer_totals(toy_sales()), (0.25, 0.5)).astype(str).to_dict()
    {'C2': 'A', 'C3': 'B', 'C1': 'C', 'C4': 'C'}

    Checked against the toy table: C2 has the largest profit (5500), C3 the next (2000).
    """
    v = _sorted_values(values)
    n_a, n_b, n_c = class_sizes(len(v), cutoffs)
    labels = np.repeat(np.array(CLASSES), [n_a, n_b, n_c])
    return pd.Series(
        pd.Categorical(labels, categories=list(CLASSES), ordered=True), index=v.index, name="abc_class"
    )


def summary_from_sorted(
    sorted_values: np.ndarray, cutoffs=TEXTBOOK_CUTOFFS, cumulative: np.ndarray | None = None
):
    """ABC summary from values already sorted largest first (the fast path for widgets).

    Parameters
    ----------
    sorted_values : numpy.ndarray
        Customer totals sorted from largest to smallest.
    cutoffs : pair of float
        As in :func:`abc_classes`.
    cumulative : numpy.ndarray, optional
        ``numpy.cumsum(sorted_values)`` if already computed (saves O(n) per call).

    Returns
    -------
    pandas.DataFrame
        As :func:`abc_summary`.

    Examples
    --------
    >>> import numpy as np
    >>> summary_from_sorted(np.array([60.0, 30.0, 10.0]), (0.34, 0.67))["value_share"].round(2).tolist()
    [0.6, 0.3, 0.1]

    Checked against :func:`abc_summary` and a group-by of :func:`abc_classes` on the case data (tests).
    """
    n = len(sorted_values)
    if n == 0:
        raise ValueError("`sorted_values` is empty; pass at least one customer's total.")
    n_a, n_b, n_c = class_sizes(n, cutoffs)
    cum = np.cumsum(sorted_values) if cumulative is None else cumulative
    total = cum[-1]
    if total == 0:
        raise ValueError("`values` add up to zero, so shares of the total are undefined.")
    ends = [n_a, n_a + n_b, n]
    at = [cum[e - 1] if e > 0 else 0.0 for e in ends]
    value = np.array([at[0], at[1] - at[0], at[2] - at[1]])
    counts = np.array([n_a, n_b, n_c])
    out = pd.DataFrame(
        {
            "customers": counts,
            "customer_share": counts / n,
            "value": value,
            "value_share": value / total,
            "textbook_customer_share": TEXTBOOK_ABC["customer_share"].to_numpy(),
            "textbook_value_share": TEXTBOOK_ABC["value_share"].to_numpy(),
        },
        index=pd.Index(list(CLASSES), name="class"),
    )
    return out


def abc_summary(values: pd.Series, cutoffs=TEXTBOOK_CUTOFFS) -> pd.DataFrame:
    """Customers and value per ABC class, beside the textbook's 5/15/80 vs 50/30/20.

    Parameters
    ----------
    values : pandas.Series
        One total per customer (index: customer id), e.g. profit per customer.
    cutoffs : pair of float
        Cumulative customer shares ending A and B; default (0.05, 0.20).

    Returns
    -------
    pandas.DataFrame
        Index ``class`` (A, B, C); columns ``customers``, ``customer_share``, ``value``,
        ``value_share`` and the textbook's ``textbook_customer_share`` and
        ``textbook_value_share`` (5/15/80 and 50/30/20 %) for comparison.

    Notes
    -----
    :math:`\\text{value share}_k = \\sum_{c \\in k} v_c / \\sum_c v_c` for class :math:`k`.
    The textbook's columns only make a like-for-like comparison at the default cut-offs.

    References
    ----------
    Course chapter 2, table 2-2 (A 贵宾型 5 % → 50 %, B 重要型 15 % → 30 %, C 普通型 80 % → 20 %).

    Examples
    --------
    >>> import pandas as pd
    >>> values = pd.Series([10.0] * 5 + [2.0] * 15 + [0.25] * 80, index=[f"c{i:03d}" for i in range(100)])
    >>> table = abc_summary(values)
    >>> table[["customers", "value", "value_share", "textbook_value_share"]]
           customers  value  value_share  textbook_value_share
    class
    A              5   50.0          0.5                   0.5
    B             15   30.0          0.3                   0.3
    C             80   20.0          0.2                   0.2

    Checked by hand: a made-up company that follows the textbook exactly (5 × 10, 15 × 2, 80 × 0.25).
    """
    v = _sorted_values(values)
    return summary_from_sorted(v.to_numpy(), cutoffs)


def top_share(values: pd.Series, customer_share: float) -> float:
    """Share of the total value brought by the best ``customer_share`` of customers.

    Parameters
    ----------
    values : pandas.Series
        One total per customer.
    customer_share : float
        Fraction of customers, in (0, 1].

    Returns
    -------
    float

    Notes
    -----
    :math:`\\sum_{r \\le \\lfloor s n \\rfloor} v_{(r)} / \\sum v`; e.g. ``top_share(profit, 0.2)``
    answers "how much profit do the best 20 % of customers bring?" (80/20 rule).

    Examples
    --------
    >>> import pandas as pd
    >>> round(top_share(pd.Series({"x": 10.0, "y": 30.0, "z": 60.0, "w": 0.0}), 0.5), 2)
    0.9

    Checked by hand: the best half (z, y) bring 90 of 100.
    """
    from crm_lessons._validation import require_fraction

    s = require_fraction(customer_share, "customer_share", low_open=True)
    v = _sorted_values(values)
    k = int(np.floor(s * len(v) + _EPS))
    return float(v.iloc[:k].sum() / v.sum())


def pareto_plot_points(curve: pd.DataFrame, max_points: int = 600) -> tuple[np.ndarray, np.ndarray]:
    """The Pareto curve as drawn: thinned to about ``max_points`` points, from (0, 0), in percent.

    Examples
    --------
    >>> import pandas as pd
    >>> values = pd.Series([6.0, 3.0, 1.0], index=["a", "b", "c"])
    >>> x, y = pareto_plot_points(pareto_curve(values))
    >>> [round(float(v), 1) for v in x], [round(float(v), 1) for v in y]
    ([0.0, 33.3, 66.7, 100.0, 100.0], [0.0, 60.0, 90.0, 100.0, 100.0])

    Checked against: the cumulative shares 6/10, 9/10, 10/10 by hand.
    """
    from crm_lessons._validation import require_numeric_frame, require_rows

    require_numeric_frame(
        curve,
        ["customer_share", "value_share"],
        "curve",
        allow_nan=False,
        source="crm_lessons.abc_analysis.pareto_curve()",
    )
    require_rows(curve, "curve")
    if isinstance(max_points, bool) or not isinstance(max_points, (int, np.integer)) or max_points < 1:
        raise ValueError(f"`max_points` must be a positive whole number, got {max_points!r}.")
    step = max(1, len(curve) // max_points)
    x = np.concatenate([[0.0], curve["customer_share"].to_numpy()[::step], [1.0]]) * 100
    y = (
        np.concatenate([[0.0], curve["value_share"].to_numpy()[::step], [curve["value_share"].iloc[-1]]])
        * 100
    )
    return x, y


def _measure_word(measure: str) -> str:
    """The measure's name in the book's language (``profit`` → 利润 in Chinese); others unchanged."""
    from crm_lessons.i18n import catalogue, tr

    key = f"abc_analysis.measure.{measure}"
    return tr(key) if key in catalogue() else str(measure)


def class_bands(summary: pd.DataFrame, measure: str = "profit") -> tuple[np.ndarray, np.ndarray, list[str]]:
    """Where each ABC class starts and ends on the customer axis (percent), with its share line.

    Examples
    --------
    >>> import pandas as pd
    >>> values = pd.Series([10.0] * 5 + [2.0] * 15 + [0.25] * 80, index=[f"c{i:03d}" for i in range(100)])
    >>> starts, ends, lines = class_bands(abc_summary(values))
    >>> starts.round(0).tolist(), ends.round(0).tolist()
    ([0.0, 5.0, 20.0], [5.0, 20.0, 100.0])
    >>> lines[0]
    'A: 5% of customers → 50% of profit'

    Checked against: the cumulative customer shares of :func:`abc_summary`.
    """
    from crm_lessons._validation import require_numeric_frame
    from crm_lessons.i18n import tr

    require_numeric_frame(
        summary,
        ["customer_share", "value_share"],
        "summary",
        allow_nan=False,
        source="crm_lessons.abc_analysis.abc_summary()",
    )
    ends = np.cumsum(summary["customer_share"].to_numpy()) * 100
    starts = np.concatenate([[0.0], ends[:-1]])
    what = _measure_word(measure)
    lines = [
        tr(
            "abc_analysis.plot.band_line",
            cls=cls,
            customers=row["customer_share"],
            value=row["value_share"],
            measure=what,
        )
        for cls, row in summary.iterrows()
    ]
    return starts, ends, lines


@styled
def plot_pareto(
    curve: pd.DataFrame, summary: pd.DataFrame, ax=None, measure: str = "profit", max_points: int = 600
):
    """Draw the Pareto curve with the ABC classes shaded and their value shares written on.

    Parameters
    ----------
    curve : pandas.DataFrame
        Output of :func:`pareto_curve`.
    summary : pandas.DataFrame
        Output of :func:`abc_summary` for the cut-offs to show.
    ax : matplotlib.axes.Axes, optional
        Where to draw (cleared first); a new figure by default.
    measure : str
        Name of the value for the labels ("profit" or "revenue").
    max_points : int, default 600
        The curve is thinned to about this many points (the eye cannot see more; drawing
        stays fast for the widget).

    Returns
    -------
    matplotlib.figure.Figure

    Examples
    --------
    >>> import pandas as pd
    >>> values = pd.Series([10.0] * 5 + [2.0] * 15 + [0.25] * 80, index=[f"c{i:03d}" for i in range(100)])
    >>> fig = plot_pareto(pareto_curve(values), abc_summary(values))
    >>> fig.axes[0].get_xlabel()
    'Share of customers, best first (%)'

    Checked visually; the numbers drawn are those of :func:`abc_summary`.
    """
    from crm_lessons.plotting import BOOK_COLOURS, new_figure

    x, y = pareto_plot_points(curve, max_points)  # checks `curve` before a figure is made
    class_bands(summary, measure)  # checks `summary`
    fig, ax = new_figure(ax, (10, 6), clear=True)
    starts, ends, lines = class_bands(summary, measure)
    shades = (BOOK_COLOURS[0], BOOK_COLOURS[1], BOOK_COLOURS[2])
    for cls, lo, hi, colour in zip(summary.index, starts, ends, shades):
        ax.axvspan(lo, hi, color=colour, alpha=0.15, lw=0)
        ax.text((lo + hi) / 2, 3, cls, ha="center", va="bottom", fontsize=16, fontweight="bold", color=colour)
    ax.text(
        97,
        42,
        "\n".join(lines),
        ha="right",
        va="bottom",
        fontsize=14,
        multialignment="left",
        bbox={"boxstyle": "round", "facecolor": "white", "edgecolor": BOOK_COLOURS[2]},
    )
    from crm_lessons.i18n import tr

    what = _measure_word(measure)
    ax.plot(x, y, color=BOOK_COLOURS[0], lw=3, label=tr("abc_analysis.plot.curve", measure=what))
    ax.plot(
        [0, 100], [0, 100], color=BOOK_COLOURS[2], lw=1.5, ls="--", label=tr("abc_analysis.plot.diagonal")
    )
    ax.set_xlim(0, 100)
    ax.set_ylim(0, max(105.0, float(y.max()) + 5))
    ax.set_xlabel(tr("abc_analysis.plot.xlabel"))
    ax.set_ylabel(tr("abc_analysis.plot.ylabel", measure=what))
    ax.set_title(tr("abc_analysis.plot.title", measure=what))
    ax.legend(loc="lower right", fontsize=12)
    return fig
