"""Argument checks shared by the analysis modules.

Every check raises ``ValueError`` or ``TypeError`` with a message that names the
argument and says how to fix it, so a student sees what went wrong instead of a
pandas traceback from deep inside.

Column contents (issue 13), one implementation for every module:

- :func:`require_boolean`: True/False or 1/0; text (``'false'`` would count as True) and
  missing values refused;
- :func:`require_numeric`: numbers; text (also ``'5'``), dates, NaN and inf refused unless
  allowed; :func:`require_numeric_frame` for several columns;
- :func:`require_ids`: present and of one type (``1`` beside ``"1"`` is two customers);
  :func:`require_same_id_type` across two frames; :func:`require_unique` for a table's key;
- :func:`require_dates`: ``datetime64`` (text dates must be converted first);
- :func:`require_table` combines them for one frame, and :func:`require_typed` looks each
  standard column up in :data:`COLUMN_KINDS` (``revenue`` is a number, ``order_date`` a
  date, ...), so a module states only which columns it reads.

Scalars: :func:`require_whole_number`, :func:`require_real`, :func:`require_fraction`,
:func:`require_date` (numbers refused: ``pd.Timestamp(2024)`` is in 1970).

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
ValueError: `survey` lacks column(s) ['b']; it has ['a']. ... (e.g. from crm_lessons.data.load_survey()).
"""

from __future__ import annotations

from collections.abc import Iterable

import numpy as np
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
            f"`{arg}` lacks column(s) {missing}; it has {list(frame.columns)}. "
            f"Pass a frame with those columns{hint}."
        )


def require_column_list(columns, arg: str) -> list[str]:
    """Return ``columns`` (one name or several) as a non-empty list of column names."""
    columns = [columns] if isinstance(columns, str) else list(columns)
    if not columns:
        raise ValueError(f"`{arg}` is empty; list at least one column.")
    return columns


def require_group_keys(by, frame, arg: str = "by", frame_arg: str = "sales") -> list[str]:
    """Return ``by`` as a list of column names after checking each is a column of ``frame``."""
    require_frame(frame, frame_arg)
    keys = [by] if isinstance(by, str) else list(by)
    if not keys:
        raise ValueError(f"`{arg}` must name at least one column of `{frame_arg}`, e.g. 'category'.")
    for k in keys:
        if k not in frame.columns:
            raise ValueError(
                f"`{arg}` names column {k!r}, which `{frame_arg}` does not have; "
                f"choose from {list(frame.columns)}."
            )
        require_ids(frame, k, frame_arg, allow_missing=True, noun="value")
    return keys


def require_date(value, arg: str, example: str = "2024-07-01") -> pd.Timestamp:
    """Return ``value`` as a Timestamp, or raise ValueError naming ``arg`` with an ``example`` date.

    Numbers are refused: ``pd.Timestamp(2024)`` would be a nanosecond after 1970, not the year 2024.
    """
    if isinstance(value, (bool, int, float, np.number)):
        raise ValueError(f"`{arg}` must be a date such as {example!r} (in quotes), got the number {value!r}.")
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
    if isinstance(value, (str, bytes, bool, np.bool_)):
        raise TypeError(f"`{arg}` must be a number between 0 and 1 (without quotes), got {value!r}.")
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


# ------------------------------------------------------------------------------------------
# column contents: booleans, numbers, ids, dates (one implementation for every module)

MAX_SHOWN = 5


def _rows(index, mask) -> list:
    """The first few index labels where ``mask`` holds, for a message."""
    return list(index[np.asarray(mask, dtype=bool)][:MAX_SHOWN])


def _column(frame, column: str, arg: str, source: str | None) -> pd.Series:
    if isinstance(frame, pd.Series):
        return frame
    require_columns(frame, [column], arg, source=source)
    values = frame[column]
    if isinstance(values, pd.DataFrame):
        raise ValueError(f"`{arg}` has several columns named {column!r}; rename or drop the duplicates.")
    return values


