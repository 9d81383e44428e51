"""Answer key of the ch01 exercises: Chapter 1 exercises: CRM overview (客户关系管理概述).

This file belongs to the grader and to practice releases only: it is not part of the installed
package, and ``crm-lessons exercises release --graded`` leaves it out of what students get.
``REFERENCES`` maps each question id to its correct option(s), a function of the case data
returning them (explore questions), the reference function of the data (compute questions) or
the reference implementation (function questions).
"""

from __future__ import annotations

import pandas as pd

CRM_TYPES = ("operational", "collaborative", "analytical")


def customers_by_kind(data) -> pd.Series:
    """Reference of q6: number of customers of each kind, in the schema's order of kinds."""
    return data.customers["kind"].value_counts(sort=False).sort_index().rename("customers")


def top_fifth_revenue_share(data) -> float:
    """Reference of q7: share of all revenue brought by the best 20 % of customers by revenue."""
    from crm_lessons.abc_analysis import top_share
    from crm_lessons.performance import customer_totals

    return top_share(customer_totals(data.sales, "revenue"), 0.2)


def revenue_by_year(sales: pd.DataFrame) -> pd.Series:
    """Reference of q8: total revenue per calendar year of the order date."""
    return sales.groupby(sales["order_date"].dt.year)["revenue"].sum()


REFERENCES = {
    "q1": "analytical",
    "q2": {
        "sales-force automation for the sales reps": "operational",
        "one call centre and web portal shared with dealers": "collaborative",
        "RFM segmentation of the customer base": "analytical",
        "handling a complaint at the service desk": "operational",
        "forecasting which customers will churn": "analytical",
    },
    "q3": [
        "business and IT working apart",
        "buying the hardware and software first",
        "no economic case for the project",
        "no test-and-learn against control groups",
    ],
    "q4": "develop the marketing concept",
    "q5": "performance management",
    "q6": customers_by_kind,
    "q7": top_fifth_revenue_share,
    "q8": revenue_by_year,
    "q9": "the consulting deck: a business strategy for a larger share of spending",
    "q10": [
        "adjust the organisation structure",
        "change traditional management thinking",
        "use suitable technology, not the most advanced",
        "win top management's support",
    ],
    "q11": "it lets software replace the sales force",
    "q12": "more experiments a year, each on a smaller, better-chosen group, with higher hit rates",
    "q13": "pilot, then rollout, then rocket science",
    "q14": "market share +2 percentage points; sales +16 % (a relative change)",
    # q15 is a written answer: the instructor marks it against the rubric of the question bank;
    # a model answer is in exercises/solutions/ch01_crm_overview.ipynb.
}
