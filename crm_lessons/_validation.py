"""Argument checks shared by the analysis modules.

Every check raises ``ValueError`` or ``TypeError`` with a message that names the
argument and says how to fix it, so a student sees what went wrong instead of a
pandas traceback from deep inside.

Examples
--------
>>> import pandas as pd
>>> from crm_lessons._validation import require_columns
>>> require_columns(pd.DataFrame({"a": [1]}), ["a", "b"], "sales")
Traceback (most recent call last):
...
ValueError: `sales` lacks column(s) ['b']; it has ['a']. Pass a frame with those columns.
>>> require_columns(pd.DataFrame({"a": [1]}), ["b"], "survey", source="load_survey()")
Traceback (most recent call last):
...
ValueError: `survey` lacks column(s) ['b']; it has ['a']. Pass a frame with those columns (e.g. from crm_lessons.data.load_survey()).
"""

from __future__ import annotations

from collections.abc import Iterable

import pandas as pd


def require_frame(frame, arg: str) -> None:
    """Raise TypeError unless ``frame`` is a pandas DataFrame."""
    if not isinstance(frame, pd.DataFrame):
        raise TypeError(f"`{arg}` must be a pandas DataFrame, got {type(frame).__name__}.")


def require_columns(frame, columns: Iterable[str], arg: str, *, source: str | None = None) -> None:
    """Raise ValueError naming ``arg`` when ``frame`` lacks any of ``columns``.

    ``source`` says where such a frame comes from: a loader of :mod:`crm_lessons.data`
    (``"load_survey()"``) or any dotted name (``"crm_lessons.rfm.rfm_table()"``); the
    message then suggests it. Without it the message just asks for those columns.
    """
    require_frame(frame, arg)
    missing = [c for c in columns if c not in frame.columns]
    if missing:
        hint = ""
        if source:
            hint = f" (e.g. from {source if '.' in source.split('(')[0] else 'crm_lessons.data.' + source})"
        raise ValueError(
            f"`{arg}` lacks column(s) {missing}; it has {list(frame.columns)}. Pass a frame with those columns{hint}."
        )


def require_column_list(columns, arg: str) -> list[str]:
    """Return ``columns`` (one name or several) as a non-empty list of column names."""
    columns = [columns] if isinstance(columns, str) else list(columns)
    if not columns:
        raise ValueError(f"`{arg}` is empty; list at least one column.")
    return columns


def require_group_keys(by, frame, arg: str = "by", frame_arg: str = "sales") -> list[str]:
    """Return ``by`` as a list of column names after checking each is a column of ``frame``."""
    keys = [by] if isinstance(by, str) else list(by)
    if not keys:
        raise ValueError(f"`{arg}` must name at least one column of `{frame_arg}`, e.g. 'category'.")
    for k in keys:
        if k not in frame.columns:
            raise ValueError(
                f"`{arg}` names column {k!r}, which `{frame_arg}` does not have; choose from {list(frame.columns)}."
            )
    return keys


def require_date(value, arg: str, example: str = "2024-07-01") -> pd.Timestamp:
    """Return ``value`` as a Timestamp, or raise ValueError naming ``arg`` with an ``example`` date."""
    try:
        stamp = pd.Timestamp(value)
    except (TypeError, ValueError):
        raise ValueError(f"`{arg}` must be a date such as {example!r}, got {value!r}.") from None
    if pd.isna(stamp):
        raise ValueError(f"`{arg}` must be a date such as {example!r}, got {value!r}.")
    return stamp


def require_choice(value, choices: Iterable, arg: str) -> None:
    """Raise ValueError naming ``arg`` when ``value`` is not one of ``choices``."""
    choices = list(choices)
    if value not in choices:
        raise ValueError(f"`{arg}` must be one of {choices}, got {value!r}.")


def require_fraction(value, arg: str, *, low_open: bool = False, high_open: bool = False) -> float:
    """Return ``value`` as float after checking it lies in [0, 1] (ends open on request)."""
    try:
        v = float(value)
    except (TypeError, ValueError):
        raise TypeError(f"`{arg}` must be a number between 0 and 1, got {value!r}.") from None
    low_ok = v > 0 if low_open else v >= 0
    high_ok = v < 1 if high_open else v <= 1
    if not (low_ok and high_ok):
        lo = "(0" if low_open else "[0"
        hi = "1)" if high_open else "1]"
        raise ValueError(f"`{arg}` must lie in {lo}, {hi} as a fraction (0.05 means 5 %), got {value!r}.")
    return v
