"""CRM overview (客户关系管理概述): the ideas of chapter 1 and the published figures, as data.

Chapter 1 is mostly ideas, and a few published numbers. Both are kept as data, in
``crm_lessons/locale/overview.toml`` with English and Chinese side by side, and returned here
as small tidy tables, each row carrying the course material it comes from, so the notebook
can show, sort, quiz and plot them. Text columns come in the book's current language
(:func:`crm_lessons.i18n.set_language`) or the one passed as ``lang``; codes (quiz answers,
failure keys, stages) and numbers are the same in both. Where the web copy of a source is
garbled, the data say that the book's reading is a reading, in both languages.

* what CRM is (three views; the definitions of its several schools side by side), its
  content, its essence, why it is strategic, the benefits the thesis lists, the role of
  customer information;
* the three types of CRM with example activities to sort (:func:`crm_type_quiz`,
  :func:`check_crm_type`);
* the seven principles for implementing it (:func:`principles_checklist`);
* Hughes' basic implementation model (:func:`hughes_model`);
* the key success factors, mass vs targeted marketing (:func:`key_success_factors`);
* the five stages of CRM development with the consulting deck's figures
  (:func:`crm_stages`, :func:`crm_stage_figures`, :func:`plot_crm_stages`);
* the CRM cycle and the chapters where each step happens (:func:`crm_cycle`);
* the published case results (:func:`case_results`, :func:`small_business_lending`,
  :func:`shell_canada_tactics`);
* why CRM projects fail, with a quiz (:func:`failure_reasons`, :func:`check_failure_reason`);
* the deck's other pages: its four tenets, industries by stage, organisational change, the
  key questions for China, its pilot results, the pilot -> rollout -> "rocket science"
  phases and its IT pages (:func:`deck_tenets`, :func:`industries_by_stage`,
  :func:`organisation_change`, :func:`china_key_questions`, :func:`deck_pilot_results`,
  :func:`rollout_phases`, :func:`it_pages`);
* the content of CRM mapped onto the case company's tables (:func:`content_map`).

References
----------
.. [000] Course material 000: slide outline of the CRM chapter (definition, content,
   seven principles, Hughes' model, two levels of customer intelligence).
.. [001] Course material 001: revision sheet (essence, three types, why CRM is strategic).
.. [003] Course material 003: thesis on CRM at a company (the benefits of CRM).
.. [004] Course material 004: consulting deck on CRM practice (definition, key success
   factors, five stages and their figures, industries by stage, the CRM cycle, mobile
   operator, Shell Canada, small-business lending, why CRM projects fail, tenets, phases,
   organisation, pilots, IT). Web copy; where its punctuation was lost, the ranges were
   read against a second web copy of the same deck (m.777doc.com/doc-4382725.html).
"""

from __future__ import annotations

import functools
import tomllib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

import numpy as np
import pandas as pd

from crm_lessons import schema
from crm_lessons._validation import require_columns
from crm_lessons.i18n import LANGUAGES, LOCALE_DIR, _check_language, get_language, tr
from crm_lessons.plotting import styled

# --------------------------------------------------------------------------- the data file
#: The data file holding chapter 1's lists and figures in both languages.
OVERVIEW_FILE = LOCALE_DIR / "overview.toml"


@functools.cache
def _data() -> dict:
    return tomllib.loads(OVERVIEW_FILE.read_text(encoding="utf-8"))["overview"]


def _lang(lang: str | None) -> str:
    return get_language() if lang is None else _check_language(lang)


def _text(value, lang: str):
    """A field of the data file: ``{en, zh}`` -> the text in ``lang``; anything else as is."""
    if isinstance(value, Mapping) and set(value) <= set(LANGUAGES):
        return value[lang]
    return value


def _rows(table: str, lang: str, fields: Iterable[str], *, key: str | None = None) -> list[tuple]:
    """Rows of one table of the data file, in file order, with text fields in ``lang``."""
    rows = []
    for name, entry in _data()[table].items():
        values = [_text(entry.get(f, {"en": "", "zh": ""}), lang) for f in fields]
        rows.append((name, *values) if key else tuple(values))
    return rows


def _source(code: str, lang: str) -> str:
    return _data()["source"][code][lang]


def _frame(
    table: str,
    fields: list[str],
    lang: str | None,
    *,
    source: str | None = None,
    number: bool = False,
    key: str | None = None,
) -> pd.DataFrame:
    lang = _lang(lang)
    rows = _rows(table, lang, fields, key=key)
    columns = ([key] if key else []) + list(fields)
    frame = pd.DataFrame(rows, columns=columns)
    if number:
        frame.insert(0, "number", np.arange(1, len(frame) + 1, dtype="int64"))
    if source is not None:
        frame["source"] = _source(source, lang)
    return frame


SRC_000 = "course material 000 (slide outline)"
SRC_001 = "course material 001 (revision sheet)"
SRC_003 = "course material 003 (thesis)"
SRC_004 = "course material 004 (consulting deck)"


# --------------------------------------------------------------------------- ideas
def crm_definition(*, lang: str | None = None) -> pd.DataFrame:
    """Return the three levels at which the course outline defines CRM: idea, mechanism, technology.

    Parameters
    ----------
    lang : {"en", "zh"}, optional
        Language of the text columns; the book's current language by default (the same for
        every function of this module).

    Returns
    -------
    pandas.DataFrame
        Columns ``view``, ``chinese``, ``meaning``, ``source``; three rows.

    Notes
    -----
    The management mechanism concerns the firm and its **customers**. The outline's separate
    definition of the connotation (内涵) of CRM, which adds distributors and partners, is a row
    of :func:`crm_definitions`.

    References
    ----------
    Course material 000, section 1 (客户关系管理的内涵).

    Examples
    --------
    >>> from crm_lessons.overview import crm_definition
    >>> crm_definition(lang="en")["view"].tolist()
    ['management idea', 'management mechanism', 'software and technology']
    >>> crm_definition(lang="zh")["meaning"].tolist()[1]
    'CRM也是一种旨在改善企业与客户之间关系的新型管理机制。'
    """
    frame = _frame("definition", ["view", "meaning"], lang, source="000")
    frame.insert(1, "chinese", _frame("definition", ["view"], "zh")["view"])
    return frame


