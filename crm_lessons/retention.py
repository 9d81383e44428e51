"""Customer retention (客户保留率): ordinary vs gold customers by year, cohorts, and the cost side.

Two definitions of the yearly retention rate sit side by side:

* the **thesis definition** (course material 003): customers who bought three or more
  times in the year, over all customers of the group;
* the **cohort definition** used in most CRM and marketing texts: of the customers
  active last year, the share who buy again this year.

Both are computed per tier (ordinary / gold, 黄金客户) and per year, before and after the
CRM go-live, plus an acquisition-cohort table for a heatmap and the simple economics of
acquiring versus keeping a customer (获取成本).

References
----------
.. [1] Course material 003 (thesis on CRM at a company): retention rate = customers with
   three or more repeat purchases / total customers, ordinary vs gold customers, by
   year, rising after the CRM system went live; acquiring a customer costs several
   times as much as keeping one.
.. [2] Reichheld, F. F. & Sasser, W. E. (1990). Zero defections: quality comes to
   services. *Harvard Business Review*, 68(5), 105-111.
.. [3] Gupta, S. & Lehmann, D. R. (2005). *Managing Customers as Investments*. Wharton
   School Publishing (retention rate, expected lifetime 1 / (1 - r)).
"""

from __future__ import annotations

from collections.abc import Iterable

import numpy as np
import pandas as pd

from crm_lessons._validation import (
    require_choice,
    require_date,
    require_fraction,
    require_ids,
    require_real,
    require_same_id_type,
    require_typed,
)
from crm_lessons.schema import CRM_GO_LIVE

#: Names of the two retention definitions, as the widgets and tables use them.
DEFINITIONS = ("thesis", "cohort")

_ORDER_COLUMNS = ["customer_id", "order_date"]


def purchases_per_year(orders: pd.DataFrame) -> pd.DataFrame:
    """Count each customer's orders (purchase occasions) per calendar year.

    Parameters
    ----------
    orders : pandas.DataFrame
        Columns ``customer_id`` and ``order_date`` (datetime), one row per order.

    Returns
    -------
    pandas.DataFrame
        Columns ``customer_id``, ``year``, ``orders``: one row per customer and year
        in which the customer ordered, sorted by customer and year.

    Examples
    --------
    >>> import pandas as pd
    >>> from crm_lessons.retention import purchases_per_year
    >>> orders = pd.DataFrame({"customer_id": ["a", "a", "b"],
    ...     "order_date": pd.to_datetime(["2020-01-05", "2020-03-01", "2021-06-30"])})
    >>> purchases_per_year(orders)
      customer_id  year  orders
    0           a  2020       2
    1           b  2021       1

    Checked against: hand counts.
    """
    require_typed(orders, "orders", _ORDER_COLUMNS, source="load_orders()")
    if not pd.api.types.is_datetime64_any_dtype(orders["order_date"]):
        raise TypeError(
            "`orders['order_date']` must be datetime64; load orders with crm_lessons.data.load_orders()."
        )
    years = orders["order_date"].dt.year.rename("year")
    counts = orders.groupby([orders["customer_id"], years]).size().rename("orders").reset_index()
    return counts.sort_values(["customer_id", "year"], kind="stable").reset_index(drop=True)


def _check_known(per_year: pd.DataFrame, group: pd.Series | None) -> None:
    """Every buyer of ``orders`` must be in ``customers`` when the rates are split by a customer column."""
    if group is None:
        return
    unknown = pd.Index(per_year["customer_id"]).difference(group.index)
    if len(unknown):
        raise ValueError(
            f"`orders` names customer_id(s) {unknown[:5].tolist()} that `customers` does not have; "
            "pass the full customers table (one row per customer, same id type)."
        )


def _groups(customers: pd.DataFrame | None, by: str | None) -> pd.Series | None:
    if by is None:
        return None
    if customers is None:
        raise ValueError(f"`customers` is needed to group by {by!r}; pass the customers table.")
    require_typed(customers, "customers", ["customer_id", by], source="load_customers()")
    return customers.set_index("customer_id")[by]


