"""RFM analysis (RFM法): recency, frequency and monetary value of each customer, scores and segments.

RFM describes each buyer by three numbers read off the purchase history -- how long ago they
last bought (recency), how often they bought (frequency) and how much they spent (monetary
value) -- and turns each into a score from 1 (worst) to 5 (best).

Published RFM recipes disagree on almost every step, so each choice is stated here once:

* **Reference date** -- recency is counted back from a date given explicitly
  (``reference_date``); purchases on or after it are ignored, as if analysing on that morning.
  Default: the day after the last purchase in the data.
* **Recency unit** -- whole days between the last purchase and the reference date
  (a customer who bought the day before has recency 1). Coarser units (months) create ties.
* **One purchase** -- one order (case company) or one customer-day (logs without order
  numbers, such as CDNOW, where a customer may have several lines on one day).
* **Money** -- counted in whole cents (fen, 分): each order line's revenue is rounded to the
  cent (half up) and lines are summed as integers, so totals are exact and do not depend on
  the order in which rows are added up (floating-point sums do, in their last digit).
* **Returns and zero values** -- a return line reduces its order's value; an order whose net
  value is zero or negative is not a purchase (it does not count for frequency or recency).
* **Monetary value** -- ``"sum"`` (total spend, the default: what the customer is worth so
  far) or ``"mean"`` (spend per purchase, which separates value from frequency).
* **Scores and ties** -- a customer's score is one plus the number of fifths of the *other*
  customers with a strictly *worse* value:

  .. math::

     s_i = 1 + \\min\\left(4, \\left\\lfloor 5 \\cdot
     \\frac{\\#\\{j : x_j \\text{ worse than } x_i\\}}{n - 1} \\right\\rfloor\\right)

  so the worst customer scores 1 and the best 5. The count is the rank with ties given their
  lowest rank (pandas ``rank(method="min")``, SQL
  ``RANK()``). Tied customers always share a score and the score is a pure function of the
  values: shuffling the rows changes nothing. ``pd.qcut`` instead fails when quintile edges
  coincide (on real logs half the customers buy once), and ranking by row order
  (``rank(method="first")``) gives equal customers different scores depending on file order.
  With heavy ties some scores stay empty (all one-time buyers get F = 1 and the next
  frequency may jump to F = 4): that is the honest reading of the data.

Everything is computed twice, in pandas (:func:`rfm_table`, :func:`rfm_scores`,
:func:`assign_segments`) and in SQL on the customer database (:func:`rfm_sql`,
:func:`rfm_from_database`); the tests check that the two agree exactly.

References
----------
Hughes, A. M. (1994). *Strategic Database Marketing*. Probus (the RFM method).
Course material, chapter 3 "用RFM法挖掘客户价值": salespeople use the most recent purchase,
purchase frequency and amount spent to predict customer behaviour.
Fader, P. S., Hardie, B. G. S. & Lee, K. L. (2005). RFM and CLV: using iso-value curves for
customer base analysis. *Journal of Marketing Research*, 42(4), 415-430.

Examples
--------
>>> import pandas as pd
>>> from crm_lessons.rfm import rfm_table, rfm_scores
>>> purchases = pd.DataFrame({
...     "customer_id": ["A", "A", "B", "C"],
...     "purchase_date": pd.to_datetime(["2024-01-10", "2024-03-01", "2024-02-01", "2023-12-01"]),
...     "amount_cents": [10000, 5000, 2000, 90000]})
>>> rfm = rfm_table(purchases, reference_date="2024-03-02")
>>> rfm
             recency  frequency  monetary
customer_id
A                  1          2     150.0
B                 30          1      20.0
C                 92          1     900.0
>>> rfm_scores(rfm)[["r_score", "f_score", "m_score"]]
             r_score  f_score  m_score
customer_id
A                  5        5        3
B                  3        1        1
C                  1        1        5
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from crm_lessons._validation import (
    require_boolean,
    require_columns,
    require_date,
    require_frame,
    require_ids,
    require_numeric,
    require_table,
)
from crm_lessons.database import ORDER_TOTALS_SELECT
from crm_lessons.plotting import styled

#: The three RFM measures and, for each, whether a larger value is better.
MEASURES = {"recency": False, "frequency": True, "monetary": True}
SCORE_COLUMNS = {"recency": "r_score", "frequency": "f_score", "monetary": "m_score"}
MONETARY_CHOICES = ("sum", "mean")
#: Segment of customers with no purchase before the reference date (used when joining outcomes).
NO_PURCHASE = "No purchase yet"


# ------------------------------------------------------------------------------------------
# purchases: one row per purchase occasion


def cents(amount) -> pd.Series:
    """Money rounded to whole cents (fen), half up, as int64.

    Parameters
    ----------
    amount : array-like of float
        Amounts in currency units (CNY, USD).

    Returns
    -------
    pandas.Series of int64

    Notes
    -----
    :math:`\\lfloor 100 a + 0.5 \\rfloor`; the SQL side uses the same expression, so the two
    agree to the cent.

    Examples
    --------
    >>> cents([1.005, 2.5, 0.125, -1.0]).tolist()
    [100, 250, 13, -100]
    """
    return pd.Series(np.floor(_values(amount, "amount").to_numpy() * 100 + 0.5).astype("int64"))


def purchases_from_sales(sales: pd.DataFrame) -> pd.DataFrame:
    """Purchases (one per order with positive value) from order lines.

    Parameters
    ----------
    sales : pandas.DataFrame
        One row per order line with ``order_id``, ``customer_id``, ``order_date`` and
        ``revenue`` (as :func:`crm_lessons.data.load_sales`).

    Returns
    -------
    pandas.DataFrame
        Columns ``customer_id``, ``order_id``, ``purchase_date`` and ``amount_cents``, sorted by
        ``order_id``; orders whose net value is zero or negative are left out.

    Notes
    -----
    Each line's revenue is rounded to the cent (:func:`cents`) before the lines of an order
    are added up, so the order value is an exact integer.

    Examples
    --------
    >>> import pandas as pd
    >>> sales = pd.DataFrame({"order_id": ["O2", "O1", "O1", "O3"], "customer_id": ["A", "A", "A", "B"],
    ...     "order_date": pd.to_datetime(["2024-02-01", "2024-01-01", "2024-01-01", "2024-01-05"]),
    ...     "revenue": [0.0, 99.995, 10.0, 5.0]})
    >>> purchases_from_sales(sales)
      customer_id order_id purchase_date  amount_cents
    0           A       O1    2024-01-01         11000
    1           B       O3    2024-01-05           500

    Checked against :func:`rfm_sql` on the database (tests).
    """
    require_table(
        sales,
        "sales",
        ids=["order_id", "customer_id"],
        dates=["order_date"],
        numbers=["revenue"],
        source="load_sales()",
    )
    lines = pd.DataFrame(
        {
            "order_id": sales["order_id"].to_numpy(),
            "customer_id": sales["customer_id"].to_numpy(),
            "purchase_date": sales["order_date"].to_numpy(),
            "amount_cents": cents(sales["revenue"]).to_numpy(),
        }
    )
    orders = lines.groupby("order_id", sort=True).agg(
        customer_id=("customer_id", "first"),
        purchase_date=("purchase_date", "first"),
        amount_cents=("amount_cents", "sum"),
    )
    orders = orders[orders["amount_cents"] > 0].reset_index()
    return orders[["customer_id", "order_id", "purchase_date", "amount_cents"]]


def purchases_from_log(
    log: pd.DataFrame, customer: str = "customer_id", date: str = "date", amount: str = "dollars"
) -> pd.DataFrame:
    """Purchases from a log without order numbers: one purchase per customer and day.

    Parameters
    ----------
    log : pandas.DataFrame
        One row per log line, e.g. :func:`crm_lessons.data.load_cdnow`.
    customer, date, amount : str
        Names of the customer, date and amount (currency units) columns.

    Returns
    -------
    pandas.DataFrame
        Columns ``customer_id``, ``purchase_date``, ``amount_cents``, sorted by customer and
        date; days whose total is zero or negative are left out.

    Examples
    --------
    >>> import pandas as pd
    >>> log = pd.DataFrame({"customer_id": ["1", "1", "1", "2"],
    ...     "date": pd.to_datetime(["1997-01-01", "1997-01-01", "1997-02-01", "1997-01-03"]),
    ...     "dollars": [10.5, 4.5, 0.0, 20.0]})
    >>> purchases_from_log(log)
      customer_id purchase_date  amount_cents
    0           1    1997-01-01          1500
    1           2    1997-01-03          2000
    """
    require_table(log, "log", ids=[customer], dates=[date], numbers=[amount], source="load_cdnow()")
    lines = pd.DataFrame(
        {
            "customer_id": log[customer].to_numpy(),
            "purchase_date": log[date].to_numpy(),
            "amount_cents": cents(log[amount]).to_numpy(),
        }
    )
    days = lines.groupby(["customer_id", "purchase_date"], sort=True, as_index=False)["amount_cents"].sum()
    return days[days["amount_cents"] > 0].reset_index(drop=True)


# ------------------------------------------------------------------------------------------
# the RFM table


def _reference(reference_date, purchases: pd.DataFrame) -> pd.Timestamp:
    if reference_date is None:
        if len(purchases) == 0:
            raise ValueError(
                "reference_date is needed when purchases is empty; pass e.g. reference_date='2025-01-01'"
            )
        return purchases["purchase_date"].max().normalize() + pd.Timedelta(days=1)
    ref = require_date(reference_date, "reference_date", "2025-01-01")
    if ref != ref.normalize():
        raise ValueError(f"reference_date must be a calendar day without time, got {reference_date!r}")
    return ref


def rfm_table(purchases: pd.DataFrame, reference_date=None, monetary: str = "sum") -> pd.DataFrame:
    """Recency, frequency and monetary value of each customer who bought before the reference date.

    Parameters
    ----------
    purchases : pandas.DataFrame
        One row per purchase with ``customer_id``, ``purchase_date`` and ``amount_cents``
        (from :func:`purchases_from_sales` or :func:`purchases_from_log`).
    reference_date : str or pandas.Timestamp, optional
        The day the analysis is made; only purchases before it count. Default: the day after
        the last purchase.
    monetary : {"sum", "mean"}
        Total spend, or spend per purchase.

    Returns
    -------
    pandas.DataFrame
        Indexed by ``customer_id`` (sorted), columns ``recency`` (whole days, int64),
        ``frequency`` (purchases, int64) and ``monetary`` (currency units, float64).

    Notes
    -----
    .. math::

        R_i = t_0 - \\max_k t_{ik}, \\qquad F_i = \\#\\{k\\}, \\qquad
        M_i = \\sum_k a_{ik} \\;\\text{(or its mean)}

    over customer :math:`i`'s purchases :math:`k` with date :math:`t_{ik} < t_0` and
    amount :math:`a_{ik} > 0`. Totals are summed in cents (exact), then divided by 100.

    Examples
    --------
    >>> import pandas as pd
    >>> purchases = pd.DataFrame({"customer_id": ["A", "A", "B"],
    ...     "purchase_date": pd.to_datetime(["2024-01-01", "2024-01-31", "2024-01-15"]),
    ...     "amount_cents": [1000, 2001, 500]})
    >>> rfm_table(purchases, "2024-02-01", monetary="mean")
                 recency  frequency  monetary
    customer_id
    A                  1          2    15.005
    B                 17          1     5.000

    Checked against hand-computed values (above, tests) and against :func:`rfm_sql`.
    """
    require_columns(
        purchases,
        ["customer_id", "purchase_date", "amount_cents"],
        "purchases",
        source="crm_lessons.rfm.purchases_from_sales()",
    )
    if monetary not in MONETARY_CHOICES:
        raise ValueError(
            f"monetary must be one of {MONETARY_CHOICES} (total spend or spend per purchase), "
            f"got {monetary!r}"
        )
    require_table(purchases, "purchases", ids=["customer_id"], dates=["purchase_date"])
    if not pd.api.types.is_integer_dtype(purchases["amount_cents"]) or pd.api.types.is_bool_dtype(
        purchases["amount_cents"]
    ):
        raise TypeError(
            "purchases['amount_cents'] must hold whole cents (integers); "
            "build it with crm_lessons.rfm.cents()"
        )
    ref = _reference(reference_date, purchases)
    p = purchases[(purchases["purchase_date"] < ref) & (purchases["amount_cents"] > 0)]
    grouped = p.groupby("customer_id", sort=True)
    last = grouped["purchase_date"].max()
    frequency = grouped.size().astype("int64")
    total = grouped["amount_cents"].sum().astype("int64")
    value = total / frequency if monetary == "mean" else total.astype("float64")
    out = pd.DataFrame(
        {
            "recency": (ref - last).dt.days.astype("int64"),
            "frequency": frequency,
            "monetary": value / 100,
        }
    )
    out.index.name = "customer_id"
    return out


# ------------------------------------------------------------------------------------------
# scores


def _check_bins(bins) -> int:
    if isinstance(bins, bool) or not isinstance(bins, (int, np.integer)):
        raise TypeError(f"bins must be a whole number such as 5, got {bins!r}")
    if not 2 <= bins <= 10:
        raise ValueError(f"bins must be between 2 and 10 (5 gives the usual 1-5 scores), got {bins}")
    return int(bins)


def _check_edges(edges, bins: int) -> dict:
    if edges is None:
        return {}
    if not isinstance(edges, dict):
        raise TypeError("edges must be a dict such as {'frequency': [1, 2, 4, 8]} (measure -> bin edges)")
    out = {}
    for measure, e in edges.items():
        if measure not in MEASURES:
            raise ValueError(f"edges has unknown measure {measure!r}; use {list(MEASURES)}")
        if e is None:
            continue
        arr = np.asarray(e, dtype="float64")
        if arr.ndim != 1 or len(arr) != bins - 1:
            raise ValueError(
                f"edges[{measure!r}] must list {bins - 1} edges for {bins} scores, got {list(e)}"
            )
        if np.any(np.diff(arr) <= 0) or not np.all(np.isfinite(arr)):
            raise ValueError(f"edges[{measure!r}] must be finite and strictly increasing, got {list(e)}")
        out[measure] = arr
    return out


def _values(values, arg: str = "values") -> pd.Series:
    """``values`` (array-like) as finite floats, or a message naming ``arg``."""
    if isinstance(values, (str, bytes)) or np.ndim(values) != 1:
        raise TypeError(f"`{arg}` must be a list, array or Series of numbers, got {type(values).__name__}.")
    if isinstance(values, pd.Series):
        series = values.reset_index(drop=True)
    else:
        series = pd.Series(values if isinstance(values, np.ndarray) else list(values))
    return require_numeric(series, None, arg)


def _scores(scored: pd.DataFrame, columns, arg: str = "scored") -> None:
    for col in columns:
        values = require_numeric(scored, col, arg)
        if not (values == values.round()).all() or (values < 1).any():
            raise ValueError(
                f"`{arg}` column {col!r} must hold whole scores 1, 2, ...; compute it with rfm_scores()."
            )


def rank_score(values, higher_is_better: bool = True, bins: int = 5) -> np.ndarray:
    """Score 1..bins from the share of customers with a strictly worse value (ties share a score).

    Parameters
    ----------
    values : array-like of numbers
    higher_is_better : bool
        True for frequency and monetary value, False for recency.
    bins : int
        Number of scores (5 for quintiles).

    Returns
    -------
    numpy.ndarray of int64

    Notes
    -----
    :math:`s_i = 1 + \\min(b - 1, \\lfloor b\\,(r_i - 1) / (n - 1) \\rfloor)` with :math:`r_i`
    the rank of :math:`x_i` among :math:`n` values, ranking from worst to best and giving ties
    their lowest rank (``method="min"``); :math:`r_i - 1` counts the customers with a strictly
    worse value. Integer arithmetic, so no rounding questions. A single customer scores 1.

    Examples
    --------
    >>> rank_score([1, 1, 1, 1, 1, 1, 2, 2, 3, 7]).tolist()
    [1, 1, 1, 1, 1, 1, 4, 4, 5, 5]
    >>> rank_score([10, 20, 30, 40, 50], higher_is_better=False).tolist()
    [5, 4, 3, 2, 1]
    """
    bins = _check_bins(bins)
    x = _values(values)
    n = len(x)
    if n == 0:
        return np.zeros(0, dtype="int64")
    rank = x.rank(method="min", ascending=higher_is_better).to_numpy().astype("int64")
    return 1 + np.minimum(bins - 1, (bins * (rank - 1)) // max(n - 1, 1))


def edge_score(values, edges, higher_is_better: bool = True) -> np.ndarray:
    """Score from fixed bin edges (a business rule such as 'bought within 30 days').

    Parameters
    ----------
    values : array-like of numbers
    edges : sequence of numbers
        Strictly increasing; ``len(edges) + 1`` scores. Bins are closed on the right.
    higher_is_better : bool
        True: score = 1 + number of edges below the value. False (recency): the reverse.

    Returns
    -------
    numpy.ndarray of int64

    Examples
    --------
    >>> edge_score([1, 2, 3, 5, 9, 20], [1, 2, 4, 8]).tolist()
    [1, 2, 3, 4, 5, 5]
    >>> edge_score([10, 30, 31, 400], [30, 90, 180, 365], higher_is_better=False).tolist()
    [5, 5, 4, 1]
    """
    v = _values(values).to_numpy()
    e = _values(edges, "edges").to_numpy()
    if len(e) == 0 or np.any(np.diff(e) <= 0):
        raise ValueError(f"`edges` must be one or more strictly increasing numbers, got {list(e)}.")
    above = (v[:, None] > e[None, :]).sum(axis=1).astype("int64")
    return 1 + above if higher_is_better else len(e) + 1 - above


def rfm_scores(rfm: pd.DataFrame, bins: int = 5, edges: dict | None = None) -> pd.DataFrame:
    """Scores 1..5 for recency, frequency and monetary value.

    Parameters
    ----------
    rfm : pandas.DataFrame
        From :func:`rfm_table` (columns ``recency``, ``frequency``, ``monetary``).
    bins : int
        Number of scores (default 5).
    edges : dict, optional
        Fixed bin edges per measure, e.g. ``{"recency": [30, 90, 180, 365]}``
        (:func:`edge_score`); measures not given are scored by rank (:func:`rank_score`).

    Returns
    -------
    pandas.DataFrame
        ``rfm`` with ``r_score``, ``f_score``, ``m_score`` (int64) and ``rfm_cell``
        (e.g. ``"545"``), in the same order.

    Notes
    -----
    Scores depend only on the values, never on the order of the rows (tested by shuffling).

    Examples
    --------
    >>> import pandas as pd
    >>> rfm = pd.DataFrame({"recency": [5, 50, 500, 5], "frequency": [3, 1, 1, 1],
    ...                     "monetary": [300.0, 20.0, 20.0, 80.0]},
    ...                    index=pd.Index(list("ABCD"), name="customer_id"))
    >>> rfm_scores(rfm, edges={"frequency": [1, 2, 3, 4]})
                 recency  frequency  monetary  r_score  f_score  m_score rfm_cell
    customer_id
    A                  5          3     300.0        4        3        5      435
    B                 50          1      20.0        2        1        1      211
    C                500          1      20.0        1        1        1      111
    D                  5          1      80.0        4        1        4      414

    Checked against hand-computed scores (tests) and against :func:`rfm_sql`.
    """
    require_table(rfm, "rfm", numbers=list(MEASURES), source="crm_lessons.rfm.rfm_table()")
    bins = _check_bins(bins)
    fixed = _check_edges(edges, bins)
    out = rfm.copy()
    for measure, higher in MEASURES.items():
        if measure in fixed:
            s = edge_score(rfm[measure], fixed[measure], higher)
        else:
            s = rank_score(rfm[measure], higher, bins)
        out[SCORE_COLUMNS[measure]] = s.astype("int64")
    out["rfm_cell"] = (
        out["r_score"].astype(str) + out["f_score"].astype(str) + out["m_score"].astype(str)
        if len(out)
        else pd.Series([], dtype="str", index=out.index)
    )
    return out


def score_ranges(scored: pd.DataFrame) -> pd.DataFrame:
    """The values each score stands for: customers, lowest and highest value per measure and score.

    Parameters
    ----------
    scored : pandas.DataFrame
        From :func:`rfm_scores`.

    Returns
    -------
    pandas.DataFrame
        Columns ``measure``, ``score``, ``customers``, ``lowest``, ``highest``; empty scores
        (possible with ties) are listed with 0 customers.

    Examples
    --------
    >>> import pandas as pd
    >>> rfm = pd.DataFrame({"recency": [1, 2, 3, 4, 5], "frequency": [1, 1, 1, 2, 5],
    ...                     "monetary": [1.0, 2.0, 3.0, 4.0, 5.0]})
    >>> score_ranges(rfm_scores(rfm)).query("measure == 'frequency'")
         measure  score  customers  lowest  highest
    5  frequency      1          3     1.0      1.0
    6  frequency      2          0     NaN      NaN
    7  frequency      3          0     NaN      NaN
    8  frequency      4          1     2.0      2.0
    9  frequency      5          1     5.0      5.0
    """
    require_table(scored, "scored", numbers=list(SCORE_COLUMNS), source="crm_lessons.rfm.rfm_scores()")
    _scores(scored, SCORE_COLUMNS.values())
    bins = int(max(5, scored[list(SCORE_COLUMNS.values())].to_numpy().max(initial=0)))
    rows = []
    for measure, col in SCORE_COLUMNS.items():
        for s in range(1, bins + 1):
            v = scored.loc[scored[col] == s, measure]
            rows.append(
                {
                    "measure": measure,
                    "score": s,
                    "customers": int(len(v)),
                    "lowest": float(v.min()) if len(v) else np.nan,
                    "highest": float(v.max()) if len(v) else np.nan,
                }
            )
    return pd.DataFrame(rows)


# ------------------------------------------------------------------------------------------
# segments


def segment_rules(high: int = 4, low: int = 2) -> pd.DataFrame:
    """Named segments as rules on the R and F scores (first matching rule wins).

    Parameters
    ----------
    high : int
        A score of at least ``high`` counts as high (default 4).
    low : int
        A score of at most ``low`` counts as low (default 2); ``low < high``.

    Returns
    -------
    pandas.DataFrame
        Columns ``segment``, ``r_min``, ``r_max``, ``f_min``, ``f_max``, ``m_min``, ``m_max``
        and ``rule`` (the rule in words), in the order they are tried.

    Notes
    -----
    With the defaults the six segments split the 5 x 5 grid of R and F scores:

    ==================  ===============  =============  =========================================
    segment             R score          F score        reading
    ==================  ===============  =============  =========================================
    Champions           4-5              4-5            bought recently and often
    Loyal               3-5              3-5            buy regularly (not champions)
    New or promising    4-5              1-2            bought recently, not often yet
    Need attention      3                1-2            middling recency, few purchases
    At risk             1-2              3-5            used to buy often, not lately
    Hibernating         1-2              1-2            few purchases, long ago
    ==================  ===============  =============  =========================================

    M is left free (1-5) in the default rules; it is reported per segment instead.

    Examples
    --------
    >>> segment_rules()[["segment", "r_min", "r_max", "f_min", "f_max"]]
                segment  r_min  r_max  f_min  f_max
    0         Champions      4      5      4      5
    1             Loyal      3      5      3      5
    2  New or promising      4      5      1      2
    3    Need attention      3      3      1      2
    4           At risk      1      2      3      5
    5       Hibernating      1      2      1      2
    """
    for name, v in (("high", high), ("low", low)):
        if isinstance(v, bool) or not isinstance(v, (int, np.integer)) or not 1 <= v <= 5:
            raise ValueError(f"{name} must be a whole score between 1 and 5, got {v!r}")
    if not low < high:
        raise ValueError(f"low ({low}) must be below high ({high}); e.g. low=2, high=4")
    mid_lo, mid_hi = low + 1, high - 1
    rules = [
        ("Champions", high, 5, high, 5, f"R >= {high} and F >= {high}: bought recently and often"),
        ("Loyal", low + 1, 5, low + 1, 5, f"R > {low} and F > {low} (not champions): buy regularly"),
        ("New or promising", high, 5, 1, low, f"R >= {high} and F <= {low}: bought recently, not often yet"),
        (
            "Need attention",
            mid_lo,
            mid_hi,
            1,
            low,
            f"{f'R = {mid_lo}' if mid_lo == mid_hi else f'{mid_lo} <= R <= {mid_hi}'} and F <= {low}: "
            "middling recency, few purchases",
        ),
        ("At risk", 1, low, low + 1, 5, f"R <= {low} and F > {low}: used to buy often, not lately"),
        ("Hibernating", 1, low, 1, low, f"R <= {low} and F <= {low}: few purchases, long ago"),
    ]
    frame = pd.DataFrame(rules, columns=["segment", "r_min", "r_max", "f_min", "f_max", "rule"])
    frame = frame[frame["r_min"] <= frame["r_max"]].reset_index(
        drop=True
    )  # 'Need attention' vanishes when high = low + 1
    frame.insert(5, "m_min", 1)
    frame.insert(6, "m_max", 5)
    return frame


_RULE_COLUMNS = ["segment", "r_min", "r_max", "f_min", "f_max", "m_min", "m_max"]


def _check_rules(rules) -> pd.DataFrame:
    if rules is None:
        return segment_rules()
    require_table(
        rules, "rules", ["segment"], numbers=_RULE_COLUMNS[1:], source="crm_lessons.rfm.segment_rules()"
    )
    if rules["segment"].duplicated().any():
        raise ValueError("`rules`: each segment name must appear once")
    return rules


def assign_segments(
    scored: pd.DataFrame, rules: pd.DataFrame | None = None, other: str = "Other"
) -> pd.Series:
    """The segment of each customer: the first rule whose score ranges contain the customer.

    Parameters
    ----------
    scored : pandas.DataFrame
        From :func:`rfm_scores`.
    rules : pandas.DataFrame, optional
        From :func:`segment_rules` (default) or built by hand with the same columns.
    other : str
        Segment of customers no rule matches.

    Returns
    -------
    pandas.Series
        Segment names (str) on ``scored``'s index, named ``segment``.

    Examples
    --------
    >>> import pandas as pd
    >>> scored = pd.DataFrame({"r_score": [5, 4, 1, 3], "f_score": [5, 1, 4, 3], "m_score": [5, 1, 3, 3]},
    ...                       index=pd.Index(list("ABCD"), name="customer_id"))
    >>> assign_segments(scored).tolist()
    ['Champions', 'New or promising', 'At risk', 'Loyal']
    """
    require_columns(scored, list(SCORE_COLUMNS.values()), "scored", source="crm_lessons.rfm.rfm_scores()")
    _scores(scored, SCORE_COLUMNS.values())
    rules = _check_rules(rules)
    r, f, m = (scored[c].to_numpy() for c in ("r_score", "f_score", "m_score"))
    conditions = [
        (r >= rule.r_min)
        & (r <= rule.r_max)
        & (f >= rule.f_min)
        & (f <= rule.f_max)
        & (m >= rule.m_min)
        & (m <= rule.m_max)
        for rule in rules.itertuples()
    ]
    labels = (
        np.select(conditions, rules["segment"].tolist(), default=other)
        if conditions
        else np.full(len(scored), other)
    )
    return pd.Series(labels, index=scored.index, name="segment", dtype="str")


def rfm_segments(
    purchases: pd.DataFrame,
    reference_date=None,
    monetary: str = "sum",
    bins: int = 5,
    edges: dict | None = None,
    rules: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """RFM table, scores and segment of every customer in one call (the pandas path).

    Parameters
    ----------
    purchases, reference_date, monetary
        As :func:`rfm_table`.
    bins, edges
        As :func:`rfm_scores`.
    rules
        As :func:`assign_segments`.

    Returns
    -------
    pandas.DataFrame
        Indexed by ``customer_id``: ``recency``, ``frequency``, ``monetary``, ``r_score``,
        ``f_score``, ``m_score``, ``rfm_cell``, ``segment``.

    Checked to equal :func:`rfm_from_database` exactly (tests).
    """
    scored = rfm_scores(rfm_table(purchases, reference_date, monetary), bins=bins, edges=edges)
    scored["segment"] = assign_segments(scored, rules)
    return scored


def segment_summary(
    segmented: pd.DataFrame, value: pd.DataFrame | None = None, rules: pd.DataFrame | None = None
) -> pd.DataFrame:
    """Size and value of each segment: customers, shares of customers, revenue and profit.

    Parameters
    ----------
    segmented : pandas.DataFrame
        From :func:`rfm_segments` (indexed by customer, with ``segment`` and the RFM columns).
    value : pandas.DataFrame, optional
        Indexed by customer with ``revenue`` and optionally ``profit`` over the same period
        (e.g. summed from :func:`crm_lessons.data.load_sales`). Without it, revenue is the
        ``monetary`` column (right when monetary is total spend) and profit is left out.
    rules : pandas.DataFrame, optional
        To list segments in rule order (default :func:`segment_rules`).

    Returns
    -------
    pandas.DataFrame
        One row per segment (rule order, empty segments with 0): ``customers``,
        ``customer_share``, ``revenue``, ``revenue_share``, ``profit``, ``profit_share``
        (when ``value`` has profit), and the mean ``recency``, ``frequency``, ``monetary``.

    Examples
    --------
    >>> import pandas as pd
    >>> seg = pd.DataFrame({"segment": ["Champions", "Champions", "Hibernating", "Hibernating"],
    ...     "recency": [1, 3, 300, 500], "frequency": [9, 7, 1, 1], "monetary": [800.0, 100.0, 50.0, 50.0]})
    >>> columns = ["customers", "customer_share", "revenue", "revenue_share"]
    >>> segment_summary(seg).loc[["Champions", "Hibernating"], columns]
                 customers  customer_share  revenue  revenue_share
    segment
    Champions            2             0.5    900.0            0.9
    Hibernating          2             0.5    100.0            0.1
    """
    require_columns(
        segmented,
        ["segment", "recency", "frequency", "monetary"],
        "segmented",
        source="crm_lessons.rfm.rfm_segments()",
    )
    require_table(segmented, "segmented", numbers=["recency", "frequency", "monetary"])
    rules = _check_rules(rules)
    frame = segmented[["segment", "recency", "frequency", "monetary"]].copy()
    has_profit = value is not None and "profit" in value.columns
    if value is not None:
        require_table(
            value, "value", numbers=["revenue", *(["profit"] if has_profit else [])], allow_nan=["profit"]
        )
        if value.index.has_duplicates:
            raise ValueError(
                "`value` has repeated customers in its index; sum it per customer first (groupby)."
            )
        joined = value.reindex(frame.index)
        frame["revenue"] = joined["revenue"].fillna(0.0).to_numpy()
        if has_profit:
            frame["profit"] = joined["profit"].fillna(0.0).to_numpy()
    else:
        frame["revenue"] = frame["monetary"]
    order = list(rules["segment"]) + sorted(set(frame["segment"]) - set(rules["segment"]))
    g = frame.groupby("segment", sort=False)
    out = pd.DataFrame({"customers": g.size()}).reindex(order, fill_value=0)
    out["customer_share"] = out["customers"] / max(len(frame), 1)
    out["revenue"] = g["revenue"].sum().reindex(order, fill_value=0.0)
    out["revenue_share"] = out["revenue"] / frame["revenue"].sum() if len(frame) else 0.0
    if has_profit:
        out["profit"] = g["profit"].sum().reindex(order, fill_value=0.0)
        out["profit_share"] = out["profit"] / frame["profit"].sum() if len(frame) else 0.0
    for c in ("recency", "frequency", "monetary"):
        out[f"mean_{c}"] = g[c].mean().reindex(order)
    out.index.name = "segment"
    return out


def response_by_segment(
    segments: pd.Series,
    outcome: pd.DataFrame,
    responded: str = "responded",
    group: str | None = "group",
    rules: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """Response rate of each segment, by group when the outcome comes from a controlled pilot.

    Parameters
    ----------
    segments : pandas.Series
        Segment per customer (index ``customer_id``), e.g. ``rfm_segments(...)["segment"]``.
    outcome : pandas.DataFrame
        ``customer_id``, the boolean ``responded`` column and optionally ``group``
        (e.g. :func:`crm_lessons.data.load_pilot`).
    responded, group : str
        Column names; ``group=None`` for a plain response rate.
    rules : pandas.DataFrame, optional
        For the order of the rows.

    Returns
    -------
    pandas.DataFrame
        One row per segment: ``customers`` and ``response_rate`` per group (columns like
        ``customers_control``, ``response_rate_treatment``) and, for a control/treatment
        pilot, ``uplift`` = treatment rate - control rate. Customers of ``outcome`` without
        a segment (no purchase before the reference date) form the segment ``No purchase yet``.

    Examples
    --------
    >>> import pandas as pd
    >>> seg = pd.Series(["Champions", "Hibernating"], index=pd.Index(["A", "B"], name="customer_id"))
    >>> out = pd.DataFrame({"customer_id": ["A", "B", "C"], "responded": [True, False, True]})
    >>> response_by_segment(seg, out, group=None).loc[["Champions", "Hibernating", "No purchase yet"]]
                     customers  response_rate
    segment
    Champions                1            1.0
    Hibernating              1            0.0
    No purchase yet          1            1.0
    """
    require_frame(outcome, "outcome")
    cols = ["customer_id", responded] + ([group] if group else [])
    require_columns(outcome, cols, "outcome")
    if not isinstance(segments, pd.Series):
        raise TypeError("segments must be a pandas Series of segment names indexed by customer_id")
    rules = _check_rules(rules)
    o = outcome[cols].copy()
    o["segment"] = segments.reindex(o["customer_id"]).fillna(NO_PURCHASE).to_numpy()
    require_ids(outcome, "customer_id", "outcome")
    o["hit"] = require_boolean(outcome, responded, "outcome").astype("float64").to_numpy()
    order = [
        s
        for s in list(rules["segment"]) + sorted(set(o["segment"]) - set(rules["segment"]))
        if s in set(o["segment"])
    ]
    if not group:
        g = o.groupby("segment", sort=False)["hit"]
        out = pd.DataFrame({"customers": g.size(), "response_rate": g.mean()}).reindex(order)
        out.index.name = "segment"
        return out
    t = (
        o.groupby(["segment", group], observed=True, sort=True)["hit"]
        .agg(customers="size", response_rate="mean")
        .unstack(group)
    )
    t.columns = [f"{a}_{b}" for a, b in t.columns]
    t = t.reindex(order)
    if {"response_rate_control", "response_rate_treatment"} <= set(t.columns):
        t["uplift"] = t["response_rate_treatment"] - t["response_rate_control"]
    for c in [c for c in t.columns if c.startswith("customers_")]:
        t[c] = t[c].fillna(0).astype("int64")
    t.index.name = "segment"
    return t


# ------------------------------------------------------------------------------------------
# the same in SQL


def _sql_date(reference_date) -> str:
    if reference_date is None:
        raise ValueError(
            "`reference_date` is required in SQL (the day of the analysis); pass e.g. '2025-01-01'."
        )
    ref = require_date(reference_date, "reference_date", "2025-01-01")
    if ref != ref.normalize():
        raise ValueError(f"`reference_date` must be a calendar day without time, got {reference_date!r}.")
    return f"DATE '{ref:%Y-%m-%d}'"


def _sql_score(measure: str, higher: bool, bins: int, edges) -> str:
    col = f'"{measure}"'
    if edges is not None:
        above = " + ".join(f"({col} > {float(e)!r})::INTEGER" for e in edges)
        return f"1 + ({above})" if higher else f"{len(edges) + 1} - ({above})"
    order = "ASC" if higher else "DESC"
    return (
        f"1 + least({bins - 1}, ({bins} * (rank() OVER (ORDER BY {col} {order}) - 1)) "
        "// greatest(count(*) OVER () - 1, 1))"
    )


#: Where :func:`rfm_sql` reads purchases from: order values computed from the order lines
#: (:data:`crm_lessons.database.ORDER_TOTALS_SELECT`), or the database's summary table.
SOURCES = {
    "order_lines": ORDER_TOTALS_SELECT,
    "order_totals": 'SELECT "order_id", "customer_id", "order_date", "amount_cents" FROM "order_totals"',
}


def rfm_sql(
    reference_date,
    monetary: str = "sum",
    bins: int = 5,
    edges: dict | None = None,
    rules: pd.DataFrame | None = None,
    purchases: str = "order_lines",
) -> str:
    """The SQL query computing :func:`rfm_segments` inside the customer database.

    Parameters
    ----------
    reference_date : str or pandas.Timestamp
        As :func:`rfm_table` (required here).
    monetary, bins, edges, rules
        As :func:`rfm_segments`.
    purchases : str
        ``"order_lines"`` (default): order values computed from the order lines at query time,
        each line's revenue rounded to the cent and summed per order (as
        :func:`purchases_from_sales`); ``"order_totals"``: read them from the summary table
        the database keeps (:func:`crm_lessons.database.build_database`), which skips the
        join and is several times faster on big logs; or the SQL of any relation with
        columns ``customer_id``, ``order_date`` and ``amount_cents``.

    Returns
    -------
    str
        One ``SELECT`` returning ``customer_id``, ``recency``, ``frequency``, ``monetary``,
        ``r_score``, ``f_score``, ``m_score``, ``rfm_cell``, ``segment``, sorted by customer.

    Notes
    -----
    Scores use ``RANK()`` (ties take their lowest rank) and integer division, the same
    formula as :func:`rank_score`.

    Examples
    --------
    >>> print(rfm_sql("2025-01-01").splitlines()[0])
    WITH purchases AS (
    """
    if monetary not in MONETARY_CHOICES:
        raise ValueError(f"monetary must be one of {MONETARY_CHOICES}, got {monetary!r}")
    bins = _check_bins(bins)
    fixed = _check_edges(edges, bins)
    rules = _check_rules(rules)
    ref = _sql_date(reference_date)
    if not isinstance(purchases, str):
        raise TypeError("purchases must be 'order_lines', 'order_totals' or the SQL of a purchases relation")
    purchases = SOURCES.get(purchases, purchases)
    value = (
        "(sum(amount_cents) / count(*)) / 100"
        if monetary == "mean"
        else "CAST(sum(amount_cents) AS DOUBLE) / 100"
    )
    scores = ",\n           ".join(
        f"{_sql_score(m, h, bins, fixed.get(m))} AS {SCORE_COLUMNS[m]}" for m, h in MEASURES.items()
    )
    cases = "\n".join(
        f"        WHEN r_score BETWEEN {int(r.r_min)} AND {int(r.r_max)}"
        f" AND f_score BETWEEN {int(r.f_min)} AND {int(r.f_max)}"
        f" AND m_score BETWEEN {int(r.m_min)} AND {int(r.m_max)}"
        f" THEN '{str(r.segment).replace(chr(39), chr(39) * 2)}'"
        for r in rules.itertuples()
    )
    recency = (
        f"CAST(floor((epoch(CAST({ref} AS TIMESTAMP)) - epoch(CAST(max(purchase_date) AS TIMESTAMP)))"
        " / 86400)"
    )
    return f"""WITH purchases AS (
    SELECT "customer_id", "order_date" AS purchase_date, amount_cents FROM ({purchases}) p
    WHERE "order_date" < {ref} AND amount_cents > 0
),
rfm AS (
    SELECT "customer_id",
           {recency}
                AS BIGINT) AS recency,
           CAST(count(*) AS BIGINT) AS frequency,
           {value} AS monetary
    FROM purchases GROUP BY "customer_id"
),
scored AS (
    SELECT *,
           {scores}
    FROM rfm
)
SELECT "customer_id", recency, frequency, monetary, r_score, f_score, m_score,
       CAST(r_score AS VARCHAR) || CAST(f_score AS VARCHAR) || CAST(m_score AS VARCHAR) AS rfm_cell,
       CASE
{cases}
        ELSE 'Other'
       END AS segment