def crm_definitions(*, lang: str | None = None) -> pd.DataFrame:
    """Return the definitions of CRM of the course's several schools, side by side.

    Returns
    -------
    pandas.DataFrame
        Columns ``school``, ``definition``, ``emphasis`` (what the definition stresses),
        ``source``; five rows: the outline's three levels, the outline's connotation (内涵:
        a marketing strategy towards end customers, distributors and partners), the revision
        sheet's philosophy and strategy, the consulting deck's business strategy for a larger
        share of the customer's spending, and the thesis's means to lower costs and raise
        revenue.

    References
    ----------
    Course material 000 (sections 1 and 一), 001 (内涵), 003 (the value of CRM to the firm),
    004 (page 2, CRM的本质是).

    Examples
    --------
    >>> from crm_lessons.overview import crm_definitions
    >>> d = crm_definitions(lang="en")
    >>> d["source"].str[:19].tolist()[-2:]
    ['course material 004', 'course material 003']
    >>> "可支配收入中更大的份额" in crm_definitions(lang="zh").loc[3, "definition"]
    True
    """
    lang = _lang(lang)
    rows = [
        (*_rows("schools", lang, ["school", "definition", "emphasis"])[i], _source(entry["source"], lang))
        for i, entry in enumerate(_data()["schools"].values())
    ]
    return pd.DataFrame(rows, columns=["school", "definition", "emphasis", "source"])


def crm_essence(*, lang: str | None = None) -> pd.DataFrame:
    """Return the three points of the essence (本质) of CRM.

    References
    ----------
    Course material 001 (revision sheet, 本质).

    Examples
    --------
    >>> from crm_lessons.overview import crm_essence
    >>> crm_essence(lang="zh")["point"].tolist()
    ['客户资源价值的最大化', '竞合型博弈', '双向资源投入']
    """
    return _frame("essence", ["point", "meaning"], lang, source="001")


def why_strategic(*, lang: str | None = None) -> pd.DataFrame:
    """Return the five reasons why CRM is treated as strategy (战略), not as an IT project.

    References
    ----------
    Course material 001 (为什么要把CRM上升到战略高度).

    Examples
    --------
    >>> from crm_lessons.overview import why_strategic
    >>> why_strategic(lang="en")["reason"].tolist()[0]
    'idea and technology together'
    """
    return _frame("strategic", ["reason", "meaning"], lang, source="001", number=True)


def crm_benefits(*, lang: str | None = None) -> pd.DataFrame:
    """Return the benefits of CRM to the firm that the thesis lists.

    Returns
    -------
    pandas.DataFrame
        Columns ``number``, ``benefit``, ``meaning``, ``source``; five rows (business
        processes, fast response, profitability, customer satisfaction, standardised
        management).

    References
    ----------
    Course material 003 (thesis: the value of CRM to the company, 有利于…).

    Examples
    --------
    >>> from crm_lessons.overview import crm_benefits
    >>> crm_benefits(lang="zh")["benefit"].tolist()[2]
    '有利于提高企业的获利能力'
    """
    return _frame("benefit", ["benefit", "meaning"], lang, source="003", number=True)


def information_roles(*, lang: str | None = None) -> pd.DataFrame:
    """Return the roles of customer information (客户信息的作用) listed by the revision sheet.

    Returns
    -------
    pandas.DataFrame
        Columns ``number``, ``role``, ``meaning``, ``source``; nine rows, in the sheet's
        order (obtain information, segment customers, act on needs, innovate and improve,
        new distribution channels, less staff work, more efficient sales and marketing,
        less bought-in information, timely adjustment).

    References
    ----------
    Course material 001 (论点：客户信息的作用).

    Examples
    --------
    >>> from crm_lessons.overview import information_roles
    >>> information_roles(lang="zh")["role"].tolist()[:4]
    ['获取信息', '细分客户', '根据需求', '创新改进']
    """
    return _frame("information_role", ["role", "meaning"], lang, source="001", number=True)


# --------------------------------------------------------------------------- three types + quiz
def _crm_types() -> dict[str, str]:
    return {key: entry["name"]["zh"] for key, entry in _data()["crm_type"].items()}


#: The three types of CRM: English name -> Chinese name.
CRM_TYPES = _crm_types()


def crm_type_quiz(with_answers: bool = False, *, lang: str | None = None) -> pd.DataFrame:
    """Return example activities to sort into the three types of CRM.

    Parameters
    ----------
    with_answers : bool, default False
        Add the columns ``answer`` (the type, as its code ``"operational"`` ...) and ``why``.
    lang : {"en", "zh"}, optional
        Language of ``activity`` and ``why``.

    Returns
    -------
    pandas.DataFrame
        Columns ``item`` (1..12), ``activity`` (and ``answer``, ``why`` on request); four
        activities of each type, interleaved so the answer cannot be read off the order.

    References
    ----------
    Course material 001 (主要类型: 运营型, 合作型, 分析型).

    Examples
    --------
    >>> from crm_lessons.overview import crm_type_quiz
    >>> q = crm_type_quiz(with_answers=True)
    >>> q["answer"].value_counts().sort_index().to_dict()
    {'analytical': 4, 'collaborative': 4, 'operational': 4}
    """
    items = _rows("crm_type_item", _lang(lang), ["activity", "answer", "why"])
    # interleave: item k takes the k-th activity of each type in turn, in a fixed shuffled order
    order = [0, 4, 8, 5, 1, 9, 10, 2, 6, 3, 11, 7]
    rows = [(i + 1, *items[j]) for i, j in enumerate(order)]
    frame = pd.DataFrame(rows, columns=["item", "activity", "answer", "why"])
    return frame if with_answers else frame[["item", "activity"]]


@dataclass(frozen=True)
class QuizResult:
    """The outcome of checking one quiz answer (its text in the language it was checked in)."""

    correct: bool
    answer: str
    expected: str
    explanation: str
    expected_label: str = ""
    lang: str = "en"

    def __str__(self) -> str:
        if self.correct:
            return tr("overview.quiz.correct", lang=self.lang, explanation=self.explanation)
        return tr(
            "overview.quiz.wrong",
            lang=self.lang,
            expected=self.expected_label or self.expected,
            explanation=self.explanation,
        )


def _normalise_choice(value, choices: Mapping[str, str], arg: str) -> str:
    """Map an English or Chinese choice (any case, surrounding spaces) to its English key."""
    if not isinstance(value, str):
        raise TypeError(f"`{arg}` must be a string, one of {list(choices)}, got {type(value).__name__}.")
    v = value.strip().casefold()
    for key, zh in choices.items():
        if v in (key.casefold(), zh.casefold()):
            return key
    raise ValueError(
        f"`{arg}` must be one of {list(choices)} (or the Chinese {list(choices.values())}), got {value!r}."
    )


