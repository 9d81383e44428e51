"""Test cases of the function questions: the arguments a student's function is called with.

These are inputs, not answers, so they are public: the student's kernel calls the function on
them and records the results; the grader compares the results with the key's reference
implementation called on the same cases (in its own process). ``CASES`` maps the name given
in a question's ``cases`` field (``chNN_qN``) to a function of the case data returning a list
of argument tuples.
"""

from __future__ import annotations

import pandas as pd

#: Weights used in chapter 2 q9's first test case (the five screening criteria of the chapter).
CH02_Q9_WEIGHTS = {
    "annual_purchases": 3,
    "profitability": 3,
    "safety": 2,
    "future_potential": 1,
    "cooperation": 1,
}


def ch01_q8(data):
    from crm_lessons.toy import toy_sales

    return [(data.sales,), (toy_sales(),)]


def ch02_q9(data):
    from crm_lessons.screening import CRITERIA, criterion_scores, screening_criteria

    scores = criterion_scores(screening_criteria(data.sales, data.customers))
    small = pd.DataFrame(
        [[100, 0, 50, 50, 50], [0, 100, 50, 50, 50], [10, 20, 30, 40, 50]],
        index=["x", "y", "z"],
        columns=list(CRITERIA),
        dtype=float,
    )
    return [
        (scores, dict(CH02_Q9_WEIGHTS)),
        (
            small,
            {"annual_purchases": 1, "profitability": 1, "safety": 0, "future_potential": 0, "cooperation": 2},
        ),
    ]


def ch03_q8(data):
    return [(r, f) for r in range(1, 6) for f in range(1, 6)]


def ch04_q8(data):
    return [(100.0, 0.8, 0.1), (50.0, 0.5, 0.05), (1000.0, 0.9, 0.12), (10.0, 0.0, 0.1), (250.0, 0.95, 0.0)]


CASES = {"ch01_q8": ch01_q8, "ch02_q9": ch02_q9, "ch03_q8": ch03_q8, "ch04_q8": ch04_q8}
