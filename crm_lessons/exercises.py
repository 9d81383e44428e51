"""Exercises with instant feedback, whose answers the grader can trust.

What a student sees
-------------------
An exercise notebook starts with ``ex.start("ch01", data_dir)`` and then asks questions:

* ``ex.ask("q1")`` shows a concept or explore-then-answer question as a widget (one choice,
  several choices, or sorting items into groups). A click is the answer (every tick is kept);
  a one-choice question is submitted by its click, a tick-all or sorting question by its
  "Check answer" button. The feedback appears under the widget ("correct" or "not yet" with a
  first hint, then a second hint; never the answer itself) together with the question's points.
  Each different wrong answer submitted counts once towards the hints, not each click or tick.
  The question's output also carries a static rendering of it (:func:`question_static`: the
  full question, its options, the answer given) for readers who do not run the notebook.
* ``ex.check("q5", answer_q5)`` checks a compute-it-yourself answer (a number, a Series, a
  DataFrame or a function) against the reference computed on the same data.

Practice and graded releases (where the answer key is)
------------------------------------------------------
The questions' public text (prompts, options, hints, answer formats, in English and Chinese)
comes from ``crm_lessons/exercise_bank/chNN.toml`` (:func:`load_exercise`). The answer key
(correct options, reference functions) is *not* part of the package: it is a ``key/chNN.py``
file (:func:`load_key`). In a **practice** release the key sits beside the notebooks and
``ex.start`` loads it: right/wrong feedback at once. In a **graded** release there is none:
``ex.check`` checks only the format of an answer (type, index labels, columns, value range:
:func:`format_problems`) and a click is recorded without saying right or wrong; the grader
reads its own copy of the key in its own process (``crm-lessons grade --key``).

How a widget answer survives (the design)
-----------------------------------------
JupyterLab does not save widget state by default, and re-executing a notebook replaces it, so the
widget itself is never where an answer lives. On every click the kernel

1. writes the answer as plain JSON into a sidecar file next to the notebook,
   ``.crm_answers/<exercise>.json``, so that re-running the cell after a kernel restart
   restores the widget and the record (when the sidecar is gone, the answers saved in the
   notebook file itself are used, found through ``JPY_SESSION_NAME``);
2. updates, in place (``display_id``), a display output of the question's cell carrying the
   answer in the MIME type :data:`ANSWER_MIME` next to the human-readable feedback. Outputs are
   saved inside the ``.ipynb``: the file the student hands in carries every widget answer
   exactly as last given, readable without executing anything (:func:`saved_answers`).

A compute answer is only needed while the grader runs the notebook, so its full record travels
in the display message's ``transient`` part (:data:`TRANSIENT_KEY`), which frontends never
save; the saved output keeps a small record without the value.

What the grader trusts
----------------------
Nothing computed in the student's kernel is trusted for the grade. The records hold plain JSON
(``to_plain`` turns numbers, Series, DataFrames and function results into lists, dicts, strings
and numbers; no pickle), and :mod:`crm_lessons.grading` compares them with references computed
in its own process. Widget answers are read from the submitted file before it is executed;
compute-it-yourself answers are taken from the execution, which runs on a case dataset generated
at grading time with a fresh seed, so numbers copied from this notebook's data do not pass.
The feedback given here (practice release) uses references computed in the student's kernel
and is for learning only; in a graded release the kernel has no key to read.

Question kinds
--------------
:class:`Choice` (one option), :class:`MultiChoice` (select all that apply; partial credit =
right picks minus wrong picks over the number of right options, not below 0), :class:`Match`
(sort items into groups; partial credit per item), :class:`Compute` (a value, Series or frame;
partial credit for a Series or frame = share of matching entries), :class:`Function` (the
student's function is called on cases built from the data; partial credit per case), and
:class:`Written` (an answer in words, given with ``ex.write("qN", text)`` or in a markdown cell
tagged ``answer-qN``, marked by the instructor against the question's rubric; see
:mod:`crm_lessons.grading.marks`).

Examples
--------
>>> q = Choice("q1", 2, "Which type of CRM analyses data?", hints=("Think of data mining.", "Not campaigns."),
...            options=("operational", "analytical"), correct="analytical")
>>> q.score("analytical", q.reference(None))
(1.0, 'correct')
>>> q.score("operational", q.reference(None))
(0.0, 'not the right option')
>>> to_plain(pd.Series({"b": 2.0, "a": 1.0}))
{'__series__': {'index': ['b', 'a'], 'values': [2.0, 1.0]}}
"""

from __future__ import annotations

import html
import json
import math
import os
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

#: MIME type of the answer records in notebook outputs.
ANSWER_MIME = "application/vnd.crm-lessons.answer+json"
#: Key of compute-answer records in a display message's ``transient`` part.
TRANSIENT_KEY = "crm_lessons_answer"
#: Version of the record format.
RECORD_FORMAT = 1
#: Folder (next to the notebook) where clicked answers are kept between kernel sessions.
SIDECAR_DIR = ".crm_answers"
#: Tables a :class:`CaseData` can hand out.
TABLE_NAMES = (
    "customers",
    "products",
    "orders",
    "order_lines",
    "inventory",
    "survey",
    "complaints",
    "pilot",
    "leads",
    "sales",
)
#: Largest answer (in list entries) that is serialised; a bigger one is reported as too large.
MAX_ENTRIES = 200_000


# --------------------------------------------------------------------------- data


_CACHE: dict[tuple[str, str], pd.DataFrame] = {}


def _resolve(data_dir) -> str:
    from crm_lessons.data import data_dir as resolve

    return str(Path(resolve(data_dir)).resolve())


def _load_table(folder: str, name: str) -> pd.DataFrame:
    key = (folder, name)
    if key not in _CACHE:
        from crm_lessons import data

        if name == "sales":
            _CACHE[key] = data.build_sales(
                _load_table(folder, "orders"),
                _load_table(folder, "order_lines"),
                _load_table(folder, "products"),
            )
        else:
            _CACHE[key] = getattr(data, f"load_{name}")(folder)
    # a shallow copy: with copy-on-write the student's changes never reach the cache
    return _CACHE[key].copy(deep=False)


class CaseData:
    """The case company's tables for one data folder, loaded once and cached.

    Attributes are the tables of :data:`TABLE_NAMES` (``sales`` is one row per order line,
    see :func:`crm_lessons.data.build_sales`). Every access hands out a fresh (shallow,
    copy-on-write) copy, so changing it does not change what the next access returns.
    """

    def __init__(self, data_dir=None):
        self.folder = _resolve(data_dir)

    def __getattr__(self, name: str) -> pd.DataFrame:
        if name in TABLE_NAMES:
            return _load_table(self.folder, name)
        raise AttributeError(f"CaseData has no table {name!r}; tables: {', '.join(TABLE_NAMES)}")

    def __repr__(self) -> str:
        return f"CaseData(tables: {', '.join(TABLE_NAMES)})"


def preload(
    data_dir=None, tables=("customers", "products", "orders", "order_lines", "sales", "pilot", "survey")
) -> None:
    """Read the usual tables into the cache (the grading zygote calls this before forking)."""
    folder = _resolve(data_dir)
    for name in tables:
        try:
            _load_table(folder, name)
        except Exception:  # a table missing from a small data set is simply not cached
            pass


# --------------------------------------------------------------------------- plain values


class AnswerTypeError(TypeError):
    """An answer that cannot be turned into plain data (numbers, text, lists, tables)."""