def retention_rate(previous: Iterable, current: Iterable) -> float:
    """Cohort retention rate: share of ``previous`` customers found again in ``current``.

    Parameters
    ----------
    previous : iterable of customer ids
        The cohort: customers active in the earlier period.
    current : iterable of customer ids
        Customers active in the later period.

    Returns
    -------
    float
        :math:`r = |P \\cap C| / |P|`.

    Raises
    ------
    ValueError
        When ``previous`` is empty (the rate of an empty cohort is undefined).

    Examples
    --------
    >>> from crm_lessons.retention import retention_rate
    >>> retention_rate(["a", "b", "c", "d"], ["b", "d", "e"])
    0.5
    >>> retention_rate([], ["a"])
    Traceback (most recent call last):
    ...
    ValueError: `previous` is an empty cohort: no customers were active in the earlier period,
    so a retention rate is undefined. Choose a period (or group) with customers.

    Checked against: hand counts (2 of 4 kept).
    """
    prev_ids, cur_ids = _id_list(previous, "previous"), _id_list(current, "current")
    require_same_id_type(prev_ids, "previous", cur_ids, "current", "customer_id")
    prev = set(prev_ids)
    if not prev:
        raise ValueError(
            "`previous` is an empty cohort: no customers were active in the earlier period, "
            "so a retention rate is undefined. Choose a period (or group) with customers."
        )
    return len(prev & set(cur_ids)) / len(prev)


def _id_list(ids, arg: str) -> pd.Series:
    if isinstance(ids, (str, bytes)) or not isinstance(ids, Iterable):
        raise TypeError(f"`{arg}` must be a list, set or Series of customer ids, got {type(ids).__name__}.")
    values = pd.Series(list(ids), dtype=object)
    require_ids(values, "customer_id", arg)
    return values


def thesis_retention(
    orders: pd.DataFrame,
    customers: pd.DataFrame,
    *,
    by: str | None = "tier",
    min_orders: int = 3,
    base: str = "active",
) -> pd.DataFrame:
    """Retention by the thesis's definition: repeat buyers (3+ purchases a year) over all customers.

    Parameters
    ----------
    orders : pandas.DataFrame
        ``customer_id``, ``order_date``.
    customers : pandas.DataFrame
        ``customer_id``, ``join_date`` and the ``by`` column.
    by : str or None
        Customer column to split by (default ``"tier"``: ordinary vs gold); None for
        all customers together.
    min_orders : int
        Purchases in the year that make a customer a repeat buyer (the thesis: three
        or more).
    base : {"registered", "active"}
        Who counts as "all customers" of a year: every customer on file by the end of
        the year (``join_date`` on or before 31 December; the thesis's reading) or only
        those who bought at least once that year.

    Returns
    -------
    pandas.DataFrame
        One row per year (and group): ``year``, the ``by`` column, ``customers`` (the
        base), ``repeat_customers`` and ``retention_rate``.

    Notes
    -----
    .. math:: R^{\\text{thesis}}_{g,t} = \\frac{\\#\\{i \\in g : n_{it} \\ge m\\}}{N_{g,t}}

    with :math:`n_{it}` customer :math:`i`'s orders in year :math:`t`, :math:`m` =
    ``min_orders`` and :math:`N_{g,t}` the base. This measures how many customers buy
    *often*, not whether last year's customers came back: a year with many new
    customers lowers it even if nobody left. See :func:`cohort_retention` for the
    usual definition.

    References
    ----------
    Course material 003, table of the company's retention rate by year (ordinary and
    gold customers).

    Examples
    --------
    >>> import pandas as pd
    >>> from crm_lessons.retention import thesis_retention
    >>> customers = pd.DataFrame({"customer_id": ["a", "b"], "tier": ["gold", "ordinary"],
    ...     "join_date": pd.to_datetime(["2019-01-01", "2019-01-01"])})
    >>> orders = pd.DataFrame({"customer_id": ["a"] * 3 + ["b"],
    ...     "order_date": pd.to_datetime(["2020-01-01", "2020-02-01", "2020-03-01", "2020-05-01"])})
    >>> thesis_retention(orders, customers)
       year      tier  customers  repeat_customers  retention_rate
    0  2020      gold          1                 1             1.0
    1  2020  ordinary          1                 0             0.0

    Checked against: hand counts here and in ``tests/test_retention.py``.
    """
    require_choice(base, ["registered", "active"], "base")
    if not isinstance(min_orders, (int, np.integer)) or min_orders < 1:
        raise ValueError(f"`min_orders` must be a whole number of at least 1, got {min_orders!r}.")
    per_year = purchases_per_year(orders)
    if per_year.empty:
        raise ValueError("`orders` is empty: there are no purchases to measure retention on.")
    years = range(int(per_year["year"].min()), int(per_year["year"].max()) + 1)
    group = _groups(customers, by)
    _check_known(per_year, group)
    require_typed(
        customers,
        "customers",
        ["customer_id"] + (["join_date"] if base == "registered" else []),
        source="load_customers()",
    )
    rows = []
    for year in years:
        this = per_year[per_year["year"] == year].set_index("customer_id")["orders"]
        if base == "registered":
            on_file = customers.loc[customers["join_date"].dt.year <= year, "customer_id"]
            base_ids = pd.Index(on_file).union(this.index)  # a buyer is on file even if joined late
        else:
            base_ids = this.index
        repeat = this.reindex(base_ids, fill_value=0) >= min_orders
        frame = pd.DataFrame({"repeat": repeat.to_numpy()}, index=base_ids)
        if group is None:
            rows.append(
                {"year": year, "customers": len(frame), "repeat_customers": int(frame["repeat"].sum())}
            )
            continue
        frame[by] = group.reindex(base_ids).to_numpy()
        for g, part in frame.groupby(by, observed=False, sort=True):
            rows.append(
                {"year": year, by: g, "customers": len(part), "repeat_customers": int(part["repeat"].sum())}
            )
    out = pd.DataFrame(rows)
    if group is not None and isinstance(group.dtype, pd.CategoricalDtype):
        out[by] = pd.Categorical(out[by], categories=group.cat.categories, ordered=group.cat.ordered)
    out["retention_rate"] = out["repeat_customers"] / out["customers"].where(out["customers"] > 0)
    return out


