"""Load the workbook's data: the case company's tables and the CDNOW purchase log.

Every loader reads a file under :func:`data_dir`, checks it against the
declaration in :mod:`crm_lessons.schema` and returns a typed
:class:`pandas.DataFrame`: dates as ``datetime64[ns]``, categories as
:class:`pandas.Categorical` with the schema's categories (ordered where the
schema says so), booleans as ``bool``, whole numbers as ``int64`` (``Int64``
when the column may be empty), decimals as ``float64`` and text as strings.

A file that does not match its declaration raises one
:class:`DataFileError` (a :class:`ValueError`) whose message names the file,
the column, the first offending lines (numbered as in the file, the header
being line 1) with their values, and how to fix them.

Examples
--------
>>> from crm_lessons.data import load_cdnow
>>> log = load_cdnow()
>>> log.shape
(69659, 4)
>>> log.head(3)
  customer_id       date  cds  dollars
0       00001 1997-01-01    1    11.77
1       00002 1997-01-12    1    12.00
2       00002 1997-01-12    5    77.00
>>> log["customer_id"].nunique()
23570
"""

from __future__ import annotations

import csv
import hashlib
import io
import os
from collections import OrderedDict
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from crm_lessons._validation import require_same_id_type, require_typed
from crm_lessons.schema import TABLES, Column, Table

__all__ = [
    "DataFileError",
    "data_dir",
    "default_data_dir",
    "load_customers",
    "load_products",
    "load_orders",
    "load_order_lines",
    "load_inventory",
    "load_survey",
    "load_complaints",
    "load_pilot",
    "load_leads",
    "load_new_records",
    "load_case_company",
    "build_sales",
    "load_sales",
    "load_cdnow",
    "SALES_COLUMNS",
]

#: Sub-folders of the data folder.
CASE_COMPANY_DIR = "case_company"
CDNOW_DIR = "cdnow"
#: At most this many offending lines are quoted in an error message.
MAX_SHOWN = 5

#: The ``datasets/`` folder beside the package: a clone's, when the package is installed editable.
_REPO_DATASETS = Path(__file__).resolve().parent.parent / "datasets"

#: Columns of :func:`build_sales`, in order.
SALES_COLUMNS = (
    "order_id",
    "line_no",
    "customer_id",
    "order_date",
    "product_id",
    "category",
    "price_band",
    "quantity",
    "unit_price",
    "discount",
    "unit_cost",
    "revenue",
    "cost",
    "profit",
)


class DataFileError(ValueError):
    """A data file is missing or does not match its declaration in :mod:`crm_lessons.schema`.

    Attributes
    ----------
    path : pathlib.Path or None
        The file.
    column : str or None
        The offending column (several joined by ``", "`` for a composite key).
    lines : list of int
        The first offending lines, numbered as in the file (header = line 1).
    values : list
        The offending values on those lines (``None`` for an empty cell).
    """

    def __init__(self, message, *, path=None, column=None, lines=(), values=()):
        super().__init__(message)
        self.path = Path(path) if path is not None else None
        self.column = column
        self.lines = [int(n) for n in lines]
        self.values = list(values)


def _is_data_folder(folder: Path) -> bool:
    return (folder / CASE_COMPANY_DIR).is_dir() or (folder / CDNOW_DIR).is_dir()


def default_data_dir() -> Path:
    """The data folder used when a loader is given ``data_dir=None``.

    Returns
    -------
    pathlib.Path
        In this order: (1) the ``datasets/`` folder (one holding ``case_company/`` or ``cdnow/``)
        of the working folder or of the nearest of its parents that has one: a clone of the
        repository, wherever inside it the book runs (a notebook runs in its own folder,
        ``notebooks/`` or ``notebooks/zh/``), whether the package is installed from it editable
        or not; (2) else the ``datasets/`` folder beside the package (an editable install,
        ``pip install -e .``, used from anywhere); (3) else ``datasets`` in the working folder,
        which does not exist, so the loaders say which file is missing and how to pass the folder.

    Notes
    -----
    Looked up afresh at every call. Nothing is read from (or written to) the environment: a
    notebook passes its ``data_dir`` parameter to the loaders, and the grader sets that parameter.

    Examples
    --------
    >>> from crm_lessons.data import default_data_dir
    >>> (default_data_dir() / "cdnow" / "CDNOW_master.txt").is_file()
    True
    """
    here = Path.cwd()
    for folder in (here, *here.parents):
        if _is_data_folder(folder / "datasets"):
            return folder / "datasets"
    if _is_data_folder(_REPO_DATASETS):
        return _REPO_DATASETS
    return here / "datasets"