def _where(arg: str, column: str | None) -> str:
    return f"`{arg}` column {column!r}" if column is not None else f"`{arg}`"


def _is_text(value) -> bool:
    return isinstance(value, (str, bytes))


def require_boolean(frame, column: str | None, arg: str, *, source: str | None = None) -> pd.Series:
    """Return ``frame[column]`` as a ``bool`` Series, refusing anything that is not clearly true/false.

    Accepted: a ``bool`` column, a nullable ``boolean`` column without missing values,
    and numbers that are all 0 or 1 (1 = True). Refused with a message naming ``arg`` and
    ``column``: text (``'false'`` would otherwise count as True), missing values (NaN would
    otherwise count as True) and other numbers. ``frame`` may also be a Series (then
    ``column`` is only used in the message).

    Examples
    --------
    >>> import pandas as pd
    >>> from crm_lessons._validation import require_boolean
    >>> require_boolean(pd.DataFrame({"ok": [1, 0, 1]}), "ok", "pilot").tolist()
    [True, False, True]
    >>> require_boolean(pd.DataFrame({"ok": ["true", "false"]}), "ok", "pilot")
    Traceback (most recent call last):
    ...
    TypeError: `pilot` column 'ok' must hold booleans ... ['true', 'false']; text would be read as True. ...
    """
    values = _column(frame, column, arg, source)
    where = _where(arg, column)
    name = column if column is not None else "column"
    if isinstance(values.dtype, pd.CategoricalDtype):
        values = values.astype(object)
    missing = values.isna().to_numpy()
    if missing.any():
        raise ValueError(
            f"{where} has missing values ({int(missing.sum())}, row(s) {_rows(values.index, missing)}); "
            "a missing value is neither True nor False. Drop those rows or fill them, e.g. .fillna(False)."
        )
    if pd.api.types.is_bool_dtype(values.dtype):
        return values.astype(bool)
    if values.dtype == object or pd.api.types.is_string_dtype(values.dtype):
        text = values.map(_is_text).to_numpy(dtype=bool)
        if text.any():
            examples = list(dict.fromkeys(values[text].tolist()))[:3]
            raise TypeError(
                f"{where} must hold booleans (True/False or 1/0), but it holds text such as {examples}; "
                f"text would be read as True. Convert it first, e.g. {arg}[{name!r}] = "
                f"{arg}[{name!r}].str.lower().map({{'true': True, 'false': False}})."
            )
        if all(isinstance(v, (bool, np.bool_)) for v in values):
            return values.astype(bool)
    try:
        numbers = pd.to_numeric(values, errors="raise").astype("float64")
    except (TypeError, ValueError):
        numbers = None
    if numbers is None or not numbers.isin([0.0, 1.0]).all():
        bad = values if numbers is None else values[~numbers.isin([0.0, 1.0])]
        examples = list(dict.fromkeys(bad.tolist()))[:3]
        raise TypeError(
            f"{where} must hold booleans (True/False or 1/0), got values such as {examples}. "
            f"Convert it to True/False first, e.g. {arg}[{name!r}] = {arg}[{name!r}] > 0."
        )
    return numbers.astype(bool)