def cohort_retention(
    orders: pd.DataFrame, customers: pd.DataFrame | None = None, *, by: str | None = "tier"
) -> pd.DataFrame:
    """Retention by the usual definition: share of last year's active customers who buy this year.

    Parameters
    ----------
    orders : pandas.DataFrame
        ``customer_id``, ``order_date``.
    customers : pandas.DataFrame, optional
        ``customer_id`` and the ``by`` column; needed unless ``by`` is None.
    by : str or None
        Customer column to split by (default ``"tier"``).

    Returns
    -------
    pandas.DataFrame
        One row per year from the second year of data on (and group): ``year``, the
        ``by`` column, ``active_last_year``, ``retained`` and ``retention_rate``.
        A group with no customers active last year gets NaN, not an error (use
        :func:`retention_rate` for a single cohort that must not be empty).

    Notes
    -----
    .. math:: R^{\\text{cohort}}_{g,t} = \\frac{|A_{g,t-1} \\cap A_{g,t}|}{|A_{g,t-1}|}

    with :math:`A_{g,t}` the customers of group :math:`g` with at least one order in
    year :math:`t`. The expected remaining lifetime of a customer kept at a constant
    rate :math:`r` is :math:`1/(1-r)` years (see :func:`retention_economics`).

    References
    ----------
    Reichheld & Sasser (1990); Gupta & Lehmann (2005).

    Examples
    --------
    >>> import pandas as pd
    >>> from crm_lessons.retention import cohort_retention
    >>> orders = pd.DataFrame({"customer_id": ["a", "b", "c", "d", "a", "c", "e"],
    ...     "order_date": pd.to_datetime(["2020-03-01"] * 4 + ["2021-05-01"] * 3)})
    >>> cohort_retention(orders, by=None)
       year  active_last_year  retained  retention_rate
    0  2021                 4         2             0.5

    Checked against: hand counts (a and c of a, b, c, d came back).
    """
    per_year = purchases_per_year(orders)
    if per_year.empty:
        raise ValueError("`orders` is empty: there are no purchases to measure retention on.")
    group = _groups(customers, by)
    _check_known(per_year, group)
    first, last = int(per_year["year"].min()), int(per_year["year"].max())
    active = {y: pd.Index(part["customer_id"]) for y, part in per_year.groupby("year")}
    rows = []
    groups = (
        [None]
        if group is None
        else list(
            group.cat.categories
            if isinstance(group.dtype, pd.CategoricalDtype)
            else sorted(group.dropna().unique())
        )
    )
    for year in range(first + 1, last + 1):
        prev = active.get(year - 1, pd.Index([]))
        cur = active.get(year, pd.Index([]))
        kept = prev.intersection(cur)
        for g in groups:
            if g is None:
                n_prev, n_kept = len(prev), len(kept)
                row = {"year": year}
            else:
                n_prev = int((group.reindex(prev) == g).sum())
                n_kept = int((group.reindex(kept) == g).sum())
                row = {"year": year, by: g}
            row.update(
                {
                    "active_last_year": n_prev,
                    "retained": n_kept,
                    "retention_rate": n_kept / n_prev if n_prev else np.nan,
                }
            )
            rows.append(row)
    out = pd.DataFrame(rows)
    if group is not None and isinstance(group.dtype, pd.CategoricalDtype):
        out[by] = pd.Categorical(out[by], categories=group.cat.categories, ordered=group.cat.ordered)
    return out