def _plain_scalar(x):
    if x is None or isinstance(x, bool) and type(x) is bool:
        return x
    if isinstance(x, (np.bool_,)):
        return bool(x)
    if isinstance(x, (int, np.integer)) and not isinstance(x, bool):
        return int(x)
    if isinstance(x, (float, np.floating)):
        f = float(x)
        return None if math.isnan(f) else f
    if isinstance(x, str):
        return str(x)
    if isinstance(x, (pd.Timestamp, np.datetime64)):
        return pd.Timestamp(x).isoformat()
    if x is pd.NA or x is pd.NaT:
        return None
    raise AnswerTypeError(f"cannot record a value of type {type(x).__name__}")


def to_plain(obj: Any) -> Any:
    """Turn an answer into JSON-ready plain data (the only thing that leaves the kernel).

    Numbers become ``int``/``float`` (NaN becomes ``None``), text ``str``; a Series becomes
    ``{"__series__": {"index": [...], "values": [...]}}`` and a DataFrame
    ``{"__frame__": {"columns": [...], "index": [...], "data": [[...], ...]}}``; lists, tuples
    and dicts are converted element by element.

    Examples
    --------
    >>> to_plain(np.float64(2.5)), to_plain(np.int64(3)), to_plain(float("nan"))
    (2.5, 3, None)
    >>> to_plain(pd.DataFrame({"x": [1, 2]}, index=["a", "b"]))
    {'__frame__': {'columns': ['x'], 'index': ['a', 'b'], 'data': [[1], [2]]}}
    """
    budget = [MAX_ENTRIES]

    def spend(n: int) -> None:
        budget[0] -= n
        if budget[0] < 0:
            raise AnswerTypeError(f"the answer is too large (more than {MAX_ENTRIES} entries)")

    def conv(x, depth=0):
        if depth > 20:
            raise AnswerTypeError("the answer is nested too deeply")
        if isinstance(x, pd.DataFrame):
            spend(x.size + len(x.index))
            return {
                "__frame__": {
                    "columns": [_plain_scalar(c) if not isinstance(c, tuple) else str(c) for c in x.columns],
                    "index": [_plain_scalar(i) if not isinstance(i, tuple) else str(i) for i in x.index],
                    "data": [
                        [_plain_scalar(v) for v in row] for row in x.astype(object).itertuples(index=False)
                    ],
                }
            }
        if isinstance(x, pd.Series):
            spend(2 * len(x))
            return {
                "__series__": {
                    "index": [_plain_scalar(i) if not isinstance(i, tuple) else str(i) for i in x.index],
                    "values": [_plain_scalar(v) for v in x.astype(object)],
                }
            }
        if isinstance(x, np.ndarray):
            spend(x.size)
            return [conv(v, depth + 1) for v in x.tolist()]
        if isinstance(x, (list, tuple, set, frozenset)):
            spend(len(x))
            items = sorted(x, key=repr) if isinstance(x, (set, frozenset)) else x
            return [conv(v, depth + 1) for v in items]
        if isinstance(x, dict):
            spend(len(x))
            return {str(_plain_scalar(k)): conv(v, depth + 1) for k, v in x.items()}
        return _plain_scalar(x)

    return conv(obj)


# --------------------------------------------------------------------------- comparing plain values


def _close(a, b, rel: float, abs_: float) -> bool:
    if isinstance(a, bool) or isinstance(b, bool):
        return type(a) is type(b) and a == b
    if isinstance(a, (int, float)) and isinstance(b, (int, float)):
        if a is None or b is None:
            return a is b
        return math.isclose(float(a), float(b), rel_tol=rel, abs_tol=abs_)
    if a is None or b is None:
        return a is None and b is None
    if isinstance(a, str) and isinstance(b, str):
        return a.strip() == b.strip()
    if isinstance(a, list) and isinstance(b, list):
        return len(a) == len(b) and all(_close(x, y, rel, abs_) for x, y in zip(a, b))
    if isinstance(a, dict) and isinstance(b, dict):
        return a.keys() == b.keys() and all(_close(a[k], b[k], rel, abs_) for k in a)
    return False


def compare_plain(answer, reference, rel: float = 1e-6, abs_: float = 1e-9) -> tuple[float, str]:
    """Compare two plain values; return (fraction of credit, reason).

    Only plain types (from JSON) ever reach this function, so an object's own ``__eq__`` is
    never called. Series and frames earn the share of reference entries matched (same index
    label, close value); a frame must also have the reference's columns.

    Examples
    --------
    >>> compare_plain(1.0000001, 1.0)
    (1.0, 'correct')
    >>> ref = to_plain(pd.Series({"A": 1.0, "B": 2.0}))
    >>> compare_plain(to_plain(pd.Series({"A": 1.0, "B": 3.0})), ref)
    (0.5, '1 of 2 entries match')
    """
    if isinstance(reference, dict) and "__series__" in reference:
        if not (isinstance(answer, dict) and "__series__" in answer):
            return 0.0, "expected a pandas Series"
        ref = dict(zip(map(str, reference["__series__"]["index"]), reference["__series__"]["values"]))
        got = dict(
            zip(map(str, answer["__series__"].get("index", [])), answer["__series__"].get("values", []))
        )
        if not ref:
            return (1.0, "correct") if not got else (0.0, "expected an empty Series")
        hits = sum(1 for k, v in ref.items() if k in got and _close(got[k], v, rel, abs_))
        extra = len(set(got) - set(ref))
        frac = max(0.0, (hits - extra) / len(ref))
        if hits == len(ref) and not extra:
            return 1.0, "correct"
        reason = f"{hits} of {len(ref)} entries match"
        if extra:
            reason += f"; {extra} unexpected index labels"
        return frac, reason
    if isinstance(reference, dict) and "__frame__" in reference:
        if not (isinstance(answer, dict) and "__frame__" in answer):
            return 0.0, "expected a pandas DataFrame"
        rf, af = reference["__frame__"], answer["__frame__"]
        rcols = [str(c) for c in rf["columns"]]
        acols = [str(c) for c in af.get("columns", [])]
        missing = [c for c in rcols if c not in acols]
        ref_rows = {str(i): row for i, row in zip(rf["index"], rf["data"])}
        got_rows = {str(i): row for i, row in zip(af.get("index", []), af.get("data", []))}
        total = len(ref_rows) * len(rcols)
        if total == 0:
            return (1.0, "correct") if not got_rows else (0.0, "expected an empty table")
        hits = 0
        # column positions looked up once: the comparison stays linear in the answer's size
        where = {}
        for k, c in enumerate(acols):
            where.setdefault(c, k)
        pairs = [(j, where[c]) for j, c in enumerate(rcols) if c in where]
        for key, row in ref_rows.items():
            grow = got_rows.get(key)
            if not isinstance(grow, list) or not isinstance(row, list):
                continue
            for j, k in pairs:
                if k < len(grow) and j < len(row) and _close(grow[k], row[j], rel, abs_):
                    hits += 1
        extra_rows = len(set(got_rows) - set(ref_rows))
        frac = max(0.0, (hits - extra_rows * len(rcols)) / total)
        if hits == total and not extra_rows:
            return 1.0, "correct"
        parts = [f"{hits} of {total} cells match"]
        if missing:
            parts.append("missing columns: " + ", ".join(missing[:5]))
        if extra_rows:
            parts.append(f"{extra_rows} unexpected rows")
        return frac, "; ".join(parts)
    if answer is None and reference is not None:
        return 0.0, "no value"
    if _close(answer, reference, rel, abs_):
        return 1.0, "correct"
    if (
        isinstance(reference, (int, float))
        and not isinstance(answer, (int, float))
        or isinstance(answer, bool)
    ):
        return 0.0, f"expected a number, got {type(answer).__name__}"
    return 0.0, "not the expected value"


