"""Customer screening (客户的筛选) as a weighted scoring model on the course's five criteria.

The course names five grounds for choosing which customers to keep and develop:

1. annual purchases (客户全年购买额) — revenue from the customer in the year;
2. profitability (收益性) — gross margin the company earns on the customer;
3. safety (安全性) — the customer's credit rating (will they pay?);
4. future potential (未来性) — is the customer growing with us?
5. cooperation (合作性) — does the customer buy on fair terms, without demanding heavy discounts?

Each criterion is turned into a 0–100 score, and the screening score is their weighted mean.

Examples
--------
>>> from crm_lessons.toy import toy_customers, toy_sales
>>> from crm_lessons.screening import screening_criteria, criterion_scores, rank_customers
>>> raw = screening_criteria(toy_sales(), toy_customers(), year=2024)
>>> raw.T
customer_id           C2     C4
annual_purchases  8000.000  100.0
profitability        0.375    0.0
safety               2.000    0.0
future_potential     1.000    1.0
cooperation          1.000    0.0
>>> rank_customers(criterion_scores(raw), {"annual_purchases": 1, "safety": 1})[["rank", "score"]]
             rank  score
customer_id
C2              1  100.0
C4              2    0.0
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
import pandas as pd

from crm_lessons._validation import (
    require_numeric,
    require_numeric_frame,
    require_same_id_type,
    require_typed,
)
from crm_lessons.plotting import styled

#: The five screening criteria, in the course's order.
CRITERIA = ("annual_purchases", "profitability", "safety", "future_potential", "cooperation")

#: Points for each credit rating (A safest); the safety criterion before normalising.
CREDIT_POINTS = {"A": 3.0, "B": 2.0, "C": 1.0, "D": 0.0}

#: Equal weights, the starting point of the widget.
EQUAL_WEIGHTS = dict.fromkeys(CRITERIA, 1.0)


def screening_criteria(
    sales: pd.DataFrame, customers: pd.DataFrame, year: int | None = None, heavy_discount: float = 0.15
) -> pd.DataFrame:
    """The five screening criteria, in their own units, for every customer who bought in ``year``.

    Parameters
    ----------
    sales : pandas.DataFrame
        Sales lines (:func:`crm_lessons.data.build_sales`).
    customers : pandas.DataFrame
        Customers table (for ``credit_rating``).
    year : int, optional
        The year being assessed; default the last year in ``sales``.
    heavy_discount : float, default 0.15
        A line with a discount at or above this fraction counts as bought on heavy discount.

    Returns
    -------
    pandas.DataFrame
        Index ``customer_id`` (customers with revenue in ``year``, sorted by id), columns
        :data:`CRITERIA`:

        - ``annual_purchases``: revenue in the year (CNY);
        - ``profitability``: gross margin (revenue − cost) / revenue in the year;
        - ``safety``: credit points A = 3, B = 2, C = 1, D = 0;
        - ``future_potential``: growth (R_y − R_{y−1}) / (R_y + R_{y−1}), from −1 (shrinking
          to nothing) to +1 (new or growing from nothing);
        - ``cooperation``: share of the year's order lines bought below ``heavy_discount``.

    Notes
    -----
    The symmetric growth rate stays between −1 and 1 even when last year's revenue was zero,
    so one newcomer cannot dominate the scale.

    References
    ----------
    Course chapter 2, "客户的筛选" (five grounds: 全年购买额, 收益性, 安全性, 未来性, 合作性).

    Examples
    --------
    >>> from crm_lessons.toy import toy_customers, toy_sales
    >>> screening_criteria(toy_sales(), toy_customers(), year=2023).round(3).T
    customer_id           C1      C3
    annual_purchases  3600.000  5000.0
    profitability        0.167     0.4
    safety               3.000     1.0
    future_potential     0.200     1.0
    cooperation          1.000     1.0

    Checked by hand: C1 spent 2000 + 400 = 2400 in 2022 and 3600 in 2023, so growth is
    (3600 − 2400) / 6000 = 0.2; its 2023 margin is 600 / 3600 = 0.167; C3 is new in 2023 (+1).
    """
    require_typed(
        sales,
        "sales",
        ["customer_id", "order_date", "revenue", "cost", "discount"],
        source="load_sales()",
        nonempty=True,
    )
    require_typed(customers, "customers", ["customer_id", "credit_rating"], source="load_customers()")
    require_same_id_type(sales["customer_id"], "sales", customers["customer_id"], "customers", "customer_id")
    years = sales["order_date"].dt.year
    if year is None:
        year = int(years.max())
    if not isinstance(year, (int, np.integer)) or isinstance(year, bool):
        raise TypeError(f"`year` must be a whole year such as 2024, got {year!r}.")
    if not (0 < heavy_discount < 1):
        raise ValueError(
            f"`heavy_discount` must be a fraction in (0, 1) such as 0.15, got {heavy_discount!r}."
        )
    this = sales.loc[years == year]
    if this.empty:
        raise ValueError(f"`year` {year} has no sales; choose one of {sorted(years.unique().tolist())}.")
    last = sales.loc[years == year - 1]
    g = this.groupby("customer_id", sort=True)
    revenue = g["revenue"].sum()
    profit = revenue - g["cost"].sum()
    keep = revenue > 0
    revenue, profit = revenue[keep], profit[keep]
    previous = last.groupby("customer_id")["revenue"].sum().reindex(revenue.index, fill_value=0.0)
    fair = (this["discount"] < heavy_discount).groupby(this["customer_id"]).mean().reindex(revenue.index)
    rating = customers.set_index("customer_id")["credit_rating"].reindex(revenue.index)
    if rating.isna().any():
        bad = rating.index[rating.isna()][:5].tolist()
        raise ValueError(f"`customers` has no credit rating for {bad}; pass the full customers table.")
    safety = rating.astype(str).map(CREDIT_POINTS).astype(float)
    if safety.isna().any():
        bad = sorted(set(rating[safety.isna()].astype(str)))[:5]
        raise ValueError(
            f"`customers` column 'credit_rating' has unknown ratings {bad}; use {list(CREDIT_POINTS)}."
        )
    out = pd.DataFrame(
        {
            "annual_purchases": revenue.astype(float),
            "profitability": profit / revenue,
            "safety": safety,
            "future_potential": (revenue - previous) / (revenue + previous),
            "cooperation": fair.astype(float),
        }
    )
    out.index.name = "customer_id"
    return out


def criterion_scores(criteria: pd.DataFrame, method: str = "percentile") -> pd.DataFrame:
    """Turn each criterion into a 0–100 score (higher is better).

    Parameters
    ----------
    criteria : pandas.DataFrame
        Output of :func:`screening_criteria` (any subset of :data:`CRITERIA` columns works).
    method : {'percentile', 'minmax'}
        ``percentile``: 100 × (average rank − 1) / (n − 1), robust to a few huge customers;
        ``minmax``: 100 × (x − min) / (max − min).

    Returns
    -------
    pandas.DataFrame
        Same shape, every column on 0–100 (50 where a column is constant).

    Notes
    -----
    Percentile scores spread customers evenly whatever the skew: purchase amounts are
    very skewed (a few customers buy most, see ABC analysis), and min–max scaling would
    squeeze nearly everyone near 0.

    Examples
    --------
    >>> import pandas as pd
    >>> raw = pd.DataFrame({"annual_purchases": [10.0, 20.0, 1000.0]}, index=["a", "b", "c"])
    >>> criterion_scores(raw)["annual_purchases"].tolist()
    [0.0, 50.0, 100.0]
    >>> criterion_scores(raw, "minmax")["annual_purchases"].round(2).tolist()
    [0.0, 1.01, 100.0]

    Checked by hand: ranks 1, 2, 3 of 3 map to 0, 50, 100.
    """
    if method not in ("percentile", "minmax"):
        raise ValueError(f"`method` must be 'percentile' or 'minmax', got {method!r}.")
    if not isinstance(criteria, pd.DataFrame):
        raise TypeError(
            f"`criteria` must be a DataFrame from screening_criteria(), got {type(criteria).__name__}."
        )
    unknown = [c for c in criteria.columns if c not in CRITERIA]
    if unknown:
        raise ValueError(f"`criteria` has unknown column(s) {unknown}; expected some of {list(CRITERIA)}.")
    out = {}
    for col in criteria.columns:
        x = require_numeric(criteria, col, "criteria")
        if method == "percentile":
            r = x.rank(method="average")
            span = r.max() - r.min()
            out[col] = 100 * (r - r.min()) / span if span > 0 else pd.Series(50.0, index=x.index)
        else:
            span = x.max() - x.min()
            out[col] = 100 * (x - x.min()) / span if span > 0 else pd.Series(50.0, index=x.index)
    return pd.DataFrame(out, index=criteria.index)


def check_weights(weights) -> np.ndarray:
    """Validate screening weights and return them in :data:`CRITERIA` order, summing to 1.

    Parameters
    ----------
    weights : mapping or sequence
        A dict ``{criterion: weight}`` (criteria left out get weight 0) or five numbers in
        the order of :data:`CRITERIA`. Weights must be finite, non-negative and not all zero.

    Returns
    -------
    numpy.ndarray
        Five weights summing to 1.

    Raises
    ------
    ValueError
        Naming ``weights`` for an unknown criterion, a wrong count, a negative or missing
        weight, or weights that are all zero.

    Examples
    --------
    >>> check_weights({"annual_purchases": 3, "safety": 1}).tolist()
    [0.75, 0.0, 0.25, 0.0, 0.0]
    >>> check_weights([0, 0, 0, 0, 0])
    Traceback (most recent call last):
    ...
    ValueError: `weights` are all zero; give at least one criterion a positive weight.

    Checked by tests/test_screening.py on zero, negative, missing, unknown and wrongly counted weights.
    """
    if isinstance(weights, Mapping):
        unknown = [k for k in weights if k not in CRITERIA]
        if unknown:
            raise ValueError(f"`weights` names unknown criteria {unknown}; use some of {list(CRITERIA)}.")
        values = [weights.get(k, 0.0) for k in CRITERIA]
    else:
        try:
            values = list(weights)
        except TypeError:
            raise TypeError(
                f"`weights` must be a dict of criterion -> weight or five numbers, got {weights!r}."
            ) from None
        if len(values) != len(CRITERIA):
            raise ValueError(
                f"`weights` must hold {len(CRITERIA)} numbers, one per criterion {list(CRITERIA)}; "
                f"got {len(values)}."
            )
    if any(isinstance(v, (str, bytes, bool, np.bool_)) for v in values):
        raise TypeError(f"`weights` must be numbers (without quotes), got {values!r}.")
    try:
        w = np.asarray(values, dtype=float)
    except (TypeError, ValueError):
        raise TypeError(f"`weights` must be numbers, got {values!r}.") from None
    if not np.all(np.isfinite(w)):
        raise ValueError(f"`weights` must be finite numbers, got {values!r}.")
    if np.any(w < 0):
        raise ValueError(f"`weights` must not be negative, got {values!r}; use 0 to ignore a criterion.")
    if w.sum() == 0:
        raise ValueError("`weights` are all zero; give at least one criterion a positive weight.")
    return w / w.sum()


def screening_score(scores: pd.DataFrame, weights) -> pd.Series:
    """Weighted screening score (0–100) of each customer.

    Parameters
    ----------
    scores : pandas.DataFrame
        Criterion scores on 0–100 (:func:`criterion_scores`), columns :data:`CRITERIA`.
    weights : mapping or sequence
        See :func:`check_weights`.

    Returns
    -------
    pandas.Series
        ``score`` per customer, same index as ``scores``.

    Notes
    -----
    .. math:: S_c = \\frac{\\sum_k w_k s_{ck}}{\\sum_k w_k}

    A linear additive scoring model (weighted sum of normalised criteria), the usual way to
    turn several screening grounds into one ranking.

    References
    ----------
    Course chapter 2, "客户的筛选"; linear scoring / multi-attribute value models.

    Examples
    --------
    >>> import pandas as pd
    >>> s = pd.DataFrame([[100, 0, 50, 50, 50], [0, 100, 50, 50, 50]], index=["x", "y"], columns=CRITERIA)
    >>> screening_score(s, {"annual_purchases": 3, "profitability": 1}).tolist()
    [75.0, 25.0]

    Checked by hand: (3 × 100 + 1 × 0) / 4 = 75.
    """
    w = check_weights(weights)
    require_typed(scores, "scores", CRITERIA)
    values = require_numeric_frame(scores, list(CRITERIA), "scores", allow_nan=False).to_numpy() @ w
    return pd.Series(values, index=scores.index, name="score")


def rank_customers(scores: pd.DataFrame, weights, top: int | None = None) -> pd.DataFrame:
    """Customers ranked by weighted screening score, best first.

    Parameters
    ----------
    scores : pandas.DataFrame
        Criterion scores (:func:`criterion_scores`); criteria missing from ``scores`` count 0.
    weights : mapping or sequence
        See :func:`check_weights`.
    top : int, optional
        Keep only the best ``top`` customers.

    Returns
    -------
    pandas.DataFrame
        Index ``customer_id``: ``rank`` (1 = best), ``score`` and the criterion scores.
        Ties are broken by customer id so the order is stable.

    Examples
    --------
    >>> import pandas as pd
    >>> s = pd.DataFrame({"annual_purchases": [0.0, 100.0, 100.0]},
    ...                  index=pd.Index(["c", "b", "a"], name="customer_id"))
    >>> rank_customers(s, {"annual_purchases": 1})[["rank", "score"]]
                 rank  score
    customer_id
    a               1  100.0
    b               2  100.0
    c               3    0.0

    Checked by hand, and against the screening widget's fast path (tests).
    """
    full = scores.reindex(columns=list(CRITERIA), fill_value=0.0)
    score = screening_score(full, weights)
    order = np.lexsort((score.index.astype(str).to_numpy(), -score.to_numpy()))
    if top is not None:
        if not isinstance(top, (int, np.integer)) or top < 1:
            raise ValueError(f"`top` must be a positive whole number of customers, got {top!r}.")
        order = order[:top]
    out = full.iloc[order].copy()
    out.insert(0, "score", score.iloc[order])
    out.insert(0, "rank", np.arange(1, len(order) + 1))
    return out


#: Readable names of the criteria for tables and plots.
CRITERION_LABELS = {
    "annual_purchases": "annual purchases",
    "profitability": "profitability",
    "safety": "safety (credit)",
    "future_potential": "future potential",
    "cooperation": "cooperation",
}


@styled
def plot_ranking(ranking: pd.DataFrame, weights, ax=None, labels: pd.Series | None = None):
    """Stacked bars of the best customers' scores, split into each criterion's contribution.

    Parameters
    ----------
    ranking : pandas.DataFrame
        Output of :func:`rank_customers` (usually with ``top``).
    weights : mapping or sequence
        The weights used (see :func:`check_weights`).
    ax : matplotlib.axes.Axes, optional
        Where to draw (cleared first); a new figure by default.
    labels : pandas.Series, optional
        Text per customer id for the bars (default the id).

    Returns
    -------
    matplotlib.figure.Figure

    Notes
    -----
    Contribution of criterion :math:`k` to customer :math:`c`'s score is :math:`w_k s_{ck}` with
    weights summing to 1, so the bar lengths add up to the score.

    Examples
    --------
    >>> import pandas as pd
    >>> s = pd.DataFrame([[100, 0, 50, 50, 50], [0, 100, 50, 50, 50]], index=["x", "y"], columns=CRITERIA)
    >>> fig = plot_ranking(rank_customers(s, EQUAL_WEIGHTS), EQUAL_WEIGHTS)
    >>> fig.axes[0].get_xlabel()
    'Screening score (0-100)'

    Checked visually; bar lengths are the weighted criterion scores.
    """
    import seaborn as sns

    from crm_lessons.plotting import new_figure

    w = check_weights(weights)
    require_numeric_frame(
        ranking, list(CRITERIA), "ranking", allow_nan=False, source="crm_lessons.screening.rank_customers()"
    )
    fig, ax = new_figure(ax, (11, 0.42 * len(ranking) + 2), clear=True)
    colours = sns.color_palette("colorblind", len(CRITERIA))
    names = ranking.index.astype(str) if labels is None else labels.reindex(ranking.index).astype(str)
    y = np.arange(len(ranking))[::-1]
    left = np.zeros(len(ranking))
    for k, (crit, colour) in enumerate(zip(CRITERIA, colours)):
        part = ranking[crit].to_numpy(dtype=float) * w[k]
        ax.barh(y, part, left=left, color=colour, label=CRITERION_LABELS[crit], height=0.75)
        left += part
    ax.set_yticks(y, list(names))
    ax.set_xlim(0, 100)
    ax.set_xlabel("Screening score (0-100)")
    ax.set_title("Best customers by weighted screening score")
    ax.legend(loc="upper left", bbox_to_anchor=(1.0, 1.0), fontsize=12, title="criterion", title_fontsize=12)
    ax.grid(axis="y", visible=False)
    return fig
