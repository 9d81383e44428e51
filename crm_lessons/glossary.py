"""The course glossary (术语表): every course term with its Chinese name and a short definition.

The glossary is data, kept in ``crm_lessons/locale/glossary.toml`` with both languages side
by side: one :class:`Term` per course term of the syllabus, for all four chapters, each with
its English name, its Chinese name as the syllabus writes it, a definition in English (our
own words) and in Chinese (the course's own wording, quoted where the course gives a
definition), the chapter that introduces it and the course material the definition draws on.
:func:`glossary` and :func:`lookup` give the definitions in the book's current language
(:func:`crm_lessons.i18n.set_language`) or the one asked for. Chapters use :func:`term` to
write a term's first mention in both languages ("customer lifetime value (客户终身价值)").

References
----------
.. [1] Course material 001 (revision sheet): the five glossary terms word of mouth,
   customer loyalty, customer lifetime value, performance management, corporate culture.
.. [2] Course material 000 (slide outline), 002 (chapter on customers), 004 (consulting
   deck), and the syllabus tables of chapters 1-4 for the other terms.

Examples
--------
>>> from crm_lessons.glossary import term, lookup
>>> term("customer lifetime value")
'customer lifetime value (客户终身价值)'
>>> lookup("口碑")["english"].tolist()
['word of mouth']

Checked against: the English and Chinese names of every row of the syllabus tables
(``tests/test_glossary.py`` lists them).
"""

from __future__ import annotations

import difflib
import functools
import tomllib
from collections.abc import Iterable
from dataclasses import dataclass

import pandas as pd

from crm_lessons.i18n import LOCALE_DIR, _check_language, get_language

#: The columns of :func:`glossary`, in order.
GLOSSARY_COLUMNS = ("english", "chinese", "definition", "chapter", "source")

#: The data file holding every term in both languages.
GLOSSARY_FILE = LOCALE_DIR / "glossary.toml"


@dataclass(frozen=True)
class Term:
    """One glossary entry (both languages)."""

    key: str
    english: str
    chinese: str
    definition_en: str
    definition_zh: str
    chapter: int
    source: str = "000"

    @property
    def definition(self) -> str:
        """The definition in the current language."""
        return self.definition_zh if get_language() == "zh" else self.definition_en


@functools.cache
def _data() -> dict:
    return tomllib.loads(GLOSSARY_FILE.read_text(encoding="utf-8"))["glossary"]


def _load_terms() -> tuple[Term, ...]:
    terms = []
    for key, entry in _data()["term"].items():
        terms.append(
            Term(
                key,
                entry["name"]["en"],
                entry["name"]["zh"],
                entry["definition"]["en"],
                entry["definition"]["zh"],
                int(entry["chapter"]),
                entry["source"],
            )
        )
    return tuple(terms)


#: Every course term, in syllabus order within each chapter (read from :data:`GLOSSARY_FILE`).
TERMS: tuple[Term, ...] = _load_terms()

#: The chapters of the course, by number (English title with the Chinese name).
CHAPTERS = {int(n): entry["en"] for n, entry in _data()["chapter"].items()}


def chapter_title(chapter: int, lang: str | None = None) -> str:
    """The title of a chapter (1-4) in the current language (or ``lang``).

    Examples
    --------
    >>> from crm_lessons.glossary import chapter_title
    >>> chapter_title(4, lang="zh")
    '客户忠诚度管理'
    """
    _check_chapter(chapter)
    return _data()["chapter"][str(chapter)][_lang(lang)]


def _lang(lang: str | None) -> str:
    return get_language() if lang is None else _check_language(lang)


def _check_chapter(chapter) -> None:
    if isinstance(chapter, bool) or not isinstance(chapter, int):
        raise TypeError(f"`chapter` must be a whole number 1-4 or None, got {chapter!r}.")
    if chapter not in CHAPTERS:
        raise ValueError(f"`chapter` must be one of {sorted(CHAPTERS)} or None, got {chapter!r}.")


