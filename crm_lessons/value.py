"""Customer value (客户价值) in its two directions.

The course defines customer value as the customer's perceived preference for, and evaluation of,
product attributes, attribute performance and the consequences of use, as they help or hinder the
customer's goals (客户价值是客户对产品属性、属性效能以及使用结果对实现客户目的和初衷的促进或妨碍的
感知偏好和评价; course chapter 2, source 002, after Woodruff 1997). That is a perception, which sales
data cannot see; the functions below measure proxies of its two directions.

The course reads "customer value" two ways:

- the value of the customer *to the company* (客户为企业创造的价值): here, the gross profit
  the customer brings, in total and per year as a customer;
- the value the company creates *for the customer* (企业为客户创造的价值): what the customer
  gets — measured in the data by the money they save on discounts and, for surveyed
  customers, by how far what they got (perceived quality) beats what they expected.

Customer value management (客户价值管理) keeps both in view: delivering more value to
customers only pays if it comes back as value of customers.

Examples
--------
>>> from crm_lessons.toy import toy_sales
>>> from crm_lessons.value import value_of_customer
>>> value_of_customer(toy_sales())[["profit", "years_as_customer", "profit_per_year"]].round(1)
             profit  years_as_customer  profit_per_year
customer_id
C2           5500.0                  3           1833.3
C3           2000.0                  2           1000.0
C1           1300.0                  3            433.3
C4              0.0                  1              0.0
"""

from __future__ import annotations

import pandas as pd

from crm_lessons._validation import require_numeric_frame, require_typed


def value_of_customer(sales: pd.DataFrame) -> pd.DataFrame:
    """Value of each customer to the company: revenue, profit and profit per year as a customer.

    Parameters
    ----------
    sales : pandas.DataFrame
        Sales lines (:func:`crm_lessons.data.build_sales`).

    Returns
    -------
    pandas.DataFrame
        Index ``customer_id``, sorted by profit (largest first): ``revenue``, ``profit``,
        ``years_as_customer`` (first purchase year to the last year of data, inclusive) and
        ``profit_per_year``.

    Notes
    -----
    :math:`\\text{profit per year}_c = \\text{profit}_c / Y_c`; dividing by the years a customer
    has been with the company puts old and new customers on the same footing.
    Profit is gross profit (revenue − cost of goods), before the cost of serving the customer.

    References
    ----------
    Course chapter 2, "客户价值" (value the customer creates for the company).

    Examples
    --------
    See the module example. Checked against the toy table: C2 earns 5500 over 2022–2024.
    """
    from crm_lessons.performance import customer_totals
    from crm_lessons.trading import trading_years

    require_typed(sales, "sales", ["customer_id", "order_date", "revenue", "profit"], source="load_sales()")
    profit = customer_totals(sales, "profit")
    revenue = customer_totals(sales, "revenue").reindex(profit.index)
    ty = trading_years(sales).reindex(profit.index)
    years = int(sales["order_date"].dt.year.max()) - ty["first_year"] + 1
    out = pd.DataFrame(
        {"revenue": revenue.astype(float), "profit": profit, "years_as_customer": years.astype("int64")}
    )
    out["profit_per_year"] = out["profit"] / out["years_as_customer"]
    return out


