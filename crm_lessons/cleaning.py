"""Classifying and tidying newly collected data (客户数据的分类与整理): clean a raw batch of records.

New customer records arrive as typed by staff and web forms: the same person twice, phone
numbers and dates in many formats, stray spaces, missing and impossible values. Before they
enter the customer database they are cleaned in four steps, each reported:

1. **Exact duplicates** -- rows identical in every field (apart from their row number) are the
   same record typed twice; the first is kept.
2. **Standardise** each field: phone numbers to 11 digits, dates to ``YYYY-MM-DD``, names trimmed
   with single spaces (all-capital or all-lower-case names capitalised), categories matched
   without regard to case, ``n/a``-style markers read as missing.
3. **Validate**: a record with a missing required field (name, phone, kind, join date) or an
   impossible value (a date like 2023-02-30, a date in the future, a birth year of 1890, a
   negative amount, a category not on the list) is *rejected* with its reason -- never
   guessed, never dropped silently.
4. **Near duplicates** -- valid records with the same normalised phone number and the same
   name (ignoring case and spacing) are the same person: they are merged into the first
   (fields missing there are filled from the others). The same phone under a different name
   is not merged but rejected for a person to check.

Every input row ends in exactly one of three states -- kept, rejected, merged -- so
``kept + rejected + merged = rows in``. :func:`load_clean_records` then inserts the kept people
into the database in one transaction: if any row breaks a constraint the whole batch is rolled
back and the result names the record.

Values only ever reach the database as bound parameters, so a name such as
``Robert'); DROP TABLE customers;--`` is stored as the text it is.

References
----------
Course material, chapter 3, "客户数据的分类与整理" (classify records by market segment; tidy
newly collected data). Rahm, E. & Do, H. H. (2000). Data cleaning: problems and current
approaches. *IEEE Data Engineering Bulletin*, 23(4), 3-13.

Examples
--------
>>> from crm_lessons.cleaning import normalise_phone, parse_date
>>> normalise_phone("(+86) 138-0013-8000")
('13800138000', None)
>>> parse_date("2024年3月5日")
(Timestamp('2024-03-05 00:00:00'), None)
>>> parse_date("2023-02-30")
(None, "impossible date '2023-02-30' (no such day)")
"""

from __future__ import annotations

import datetime as _dt
import re
import unicodedata
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from crm_lessons._validation import require_columns
from crm_lessons.database import NEW_CUSTOMERS, _q
from crm_lessons.schema import CUSTOMER_KINDS, HISTORY_END, REGIONS, TABLES

RAW_COLUMNS = TABLES["new_records"].column_names
#: Typed for "nothing known" in the batch; read as missing, not as a bad value.
MISSING_MARKERS = frozenset({"", "n/a", "na", "none", "null", "unknown", "-", "--", "?", "无", "不详"})
#: Spelling variants accepted for the customer kind.
KIND_SYNONYMS = {"organization": "organisation"}
#: Oldest accepted year of birth; the youngest customer is MIN_AGE years old at ``as_of``.
MIN_BIRTH_YEAR = 1900
MIN_AGE = 14
#: Fields that must be present for a record to be kept.
REQUIRED = ("name", "phone", "kind", "join_date")

_MOBILE = re.compile(r"1[3-9]\d{9}")
_DATE_PATTERNS = (
    (re.compile(r"(\d{4})-(\d{1,2})-(\d{1,2})"), "ymd"),
    (re.compile(r"(\d{4})/(\d{1,2})/(\d{1,2})"), "ymd"),
    (re.compile(r"(\d{4})\.(\d{1,2})\.(\d{1,2})"), "ymd"),
    (re.compile(r"(\d{4})年(\d{1,2})月(\d{1,2})日?"), "ymd"),
    (re.compile(r"(\d{4})(\d{2})(\d{2})"), "ymd"),
    (re.compile(r"(\d{1,2})/(\d{1,2})/(\d{4})"), "dmy"),
    (re.compile(r"(\d{1,2})\.(\d{1,2})\.(\d{4})"), "dmy"),
)
_CJK = r"\u3400-\u9fff\uf900-\ufaff"