def retention_table(
    orders: pd.DataFrame, customers: pd.DataFrame, *, by: str = "tier", min_orders: int = 3
) -> pd.DataFrame:
    """Both definitions side by side: one row per year, one column per (definition, group).

    Parameters
    ----------
    orders, customers : pandas.DataFrame
        As for :func:`thesis_retention` and :func:`cohort_retention`.
    by : str
        Customer column to split by.
    min_orders : int
        Threshold of the thesis definition.

    Returns
    -------
    pandas.DataFrame
        Index ``year``; columns a two-level index (definition in
        :data:`DEFINITIONS`, group) holding retention rates; the cohort definition is
        NaN in the first year (there is no earlier year to be retained from).

    Examples
    --------
    >>> import pandas as pd
    >>> from crm_lessons.retention import retention_table
    >>> customers = pd.DataFrame({"customer_id": ["a", "b"], "tier": ["gold", "ordinary"],
    ...     "join_date": pd.to_datetime(["2019-01-01", "2019-01-01"])})
    >>> orders = pd.DataFrame({"customer_id": ["a", "a", "a", "b", "a"],
    ...     "order_date": pd.to_datetime(["2020-01-01", "2020-02-01", "2020-03-01", "2020-05-01",
    ...                                   "2021-01-09"])})
    >>> retention_table(orders, customers)
    definition thesis          cohort
    tier         gold ordinary   gold ordinary
    year
    2020          1.0      0.0    NaN      NaN
    2021          0.0      NaN    1.0      0.0

    (In 2021 no ordinary customer bought, so the thesis rate has no base: NaN.)

    Checked against: the two functions it combines.
    """
    thesis = thesis_retention(orders, customers, by=by, min_orders=min_orders).pivot(
        index="year", columns=by, values="retention_rate"
    )
    cohort = cohort_retention(orders, customers, by=by).pivot(
        index="year", columns=by, values="retention_rate"
    )
    out = pd.concat(
        {"thesis": thesis, "cohort": cohort.reindex(thesis.index)}, axis=1, names=["definition", by]
    )
    out.columns = pd.MultiIndex.from_tuples([(d, str(g)) for d, g in out.columns], names=["definition", by])
    return out


def before_after(
    table: pd.DataFrame,
    *,
    go_live: str = CRM_GO_LIVE,
    year: str = "year",
    rate: str = "retention_rate",
    by: str | None = "tier",
) -> pd.DataFrame:
    """Average retention before and after the CRM go-live.

    Parameters
    ----------
    table : pandas.DataFrame
        Output of :func:`thesis_retention` or :func:`cohort_retention`.
    go_live : str
        Go-live date; years from its year on count as "after" (default
        :data:`crm_lessons.schema.CRM_GO_LIVE`).
    year, rate, by : str
        Column names in ``table``.

    Returns
    -------
    pandas.DataFrame
        One row per group: ``before``, ``after`` (unweighted means of the yearly rates)
        and ``change`` (after - before, in rate points).

    Notes
    -----
    :math:`\\Delta_g = \\overline{R}_{g,\\,t \\ge t_0} - \\overline{R}_{g,\\,t < t_0}`.
    A before/after difference is not proof that CRM caused it (anything else that
    changed in those years is mixed in); a pilot with a control group is (chapter 4,
    :mod:`crm_lessons.pilots`).

    Examples
    --------
    >>> import pandas as pd
    >>> from crm_lessons.retention import before_after
    >>> t = pd.DataFrame({"year": [2019, 2020, 2021, 2022], "retention_rate": [0.4, 0.5, 0.6, 0.7]})
    >>> before_after(t, by=None)
         before  after  change
    all    0.45   0.65    0.2

    Checked against: hand means.
    """
    require_typed(table, "table", [year, rate] + ([by] if by else []))
    cut = require_date(go_live, "go_live").year
    data = table.dropna(subset=[rate])
    after = data[year] >= cut
    if not after.any() or after.all():
        raise ValueError(
            f"`table` must have years both before and from {cut} (`go_live`={go_live!r}) to compare."
        )
    keys = data[by].astype(str) if by else pd.Series("all", index=data.index)
    out = pd.DataFrame(
        {
            "before": data[~after].groupby(keys[~after], sort=False)[rate].mean(),
            "after": data[after].groupby(keys[after], sort=False)[rate].mean(),
        }
    )
    out["change"] = out["after"] - out["before"]
    out.index.name = by
    return out