def data_dir(path=None) -> Path:
    """Folder holding the workbook's data (``case_company/`` and ``cdnow/``).

    Parameters
    ----------
    path : str or os.PathLike, optional
        Use this folder (a notebook passes its ``data_dir`` parameter here). ``None`` (the
        default) gives :func:`default_data_dir`: the ``datasets/`` folder of the clone the
        book runs in, else the one beside the package (editable install).

    Returns
    -------
    pathlib.Path
        The folder (not checked for existence; the loaders report a missing file).

    Notes
    -----
    The data folder reaches the code one way only: as an argument (a notebook's ``data_dir``
    parameter handed to ``load_*(data_dir)``); nothing is read from or written to the
    environment. The loaders keep one cache of typed frames, keyed by the file's resolved
    path and a digest of its bytes, so another folder, an edited or a regenerated file is
    always read afresh; each call returns a copy.

    Examples
    --------
    >>> from crm_lessons.data import data_dir
    >>> data_dir("/tmp/my_data").as_posix()
    '/tmp/my_data'
    >>> (data_dir() / "cdnow" / "CDNOW_master.txt").is_file()
    True
    """
    if path is None:
        return default_data_dir()
    if not isinstance(path, (str, os.PathLike)):
        raise TypeError(
            f"data_dir must be a folder path (str or pathlib.Path), got {type(path).__name__}; "
            f"pass the folder that holds {CASE_COMPANY_DIR}/ and {CDNOW_DIR}/, or None for the default"
        )
    return Path(path).expanduser()


_resolve_dir = data_dir  # the loaders' data_dir parameter shadows the function


# --------------------------------------------------------------------------- reading text


@dataclass
class _Source:
    """A file being loaded and how its data rows map to file lines."""

    path: Path
    first_line: int = 2  # file line of the first data row
    key: tuple | None = None  # the cache key of the loaded frame: resolved path and content digest
    starts: np.ndarray | None = None  # file line of each data row, when records span lines

    @property
    def name(self) -> str:
        return self.path.name

    def lines(self, positions) -> list[int]:
        positions = np.asarray(positions, dtype=np.int64)
        if self.starts is not None:
            return [int(n) for n in self.starts[positions]]
        return [int(n) for n in positions + self.first_line]

    def fail(self, what, fix, *, column=None, lines=(), values=()):
        where = f", column {column!r}" if column is not None else ""
        return DataFileError(
            f"Cannot load {self.name}{where}: {what}\nHow to fix: {fix}\nFile: {self.path}",
            path=self.path,
            column=column,
            lines=lines,
            values=values,
        )


def _show(value) -> str:
    if value is None or (isinstance(value, float) and np.isnan(value)) or value is pd.NA:
        return "(empty)"
    if isinstance(value, tuple):
        return "(" + ", ".join(_show(v) for v in value) + ")"
    if isinstance(value, str):
        return repr(value)
    return repr(value.item() if hasattr(value, "item") else value)


def _plain(value):
    """A value as quoted in DataFileError.values: None for empty, Python scalars otherwise."""
    if isinstance(value, tuple):
        return tuple(_plain(v) for v in value)
    if value is None or value is pd.NA or (isinstance(value, float) and np.isnan(value)):
        return None
    return value.item() if hasattr(value, "item") else value


def _read_text(path: Path, *, folder_hint: str) -> tuple[str, bytes]:
    """The file's text and a digest of its bytes.

    A missing, binary or non-UTF-8 file raises a DataFileError.
    """
    src = _Source(path)
    if path.is_dir():
        raise src.fail(
            "this is a folder, not a file.",
            f"Put the file {path.name} there (a CSV text file), or point the loaders at the data folder "
            f"that holds it. {folder_hint}",
        )
    if not path.is_file():
        if not path.parent.is_dir():
            raise src.fail(
                f"the folder {path.parent} does not exist.",
                f"Point the loaders at the folder holding {CASE_COMPANY_DIR}/ and "
                f"{CDNOW_DIR}/ with data_dir=... (the notebook's data_dir parameter; left as None it "
                "is the datasets/ folder of the clone you run in). "
                f"{folder_hint}",
            )
        raise src.fail(
            "the file is not there.",
            f"Check the file name (it must be exactly {path.name}). {folder_hint}",
        )
    try:
        data = path.read_bytes()
    except PermissionError:
        raise src.fail(
            "permission denied: this user may not read the file.",
            "Give yourself read permission (e.g. chmod u+r on the file), or copy the data folder to a "
            "place you own and pass it as data_dir=....",
        ) from None
    except OSError as err:
        raise src.fail(
            f"the file could not be read ({err.strerror or err}).",
            f"Check that the file is a readable CSV file. {folder_hint}",
        ) from None
    if b"\x00" in data:
        line = data[: data.index(b"\x00")].count(b"\n") + 1
        raise src.fail(
            f"it is not a text file (binary byte 0x00 on line {line}).",
            "Replace it with the CSV text file (saved as UTF-8 CSV, not a spreadsheet or archive).",
            lines=[line],
        )
    try:
        # -sig: tolerate the byte-order mark Excel writes
        return data.decode("utf-8-sig"), hashlib.blake2b(data, digest_size=16).digest()
    except UnicodeDecodeError as err:
        line = data[: err.start].count(b"\n") + 1
        raise src.fail(
            f"line {line} is not UTF-8 text (byte {data[err.start]:#04x} at offset {err.start}).",
            "Save the file as 'CSV UTF-8' (in Excel: Save As > CSV UTF-8), or restore the original.",
            lines=[line],
        ) from None