def _text(value) -> str | None:
    """The value as stripped text (NFKC: full-width digits and letters made plain), or None."""
    if value is None or (not isinstance(value, str) and pd.isna(value)):
        return None
    text = unicodedata.normalize("NFKC", str(value)).strip()
    return None if text.casefold() in MISSING_MARKERS else text


def normalise_phone(value) -> tuple[str | None, str | None]:
    """A Chinese mobile number as 11 digits, or the reason it is not one.

    Parameters
    ----------
    value : str or None
        As typed: spaces, hyphens, dots, brackets, a ``+86`` / ``0086`` / ``86`` country code and
        full-width digits are all accepted.

    Returns
    -------
    (str or None, str or None)
        ``(digits, None)`` or ``(None, reason)``; ``(None, None)`` when nothing was typed.

    Notes
    -----
    A mainland mobile number has 11 digits and matches ``1[3-9]\\d{9}``.

    Examples
    --------
    >>> normalise_phone("+86 139 1234 5678")
    ('13912345678', None)
    >>> normalise_phone("０１３９１２３４５６７８")
    (None, "phone '013912345678' is not an 11-digit mobile number")
    >>> normalise_phone("")
    (None, None)
    """
    text = _text(value)
    if text is None:
        return None, None
    digits = re.sub(r"[\s\-().\u00a0]", "", text)
    if digits.startswith("+"):
        digits = digits[1:]
        if not digits.startswith("86"):
            return None, f"phone {text!r} has a foreign country code"
    if not digits.isdigit():
        return None, f"phone {text!r} holds characters other than digits"
    for prefix in ("0086", "86"):
        if digits.startswith(prefix) and len(digits) == 11 + len(prefix):
            digits = digits[len(prefix) :]
            break
    if not _MOBILE.fullmatch(digits):
        return None, f"phone {digits!r} is not an 11-digit mobile number"
    return digits, None


def parse_date(value, as_of=HISTORY_END) -> tuple[pd.Timestamp | None, str | None]:
    """A date typed in one of several formats, or the reason it cannot be one.

    Parameters
    ----------
    value : str or None
        ``2024-03-05``, ``2024/3/5``, ``2024.3.5``, ``20240305``, ``2024年3月5日``, and day first
        ``05/03/2024`` or ``5.3.2024`` (the convention in China and Europe; month-first dates
        are not accepted, since ``05/03`` could then mean either).
    as_of : str or pandas.Timestamp
        The day the batch was collected; later dates are rejected as future dates.

    Returns
    -------
    (pandas.Timestamp or None, str or None)
        ``(date, None)`` or ``(None, reason)``; ``(None, None)`` when nothing was typed.

    Examples
    --------
    >>> parse_date("31/04/2024")
    (None, "impossible date '31/04/2024' (no such day)")
    >>> parse_date("2031-05-01")
    (None, "future date '2031-05-01' (after 2024-12-31)")
    >>> parse_date("5 March")
    (None, "date '5 March' is in no known format")
    """
    text = _text(value)
    if text is None:
        return None, None
    for pattern, order in _DATE_PATTERNS:
        m = pattern.fullmatch(text)
        if m:
            a, b, c = (int(g) for g in m.groups())
            y, mo, d = (a, b, c) if order == "ymd" else (c, b, a)
            try:
                date = pd.Timestamp(_dt.date(y, mo, d))
            except ValueError:
                return None, f"impossible date {text!r} (no such day)"
            limit = pd.Timestamp(as_of)
            if date > limit:
                return None, f"future date {text!r} (after {limit:%Y-%m-%d})"
            return date, None
    return None, f"date {text!r} is in no known format"