def format_problems(answer, fmt: dict) -> list[str]:
    """What is wrong with a plain answer's *format* (no key needed): type, labels, value range.

    ``fmt`` is a question's public format: ``type`` ("number", "text", "series", "frame"),
    optionally ``index`` (labels expected, in any order), ``columns`` and ``min``/``max`` of
    the values. Used by ``ex.check`` in a graded release, like the public tests of otter.

    Examples
    --------
    >>> format_problems(0.3, {"type": "number", "min": 0, "max": 1})
    []
    >>> format_problems(1.7, {"type": "number", "min": 0, "max": 1})
    ['value 1.7 is above 1']
    >>> format_problems(to_plain(pd.Series({"A": 0.5})), {"type": "series", "index": ["A", "B"]})
    ['index labels missing: B']
    """
    if not fmt:
        return []
    kind = fmt.get("type", "number")
    values: list = []
    problems: list[str] = []
    if kind == "series":
        if not (isinstance(answer, dict) and "__series__" in answer):
            return ["expected a pandas Series"]
        labels = [str(i) for i in answer["__series__"].get("index", [])]
        values = list(answer["__series__"].get("values", []))
    elif kind == "frame":
        if not (isinstance(answer, dict) and "__frame__" in answer):
            return ["expected a pandas DataFrame"]
        labels = [str(i) for i in answer["__frame__"].get("index", [])]
        cols = [str(c) for c in answer["__frame__"].get("columns", [])]
        missing = [c for c in fmt.get("columns", []) if c not in cols]
        if missing:
            problems.append("columns missing: " + ", ".join(missing))
        values = [v for row in answer["__frame__"].get("data", []) for v in row]
    elif kind == "text":
        return [] if isinstance(answer, str) else [f"expected text, got {type(answer).__name__}"]
    else:
        if isinstance(answer, bool) or not isinstance(answer, (int, float)):
            return [f"expected a number, got {type(answer).__name__ if answer is not None else 'nothing'}"]
        labels, values = [], [answer]
    if "index" in fmt:
        want = [str(i) for i in fmt["index"]]
        missing = [w for w in want if w not in set(labels)]
        extra = [x for x in labels if x not in set(want)]
        if missing:
            problems.append("index labels missing: " + ", ".join(missing[:5]))
        if extra:
            problems.append("unexpected index labels: " + ", ".join(extra[:5]))
    if len(set(labels)) != len(labels):
        problems.append("index labels repeat")
    nums = [v for v in values if isinstance(v, (int, float)) and not isinstance(v, bool)]
    if values and len(nums) < len(values) and kind != "frame":
        problems.append("some values are not numbers")
    lo, hi = fmt.get("min"), fmt.get("max")
    if lo is not None and nums and min(nums) < lo:
        problems.append(f"value {min(nums):g} is below {lo:g}")
    if hi is not None and nums and max(nums) > hi:
        problems.append(f"value {max(nums):g} is above {hi:g}")
    return problems


# --------------------------------------------------------------------------- questions


@dataclass
class Question:
    """One question: id, points, prompt and two hints (first miss, second miss)."""

    id: str
    points: float
    prompt: str
    hints: tuple = ("", "")
    #: "widget" answers come from the saved notebook, "run" answers from executing it
    source: str = field(default="widget", init=False)
    #: the question's entry of the answer key (None in a graded release: see :func:`load_key`)
    answer_key: Any = field(default=None, init=False, repr=False, compare=False)
    #: text in other languages: {"zh": {"prompt": ..., "hints": [...], "options": [...], ...}}
    texts: dict = field(default_factory=dict, repr=False, compare=False)

    def hint(self, misses: int, lang: str = "en") -> str:
        """Hint after ``misses`` wrong answers (the first hint, then the second; never the answer)."""
        hints = self.text("hints", lang)
        if misses <= 0 or not hints:
            return ""
        return hints[min(misses, len(hints)) - 1]

    def text(self, name: str, lang: str = "en"):
        """A visible text in ``lang``: ``prompt``, ``hints``, ``options``, ``items``, ``groups``,
        ``expects``."""
        own = (self.texts.get(lang) or {}).get(name) if lang != "en" else None
        return own if own else getattr(self, name, "")

    def key(self):
        """The answer key's entry, or :class:`NoKeyError` (a graded release has none)."""
        if self.answer_key is None:
            raise NoKeyError(
                f"question {self.id}: no answer key loaded (a graded release checks only the format)"
            )
        return self.answer_key

    def score(self, answer, reference) -> tuple[float, str]:  # pragma: no cover - abstract
        raise NotImplementedError


@dataclass
class Choice(Question):
    """One right option among several (a radio-button widget).

    The key's entry is the right option, or a function of a :class:`CaseData` returning it (an
    explore-then-answer question whose answer depends on the data the student explored).
    """

    options: tuple = ()
    correct: Any = None
    explore: str = ""

    def __post_init__(self):
        if self.correct is not None:  # a question written in code with its key (tests, examples)
            self.answer_key = self.correct
            self.correct = None

    def reference(self, data) -> str:
        k = self.key()
        return k(data) if callable(k) else k

    def score(self, answer, reference):
        if answer is None:
            return 0.0, "not answered"
        if answer not in self.options:
            return 0.0, "not one of the options"
        return (1.0, "correct") if answer == reference else (0.0, "not the right option")


@dataclass
class MultiChoice(Question):
    """Select all that apply (check boxes); credit = (right picks - wrong picks) / right options."""

    options: tuple = ()
    correct: Any = None

    def __post_init__(self):
        if self.correct is not None:
            self.answer_key, self.correct = self.correct, None

    def reference(self, data):
        k = self.key()
        return sorted(k(data) if callable(k) else k)

    def score(self, answer, reference):
        if not answer:
            return 0.0, "not answered"
        if not isinstance(answer, list) or not all(isinstance(a, str) and a in self.options for a in answer):
            return 0.0, "not a list of the options"
        picked, right = set(answer), set(reference)
        hits, wrong = len(picked & right), len(picked - right)
        frac = max(0.0, (hits - wrong) / len(right))
        if frac == 1.0:
            return 1.0, "correct"
        return frac, f"{hits} of {len(right)} right options picked, {wrong} wrong"


@dataclass
class Match(Question):
    """Sort each item into one of the groups (a drop-down per item); credit per item."""

    items: tuple = ()
    groups: tuple = ()
    correct: Any = None

    def __post_init__(self):
        if self.correct is not None:
            self.answer_key, self.correct = self.correct, None

    def reference(self, data):
        return dict(self.key())

    def score(self, answer, reference):
        if not isinstance(answer, dict) or not any(answer.get(i) for i in self.items):
            return 0.0, "not answered"
        hits = sum(1 for i in self.items if answer.get(i) == reference[i])
        if hits == len(self.items):
            return 1.0, "correct"
        return hits / len(self.items), f"{hits} of {len(self.items)} items in the right group"


