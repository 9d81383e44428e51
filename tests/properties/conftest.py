"""Shared strategies for the property-based tests of bad input (issue 13).

Every public function that takes a frame either returns the right answer or raises
``ValueError``/``TypeError`` whose message names the argument (and the column). The tests
in this folder feed each function frames spoiled in the ways a student plausibly spoils
them: wrong dtypes, NaN, inf, ``None``, text where numbers or booleans belong (``'5'``,
``'false'``), ids mixing ``1`` and ``"1"``, a missing column, no rows, one empty group.

Runs are deterministic (``derandomize=True``: Hypothesis derives its examples from each
test's name, so CI sees the same cases every time) and short (``max_examples`` small,
no deadline); the whole folder takes well under a minute on one core.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st

settings.register_profile(
    "crm-properties",
    max_examples=20,
    deadline=None,
    derandomize=True,
    database=None,
    print_blob=False,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large, HealthCheck.filter_too_much],
)
settings.load_profile("crm-properties")

#: How a column can be spoiled; see :func:`spoil`.
SPOILERS = (
    "nan",
    "none",
    "inf",
    "neg_inf",
    "text",
    "digit_text",
    "bool_text",
    "mixed_ids",
    "float",
    "negative",
    "date_text",
    "drop",
    "empty",
)


def _as_object(values: pd.Series) -> pd.Series:
    return pd.Series(values.astype(object).to_numpy(), index=values.index, name=values.name, dtype=object)


def spoil(frame: pd.DataFrame, column: str, how: str, row: int = 0) -> pd.DataFrame:
    """A copy of ``frame`` with ``column`` spoiled ``how`` (in row ``row`` where one cell is spoiled)."""
    out = frame.copy()
    if how == "drop":
        return out.drop(columns=[column])
    if how == "empty":
        return out.iloc[:0]
    if len(out) == 0:
        return out
    row = row % len(out)
    values = _as_object(out[column])
    if how == "nan":
        values.iloc[row] = np.nan
    elif how == "none":
        values.iloc[row] = None
    elif how == "inf":
        values.iloc[row] = np.inf
    elif how == "neg_inf":
        values.iloc[row] = -np.inf
    elif how == "text":
        values.iloc[row] = "abc"
    elif how == "digit_text":
        values = values.map(lambda v: str(int(v)) if isinstance(v, (bool, int, np.integer)) else str(v))
    elif how == "bool_text":
        values = values.map(lambda v: "true" if not pd.isna(v) and bool(v) else "false")
    elif how == "mixed_ids":
        values.iloc[row] = _other_id_type(values.iloc[row])
    elif how == "float":
        values.iloc[row] = 0.5
    elif how == "negative":
        values.iloc[row] = -1
    elif how == "date_text":
        values = values.map(str)
    else:  # pragma: no cover - a typo in a test
        raise AssertionError(how)
    out[column] = values
    return out


def _other_id_type(value):
    if isinstance(value, str):
        digits = "".join(ch for ch in value if ch.isdigit())
        return int(digits) if digits else 1
    return str(value)


@st.composite
def spoiled(draw, frame: pd.DataFrame, columns, hows=SPOILERS):
    """(spoiled copy of ``frame``, column, how): one column of ``columns`` spoiled one way of ``hows``."""
    column = draw(st.sampled_from(list(columns)))
    how = draw(st.sampled_from(list(hows)))
    row = draw(st.integers(min_value=0, max_value=max(len(frame) - 1, 0)))
    return spoil(frame, column, how, row), column, how


def not_a_frame():
    """Things a student passes instead of a DataFrame."""
    return st.sampled_from([None, 3, "sales.csv", [1, 2, 3], {"a": [1]}, np.arange(3)])


def boolean_column(values) -> st.SearchStrategy:
    """The same true/false values in every accepted representation: bool, 0/1 ints or floats,
    Python bools in an object column, nullable boolean."""
    values = [bool(v) for v in values]
    return st.sampled_from(
        [
            pd.Series(values, dtype=bool),
            pd.Series([int(v) for v in values], dtype="int64"),
            pd.Series([float(v) for v in values], dtype="float64"),
            pd.Series(values, dtype=object),
            pd.Series(values, dtype="boolean"),
        ]
    )


def finite_floats(low: float = -1e6, high: float = 1e6):
    return st.floats(min_value=low, max_value=high, allow_nan=False, allow_infinity=False)


def bad_scalars():
    """Scalars a student passes where a number belongs."""
    return st.sampled_from(["5", "0.95", None, np.nan, np.inf, -1, True, [5], "abc"])


def names_argument(message: str, names) -> bool:
    return any(f"`{n}`" in message or f"'{n}'" in message or n in message for n in names)


def call(fn, *args, names, must_refuse: bool = False, **kwargs):
    """Call ``fn``: return its result, or None after checking that it raised ValueError or TypeError
    whose message names one of ``names`` (the argument, its column). Anything else fails the test.
    With ``must_refuse`` the call has to raise."""
    try:
        result = fn(*args, **kwargs)
    except (ValueError, TypeError) as err:
        message = str(err)
        if not names_argument(message, names):
            pytest.fail(f"{fn.__name__}: {type(err).__name__} does not name any of {list(names)}: {message}")
        if "\n" in message and "How to fix" not in message:
            pytest.fail(f"{fn.__name__}: message looks like a raw traceback: {message}")
        return None
    except Exception as err:  # noqa: BLE001 - the point of the test
        pytest.fail(f"{fn.__name__} raised {type(err).__name__} instead of ValueError/TypeError: {err}")
    if must_refuse:
        pytest.fail(f"{fn.__name__} accepted input it must refuse and returned {type(result).__name__}")
    return result


#: Spoilers a function must refuse (never answer) when they hit a column it reads as booleans.
REFUSED_FOR_BOOLEANS = ("nan", "none", "text", "digit_text", "bool_text", "float", "negative", "date_text")
#: ... for a column it reads as ids.
REFUSED_FOR_IDS = ("nan", "none", "mixed_ids")
#: ... for a column of numbers (money, counts, answers) that must be finite.
REFUSED_FOR_NUMBERS = ("inf", "neg_inf", "text", "digit_text", "bool_text", "date_text")
#: ... for a column of dates (numbers would be read as nanoseconds after 1970).
REFUSED_FOR_DATES = (
    "nan",
    "none",
    "text",
    "date_text",
    "inf",
    "neg_inf",
    "float",
    "negative",
    "digit_text",
    "bool_text",
)


#: What a function must refuse in a column of each kind of crm_lessons._validation.COLUMN_KINDS
#: (test frames hold text ids, so a number among them mixes id types).
REFUSED_BY_KIND = {
    "id": ("nan", "none", "mixed_ids", "inf", "neg_inf", "float", "negative"),
    "date": tuple(h for h in SPOILERS if h != "empty"),
    "number": ("nan", "none", "inf", "neg_inf", "text", "digit_text", "bool_text", "date_text"),
    "bool": (
        "nan",
        "none",
        "text",
        "digit_text",
        "bool_text",
        "float",
        "negative",
        "date_text",
        "inf",
        "neg_inf",
        "mixed_ids",
    ),
}


def must_refuse(column: str, how: str, *, allow_nan=()) -> bool:
    """Whether a function reading ``column`` (a standard column of the case tables) must refuse it
    spoiled ``how``."""
    from crm_lessons._validation import COLUMN_KINDS

    if how == "drop":
        return True
    if column in allow_nan and how in ("nan", "none"):
        return False
    return how in REFUSED_BY_KIND.get(COLUMN_KINDS.get(column), ())


def sweep(data, fn, frames: dict, spoil: str, columns, *, names=(), uses=None, extra=(), **kwargs):
    """Spoil one column of the frame passed as ``spoil`` (one of ``columns``), call ``fn(**frames, **kwargs)``
    and check: a named ValueError/TypeError or an answer, and a refusal whenever a column the function reads
    (``uses``, default ``columns``) is spoiled in a way :func:`must_refuse` says it must refuse."""
    frame, column, how = data.draw(spoiled(frames[spoil], columns))
    uses = columns if uses is None else uses
    args = dict(frames, **{spoil: frame})
    must = column in uses and must_refuse(column, how)
    return call(fn, *extra, names=[spoil, column, *names], must_refuse=must, **args, **kwargs), column, how