FROM scored
ORDER BY "customer_id\""""


def rfm_from_database(
    con,
    reference_date,
    monetary: str = "sum",
    bins: int = 5,
    edges: dict | None = None,
    rules: pd.DataFrame | None = None,
    purchases: str = "order_lines",
) -> pd.DataFrame:
    """:func:`rfm_segments` computed by the database (:func:`rfm_sql`), as the same frame.

    Parameters
    ----------
    con : duckdb.DuckDBPyConnection
        The customer database (:func:`crm_lessons.database.build_database`).
    reference_date, monetary, bins, edges, rules, purchases
        As :func:`rfm_sql`.

    Returns
    -------
    pandas.DataFrame
        Same index, columns and dtypes as :func:`rfm_segments`.

    Checked to equal the pandas path exactly on the case company and on shuffled copies (tests).
    """
    df = con.execute(rfm_sql(reference_date, monetary, bins, edges, rules, purchases)).df()
    out = pd.DataFrame(
        {
            "recency": df["recency"].astype("int64").to_numpy(),
            "frequency": df["frequency"].astype("int64").to_numpy(),
            "monetary": df["monetary"].astype("float64").to_numpy(),
            "r_score": df["r_score"].astype("int64").to_numpy(),
            "f_score": df["f_score"].astype("int64").to_numpy(),
            "m_score": df["m_score"].astype("int64").to_numpy(),
            "rfm_cell": df["rfm_cell"].astype("str").to_numpy(),
            "segment": df["segment"].astype("str").to_numpy(),
        },
        index=pd.Index(df["customer_id"].astype("str").to_numpy(), name="customer_id", dtype="str"),
    )
    return out