def _record_starts_csv(text: str, src: _Source) -> tuple[list[str], np.ndarray | None]:
    """Header fields, and each data record's start line if some record spans lines.

    Raises DataFileError for a record whose field count differs from the header's
    (pandas would silently pad short rows).
    """
    if '"' not in text:
        # Fast path: without quotes a record is a line and fields are split by commas.
        rows = text.split("\n")
        header = [h.strip().strip("\r") for h in rows[0].split(",")]
        counts = np.fromiter((r.count(",") for r in rows), dtype=np.int64, count=len(rows))
        bad = np.flatnonzero(counts != len(header) - 1)
        if len(bad):
            _ragged(
                src,
                [(int(i) + 1, int(counts[i]) + 1, rows[i].strip() == "") for i in bad[:MAX_SHOWN]],
                len(bad),
                len(header),
            )
        return header, None
    reader = csv.reader(io.StringIO(text, newline=""))
    starts, bad, n_bad = [], [], 0
    header, previous_end = None, 0
    try:
        for record in reader:
            start = previous_end + 1
            previous_end = reader.line_num
            if header is None:
                header = [h.strip() for h in record]
                continue
            starts.append(start)
            if len(record) != len(header):
                n_bad += 1
                if len(bad) < MAX_SHOWN:
                    bad.append((start, len(record), len(record) == 0))
    except csv.Error as err:
        raise src.fail(
            f"the CSV is malformed near line {reader.line_num + 1} ({err}).",
            "Check the quotes on that line: a field containing commas or quotes must be wrapped in "
            'double quotes, with inner quotes doubled ("").',
            lines=[reader.line_num + 1],
        ) from None
    if header is None:
        header = []
    if n_bad:
        _ragged(src, bad, n_bad, len(header))
    starts = np.asarray(starts, dtype=np.int64)
    if np.array_equal(starts, np.arange(2, len(starts) + 2)):
        return header, None
    return header, starts


def _ragged(
    src: _Source, bad, n_bad: int, n_header: int, expected: str = "the header's", fix: str | None = None
):
    shown = "; ".join(f"line {line}: {'empty line' if empty else f'{n} fields'}" for line, n, empty in bad)
    more = f" (first {MAX_SHOWN} shown)" if n_bad > MAX_SHOWN else ""
    raise src.fail(
        f"{n_bad} line(s) do not have {expected} {n_header} fields: {shown}{more}.",
        fix
        or "Give every line exactly one value per header column, separated by commas (leave a cell "
        "empty but keep its comma); wrap values containing commas in double quotes; delete empty lines.",
        lines=[b[0] for b in bad],
    )


def _read_csv_as_text(path: Path, text: str, table: Table) -> tuple[pd.DataFrame, _Source]:
    """Every cell of a case-company CSV as text (empty cell -> missing), header checked."""
    src = _Source(path)
    text = text.rstrip("\r\n")  # trailing blank lines are harmless
    expected = table.column_names
    if not text.strip():
        raise src.fail(
            "the file is empty.",
            f"It must start with the header line {','.join(expected)} followed by one line per row.",
            lines=[1],
        )
    header, starts = _record_starts_csv(text, src)
    src.starts = starts
    _check_header(src, header, expected)
    try:
        frame = pd.read_csv(
            io.StringIO(text),
            dtype=str,
            keep_default_na=False,  # "n/a", "NA", "null" stay text
            na_values=[""],  # ... and only an empty cell is missing
            skip_blank_lines=False,  # keep row i on file line i + 2
            engine="c",
        )
    except (pd.errors.ParserError, pd.errors.EmptyDataError, ValueError) as err:
        raise src.fail(
            f"the CSV could not be parsed ({str(err).strip()}).",
            "Open the file in a text editor and check that line for stray quotes or separators.",
        ) from None
    if len(frame.columns) != len(header) or (starts is not None and len(starts) != len(frame)):
        raise src.fail(  # the csv module and pandas read the quotes differently
            "the CSV could not be read consistently; the quotes in it are unbalanced.",
            "Open the file in a text editor: wrap a field containing commas, quotes or line breaks "
            'in double quotes and double any quote inside it ("").',
        )
    frame.columns = header
    return frame[expected], src


def _check_header(src: _Source, header: list[str], expected: list[str]) -> None:
    wanted = ",".join(expected)
    duplicated = sorted({h for h in header if header.count(h) > 1})
    if duplicated:
        raise src.fail(
            f"the header (line 1) names column(s) {', '.join(map(repr, duplicated))} more than once.",
            f"Keep one column of each name; the header must be: {wanted}",
            column=duplicated[0],
            lines=[1],
        )
    missing = [c for c in expected if c not in header]
    unexpected = [c for c in header if c not in expected]
    if not missing and not unexpected:
        return
    parts = []
    if missing:
        parts.append(f"missing column(s) {', '.join(map(repr, missing))}")
    if unexpected:
        parts.append(f"unexpected column(s) {', '.join(map(repr, unexpected))}")
    raise src.fail(
        f"the header (line 1) has {' and '.join(parts)}.",
        f"Rename or add the missing column(s) and remove the unexpected ones; the header must be: {wanted}",
        column=(missing or unexpected)[0],
        lines=[1],
    )