def _find_item(quiz, activity, arg: str) -> pd.Series:
    """The row of ``quiz(with_answers=True)`` by item number, or by its text in either language."""
    items = quiz(with_answers=True, lang=get_language())
    if isinstance(activity, (int, np.integer)) and not isinstance(activity, bool):
        hit = items[items["item"] == int(activity)]
        if hit.empty:
            raise ValueError(f"`{arg}` item number must be 1-{len(items)}, got {activity}.")
        return hit.iloc[0]
    if isinstance(activity, str):
        key = activity.strip().casefold()
        for lang in LANGUAGES:
            texts = quiz(with_answers=True, lang=lang).iloc[:, 1]
            hit = items[texts.str.strip().str.casefold() == key]
            if not hit.empty:
                return hit.iloc[0]
        raise ValueError(
            f"`{arg}` is not one of the quiz's items; pass its item number (1-{len(items)}) "
            "or its text exactly as listed."
        )
    raise TypeError(f"`{arg}` must be an item number or the item's text, got {type(activity).__name__}.")


def check_crm_type(activity, answer: str) -> QuizResult:
    """Check which type of CRM an activity belongs to.

    Parameters
    ----------
    activity : int or str
        The item number of :func:`crm_type_quiz` or the activity's text (either language).
    answer : str
        ``"operational"``, ``"collaborative"`` or ``"analytical"`` (any case), or the
        Chinese ``"运营型"``, ``"合作型"``, ``"分析型"``.

    Returns
    -------
    QuizResult
        ``correct``, the normalised ``answer``, the ``expected`` type and an ``explanation``
        in the current language.

    Raises
    ------
    ValueError
        When the activity is not a quiz item or the answer is not one of the three types.

    References
    ----------
    Course material 001 (three types of CRM).

    Examples
    --------
    >>> from crm_lessons.overview import check_crm_type
    >>> r = check_crm_type(1, "Operational")
    >>> r.correct, r.expected
    (True, 'operational')
    >>> check_crm_type(1, "分析型").correct
    False
    """
    chosen = _normalise_choice(answer, CRM_TYPES, "answer")
    row = _find_item(crm_type_quiz, activity, "activity")
    expected = row["answer"]
    lang = get_language()
    entry = _data()["crm_type"][expected]
    type_label = entry["name"][lang].capitalize()
    explanation = tr(
        "overview.quiz.crm_type_explanation", why=row["why"], type=type_label, meaning=entry["meaning"][lang]
    )
    return QuizResult(chosen == expected, chosen, expected, explanation, entry["name"][lang], lang)


def score_crm_type_quiz(answers: Mapping) -> pd.DataFrame:
    """Check a whole set of answers to :func:`crm_type_quiz` at once.

    Parameters
    ----------
    answers : mapping
        Item number (or activity text) -> answer.

    Returns
    -------
    pandas.DataFrame
        One row per answered item: ``item``, ``answer``, ``expected``, ``correct``.

    Examples
    --------
    >>> from crm_lessons.overview import score_crm_type_quiz
    >>> s = score_crm_type_quiz({1: "operational", 2: "operational"})
    >>> s["correct"].tolist()
    [True, False]
    """
    if not isinstance(answers, Mapping):
        raise TypeError("`answers` must be a mapping of item number -> type, e.g. {1: 'operational'}.")
    rows = []
    for activity, answer in answers.items():
        try:
            r = check_crm_type(activity, answer)
        except (TypeError, ValueError) as err:  # say which entry of `answers` is wrong
            raise type(err)(f"`answers`[{activity!r}]: {err}") from None
        item = int(_find_item(crm_type_quiz, activity, "answers")["item"])
        rows.append((item, r.answer, r.expected, r.correct))
    frame = pd.DataFrame(rows, columns=["item", "answer", "expected", "correct"])
    return frame.sort_values("item").reset_index(drop=True)


# --------------------------------------------------------------------------- principles
def implementation_principles(*, lang: str | None = None) -> pd.DataFrame:
    """Return the seven principles for implementing CRM (实施CRM系统应坚持的原则).

    Returns
    -------
    pandas.DataFrame
        Columns ``number`` (1-7), ``principle``, ``chinese``, ``meaning``, ``source``.

    References
    ----------
    Course material 000, section 3.

    Examples
    --------
    >>> from crm_lessons.overview import implementation_principles
    >>> len(implementation_principles())
    7
    """
    frame = _frame("principle", ["principle", "meaning"], lang, source="000", number=True)
    frame.insert(2, "chinese", _frame("principle", ["principle"], "zh")["principle"])
    return frame


def principles_checklist(ticked: Iterable[int] = (), *, lang: str | None = None) -> pd.DataFrame:
    """Return the seven principles as a checklist with the ticked ones marked.

    Parameters
    ----------
    ticked : iterable of int
        Numbers (1-7) of the principles a project has met.

    Returns
    -------
    pandas.DataFrame
        Columns ``number``, ``principle``, ``done`` (bool).

    Examples
    --------
    >>> from crm_lessons.overview import principles_checklist
    >>> c = principles_checklist([1, 4])
    >>> int(c["done"].sum()), c.loc[c["done"], "number"].tolist()
    (2, [1, 4])
    """
    ticked = list(ticked)
    bad = [
        t for t in ticked if isinstance(t, bool) or not isinstance(t, (int, np.integer)) or not 1 <= t <= 7
    ]
    if bad:
        raise ValueError(f"`ticked` holds principle numbers 1-7; got {bad}.")
    out = implementation_principles(lang=lang)[["number", "principle"]].copy()
    out["done"] = out["number"].isin(ticked)
    return out


# --------------------------------------------------------------------------- Hughes' model
def hughes_model(*, lang: str | None = None) -> pd.DataFrame:
    """Return the three building blocks of Hughes' basic model for implementing CRM.

    Arthur Hughes (Database Marketing Institute) proposed the model; the course outline
    gives it as three parts, the third with two levels.

    Returns
    -------
    pandas.DataFrame
        Columns ``part``, ``component``, ``chinese``, ``what_it_does``, ``source``; four rows
        (the third part, customer intelligence, appears once per level).

    References
    ----------
    Course material 000, section 4 (企业实施CRM系统的基本模式).

    Examples
    --------
    >>> from crm_lessons.overview import hughes_model
    >>> hughes_model(lang="en")["component"].tolist()[-2:]
    ['customer intelligence, level 1', 'customer intelligence, level 2']
    """
    frame = _frame("hughes", ["part", "component", "what_it_does"], lang, source="000")
    frame.insert(2, "chinese", _frame("hughes", ["component"], "zh")["component"])
    return frame.astype({"part": "int64"})