# ------------------------------------------------------------------------------------------
# pictures


def rf_grid(scored: pd.DataFrame, value: str = "customers") -> pd.DataFrame:
    """Customers (or their mean spend) in each cell of the R x F score grid.

    Parameters
    ----------
    scored : pandas.DataFrame
        From :func:`rfm_scores`.
    value : {"customers", "mean_monetary"}

    Returns
    -------
    pandas.DataFrame
        Rows F score (5 at the top), columns R score (1..5).

    Examples
    --------
    >>> import pandas as pd
    >>> scored = pd.DataFrame({"r_score": [5, 5, 1], "f_score": [5, 5, 1], "m_score": [5, 4, 1],
    ...                        "monetary": [9.0, 7.0, 1.0]})
    >>> int(rf_grid(scored).loc[5, 5]), int(rf_grid(scored).loc[1, 1]), int(rf_grid(scored).loc[3, 3])
    (2, 1, 0)
    """
    require_columns(scored, ["r_score", "f_score"], "scored", source="crm_lessons.rfm.rfm_scores()")
    _scores(scored, ["r_score", "f_score"])
    if value not in ("customers", "mean_monetary"):
        raise ValueError(f"value must be 'customers' or 'mean_monetary', got {value!r}")
    bins = int(max(5, scored[["r_score", "f_score"]].to_numpy().max(initial=0)))
    if value == "customers":
        grid = scored.groupby(["f_score", "r_score"]).size()
        fill = 0
    else:
        grid = scored.groupby(["f_score", "r_score"])["monetary"].mean()
        fill = np.nan
    grid = grid.unstack("r_score").reindex(
        index=range(bins, 0, -1), columns=range(1, bins + 1), fill_value=fill
    )
    if value == "customers":
        grid = grid.fillna(0).astype("int64")
    grid.index.name, grid.columns.name = "F score", "R score"
    return grid