# --------------------------------------------------------------------------- typing columns


def _bad_values(src: _Source, column: str, raw: pd.Series, mask, what: str, fix: str, noun: str = "value"):
    """DataFileError quoting the first rows where ``mask`` is true.

    ``what`` follows the count and noun, with ``{are}`` for the verb ("1 value is ...", "3 values are ...").
    """
    positions = np.flatnonzero(np.asarray(mask, dtype=bool))
    n = len(positions)
    shown = positions[:MAX_SHOWN]
    lines = src.lines(shown)
    values = [raw.iloc[p] for p in shown]
    listing = "; ".join(f"line {line}: {_show(v)}" for line, v in zip(lines, values))
    more = f" (first {MAX_SHOWN} shown)" if n > MAX_SHOWN else ""
    phrase = what.format(are="is" if n == 1 else "are")
    return src.fail(
        f"{n} {noun}{'' if n == 1 else 's'} {phrase}: {listing}{more}.",
        fix,
        column=column,
        lines=lines,
        values=[_plain(v) for v in values],
    )


def _range_text(col: Column) -> str:
    unit = f" {col.unit}" if col.unit else ""
    if col.min is not None and col.max is not None:
        return f"between {col.min:g} and {col.max:g}{unit}"
    if col.min is not None:
        return f"at least {col.min:g}{unit}"
    return f"at most {col.max:g}{unit}"


def _to_number(src, col, raw, present, *, whole: bool):
    number = pd.to_numeric(raw, errors="coerce").astype("float64")
    with np.errstate(invalid="ignore"):
        bad = present & ~np.isfinite(number)
        if whole:
            bad |= present & np.isfinite(number) & ((number % 1 != 0) | (number.abs() > 2**53))
    if bad.any():
        kind = "whole number" if whole else "number"
        example = "12" if whole else "12.5 (a dot as decimal point, no thousands separator or unit)"
        raise _bad_values(
            src, col.name, raw, bad, f"{{are}} not a {kind}", f"Write a {kind} such as {example}."
        )
    if col.min is not None or col.max is not None:
        out = np.zeros(len(number), dtype=bool)
        if col.min is not None:
            out |= (number < col.min).to_numpy()
        if col.max is not None:
            out |= (number > col.max).to_numpy()
        if out.any():
            raise _bad_values(
                src,
                col.name,
                raw,
                out,
                f"{{are}} outside the allowed range ({_range_text(col)})",
                f"Correct these values so that each is {_range_text(col)}.",
            )
    return number


def _convert(src: _Source, col: Column, raw: pd.Series, *, date_format: str = "%Y-%m-%d") -> pd.Series:
    """One column of text converted to its schema type, or a DataFileError."""
    missing = raw.isna().to_numpy()
    present = ~missing
    if not col.nullable and missing.any():
        raise _bad_values(
            src,
            col.name,
            raw,
            missing,
            "{are} missing (empty cell) where a value is required",
            f"Fill in {col.name} ({col.description.lower()}) on these lines, or delete the lines.",
        )
    dtype = col.dtype
    if dtype == "str":
        return raw
    if dtype == "int":
        number = _to_number(src, col, raw, present, whole=True)
        if col.nullable:
            return number.astype("Int64")
        return number.astype("int64")
    if dtype == "float":
        return _to_number(src, col, raw, present, whole=False)
    if dtype == "date":
        dates = pd.to_datetime(raw, format=date_format, errors="coerce")
        bad = present & dates.isna().to_numpy()
        if bad.any():
            shape = date_format.replace("%Y", "YYYY").replace("%m", "MM").replace("%d", "DD")
            example = pd.Timestamp("2023-02-28").strftime(date_format)
            raise _bad_values(
                src,
                col.name,
                raw,
                bad,
                f"{{are}} not a real date written {shape}",
                f"Write each date as {shape} with a day that exists in its month (e.g. {example}).",
            )
        return dates.astype("datetime64[ns]")
    if dtype == "bool":
        lower = raw.str.strip().str.lower()
        true = (lower == "true").to_numpy()
        false = (lower == "false").to_numpy()
        bad = present & ~(true | false)
        if bad.any():
            raise _bad_values(src, col.name, raw, bad, "{are} not true or false", "Write true or false.")
        return pd.Series(true, index=raw.index, name=raw.name)
    if dtype == "category":
        categories = list(col.categories)
        labels = [str(c) for c in categories]
        bad = present & ~raw.isin(labels).to_numpy()
        if bad.any():
            raise _bad_values(
                src,
                col.name,
                raw,
                bad,
                "{are} outside the category list",
                f"Use one of {', '.join(map(repr, labels))} (spelt exactly so, capitals included)"
                + (", or leave the cell empty." if col.nullable else "."),
            )
        if labels != categories:  # non-text categories, e.g. Likert points
            raw = raw.map(dict(zip(labels, categories)))
        return pd.Series(
            pd.Categorical(raw, categories=categories, ordered=col.ordered), index=raw.index, name=raw.name
        )
    raise ValueError(
        f"schema column {col.name!r} has unknown dtype {dtype!r}; "
        "use one of str, int, float, date, bool, category"
    )