def normalise_name(value) -> tuple[str | None, str | None]:
    """A name tidied for storage, and a key for finding the same name written differently.

    Parameters
    ----------
    value : str or None

    Returns
    -------
    (str or None, str or None)
        ``(name, key)``: the name trimmed, runs of spaces made one, spaces between Chinese
        characters removed, and capitalised word by word when it was typed all in capitals or
        all in lower case (mixed case is kept: ``McDonald``); the key is the name case-folded.

    Examples
    --------
    >>> normalise_name("  WANG   FANG ")
    ('Wang Fang', 'wang fang')
    >>> normalise_name("李 娜")
    ('李娜', '李娜')
    >>> normalise_name("Sean O'Brien")
    ("Sean O'Brien", "sean o'brien")
    """
    text = _text(value)
    if text is None:
        return None, None
    name = re.sub(r"\s+", " ", text)
    name = re.sub(rf"(?<=[{_CJK}]) (?=[{_CJK}])", "", name)
    if name.upper() != name.lower() and (name == name.upper() or name == name.lower()):
        name = " ".join(w[:1].upper() + w[1:].lower() for w in name.split(" "))
    return name, name.casefold()


def normalise_category(value, categories, synonyms=None) -> tuple[str | None, str | None]:
    """A category matched without regard to case and surrounding spaces.

    Examples
    --------
    >>> normalise_category(" CONSUMER ", ["consumer", "intermediary"])
    ('consumer', None)
    >>> normalise_category("retailer", ["consumer", "intermediary"])
    (None, "'retailer' is not one of consumer, intermediary")
    """
    text = _text(value)
    if text is None:
        return None, None
    key = text.casefold()
    key = (synonyms or {}).get(key, key)
    for c in categories:
        if c.casefold() == key:
            return c, None
    return None, f"{text!r} is not one of {', '.join(categories)}"


def parse_amount(value) -> tuple[float | None, str | None]:
    """A non-negative amount of money (``12,000``, ``¥5000`` and ``5000元`` accepted).

    Examples
    --------
    >>> parse_amount("12,500")
    (12500.0, None)
    >>> parse_amount("-500")
    (None, "negative amount '-500'")
    >>> parse_amount("lots")
    (None, "amount 'lots' is not a number")
    """
    text = _text(value)
    if text is None:
        return None, None
    plain = re.sub(r"[,\s¥￥]|元$|CNY|RMB", "", text)
    try:
        amount = float(plain)
    except ValueError:
        return None, f"amount {text!r} is not a number"
    if not np.isfinite(amount):
        return None, f"amount {text!r} is not a number"
    if amount < 0:
        return None, f"negative amount {text!r}"
    return amount, None


def parse_birth_year(value, as_of=HISTORY_END) -> tuple[int | None, str | None]:
    """A year of birth between 1900 and ``as_of``'s year minus :data:`MIN_AGE`.

    Examples
    --------
    >>> parse_birth_year("1985")
    (1985, None)
    >>> parse_birth_year("1890")
    (None, 'impossible birth year 1890 (accepted 1900-2010)')
    """
    text = _text(value)
    if text is None:
        return None, None
    latest = pd.Timestamp(as_of).year - MIN_AGE
    if not re.fullmatch(r"\d{4}", text):
        return None, f"birth year {text!r} is not a four-digit year"
    year = int(text)
    if not MIN_BIRTH_YEAR <= year <= latest:
        return None, f"impossible birth year {year} (accepted {MIN_BIRTH_YEAR}-{latest})"
    return year, None


def normalise_email(value) -> tuple[str | None, str | None]:
    """An e-mail address in lower case, checked only for its shape (one ``@``, a dot after it).

    Examples
    --------
    >>> normalise_email(" Wang.Fang@163.COM ")
    ('wang.fang@163.com', None)
    >>> normalise_email("wang.fang163.com")
    (None, "e-mail 'wang.fang163.com' has no single '@' with a domain after it")
    """
    text = _text(value)
    if text is None:
        return None, None
    email = text.lower()
    if not re.fullmatch(r"[^@\s]+@[^@\s]+\.[^@\s]+", email):
        return None, f"e-mail {text!r} has no single '@' with a domain after it"
    return email, None


# ------------------------------------------------------------------------------------------


