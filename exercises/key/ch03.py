"""Answer key of the ch03 exercises: Chapter 3 exercises: RFM (RFM法) and mining.

This file belongs to the grader and to practice releases only: it is not part of the installed
package, and ``crm-lessons exercises release --graded`` leaves it out of what students get.
``REFERENCES`` maps each question id to its correct option(s), a function of the case data
returning them (explore questions), the reference function of the data (compute questions) or
the reference implementation (function questions).
"""

from __future__ import annotations

import pandas as pd

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


REFERENCES = {
    "q1": "recency, frequency, monetary value",
    "q2": "New or promising",
    "q3": [
        "a date that does not exist, such as 2023-02-30",
        "a required field left empty",
        "dates written in several formats",
        "the same person entered twice with the phone number in another format",
    ],
    "q4": "many customers share the same frequency, so quintile edges coincide",
    "q5": smallest_segment,
    "q6": rfm_values,
    "q7": one_time_buyers,
    "q8": segment_of,
    "q9": {
        "set up a project team with people and equipment": "preparation",
        "agree that marketing will be driven by the data": "preparation",
        "decide which tables there are and how they link": "structure design",
        "every order must belong to a customer who exists (a foreign key)": "feature design",
        "one row per customer: a primary key": "feature design",
    },
    "q10": (
        "frequent, high-spending customers go with the gold tier; "
        "whether raising their buying makes them gold needs a controlled pilot"
    ),
    # q11 is a written answer: the instructor marks it against the rubric of the question bank;
    # a model answer is in exercises/solutions/ch03_database_and_mining.ipynb.
}