def _check_unique(src: _Source, frame: pd.DataFrame, key: tuple[str, ...]) -> None:
    if not key:
        return
    repeated = frame.duplicated(subset=list(key), keep=False).to_numpy()
    if repeated.any():
        if len(key) == 1:
            shown = frame[key[0]]
            article = "an" if key[0][:1].lower() in "aeiou" else "a"
            what = f"share {article} {key[0]}, which must be unique (it is the table's key)"
        else:
            shown = pd.Series(list(frame[list(key)].itertuples(index=False, name=None)), index=frame.index)
            what = f"share an ({', '.join(key)}) pair, which must be unique (it is the table's key)"
        raise _bad_values(
            src,
            ", ".join(key),
            shown,
            repeated,
            what,
            "Delete the duplicate lines, or give each line a key of its own.",
            noun="line",
        )


#: Typed frames of files already loaded, keyed by the file's path and a digest of its bytes,
#: so an edited or regenerated file is always read afresh. Callers get copies.
_CACHE: OrderedDict = OrderedDict()
_CACHE_SIZE = 32


def _cached(key):
    hit = _CACHE.get(key)
    if hit is None:
        return None
    _CACHE.move_to_end(key)
    frame, src = hit
    return frame.copy(), src


def _remember(key, frame, src) -> None:
    _CACHE[key] = (frame.copy(), src)
    while len(_CACHE) > _CACHE_SIZE:
        _CACHE.popitem(last=False)


def _load(table_name: str, folder) -> tuple[pd.DataFrame, _Source]:
    table = TABLES[table_name]
    path = data_dir(folder) / CASE_COMPANY_DIR / table.file
    text, digest = _read_text(
        path,
        folder_hint="Restore the case-company CSV files from the repository (datasets/case_company/) "
        f"or write them afresh with `crm-lessons generate --out {path.parent}`.",
    )
    key = (table_name, str(path.resolve()), digest)
    hit = _cached(key)
    if hit is not None:
        return hit
    raw, src = _read_csv_as_text(path, text, table)
    src.key = key
    columns = {col.name: _convert(src, col, raw[col.name]) for col in table.columns}
    frame = pd.DataFrame(columns)
    _check_unique(src, frame, table.primary_key)
    _remember(key, frame, src)
    return frame, src


def _check_foreign_keys(frames: dict, sources: dict) -> None:
    for name, table in TABLES.items():
        if name not in frames:
            continue
        for column, (parent, parent_column) in table.foreign_keys.items():
            child = frames[name][column]
            known = frames[parent][parent_column]
            dangling = child.notna().to_numpy() & ~child.isin(known).to_numpy()
            if dangling.any():
                raise _bad_values(
                    sources[name],
                    column,
                    child,
                    dangling,
                    f"{{are}} not a {parent_column} found in {TABLES[parent].file} "
                    "(the reference points nowhere)",
                    f"Use a {parent_column} that exists in {TABLES[parent].file}, add the missing "
                    f"rows there, or delete these lines.",
                )


# --------------------------------------------------------------------------- public loaders


def _column_doc(col: Column) -> str:
    """One column's entry in a loader's docstring."""
    kind = {
        "date": "datetime64[ns]",
        "category": "Categorical",
        "bool": "bool",
        "float": "float64",
        "str": "str",
    }
    dtype = ("Int64" if col.nullable else "int64") if col.dtype == "int" else kind[col.dtype]
    notes = []
    if col.ordered:
        notes.append("ordered")
    if col.nullable:
        notes.append("may be missing")
    head = f"        {col.name} : {dtype}" + (f" ({', '.join(notes)})" if notes else "")
    text = col.description + (f" [{col.unit}]" if col.unit else "")
    if col.categories:
        text += ": " + ", ".join(map(str, col.categories))
    if col.min is not None or col.max is not None:
        text += f"; {_range_text(Column(col.name, col.dtype, '', min=col.min, max=col.max))}"
    return f"{head}\n            {text}."