@dataclass
class CleaningResult:
    """What :func:`clean_records` made of a batch.

    Attributes
    ----------
    clean : pandas.DataFrame
        One row per person kept, the columns of the ``new_customers`` table except its key,
        with ``source_records`` naming the raw rows merged into it.
    report : pandas.DataFrame
        One row per input record: ``record_id``, ``status`` (``kept``, ``rejected``,
        ``merged``), ``reason`` (why rejected, or whose duplicate), ``kept_as`` (the record it
        lives on in) and ``changes`` (fields that were standardised, e.g. ``phone: '+86 139...'
        -> '139...'``).
    rows_in : int
        Rows of the raw batch.
    """

    clean: pd.DataFrame
    report: pd.DataFrame
    rows_in: int

    @property
    def rejected(self) -> pd.DataFrame:
        """Rejected records with their reasons (the list to send back to whoever typed them)."""
        return self.report.loc[self.report["status"] == "rejected", ["record_id", "reason"]].reset_index(
            drop=True
        )

    @property
    def merged(self) -> pd.DataFrame:
        """Duplicate records and the record each was merged into."""
        return self.report.loc[
            self.report["status"] == "merged", ["record_id", "reason", "kept_as"]
        ].reset_index(drop=True)

    def summary(self) -> pd.DataFrame:
        """Rows in each state, with the balance ``kept + rejected + merged = rows in``.

        Returns
        -------
        pandas.DataFrame
            Columns ``status`` and ``records``: kept, rejected, merged, total, rows in.
        """
        counts = self.report["status"].value_counts()
        rows = [(s, int(counts.get(s, 0))) for s in ("kept", "rejected", "merged")]
        rows.append(("total", sum(n for _, n in rows)))
        rows.append(("rows in", self.rows_in))
        return pd.DataFrame(rows, columns=["status", "records"])

    def reasons(self) -> pd.DataFrame:
        """How many records were rejected or merged for each kind of reason.

        Returns
        -------
        pandas.DataFrame
            Columns ``status``, ``reason`` (the reason with its quoted value removed) and
            ``records``, most frequent first.
        """
        kind = (
            self.report["reason"]
            .str.replace(r" \(.*\)$", "", regex=True)
            .str.replace(r" is not one of .*", " not on the list", regex=True)
            .str.replace(r" ?'[^']*'| \d{4}\b| of R\d+|;.*$", "", regex=True)
            .str.strip()
        )
        frame = pd.DataFrame({"status": self.report["status"], "reason": kind})
        frame = frame[frame["status"] != "kept"]
        out = frame.groupby(["status", "reason"]).size().rename("records").reset_index()
        return out.sort_values(
            ["status", "records", "reason"], ascending=[True, False, True], ignore_index=True
        )


_FIELDS = ("name", "phone", "email", "kind", "region", "join_date", "birth_year", "expected_annual_purchase")


def _standardise(row: dict, as_of) -> tuple[dict, list[str], list[str]]:
    """One raw record -> (clean fields, problems, changes)."""
    clean, problems, changes = {}, [], []
    parsers = {
        "phone": normalise_phone,
        "email": normalise_email,
        "kind": lambda v: normalise_category(v, CUSTOMER_KINDS, KIND_SYNONYMS),
        "region": lambda v: normalise_category(v, REGIONS),
        "join_date": lambda v: parse_date(v, as_of),
        "birth_year": lambda v: parse_birth_year(v, as_of),
        "expected_annual_purchase": parse_amount,
    }
    name, key = normalise_name(row.get("name"))
    clean["name"], clean["name_key"] = name, key
    typed = _text(row.get("name")) or ""
    clean["name_recased"] = name is not None and name.replace(" ", "") != re.sub(r"\s+", "", typed)
    if name is None:
        problems.append("missing name")
    for f, parse in parsers.items():
        value, problem = parse(row.get(f))
        clean[f] = value
        if problem:
            problems.append({"kind": "kind ", "region": "region "}.get(f, "") + problem)
        elif value is None and f in REQUIRED:
            problems.append(f"missing {f.replace('_', ' ')}")
    for f in ("name", "phone", "email", "kind", "region", "join_date"):
        raw = row.get(f)
        raw = None if raw is None or (not isinstance(raw, str) and pd.isna(raw)) else str(raw)
        value = clean[f]
        shown = f"{value:%Y-%m-%d}" if isinstance(value, pd.Timestamp) else value
        if value is not None and raw is not None and shown != raw:
            changes.append(f"{f}: {raw!r} -> {shown!r}")
    for f in ("birth_year", "expected_annual_purchase"):
        raw = row.get(f)
        if (
            clean[f] is None
            and _text(raw) is None
            and raw is not None
            and not pd.isna(raw)
            and str(raw).strip()
        ):
            changes.append(f"{f}: {str(raw)!r} read as missing")
    return clean, problems, changes