# --------------------------------------------------------------------------- success factors
def key_success_factors(*, lang: str | None = None) -> pd.DataFrame:
    """Return the four key success factors of CRM: from mass marketing to targeted marketing.

    Returns
    -------
    pandas.DataFrame
        Columns ``factor``, ``chinese``, ``from_mass_marketing``, ``to_targeted_marketing``,
        ``source``.

    References
    ----------
    Course material 004, page 2 (CRM的关键成功要素).

    Examples
    --------
    >>> from crm_lessons.overview import key_success_factors
    >>> key_success_factors()["chinese"].tolist()
    ['明确目标', '量身定制', '及时性', '实践检验']
    """
    frame = _frame("ksf", ["factor", "from_mass_marketing", "to_targeted_marketing"], lang, source="004")
    frame.insert(1, "chinese", _frame("ksf", ["factor"], "zh")["factor"])
    return frame


# --------------------------------------------------------------------------- the deck's other pages
def deck_tenets(*, lang: str | None = None) -> pd.DataFrame:
    """Return the consulting deck's four tenets of successful CRM (麦肯锡对CRM的主要观点).

    Returns
    -------
    pandas.DataFrame
        Columns ``number``, ``tenet``, ``meaning``, ``source``: focus on profit, analyse in
        depth, be practical, take a holistic view.

    References
    ----------
    Course material 004, pages 10 and 13-19 (侧重于利润, 深入的分析, 注重实际, 采取全盘考虑的方式).

    Examples
    --------
    >>> from crm_lessons.overview import deck_tenets
    >>> deck_tenets(lang="zh")["tenet"].tolist()
    ['侧重于利润', '深入的分析', '注重实际', '采取全盘考虑的方式']
    """
    return _frame("tenet", ["tenet", "meaning"], lang, source="004", number=True)


def industries_by_stage(*, lang: str | None = None) -> pd.DataFrame:
    """Return the deck's industries and firms, from those behind to those ahead in CRM.

    Returns
    -------
    pandas.DataFrame
        Columns ``industry``, ``firms``, ``position`` (1 behind, 2 middle, 3 ahead),
        ``position_label``, ``source``.

    Notes
    -----
    The web copy of the slide lost its layout: the groups of firms survive but not the stage
    column each sat in. The ordering within an industry (most insurers and banks behind,
    USAA, MBNA and Capital One ahead) is the book's reading of the printed order, not a
    stage number from the deck.

    References
    ----------
    Course material 004, page 4 (不同的行业正处在不同的阶段).

    Examples
    --------
    >>> from crm_lessons.overview import industries_by_stage
    >>> t = industries_by_stage(lang="en")
    >>> t.groupby("industry", sort=False).size().tolist()
    [3, 2, 3, 2]
    """
    lang = _lang(lang)
    frame = _frame("industry", ["industry", "firms", "position"], lang, source="004")
    frame["position"] = frame["position"].astype("int64")
    frame.insert(3, "position_label", [_data()["position"][str(p)][lang] for p in frame["position"]])
    return frame


def china_key_questions(*, lang: str | None = None) -> pd.DataFrame:
    """Return the four key questions the deck says a firm must answer to adopt CRM in China.

    References
    ----------
    Course material 004, page 24 (在中国采用CRM时必须回答的关键问题).

    Examples
    --------
    >>> from crm_lessons.overview import china_key_questions
    >>> china_key_questions(lang="zh")["question"].tolist()[0]
    '如何才能迅速收集到好的客户数据？'
    """
    return _frame("china_question", ["question"], lang, source="004", number=True)


def rollout_phases(*, lang: str | None = None) -> pd.DataFrame:
    """Return the deck's three phases of CRM: pilot, rollout and "rocket science".

    Returns
    -------
    pandas.DataFrame
        Columns ``number``, ``phase``, ``goals``, ``it`` (what the IT looks like in the
        phase), ``source``.

    Notes
    -----
    The deck's practical way in is "improve as you go" (边做边改): pilots of three to nine
    months on data downloaded to a PC, before any large system is bought.

    References
    ----------
    Course material 004, pages 17-18.

    Examples
    --------
    >>> from crm_lessons.overview import rollout_phases
    >>> rollout_phases(lang="zh")["phase"].tolist()
    ['试点', '推出', '火箭科学阶段']
    """
    return _frame("phase", ["phase", "goals", "it"], lang, source="004", number=True)


def it_pages(*, lang: str | None = None) -> pd.DataFrame:
    """Return what the deck's IT pages say: pilot IT, IT stages, work plan, components, vendors, lessons.

    Returns
    -------
    pandas.DataFrame
        Columns ``page``, ``topic``, ``content``, ``source``.

    References
    ----------
    Course material 004, pages 25 and 30-34.

    Examples
    --------
    >>> from crm_lessons.overview import it_pages
    >>> it_pages()["page"].tolist()
    [25, 30, 31, 32, 33, 34]
    """
    frame = _frame("it_page", ["page", "topic", "content"], lang, source="004")
    return frame.astype({"page": "int64"})


def organisation_change(*, lang: str | None = None) -> pd.DataFrame:
    """Return the deck's organisational change: which roles a CRM marketing budget moves between.

    Returns
    -------
    pandas.DataFrame
        Columns ``group``, ``roles``, ``source``: traditional marketing (market researchers,
        advertising managers, product managers) and customer-information specialists
        (statisticians, business analysts, software engineers).

    Notes
    -----
    The slide (a US bank) compares the marketing department's budget of a typical regional
    bank with that of a typical new, successful bank. The web copy keeps the roles and the
    numbers 15 25 25 35 30 35 35 (:data:`BUDGET_NUMBERS_AS_PRINTED`) but not the chart tying
    them to roles and banks, so the shares per role cannot be read; the book reads only the
    slide's message that CRM needs the organisation to change, with budget moving towards
    customer-information specialists. That direction is a reading.

    References
    ----------
    Course material 004, pages 20-21 (CRM需要整个组织的改变; 市场部预算百分比).

    Examples
    --------
    >>> from crm_lessons.overview import organisation_change
    >>> organisation_change(lang="zh")["group"].tolist()
    ['传统营销做法', '客户档案专家']
    """
    return _frame("org_role", ["group", "roles"], lang, source="004")