@dataclass
class Compute(Question):
    """A value, Series or DataFrame the student computes; checked against ``reference(data)``.

    ``expects`` says what to hand in (shown to the student); ``rel`` is the relative tolerance.
    """

    reference_fn: Callable = None
    expects: str = "a number"
    rel: float = 1e-6
    #: the public format of the answer: {"type": "number"|"series"|"frame", "index": [...],
    #: "columns": [...], "min": x, "max": y} (what a graded release can check)
    format: dict = field(default_factory=dict)

    def __post_init__(self):
        self.source = "run"
        if self.reference_fn is not None:
            self.answer_key, self.reference_fn = self.reference_fn, None

    def reference(self, data):
        return to_plain(self.key()(data))

    def format_problems(self, answer) -> list[str]:
        """What is wrong with the answer's format (type, index labels, columns, value range)."""
        return format_problems(answer, self.format)

    def prepare(self, answer, data):
        return to_plain(answer)

    def score(self, answer, reference):
        if answer is None:
            return 0.0, "not answered"
        return compare_plain(answer, reference, rel=self.rel)


@dataclass
class Function(Question):
    """A function the student writes; called on ``cases(data)`` (a list of argument tuples).

    Its results (plain data) are compared one by one with ``reference_fn`` on the same cases.
    """

    reference_fn: Callable = None
    cases: Any = None
    expects: str = "a function"
    rel: float = 1e-6
    format: dict = field(default_factory=dict)

    def __post_init__(self):
        self.source = "run"
        if self.reference_fn is not None:
            self.answer_key, self.reference_fn = self.reference_fn, None

    def case_args(self, data) -> list:
        """The argument tuples the function is called with (public: see exercise_bank/cases.py)."""
        if callable(self.cases):
            return self.cases(data)
        from crm_lessons.exercise_bank.cases import CASES

        return CASES[self.cases](data)

    def reference(self, data):
        ref = self.key()
        return [to_plain(ref(*args)) for args in self.case_args(data)]

    def format_problems(self, answer) -> list[str]:
        if not isinstance(answer, list):
            return ["not a function"]
        problems = []
        for i, got in enumerate(answer, 1):
            if isinstance(got, dict) and "error" in got:
                problems.append(f"test case {i} raised {got['error']}")
            elif isinstance(got, dict):
                problems += [f"test case {i}: {p}" for p in format_problems(got.get("value"), self.format)]
        return problems[:3]

    def prepare(self, answer, data):
        if not callable(answer):
            return None
        results = []
        for args in self.case_args(data):
            try:
                results.append({"value": to_plain(answer(*args))})
            except Exception as exc:  # the student's function failed on this case
                results.append({"error": f"{type(exc).__name__}: {exc}"[:300]})
        return results

    def score(self, answer, reference):
        if answer is None:
            return 0.0, "not answered (not a function)"
        if not isinstance(answer, list) or len(answer) != len(reference):
            return 0.0, "malformed answer"
        hits, errors = 0, []
        for got, ref in zip(answer, reference):
            if isinstance(got, dict) and "value" in got and compare_plain(got["value"], ref)[0] == 1.0:
                hits += 1
            elif isinstance(got, dict) and "error" in got:
                errors.append(str(got["error"]))
        if hits == len(reference):
            return 1.0, "correct"
        reason = f"right on {hits} of {len(reference)} test cases"
        if errors:
            reason += f"; raised {errors[0]}"
        return hits / len(reference), reason


@dataclass
class Written(Question):
    """A question answered in words (interpret a result, recommend a decision), marked by hand.

    ``rubric`` is a tuple of (criterion, points) pairs whose points add up to the question's
    points; the grader puts the answer and the rubric on the instructor's marking sheet and
    scores nothing itself (status "to mark") until the marks are imported.

    Examples
    --------
    >>> q = Written("q9", 2, "What should the company do?",
    ...             rubric=(("names the segment", 1), ("says why", 1)))
    >>> q.score("Focus on the at-risk segment because ...", q.reference(None))
    (0.0, 'written answer: to be marked by the instructor')
    >>> q.score("  ", q.reference(None))
    (0.0, 'not answered')
    """

    rubric: tuple = ()
    min_words: int = 0
    expects: str = "a few sentences"

    def __post_init__(self):
        self.source = "written"
        total = sum(float(p) for _, p in self.rubric)
        if self.rubric and abs(total - float(self.points)) > 1e-9:
            raise ValueError(
                f"question {self.id}: rubric points add up to {total:g}, not {self.points:g}; fix the rubric"
            )

    def reference(self, data):
        return {"rubric": [[str(c), float(p)] for c, p in self.rubric]}

    def score(self, answer, reference):
        if not isinstance(answer, str) or not answer.strip():
            return 0.0, "not answered"
        return 0.0, "written answer: to be marked by the instructor"


@dataclass
class Exercise:
    """One chapter's exercise sheet: an id, a title and its questions in order."""

    id: str
    title: str
    questions: list

    def __post_init__(self):
        ids = [q.id for q in self.questions]
        if len(set(ids)) != len(ids):
            raise ValueError(f"exercise {self.id}: question ids must be unique, got {ids}")

    def question(self, qid: str) -> Question:
        for q in self.questions:
            if q.id == qid:
                return q
        raise KeyError(
            f"exercise {self.id} has no question {qid!r}; "
            f"questions: {', '.join(q.id for q in self.questions)}"
        )

    @property
    def total_points(self) -> float:
        return float(sum(q.points for q in self.questions))


#: Registered exercises by id (filled by the modules of :mod:`crm_lessons.exercise_bank`).
EXERCISES: dict[str, Exercise] = {}


def register(exercise: Exercise) -> Exercise:
    EXERCISES[exercise.id] = exercise
    return exercise


def import_banks() -> None:
    """Read every chapter's public question file (``crm_lessons/exercise_bank/chNN.toml``)."""
    folder = Path(__file__).resolve().parent / "exercise_bank"
    for path in sorted(folder.glob("ch[0-9][0-9].toml")):
        if path.stem not in EXERCISES:
            register(load_exercise(path))


_KINDS = {
    "choice": "Choice",
    "multichoice": "MultiChoice",
    "match": "Match",
    "compute": "Compute",
    "function": "Function",
    "written": "Written",
}


def load_exercise(path) -> Exercise:
    """An :class:`Exercise` from its public TOML file (no answer key: see :func:`load_key`)."""
    import tomllib

    with open(path, "rb") as f:
        spec = tomllib.load(f)
    questions = []
    for q in spec["questions"]:
        cls = globals()[_KINDS[q["kind"]]]
        kw = {"hints": tuple(q["hints"]["en"])}
        for name in ("options", "items", "groups"):
            if name in q:
                kw[name] = tuple(q[name])
        for name in ("explore", "rel", "cases", "format", "min_words"):
            if name in q:
                kw[name] = q[name]
        if "expects" in q:
            kw["expects"] = q["expects"]["en"]
        if "rubric" in q:
            kw["rubric"] = tuple((c, p) for c, p in q["rubric"])
        question = cls(q["id"], q["points"], q["prompt"]["en"], **kw)
        zh = {"prompt": q["prompt"].get("zh"), "hints": q["hints"].get("zh")}
        labels = (("options", "option_labels"), ("items", "item_labels"), ("groups", "group_labels"))
        for name, table in labels:
            if table in q:
                zh[name] = q[table].get("zh")
        if "expects" in q:
            zh["expects"] = q["expects"].get("zh")
        if "rubric" in q and "rubric_labels" in q:  # the rubric's criteria in Chinese, same points
            labels = q["rubric_labels"].get("zh") or []
            zh["rubric"] = [(c, p) for c, (_, p) in zip(labels, q["rubric"])]
        question.texts = {"zh": {k: v for k, v in zh.items() if v}}
        questions.append(question)
    ex = Exercise(spec["id"], spec["title"]["en"], questions)
    ex.titles = dict(spec["title"])
    return ex


class NoKeyError(LookupError):
    """No answer key is loaded (a graded release): only the format of answers can be checked."""