def clean_records(raw: pd.DataFrame, as_of=HISTORY_END) -> CleaningResult:
    """Clean a raw batch of new customer records: standardise, validate, find duplicates.

    Parameters
    ----------
    raw : pandas.DataFrame
        The batch as text, columns as the ``new_records`` table
        (:func:`crm_lessons.data.load_new_records`): record_id, name, phone, email, kind,
        region, join_date, birth_year, expected_annual_purchase.
    as_of : str or pandas.Timestamp
        The day the batch was collected (default the end of the case history,
        2024-12-31): later join dates are rejected as future dates.

    Returns
    -------
    CleaningResult
        ``clean`` (people to load), ``report`` (every record's fate), ``summary()``.

    Notes
    -----
    Steps, in order: exact duplicates (identical raw fields) -> standardise each field ->
    reject records with a missing required field or an impossible value (all reasons listed,
    separated by ``"; "``) -> merge valid records with the same phone and the same name key
    (the earliest ``record_id`` survives; missing email, region, birth year or expected
    purchase are filled from its duplicates). A valid record whose phone is already taken by
    a different name is rejected. Checked against the generator's list of true problems and
    true people (``crm_lessons.generator.NEW_RECORDS_TRUTH``) in the tests.

    Examples
    --------
    >>> import pandas as pd
    >>> raw = pd.DataFrame({"record_id": ["R1", "R2", "R3"], "name": ["Wang Fang", "WANG  FANG", "Li Na"],
    ...     "phone": ["138-0013-8000", "+86 13800138000", "12345"], "email": ["", "wf@163.com", ""],
    ...     "kind": ["consumer", "Consumer", "consumer"], "region": ["East", "", "North"],
    ...     "join_date": ["2024-03-05", "05/03/2024", "2023-02-30"], "birth_year": ["1990", "", ""],
    ...     "expected_annual_purchase": ["5000", "n/a", "1000"]})
    >>> result = clean_records(raw)
    >>> result.report[["record_id", "status", "kept_as"]]
      record_id    status kept_as
    0        R1      kept      R1
    1        R2    merged      R1
    2        R3  rejected     NaN
    >>> result.clean[["name", "phone", "email", "join_date", "source_records"]]
            name        phone       email  join_date source_records
    0  Wang Fang  13800138000  wf@163.com 2024-03-05          R1;R2
    """
    require_columns(raw, RAW_COLUMNS, "raw")
    ids = raw["record_id"].astype("str")
    if ids.isna().any() or ids.duplicated().any():
        raise ValueError(
            "raw: record_id must be present and unique on every row (it is how the report names records)"
        )
    rows = raw[RAW_COLUMNS].astype(object).where(raw[RAW_COLUMNS].notna(), None).to_dict("records")
    status: dict[str, str] = {}
    reason: dict[str, str] = {}
    kept_as: dict[str, str | None] = {}
    changes: dict[str, str] = {}

    # 1. exact duplicates: identical raw text in every field
    first_of: dict[tuple, str] = {}
    candidates = []
    for row in rows:
        rid = str(row["record_id"])
        key = tuple("" if row[f] is None else str(row[f]) for f in _FIELDS)
        if key in first_of:
            status[rid], reason[rid], kept_as[rid] = (
                "merged",
                f"exact duplicate of {first_of[key]}",
                first_of[key],
            )
            changes[rid] = ""
            continue
        first_of[key] = rid
        candidates.append(row)

    # 2-3. standardise and validate
    valid = []
    for row in candidates:
        rid = str(row["record_id"])
        clean, problems, change = _standardise(row, as_of)
        changes[rid] = "; ".join(change)
        if problems:
            status[rid], reason[rid], kept_as[rid] = "rejected", "; ".join(problems), None
        else:
            valid.append((rid, clean))

    # 4. near duplicates: same phone and same name key
    people: dict[str, tuple[str, dict, list[str]]] = {}  # phone -> (survivor id, clean fields, sources)
    for rid, clean in valid:
        phone = clean["phone"]
        if phone in people:
            survivor, fields, sources = people[phone]
            if fields["name_key"] == clean["name_key"]:
                status[rid], kept_as[rid] = "merged", survivor
                reason[rid] = f"near duplicate of {survivor} (same phone and name)"
                sources.append(rid)
                for f in ("email", "region", "birth_year", "expected_annual_purchase"):
                    if fields[f] is None and clean[f] is not None:
                        fields[f] = clean[f]
                if fields["name_recased"] and not clean["name_recased"]:
                    fields["name"], fields["name_recased"] = (
                        clean["name"],
                        False,
                    )  # prefer the name as typed in mixed case
            else:
                status[rid], kept_as[rid] = "rejected", None
                reason[rid] = (
                    f"phone {phone} already belongs to {fields['name']!r} ({survivor}); "
                    "check who owns the number"
                )
            continue
        people[phone] = (rid, dict(clean), [rid])
        status[rid], reason[rid], kept_as[rid] = "kept", "", rid

    # exact duplicates follow their original
    for rid, target in kept_as.items():
        if status[rid] == "merged" and reason[rid].startswith("exact duplicate"):
            if status[target] == "rejected":
                reason[rid] += " (rejected: " + reason[target] + ")"
                kept_as[rid] = None
            elif status[target] == "merged":
                kept_as[rid] = kept_as[target]
            if kept_as[rid] is not None:
                for _phone, (survivor, _, sources) in people.items():
                    if survivor == kept_as[rid]:
                        sources.append(rid)

    clean_rows = []
    for phone, (_survivor, fields, sources) in people.items():
        order = {str(r["record_id"]): i for i, r in enumerate(rows)}
        clean_rows.append(
            {
                "name": fields["name"],
                "phone": phone,
                "email": fields["email"],
                "kind": fields["kind"],
                "region": fields["region"],
                "join_date": fields["join_date"],
                "birth_year": fields["birth_year"],
                "expected_annual_purchase": fields["expected_annual_purchase"],
                "source_records": ";".join(sorted(sources, key=order.get)),
            }
        )
    columns = [c.name for c in NEW_CUSTOMERS.columns if c.name != "new_customer_id"]
    clean_frame = pd.DataFrame(clean_rows, columns=columns)
    clean_frame["join_date"] = pd.to_datetime(clean_frame["join_date"])
    clean_frame["birth_year"] = clean_frame["birth_year"].astype("Int64")
    clean_frame["expected_annual_purchase"] = clean_frame["expected_annual_purchase"].astype("float64")
    for c in ("name", "phone", "email", "kind", "region", "source_records"):
        clean_frame[c] = clean_frame[c].astype("str")

    order_ids = [str(r["record_id"]) for r in rows]
    report = pd.DataFrame(
        {
            "record_id": order_ids,
            "status": [status[r] for r in order_ids],
            "reason": [reason[r] for r in order_ids],
            "kept_as": pd.array([kept_as[r] for r in order_ids], dtype="str"),
            "changes": [changes.get(r, "") for r in order_ids],
        }
    )
    return CleaningResult(clean=clean_frame, report=report, rows_in=len(rows))