def value_to_customer(sales: pd.DataFrame, survey: pd.DataFrame | None = None) -> pd.DataFrame:
    """Value the company gives each customer: discount savings and, if surveyed, perceived net quality.

    Parameters
    ----------
    sales : pandas.DataFrame
        Sales lines.
    survey : pandas.DataFrame, optional
        The satisfaction survey (``customer_id``, ``expectation``, ``perceived_quality``,
        ``overall_satisfaction``); adds those columns for surveyed customers (NaN otherwise).

    Returns
    -------
    pandas.DataFrame
        Index ``customer_id`` (sorted): ``list_value`` (quantity × unit price),
        ``savings`` (quantity × unit price × discount), ``savings_rate`` = savings / list value;
        with a survey also ``perceived_gap`` = perceived quality − expectation (−4 … +4 on the
        1–5 scale) and ``overall_satisfaction``.

    Notes
    -----
    Perceived quality compared with expectation is how the course defines satisfaction
    (客户满意): a positive gap means the customer got more than expected.

    References
    ----------
    Course chapter 2, "客户价值" (value the company creates for the customer) and chapter 4,
    "客户满意" (perceived vs expected).

    Examples
    --------
    >>> from crm_lessons.toy import toy_sales
    >>> value_to_customer(toy_sales()).round(3)
                 list_value  savings  savings_rate
    customer_id
    C1               6400.0    400.0         0.062
    C2              33000.0   5000.0         0.152
    C3               5000.0      0.0         0.000
    C4                200.0    100.0         0.500

    Checked by hand: C2's 2022 order lists 10000 + 15000 at 20 % off (5000 saved).
    """
    require_typed(
        sales, "sales", ["customer_id", "quantity", "unit_price", "discount"], source="load_sales()"
    )
    list_value = sales["quantity"] * sales["unit_price"]
    work = pd.DataFrame(
        {
            "customer_id": sales["customer_id"],
            "list_value": list_value,
            "savings": list_value * sales["discount"],
        }
    )
    out = work.groupby("customer_id", sort=True)[["list_value", "savings"]].sum().astype(float)
    out["savings_rate"] = out["savings"] / out["list_value"].where(out["list_value"] > 0)
    if survey is not None:
        require_typed(
            survey,
            "survey",
            ["customer_id", "expectation", "perceived_quality", "overall_satisfaction"],
            source="load_survey()",
        )
        answers = require_numeric_frame(
            survey, ["expectation", "perceived_quality", "overall_satisfaction"], "survey"
        )
        s = answers.groupby(survey["customer_id"].to_numpy()).mean()
        out["perceived_gap"] = (s["perceived_quality"] - s["expectation"]).reindex(out.index)
        out["overall_satisfaction"] = s["overall_satisfaction"].reindex(out.index)
    return out


def value_by_segment(
    sales: pd.DataFrame, customers: pd.DataFrame, by: str = "kind", survey: pd.DataFrame | None = None
) -> pd.DataFrame:
    """Both directions of customer value side by side for each customer segment.

    Parameters
    ----------
    sales, customers : pandas.DataFrame
        Sales lines and the customers table.
    by : str
        Column of ``customers`` defining the segments (``"kind"``, ``"tier"``, ``"region"``, ...).
    survey : pandas.DataFrame, optional
        Adds the mean perceived gap of surveyed customers in the segment.

    Returns
    -------
    pandas.DataFrame
        Index the segments: ``customers`` (who bought), ``profit_per_customer`` and
        ``profit_per_customer_year`` (value of the customer), ``savings_rate`` (value to the
        customer), ``profit_share``; with a survey ``perceived_gap``.

    Examples
    --------
    >>> from crm_lessons.toy import toy_customers, toy_sales
    >>> by_kind = value_by_segment(toy_sales(), toy_customers(), "kind")
    >>> by_kind[["customers", "profit_per_customer", "savings_rate"]].round(3)
                  customers  profit_per_customer  savings_rate
    kind
    consumer              2                650.0         0.076
    intermediary          1               5500.0         0.152
    organisation          1               2000.0         0.000

    Checked by hand: the consumers C1 and C4 earn 1300 + 0; they saved 500 of 6600 list value.
    """
    require_typed(customers, "customers", ["customer_id", by], source="load_customers()")
    of = value_of_customer(sales)
    to = value_to_customer(sales, survey)
    seg = customers.set_index("customer_id")[by]
    t = of.join(to, how="inner").join(seg, how="left")
    g = t.groupby(by, observed=True)
    out = pd.DataFrame(
        {
            "customers": g.size(),
            "profit_per_customer": g["profit"].mean(),
            "profit_per_customer_year": g["profit_per_year"].mean(),
            "savings_rate": g["savings"].sum() / g["list_value"].sum(),
        }
    )
    out["profit_share"] = g["profit"].sum() / t["profit"].sum()
    if survey is not None:
        out["perceived_gap"] = g["perceived_gap"].mean()
    return out