def load_key(key_dir, exercise_id: str) -> dict:
    """The answer key of one exercise: ``REFERENCES`` of ``<key_dir>/<exercise_id>.py``.

    The key is Python (reference functions need code) and is run in the process that loads it:
    the grader's, or a practice student's own kernel. Raises ``FileNotFoundError`` naming the
    file when it is missing.
    """
    import importlib.util

    path = Path(key_dir) / f"{exercise_id}.py"
    if not path.is_file():
        raise FileNotFoundError(
            f"key: no answer key {path}; pass the key folder written by "
            "`crm-lessons exercises release` (or the repository's exercises/key)"
        )
    spec = importlib.util.spec_from_file_location(f"_crm_lessons_key_{exercise_id}", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    refs = getattr(module, "REFERENCES", None)
    if not isinstance(refs, dict):
        raise ValueError(f"key: {path} defines no REFERENCES dict")
    return dict(refs)


def with_key(exercise: Exercise, key: dict) -> Exercise:
    """A copy of ``exercise`` whose questions carry their answer-key entries."""
    import copy

    keyed = copy.copy(exercise)
    keyed.questions = []
    for q in exercise.questions:
        q2 = copy.copy(q)
        if q.id in key:
            q2.answer_key = key[q.id]
        keyed.questions.append(q2)
    return keyed


def find_key_dir(start) -> Path | None:
    """A practice release's key: ``key/`` beside the notebook, or one folder up (solutions)."""
    for folder in (Path(start) / "key", Path(start).parent / "key"):
        if folder.is_dir():
            return folder
    return None


def get_exercise(exercise_id: str) -> Exercise:
    if exercise_id not in EXERCISES:
        import_banks()
    if exercise_id not in EXERCISES:
        raise KeyError(f"no exercise {exercise_id!r}; known: {', '.join(sorted(EXERCISES))}")
    return EXERCISES[exercise_id]


# --------------------------------------------------------------------------- reading saved answers


def answer_records(nb: dict) -> list[tuple[int, dict]]:
    """Every answer record in a notebook's saved outputs, as (cell index, record), in order."""
    found = []
    for index, cell in enumerate(nb.get("cells", []) if isinstance(nb, dict) else []):
        if not isinstance(cell, dict) or cell.get("cell_type") != "code":
            continue
        for out in cell.get("outputs", []) or []:
            data = out.get("data") if isinstance(out, dict) else None
            if isinstance(data, dict) and ANSWER_MIME in data:
                rec = data[ANSWER_MIME]
                if isinstance(rec, str):
                    try:
                        rec = json.loads(rec)
                    except ValueError:
                        continue
                if isinstance(rec, dict):
                    found.append((index, rec))
    return found


def saved_answers(nb: dict, exercise_id: str | None = None) -> dict[str, Any]:
    """Widget answers saved in a notebook: question id -> answer (the last record wins)."""
    answers = {}
    for _, rec in answer_records(nb):
        if exercise_id is not None and rec.get("exercise") != exercise_id:
            continue
        qid = rec.get("question")
        if isinstance(qid, str) and rec.get("source", "widget") in ("widget", "written"):
            answers[qid] = rec.get("answer")
    answers.update(markdown_answers(nb))
    return answers


#: Tag of a markdown cell holding the written answer to question qN: ``answer-qN``.
ANSWER_TAG_PREFIX = "answer-"


def markdown_answers(nb: dict) -> dict[str, str]:
    """Written answers given in markdown cells tagged ``answer-qN`` (question id -> text).

    Examples
    --------
    >>> nb = {"cells": [{"cell_type": "markdown", "metadata": {"tags": ["answer-q9"]},
    ...                  "source": ["Keep ", "them."]}]}
    >>> markdown_answers(nb)
    {'q9': 'Keep them.'}
    """
    found = {}
    for cell in nb.get("cells", []) if isinstance(nb, dict) else []:
        if not isinstance(cell, dict) or cell.get("cell_type") != "markdown":
            continue
        tags = (cell.get("metadata") or {}).get("tags") or []
        for tag in tags if isinstance(tags, list) else []:
            if isinstance(tag, str) and tag.startswith(ANSWER_TAG_PREFIX):
                src = cell.get("source", "")
                text = "".join(src) if isinstance(src, list) else str(src)
                if text.strip():
                    found[tag[len(ANSWER_TAG_PREFIX) :]] = text.strip()
    return found


# --------------------------------------------------------------------------- the kernel side


class _Session:
    """State of the exercise running in this kernel."""

    def __init__(self, exercise: Exercise, data_dir, answers_dir: Path, lang: str = "en"):
        self.exercise = exercise
        self.lang = lang
        self.data = CaseData(data_dir)
        self.answers_dir = answers_dir
        self.sidecar = answers_dir / SIDECAR_DIR / f"{exercise.id}.json"
        self.state = self._read_sidecar()
        self.widgets: dict[str, Any] = {}
        self.handles: dict[str, Any] = {}
        self._references: dict[str, Any] = {}
        #: fraction of credit of the last check of each compute question in this kernel
        self.run_scores: dict[str, float] = {}

    def _read_sidecar(self) -> dict:
        state = {"answers": {}, "misses": {}}
        try:
            loaded = json.loads(self.sidecar.read_text(encoding="utf-8"))
            if isinstance(loaded, dict):
                state["answers"].update(loaded.get("answers") or {})
                state["misses"].update(loaded.get("misses") or {})
        except (OSError, ValueError):
            pass
        if not state["answers"]:
            state["answers"].update(self._answers_from_notebook())
        return state

    def _answers_from_notebook(self) -> dict:
        # JupyterLab tells the kernel which notebook it serves; its saved outputs hold the answers
        path = os.environ.get("JPY_SESSION_NAME", "")
        if not path.endswith(".ipynb"):
            return {}
        # an absolute path, or one relative to the server's root: try it, then its name here
        for candidate in (Path(path), self.answers_dir / Path(path).name):
            try:
                with open(candidate, encoding="utf-8") as f:
                    return saved_answers(json.load(f), self.exercise.id)
            except (OSError, ValueError):
                continue
        return {}

    def save(self) -> None:
        try:
            self.sidecar.parent.mkdir(exist_ok=True)
            tmp = self.sidecar.with_suffix(".tmp")
            tmp.write_text(json.dumps(self.state, sort_keys=True, indent=1), encoding="utf-8")
            os.replace(tmp, self.sidecar)
        except OSError:  # a read-only folder must not break the notebook
            pass

    @property
    def practice(self) -> bool:
        """True when the answer key is here (practice release): right/wrong feedback."""
        return any(q.answer_key is not None for q in self.exercise.questions if q.source != "written")

    def reference(self, q: Question):
        """The reference answer (practice), or None (graded release: no key in the kernel)."""
        if q.answer_key is None:
            return None
        if q.id not in self._references:
            self._references[q.id] = q.reference(self.data)
        return self._references[q.id]


_SESSION: _Session | None = None


def _session() -> _Session:
    if _SESSION is None:
        raise RuntimeError('run the first cell, ex.start("chNN"), before answering questions')
    return _SESSION


def start(
    exercise_id: str, data_dir=None, answers_dir=None, lang: str | None = None, key_dir=None
) -> CaseData:
    """Begin an exercise sheet: load its questions and data; return the case data.

    Parameters
    ----------
    exercise_id : str
        ``"ch01"`` ... ``"ch04"``.
    data_dir : str or path, optional
        Data folder (see :func:`crm_lessons.data.data_dir`); the grader sets it.
    answers_dir : str or path, optional
        Folder for the ``.crm_answers`` sidecar; default the working directory (the notebook's).
    lang : "en" or "zh", optional
        Language of questions and feedback; default the book's (:func:`crm_lessons.i18n.get_language`).
    key_dir : str or path, optional
        Answer key folder. By default a practice release's ``key/`` beside the notebook (or one
        folder up) is used when present; a graded release has none, and then ``check`` gives
        format feedback only and clicks are recorded without right/wrong.
    """
    global _SESSION
    if lang is None:
        try:
            from crm_lessons.i18n import get_language

            lang = get_language()
        except ImportError:
            lang = "en"
    exercise = get_exercise(exercise_id)
    folder = Path(answers_dir or os.getcwd())
    key_dir = Path(key_dir) if key_dir is not None else find_key_dir(folder)
    if key_dir is not None:
        try:
            exercise = with_key(exercise, load_key(key_dir, exercise_id))
        except (OSError, ValueError):
            pass  # no usable key: format feedback only
    _SESSION = _Session(exercise, data_dir, folder, lang)
    from IPython.display import HTML, display

    n = len(exercise.questions)
    title = getattr(exercise, "titles", {}).get(lang, exercise.title)
    how = _tr("exercises.start", lang, n=n, points=f"{exercise.total_points:g}")
    display(HTML(f"<b>{html.escape(title)}</b>: {html.escape(how)}"))
    return _SESSION.data


def data() -> CaseData:
    """The case data of the running exercise."""
    return _session().data


def explore(widget) -> None:
    """Show an explorer widget for an explore-then-answer question.

    The saved output's plain-text part names only the explorer's class, so the committed
    notebooks do not change when an explorer's own text representation does.
    """
    from IPython.display import display

    bundle = dict(widget._repr_mimebundle_() or {})
    bundle["text/plain"] = _tr("exercises.explorer", _lang(), name=type(widget).__name__)
    display(bundle, raw=True)


def _tr(key: str, lang: str, **fmt) -> str:
    from crm_lessons.i18n import tr

    return tr(key, lang=lang, **fmt)


def _lang() -> str:
    return _SESSION.lang if _SESSION is not None else "en"


#: Why an answer is not right (the scoring code's English) -> its message in the catalogue.
_REASONS = (
    (r"not answered", "not_answered"),
    (r"not one of the options", "not_an_option"),
    (r"not a list of the options", "not_options"),
    (r"not the right option", "wrong_option"),
    (r"(?P<hits>\d+) of (?P<total>\d+) right options picked, (?P<wrong>\d+) wrong", "options_picked"),
    (r"(?P<hits>\d+) of (?P<total>\d+) items in the right group", "items_grouped"),
    (r"(?P<hits>\d+) of (?P<total>\d+) entries match", "entries_match"),
    (r"(?P<hits>\d+) of (?P<total>\d+) cells match", "cells_match"),
    (r"(?P<n>\d+) unexpected index labels", "unexpected_labels"),
    (r"(?P<n>\d+) unexpected rows", "unexpected_rows"),
    (r"missing columns: (?P<names>.*)", "missing_columns"),
    (r"columns missing: (?P<names>.*)", "columns_missing"),
    (r"index labels missing: (?P<names>.*)", "labels_missing"),
    (r"unexpected index labels: (?P<names>.*)", "labels_unexpected"),
    (r"index labels repeat", "labels_repeat"),
    (r"some values are not numbers", "not_numbers"),
    (r"value (?P<value>\S+) is below (?P<limit>\S+)", "below"),
    (r"value (?P<value>\S+) is above (?P<limit>\S+)", "above"),
    (r"expected a pandas Series", "expected_series"),
    (r"expected a pandas DataFrame", "expected_frame"),
    (r"expected a number, got (?P<kind>\w+)", "expected_number"),
    (r"expected text, got (?P<kind>\w+)", "expected_text"),
    (r"no value", "no_value"),
    (r"not the expected value", "wrong_value"),
    (r"not a function", "not_a_function"),
    (r"not answered \(not a function\)", "function_missing"),
    (r"malformed answer", "malformed"),
    (r"right on (?P<hits>\d+) of (?P<total>\d+) test cases", "test_cases"),
    (r"test case (?P<i>\d+) raised (?P<error>.*)", "case_raised"),
    (r"test case (?P<i>\d+): (?P<problem>.*)", "case_problem"),
    (r"raised (?P<error>.*)", "raised"),
)


def _reason(text: str, lang: str) -> str:
    """A score's reason or format problems (parts joined by "; ") in ``lang``; unknown parts stay.

    Examples
    --------
    >>> _reason("1 of 2 entries match; 1 unexpected index labels", "zh")
    '2 个值中有 1 个正确；有 1 个多余的索引标签'
    >>> _reason("not the right option", "en")
    'not the right option'
    """
    import re

    if lang == "en" or not text:
        return text
    parts = []
    for part in text.split("; "):
        for pattern, key in _REASONS:
            m = re.fullmatch(pattern, part)
            if m:
                fields = m.groupdict()
                if "problem" in fields:
                    fields["problem"] = _reason(fields["problem"], lang)
                part = _tr(f"exercises.reason.{key}", lang, **fields)
                break
        parts.append(part)
    return "；".join(parts)


def _points(q: Question, frac: float) -> str:
    return _tr("exercises.points", _lang(), earned=f"{frac * q.points:g}", points=f"{q.points:g}")


def _worth(points: float) -> str:
    """'1 point', '2 points'."""
    return _tr("exercises.worth_one" if points == 1 else "exercises.worth", _lang(), points=f"{points:g}")


def _colours() -> tuple[str, str, str]:
    """(good, bad, muted): the widgets' contrast-checked feedback colours (each >= 4.5:1 on white)."""
    from crm_lessons.widgets._base import BAD, GOOD, MUTED

    return GOOD, BAD, MUTED


def _span(colour: str, text: str, symbol: str = "") -> str:
    return f"<span style='color:{colour}'>{symbol}{html.escape(text)}</span>"


def _feedback(q: Question, answer, reference, misses: int, how: str) -> tuple[str, str]:
    """(plain text, html) feedback for an answer; never shows the answer itself."""
    lang = _lang()
    good, bad, muted = _colours()
    if _empty(answer):
        text = _tr("exercises.not_answered", lang, qid=q.id, worth=_worth(q.points), how=how)
        return text, _span(muted, text)
    if reference is None:  # a graded release: no key here, the grader decides
        if q.source == "run":
            problems = q.format_problems(answer)
            if problems:
                problems_text = _reason("; ".join(problems), lang)
                text = _tr(
                    "exercises.format_problem",
                    lang,
                    qid=q.id,
                    problems=problems_text,
                    expects=q.text("expects", lang),
                )
                return text, _span(bad, text, "✘ ")
            text = _tr("exercises.format_ok", lang, qid=q.id, expects=q.text("expects", lang))
        else:
            text = _tr("exercises.recorded", lang, qid=q.id, worth=_worth(q.points))
        return text, _span(muted, text)
    frac, reason = q.score(answer, reference)
    if frac == 1.0:
        text = _tr("exercises.correct", lang, qid=q.id, points=_points(q, 1.0))
        return text, _span(good, text, "✔ ")
    hint = q.hint(max(misses, 1), lang)
    text = _tr("exercises.not_yet", lang, qid=q.id, reason=_reason(reason, lang), points=_points(q, frac))
    if hint:
        text += _tr("exercises.hint", lang, hint=hint)
    return text, _span(bad, text, "✘ ")


def _empty(answer) -> bool:
    """No answer yet: nothing clicked, no box ticked, no item sorted."""
    return answer is None or answer == [] or (isinstance(answer, dict) and not any(answer.values()))


def _emit(q: Question, answer, text: str, html_text: str, update: bool = False):
    from IPython.display import display, update_display

    s = _session()
    record = {
        "format": RECORD_FORMAT,
        "exercise": s.exercise.id,
        "question": q.id,
        "source": q.source,
        "answer": answer,
    }
    transient = {}
    if q.source == "run":
        # compute answers matter only while the grader runs the notebook: they travel in the
        # message's transient part, which frontends never save, so the file stays small
        transient[TRANSIENT_KEY] = record
        record = {key: record[key] for key in ("format", "exercise", "question", "source")}
    bundle = {ANSWER_MIME: record, "text/plain": text, "text/html": html_text}
    display_id = f"crm-answer-{s.exercise.id}-{q.id}"
    if update:
        update_display(bundle, raw=True, display_id=display_id)
    else:
        display(bundle, raw=True, display_id=display_id, transient=transient)


def _widget_value(q: Question, w) -> Any:
    if isinstance(q, Choice):
        return w.value
    if isinstance(q, MultiChoice):
        return sorted(o for o, box in zip(q.options, w.children) if box.value)
    if isinstance(q, Match):
        return {item: dd.value for item, dd in zip(q.items, w.children)}
    raise TypeError(q)


def _make_widget(q: Question, answer, lang: str = "en"):
    """The question's widget; labels in ``lang``, values always the canonical (English) options.

    Every control has an accessible name (its description, read by screen readers) and a
    tooltip: the radio group is named "Your answer" with the question as its tooltip, a check
    box by its option, a drop-down by its item.
    """
    import ipywidgets as widgets

    from crm_lessons.widgets._base import accessible

    layout = widgets.Layout(width="auto")
    prompt = f"{q.id}: {q.text('prompt', lang)}"
    if isinstance(q, Choice):
        value = answer if answer in q.options else None
        labels = q.text("options", lang)
        choices = list(q.options) if tuple(labels) == tuple(q.options) else list(zip(labels, q.options))
        w = widgets.RadioButtons(
            options=choices, value=value, layout=layout, style={"description_width": "initial"}
        )
        accessible(w, _tr("exercises.answer_label", lang), prompt)
        return w
    if isinstance(q, MultiChoice):
        picked = set(answer or [])
        boxes = []
        for o, lab in zip(q.options, q.text("options", lang)):
            box = widgets.Checkbox(value=o in picked, description=lab, indent=False, layout=layout)
            accessible(box, lab, f"{q.id}: {lab}")
            boxes.append(box)
        return widgets.VBox(boxes)
    if isinstance(q, Match):
        answer = answer if isinstance(answer, dict) else {}
        groups = q.text("groups", lang)
        drops = []
        for item, label in zip(q.items, q.text("items", lang)):
            dd = widgets.Dropdown(
                options=[("—", None)] + list(zip(groups, q.groups)),
                value=answer.get(item) if answer.get(item) in q.groups else None,
                description=label,
                style={"description_width": "initial"},
                layout=layout,
            )
            accessible(dd, label, f"{q.id}: {label}")
            drops.append(dd)
        return widgets.VBox(drops)
    raise TypeError(f"question {q.id} is not a widget question")


_HOW = {
    Choice: "exercises.how_choice",
    MultiChoice: "exercises.how_multichoice",
    Match: "exercises.how_match",
}


def _submits_on_click(q: Question) -> bool:
    """A one-choice question is submitted by its click; tick-all and sorting ones by "Check answer"."""
    return isinstance(q, Choice)


def _digest(answer) -> str:
    """A short fingerprint of a plain answer (what was last submitted, kept in the sidecar)."""
    import hashlib

    raw = json.dumps(answer, sort_keys=True, ensure_ascii=False, default=str)
    return hashlib.sha256(raw.encode("utf-8")).hexdigest()[:16]


def _submit(q: Question, answer, reference) -> None:
    """Count a miss for a submitted wrong answer, once per distinct answer (not per click or tick).

    Submitting the same wrong answer again, or ticking boxes before submitting, does not bring
    the next hint any closer.
    """
    s = _session()
    digest = _digest(answer)
    submitted = s.state.setdefault("submitted", {})
    if submitted.get(q.id) == digest:
        return
    submitted[q.id] = digest
    if reference is not None and not _empty(answer) and q.score(answer, reference)[0] < 1.0:
        s.state["misses"][q.id] = s.state["misses"].get(q.id, 0) + 1


def _widget_feedback(q: Question, answer, ref) -> tuple[str, str]:
    """Feedback of a widget question: right/not yet once submitted, else how to submit."""
    s = _session()
    if (
        ref is not None
        and not _empty(answer)
        and not _submits_on_click(q)
        and s.state.get("submitted", {}).get(q.id) != _digest(answer)
    ):
        text = _tr("exercises.pending", s.lang, qid=q.id, worth=_worth(q.points))
        return text, _span(_colours()[2], text)
    return _feedback(q, answer, ref, s.state["misses"].get(q.id, 0), _tr(_HOW[type(q)], s.lang))


def _record_widget_answer(q: Question, answer, update: bool = True, submit: bool | None = None) -> None:
    """Keep a click or tick (sidecar and saved output); a submission may also count a miss."""
    s = _session()
    ref = s.reference(q)
    s.state["answers"][q.id] = answer
    if submit if submit is not None else _submits_on_click(q):
        _submit(q, answer, ref)
    s.save()
    text, html_text = _widget_feedback(q, answer, ref)
    _emit(q, answer, text, html_text, update=update)


def question_static(q: Question, answer=None, lang: str = "en") -> tuple[str, str]:
    """(text/plain, text/html) of a widget question as it stands, for readers without a kernel.

    The full prompt, every option (or item and group) in ``lang``, the answer given marked
    (radio ◉/○, boxes ☑/☐, each item's group), and a note that the question is interactive.
    Deterministic: the same question and answer give the same text.

    Examples
    --------
    >>> q = Choice("q1", 1, "Which type of CRM analyses data?", options=("operational", "analytical"))
    >>> print(question_static(q, "analytical")[0])
    q1 (1 point). Which type of CRM analyses data?
      ○ operational
      ◉ analytical
    (An interactive question: run the notebook to answer it. Shown as it stood when the notebook was saved.)
    """
    worth = _tr("exercises.ask_worth", lang, worth=_worth_in(q.points, lang))
    prompt = q.text("prompt", lang)
    head_text = f"{q.id}{worth}{prompt}".rstrip()
    head_html = f"<b>{html.escape(q.id)}</b>{html.escape(worth)}{html.escape(prompt)}"
    lines: list[str] = []
    body = ""
    if isinstance(q, (Choice, MultiChoice)):
        picked = {answer} if isinstance(q, Choice) else set(answer if isinstance(answer, list) else [])
        on, off = ("◉", "○") if isinstance(q, Choice) else ("☑", "☐")
        items = []
        for option, shown in zip(q.options, q.text("options", lang)):
            mark = on if option in picked else off
            lines.append(f"  {mark} {shown}")
            items.append(f"<li>{mark} {html.escape(shown)}</li>")
        body = "<ul style='list-style:none;padding-left:0.5em;margin:4px 0'>" + "".join(items) + "</ul>"
    elif isinstance(q, Match):
        given = answer if isinstance(answer, dict) else {}
        names = dict(zip(q.groups, q.text("groups", lang)))
        groups = " / ".join(names.values())
        lines.append(f"  {_tr('exercises.groups_label', lang)}: {groups}")
        rows = []
        for item, shown in zip(q.items, q.text("items", lang)):
            group = names.get(given.get(item), "—")
            lines.append(f"  {shown} → {group}")
            rows.append(
                f"<tr><td style='text-align:left;padding:2px 8px'>{html.escape(shown)}</td>"
                f"<td style='text-align:left;padding:2px 8px'>{html.escape(group)}</td></tr>"
            )
        body = (
            f"<p style='margin:4px 0'>{html.escape(_tr('exercises.groups_label', lang))}: "
            f"{html.escape(groups)}</p><table style='border-collapse:collapse;margin:4px 0'>"
            + "".join(rows)
            + "</table>"
        )
    note = _tr("exercises.static_note", lang)
    muted = _colours()[2]
    text = "\n".join([head_text, *lines, note])
    markup = (
        f"<div class='crm-question-static' style='border:1px solid #cccccc;padding:6px 10px'>"
        f"<p style='margin:2px 0'>{head_html}</p>{body}"
        f"<p style='margin:2px 0;color:{muted};font-size:90%'>{html.escape(note)}</p></div>"
    )
    return text, markup


def _worth_in(points: float, lang: str) -> str:
    key = "exercises.worth_one" if points == 1 else "exercises.worth"
    return _tr(key, lang, points=f"{points:g}")


def ask(qid: str):
    """Show a widget question; clicking records the answer (see the module notes).

    A one-choice question is submitted by its click. A tick-all or sorting question records
    every tick but is submitted with its "Check answer" button (practice release), so a
    wrong answer counts once towards the hints, not once per tick. The displayed output
    carries, next to the live widget, a static rendering (:func:`question_static`).
    """
    import ipywidgets as widgets
    from IPython.display import display

    from crm_lessons.widgets._base import accessible

    s = _session()
    q = s.exercise.question(qid)
    if q.source != "widget":
        raise TypeError(f"{qid} is a compute question: answer it with ex.check({qid!r}, your_answer)")
    answer = s.state["answers"].get(qid)
    w = _make_widget(q, answer, s.lang)
    s.widgets[qid] = w
    worth = html.escape(_tr("exercises.ask_worth", s.lang, worth=_worth(q.points)))
    prompt = widgets.HTML(f"<b>{html.escape(qid)}</b>{worth}{html.escape(q.text('prompt', s.lang))}")
    parts = [prompt, w]
    ref = s.reference(q)
    if ref is not None and not _submits_on_click(q):
        button = widgets.Button(description=_tr("exercises.check_button", s.lang), icon="check")
        accessible(button, button.description, _tr("exercises.check_tip", s.lang, qid=qid))

        def submitted(_button):
            _record_widget_answer(q, _widget_value(q, w), submit=True)

        button.on_click(submitted)
        parts.append(button)
    box = widgets.VBox(parts)
    w.parent_box = box  # the question's whole view (prompt, controls, check button)
    bundle = dict(box._repr_mimebundle_() or {})
    bundle["text/plain"], bundle["text/html"] = question_static(q, answer, s.lang)
    display(bundle, raw=True)
    text, html_text = _widget_feedback(q, answer, ref)
    _emit(q, answer, text, html_text)

    def changed(_change):
        _record_widget_answer(q, _widget_value(q, w))

    if isinstance(q, Choice):
        w.observe(changed, names="value")
    else:
        for child in w.children:
            child.observe(changed, names="value")


def answer(qid: str, value) -> None:
    """Answer a widget question in code, as if clicked and submitted (used by the solution notebooks).

    Called before :func:`ask`, it only records the answer, which ``ask`` then shows; called
    after, it sets the widget, which records the answer like a click, and submits it.
    """
    s = _session()
    q = s.exercise.question(qid)
    w = s.widgets.get(qid)
    if w is None:
        s.state["answers"][qid] = value
        _submit(q, value, s.reference(q))
        s.save()
        return
    if isinstance(q, Choice):
        w.value = value
    elif isinstance(q, MultiChoice):
        for option, box in zip(q.options, w.children):
            box.value = option in set(value)
    elif isinstance(q, Match):
        for item, dd in zip(q.items, w.children):
            dd.value = value.get(item)
    if not _submits_on_click(q):
        _record_widget_answer(q, _widget_value(q, w), submit=True)


def check(qid: str, value) -> None:
    """Check a compute-it-yourself answer: feedback now, and a record for the grader."""
    s = _session()
    q = s.exercise.question(qid)
    if q.source != "run":
        raise TypeError(f"{qid} is answered by clicking: run ex.ask({qid!r}) and click an option")
    how = _tr("exercises.how_compute", s.lang, expects=q.text("expects", s.lang))
    if value is None:
        text, html_text = _feedback(q, None, None, 0, how)
        _emit(q, None, text, html_text)
        return
    try:
        plain = q.prepare(value, s.data)
    except AnswerTypeError as exc:
        text = _tr("exercises.cannot_check", s.lang, qid=qid, error=exc, expects=q.text("expects", s.lang))
        _emit(q, None, text, _span(_colours()[1], text, "✘ "))
        return
    ref = s.reference(q)
    if ref is None:  # graded release: format feedback only
        text, html_text = _feedback(q, plain, None, 0, how)
        _emit(q, plain, text, html_text)
        return
    frac, _ = q.score(plain, ref)
    s.run_scores[qid] = frac
    _submit(q, plain, ref)  # the same wrong answer run again does not count twice
    s.save()
    text, html_text = _feedback(q, plain, ref, s.state["misses"].get(qid, 0), how)
    _emit(q, plain, text, html_text)


def write(qid: str, text: str) -> None:
    """Give the written answer to question ``qid`` (kept in the saved notebook, marked by the instructor)."""
    s = _session()
    q = s.exercise.question(qid)
    if q.source != "written":
        raise TypeError(f"{qid} is not a written question: answer it with ex.ask or ex.check")
    if text is not None and not isinstance(text, str):
        raise TypeError(f"text: the answer to {qid} must be text (a str), got {type(text).__name__}")
    text = (text or "").strip()
    s.state["answers"][qid] = text or None
    s.save()
    # Chinese is counted in characters (about 5 for 3 English words), other text in words
    cjk = sum(1 for ch in text if "\u4e00" <= ch <= "\u9fff")
    if cjk:
        length, least, unit = cjk, round(q.min_words * 5 / 3), "chars"
    else:
        length, least, unit = len(text.split()), q.min_words, "words"
    muted = _colours()[2]
    if not text:
        msg = _tr("exercises.written_empty", s.lang, qid=qid, worth=_worth(q.points))
        colour = muted
    else:
        short = _tr(f"exercises.written_short_{unit}", s.lang, least=least) if length < least else ""
        msg = _tr(
            f"exercises.written_recorded_{unit}",
            s.lang,
            qid=qid,
            n=length,
            short=short,
            worth=_worth(q.points),
        )
        colour = muted
    _emit(q, text or None, msg, _span(colour, msg))


def summary() -> pd.DataFrame:
    """Points so far in this kernel, as the instant feedback sees them (not the grade)."""
    s = _session()
    rows = []
    for q in s.exercise.questions:
        if not s.practice:
            rows.append({"question": q.id, "points": q.points, "earned": None})
            continue
        if q.source == "widget":
            ans = s.state["answers"].get(q.id)
            frac = q.score(ans, s.reference(q))[0] if ans is not None else 0.0
        else:
            frac = s.run_scores.get(q.id, 0.0)
        rows.append({"question": q.id, "points": q.points, "earned": round(frac * q.points, 2)})
    return pd.DataFrame(rows)