def cohort_table(
    orders: pd.DataFrame,
    *,
    period: str = "year",
    customers: pd.DataFrame | None = None,
    by: str | None = None,
    group=None,
) -> pd.DataFrame:
    """Acquisition-cohort table for a retention heatmap.

    Parameters
    ----------
    orders : pandas.DataFrame
        ``customer_id``, ``order_date``.
    period : {"year", "quarter"}
        Length of a period.
    customers, by, group : optional
        Keep only customers whose ``customers[by]`` equals ``group`` (e.g.
        ``by="tier", group="gold"``).

    Returns
    -------
    pandas.DataFrame
        Rows: cohort (period of the customer's first order, as a string like ``"2019"``
        or ``"2019Q3"``); columns: periods since the first order (0, 1, 2, ...);
        values: share of the cohort with at least one order in that period (1.0 in
        column 0 by construction; NaN where the period lies beyond the data).
        ``attrs["cohort_size"]`` holds the number of customers per cohort.

    Raises
    ------
    ValueError
        When the selection leaves no orders (an empty cohort), naming the argument.

    Notes
    -----
    :math:`S_{c,k} = |\\{i \\in c : i \\text{ orders in period } c + k\\}| / |c|`.
    Reading down a column compares cohorts at the same age: a lighter band from the
    go-live year on shows retention improving for every cohort.

    Examples
    --------
    >>> import pandas as pd
    >>> from crm_lessons.retention import cohort_table
    >>> orders = pd.DataFrame({"customer_id": ["a", "b", "a", "c", "c"],
    ...     "order_date": pd.to_datetime(["2020-01-01", "2020-06-01", "2021-02-01", "2021-03-01",
    ...                                   "2022-01-01"])})
    >>> cohort_table(orders)
    periods_since_first    0    1    2
    cohort
    2020                 1.0  0.5  0.0
    2021                 1.0  1.0  NaN
    2022                 NaN  NaN  NaN
    <BLANKLINE>

    Checked against: hand counts (cohort 2020 = a, b; only a returns in 2021).
    """
    require_typed(orders, "orders", _ORDER_COLUMNS, source="load_orders()")
    require_choice(period, ["year", "quarter"], "period")
    data = orders
    if by is not None or group is not None:
        if by is None or group is None:
            raise ValueError(
                "give both `by` and `group` (e.g. by='tier', group='gold') to select a customer group."
            )
        groups = _groups(customers, by)
        keep = groups[groups.astype(str) == str(group)].index
        data = orders[orders["customer_id"].isin(keep)]
        if data.empty:
            raise ValueError(
                f"`group`={group!r} selects no customers with orders (column {by!r}); "
                f"choose one of {sorted(map(str, groups.dropna().unique()))}."
            )
    if data.empty:
        raise ValueError("`orders` is empty: an empty cohort has no retention to show.")
    freq = "Y" if period == "year" else "Q"
    p = data["order_date"].dt.to_period(freq)
    frame = pd.DataFrame({"customer_id": data["customer_id"].to_numpy(), "period": p.to_numpy()})
    first = frame.groupby("customer_id")["period"].min().rename("cohort")
    frame = frame.join(first, on="customer_id")
    ordinal = lambda s: s.map(lambda x: x.ordinal)  # noqa: E731
    frame["age"] = (ordinal(frame["period"]) - ordinal(frame["cohort"])).astype(int)
    active = frame.drop_duplicates(["customer_id", "age"]).groupby(["cohort", "age"]).size().unstack("age")
    size = first.value_counts().sort_index()
    all_periods = pd.period_range(p.min(), p.max(), freq=freq)
    active = active.reindex(all_periods).reindex(columns=range(len(all_periods)))
    shares = active.div(size.reindex(all_periods), axis=0)
    # inside the data window an absent count is a true zero; beyond it, unknown
    last = len(all_periods) - 1
    for row, cohort in enumerate(all_periods):
        horizon = last - row
        if cohort in size.index:
            shares.iloc[row, : horizon + 1] = shares.iloc[row, : horizon + 1].fillna(0.0)
    shares.index = pd.Index([str(c) for c in all_periods], name="cohort")
    shares.columns.name = "periods_since_first"
    shares.attrs["cohort_size"] = size.reindex(all_periods, fill_value=0).set_axis(shares.index)
    return shares