def require_numeric(
    frame,
    column: str | None,
    arg: str,
    *,
    source: str | None = None,
    allow_nan: bool = False,
    allow_inf: bool = False,
    min_value: float | None = None,
) -> pd.Series:
    """Return ``frame[column]`` as a ``float64`` Series after checking it holds numbers.

    Refused with a message naming ``arg`` and ``column``: text (also digits written as
    text, such as ``'5'``), dates, missing values (unless ``allow_nan``), infinite values
    (unless ``allow_inf``) and values below ``min_value``. Booleans count as 0/1.

    Examples
    --------
    >>> import pandas as pd
    >>> from crm_lessons._validation import require_numeric
    >>> require_numeric(pd.DataFrame({"q1": ["agree", 2]}), "q1", "items")
    Traceback (most recent call last):
    ...
    TypeError: `items` column 'q1' must hold numbers, but it holds text such as ['agree']. ...
    """
    values = _column(frame, column, arg, source)
    where = _where(arg, column)
    name = column if column is not None else "column"
    if isinstance(values.dtype, pd.CategoricalDtype):
        values = values.astype(object)
    if pd.api.types.is_datetime64_any_dtype(values.dtype) or pd.api.types.is_timedelta64_dtype(values.dtype):
        raise TypeError(
            f"{where} must hold numbers, got dates or durations ({values.dtype}); pass a numeric column."
        )
    if not (pd.api.types.is_numeric_dtype(values.dtype)):
        text = values.map(_is_text).to_numpy(dtype=bool)
        if text.any():
            examples = list(dict.fromkeys(values[text].tolist()))[:3]
            raise TypeError(
                f"{where} must hold numbers, but it holds text such as {examples}. Convert it first, e.g. "
                f"pd.to_numeric({arg}[{name!r}]), or recode text answers with .map({{...}})."
            )
        try:
            values = pd.to_numeric(values, errors="raise")
        except (TypeError, ValueError):
            raise TypeError(
                f"{where} must hold numbers, got values of type(s) "
                f"{sorted({type(v).__name__ for v in values.dropna()})}; pass a numeric column."
            ) from None
    try:
        numbers = values.astype("float64")
    except (TypeError, ValueError):  # complex numbers and the like
        raise TypeError(
            f"{where} must hold real numbers, got {values.dtype}; pass a numeric column."
        ) from None
    missing = numbers.isna().to_numpy()
    if missing.any() and not allow_nan:
        raise ValueError(
            f"{where} has missing values ({int(missing.sum())}, row(s) {_rows(numbers.index, missing)}). "
            f"Drop those rows or fill them first, e.g. {arg}.dropna(subset=[{name!r}])."
        )
    infinite = np.isinf(numbers.to_numpy())
    if infinite.any() and not allow_inf:
        raise ValueError(
            f"{where} has infinite values ({int(infinite.sum())}, row(s) {_rows(numbers.index, infinite)}), "
            "usually from a division by zero. Drop or correct those rows first."
        )
    if min_value is not None:
        low = (numbers < min_value).to_numpy()
        if low.any():
            raise ValueError(
                f"{where} has value(s) below {min_value:g} (row(s) {_rows(numbers.index, low)}, e.g. "
                f"{numbers[low].iloc[0]:g}); correct or drop those rows."
            )
    return numbers


def _id_kind(value) -> str:
    if isinstance(value, (bool, np.bool_)):
        return "bool"
    if isinstance(value, (int, float, np.integer, np.floating)):
        return "number"
    if _is_text(value):
        return "text"
    return type(value).__name__


def require_ids(
    frame,
    column: str | None,
    arg: str,
    *,
    source: str | None = None,
    allow_missing: bool = False,
    noun: str = "id",
) -> pd.Series:
    """Return ``frame[column]`` after checking its ids are present and of one type.

    A column mixing numbers and text (``1`` and ``"1"``) would count one order or customer
    twice, or two as one once written to text; missing ids cannot be matched. Both are
    refused with a message naming ``arg`` and ``column`` (missing ids are allowed with
    ``allow_missing``).

    Examples
    --------
    >>> import pandas as pd
    >>> from crm_lessons._validation import require_ids
    >>> require_ids(pd.DataFrame({"order_id": [1, "1"]}), "order_id", "sales")
    Traceback (most recent call last):
    ...
    TypeError: `sales` column 'order_id' mixes id types (number, text; e.g. 1 and '1'), so one id could ...
    """
    values = _column(frame, column, arg, source)
    where = _where(arg, column)
    name = column if column is not None else "column"
    missing = values.isna().to_numpy()
    if missing.any() and not allow_missing:
        raise ValueError(
            f"{where} has missing ids ({int(missing.sum())}, row(s) {_rows(values.index, missing)}); "
            "rows without an id cannot be matched. Fill in the ids or drop those rows first."
        )
    if isinstance(values.dtype, pd.CategoricalDtype):
        present = pd.Series(values.cat.categories)
    elif values.dtype == object:
        present = values[~missing]
    elif pd.api.types.is_float_dtype(values.dtype) and np.isinf(values.to_numpy()).any():
        raise ValueError(f"{where} has infinite {noun}s; fix those rows first.")
    else:
        return values
    infinite = present.map(lambda v: isinstance(v, (float, np.floating)) and np.isinf(v)).to_numpy(dtype=bool)
    if infinite.any():
        raise ValueError(f"{where} has infinite {noun}s; fix those rows first.")
    kinds = present.map(_id_kind)
    if kinds.nunique() > 1:
        firsts = present.groupby(kinds.to_numpy(), sort=True).first()
        raise TypeError(
            f"{where} mixes {noun} types ({', '.join(firsts.index)}; e.g. "
            f"{' and '.join(repr(v) for v in firsts.tolist())}), so one {noun} could count as two. "
            f"Make them one type first, e.g. {arg}[{name!r}] = {arg}[{name!r}].astype(str)."
        )
    return values


