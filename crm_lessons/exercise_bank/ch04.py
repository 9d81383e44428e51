"""Chapter 4 exercises: loyalty (客户忠诚度管理) — satisfaction, service quality, retention, CLV, pilots."""

from __future__ import annotations

import pandas as pd

from crm_lessons.exercises import Choice, Compute, Exercise, Function, Match, register

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
    return RETENTION_CHANGE[0] if change > 0.03 else RETENTION_CHANGE[2] if change < -0.03 else RETENTION_CHANGE[1]


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


def _q8_cases(data):
    return [(100.0, 0.8, 0.1), (50.0, 0.5, 0.05), (1000.0, 0.9, 0.12), (10.0, 0.0, 0.1), (250.0, 0.95, 0.0)]


EXERCISE = register(
    Exercise(
        "ch04",
        "Chapter 4 exercises: loyalty",
        [
            Choice(
                "q1",
                1,
                "On the same 1-5 scale a customer expected 4 and perceived 3 after buying. In which state of "
                "satisfaction is the customer?",
                hints=(
                    "Satisfaction compares what was perceived with what was expected.",
                    "Perceived below expected is the unhappy one of the three states.",
                ),
                options=("very satisfied", "satisfied", "dissatisfied"),
                correct="dissatisfied",
            ),
            Match(
                "q2",
                2,
                "Sort each observation into the service-quality (SERVQUAL) dimension it measures.",
                hints=(
                    "Tangibles is what you can see; reliability is doing it right; responsiveness is speed and "
                    "willingness; assurance is competence and trust; empathy is individual care.",
                    "Remembering a customer's needs is care for that one person.",
                ),
                items=(
                    "modern, clean service vans",
                    "repairs done right the first time",
                    "calls answered within a minute",
                    "staff who know the products and inspire trust",
                    "staff who remember each customer's needs",
                ),
                groups=SERVQUAL,
                correct={
                    "modern, clean service vans": "tangibles",
                    "repairs done right the first time": "reliability",
                    "calls answered within a minute": "responsiveness",
                    "staff who know the products and inspire trust": "assurance",
                    "staff who remember each customer's needs": "empathy",
                },
            ),
            Choice(
                "q3",
                1,
                "A customer keeps buying at our store only because it is the nearest one, without any attachment to "
                "the brand. Which level of loyalty do the repeat purchases show?",
                hints=(
                    "The three levels: knowing and preferring, liking, and actually buying again.",
                    "There is no preference and no feeling here, only the act of buying.",
                ),
                options=("cognitive loyalty", "affective loyalty", "behavioural loyalty"),
                correct="behavioural loyalty",
            ),
            Choice(
                "q4",
                1,
                "Explore: with the CLV calculator above set to margin 100 CNY, retention 80 % and discount rate 10 %, "
                "what is the customer lifetime value with the course's formula (first margin not counted)?",
                hints=(
                    "Read the 'excluded' variant in the calculator's table.",
                    "The formula is m r / (1 + d - r).",
                ),
                options=CLV_OPTIONS,
                correct="about 267 CNY",
                explore="crm_lessons.widgets.clv.CLVCalculator",
            ),
            Choice(
                "q5",
                1,
                "Explore: in the retention explorer above (cohort definition), compare the gold customers' retention "
                "in the years after the CRM went live (2021 on) with the years before. What happened to it?",
                hints=(
                    "Switch the definition to the cohort one and the tier to gold; read the rates year by year.",
                    "Compare the average of 2019-2020 with the average of 2021-2024.",
                ),
                options=RETENTION_CHANGE,
                correct=gold_change_after_go_live,
                explore="crm_lessons.widgets.retention.RetentionExplorer",
            ),
            Compute(
                "q6",
                2,
                "Cohort retention (客户保留率) of gold customers: for each year from 2019 on, the share of the gold "
                "customers who ordered in the previous year and order again this year. Hand in a Series indexed by "
                "year.",
                hints=(
                    "Build the set of gold customers with an order in each year (the tier is in `customers`).",
                    "Retention in year t = |active in t-1 and in t| / |active in t-1|.",
                ),
                reference_fn=gold_cohort_retention,
                expects="a Series of rates indexed by year",
            ),
            Compute(
                "q7",
                2,
                "The loyalty-programme pilot: the response rate (share who bought in the pilot window) of the "
                "treatment group minus that of the control group. A number.",
                hints=(
                    "The `pilot` table has `group` and `responded`; the mean of a True/False column is a share.",
                    "Subtract the control group's rate from the treatment group's rate.",
                ),
                reference_fn=pilot_uplift,
                expects="a number (the uplift in response rate)",
            ),
            Function(
                "q8",
                2,
                "Write `simple_clv(margin, retention, discount_rate)` returning the course's customer lifetime value "
                "m r / (1 + d - r), the first margin not counted.",
                hints=(
                    "Translate the formula letter by letter: m is the margin, r the retention, d the discount rate.",
                    "Mind the brackets: the denominator is (1 + d - r).",
                ),
                reference_fn=simple_clv,
                cases=_q8_cases,
                expects="a function of margin, retention and discount rate",
            ),
        ],
    )
)
