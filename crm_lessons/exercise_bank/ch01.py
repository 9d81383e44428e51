"""Chapter 1 exercises: CRM overview (客户关系管理概述)."""

from __future__ import annotations

import pandas as pd

from crm_lessons.exercises import Choice, Compute, Exercise, Function, Match, MultiChoice, register

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


def _q8_cases(data):
    from crm_lessons.toy import toy_sales

    return [(data.sales,), (toy_sales(),)]


EXERCISE = register(
    Exercise(
        "ch01",
        "Chapter 1 exercises: CRM overview",
        [
            Choice(
                "q1",
                1,
                "The company's data team mines five years of purchase histories to find the customers "
                "most likely to stop buying. Which type of CRM is this?",
                hints=(
                    "Ask what the activity produces: contact with the customer, a shared channel, or knowledge.",
                    "The activity produces knowledge from data; nobody talks to a customer yet.",
                ),
                options=CRM_TYPES,
                correct="analytical",
            ),
            Match(
                "q2",
                2,
                "Sort each activity into the type of CRM it belongs to.",
                hints=(
                    "Operational CRM runs the day-to-day contact (sales, service, marketing), collaborative "
                    "CRM connects the channels and partners, analytical CRM learns from the data.",
                    "A call centre shared by sales and service is a channel that connects; a segmentation model is "
                    "knowledge.",
                ),
                items=(
                    "sales-force automation for the sales reps",
                    "one call centre and web portal shared with dealers",
                    "RFM segmentation of the customer base",
                    "handling a complaint at the service desk",
                    "forecasting which customers will churn",
                ),
                groups=CRM_TYPES,
                correct={
                    "sales-force automation for the sales reps": "operational",
                    "one call centre and web portal shared with dealers": "collaborative",
                    "RFM segmentation of the customer base": "analytical",
                    "handling a complaint at the service desk": "operational",
                    "forecasting which customers will churn": "analytical",
                },
            ),
            MultiChoice(
                "q3",
                2,
                "Which of these are reasons why CRM projects fail? Tick all that apply.",
                hints=(
                    "Four of the six are failure reasons named in the chapter; two are what successful projects do.",
                    "Comparing a campaign against a control group is part of the cure, not the disease.",
                ),
                options=(
                    "buying the hardware and software first",
                    "no economic case for the project",
                    "business and IT working apart",
                    "no test-and-learn against control groups",
                    "starting from a clear, measurable goal",
                    "treating high-value segments differently",
                ),
                correct=frozenset(
                    {
                        "buying the hardware and software first",
                        "no economic case for the project",
                        "business and IT working apart",
                        "no test-and-learn against control groups",
                    }
                ),
            ),
            Choice(
                "q4",
                1,
                "In the CRM cycle, what comes right after analysing the collected data?",
                hints=(
                    "The cycle is: goals, collect, analyse, ..., run the campaign, measure, improve.",
                    "Before a campaign can run, somebody has to decide what it offers and to whom.",
                ),
                options=(
                    "set the goals",
                    "develop the marketing concept",
                    "run the campaign",
                    "measure the results",
                ),
                correct="develop the marketing concept",
            ),
            Choice(
                "q5",
                1,
                "Explore: use the glossary search above to find the course term whose Chinese name is 绩效管理.",
                hints=(
                    "Type the Chinese characters into the search box.",
                    "It is about how a company measures and steers the work of its people.",
                ),
                options=(
                    "corporate culture",
                    "performance management",
                    "customer loyalty",
                    "word of mouth",
                ),
                correct="performance management",
                explore="crm_lessons.widgets.glossary.GlossarySearch",
            ),
            Compute(
                "q6",
                2,
                "Customer intelligence, first level: how many customers of each kind does the company have? "
                "Hand in a Series indexed by kind (consumer, intermediary, organisation).",
                hints=(
                    "The `customers` table has a `kind` column; count its values.",
                    "`value_counts()` counts; make sure every kind appears once in the index.",
                ),
                reference_fn=customers_by_kind,
                expects="a Series of counts indexed by kind",
            ),
            Compute(
                "q7",
                2,
                "Targeted marketing starts from value: what share of the total revenue (a fraction between 0 and 1) "
                "do the best 20 % of customers by revenue bring? Count 20 % of customers rounded down.",
                hints=(
                    "Add up revenue per customer, sort from largest to smallest, keep the first int(0.2 * n) customers.",
                    "Divide their revenue by the revenue of all customers (not of all order lines' average).",
                ),
                reference_fn=top_fifth_revenue_share,
                expects="a number between 0 and 1",
            ),
            Function(
                "q8",
                3,
                "Write a function `revenue_by_year(sales)` that returns the total revenue per calendar year of the "
                "order date, as a Series indexed by year (an integer).",
                hints=(
                    "`sales['order_date'].dt.year` gives the year of every line; group by it.",
                    "Sum the `revenue` column within each year and return the Series (do not round).",
                ),
                reference_fn=revenue_by_year,
                cases=_q8_cases,
                expects="a function of a sales table",
            ),
        ],
    )
)