#: The numbers of the deck's budget chart (page 21), as printed, in order.
BUDGET_NUMBERS_AS_PRINTED = tuple(_data()["budget_numbers"]["printed"])


def deck_pilot_results(*, lang: str | None = None) -> pd.DataFrame:
    """Return the deck's first pilot results: six churn-reduction pilots measured against control groups.

    Returns
    -------
    pandas.DataFrame
        Columns ``pilot``, ``overall_churn_fall`` (fall of churn overall, %),
        ``segment`` (the key segment), ``key_segment_churn_fall`` (%), ``impact_musd``
        (economic impact, million US dollars), ``source``.

    Notes
    -----
    The deck says the churn falls are relative to control groups and reliable at more than
    95 %. Its web copy lists the pilots, the three columns of numbers and the segments
    separately; pairing them row by row in the printed order is the book's reading.

    References
    ----------
    Course material 004, page 28 (初步试点成效显著).

    Examples
    --------
    >>> from crm_lessons.overview import deck_pilot_results
    >>> r = deck_pilot_results(lang="en")
    >>> r["overall_churn_fall"].tolist(), int(r["impact_musd"].sum())
    ([8, 15, 36, 42, 14, 80], 31)
    """
    fields = ["pilot", "overall_churn_fall", "segment", "key_segment_churn_fall", "impact_musd"]
    frame = _frame("deck_pilot", fields, lang, source="004")
    return frame.astype({col: "int64" for col in fields[1::2]} | {"impact_musd": "int64"})


# --------------------------------------------------------------------------- five stages
#: The order of the stages.
STAGE_ORDER = tuple(_data()["stage"])

#: The stage measures: code -> English name.
STAGE_MEASURES = {code: entry["name"]["en"] for code, entry in _data()["measure"].items()}


def crm_stages(*, lang: str | None = None) -> pd.DataFrame:
    """Return the five stages of CRM development (CRM的发展) described in the deck.

    Returns
    -------
    pandas.DataFrame
        Columns ``stage`` (ordered categorical I-V), ``orientation``, ``description``,
        ``source``.

    References
    ----------
    Course material 004, page 3 (CRM的发展包括五个阶段).

    Examples
    --------
    >>> from crm_lessons.overview import crm_stages
    >>> crm_stages(lang="en")["orientation"].value_counts().sort_index().to_dict()
    {'customer-centred': 2, 'moving towards customer-centred': 1, 'product-centred': 2}
    """
    frame = _frame("stage", ["orientation", "description"], lang, source="004", key="stage")
    frame["stage"] = pd.Categorical(frame["stage"], categories=list(STAGE_ORDER), ordered=True)
    return frame


def crm_stage_figures(*, lang: str | None = None) -> pd.DataFrame:
    """Return the deck's figures for the five stages as a tidy table, one row per stage and measure.

    Returns
    -------
    pandas.DataFrame
        Columns ``stage`` (ordered I-V), ``measure`` (experiments per year, customers per
        campaign, average hit rate, profit uplift; ordered), ``as_published`` (the figure as
        the deck prints it), ``low``, ``high`` (numbers read from it), ``unit``,
        ``shared_with`` (the stages one published figure covers, e.g. ``"I-II"``), ``source``.

    Notes
    -----
    Experiments per year has a figure for every stage. The other three measures are printed
    once per column group of the slide (product-centred / moving towards customer-centred /
    customer-centred), so stages I and II share a figure, and so do IV and V. ``low`` =
    ``high`` where the deck gives one number; "<0.5 %" is the book's reading of the copies'
    "0.5" and "< %" (the signs were lost) and is stored as 0-0.5. The deck gives no source or
    sample behind its figures: they are a consultant's rules of thumb, not measurements.

    References
    ----------
    Course material 004, page 3; ranges checked against a second web copy of the same deck.

    Examples
    --------
    >>> from crm_lessons.overview import crm_stage_figures
    >>> f = crm_stage_figures(lang="en")
    >>> f.loc[f["measure"] == "average hit rate", ["stage", "as_published"]].values.tolist()
    [['I', '5-10 %'], ['II', '5-10 %'], ['III', '20-25 %'], ['IV', '30-35 %'], ['V', '30-35 %']]

    Checked against: the numbers of course material 004, page 3, token by token.
    """
    lang = _lang(lang)
    measures = _data()["measure"]
    rows = []
    for entry in _data()["stage_figure"].values():
        stages = entry["stages"]
        shared = stages[0] if len(stages) == 1 else f"{stages[0]}-{stages[-1]}"
        m = measures[entry["measure"]]
        for st in stages:
            rows.append(
                (
                    st,
                    m["name"][lang],
                    entry["as_published"][lang],
                    float(entry["low"]),
                    float(entry["high"]),
                    m["unit"][lang],
                    shared,
                    _source("004", lang),
                )
            )
    frame = pd.DataFrame(
        rows, columns=["stage", "measure", "as_published", "low", "high", "unit", "shared_with", "source"]
    )
    frame["stage"] = pd.Categorical(frame["stage"], categories=list(STAGE_ORDER), ordered=True)
    names = [m["name"][lang] for m in measures.values()]
    frame["measure"] = pd.Categorical(frame["measure"], categories=names, ordered=True)
    return frame.sort_values(["measure", "stage"]).reset_index(drop=True)