def _loader(table_name: str):
    table = TABLES[table_name]
    column_lines = "\n".join(_column_doc(c) for c in table.columns)

    def load(data_dir=None) -> pd.DataFrame:
        frame, _ = _load(table_name, data_dir)
        return frame

    load.__name__ = load.__qualname__ = f"load_{table_name}"
    raw_note = (
        "\n\n    Every column is kept as raw text (an empty cell becomes missing; 'n/a' and the like\n"
        "    stay text) because cleaning it is the lesson."
        if table.raw
        else ""
    )
    shown_dtype = {
        "date": "datetime64[ns]",
        "category": "category",
        "bool": "bool",
        "float": "float64",
        "str": "str",
    }
    dtype_lines = "\n".join(
        f"    {c.name} {('Int64' if c.nullable else 'int64') if c.dtype == 'int' else shown_dtype[c.dtype]}"
        for c in table.columns
    )
    key = f"Primary key: {', '.join(table.primary_key)}." if table.primary_key else ""
    refs = "".join(f" {c} refers to {TABLES[t].file}'s {pc}." for c, (t, pc) in table.foreign_keys.items())
    summary = table.description[0].lower() + table.description[1:]
    load.__doc__ = f"""Load the case company's {table.file}: {summary}{raw_note}

    Parameters
    ----------
    data_dir : str or os.PathLike, optional
        Data folder holding ``{CASE_COMPANY_DIR}/``; see :func:`data_dir`.

    Returns
    -------
    pandas.DataFrame
        One row per line of the file, in file order, with columns:

{column_lines}

    Raises
    ------
    DataFileError
        When the file is missing or does not match :data:`crm_lessons.schema.TABLES`
        (columns, types, dates, categories, ranges, empty cells, duplicate keys).

    Notes
    -----
    {key}{refs} Foreign keys are checked by :func:`load_case_company`, which loads all tables.
    Checked against the declaration in :mod:`crm_lessons.schema` by tests/test_data.py.

    Examples
    --------
    >>> from crm_lessons.data import load_{table_name}
    >>> {table_name} = load_{table_name}()
    >>> {table_name}.dtypes
{dtype_lines}
    dtype: object
    """
    return load


load_customers = _loader("customers")
load_products = _loader("products")
load_orders = _loader("orders")
load_order_lines = _loader("order_lines")
load_inventory = _loader("inventory")
load_survey = _loader("survey")
load_complaints = _loader("complaints")
load_pilot = _loader("pilot")
load_leads = _loader("leads")
load_new_records = _loader("new_records")


def load_case_company(data_dir=None) -> dict[str, pd.DataFrame]:
    """Load every table of the case company and check the keys between them.

    Parameters
    ----------
    data_dir : str or os.PathLike, optional
        Data folder holding ``case_company/``; see :func:`data_dir`.

    Returns
    -------
    dict of str to pandas.DataFrame
        Table name -> typed frame, in the order of :data:`crm_lessons.schema.TABLES`
        (customers, products, orders, order_lines, inventory, survey, complaints,
        pilot, leads, new_records).

    Raises
    ------
    DataFileError
        As each ``load_<table>``; also when a foreign key (e.g. an order's
        customer_id) names no row of the table it refers to.

    Notes
    -----
    Checked by tests/test_data.py on hand-written tables and on the committed files.
    """
    frames, sources = {}, {}
    for name in TABLES:
        frames[name], sources[name] = _load(name, data_dir)
    _check_foreign_keys(frames, sources)
    return frames


# --------------------------------------------------------------------------- sales


def _require_unique(frame, argument: str, key: str) -> None:
    repeated = frame[key][frame[key].duplicated()]
    if len(repeated):
        raise ValueError(
            f"{argument} repeats {key} {', '.join(map(repr, repeated.iloc[:MAX_SHOWN].tolist()))}; "
            f"each {key} must appear once (drop the duplicates)"
        )


def build_sales(orders: pd.DataFrame, order_lines: pd.DataFrame, products: pd.DataFrame) -> pd.DataFrame:
    """One row per order line with its customer, date, product group, revenue, cost and profit.

    Parameters
    ----------
    orders : pandas.DataFrame
        Columns order_id, customer_id, order_date (as :func:`load_orders`).
    order_lines : pandas.DataFrame
        Columns order_id, line_no, product_id, quantity, unit_price, discount
        (as :func:`load_order_lines`).
    products : pandas.DataFrame
        Columns product_id, category, price_band, unit_cost (as :func:`load_products`).

    Returns
    -------
    pandas.DataFrame
        In the order of ``order_lines``, columns order_id, line_no, customer_id,
        order_date, product_id, category, price_band, quantity, unit_price,
        discount, unit_cost, revenue, cost, profit.

    Raises
    ------
    TypeError, ValueError
        When an argument is not a frame, lacks a column, repeats a key, or an
        order line names an order or product that is not there.

    Notes
    -----
    .. math::

        \\text{revenue} = q \\cdot p \\cdot (1 - d), \\qquad
        \\text{cost} = q \\cdot c, \\qquad
        \\text{profit} = \\text{revenue} - \\text{cost}

    with quantity :math:`q`, unit price :math:`p`, discount :math:`d` (a
    fraction of the unit price) and unit cost :math:`c`. Profit here is the
    gross profit of the line (销售毛利), before any cost of serving the customer.

    References
    ----------
    The course's profitability chapter (customer profitability analysis, 客户盈利能力分析);
    the definitions in :data:`crm_lessons.schema.TABLES` ("order_lines").

    Examples
    --------
    >>> import pandas as pd
    >>> from crm_lessons.data import build_sales
    >>> orders = pd.DataFrame({"order_id": ["O1"], "customer_id": ["C1"],
    ...                        "order_date": pd.to_datetime(["2024-03-01"])})
    >>> lines = pd.DataFrame({"order_id": ["O1", "O1"], "line_no": [1, 2],
    ...                       "product_id": ["P1", "P2"], "quantity": [2, 1],
    ...                       "unit_price": [100.0, 50.0], "discount": [0.1, 0.0]})
    >>> products = pd.DataFrame({"product_id": ["P1", "P2"], "category": ["television", "small appliance"],
    ...                          "price_band": ["mid", "entry"], "unit_cost": [60.0, 30.0]})
    >>> build_sales(orders, lines, products)[["product_id", "revenue", "cost", "profit"]]
      product_id  revenue  cost  profit
    0         P1    180.0 120.0    60.0
    1         P2     50.0  30.0    20.0

    Checked against the hand-computed example in tests/test_data.py.
    """
    require_typed(orders, "orders", ["order_id", "customer_id", "order_date"], source="load_orders()")
    require_typed(
        order_lines,
        "order_lines",
        ["order_id", "line_no", "product_id", "quantity", "unit_price", "discount"],
        source="load_order_lines()",
    )
    require_typed(
        products, "products", ["product_id", "category", "price_band", "unit_cost"], source="load_products()"
    )
    require_same_id_type(order_lines["order_id"], "order_lines", orders["order_id"], "orders", "order_id")
    require_same_id_type(
        order_lines["product_id"], "order_lines", products["product_id"], "products", "product_id"
    )
    _require_unique(orders, "orders", "order_id")
    _require_unique(products, "products", "product_id")
    for argument, frame, key in (("orders", orders, "order_id"), ("products", products, "product_id")):
        unknown = order_lines[key][~order_lines[key].isin(frame[key])].drop_duplicates()
        if len(unknown):
            raise ValueError(
                f"order_lines names {key} {', '.join(map(repr, unknown.iloc[:MAX_SHOWN].tolist()))} "
                f"that {argument} does not have; pass the full {argument} table or drop those lines"
            )
    sales = order_lines[["order_id", "line_no", "product_id", "quantity", "unit_price", "discount"]].merge(
        orders[["order_id", "customer_id", "order_date"]], on="order_id", how="left", sort=False
    )
    sales = sales.merge(
        products[["product_id", "category", "price_band", "unit_cost"]],
        on="product_id",
        how="left",
        sort=False,
    )
    sales["revenue"] = sales["quantity"] * sales["unit_price"] * (1 - sales["discount"])
    sales["cost"] = sales["quantity"] * sales["unit_cost"]
    sales["profit"] = sales["revenue"] - sales["cost"]
    sales = sales[list(SALES_COLUMNS)]
    sales.index = pd.RangeIndex(len(sales))
    return sales


