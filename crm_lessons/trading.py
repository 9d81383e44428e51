"""Start and stop of trading (step 6 of customer analysis, 交易开始与中止的分析).

For every customer the first and last year with a purchase; for every year how many
customers started trading, stopped, carried on from last year or came back after a gap.

Examples
--------
>>> from crm_lessons.toy import toy_sales
>>> from crm_lessons.trading import trading_years
>>> trading_years(toy_sales())
             first_year  last_year  active_years
customer_id
C1                 2022       2023             2
C2                 2022       2024             2
C3                 2023       2023             1
C4                 2024       2024             1
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from crm_lessons._validation import require_typed
from crm_lessons.plotting import styled


def trading_years(sales: pd.DataFrame) -> pd.DataFrame:
    """First and last purchase year of every customer and the number of years with a purchase.

    Parameters
    ----------
    sales : pandas.DataFrame
        Sales lines (or any frame with ``customer_id`` and ``order_date``).

    Returns
    -------
    pandas.DataFrame
        Index ``customer_id`` (sorted); ``first_year``, ``last_year``, ``active_years``.

    Notes
    -----
    first year = min(year of order date), last year = max(year of order date),
    active years = number of distinct years with at least one order.

    References
    ----------
    Course chapter 2, analysis step 6 "交易开始与中止的分析".

    Examples
    --------
    >>> from crm_lessons.toy import toy_sales
    >>> int(trading_years(toy_sales()).loc["C2", "active_years"])
    2

    Checked against the toy orders: C2 bought in 2022 and 2024, not 2023.
    """
    require_typed(sales, "sales", ["customer_id", "order_date"], source="load_sales()", nonempty=True)
    years = pd.DataFrame(
        {"customer_id": sales["customer_id"], "year": sales["order_date"].dt.year.astype("int64")}
    )
    g = years.groupby("customer_id", sort=True)["year"]
    return pd.DataFrame({"first_year": g.min(), "last_year": g.max(), "active_years": g.nunique()})


def active_matrix(sales: pd.DataFrame) -> pd.DataFrame:
    """Customers × years table of booleans: did the customer buy in that year?

    Parameters
    ----------
    sales : pandas.DataFrame
        Sales lines.

    Returns
    -------
    pandas.DataFrame
        Index ``customer_id``, one bool column per year from the first to the last year
        in the data (years with no sales at all still get a column).

    Examples
    --------
    >>> from crm_lessons.toy import toy_sales
    >>> active_matrix(toy_sales()).astype(int)
    year         2022  2023  2024
    customer_id
    C1              1     1     0
    C2              1     0     1
    C3              0     1     0
    C4              0     0     1

    Checked against the toy orders in :mod:`crm_lessons.toy`.
    """
    require_typed(sales, "sales", ["customer_id", "order_date"], source="load_sales()", nonempty=True)
    year = sales["order_date"].dt.year.astype("int64")
    pairs = pd.DataFrame({"customer_id": sales["customer_id"], "year": year}).drop_duplicates()
    table = pd.crosstab(pairs["customer_id"], pairs["year"]).astype(bool)
    all_years = range(int(year.min()), int(year.max()) + 1)
    return table.reindex(columns=pd.Index(list(all_years), name="year"), fill_value=False)


def starts_and_stops(sales: pd.DataFrame) -> pd.DataFrame:
    """Per year: customers who started, stopped, stayed on or came back.

    Parameters
    ----------
    sales : pandas.DataFrame
        Sales lines covering whole calendar years.

    Returns
    -------
    pandas.DataFrame
        Index ``year`` with columns

        - ``active``: customers with at least one order in the year;
        - ``new``: first order ever in the year (start of trading);
        - ``retained``: active this year and last year;
        - ``reactivated``: active this year, not last year, but bought before;
        - ``stopped``: last order ever in the year (stop of trading). Unknown (missing) for the
          final year, because a customer who bought then may still come back;
        - ``lapsed``: active last year but not this year;
        - ``retention_rate`` = retained / active last year.

    Notes
    -----
    Each year :math:`\\text{active}_t = \\text{new}_t + \\text{retained}_t + \\text{reactivated}_t`
    and :math:`\\text{active}_{t-1} = \\text{retained}_t + \\text{lapsed}_t`.

    References
    ----------
    Course chapter 2, analysis step 6 "交易开始与中止的分析"; the retention rate
    (客户保留率) of chapter 4 uses the same counts.

    Examples
    --------
    >>> from crm_lessons.toy import toy_sales
    >>> starts_and_stops(toy_sales())
          active  new  retained  reactivated  stopped  lapsed  retention_rate
    year
    2022       2    2         0            0        0       0             NaN
    2023       2    1         1            0        2       1             0.5
    2024       2    1         0            1     <NA>       2             0.0

    Checked by hand: in 2023 C1 stays (retained), C3 starts, C2 lapses; C1 and C3 never buy again.
    """
    m = active_matrix(sales)
    years = list(m.columns)
    a = m.to_numpy()
    first = a.argmax(axis=1)
    last = a.shape[1] - 1 - a[:, ::-1].argmax(axis=1)
    rows = []
    for j, y in enumerate(years):
        active = a[:, j]
        prev = a[:, j - 1] if j > 0 else np.zeros_like(active)
        new = active & (first == j)
        retained = active & prev
        reactivated = active & ~prev & (first < j)
        rows.append(
            {
                "year": y,
                "active": int(active.sum()),
                "new": int(new.sum()),
                "retained": int(retained.sum()),
                "reactivated": int(reactivated.sum()),
                "stopped": int((last == j).sum()) if j < len(years) - 1 else pd.NA,
                "lapsed": int((prev & ~active).sum()),
                "retention_rate": retained.sum() / prev.sum() if prev.sum() else np.nan,
            }
        )
    out = pd.DataFrame(rows).set_index("year")
    out["stopped"] = out["stopped"].astype("Int64")
    return out


@styled
def plot_starts_and_stops(table: pd.DataFrame, ax=None, go_live: str | None = None):
    """Bars of customers starting and stopping trading each year, with active customers as a line.

    Parameters
    ----------
    table : pandas.DataFrame
        Output of :func:`starts_and_stops`.
    ax : matplotlib.axes.Axes, optional
        Where to draw; a new figure by default.
    go_live : str, optional
        Date of the CRM go-live to mark (e.g. :data:`crm_lessons.schema.CRM_GO_LIVE`).

    Returns
    -------
    matplotlib.figure.Figure

    Examples
    --------
    >>> from crm_lessons.toy import toy_sales
    >>> fig = plot_starts_and_stops(starts_and_stops(toy_sales()), go_live="2023-01-01")
    >>> fig.axes[0].get_ylabel()
    'Customers'

    Checked visually; the bars are the columns of :func:`starts_and_stops`.
    """
    from crm_lessons.plotting import BOOK_COLOURS, new_figure

    require_typed(
        table, "table", ["active", "new", "stopped"], source="crm_lessons.trading.starts_and_stops()"
    )
    fig, ax = new_figure(ax, (11, 6))
    years = np.asarray(table.index, dtype=int)
    stopped = table["stopped"].astype("Float64").fillna(np.nan).to_numpy(dtype=float)
    from crm_lessons.i18n import tr

    ax.bar(years - 0.2, table["new"], width=0.4, color=BOOK_COLOURS[0], label=tr("trading.plot.started"))
    ax.bar(years + 0.2, stopped, width=0.4, color=BOOK_COLOURS[1], label=tr("trading.plot.stopped"))
    ax.plot(years, table["active"], color=BOOK_COLOURS[2], lw=3, marker="o", label=tr("trading.plot.active"))
    if go_live is not None:
        x = pd.Timestamp(go_live).year - 0.5
        ax.axvline(x, color="black", ls="--", lw=1.5)
        ax.text(x + 0.05, ax.get_ylim()[1] * 0.95, tr("trading.plot.go_live"), va="top", fontsize=13)
    ax.set_xticks(years)
    ax.set_xlabel(tr("trading.plot.xlabel"))
    ax.set_ylabel(tr("trading.plot.ylabel"))
    ax.set_title(tr("trading.plot.title"))
    ax.legend(loc="upper left", bbox_to_anchor=(1.0, 1.0), fontsize=12)
    return fig
