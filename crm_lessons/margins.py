"""Gross margin by product and category (step 4 of customer analysis, 不同商品毛利率的分析).

Examples
--------
>>> from crm_lessons.toy import toy_sales
>>> from crm_lessons.margins import gross_margin
>>> gross_margin(toy_sales(), "category")["gross_margin"].round(3)
category
refrigerator         0.118
washing machine      0.222
air conditioner        NaN
television           0.400
kitchen appliance      NaN
small appliance      0.480
Name: gross_margin, dtype: float64
"""

from __future__ import annotations

import pandas as pd

from crm_lessons._validation import require_group_keys, require_typed


def gross_margin(sales: pd.DataFrame, by="category", products: pd.DataFrame | None = None) -> pd.DataFrame:
    """Revenue, cost, gross profit and gross margin per group of products.

    Parameters
    ----------
    sales : pandas.DataFrame
        Sales lines (:func:`crm_lessons.data.build_sales`).
    by : str or list of str
        Column(s) of ``sales`` to group by: ``"category"``, ``"product_id"``, ``"price_band"``,
        ``["category", "price_band"]``, ...
    products : pandas.DataFrame, optional
        The products table; when given and ``by == "product_id"`` the product name, category
        and price band are added as columns.

    Returns
    -------
    pandas.DataFrame
        Indexed by ``by`` with ``revenue``, ``cost``, ``gross_profit`` and ``gross_margin``
        (NaN where a group sold nothing), plus ``revenue_share`` and ``profit_share`` of the totals.

    Notes
    -----
    .. math:: \\text{gross margin} = \\frac{\\text{revenue} - \\text{cost of goods sold}}{\\text{revenue}}

    with revenue = Σ quantity × unit price × (1 − discount) and cost = Σ quantity × unit cost,
    so discounts lower the margin while cost stays put.

    References
    ----------
    Course chapter 2, analysis step 4 "不同商品毛利率的分析"; the usual retail definition
    of gross margin (毛利率).

    Examples
    --------
    >>> from crm_lessons.toy import toy_sales
    >>> gross_margin(toy_sales(), "product_id")[["revenue", "cost", "gross_profit", "gross_margin"]].round(4)
                revenue     cost  gross_profit  gross_margin
    product_id
    P01         13600.0  12000.0        1600.0        0.1176
    P02         18000.0  14000.0        4000.0        0.2222
    P03          5000.0   3000.0        2000.0        0.4000
    P04          2500.0   1300.0        1200.0        0.4800

    Checked by hand: P01 sold 1 + 2 + 5 units at cost 1500 (12000) for 2000 + 3600 + 8000.
    """
    keys = require_group_keys(by, sales)
    require_typed(sales, "sales", ["revenue", "cost"], source="load_sales()")
    group = keys if len(keys) > 1 else keys[0]
    g = sales.groupby(group, observed=False, sort=True)
    out = pd.DataFrame({"revenue": g["revenue"].sum().astype(float), "cost": g["cost"].sum().astype(float)})
    out["gross_profit"] = out["revenue"] - out["cost"]
    out["gross_margin"] = out["gross_profit"] / out["revenue"].where(out["revenue"] != 0)
    out["revenue_share"] = out["revenue"] / out["revenue"].sum()
    out["profit_share"] = out["gross_profit"] / out["gross_profit"].sum()
    if products is not None and keys == ["product_id"]:
        require_typed(
            products,
            "products",
            ["product_id", "product_name", "category", "price_band"],
            source="load_products()",
        )
        info = products.set_index("product_id")[["product_name", "category", "price_band"]]
        out = info.join(out, how="right")
    return out


def margin_table(sales: pd.DataFrame, rows: str = "category", columns: str = "price_band") -> pd.DataFrame:
    """Gross margin as a two-way table, e.g. category × price band.

    Parameters
    ----------
    sales : pandas.DataFrame
        Sales lines.
    rows, columns : str
        Columns of ``sales`` for the table's rows and columns.

    Returns
    -------
    pandas.DataFrame
        Gross margin (revenue − cost) / revenue in each cell; NaN where nothing was sold.

    Notes
    -----
    Same formula as :func:`gross_margin`, computed per cell.

    References
    ----------
    Course chapter 2, analysis step 4 "不同商品毛利率的分析".

    Examples
    --------
    >>> from crm_lessons.toy import toy_sales
    >>> t = margin_table(toy_sales())
    >>> t.loc[["refrigerator", "small appliance"], ["entry", "mid"]].round(3)
    price_band       entry  mid
    category
    refrigerator     0.118  NaN
    small appliance  0.480  NaN

    Checked by hand: small appliances sold for 400 + 2000 + 100 = 2500 at cost 1300.
    """
    table = gross_margin(sales, [rows, columns])["gross_margin"]
    return table.unstack(columns)