def load_sales(data_dir=None) -> pd.DataFrame:
    """The case company's order lines with customer, date, product group, revenue, cost and profit.

    Parameters
    ----------
    data_dir : str or os.PathLike, optional
        Data folder holding ``case_company/``; see :func:`data_dir`.

    Returns
    -------
    pandas.DataFrame
        :func:`build_sales` applied to :func:`load_orders`, :func:`load_order_lines`
        and :func:`load_products`.

    Notes
    -----
    revenue = quantity x unit_price x (1 - discount); cost = quantity x unit_cost;
    profit = revenue - cost. Checked by tests/test_data.py against the line-by-line formula.
    """
    frames, keys = {}, []
    for name in ("orders", "order_lines", "products"):
        frames[name], src = _load(name, data_dir)
        keys.append(src.key)
    key = ("sales", *keys)  # the same cache: a changed file (or folder) gives a new key
    hit = _cached(key)
    if hit is not None:
        return hit[0]
    sales = build_sales(frames["orders"], frames["order_lines"], frames["products"])
    _remember(key, sales, None)
    return sales


# --------------------------------------------------------------------------- CDNOW

#: Header of CDNOW_master.txt (the sample file has none), width of the customer ids, and the period
#: the purchases cover (first and last day).
CDNOW_HEADER = ("customer_id", "date", "number_of_cds", "dollar_value")
CDNOW_ID_WIDTH = 5
CDNOW_PERIOD = ("1997-01-01", "1998-06-30")

_CDNOW_COLUMNS = (
    Column("customer_id", "str", "Customer id, five digits zero-padded as in the file"),
    Column("date", "date", "Date of the purchase"),
    Column("cds", "int", "Number of CDs bought", unit="CDs", min=0),
    Column("dollars", "float", "Amount paid", unit="USD", min=0),
)