def retention_economics(
    retention_rates: Iterable[float],
    *,
    n_customers: int = 1000,
    acquisition_cost: float = 500.0,
    retention_cost: float = 100.0,
) -> pd.DataFrame:
    """What it costs each year to keep a customer base the same size, at various retention rates.

    Parameters
    ----------
    retention_rates : iterable of float
        Yearly retention rates in [0, 1).
    n_customers : int
        Size of the customer base to keep.
    acquisition_cost : float
        Cost of winning one new customer (advertising, sales visits, introductory
        discounts).
    retention_cost : float
        Cost per year of keeping one existing customer (service, loyalty rewards).

    Returns
    -------
    pandas.DataFrame
        One row per rate: ``retention_rate``, ``expected_lifetime_years``
        (:math:`1/(1-r)`), ``customers_lost``, ``acquisition_spend``,
        ``retention_spend``, ``total_cost`` and ``cost_per_customer``.

    Notes
    -----
    To keep :math:`N` customers, the :math:`N(1-r)` lost each year must be replaced:

    .. math:: \\text{cost}(r) = N(1-r)\\,c_{\\text{acq}} + N r\\, c_{\\text{ret}}

    With :math:`c_{\\text{acq}} = 5 c_{\\text{ret}}` (the often-quoted "five times",
    material 003 says "several times"), raising retention from 0.80 to 0.85 saves
    :math:`0.05 N (c_{\\text{acq}} - c_{\\text{ret}})` a year.

    References
    ----------
    Course material 003 (acquiring vs keeping customers); Reichheld & Sasser (1990).

    Examples
    --------
    >>> from crm_lessons.retention import retention_economics
    >>> table = retention_economics([0.8, 0.85], n_customers=1000, acquisition_cost=500, retention_cost=100)
    >>> table[["retention_rate", "expected_lifetime_years", "customers_lost", "total_cost"]]
       retention_rate  expected_lifetime_years  customers_lost  total_cost
    0            0.80                 5.000000           200.0    180000.0
    1            0.85                 6.666667           150.0    160000.0

    Checked against: the formula by hand (200 x 500 + 800 x 100 = 180,000).
    """
    rates = np.asarray(
        [require_fraction(r, "retention_rates", high_open=True) for r in retention_rates], dtype=float
    )
    if rates.size == 0:
        raise ValueError("`retention_rates` is empty; give at least one rate, e.g. [0.7, 0.8, 0.9].")
    if require_real(n_customers, "n_customers") <= 0:
        raise ValueError(f"`n_customers` must be positive, got {n_customers!r}.")
    if (
        require_real(acquisition_cost, "acquisition_cost") < 0
        or require_real(retention_cost, "retention_cost") < 0
    ):
        raise ValueError("`acquisition_cost` and `retention_cost` must not be negative.")
    lost = n_customers * (1 - rates)
    acq = lost * acquisition_cost
    ret = n_customers * rates * retention_cost
    return pd.DataFrame(
        {
            "retention_rate": rates,
            "expected_lifetime_years": 1 / (1 - rates),
            "customers_lost": lost,
            "acquisition_spend": acq,
            "retention_spend": ret,
            "total_cost": acq + ret,
            "cost_per_customer": (acq + ret) / n_customers,
        }
    )
