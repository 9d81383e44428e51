"""Chapter 2 exercises: customer analysis (客户分析) — kinds, ABC, margins, screening, cross-selling."""

from __future__ import annotations

import pandas as pd

from crm_lessons.exercises import Choice, Compute, Exercise, Function, MultiChoice, register

ABC_BANDS = ("well below 50 % (under 40 %)", "close to 50 % (40 % to 60 %)", "well above 50 % (over 60 %)")
#: Weights used in q9's test case (the five screening criteria of the chapter).
Q9_WEIGHTS = {"annual_purchases": 3, "profitability": 3, "safety": 2, "future_potential": 1, "cooperation": 1}


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


def _q9_cases(data):
    from crm_lessons.screening import CRITERIA, criterion_scores, screening_criteria

    scores = criterion_scores(screening_criteria(data.sales, data.customers))
    small = pd.DataFrame([[100, 0, 50, 50, 50], [0, 100, 50, 50, 50], [10, 20, 30, 40, 50]],
                         index=["x", "y", "z"], columns=list(CRITERIA), dtype=float)
    return [(scores, dict(Q9_WEIGHTS)), (small, {"annual_purchases": 1, "profitability": 1, "safety": 0,
                                                  "future_potential": 0, "cooperation": 2})]


EXERCISE = register(
    Exercise(
        "ch02",
        "Chapter 2 exercises: customer analysis",
        [
            Choice(
                "q1",
                1,
                "A department store buys the company's refrigerators to sell them on to shoppers. What kind of "
                "customer is the department store?",
                hints=(
                    "The chapter sorts customers by their nature: individuals, businesses that resell, organisations that use.",
                    "It neither uses the refrigerators itself nor is a person buying for a home.",
                ),
                options=("consumer", "intermediary", "organisation"),
                correct="intermediary",
            ),
            MultiChoice(
                "q2",
                2,
                "Which of these are criteria of the chapter's five-criteria customer screening? Tick all that apply.",
                hints=(
                    "Five of the seven are the screening criteria; two are not about the customer's value or risk.",
                    "Think: how much they buy, what it earns, whether they pay, what they may buy later, how they work with us.",
                ),
                options=(
                    "annual purchases",
                    "profitability",
                    "safety (credit)",
                    "future potential",
                    "cooperation",
                    "distance from the head office",
                    "age of the buyer",
                ),
                correct=frozenset({"annual purchases", "profitability", "safety (credit)", "future potential", "cooperation"}),
            ),
            Choice(
                "q3",
                1,
                "In the textbook's ABC classification, what does class A stand for?",
                hints=(
                    "A is the smallest group of customers with the largest share of profit.",
                    "The textbook's three classes split customers 5 / 15 / 80 %.",
                ),
                options=(
                    "about 5 % of customers bringing about 50 % of profit",
                    "about 20 % of customers bringing about 80 % of profit",
                    "about 50 % of customers bringing about 5 % of profit",
                    "about 80 % of customers bringing about 20 % of profit",
                ),
                correct="about 5 % of customers bringing about 50 % of profit",
            ),
            Choice(
                "q4",
                1,
                "Explore: in the ABC explorer above, rank by profit with A ending at 5 % and B at 20 % of customers. "
                "How does class A's share of profit in the case company compare with the textbook's 50 %?",
                hints=(
                    "Read the value share of class A in the explorer's table.",
                    "Compare that share with 40 % and 60 %.",
                ),
                options=ABC_BANDS,
                correct=a_share_band,
                explore="crm_lessons.widgets.abc_analysis.ABCExplorer",
            ),
            Compute(
                "q5",
                2,
                "ABC with other cut-offs: rank the customers by total profit, put the best 10 % in A, the next 20 % in B "
                "and the rest in C. Hand in each class's share of total profit as a Series indexed A, B, C.",
                hints=(
                    "Total profit per customer, sorted from largest to smallest; class sizes int(0.1 * n) and int(0.3 * n) - int(0.1 * n).",
                    "Divide each class's profit by the profit of all customers; the three shares add up to 1.",
                ),
                reference_fn=abc_profit_shares,
                expects="a Series of three shares indexed A, B, C",
                rel=2e-3,  # int(0.3 * n) may round one customer differently from n * 30 // 100
            ),
            Compute(
                "q6",
                2,
                "Gross margin by product category: (revenue - cost) / revenue, summed over all sales lines of the "
                "category. Hand in a Series indexed by category.",
                hints=(
                    "Group the sales lines by `category` and sum `revenue` and `cost` first.",
                    "Divide after summing (the margin of the sums), not the mean of each line's margin.",
                ),
                reference_fn=margin_by_category,
                expects="a Series of margins indexed by category",
            ),
            Compute(
                "q7",
                2,
                "Cross-selling: the lift of the rule 'Vista 55-inch 4K TV (P021) → SoundStage soundbar (P034)', "
                "counting orders: lift = orders with both × all orders / (orders with P021 × orders with P034).",
                hints=(
                    "Count distinct `order_id`s: all orders, orders holding P021, orders holding P034, and orders holding both.",
                    "A set of order ids per product makes the 'both' count an intersection.",
                ),
                reference_fn=tv_soundbar_lift,
                expects="a number (the lift)",
            ),
            Choice(
                "q8",
                1,
                "Explore: with the cross-selling explorer above, which product should a sales rep offer to a customer "
                "who has just bought the AquaWash 10kg front-loader (P009)?",
                hints=(
                    "Look for rules whose antecedent is P009 and sort them by lift.",
                    "The best partner is bought with it far more often than chance (lift well above 1).",
                ),
                options=(
                    "DryAir heat-pump clothes dryer (P035)",
                    "SoundStage soundbar (P034)",
                    "PureFlow water purifier (P033)",
                    "Vista 55-inch 4K TV (P021)",
                ),
                correct="DryAir heat-pump clothes dryer (P035)",
                explore="crm_lessons.widgets.basket.CrossSellingExplorer",
            ),
            Function(
                "q9",
                3,
                "Write `weighted_score(scores, weights)`: `scores` has one row per customer and the five criteria "
                "columns (0-100), `weights` maps each criterion to a weight. Return the weighted mean score per "
                "customer, sum of weight × score over the sum of the weights, as a Series with the same index.",
                hints=(
                    "Multiply each column by its weight and add across the row.",
                    "Divide by the sum of all weights so that equal scores give back the same score.",
                ),
                reference_fn=weighted_score,
                cases=_q9_cases,
                expects="a function of a scores table and a weights dict",
            ),
        ],
    )
)