def glossary(chapter: int | None = None, *, lang: str | None = None) -> pd.DataFrame:
    """Return the course glossary as a table.

    Parameters
    ----------
    chapter : int, optional
        Keep only the terms introduced in this chapter (1-4). All terms by default.
    lang : {"en", "zh"}, optional
        Language of the ``definition`` and ``source`` columns; the book's current language
        (:func:`crm_lessons.i18n.get_language`) by default.

    Returns
    -------
    pandas.DataFrame
        One row per term with columns ``english``, ``chinese``, ``definition``, ``chapter``
        (the chapter that introduces the term) and ``source`` (the course material the
        definition draws on), sorted by chapter and then in syllabus order.

    Notes
    -----
    Each English and Chinese name is the one the syllabus tables use. The English
    definitions are written in our own words from the course material; the Chinese ones use
    the course's own wording and quote it where the course gives a definition. Where the
    course text is ambiguous (客户贿赂) or garbled (the CRM cycle's step numbers), both
    languages say that the book's definition is a reading.

    References
    ----------
    Course material 000, 001, 002, 003, 004 and the syllabus tables; the data file
    ``crm_lessons/locale/glossary.toml``.

    Examples
    --------
    >>> from crm_lessons.glossary import glossary
    >>> g = glossary(chapter=1)
    >>> g.loc[g["chinese"] == "客户忠诚度", "english"].item()
    'customer loyalty'
    >>> sorted(glossary()["chapter"].unique().tolist())
    [1, 2, 3, 4]
    >>> glossary(lang="zh").set_index("english").loc["word of mouth", "definition"][:12]
    '口碑主要是指非商业的相关'

    Checked against: the syllabus rows (tests/test_glossary.py).
    """
    if chapter is not None:
        _check_chapter(chapter)
    lang = _lang(lang)
    sources = _data()["source"]
    rows = [
        (
            t.english,
            t.chinese,
            t.definition_zh if lang == "zh" else t.definition_en,
            t.chapter,
            sources[t.source][lang],
        )
        for t in TERMS
        if chapter is None or t.chapter == chapter
    ]
    frame = pd.DataFrame(rows, columns=list(GLOSSARY_COLUMNS))
    frame["chapter"] = frame["chapter"].astype("int64")
    # stable sort keeps syllabus order inside a chapter
    return frame.sort_values("chapter", kind="stable").reset_index(drop=True)


def lookup(query: str, chapter: int | None = None, *, lang: str | None = None) -> pd.DataFrame:
    """Find glossary terms whose English name, Chinese name or definition contains ``query``.

    Parameters
    ----------
    query : str
        Text to look for, case-insensitive, as plain text (not a regular expression).
        Leading and trailing spaces are ignored.
    chapter : int, optional
        Search only the terms of this chapter.
    lang : {"en", "zh"}, optional
        Language of the definitions searched and returned; the current language by default.

    Returns
    -------
    pandas.DataFrame
        The matching rows of :func:`glossary`, with an extra column ``matched_in``
        (``"name"`` when the English or Chinese name matches, else ``"definition"``); name
        matches come first, then definition matches, each in glossary order. Empty when
        nothing matches.

    Raises
    ------
    ValueError
        When ``query`` is empty or only spaces.
    TypeError
        When ``query`` is not a string.

    Notes
    -----
    A row matches when ``query.strip().casefold()`` is a substring of the case-folded
    English name, Chinese name or definition (the definition in ``lang``: what the reader
    sees is what was searched).

    References
    ----------
    The glossary data of this module.

    Examples
    --------
    >>> from crm_lessons.glossary import lookup
    >>> lookup("LIFETIME")["english"].tolist()
    ['customer lifetime value']
    >>> lookup("忠诚")["english"].tolist()[:3]
    ['customer loyalty', 'volume and loyalty classification', 'cognitive loyalty']
    >>> lookup("回扣", lang="zh")[["chinese", "matched_in"]].values.tolist()
    [['客户贿赂', 'definition']]

    Checked against: hand-picked queries in tests/test_glossary.py.
    """
    if not isinstance(query, str):
        raise TypeError(f"`query` must be a string, got {type(query).__name__}.")
    needle = query.strip().casefold()
    if not needle:
        raise ValueError("`query` is empty; type a word to look for, e.g. lookup('loyalty').")
    table = glossary(chapter, lang=lang)
    in_name = table["english"].str.casefold().str.contains(needle, regex=False) | table[
        "chinese"
    ].str.casefold().str.contains(needle, regex=False)
    in_definition = table["definition"].str.casefold().str.contains(needle, regex=False)
    hits = table[in_name | in_definition].copy()
    hits["matched_in"] = ["name" if n else "definition" for n in in_name[in_name | in_definition]]
    order = hits["matched_in"].map({"name": 0, "definition": 1})
    hits = hits.assign(_order=order).sort_values("_order", kind="stable").drop(columns="_order")
    return hits.reset_index(drop=True)