# ------------------------------------------------------------------------------------------


@dataclass
class LoadResult:
    """Outcome of :func:`load_clean_records`.

    Attributes
    ----------
    loaded : int
        Rows inserted (0 when the batch was rolled back).
    committed : bool
        True when the whole batch is in the database.
    failed_record : str or None
        ``source_records`` of the row that broke a constraint.
    error : str
        The database's message for that row ('' on success).
    new_customer_ids : list of str
        Keys given to the inserted rows.
    """

    loaded: int
    committed: bool
    failed_record: str | None = None
    error: str = ""
    new_customer_ids: list = field(default_factory=list)

    def __str__(self) -> str:
        if self.committed:
            return f"committed: {self.loaded} new customers loaded"
        return (
            f"rolled back: record {self.failed_record} broke a constraint ({self.error}); nothing was loaded"
        )


def load_clean_records(con, clean: pd.DataFrame) -> LoadResult:
    """Insert cleaned people into ``new_customers`` in one transaction (all or nothing).

    Parameters
    ----------
    con : duckdb.DuckDBPyConnection
        The customer database (:func:`crm_lessons.database.build_database`).
    clean : pandas.DataFrame
        ``CleaningResult.clean`` (columns of ``new_customers`` except ``new_customer_id``).

    Returns
    -------
    LoadResult

    Notes
    -----
    Keys ``N00001``, ``N00002``, ... continue after the largest key already in the table.
    Rows are inserted one by one with bound parameters inside ``BEGIN ... COMMIT``, so the
    row that breaks a constraint (``UNIQUE`` phone, ``CHECK`` on kind, region, birth year,
    ``NOT NULL``) is known; then the transaction is rolled back and the table is exactly as
    before.

    Examples
    --------
    >>> import duckdb, pandas as pd
    >>> from crm_lessons.database import table_ddl, NEW_CUSTOMERS
    >>> con = duckdb.connect()
    >>> _ = con.execute(table_ddl(NEW_CUSTOMERS))
    >>> people = pd.DataFrame({"name": ["Robert'); DROP TABLE customers;--"], "phone": ["13800138000"],
    ...     "email": [None], "kind": ["consumer"], "region": ["East"],
    ...     "join_date": pd.to_datetime(["2024-03-05"]),
    ...     "birth_year": [1990], "expected_annual_purchase": [5000.0], "source_records": ["R1"]})
    >>> print(load_clean_records(con, people))
    committed: 1 new customers loaded
    >>> print(load_clean_records(con, people))  # the same person again: phone must be unique
    rolled back: record R1 broke a constraint (...); nothing was loaded
    >>> con.execute("SELECT new_customer_id, name FROM new_customers").fetchall()
    [('N00001', "Robert'); DROP TABLE customers;--")]
    """
    import duckdb

    columns = [c.name for c in NEW_CUSTOMERS.columns]
    require_columns(clean, [c for c in columns if c != "new_customer_id"], "clean")
    insert = (
        f"INSERT INTO {_q(NEW_CUSTOMERS.name)} ({', '.join(_q(c) for c in columns)}) "
        f"VALUES ({', '.join('?' for _ in columns)})"
    )
    con.execute("BEGIN TRANSACTION")
    try:
        largest = con.execute(
            f"SELECT max(CAST(substr(new_customer_id, 2) AS INTEGER)) FROM {_q(NEW_CUSTOMERS.name)}"
        ).fetchone()[0]
        next_number = (largest or 0) + 1
        ids = []
        for i, row in enumerate(clean.itertuples(index=False)):
            rec = row._asdict()
            key = f"N{next_number + i:05d}"
            values = [key] + [_plain(rec[c]) for c in columns[1:]]
            try:
                con.execute(insert, values)
            except duckdb.Error as exc:
                con.execute("ROLLBACK")
                message = str(exc).splitlines()[0]
                return LoadResult(0, False, failed_record=str(rec["source_records"]), error=message)
            ids.append(key)
        con.execute("COMMIT")
    except BaseException:
        try:
            con.execute("ROLLBACK")
        except duckdb.Error:
            pass
        raise
    return LoadResult(len(ids), True, new_customer_ids=ids)


def _plain(value):
    """A pandas/numpy scalar as the Python value the database driver binds (missing -> None)."""
    if value is None or value is pd.NA or value is pd.NaT:
        return None
    if isinstance(value, float) and np.isnan(value):
        return None
    if isinstance(value, pd.Timestamp):
        return value.date()
    if isinstance(value, np.generic):
        return value.item()
    return value