def require_dates(
    frame, column: str | None, arg: str, *, source: str | None = None, allow_missing: bool = False
) -> pd.Series:
    """Return ``frame[column]`` after checking it holds dates (``datetime64``) without gaps.

    Text dates are refused (comparing them with a date fails or sorts as text): convert
    them with ``pd.to_datetime``. Missing dates are refused unless ``allow_missing``.

    Examples
    --------
    >>> import pandas as pd
    >>> from crm_lessons._validation import require_dates
    >>> require_dates(pd.DataFrame({"order_date": ["2024-01-01"]}), "order_date", "orders")
    Traceback (most recent call last):
    ...
    TypeError: `orders` column 'order_date' must hold dates (datetime64), got str. ... pd.to_datetime(...).
    """
    values = _column(frame, column, arg, source)
    where = _where(arg, column)
    name = column if column is not None else "column"
    if not pd.api.types.is_datetime64_any_dtype(values.dtype):
        raise TypeError(
            f"{where} must hold dates (datetime64), got {values.dtype}. "
            f"Convert it first: {arg}[{name!r}] = pd.to_datetime({arg}[{name!r}])."
        )
    missing = values.isna().to_numpy()
    if missing.any() and not allow_missing:
        raise ValueError(
            f"{where} has missing dates ({int(missing.sum())}, row(s) {_rows(values.index, missing)}); "
            "fill them in or drop those rows first."
        )
    return values


def require_rows(frame, arg: str, what: str = "rows") -> None:
    """Raise ValueError naming ``arg`` when ``frame`` (a DataFrame or Series) is empty."""
    if len(frame) == 0:
        raise ValueError(f"`{arg}` has no {what}; pass a non-empty frame (did a filter remove every row?).")


def require_whole_number(value, arg: str, *, minimum: int | None = None) -> int:
    """Return ``value`` as int after checking it is a whole number (not text, not a bool) >= ``minimum``.

    Examples
    --------
    >>> from crm_lessons._validation import require_whole_number
    >>> require_whole_number("5", "n")
    Traceback (most recent call last):
    ...
    TypeError: `n` must be a whole number such as 5, got '5' (str). Pass the number without quotes.
    """
    if isinstance(value, (bool, np.bool_)) or not isinstance(value, (int, float, np.integer, np.floating)):
        fix = " Pass the number without quotes." if _is_text(value) else ""
        raise TypeError(
            f"`{arg}` must be a whole number such as 5, got {value!r} ({type(value).__name__}).{fix}"
        )
    if not np.isfinite(value) or float(value) != int(value):
        raise ValueError(f"`{arg}` must be a whole number such as 5, got {value!r}.")
    if minimum is not None and value < minimum:
        raise ValueError(f"`{arg}` must be at least {minimum}, got {value!r}.")
    return int(value)