@styled
def plot_crm_stages(figures: pd.DataFrame | None = None, *, axes=None):
    """Plot the deck's stage figures: one panel per measure, a range bar per stage.

    Parameters
    ----------
    figures : pandas.DataFrame, optional
        The output of :func:`crm_stage_figures` (the default, in the current language).
    axes : array of four matplotlib Axes, optional
        Where to draw; a new 2 x 2 figure by default.

    Returns
    -------
    matplotlib.figure.Figure

    Notes
    -----
    Each bar spans the published range (low to high); a dot marks a single number.
    Experiments per year is drawn on a log scale (it grows a thousand-fold). Titles and labels
    follow the current language.

    Examples
    --------
    >>> from crm_lessons.overview import plot_crm_stages
    >>> fig = plot_crm_stages()
    >>> [ax.get_title() for ax in fig.axes]
    ['Experiments per year', 'Customers per campaign', 'Average hit rate', 'Profit uplift']
    """
    import matplotlib.pyplot as plt

    from crm_lessons.plotting import BOOK_COLOURS

    if figures is None:
        figures = crm_stage_figures()
    require_columns(
        figures,
        list(crm_stage_figures().columns),
        "figures",
        source="crm_lessons.overview.crm_stage_figures()",
    )
    if axes is None:
        fig, axes = plt.subplots(2, 2, figsize=(13, 8.5))
    else:
        fig = np.asarray(axes).flat[0].figure
    axes = np.asarray(axes).ravel()
    first = figures["measure"].cat.categories[0] if hasattr(figures["measure"], "cat") else None
    for ax, (measure, part) in zip(axes, figures.groupby("measure", observed=True, sort=True)):
        part = part.sort_values("stage")
        x = np.arange(len(part))
        low, high = part["low"].to_numpy(), part["high"].to_numpy()
        log_scale = measure == first
        if log_scale:
            ax.set_yscale("log")
        ax.bar(x, high - low, bottom=low, width=0.55, color=BOOK_COLOURS[0], alpha=0.85)
        single = low == high
        ax.scatter(x[single], low[single], s=140, color=BOOK_COLOURS[0], zorder=3)
        for xi, hi, text in zip(x, high, part["as_published"]):
            ax.annotate(text, (xi, hi), xytext=(0, 7), textcoords="offset points", ha="center", fontsize=13)
        ax.set_xticks(x, [tr("overview.plot.stage_label", stage=s) for s in part["stage"]])
        ax.set_title(measure[:1].upper() + measure[1:])
        ax.set_ylabel(part["unit"].iloc[0])
        ax.margins(y=0.18)
        if log_scale:
            ax.set_ylim(20, 2e5)
        else:
            ax.set_ylim(bottom=0)
    fig.suptitle(tr("overview.plot.stages_title"), fontsize=18)
    fig.tight_layout()
    return fig


# --------------------------------------------------------------------------- the CRM cycle
def crm_cycle(*, lang: str | None = None) -> pd.DataFrame:
    """Return the CRM cycle (CRM循环) and where each step happens in this book.

    Returns
    -------
    pandas.DataFrame
        Columns ``step`` (1-7), ``name``, ``chinese``, ``what_happens``, ``chapters``
        (the book's chapters that teach the step), ``source``.

    Notes
    -----
    The web copy of the deck keeps six step numbers but seven step names (确定战略目标, 收集,
    分析客户, 制作营销概念, 实施活动, 衡量结果, 改善活动); listing the seven names as seven
    steps is the book's reading (:func:`cycle_note` says so in both languages).

    References
    ----------
    Course material 004, page 19 (CRM循环).

    Examples
    --------
    >>> from crm_lessons.overview import crm_cycle
    >>> crm_cycle(lang="en")["name"].tolist()[:4]
    ['set goals', 'collect data', 'analyse customers', 'design the marketing concept']
    """
    frame = _frame("cycle", ["name", "what_happens", "chapters"], lang, source="004", number=True)
    frame = frame.rename(columns={"number": "step"})
    frame.insert(2, "chinese", _frame("cycle", ["name"], "zh")["name"])
    return frame


def cycle_note(*, lang: str | None = None) -> str:
    """The sentence saying that the cycle's seven steps are the book's reading of the deck.

    Examples
    --------
    >>> from crm_lessons.overview import cycle_note
    >>> cycle_note(lang="zh")[:8]
    '此处为本书的解读'
    """
    return tr("overview.cycle_note", lang=_lang(lang))


# --------------------------------------------------------------------------- published cases
def case_results(*, lang: str | None = None) -> pd.DataFrame:
    """Return the published results of the deck's CRM cases (mobile operator, Shell Canada).

    Returns
    -------
    pandas.DataFrame
        Columns ``case``, ``measure``, ``change``, ``unit``, ``as_published``, ``note``,
        ``source``; one row per published figure.

    Notes
    -----
    The deck prints only the mobile operator's relative fall of churn (28 %), not the churn
    rates themselves. Its two averages are labelled "average of the six months before the
    programme" and "average of the three months before the programme" in the web copy; that
    the second means the first three months *of* the programme (so the 28 % compares before
    with after) is the book's reading, and the ``note`` says so. Shell Canada's figures are
    changes after its Air Miles reward scheme was used to keep customers while many stations
    closed; the deck gives no base levels or period.

    References
    ----------
    Course material 004, pages 7 (Asian mobile operator) and 8 (Shell Canada).

    Examples
    --------
    >>> from crm_lessons.overview import case_results
    >>> r = case_results(lang="en")
    >>> r.set_index("measure")["change"].to_dict()
    {'monthly churn rate': -28.0, 'sales': 16.0, 'market share': 2.0, 'volume': 36.0}

    Checked against: the numbers printed in course material 004.
    """
    fields = ["case", "measure", "change", "unit", "as_published", "note"]
    frame = _frame("case", fields, lang, source="004")
    return frame.astype({"change": "float64"})


def shell_canada_tactics(*, lang: str | None = None) -> pd.DataFrame:
    """Return how Shell Canada used its Air Miles reward scheme, and the aim of each tactic.

    References
    ----------
    Course material 004, page 8.

    Examples
    --------
    >>> from crm_lessons.overview import shell_canada_tactics
    >>> shell_canada_tactics(lang="en")["aim"].unique().tolist()
    ['win new business', 'move customers to more profitable products', 'keep customers through the move']
    """
    return _frame("shell", ["aim", "tactic"], lang, source="004")


def small_business_lending() -> pd.DataFrame:
    """Return the small-business lending case: loans and profit by year, 1989-1997.

    Returns
    -------
    pandas.DataFrame
        Columns ``year``, ``loans``, ``profit``, ``source``.

    Notes
    -----
    The deck (page 9) shows two bar charts, loans and profit, for 1989 and 1993-1997, under
    the title "using CRM to grow small-business lending, earning millions of US dollars"
    (实现盈利百万美元), supported by the bank's own analysis, target-customer scoring and
    prediction. The web copy keeps the numbers but not the axis units; reading them as
    million US dollars, after the slide's title, is the book's reading (:func:`lending_unit`
    says so in both languages). Years 1990-1992 are not shown in the deck. Growth
    1993-1997: loans x 4.7, profit x 5.4.

    References
    ----------
    Course material 004, page 9 (小企业银行业案例).

    Examples
    --------
    >>> from crm_lessons.overview import small_business_lending
    >>> s = small_business_lending()
    >>> s[["year", "loans", "profit"]].values.tolist()[-1]
    [1997, 5600, 275]

    Checked against: the numbers printed in course material 004, page 9.
    """
    rows = [(e["year"], e["loans"], e["profit"]) for e in _data()["lending"].values()]
    frame = pd.DataFrame(rows, columns=["year", "loans", "profit"])
    frame["source"] = _source("004", get_language())
    return frame.astype({"year": "int64", "loans": "int64", "profit": "int64"})


