"""Answer key of the ch02 exercises: Chapter 2 exercises: customer analysis (客户分析).

This file belongs to the grader and to practice releases only: it is not part of the installed
package, and ``crm-lessons exercises release --graded`` leaves it out of what students get.
``REFERENCES`` maps each question id to its correct option(s), a function of the case data
returning them (explore questions), the reference function of the data (compute questions) or
the reference implementation (function questions).
"""

from __future__ import annotations

import pandas as pd

ABC_BANDS = ("well below 50 % (under 40 %)", "close to 50 % (40 % to 60 %)", "well above 50 % (over 60 %)")


def a_share_band(data) -> str:
    """Reference of q4: where class A's profit share (cut-offs 5 % / 20 %) falls against 50 %."""
    from crm_lessons.abc_analysis import abc_summary
    from crm_lessons.performance import customer_totals

    share = abc_summary(customer_totals(data.sales, "profit"))["value_share"]["A"]
    return ABC_BANDS[0] if share < 0.4 else ABC_BANDS[1] if share <= 0.6 else ABC_BANDS[2]


def abc_profit_shares(data) -> pd.Series:
    """Reference of q5: profit share of classes A, B, C with cut-offs 10 % and 30 %."""
    from crm_lessons.abc_analysis import abc_summary
    from crm_lessons.performance import customer_totals

    return abc_summary(customer_totals(data.sales, "profit"), (0.10, 0.30))["value_share"]


def margin_by_category(data) -> pd.Series:
    """Reference of q6: gross margin (revenue - cost) / revenue of each product category."""
    from crm_lessons.margins import gross_margin

    return gross_margin(data.sales, by="category")["gross_margin"]


def tv_soundbar_lift(data) -> float:
    """Reference of q7: lift of the rule 55-inch TV (P021) -> soundbar (P034)."""
    from crm_lessons.basket import pair_statistics

    pairs = pair_statistics(data.sales)
    row = pairs[(pairs["antecedent"] == "P021") & (pairs["consequent"] == "P034")]
    return float(row["lift"].iloc[0])


def weighted_score(scores: pd.DataFrame, weights: dict) -> pd.Series:
    """Reference of q9: the chapter's weighted screening score (delegates to crm_lessons.screening)."""
    from crm_lessons.screening import screening_score

    return screening_score(scores, weights)


REFERENCES = {
    "q1": "intermediary",
    "q2": ["annual purchases", "cooperation", "future potential", "profitability", "safety (credit)"],
    "q3": "about 5 % of customers bringing about 50 % of profit",
    "q4": a_share_band,
    "q5": abc_profit_shares,
    "q6": margin_by_category,
    "q7": tv_soundbar_lift,
    "q8": "DryAir heat-pump clothes dryer (P035)",
    "q9": weighted_score,
    "q10": (
        "it found the school's decision-makers and worked through them: it managed customers, not shoppers"
    ),
    "q11": {
        "name, region and sales channel": "basic data",
        "membership tier and buying motive": "characteristics",
        "credit rating and profit earned so far": "business status",
        "last orders and an open complaint": "trading status",
    },
    "q12": {
        "large volume, loyal": "reward and keep: the most precious asset",
        "large volume, not loyal": "watch closely: the most dangerous",
        "small volume, loyal": "support them to grow",
        "small volume, not loyal": "serve at low cost or let go",
    },
    "q13": "concentration",
    "q14": [
        "arrange for the company's leaders to visit key accounts",
        "ask key accounts' opinion regularly",
        "give key accounts priority in supply",
        "organise business meetings between key accounts and the company",
    ],
    "q15": (
        "the customer's perceived preference for and evaluation of product attributes, "
        "their performance and the consequences of use"
    ),
    # q16 is a written answer: the instructor marks it against the rubric of the question bank;
    # a model answer is in exercises/solutions/ch02_customer_analysis.ipynb.
}
