"""Who the customers are: composition tables, current vs potential customers, the volume ×
loyalty quadrants and one customer's file (客户档案).

This is step 1 of the course's customer-analysis flow (客户构成分析) and the
classifications of "客户的分类": by nature (consumer, intermediary, organisation), by
retail format, by buying motive, internal vs external, current vs potential, and by sales
volume × loyalty.

Examples
--------
>>> from crm_lessons.toy import toy_customers
>>> from crm_lessons.composition import composition
>>> composition(toy_customers(), "kind")
              customers  share
kind
consumer              2   0.50
intermediary          1   0.25
organisation          1   0.25
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from crm_lessons._validation import (
    require_boolean,
    require_date,
    require_frame,
    require_ids,
    require_same_id_type,
    require_table,
    require_typed,
)
from crm_lessons.plotting import styled

#: Names of the four volume × loyalty quadrants and what the course says to do with them.
QUADRANTS = {
    "large & loyal": "the company's most precious asset: keep and reward them",
    "large & disloyal": (
        "the most dangerous: big sales but they bargain hard and may leave; win loyalty or limit dependence"
    ),
    "small & loyal": "tomorrow's stars: support them to grow",
    "small & disloyal": "little value: serve at low cost or let go",
}


def _check_by(frame: pd.DataFrame, by: str, arg_frame: str) -> None:
    require_frame(frame, arg_frame)
    if not isinstance(by, str) or by not in frame.columns:
        raise ValueError(
            f"`by` must name a column of `{arg_frame}`, one of {list(frame.columns)}; got {by!r}."
        )
    require_ids(frame, by, arg_frame, allow_missing=True, noun="value")  # 1 and "1" would be two groups


def composition(customers: pd.DataFrame, by: str, dropna: bool = True) -> pd.DataFrame:
    """Number and share of customers in each class of one column.

    Parameters
    ----------
    customers : pandas.DataFrame
        The customers table (``crm_lessons.data.load_customers()``) or any frame with one
        row per customer.
    by : str
        Column to classify by, e.g. ``"kind"``, ``"retail_format"``, ``"buying_motive"``,
        ``"internal"``, ``"tier"``.
    dropna : bool, default True
        Leave out customers with no value (e.g. the retail format of consumers). With
        ``False`` they are counted as ``"(not applicable)"``.

    Returns
    -------
    pandas.DataFrame
        Index: the classes (for categorical columns all categories in schema order, even
        empty ones); columns ``customers`` (count) and ``share`` (fraction of the counted
        customers, sums to 1).

    Notes
    -----
    :math:`\\text{share}_k = n_k / \\sum_j n_j`.

    References
    ----------
    Course chapter 2, "客户的分类" and analysis step 1 "客户构成分析".

    Examples
    --------
    >>> from crm_lessons.toy import toy_customers
    >>> composition(toy_customers(), "retail_format", dropna=False).loc[["supermarket", "(not applicable)"]]
                      customers  share
    retail_format
    supermarket               1   0.25
    (not applicable)          3   0.75

    Checked against the toy customers: only C2 is an intermediary (a supermarket).
    """
    _check_by(customers, by, "customers")
    col = customers[by]
    counts = col.value_counts(dropna=True, sort=False)
    if isinstance(col.dtype, pd.CategoricalDtype):
        counts = counts.reindex(col.cat.categories, fill_value=0)
    else:
        counts = counts.sort_index()
    if not dropna and col.isna().any():
        counts = pd.concat([counts, pd.Series({"(not applicable)": int(col.isna().sum())})])
    counts.index.name = by
    out = counts.astype("int64").to_frame("customers")
    total = out["customers"].sum()
    out["share"] = out["customers"] / total if total else np.nan
    return out


def cross_composition(
    customers: pd.DataFrame, rows: str, columns: str, normalize: bool = False
) -> pd.DataFrame:
    """Customers counted by two classifications at once (a contingency table).

    Parameters
    ----------
    customers : pandas.DataFrame
        One row per customer.
    rows, columns : str
        Columns for the table's rows and columns, e.g. ``"kind"`` and ``"region"``.
    normalize : bool, default False
        When True each row is divided by its total (shares within the row).

    Returns
    -------
    pandas.DataFrame
        Counts (or row shares) with all categories of categorical columns.

    Examples
    --------
    >>> from crm_lessons.toy import toy_customers
    >>> cross_composition(toy_customers(), "kind", "tier")
    tier          ordinary  gold
    kind
    consumer             1     1
    intermediary         1     0
    organisation         1     0

    Checked by hand against the toy customers (one gold consumer, one ordinary).
    """
    _check_by(customers, rows, "customers")
    if not isinstance(columns, str) or columns not in customers.columns:
        raise ValueError(
            f"`columns` must name a column of `customers`, one of {list(customers.columns)}; got {columns!r}."
        )
    require_ids(customers, columns, "customers", allow_missing=True, noun="value")
    table = pd.crosstab(customers[rows], customers[columns], dropna=False)
    for axis, name in ((0, rows), (1, columns)):
        col = customers[name]
        if isinstance(col.dtype, pd.CategoricalDtype):
            table = table.reindex(col.cat.categories, axis=axis, fill_value=0)
    table.index.name, table.columns.name = rows, columns
    if normalize:
        table = table.div(table.sum(axis=1).replace(0, np.nan), axis=0)
    return table


def internal_external(customers: pd.DataFrame) -> pd.DataFrame:
    """Internal customers (staff and own departments) vs external customers.

    Parameters
    ----------
    customers : pandas.DataFrame
        Needs the bool column ``internal``.

    Returns
    -------
    pandas.DataFrame
        Index ``internal or external`` with ``customers`` and ``share``.

    References
    ----------
    Course chapter 2, "从企业系统的角度划分": 内部客户 / 外部客户.

    Examples
    --------
    >>> from crm_lessons.toy import toy_customers
    >>> internal_external(toy_customers())
                          customers  share
    internal or external
    external                      3   0.75
    internal                      1   0.25

    Checked against the toy customers (C4 is staff).
    """
    require_typed(customers, "customers", ["internal"], source="load_customers()")
    labelled = pd.DataFrame(
        {
            "internal or external": pd.Categorical(
                np.where(require_boolean(customers, "internal", "customers"), "internal", "external"),
                categories=["external", "internal"],
            )
        }
    )
    return composition(labelled, "internal or external")


def customer_status(
    customers: pd.DataFrame,
    sales: pd.DataFrame,
    leads: pd.DataFrame | None = None,
    as_of=None,
    window_days: int = 365,
) -> pd.DataFrame:
    """Current customers (buying now / bought before / never bought) and potential customers.

    Parameters
    ----------
    customers : pandas.DataFrame
        The customers table.
    sales : pandas.DataFrame
        Sales lines (``customer_id``, ``order_date``).
    leads : pandas.DataFrame, optional
        The leads table; leads not (yet) converted are potential customers (潜在客户).
    as_of : date-like, optional
        Reference date; default the last order date in ``sales``.
    window_days : int, default 365
        A customer "buys now" when their last order is within this many days before ``as_of``.

    Returns
    -------
    pandas.DataFrame
        Index ``status`` (``current: buying now``, ``current: bought before``,
        ``registered, never bought``, ``potential: open lead``) with ``count`` and ``share``.

    Notes
    -----
    The course splits current customers (现实客户) into those buying now and those who
    bought before; potential customers are those who could become customers.

    References
    ----------
    Course chapter 2, "按客户买卖的现状情况划分": 现实客户 / 潜在客户.

    Examples
    --------
    >>> from crm_lessons.toy import toy_customers, toy_sales
    >>> customer_status(toy_customers(), toy_sales(), as_of="2024-12-31")
                              count  share
    status
    current: buying now           2    0.5
    current: bought before        2    0.5
    registered, never bought      0    0.0

    Checked by hand: C2 and C4 bought in 2024; C1 last bought in 2023, C3 in January 2023.
    """
    require_table(customers, "customers", ids=["customer_id"], source="load_customers()")
    require_table(sales, "sales", ids=["customer_id"], dates=["order_date"], source="load_sales()")
    if not isinstance(window_days, (int, np.integer)) or window_days <= 0:
        raise ValueError(f"`window_days` must be a positive whole number of days, got {window_days!r}.")
    as_of = sales["order_date"].max() if as_of is None else require_date(as_of, "as_of")
    last = sales.loc[sales["order_date"] <= as_of].groupby("customer_id")["order_date"].max()
    last = last.reindex(customers["customer_id"])
    recent = last > as_of - pd.Timedelta(days=window_days)
    counts = {
        "current: buying now": int(recent.sum()),
        "current: bought before": int((last.notna() & ~recent).sum()),
        "registered, never bought": int(last.isna().sum()),
    }
    if leads is not None:
        require_typed(leads, "leads", ["converted"], source="load_leads()")
        counts["potential: open lead"] = int((~require_boolean(leads, "converted", "leads")).sum())
    out = pd.Series(counts, name="count").rename_axis("status").to_frame()
    out["share"] = out["count"] / out["count"].sum()
    return out


def volume_loyalty(
    sales: pd.DataFrame, volume_cut: float | None = None, loyalty_cut: float = 0.5, min_years: int = 2
) -> pd.DataFrame:
    """Place customers in the four sales-volume × loyalty quadrants (销量与忠诚).

    Parameters
    ----------
    sales : pandas.DataFrame
        Sales lines covering whole years.
    volume_cut : float, optional
        Annual revenue (CNY) from which a customer counts as "large"; default the median of
        the customers' annual revenue.
    loyalty_cut : float, default 0.5
        Loyalty (share of observed years with a purchase) from which a customer counts as
        "loyal"; in (0, 1].
    min_years : int, default 2
        Only customers observed for at least this many years (first purchase year to the
        last year of data) are placed: for a newcomer loyalty cannot be judged yet.

    Returns
    -------
    pandas.DataFrame
        Index ``customer_id``: ``years_observed``, ``active_years``, ``volume`` (revenue per
        observed year), ``loyalty`` = active years / years observed, ``quadrant``.

    Notes
    -----
    .. math::

        \\text{volume}_c = \\frac{\\text{revenue}_c}{Y_c}, \\qquad
        \\text{loyalty}_c = \\frac{\\#\\{\\text{years with an order}\\}}{Y_c}

    with :math:`Y_c` the years from the customer's first purchase to the end of the data.
    Loyalty here is behavioural: steady, repeated buying, as the course describes the loyal
    customer (反复购买).

    References
    ----------
    Course chapter 2, "从销量与风险角度划分" (four kinds of customer by volume and loyalty).

    Examples
    --------
    >>> from crm_lessons.toy import toy_sales
    >>> volume_loyalty(toy_sales(), volume_cut=5000, loyalty_cut=0.6)
                 years_observed  active_years   volume  loyalty          quadrant
    customer_id
    C1                        3             2   2000.0    0.667     small & loyal
    C2                        3             2   9333.3    0.667     large & loyal
    C3                        2             1   2500.0    0.500  small & disloyal

    Checked by hand: C2 spent 28000 over 2022-2024 (3 years), buying in 2 of them.
    """
    from crm_lessons._validation import require_fraction
    from crm_lessons.trading import trading_years

    require_typed(sales, "sales", ["customer_id", "order_date", "revenue"], source="load_sales()")
    loyalty_cut = require_fraction(loyalty_cut, "loyalty_cut", low_open=True)
    if not isinstance(min_years, (int, np.integer)) or min_years < 1:
        raise ValueError(f"`min_years` must be a whole number of years ≥ 1, got {min_years!r}.")
    ty = trading_years(sales)
    end_year = int(sales["order_date"].dt.year.max())
    years_observed = end_year - ty["first_year"] + 1
    revenue = sales.groupby("customer_id")["revenue"].sum().reindex(ty.index)
    out = pd.DataFrame(
        {
            "years_observed": years_observed.astype("int64"),
            "active_years": ty["active_years"].astype("int64"),
            "volume": (revenue / years_observed).round(1),
            "loyalty": (ty["active_years"] / years_observed).round(3),
        }
    )
    out = out.loc[out["years_observed"] >= min_years]
    if volume_cut is None:
        volume_cut = float(out["volume"].median())
    elif not isinstance(volume_cut, (int, float, np.number)) or volume_cut < 0:
        raise ValueError(f"`volume_cut` must be a non-negative annual revenue in CNY, got {volume_cut!r}.")
    large = out["volume"] >= volume_cut
    loyal = out["loyalty"] >= loyalty_cut
    label = np.where(large, "large", "small").astype(object) + " & " + np.where(loyal, "loyal", "disloyal")
    out["quadrant"] = pd.Categorical(label, categories=list(QUADRANTS))
    return out


def quadrant_summary(quadrants: pd.DataFrame) -> pd.DataFrame:
    """Customers and revenue per volume × loyalty quadrant, with the course's advice.

    Parameters
    ----------
    quadrants : pandas.DataFrame
        Output of :func:`volume_loyalty`.

    Returns
    -------
    pandas.DataFrame
        Index ``quadrant``: ``customers``, ``customer_share``, ``revenue_share`` (share of the
        placed customers' annual volume) and ``what to do``.

    Examples
    --------
    >>> from crm_lessons.toy import toy_sales
    >>> q = volume_loyalty(toy_sales(), volume_cut=5000, loyalty_cut=0.6)
    >>> quadrant_summary(q)[["customers", "revenue_share"]].round(3)
                      customers  revenue_share
    quadrant
    large & loyal             1          0.675
    large & disloyal          0          0.000
    small & loyal             1          0.145
    small & disloyal          1          0.181

    Checked by hand: C2's 9333.3 of 13833.3 CNY per year is 0.675.
    """
    require_typed(
        quadrants, "quadrants", ["volume", "quadrant"], source="crm_lessons.composition.volume_loyalty()"
    )
    g = quadrants.groupby("quadrant", observed=False)
    out = pd.DataFrame({"customers": g.size(), "volume": g["volume"].sum()})
    out["customer_share"] = out["customers"] / out["customers"].sum()
    out["revenue_share"] = out["volume"] / out["volume"].sum()
    out["what to do"] = [QUADRANTS[q] for q in out.index]
    return out[["customers", "customer_share", "revenue_share", "what to do"]]


def customer_file(
    customer_id: str,
    customers: pd.DataFrame,
    sales: pd.DataFrame,
    complaints: pd.DataFrame | None = None,
    as_of=None,
) -> pd.DataFrame:
    """One customer's file (客户档案) assembled from the tables.

    Parameters
    ----------
    customer_id : str
        The customer, e.g. ``"C00042"``.
    customers, sales : pandas.DataFrame
        The customers table and the sales lines.
    complaints : pandas.DataFrame, optional
        The complaints table; adds complaint counts to the trading status.
    as_of : date-like, optional
        Reference date for "last 12 months"; default the last order date in ``sales``.

    Returns
    -------
    pandas.DataFrame
        Columns ``section``, ``item``, ``value`` (text), grouped in the course's four parts:
        basic data (基础资料), characteristics (客户特征), business status (业务状况) and
        trading status (交易现状).

    Notes
    -----
    The file is rebuilt from the tables on demand, so it is always current — the course's
    first principle of file management (dynamic management, 动态管理).

    References
    ----------
    Course chapter 2, "客户档案的建立": content and principles of the customer file.

    Examples
    --------
    >>> from crm_lessons.toy import toy_customers, toy_sales
    >>> f = customer_file("C1", toy_customers(), toy_sales(), as_of="2024-12-31")
    >>> f.loc[f["section"] == "business status", ["item", "value"]]
                     item        value
    10      credit rating            A
    11      revenue (CNY)     6,000.00
    12       profit (CNY)     1,300.00
    13       gross margin        21.7%
    14      main category  refrigerator
    15             orders            2
    >>> customer_file("C9", toy_customers(), toy_sales())
    Traceback (most recent call last):
    ...
    ValueError: `customer_id` 'C9' is not in `customers`; e.g. use 'C1'.

    Checked against the toy tables (C1: 2 orders, 6000 revenue, 1300 profit).
    """
    require_typed(
        customers,
        "customers",
        [
            "customer_id",
            "name",
            "kind",
            "region",
            "channel",
            "join_date",
            "tier",
            "credit_rating",
            "internal",
        ],
        source="load_customers()",
    )
    require_typed(
        sales,
        "sales",
        ["customer_id", "order_id", "order_date", "category", "revenue", "profit"],
        source="load_sales()",
    )
    match = customers.loc[customers["customer_id"] == customer_id]
    if match.empty:
        raise ValueError(
            f"`customer_id` {customer_id!r} is not in `customers`; "
            f"e.g. use {customers['customer_id'].iloc[0]!r}."
        )
    c = match.iloc[0]
    s = sales.loc[sales["customer_id"] == customer_id]
    as_of = sales["order_date"].max() if as_of is None else require_date(as_of, "as_of")

    def text(v):
        if v is None or (not isinstance(v, str) and pd.isna(v)):
            return "(not applicable)"
        if isinstance(v, pd.Timestamp):
            return v.strftime("%Y-%m-%d")
        return str(v)

    def money(v):
        return f"{v:,.2f}"

    revenue = float(s["revenue"].sum())
    profit = float(s["profit"].sum())
    by_cat = s.groupby("category", observed=True)["revenue"].sum()
    recent = s.loc[(s["order_date"] > as_of - pd.Timedelta(days=365)) & (s["order_date"] <= as_of)]
    rows = [
        ("basic data", "customer id", text(c["customer_id"])),
        ("basic data", "name", text(c["name"])),
        ("basic data", "kind", text(c["kind"])),
        ("basic data", "region", text(c["region"])),
        ("basic data", "channel", text(c["channel"])),
        ("basic data", "customer since", text(c["join_date"])),
        ("characteristics", "retail format", text(c.get("retail_format"))),
        ("characteristics", "buying motive", text(c.get("buying_motive"))),
        ("characteristics", "tier", text(c["tier"])),
        ("characteristics", "internal or external", "internal" if bool(c["internal"]) else "external"),
        ("business status", "credit rating", text(c["credit_rating"])),
        ("business status", "revenue (CNY)", money(revenue)),
        ("business status", "profit (CNY)", money(profit)),
        ("business status", "gross margin", f"{profit / revenue:.1%}" if revenue else "(no sales)"),
        ("business status", "main category", text(by_cat.idxmax()) if len(by_cat) else "(no sales)"),
        ("business status", "orders", str(s["order_id"].nunique())),
        ("trading status", "first order", text(s["order_date"].min()) if len(s) else "(none)"),
        ("trading status", "last order", text(s["order_date"].max()) if len(s) else "(none)"),
        ("trading status", "orders in last 12 months", str(recent["order_id"].nunique())),
        ("trading status", "revenue in last 12 months (CNY)", money(float(recent["revenue"].sum()))),
    ]
    if complaints is not None:
        require_typed(complaints, "complaints", ["customer_id", "recovered"], source="load_complaints()")
        k = complaints.loc[complaints["customer_id"] == customer_id]
        rows.append(("trading status", "complaints", str(len(k))))
        rows.append(("trading status", "complaints recovered", str(int(k["recovered"].sum()))))
    return pd.DataFrame(rows, columns=["section", "item", "value"])


def _value_word(value) -> str:
    """A class name (``consumer``, ``large & loyal``) in the book's language (``values.*``)."""
    from crm_lessons.i18n import value_label

    return str(value_label(str(value)))


@styled
def plot_composition(table: pd.DataFrame, title: str, ax=None):
    """Horizontal bars of the customer shares of a composition table, labelled with counts.

    Parameters
    ----------
    table : pandas.DataFrame
        Output of :func:`composition` (columns ``customers``, ``share``).
    title : str
        Plot title.
    ax : matplotlib.axes.Axes, optional
        Where to draw; a new figure by default.

    Returns
    -------
    matplotlib.figure.Figure

    Examples
    --------
    >>> from crm_lessons.toy import toy_customers
    >>> fig = plot_composition(composition(toy_customers(), "kind"), "Customers by kind")
    >>> fig.axes[0].get_title()
    'Customers by kind'

    Checked visually; the bars are the ``share`` column of the table.
    """
    from crm_lessons.plotting import BOOK_COLOURS, new_figure

    require_typed(table, "table", ["customers", "share"], source="crm_lessons.composition.composition()")
    fig, ax = new_figure(ax, (9, 0.6 * len(table) + 1.6))
    labels = [_value_word(i) for i in table.index][::-1]
    shares = table["share"].to_numpy()[::-1] * 100
    counts = table["customers"].to_numpy()[::-1]
    ax.barh(labels, shares, color=BOOK_COLOURS[0])
    for y, (s, c) in enumerate(zip(shares, counts)):
        ax.text(s + 0.5, y, f"{s:.1f}%  ({c:,})", va="center", fontsize=13)
    ax.set_xlim(0, max(shares.max() * 1.35, 10))
    from crm_lessons.i18n import tr

    ax.set_xlabel(tr("composition.plot.share_axis"))
    ax.set_title(title)
    ax.grid(axis="y", visible=False)
    return fig


@styled
def plot_quadrants(quadrants: pd.DataFrame, volume_cut: float, loyalty_cut: float, ax=None, seed: int = 0):
    """Scatter of customers by annual volume (log scale) and loyalty, with the four quadrants.

    Parameters
    ----------
    quadrants : pandas.DataFrame
        Output of :func:`volume_loyalty`.
    volume_cut, loyalty_cut : float
        The cuts used, drawn as lines.
    ax : matplotlib.axes.Axes, optional
        Where to draw; a new figure by default.
    seed : int, default 0
        Seed of the small vertical jitter that separates customers with equal loyalty.

    Returns
    -------
    matplotlib.figure.Figure

    Examples
    --------
    >>> from crm_lessons.toy import toy_sales
    >>> q = volume_loyalty(toy_sales(), volume_cut=5000, loyalty_cut=0.6)
    >>> plot_quadrants(q, 5000, 0.6).axes[0].get_xscale()
    'log'

    Checked visually; points are the rows of :func:`volume_loyalty`.
    """
    from crm_lessons.plotting import BOOK_COLOURS, new_figure

    require_typed(
        quadrants,
        "quadrants",
        ["volume", "loyalty", "quadrant"],
        source="crm_lessons.composition.volume_loyalty()",
    )
    fig, ax = new_figure(ax, (11, 7))
    rng = np.random.default_rng(seed)
    jitter = rng.uniform(-0.02, 0.02, len(quadrants))
    colours = dict(zip(QUADRANTS, (BOOK_COLOURS[3], BOOK_COLOURS[1], BOOK_COLOURS[0], BOOK_COLOURS[2])))
    volume = quadrants["volume"].clip(lower=1.0)
    for name, colour in colours.items():
        m = (quadrants["quadrant"] == name).to_numpy()
        ax.scatter(
            volume[m],
            quadrants["loyalty"][m] + jitter[m],
            s=12,
            alpha=0.5,
            color=colour,
            label=f"{_value_word(name)} ({m.sum():,})",
        )
    from crm_lessons.i18n import tr

    ax.set_xscale("log")
    ax.axvline(volume_cut, color="black", lw=1.5, ls="--")
    ax.axhline(loyalty_cut, color="black", lw=1.5, ls="--")
    ax.set_xlabel(tr("composition.plot.volume_axis"))
    ax.set_ylabel(tr("composition.plot.loyalty_axis"))
    ax.set_title(tr("composition.plot.quadrants_title"))
    ax.legend(loc="upper left", bbox_to_anchor=(1.0, 1.0), fontsize=12, markerscale=2.5)
    return fig


def customer_vs_shopper() -> pd.DataFrame:
    """The course's seven differences between a customer (客户) and a shopper (顾客).

    Returns
    -------
    pandas.DataFrame
        Index ``aspect``; columns ``shopper`` and ``customer``.

    References
    ----------
    Course chapter 2, "客户与顾客的共性和区别" (both buy or use the company's products; they
    differ in the seven aspects below). Wording is ours.

    Examples
    --------
    >>> len(customer_vs_shopper())
    7

    Checked against the seven differences listed in the course material (file 002).
    """
    rows = [
        ("stability", "buys now and then, may go elsewhere", "buys steadily from the company"),
        (
            "initiative",
            "takes the initiative in choosing each time",
            "the relationship, not each trip, drives the purchase",
        ),
        ("number of transactions", "often a single purchase", "buys many times"),
        ("quantity", "small amounts", "usually larger amounts"),
        ("time horizon", "no lasting business relationship", "a long-term relationship"),
        (
            "who serves them",
            "anyone who sells the product",
            "dedicated staff (a sales rep or account manager)",
        ),
        ("information on file", "usually none", "a customer file with their data"),
    ]
    return pd.DataFrame(rows, columns=["aspect", "shopper", "customer"]).set_index("aspect")


#: The textbook's classification of retail formats by floor area (表2-1), square metres.
RETAIL_FORMAT_AREAS = {
    "department store": "about 5,000",
    "supermarket": "about 1,000",
    "hypermarket": "about 2,500",
    "convenience store": "about 100",
    "specialty store": "no limit",
}


def retail_format_table(customers: pd.DataFrame) -> pd.DataFrame:
    """Intermediary customers by retail format, beside the textbook's floor-area standard.

    Parameters
    ----------
    customers : pandas.DataFrame
        The customers table (``retail_format``).

    Returns
    -------
    pandas.DataFrame
        Index ``retail_format``: ``floor area (m2)``, ``customers``, ``share``.

    References
    ----------
    Course chapter 2, table 2-1 (a home-appliance maker's customers by retail format).

    Examples
    --------
    >>> from crm_lessons.toy import toy_customers
    >>> retail_format_table(toy_customers()).loc[["supermarket", "hypermarket"]]
                  floor area (m2)  customers  share
    retail_format
    supermarket       about 1,000          1    1.0
    hypermarket       about 2,500          0    0.0

    Checked against table 2-1 of the course material (file 002).
    """
    table = composition(customers, "retail_format")
    table.insert(0, "floor area (m2)", [RETAIL_FORMAT_AREAS.get(str(f), "") for f in table.index])
    return table


def composition_with_value(customers: pd.DataFrame, sales: pd.DataFrame, by: str) -> pd.DataFrame:
    """Share of customers beside their share of revenue and profit, per class of ``by``.

    Parameters
    ----------
    customers, sales : pandas.DataFrame
        The customers table and the sales lines.
    by : str
        Column of ``customers`` to classify by (``"kind"``, ``"region"``, ``"channel"``, ...).

    Returns
    -------
    pandas.DataFrame
        Index the classes: ``customers``, ``customer_share``, ``revenue_share``, ``profit_share``
        and ``profit_per_customer`` (CNY, whole history).

    Notes
    -----
    Step 1 of the analysis flow (客户构成分析): a class whose profit share is far above its
    customer share holds the valuable customers.

    Examples
    --------
    >>> from crm_lessons.toy import toy_customers, toy_sales
    >>> composition_with_value(toy_customers(), toy_sales(), "kind").round(3).T
    kind                 consumer  intermediary  organisation
    customers               2.000         1.000         1.000
    customer_share          0.500         0.250         0.250
    revenue_share           0.156         0.716         0.128
    profit_share            0.148         0.625         0.227
    profit_per_customer   650.000      5500.000      2000.000

    Checked by hand: intermediary C2 has 28000 of 39100 revenue (0.716).
    """
    _check_by(customers, by, "customers")
    require_typed(customers, "customers", ["customer_id", by], source="load_customers()")
    require_typed(sales, "sales", ["customer_id", "revenue", "profit"], source="load_sales()")
    require_same_id_type(sales["customer_id"], "sales", customers["customer_id"], "customers", "customer_id")
    counts = composition(customers, by)
    seg = customers.set_index("customer_id")[by]
    totals = sales.groupby("customer_id")[["revenue", "profit"]].sum()
    cls = seg.reindex(totals.index)
    by_cls = totals.groupby(cls, observed=False).sum().reindex(counts.index, fill_value=0.0)
    out = pd.DataFrame({"customers": counts["customers"], "customer_share": counts["share"]})
    out["revenue_share"] = by_cls["revenue"] / by_cls["revenue"].sum()
    out["profit_share"] = by_cls["profit"] / by_cls["profit"].sum()
    out["profit_per_customer"] = by_cls["profit"] / out["customers"].where(out["customers"] > 0)
    return out