def lending_unit(*, lang: str | None = None) -> str:
    """The unit of the lending figures, with the note that it is the book's reading.

    Examples
    --------
    >>> from crm_lessons.overview import lending_unit
    >>> lending_unit(lang="en")[:18]
    'million US dollars'
    """
    return tr("overview.lending_unit", lang=_lang(lang))


# --------------------------------------------------------------------------- why projects fail
#: Why CRM projects fail: key -> (reason, what to do instead), in English.
FAILURE_REASONS = {key: (e["reason"]["en"], e["instead"]["en"]) for key, e in _data()["failure"].items()}


def failure_reasons(*, lang: str | None = None) -> pd.DataFrame:
    """Return the four usual reasons why CRM projects fail (CRM项目失败的原因).

    Returns
    -------
    pandas.DataFrame
        Columns ``key``, ``reason``, ``instead``, ``source``.

    References
    ----------
    Course material 004, page 12.

    Examples
    --------
    >>> from crm_lessons.overview import failure_reasons
    >>> failure_reasons()["key"].tolist()
    ['hardware first', 'no economics', 'business-IT split', 'no test and learn']
    """
    return _frame("failure", ["reason", "instead"], lang, source="004", key="key")


def failure_quiz(with_answers: bool = False, *, lang: str | None = None) -> pd.DataFrame:
    """Return short project stories; the student names the reason each project is failing.

    Examples
    --------
    >>> from crm_lessons.overview import failure_quiz
    >>> failure_quiz().columns.tolist()
    ['item', 'story']
    """
    rows = _rows("failure_item", _lang(lang), ["story", "answer"])
    frame = pd.DataFrame([(i + 1, *r) for i, r in enumerate(rows)], columns=["item", "story", "answer"])
    return frame if with_answers else frame[["item", "story"]]


def check_failure_reason(story, answer: str) -> QuizResult:
    """Check which failure reason a project story shows.

    Parameters
    ----------
    story : int or str
        Item number of :func:`failure_quiz` or the story's text (either language).
    answer : str
        One of the keys of :data:`FAILURE_REASONS`: ``"hardware first"``, ``"no economics"``,
        ``"business-IT split"``, ``"no test and learn"`` (any case).

    Returns
    -------
    QuizResult
        Its explanation in the current language.

    Examples
    --------
    >>> from crm_lessons.overview import check_failure_reason
    >>> check_failure_reason(4, "no test and learn").correct
    True
    """
    chosen = _normalise_choice(answer, {k: k for k in FAILURE_REASONS}, "answer")
    row = _find_item(failure_quiz, story, "story")
    expected = row["answer"]
    lang = get_language()
    entry = _data()["failure"][expected]
    explanation = tr(
        "overview.quiz.failure_explanation", reason=entry["reason"][lang], instead=entry["instead"][lang]
    )
    return QuizResult(chosen == expected, chosen, expected, explanation, entry["label"][lang], lang)


# --------------------------------------------------------------------------- content -> tables
def _content_parts() -> dict:
    parts = {}
    for part, entry in _data()["content_part"].items():
        tables = {name: t["holds"]["en"] for name, t in _data()["content_table"].items() if t["part"] == part}
        parts[part] = (entry["part"]["zh"], tables)
    return parts


#: The four parts of the content of CRM, and the case company's tables that hold each (English).
CONTENT_PARTS = _content_parts()


def content_map(data: Mapping[str, pd.DataFrame] | None = None, *, lang: str | None = None) -> pd.DataFrame:
    """Map the four parts of the content of CRM to the case company's tables.

    Parameters
    ----------
    data : mapping of table name -> DataFrame, optional
        The loaded tables (e.g. ``crm_lessons.data.load_case_company()``); when given, a
        ``rows`` column counts each table's rows.
    lang : {"en", "zh"}, optional
        Language of ``part`` and ``holds``.

    Returns
    -------
    pandas.DataFrame
        One row per table: ``part``, ``chinese``, ``table``, ``file``, ``columns`` (how many),
        ``key`` (primary key), ``holds`` (what the table tells about the part), and ``rows``
        when ``data`` is given.

    Notes
    -----
    Every table of :data:`crm_lessons.schema.TABLES` belongs to exactly one part.

    References
    ----------
    Course material 000, section 2 (客户关系管理的内容); table definitions from
    :mod:`crm_lessons.schema`.

    Examples
    --------
    >>> from crm_lessons.overview import content_map
    >>> m = content_map(lang="en")
    >>> m.groupby("part", sort=False)["table"].count().to_dict()
    {'identifying customers': 2, 'service staff': 2, 'market behaviour': 4, 'information and systems': 2}
    """
    lang = _lang(lang)
    parts = _data()["content_part"]
    rows = []
    for name, entry in _data()["content_table"].items():
        t = schema.TABLES[name]
        part = parts[entry["part"]]["part"]
        rows.append(
            (
                part[lang],
                part["zh"],
                name,
                t.file,
                len(t.columns),
                ", ".join(t.primary_key),
                entry["holds"][lang],
            )
        )
    frame = pd.DataFrame(rows, columns=["part", "chinese", "table", "file", "columns", "key", "holds"])
    if data is not None:
        if not isinstance(data, Mapping):
            raise TypeError(
                "`data` must be a mapping of table name -> DataFrame, "
                "e.g. crm_lessons.data.load_case_company()."
            )
        missing = [t for t in frame["table"] if t not in data]
        if missing:
            raise ValueError(f"`data` lacks table(s) {missing}; pass crm_lessons.data.load_case_company().")
        frame["rows"] = [len(data[t]) for t in frame["table"]]
    return frame


