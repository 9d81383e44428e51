"""Answer key of the ch04 exercises: Chapter 4 exercises: loyalty (客户忠诚度管理).

This file belongs to the grader and to practice releases only: it is not part of the installed
package, and ``crm-lessons exercises release --graded`` leaves it out of what students get.
``REFERENCES`` maps each question id to its correct option(s), a function of the case data
returning them (explore questions), the reference function of the data (compute questions) or
the reference implementation (function questions).
"""

from __future__ import annotations

import pandas as pd

SERVQUAL = ("tangibles", "reliability", "responsiveness", "assurance", "empathy")
RETENTION_CHANGE = ("it rose", "it stayed about the same", "it fell")
CLV_OPTIONS = ("about 200 CNY", "about 267 CNY", "about 333 CNY", "about 800 CNY")


def gold_change_after_go_live(data) -> str:
    """Reference of q5: gold customers' mean cohort retention after the go-live vs before."""
    from crm_lessons.retention import cohort_retention
    from crm_lessons.schema import CRM_GO_LIVE

    table = cohort_retention(data.orders, data.customers, by="tier")
    gold = table[table["tier"] == "gold"].set_index("year")["retention_rate"]
    go_live = pd.Timestamp(CRM_GO_LIVE).year
    change = gold[gold.index >= go_live].mean() - gold[gold.index < go_live].mean()
    return (
        RETENTION_CHANGE[0]
        if change > 0.03
        else RETENTION_CHANGE[2]
        if change < -0.03
        else RETENTION_CHANGE[1]
    )


def gold_cohort_retention(data) -> pd.Series:
    """Reference of q6: yearly cohort retention of gold customers, indexed by year."""
    from crm_lessons.retention import cohort_retention

    table = cohort_retention(data.orders, data.customers, by="tier")
    return table[table["tier"] == "gold"].set_index("year")["retention_rate"]


def pilot_uplift(data) -> float:
    """Reference of q7: response rate of the treatment group minus that of the control group."""
    from crm_lessons.pilots import response_uplift

    return float(response_uplift(data.pilot)["uplift"])


def simple_clv(margin: float, retention: float, discount_rate: float) -> float:
    """Reference of q8: the course's CLV formula m r / (1 + d - r) (first margin excluded)."""
    from crm_lessons.clv import simple_clv as clv

    return float(clv(margin, retention, discount_rate))


def recovery_speed_gap(data) -> float:
    """Reference of q10: recovery rate of complaints closed within 7 days minus that of those over 14 days."""
    complaints = data.complaints
    recovered = complaints["recovered"].astype(float)
    days = complaints["resolution_days"]
    return float(recovered[days <= 7].mean() - recovered[days > 14].mean())


REFERENCES = {
    "q1": "dissatisfied",
    "q2": {
        "modern, clean service vans": "tangibles",
        "repairs done right the first time": "reliability",
        "calls answered within a minute": "responsiveness",
        "staff who know the products and inspire trust": "assurance",
        "staff who remember each customer's needs": "empathy",
    },
    "q3": "behavioural loyalty",
    "q4": "about 267 CNY",
    "q5": gold_change_after_go_live,
    "q6": gold_cohort_retention,
    "q7": pilot_uplift,
    "q8": simple_clv,
    "q9": {
        "exploration": "welcome and good first service",
        "formation": "cross-selling and up-selling",
        "stability": "personalised products, services and rewards",
        "decline": "a call to find out what went wrong",
    },
    "q10": recovery_speed_gap,
    # q11 is a written answer: the instructor marks it against the rubric of the question bank;
    # a model answer is in exercises/solutions/ch04_loyalty.ipynb.
}