def load_cdnow(sample: bool = False, data_dir=None) -> pd.DataFrame:
    """Load the CDNOW purchase log (Fader & Hardie): one row per purchase.

    Parameters
    ----------
    sample : bool, default False
        False: the full log of the 23,570 customers who first bought at CDNOW
        in the first quarter of 1997 (``CDNOW_master.txt``, 69,659 purchases).
        True: the published 1/10 sample of 2,357 of them (``CDNOW_sample.txt``,
        6,919 purchases; its second column, the sample's own customer number,
        is dropped).
    data_dir : str or os.PathLike, optional
        Data folder holding ``cdnow/``; see :func:`data_dir`.

    Returns
    -------
    pandas.DataFrame
        In file order, columns customer_id (str, zero-padded as in the file,
        e.g. ``'00001'``; an id written without its zeros, ``32``, is padded to
        ``'00032'`` so that it stays the same customer), date (datetime64[ns]),
        cds (int64, CDs bought) and dollars (float64, amount paid in US dollars).

    Raises
    ------
    DataFileError
        When the file is missing or unreadable, its first line is neither the header
        nor a purchase, a line does not parse, a customer id is not a number or a date
        falls outside the period.

    Notes
    -----
    Purchases run from 1997-01-01 to 1998-06-30. A customer may have several
    lines on the same day. The sample's lines are exactly the full log's lines
    of the sampled customers.

    References
    ----------
    Fader, P. S., Hardie, B. G. S. & Lee, K. L. (2005). "Counting your customers"
    the easy way: an alternative to the Pareto/NBD model. *Marketing Science*,
    24(2), 275-284. Files as shipped in the ``lifetimes`` 0.11.3 package
    (see datasets/cdnow/README.md).

    Examples
    --------
    >>> from crm_lessons.data import load_cdnow
    >>> small = load_cdnow(sample=True)
    >>> small.shape
    (6919, 4)
    >>> small["customer_id"].nunique()
    2357
    >>> small.dtypes
    customer_id               str
    date           datetime64[ns]
    cds                     int64
    dollars               float64
    dtype: object
    >>> round(float(small["dollars"].sum()), 2)
    244091.94

    Checked against the counts and totals of the raw files (awk) in tests/test_data.py.
    """
    if not isinstance(sample, (bool, np.bool_)):
        raise TypeError(f"sample must be True or False, got {sample!r}")
    name = "CDNOW_sample.txt" if sample else "CDNOW_master.txt"
    path = _resolve_dir(data_dir) / CDNOW_DIR / name
    src = _Source(path, first_line=1)
    text, digest = _read_text(
        path,
        folder_hint="Restore datasets/cdnow/ from the repository (the files are copied from the "
        "lifetimes 0.11.3 wheel; see datasets/cdnow/README.md).",
    )
    key = ("cdnow", sample, str(path.resolve()), digest)
    hit = _cached(key)
    if hit is not None:
        return hit[0]
    text = text.rstrip()
    rows = text.split("\n")
    first = rows[0].split()
    has_header = bool(first) and not first[0].isdigit()  # the master file has one, the sample not
    n_fields = 5 if sample else 4
    header = list(CDNOW_HEADER)
    if sample:
        header.insert(1, "sample_id")
    if has_header and [f.lower() for f in first] != header:
        raise src.fail(
            f"line 1 is neither the header nor a purchase: {rows[0].strip()[:80]!r}.",
            f"The file starts with the header {' '.join(header)} (or directly with purchase lines such as "
            f"'00001 19970101 1 11.77'{' with the sample number after the customer id' if sample else ''}); "
            "restore the original file.",
            lines=[1],
        )
    counts = np.fromiter((len(r.split()) for r in rows), dtype=np.int64, count=len(rows))
    if has_header:
        counts[0] = n_fields
        src.first_line = 2
    bad = np.flatnonzero(counts != n_fields)
    if len(bad):
        shown = [(int(i) + 1, int(counts[i]), counts[i] == 0) for i in bad[:MAX_SHOWN]]
        _ragged(
            src,
            shown,
            len(bad),
            n_fields,
            expected="the expected",
            fix=f"Give every line exactly {n_fields} values ({', '.join(header)}) separated by spaces, "
            "as in the original file (no commas, no spaces inside a value); delete empty lines.",
        )
    names = ["customer_id", "date", "cds", "dollars"]
    if sample:
        names.insert(1, "sample_id")
    try:
        raw = pd.read_csv(
            io.StringIO(text),
            sep=r"\s+",
            header=None,
            names=names,
            skiprows=1 if has_header else 0,
            dtype=str,
            keep_default_na=False,
            na_values=[""],
        )
    except (pd.errors.ParserError, ValueError) as err:
        raise src.fail(
            f"the file could not be parsed ({str(err).strip()}).", "Restore the original file."
        ) from None
    columns = {col.name: _convert(src, col, raw[col.name], date_format="%Y%m%d") for col in _CDNOW_COLUMNS}
    ids = columns["customer_id"]
    not_digits = ~ids.str.fullmatch(r"\d+").to_numpy(dtype=bool)
    if not_digits.any():
        raise _bad_values(
            src,
            "customer_id",
            raw["customer_id"],
            not_digits,
            "{are} not a customer number",
            "Write each customer id as digits, five of them zero-padded as in the original file "
            "(e.g. 00032).",
        )
    # an unpadded id (32) is the same customer as 00032: pad, so that one customer stays one
    columns["customer_id"] = ids.str.lstrip("0").str.zfill(CDNOW_ID_WIDTH)
    dates = columns["date"]
    outside = ((dates < CDNOW_PERIOD[0]) | (dates > CDNOW_PERIOD[1])).to_numpy()
    if outside.any():
        raise _bad_values(
            src,
            "date",
            raw["date"],
            outside,
            f"{{are}} outside the CDNOW purchase period ({CDNOW_PERIOD[0]} to {CDNOW_PERIOD[1]})",
            "Correct these dates (written YYYYMMDD, e.g. 19970101) or restore the original file.",
        )
    log = pd.DataFrame(columns)
    _remember(key, log, src)
    return log