# --------------------------------------------------------------------------- more plots
@styled
def plot_case_results(results: pd.DataFrame | None = None, *, ax=None):
    """Bar chart of the published case results (:func:`case_results`), one bar per figure.

    Returns
    -------
    matplotlib.axes.Axes

    Examples
    --------
    >>> from crm_lessons.overview import plot_case_results
    >>> ax = plot_case_results()
    >>> [t.get_text() for t in ax.get_yticklabels()][0]
    'Mobile operator: monthly churn rate (%)'
    """
    import matplotlib.pyplot as plt

    from crm_lessons.plotting import BOOK_COLOURS

    lang = get_language()
    r = case_results() if results is None else results
    require_columns(r, list(case_results().columns), "results", source="crm_lessons.overview.case_results()")
    if ax is None:
        _, ax = plt.subplots(figsize=(11, 4.8))
    operator = _data()["case"]["churn"]["case"][lang]
    points = _data()["case"]["shell_share"]["unit"][lang]
    labels = [
        tr(
            "overview.plot.case_label",
            case=c.replace(operator, tr("overview.plot.mobile_operator")),
            measure=m,
            unit=tr("overview.plot.points") if u == points else "%",
        )
        for c, m, u in zip(r["case"], r["measure"], r["unit"])
    ]
    y = np.arange(len(r))[::-1]
    colours = [BOOK_COLOURS[1] if v < 0 else BOOK_COLOURS[0] for v in r["change"]]
    ax.barh(y, r["change"], color=colours, height=0.6)
    for yi, v in zip(y, r["change"]):
        ax.annotate(
            f"{v:+g}",
            (v, yi),
            xytext=(8 if v >= 0 else -8, 0),
            textcoords="offset points",
            ha="left" if v >= 0 else "right",
            va="center",
            fontsize=14,
        )
    ax.set_yticks(y, labels)
    ax.axvline(0, color="black", lw=1)
    ax.set_xlabel(tr("overview.plot.cases_xlabel"))
    ax.set_title(tr("overview.plot.cases_title"))
    ax.set_xlim(min(r["change"].min() * 1.35, 0), max(r["change"].max() * 1.25, 0))
    return ax


@styled
def plot_small_business_lending(table: pd.DataFrame | None = None, *, axes=None):
    """Two bar charts of the small-business lending case: loans and profit by year.

    The y axis says the unit (million US dollars) is the book's reading of the slide's title.

    Returns
    -------
    matplotlib.figure.Figure

    Examples
    --------
    >>> from crm_lessons.overview import plot_small_business_lending
    >>> [ax.get_title() for ax in plot_small_business_lending().axes]
    ['Loans', 'Profit']
    """
    import matplotlib.pyplot as plt

    from crm_lessons.plotting import BOOK_COLOURS

    t = small_business_lending() if table is None else table
    require_columns(
        t,
        list(small_business_lending().columns),
        "table",
        source="crm_lessons.overview.small_business_lending()",
    )
    if axes is None:
        fig, axes = plt.subplots(1, 2, figsize=(13, 4.8))
    else:
        fig = np.asarray(axes).flat[0].figure
    for ax, col, colour in zip(np.asarray(axes).ravel(), ["loans", "profit"], BOOK_COLOURS):
        x = np.arange(len(t))
        ax.bar(x, t[col], color=colour, width=0.6)
        for xi, v in zip(x, t[col]):
            ax.annotate(
                f"{v:,}", (xi, v), xytext=(0, 4), textcoords="offset points", ha="center", fontsize=13
            )
        ax.set_xticks(x, [str(y) for y in t["year"]])
        ax.set_title(tr(f"overview.plot.{col}"))
        ax.set_xlabel(tr("overview.plot.lending_xlabel"))
        ax.set_ylabel(tr("overview.plot.lending_ylabel"))
        ax.margins(y=0.12)
    fig.suptitle(tr("overview.plot.lending_title"), fontsize=18)
    fig.tight_layout()
    return fig


@styled
def plot_crm_cycle(cycle: pd.DataFrame | None = None, *, ax=None):
    """Draw the CRM cycle as a ring of steps with arrows (from :func:`crm_cycle`).

    Returns
    -------
    matplotlib.axes.Axes

    Examples
    --------
    >>> from crm_lessons.overview import plot_crm_cycle
    >>> ax = plot_crm_cycle()
    >>> ax.get_title()
    'The CRM cycle and the chapters that teach each step'
    """
    import re
    import textwrap

    import matplotlib.pyplot as plt

    from crm_lessons.plotting import BOOK_COLOURS

    c = crm_cycle() if cycle is None else cycle
    require_columns(c, list(crm_cycle().columns), "cycle", source="crm_lessons.overview.crm_cycle()")
    if ax is None:
        _, ax = plt.subplots(figsize=(12, 8.5))
    n = len(c)
    angles = np.pi / 2 - 2 * np.pi * np.arange(n) / n  # clockwise from the top
    xy = np.column_stack([1.35 * np.cos(angles), 1.0 * np.sin(angles)])
    for i in range(n):
        a, b = xy[i], xy[(i + 1) % n]
        # shorten each arrow so it runs between the boxes
        ax.annotate(
            "",
            xy=a + 0.72 * (b - a),
            xytext=a + 0.28 * (b - a),
            arrowprops={"arrowstyle": "-|>", "lw": 2.5, "color": BOOK_COLOURS[2]},
        )
    wrap = 9 if get_language() == "zh" else 16
    for (x, y), step, name, chapters in zip(xy, c["step"], c["name"], c["chapters"]):
        numbers = re.findall(r"(?:^|[,，]\s*)(\d+)", chapters)
        chapter_text = tr("overview.plot.chapter_short", chapters=", ".join(numbers))
        label = textwrap.fill(f"{step}. {name}", wrap)
        ax.text(
            x,
            y,
            f"{label}\n{chapter_text}",
            ha="center",
            va="center",
            fontsize=14,
            bbox={"boxstyle": "round,pad=0.5", "fc": "white", "ec": BOOK_COLOURS[0], "lw": 2.5},
        )
    ax.text(
        0, 0, tr("overview.plot.cycle_centre"), ha="center", va="center", fontsize=22, color=BOOK_COLOURS[0]
    )
    ax.set_xlim(-1.85, 1.85)
    ax.set_ylim(-1.3, 1.3)
    ax.set_aspect("equal")
    ax.axis("off")
    ax.set_title(tr("overview.plot.cycle_title"))
    return ax