def require_real(value, arg: str) -> float:
    """Return ``value`` as a finite float, refusing text, booleans, NaN and infinity."""
    if isinstance(value, (bool, np.bool_)) or not isinstance(value, (int, float, np.integer, np.floating)):
        fix = " Pass the number without quotes." if _is_text(value) else ""
        raise TypeError(f"`{arg}` must be a number, got {value!r} ({type(value).__name__}).{fix}")
    if not np.isfinite(value):
        raise ValueError(f"`{arg}` must be a finite number, got {value!r}.")
    return float(value)


def require_table(
    frame,
    arg: str,
    columns: Iterable[str] = (),
    *,
    ids: Iterable[str] = (),
    dates: Iterable[str] = (),
    numbers: Iterable[str] = (),
    booleans: Iterable[str] = (),
    allow_nan: Iterable[str] = (),
    nonempty: bool = False,
    source: str | None = None,
    uniform: Iterable[str] = (),
) -> None:
    """All the checks of one input frame in one call.

    ``frame`` must be a DataFrame with ``columns`` and the typed columns: ``ids``
    (:func:`require_ids`), ``dates`` (:func:`require_dates`), ``numbers``
    (:func:`require_numeric`, finite; missing values allowed for the columns in
    ``allow_nan``), ``booleans`` (:func:`require_boolean`) and ``uniform`` (group labels:
    values of one type, missing allowed); ``nonempty`` refuses a frame without rows. Every
    message names ``arg`` and the column.

    Examples
    --------
    >>> import pandas as pd
    >>> from crm_lessons._validation import require_table
    >>> orders = pd.DataFrame({"customer_id": ["a", None], "order_date": pd.to_datetime(["2024-01-01"] * 2)})
    >>> require_table(orders, "orders", ids=["customer_id"], dates=["order_date"])
    Traceback (most recent call last):
    ...
    ValueError: `orders` column 'customer_id' has missing ids (1, row(s) [1]); rows without an id cannot ...
    """
    ids, dates, numbers, booleans = list(ids), list(dates), list(numbers), list(booleans)
    allow_nan = set(allow_nan)
    require_columns(frame, [*columns, *ids, *dates, *numbers, *booleans], arg, source=source)
    if nonempty:
        require_rows(frame, arg)
    for col in ids:
        require_ids(frame, col, arg)
    for col in dates:
        require_dates(frame, col, arg, allow_missing=col in allow_nan)
    for col in numbers:
        require_numeric(frame, col, arg, allow_nan=col in allow_nan)
    for col in booleans:
        require_boolean(frame, col, arg)
    for col in uniform:
        require_ids(frame, col, arg, allow_missing=True, noun="value")


def require_same_id_type(
    left: pd.Series, left_arg: str, right: pd.Series, right_arg: str, column: str
) -> None:
    """Raise TypeError when two frames' id columns cannot match (numbers in one, text in the other)."""

    def kind(values):
        if isinstance(values.dtype, pd.CategoricalDtype):
            values = pd.Series(values.cat.categories)
        if pd.api.types.is_numeric_dtype(values.dtype) and not pd.api.types.is_bool_dtype(values.dtype):
            return "number"
        present = values.dropna()
        return _id_kind(present.iloc[0]) if len(present) else None

    a, b = kind(left), kind(right)
    if a is not None and b is not None and a != b:
        raise TypeError(
            f"`{left_arg}` column {column!r} holds {a} ids but `{right_arg}` column {column!r} holds {b} "
            "ids, "
            f"so no row would match; convert one of them, e.g. {right_arg}[{column!r}] = "
            f"{right_arg}[{column!r}].astype({'str' if a == 'text' else 'int'})."
        )


