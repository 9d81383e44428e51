"""Transaction performance per customer and the sales mix (steps 2 and 3 of customer analysis).

The course's analysis flow (客户分析的流程与方法) runs in six steps: customer composition,
transaction performance per customer (客户与本公司的交易业绩分析), the sales mix by product
(不同商品的销售构成分析), gross margin by product, product turnover, and the start and stop
of trading. This module computes steps 2 and 3 from the sales lines of
:func:`crm_lessons.data.build_sales`.

Examples
--------
>>> from crm_lessons.toy import toy_sales
>>> from crm_lessons.performance import customer_totals
>>> customer_totals(toy_sales(), "profit")
customer_id
C2    5500.0
C3    2000.0
C1    1300.0
C4       0.0
Name: profit, dtype: float64
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from crm_lessons._validation import (
    require_choice,
    require_date,
    require_frame,
    require_group_keys,
    require_typed,
)

#: Money columns of a sales frame that can be summed per customer or product.
MEASURES = ("revenue", "cost", "profit", "quantity")

_SALES_COLUMNS = ("order_id", "customer_id", "order_date", "quantity", "revenue", "cost", "profit")


def _period(sales: pd.DataFrame, start, end) -> pd.DataFrame:
    """Lines with ``start <= order_date <= end`` (either end may be None)."""
    mask = pd.Series(True, index=sales.index)
    if start is not None:
        mask &= sales["order_date"] >= require_date(start, "start")
    if end is not None:
        mask &= sales["order_date"] <= require_date(end, "end")
    return sales.loc[mask]


def customer_totals(sales: pd.DataFrame, measure: str = "profit") -> pd.Series:
    """Total of one measure per customer, largest first.

    Parameters
    ----------
    sales : pandas.DataFrame
        Sales lines as returned by :func:`crm_lessons.data.build_sales`.
    measure : {'profit', 'revenue', 'cost', 'quantity'}
        What to add up per customer.

    Returns
    -------
    pandas.Series
        Indexed by ``customer_id``, sorted from largest to smallest (ties by customer id,
        so the order is stable), named after ``measure``.

    Notes
    -----
    :math:`\\text{total}_c = \\sum_{l \\in \\text{lines of } c} \\text{measure}_l`.
    Profit of a line is revenue − cost, revenue = quantity × unit price × (1 − discount).
    This is the input of ABC classification (ABC分类法) and of the Pareto curve.

    References
    ----------
    Course chapter 2, "客户与本公司的交易业绩分析" (transaction performance per customer).

    Examples
    --------
    >>> from crm_lessons.toy import toy_sales
    >>> customer_totals(toy_sales(), "revenue").round(1).to_dict()
    {'C2': 28000.0, 'C1': 6000.0, 'C3': 5000.0, 'C4': 100.0}

    Checked against the hand-computed table in :mod:`crm_lessons.toy`.
    """
    require_choice(measure, MEASURES, "measure")
    require_typed(sales, "sales", ["customer_id", measure], source="load_sales()")
    totals = sales.groupby("customer_id", sort=True)[measure].sum().astype(float)
    order = np.lexsort((totals.index.to_numpy(), -totals.to_numpy()))
    out = totals.iloc[order]
    out.name = measure
    return out


def customer_performance(sales: pd.DataFrame, start=None, end=None) -> pd.DataFrame:
    """Transaction performance of each customer with the company over a period.

    Parameters
    ----------
    sales : pandas.DataFrame
        Sales lines (:func:`crm_lessons.data.build_sales`).
    start, end : str or Timestamp, optional
        First and last order date to include (inclusive); None means no limit.

    Returns
    -------
    pandas.DataFrame
        One row per customer (index ``customer_id``, sorted by revenue, largest first) with
        ``orders`` (distinct orders), ``units``, ``revenue``, ``cost``, ``profit``,
        ``gross_margin`` = profit / revenue, ``avg_order_value`` = revenue / orders,
        ``revenue_share`` (customer's share of the period's revenue), ``avg_discount``
        (revenue-weighted list-price discount), ``first_order`` and ``last_order``.

    Notes
    -----
    .. math::

        \\text{gross margin}_c = \\frac{\\text{revenue}_c - \\text{cost}_c}{\\text{revenue}_c},\\qquad
        \\text{average order value}_c = \\frac{\\text{revenue}_c}{\\text{orders}_c}

    ``avg_discount`` = Σ quantity × unit price × discount / Σ quantity × unit price, i.e. the
    share of list value given away.

    References
    ----------
    Course chapter 2, analysis step 2 "客户与本公司的交易业绩分析".

    Examples
    --------
    >>> from crm_lessons.toy import toy_sales
    >>> p = customer_performance(toy_sales())
    >>> p[["orders", "revenue", "profit", "gross_margin", "avg_order_value"]].round(3)
                 orders  revenue  profit  gross_margin  avg_order_value
    customer_id
    C2                2  28000.0  5500.0         0.196          14000.0
    C1                2   6000.0  1300.0         0.217           3000.0
    C3                1   5000.0  2000.0         0.400           5000.0
    C4                1    100.0     0.0         0.000            100.0

    Checked against the hand-computed table in :mod:`crm_lessons.toy`
    (C1: 400 + 2000 + 3600 = 6000 revenue, 1300 profit, 2 orders).
    """
    require_typed(sales, "sales", list(_SALES_COLUMNS) + ["unit_price", "discount"], source="load_sales()")
    s = _period(sales, start, end)
    list_value = s["quantity"] * s["unit_price"]
    work = pd.DataFrame(
        {
            "customer_id": s["customer_id"],
            "order_id": s["order_id"],
            "order_date": s["order_date"],
            "quantity": s["quantity"],
            "revenue": s["revenue"],
            "cost": s["cost"],
            "profit": s["profit"],
            "list_value": list_value,
            "discount_value": list_value * s["discount"],
        }
    )
    g = work.groupby("customer_id", sort=True)
    out = pd.DataFrame(
        {
            "orders": g["order_id"].nunique(),
            "units": g["quantity"].sum(),
            "revenue": g["revenue"].sum(),
            "cost": g["cost"].sum(),
            "profit": g["profit"].sum(),
            "first_order": g["order_date"].min(),
            "last_order": g["order_date"].max(),
        }
    )
    lv = g["list_value"].sum()
    out["avg_discount"] = (g["discount_value"].sum() / lv.where(lv > 0)).fillna(0.0)
    out["gross_margin"] = (out["profit"] / out["revenue"].where(out["revenue"] > 0)).fillna(0.0)
    out["avg_order_value"] = out["revenue"] / out["orders"]
    out["revenue_share"] = out["revenue"] / out["revenue"].sum()
    order = np.lexsort((out.index.to_numpy(), -out["revenue"].to_numpy()))
    cols = [
        "orders",
        "units",
        "revenue",
        "cost",
        "profit",
        "gross_margin",
        "avg_order_value",
        "revenue_share",
        "avg_discount",
        "first_order",
        "last_order",
    ]
    return out.iloc[order][cols]


def sales_mix(sales: pd.DataFrame, by="category", measure: str = "revenue") -> pd.DataFrame:
    """Sales mix (销售构成): each product group's total and share of the whole.

    Parameters
    ----------
    sales : pandas.DataFrame
        Sales lines (:func:`crm_lessons.data.build_sales`).
    by : str or list of str
        Column(s) of ``sales`` to group by, e.g. ``"category"``, ``"product_id"``,
        ``"price_band"`` or ``["category", "price_band"]``.
    measure : {'revenue', 'profit', 'cost', 'quantity'}
        What to add up.

    Returns
    -------
    pandas.DataFrame
        Indexed by ``by`` (categories in their schema order, including groups with no sales),
        columns ``measure`` and ``share`` (fraction of the grand total, sums to 1).

    Notes
    -----
    :math:`\\text{share}_g = \\sum_{l \\in g} \\text{measure}_l \\big/ \\sum_l \\text{measure}_l`.

    References
    ----------
    Course chapter 2, analysis step 3 "不同商品的销售构成分析".

    Examples
    --------
    >>> from crm_lessons.toy import toy_sales
    >>> sales_mix(toy_sales(), "price_band").round(4)
                revenue   share
    price_band
    entry       16100.0  0.4118
    mid         18000.0  0.4604
    premium      5000.0  0.1279

    Checked by hand: entry lines 2000 + 400 + 3600 + 8000 + 2000 + 100 = 16100 of 39100.
    """
    require_choice(measure, MEASURES, "measure")
    require_frame(sales, "sales")
    keys = require_group_keys(by, sales)
    require_typed(sales, "sales", [measure], source="load_sales()")
    totals = sales.groupby(keys if len(keys) > 1 else keys[0], observed=False, sort=True)[measure].sum()
    out = totals.astype(float).to_frame(measure)
    grand = out[measure].sum()
    out["share"] = out[measure] / grand if grand != 0 else np.nan
    return out


def sales_mix_by_year(sales: pd.DataFrame, by: str = "category", measure: str = "revenue") -> pd.DataFrame:
    """Share of each group in each calendar year's total (rows: years, columns: groups).

    Parameters
    ----------
    sales : pandas.DataFrame
        Sales lines.
    by : str
        Column to split the mix by (e.g. ``"category"``).
    measure : {'revenue', 'profit', 'cost', 'quantity'}
        What to add up.

    Returns
    -------
    pandas.DataFrame
        Index ``year``; one column per group; each row sums to 1.

    Notes
    -----
    :math:`\\text{share}_{y,g} = \\text{measure}_{y,g} / \\sum_{g'} \\text{measure}_{y,g'}`.

    References
    ----------
    Course chapter 2, analysis step 3 "不同商品的销售构成分析", followed over time.

    Examples
    --------
    >>> from crm_lessons.toy import toy_sales
    >>> sales_mix_by_year(toy_sales(), "price_band").round(3)
    price_band  entry    mid  premium
    year
    2022        0.464  0.536    0.000
    2023        0.419  0.000    0.581
    2024        0.259  0.741    0.000

    Checked by hand: 2024 has 6000 (mid) + 2000 + 100 (entry), so entry = 2100 / 8100 = 0.259;
    2022 entry = (2000 + 400 + 8000) / 22400 = 0.464.
    """
    require_choice(measure, MEASURES, "measure")
    require_frame(sales, "sales")
    if not isinstance(by, str) or by not in sales.columns:
        raise ValueError(f"`by` must be one column of `sales`, e.g. 'category'; got {by!r}.")
    require_typed(sales, "sales", ["order_date", measure], source="load_sales()")
    year = sales["order_date"].dt.year.rename("year")
    table = sales.groupby([year, sales[by]], observed=False)[measure].sum().unstack(by, fill_value=0.0)
    table = table.astype(float)
    return table.div(table.sum(axis=1), axis=0)


#: Row order of :func:`best_and_worst`.
BEST_WORST_GROUPS = ("best", "all", "worst")


def best_and_worst(
    sales: pd.DataFrame, customers: pd.DataFrame, complaints: pd.DataFrame | None = None, share: float = 0.05
) -> pd.DataFrame:
    """Profile of the best and the worst customers by profit (最佳客户和最差客户), beside everyone.

    Parameters
    ----------
    sales : pandas.DataFrame
        Sales lines (:func:`crm_lessons.data.build_sales`).
    customers : pandas.DataFrame
        The customers table (``customer_id``, ``kind``).
    complaints : pandas.DataFrame, optional
        The complaints table (``customer_id``); adds complaints per 100 orders.
    share : float, default 0.05
        Share of the buying customers in each of the two groups (0 < share <= 0.5): the best are the
        top ``share`` by total profit, the worst the bottom ``share``.

    Returns
    -------
    pandas.DataFrame
        Rows ``best``, ``all``, ``worst``; columns ``customers``, ``share_<kind>`` for each kind of
        customer (e.g. ``share_consumer``), ``median_orders``, ``median_revenue``,
        ``median_profit``, ``gross_margin`` (the group's profit / its revenue), ``avg_discount``
        (list value given away / list value), ``loss_makers`` (customers whose total profit is
        below zero, to the cent) and, with ``complaints``, ``complaints_per_100_orders``.

    Notes
    -----
    Customers are ranked by :func:`customer_totals` (profit, ties by id);
    :math:`k = \\max(1, \\operatorname{round}(\\text{share} \\times N))` customers form each group.
    The course describes best and worst customers in words (the best value what the company
    does well and come back; the worst ask for what it cannot do and stay dissatisfied); the
    profile shows which measurable traits go with each on the case data.

    References
    ----------
    Course chapter 2 (source 002), "从企业利益的角度划分: 最佳客户和最差客户".

    Examples
    --------
    >>> from crm_lessons.toy import toy_customers, toy_sales
    >>> t = best_and_worst(toy_sales(), toy_customers(), share=0.25)
    >>> t[["customers", "share_intermediary", "median_profit", "gross_margin"]].round(3)
           customers  share_intermediary  median_profit  gross_margin
    group
    best           1                1.00         5500.0         0.196
    all            4                0.25         1650.0         0.225
    worst          1                0.00            0.0         0.000
    >>> best_and_worst(toy_sales(), toy_customers(), share=0.9)
    Traceback (most recent call last):
    ...
    ValueError: `share` must be a number with 0 < share <= 0.5 (the share of customers per group); got 0.9.

    Checked against the toy tables: the best customer is C2, the intermediary (5500 profit on
    28000 revenue), the worst C4 (no profit); medians of all four: profit (1300 + 2000) / 2 = 1650.
    """
    if isinstance(share, bool) or not isinstance(share, (int, float, np.floating)) or not 0 < share <= 0.5:
        raise ValueError(
            "`share` must be a number with 0 < share <= 0.5 (the share of customers per group); "
            f"got {share!r}."
        )
    require_typed(customers, "customers", ["customer_id", "kind"], source="load_customers()")
    perf = customer_performance(sales)
    ranked = customer_totals(sales, "profit").index
    k = max(1, int(round(share * len(ranked))))
    groups = {"best": ranked[:k], "all": ranked, "worst": ranked[len(ranked) - k :]}
    kind = customers.set_index("customer_id")["kind"]
    categorical = isinstance(kind.dtype, pd.CategoricalDtype)
    kinds = list(kind.cat.categories) if categorical else sorted(kind.dropna().unique())
    s = sales.assign(list_value=sales["quantity"] * sales["unit_price"])
    s = s.assign(discount_value=s["list_value"] * s["discount"])
    rows = {}
    for name, ids in groups.items():
        p = perf.loc[ids]
        lines = s.loc[s["customer_id"].isin(ids)]
        row = {"customers": len(p)}
        k_of = kind.reindex(p.index)
        for kd in kinds:
            row[f"share_{kd}"] = float((k_of == kd).mean())
        row.update(
            median_orders=float(p["orders"].median()),
            median_revenue=float(p["revenue"].median()),
            median_profit=float(p["profit"].median()),
            gross_margin=float(p["profit"].sum() / p["revenue"].sum()) if p["revenue"].sum() > 0 else 0.0,
            avg_discount=float(lines["discount_value"].sum() / lines["list_value"].sum())
            if lines["list_value"].sum() > 0
            else 0.0,
            loss_makers=int((p["profit"].round(2) < 0).sum()),
        )
        if complaints is not None:
            require_typed(complaints, "complaints", ["customer_id"], source="load_complaints()")
            n = int(complaints["customer_id"].isin(ids).sum())
            row["complaints_per_100_orders"] = 100.0 * n / float(p["orders"].sum())
        rows[name] = row
    out = pd.DataFrame.from_dict(rows, orient="index")
    out.index.name = "group"
    return out


#: Trends of :func:`year_on_year`.
TRENDS = ("started", "up", "flat", "down", "stopped", "none")


def year_on_year(sales: pd.DataFrame, year: int, measure: str = "revenue", customer_ids=None) -> pd.DataFrame:
    """Each customer's total in ``year`` beside the year before, and which way it moved.

    Parameters
    ----------
    sales : pandas.DataFrame
        Sales lines (:func:`crm_lessons.data.build_sales`).
    year : int
        The year to compare with the year before.
    measure : {'revenue', 'profit', 'cost', 'quantity'}, default 'revenue'
        What to add up.
    customer_ids : list-like, optional
        Only these customers (all of them, with zeros where they bought nothing); by default every
        customer who bought in either year.

    Returns
    -------
    pandas.DataFrame
        Index ``customer_id``; ``previous``, ``current``, ``change`` = current − previous and
        ``trend``: ``started`` (nothing the year before: a new or returning buyer), ``up``, ``flat``,
        ``down``, ``stopped``
        (nothing this year) or ``none`` (nothing in either year).

    Notes
    -----
    Following a key account's developments (关注大客户的动态) starts with this list: a key
    account that buys less, or stops, is the one to call.

    References
    ----------
    Course chapter 4 of the slides (source 000), "提高大客户忠诚度的策略", strategy 4.

    Examples
    --------
    >>> from crm_lessons.toy import toy_sales
    >>> year_on_year(toy_sales(), 2024, customer_ids=["C1", "C2", "C3", "C4"])
                 previous  current  change    trend
    customer_id
    C1             3600.0      0.0 -3600.0  stopped
    C2                0.0   8000.0  8000.0  started
    C3             5000.0      0.0 -5000.0  stopped
    C4                0.0    100.0   100.0  started

    Checked against the toy tables (C1 bought 3600 in 2023 and nothing in 2024; C2 bought
    nothing in 2023 and 6000 + 2000 in 2024).
    """
    require_choice(measure, MEASURES, "measure")
    require_typed(sales, "sales", ["customer_id", "order_date", measure], source="load_sales()")
    if isinstance(year, bool) or not isinstance(year, (int, np.integer)):
        raise TypeError(f"`year` must be a whole number such as 2024; got {year!r}.")
    y = sales["order_date"].dt.year
    both = sales.loc[y.isin([year - 1, year])]
    keys = [both["customer_id"], y.loc[both.index].rename("year")]
    table = both.groupby(keys)[measure].sum().unstack("year")
    table = table.reindex(columns=[year - 1, year]).fillna(0.0).astype(float)
    if customer_ids is not None:
        table = table.reindex(pd.Index(list(customer_ids), name="customer_id")).fillna(0.0)
    out = pd.DataFrame({"previous": table[year - 1], "current": table[year]})
    out["change"] = out["current"] - out["previous"]
    prev, cur = out["previous"].round(2), out["current"].round(2)
    trend = np.select(
        [(prev == 0) & (cur == 0), prev == 0, cur == 0, cur > prev, cur < prev],
        ["none", "started", "stopped", "up", "down"],
        default="flat",
    )
    out["trend"] = pd.Categorical(trend, categories=list(TRENDS))
    out.index.name = "customer_id"
    return out