@styled
def plot_segments(summary: pd.DataFrame, ax=None):
    """Bars of each segment's share of customers beside its share of revenue (and profit).

    Parameters
    ----------
    summary : pandas.DataFrame
        From :func:`segment_summary`.
    ax : matplotlib Axes, optional

    Returns
    -------
    matplotlib Axes
    """
    import matplotlib.pyplot as plt

    from crm_lessons.plotting import BOOK_COLOURS

    require_table(
        summary,
        "summary",
        numbers=["customer_share", "revenue_share"],
        source="crm_lessons.rfm.segment_summary()",
    )
    if ax is None:
        _, ax = plt.subplots(figsize=(10, 5.5))
    ax.clear()
    from crm_lessons.i18n import label, tr, value_label

    shares = [c for c in ("customer_share", "revenue_share", "profit_share") if c in summary.columns]
    y = np.arange(len(summary))
    height = 0.8 / len(shares)
    for i, col in enumerate(shares):
        ax.barh(
            y + (i - (len(shares) - 1) / 2) * height,
            summary[col].to_numpy() * 100,
            height=height,
            color=BOOK_COLOURS[i],
            label=label(col),
        )
    ax.set_yticks(y, [str(value_label(s)) for s in summary.index])
    ax.invert_yaxis()
    ax.set_xlabel(tr("rfm.plot.percent"))
    ax.set_title(tr("rfm.plot.segments_title"))
    ax.legend(loc="lower right")
    return ax