#: What the case company's and CDNOW's standard columns hold (crm_lessons.schema), for
#: :func:`require_typed`: ids, dates, numbers (finite) and booleans.
COLUMN_KINDS = {
    **dict.fromkeys(
        ("customer_id", "order_id", "product_id", "complaint_id", "lead_id", "respondent_id"), "id"
    ),
    **dict.fromkeys(
        (
            "order_date",
            "join_date",
            "survey_date",
            "complaint_date",
            "contact_date",
            "month",
            "purchase_date",
        ),
        "date",
    ),
    **dict.fromkeys(
        (
            "quantity",
            "unit_price",
            "discount",
            "unit_cost",
            "list_price",
            "revenue",
            "cost",
            "profit",
            "opening_units",
            "received_units",
            "sold_units",
            "closing_units",
            "spend",
            "website_visits",
            "resolution_days",
            "line_no",
            "amount_cents",
            "dollars",
            "cds",
            "recency",
            "frequency",
            "monetary",
        ),
        "number",
    ),
    **dict.fromkeys(
        ("internal", "responded", "converted", "requested_quote", "recovered", "repurchased"), "bool"
    ),
}


#: Arguments that name a whole case table, with its key: one row per key value.
TABLE_KEYS = {"customers": "customer_id", "products": "product_id"}


def require_typed(
    frame,
    arg: str,
    columns: Iterable[str],
    *,
    source: str | None = None,
    allow_nan: Iterable[str] = (),
    nonempty: bool = False,
) -> None:
    """:func:`require_table` with each column's kind looked up in :data:`COLUMN_KINDS`.

    Other columns (categories, names, group labels) must exist and hold values of one type
    (no ``1`` beside ``"1"``); missing values are allowed there. A frame passed as
    ``customers`` or ``products`` (:data:`TABLE_KEYS`) must list each key once.

    Examples
    --------
    >>> import pandas as pd
    >>> from crm_lessons._validation import require_typed
    >>> sales = pd.DataFrame({"customer_id": ["C1"], "revenue": ["12.5"]})
    >>> require_typed(sales, "sales", ["customer_id", "revenue"])
    Traceback (most recent call last):
    ...
    TypeError: `sales` column 'revenue' must hold numbers, but it holds text such as ['12.5']. ...
    """
    columns = list(dict.fromkeys(columns))
    by_kind = {
        kind: [c for c in columns if COLUMN_KINDS.get(c) == kind] for kind in ("id", "date", "number", "bool")
    }
    other = [c for c in columns if c not in COLUMN_KINDS]
    key = TABLE_KEYS.get(arg)
    if key in columns and isinstance(frame, pd.DataFrame) and key in frame.columns:
        require_unique(frame, key, arg)
    require_table(
        frame,
        arg,
        columns,
        ids=by_kind["id"],
        dates=by_kind["date"],
        numbers=by_kind["number"],
        booleans=by_kind["bool"],
        allow_nan=allow_nan,
        nonempty=nonempty,
        source=source,
        uniform=other,
    )


def require_numeric_frame(
    frame, columns: Iterable[str], arg: str, *, allow_nan: bool = True, source: str | None = None
) -> pd.DataFrame:
    """``frame[columns]`` as float64 after :func:`require_numeric` on each column (missing values allowed
    unless ``allow_nan`` is False; infinite values and text refused, naming ``arg`` and the column)."""
    columns = list(columns)
    require_columns(frame, columns, arg, source=source)
    return pd.DataFrame(
        {c: require_numeric(frame, c, arg, allow_nan=allow_nan) for c in dict.fromkeys(columns)},
        index=frame.index,
    )[columns]


def require_unique(frame, column: str, arg: str) -> None:
    """Raise ValueError naming ``arg`` and ``column`` when a value of ``column`` repeats (a key such as
    ``customer_id`` in the customers table must be unique)."""
    repeated = frame[column].duplicated(keep=False).to_numpy()
    if repeated.any():
        raise ValueError(
            f"`{arg}` column {column!r} repeats values such as {frame[column][repeated].iloc[0]!r} "
            f"(row(s) {_rows(frame.index, repeated)}); keep one row per {column} "
            f"(e.g. .drop_duplicates({column!r}))."
        )