def _find(name: str, arg: str) -> Term:
    if not isinstance(name, str):
        raise TypeError(f"`{arg}` must be a string, got {type(name).__name__}.")
    key = name.strip().casefold()
    for t in TERMS:
        if t.english.casefold() == key or t.chinese == name.strip():
            return t
    close = difflib.get_close_matches(key, [t.english.casefold() for t in TERMS], n=3)
    hint = f" Did you mean {close}?" if close else " See glossary() for the list."
    raise ValueError(f"`{arg}` {name!r} is not a glossary term.{hint}")


def term(english: str, *, capitalize: bool = False) -> str:
    """Write a term for its first mention: English name with the Chinese name in brackets.

    Parameters
    ----------
    english : str
        The term's English name (case-insensitive) or its Chinese name.
    capitalize : bool, default False
        Upper-case the first letter, for the start of a sentence.

    Returns
    -------
    str
        ``"<english> (<chinese>)"``.

    Raises
    ------
    ValueError
        When the term is not in the glossary (the message suggests close names).

    Notes
    -----
    The book's convention: each course term appears once with its Chinese name, at its
    first use in a chapter, and in English only afterwards (see :class:`Mentions`).

    References
    ----------
    The syllabus (SYLLABUS.md): "The Chinese term appears next to its English name the
    first time it is used in the chapter notebook."

    Examples
    --------
    >>> from crm_lessons.glossary import term
    >>> term("Customer Lifetime Value")
    'customer lifetime value (客户终身价值)'
    >>> term("口碑", capitalize=True)
    'Word of mouth (口碑)'

    Checked against: the syllabus's own first-use example.
    """
    t = _find(english, "english")
    text = f"{t.english} ({t.chinese})"
    return text[:1].upper() + text[1:] if capitalize else text


def chinese(english: str) -> str:
    """Return the Chinese name of a glossary term.

    Examples
    --------
    >>> from crm_lessons.glossary import chinese
    >>> chinese("corporate culture")
    '企业文化'
    """
    return _find(english, "english").chinese


class Mentions:
    """Write terms bilingually at their first mention and in English afterwards.

    One ``Mentions`` per chapter keeps track of which terms have been introduced.

    Examples
    --------
    >>> from crm_lessons.glossary import Mentions
    >>> m = Mentions()
    >>> m("customer loyalty")
    'customer loyalty (客户忠诚度)'
    >>> m("customer loyalty")
    'customer loyalty'
    >>> m.introduced
    ['customer loyalty']
    """

    def __init__(self, already: Iterable[str] = ()):
        self._seen: list[str] = []
        for name in already:
            self._mark(_find(name, "already").english)

    def _mark(self, english: str) -> None:
        if english not in self._seen:
            self._seen.append(english)

    @property
    def introduced(self) -> list[str]:
        """English names already introduced, in order of first mention."""
        return list(self._seen)

    def __call__(self, english: str, *, capitalize: bool = False) -> str:
        t = _find(english, "english")
        if t.english in self._seen:
            text = t.english
        else:
            self._mark(t.english)
            text = f"{t.english} ({t.chinese})"
        return text[:1].upper() + text[1:] if capitalize else text
