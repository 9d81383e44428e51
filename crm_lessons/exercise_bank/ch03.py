"""Chapter 3 exercises: the customer database, cleaning new data, RFM (RFM法) and mining."""

from __future__ import annotations

import pandas as pd

from crm_lessons.exercises import Choice, Compute, Exercise, Function, MultiChoice, register

SEGMENTS = ("Champions", "Loyal", "New or promising", "Need attention", "At risk", "Hibernating")
#: Reference date of the RFM questions (the day after the history ends).
REFERENCE_DATE = "2025-01-01"


def _rfm(data):
    from crm_lessons.rfm import purchases_from_sales, rfm_table

    return rfm_table(purchases_from_sales(data.sales), REFERENCE_DATE)


def smallest_segment(data) -> str:
    """Reference of q5: the segment with the fewest customers (quintile scores, default rules)."""
    from crm_lessons.rfm import purchases_from_sales, rfm_segments

    counts = rfm_segments(purchases_from_sales(data.sales), REFERENCE_DATE)["segment"].value_counts()
    return str(counts.sort_index().idxmin())


def rfm_values(data) -> pd.DataFrame:
    """Reference of q6: recency (days), frequency (orders) and monetary (total spend) per customer."""
    return _rfm(data)


def one_time_buyers(data) -> float:
    """Reference of q7: share of the customers with purchases who bought exactly once."""
    return float((_rfm(data)["frequency"] == 1).mean())


def segment_of(r_score: int, f_score: int) -> str:
    """Reference of q8: the chapter's segment of an R and F score pair (first matching rule wins)."""
    from crm_lessons.rfm import assign_segments

    scored = pd.DataFrame({"r_score": [r_score], "f_score": [f_score], "m_score": [3]})
    return str(assign_segments(scored).iloc[0])


def _q8_cases(data):
    return [(r, f) for r in range(1, 6) for f in range(1, 6)]


EXERCISE = register(
    Exercise(
        "ch03",
        "Chapter 3 exercises: customer database and mining",
        [
            Choice(
                "q1",
                1,
                "What do the three letters of RFM stand for?",
                hints=("Each letter is one measure of a customer's past purchases.", "When, how often, how much."),
                options=(
                    "recency, frequency, monetary value",
                    "retention, frequency, margin",
                    "revenue, field, market",
                    "recency, fidelity, motive",
                ),
                correct="recency, frequency, monetary value",
            ),
            Choice(
                "q2",
                1,
                "With the chapter's segment rules, a customer scores R = 5 and F = 1. Which segment is it in?",
                hints=(
                    "A high R score means the last purchase was recent; a low F score means few purchases.",
                    "Recent but not frequent: someone who has only just started buying.",
                ),
                options=SEGMENTS,
                correct="New or promising",
            ),
            MultiChoice(
                "q3",
                2,
                "Which of these must be fixed in a batch of newly collected customer records before it is loaded "
                "into the customer database? Tick all that apply.",
                hints=(
                    "Four of the six are data-quality problems; two are facts about good customers.",
                    "Cleaning is about duplicates, formats, impossible and missing values.",
                ),
                options=(
                    "the same person entered twice with the phone number in another format",
                    "dates written in several formats",
                    "a date that does not exist, such as 2023-02-30",
                    "a required field left empty",
                    "a customer who spends a lot",
                    "an order placed in November",
                ),
                correct=frozenset(
                    {
                        "the same person entered twice with the phone number in another format",
                        "dates written in several formats",
                        "a date that does not exist, such as 2023-02-30",
                        "a required field left empty",
                    }
                ),
            ),
            Choice(
                "q4",
                1,
                "Why does `pd.qcut(frequency, 5)` often fail (or need `duplicates='drop'`) on real purchase logs?",
                hints=(
                    "Look at how many customers share the smallest frequency.",
                    "Quintile edges are values of the data; what happens when many customers have the same value?",
                ),
                options=(
                    "many customers share the same frequency, so quintile edges coincide",
                    "frequency can be negative",
                    "qcut only works on dates",
                    "the log is too large for qcut",
                ),
                correct="many customers share the same frequency, so quintile edges coincide",
            ),
            Choice(
                "q5",
                1,
                "Explore: in the RFM explorer above (quintile scores, the default rules), which segment holds the "
                "fewest customers?",
                hints=("The explorer's table lists the customers of each segment.", "Sort the table by customers."),
                options=SEGMENTS,
                correct=smallest_segment,
                explore="crm_lessons.widgets.rfm.RFMExplorer",
            ),
            Compute(
                "q6",
                3,
                f"RFM values with the reference date {REFERENCE_DATE}: for every customer with at least one order "
                "of positive value, recency = days from the last order date to the reference date, frequency = "
                "number of orders, monetary = total revenue. Hand in a DataFrame indexed by customer_id with "
                "columns recency, frequency, monetary.",
                hints=(
                    "First add up revenue per order (order_id, customer_id, order_date), keep orders with a positive total.",
                    "Then group the orders by customer: max of the date, count, sum; recency is "
                    "(reference date - last date).days.",
                ),
                reference_fn=rfm_values,
                expects="a DataFrame with columns recency, frequency, monetary",
                rel=1e-5,
            ),
            Compute(
                "q7",
                2,
                "The trap of ties: what share of the customers who ordered (at least one order of positive value) "
                "ordered exactly once? A number between 0 and 1.",
                hints=(
                    "Count orders per customer, then compare with 1.",
                    "The mean of a True/False Series is the share of True.",
                ),
                reference_fn=one_time_buyers,
                expects="a number between 0 and 1",
            ),
            Function(
                "q8",
                3,
                "Write `segment_of(r_score, f_score)` returning the segment name under the chapter's rules, tried in "
                "this order (first match wins): Champions R 4-5 and F 4-5; Loyal R 3-5 and F 3-5; New or promising "
                "R 4-5 and F 1-2; Need attention R 3 and F 1-2; At risk R 1-2 and F 3-5; Hibernating R 1-2 and F 1-2.",
                hints=(
                    "One `if` per rule, in the order given; return at the first rule that matches.",
                    "Check your function on all 25 pairs of scores from 1 to 5: every pair has a segment.",
                ),
                reference_fn=segment_of,
                cases=_q8_cases,
                expects="a function of two scores",
            ),
        ],
    )
)
