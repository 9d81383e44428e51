"""Customer portfolio (客户组合): which customers to serve how, from segments of the data.

The course names three strategies for the customer portfolio:

- concentration (集中策略): put the effort on one segment, typically the few customers who
  bring most of the profit;
- differentiation (区分策略): serve several segments, each with its own offer and cost of
  service;
- personalisation (个性化策略): treat each customer as a segment of one — offers chosen from
  that customer's own history.

:func:`segment_table` gives the numbers these choices rest on: customers and profit per
ABC class and customer kind.

Examples
--------
>>> from crm_lessons.toy import toy_customers, toy_sales
>>> from crm_lessons.portfolio import segment_table
>>> segment_table(toy_sales(), toy_customers(), cutoffs=(0.25, 0.5))[["customers", "profit_share"]].round(3)
                    customers  profit_share
abc_class kind
A         intermediary          1         0.625
B         organisation          1         0.227
C         consumer              2         0.148
"""

from __future__ import annotations

import pandas as pd

from crm_lessons._validation import require_same_id_type, require_typed

#: The three portfolio strategies in the course, with what each means in practice.
STRATEGIES = pd.DataFrame(
    {
        "chinese": ["集中策略", "区分策略", "个性化策略"],
        "what it means": [
            "concentrate resources on one segment, e.g. the A customers who bring half the profit",
            "serve several segments, each with its own offer, channel and cost of service",
            "treat each customer individually, with offers drawn from their own purchase history",
        ],
        "suits": [
            "a company with few resources, or a segment far more profitable than the rest",
            "a customer base with clearly different segments worth serving",
            "a company with good customer data and the systems to act on it one by one",
        ],
    },
    index=pd.Index(["concentration", "differentiation", "personalisation"], name="strategy"),
)


def segment_table(
    sales: pd.DataFrame,
    customers: pd.DataFrame,
    by: str = "kind",
    measure: str = "profit",
    cutoffs=(0.05, 0.20),
) -> pd.DataFrame:
    """Customers, profit and margin per ABC class × customer attribute.

    Parameters
    ----------
    sales, customers : pandas.DataFrame
        Sales lines and the customers table.
    by : str, default 'kind'
        Column of ``customers`` crossed with the ABC class (``"kind"``, ``"tier"``, ``"region"``).
    measure : {'profit', 'revenue'}
        What the ABC classes rank by.
    cutoffs : pair of float
        ABC cut-offs (see :func:`crm_lessons.abc_analysis.abc_classes`).

    Returns
    -------
    pandas.DataFrame
        Index (``abc_class``, ``by``) — only combinations with customers — and columns
        ``customers``, ``customer_share``, ``revenue``, ``profit``, ``profit_share``,
        ``profit_per_customer``, ``gross_margin``.

    Notes
    -----
    Customers who never bought are left out (they have no ABC class).
    ``gross margin`` = profit / revenue of the segment.

    References
    ----------
    Course chapter 2, "客户组合的确定" (三种策略: 集中, 区分, 个性化) and table 2-2 (ABC).

    Examples
    --------
    See the module example (toy case: C2 is the only A customer and brings 5500 of 8800 profit).

    Checked by hand on the toy case (C2 alone in A with 5500 of 8800 profit).
    """
    from crm_lessons.abc_analysis import abc_classes
    from crm_lessons.performance import customer_performance, customer_totals

    require_typed(customers, "customers", ["customer_id", by], source="load_customers()")
    require_typed(sales, "sales", ["customer_id", measure], source="load_sales()", nonempty=True)
    require_same_id_type(sales["customer_id"], "sales", customers["customer_id"], "customers", "customer_id")
    perf = customer_performance(sales)
    classes = abc_classes(customer_totals(sales, measure), cutoffs)
    seg = customers.set_index("customer_id")[by].reindex(perf.index)
    t = pd.DataFrame(
        {
            "abc_class": classes.reindex(perf.index),
            by: seg,
            "revenue": perf["revenue"],
            "profit": perf["profit"],
        }
    )
    g = t.groupby(["abc_class", by], observed=True)
    out = pd.DataFrame({"customers": g.size(), "revenue": g["revenue"].sum(), "profit": g["profit"].sum()})
    out["customer_share"] = out["customers"] / out["customers"].sum()
    out["profit_share"] = out["profit"] / out["profit"].sum()
    out["profit_per_customer"] = out["profit"] / out["customers"]
    out["gross_margin"] = out["profit"] / out["revenue"]
    return out[
        [
            "customers",
            "customer_share",
            "revenue",
            "profit",
            "profit_share",
            "profit_per_customer",
            "gross_margin",
        ]
    ]
