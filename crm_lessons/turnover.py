"""Inventory turnover and days of inventory (step 5 of customer analysis, 商品周转率的分析).

How many times a year the stock of a product "turns over" — is sold and replaced. Fast
turners tie up little money; slow turners sit in the warehouse.

Examples
--------
>>> from crm_lessons.toy import toy_inventory, toy_products
>>> from crm_lessons.turnover import inventory_turnover
>>> inventory_turnover(toy_inventory(), toy_products(), by="product_id").round(2)
               cogs  average_inventory  turnover  days_of_inventory
product_id
P01          9000.0            13500.0       4.0              91.25
P04          3000.0             3000.0       6.0              60.83
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from crm_lessons._validation import require_typed

_INVENTORY_COLUMNS = ("product_id", "month", "opening_units", "sold_units", "closing_units")
_GROUPINGS = ("product_id", "category", "price_band", "all")


def _stock_at_cost(inventory: pd.DataFrame, products: pd.DataFrame, year) -> pd.DataFrame:
    require_typed(inventory, "inventory", _INVENTORY_COLUMNS, source="load_inventory()")
    require_typed(
        products, "products", ["product_id", "category", "price_band", "unit_cost"], source="load_products()"
    )
    inv = inventory
    if year is not None:
        if not isinstance(year, (int, np.integer)) or isinstance(year, bool):
            raise TypeError(f"`year` must be a whole year such as 2024 or None for all months, got {year!r}.")
        inv = inv.loc[inv["month"].dt.year == year]
        if inv.empty:
            years = sorted(inventory["month"].dt.year.unique().tolist())
            raise ValueError(f"`year` {year} has no inventory months; choose one of {years}.")
    work = inv.merge(
        products[["product_id", "category", "price_band", "unit_cost"]], on="product_id", how="left"
    )
    if work["unit_cost"].isna().any():
        bad = work.loc[work["unit_cost"].isna(), "product_id"].unique()[:5].tolist()
        raise ValueError(f"`inventory` has products missing from `products`: {bad}.")
    work["stock_at_cost"] = (work["opening_units"] + work["closing_units"]) / 2 * work["unit_cost"]
    work["cogs"] = work["sold_units"] * work["unit_cost"]
    work["all"] = "all products"
    return work


def inventory_turnover(
    inventory: pd.DataFrame, products: pd.DataFrame, by: str = "category", year: int | None = None
) -> pd.DataFrame:
    """Annual inventory turnover and days of inventory per product group.

    Parameters
    ----------
    inventory : pandas.DataFrame
        Monthly stock per product (``crm_lessons.data.load_inventory()``).
    products : pandas.DataFrame
        The products table (for unit cost, category, price band).
    by : {'category', 'product_id', 'price_band', 'all'}
        Grouping of products.
    year : int, optional
        Only the months of this year; None uses every month in ``inventory``.

    Returns
    -------
    pandas.DataFrame
        Indexed by ``by``: ``cogs`` (cost of goods sold in the period), ``average_inventory``
        (at cost), ``turnover`` (times per year) and ``days_of_inventory``.

    Notes
    -----
    Stock of a month at cost = (opening units + closing units) / 2 × unit cost; the average
    inventory of a group is the mean over the period's :math:`m` months of the group's stock.

    .. math::

        \\text{turnover} = \\frac{\\text{COGS} \\times 12 / m}{\\text{average inventory at cost}},
        \\qquad \\text{days of inventory} = \\frac{365}{\\text{turnover}}

    COGS is sold units × unit cost, which equals the cost column of the sales lines.

    References
    ----------
    Course chapter 2, analysis step 5 "商品周转率的分析"; the standard definition
    inventory turnover = cost of goods sold / average inventory at cost.

    Examples
    --------
    >>> from crm_lessons.toy import toy_inventory, toy_products
    >>> inventory_turnover(toy_inventory(), toy_products(), by="all").round(2)
                     cogs  average_inventory  turnover  days_of_inventory
    all
    all products  12000.0            16500.0      4.36              83.65

    Checked by hand: P01 holds 9 units × 1500 each month, sells 6 × 1500 = 9000 in 2 months,
    so 9000 × 6 / 13500 = 4 turns a year and 365 / 4 = 91.25 days.
    """
    if by not in _GROUPINGS:
        raise ValueError(f"`by` must be one of {list(_GROUPINGS)}, got {by!r}.")
    work = _stock_at_cost(inventory, products, year)
    months = work["month"].nunique()
    per_month = work.groupby([by, "month"], observed=True)["stock_at_cost"].sum()
    avg_inventory = per_month.groupby(level=0, observed=True).sum() / months
    cogs = work.groupby(by, observed=True)["cogs"].sum()
    out = pd.DataFrame({"cogs": cogs.astype(float), "average_inventory": avg_inventory.astype(float)})
    out["turnover"] = out["cogs"] * 12 / months / out["average_inventory"].where(out["average_inventory"] > 0)
    out["days_of_inventory"] = 365 / out["turnover"].where(out["turnover"] > 0)
    return out


def turnover_by_year(inventory: pd.DataFrame, products: pd.DataFrame, by: str = "category") -> pd.DataFrame:
    """Inventory turnover per year (rows) and product group (columns).

    Parameters
    ----------
    inventory, products : pandas.DataFrame
        As in :func:`inventory_turnover`.
    by : {'category', 'product_id', 'price_band', 'all'}
        Grouping of products.

    Returns
    -------
    pandas.DataFrame
        Index ``year``; one column per group; turns per year.

    Notes
    -----
    :func:`inventory_turnover` applied to each calendar year's months.

    References
    ----------
    Course chapter 2, analysis step 5 "商品周转率的分析".

    Examples
    --------
    >>> from crm_lessons.toy import toy_inventory, toy_products
    >>> turnover_by_year(toy_inventory(), toy_products(), by="product_id").round(1)
    product_id  P01  P04
    year
    2024        4.0  6.0

    Checked: each row equals :func:`inventory_turnover` for that year (tests).
    """
    if by not in _GROUPINGS:
        raise ValueError(f"`by` must be one of {list(_GROUPINGS)}, got {by!r}.")
    require_typed(inventory, "inventory", _INVENTORY_COLUMNS, source="load_inventory()")
    years = sorted(int(y) for y in inventory["month"].dt.year.unique())
    rows = {y: inventory_turnover(inventory, products, by=by, year=y)["turnover"] for y in years}
    table = pd.DataFrame(rows).T
    table.index.name = "year"
    table.columns.name = by
    return table
