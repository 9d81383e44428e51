"""The course glossary (术语表): every course term with its Chinese name and a short definition.

The glossary is data: one :class:`Term` per course term of the syllabus, for all four
chapters, each with its English name, its Chinese name as the syllabus writes it, a
definition in our own words, the chapter that introduces it and the course material the
definition draws on. Chapters use :func:`term` to write a term's first mention in both
languages ("customer lifetime value (客户终身价值)") and :func:`lookup` to search.

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
from collections.abc import Iterable
from dataclasses import dataclass

import pandas as pd

#: The columns of :func:`glossary`, in order.
GLOSSARY_COLUMNS = ("english", "chinese", "definition", "chapter", "source")

#: The chapters of the course, by number.
CHAPTERS = {
    1: "CRM overview (客户关系管理概述)",
    2: "Customer analysis (客户分析)",
    3: "Customer database and mining (客户数据库与客户挖掘)",
    4: "Loyalty (客户忠诚度管理)",
}


@dataclass(frozen=True)
class Term:
    """One glossary entry."""

    english: str
    chinese: str
    definition: str
    chapter: int
    source: str = "syllabus"


_S1 = "001 revision sheet"
_S0 = "000 slide outline"
_S2 = "002 chapter on customers"
_S3 = "003 thesis on loyalty"
_S4 = "004 consulting deck"

#: Every course term, in syllabus order within each chapter.
TERMS: tuple[Term, ...] = (
    # ------------------------------------------------------------------ chapter 1
    Term("customer relationship management", "客户关系管理",
         "Running a business around its customers: an idea (customers are the firm's most valuable "
         "resource), a management mechanism that organises sales, marketing and service around them, "
         "and the software that records and automates every contact. Abbreviated CRM.", 1, _S0),
    Term("content of CRM", "客户关系管理的内容",
         "What CRM covers in practice: identifying customers, providing the service staff who deal "
         "with them, managing market behaviour (offers, campaigns, prices) and managing the "
         "information and systems that hold customer data.", 1, _S0),
    Term("essence of CRM", "本质",
         "What CRM is at bottom: making the value of the customer base as large as possible, a game "
         "of cooperation and competition between firm and customer, and an investment that both "
         "sides make in the relationship.", 1, _S1),
    Term("operational CRM", "运营型",
         "The part of CRM that runs day-to-day customer-facing work: recording sales visits, "
         "processing orders, dispatching service jobs, sending campaign mail automatically.", 1, _S1),
    Term("collaborative CRM", "合作型",
         "The part of CRM that connects the channels and partners through which customers deal with "
         "the firm (phone, web, stores, dealers), so every channel sees the same customer and the "
         "customer can switch channels without starting over.", 1, _S1),
    Term("analytical CRM", "分析型",
         "The part of CRM that turns stored customer data into knowledge: segmenting, scoring, "
         "predicting who will buy or leave, and measuring what campaigns achieved.", 1, _S1),
    Term("principles for implementing CRM", "实施CRM系统应坚持的原则",
         "Seven rules for a CRM project: change the old management thinking, adjust the organisation, "
         "redesign business processes, win top management's support, involve someone who knows the "
         "whole company, build a system that fits the firm rather than one that does everything, and "
         "choose technology that is suitable rather than the most advanced.", 1, _S0),
    Term("Hughes' basic implementation model", "企业实施CRM系统的基本模式",
         "Arthur Hughes' outline of a CRM system: merge and share customer information so business "
         "processes can flow across departments; give customers a call centre and web self-service; "
         "and build customer intelligence on top.", 1, _S0),
    Term("customer intelligence", "客户智能",
         "Knowledge drawn from customer data, at two levels: first, recognising each customer at the "
         "moment of contact and treating different customers differently (one-to-one service); "
         "second, analysing many customers together to understand needs and market patterns and to "
         "design new products and services.", 1, _S0),
    Term("strategy", "战略",
         "A long-term plan for where the firm competes and how. CRM is treated as strategy because it "
         "joins idea and technology, reshapes the value chain, treats customers as assets, needs "
         "everyone's participation and changes corporate culture.", 1, _S1),
    Term("clear targeting", "明确目标",
         "Key success factor of CRM: aim at high-value or high-potential segments instead of the "
         "mass market.", 1, _S4),
    Term("tailored treatment", "量身定制",
         "Key success factor of CRM: give different segments different offers, based on a deep "
         "understanding of each, instead of one programme for all.", 1, _S4),
    Term("timeliness", "及时性",
         "Key success factor of CRM: contact customers proactively at the moments when they decide, "
         "not when the firm's calendar says so.", 1, _S4),
    Term("test and learn", "实践检验",
         "Key success factor of CRM: try many ideas continuously, each measured against a control "
         "group that did not get the treatment, and keep what works.", 1, _S4),
    Term("development of CRM", "CRM的发展",
         "The five stages a firm passes through, from broad campaigns on basic demographic or sales "
         "data in one channel to real-time, customer-centred relationship management across "
         "seamlessly integrated channels; each stage runs more experiments with a higher hit rate.",
         1, _S4),
    Term("CRM cycle", "CRM循环",
         "The repeating loop of CRM work: set goals, collect customer data, analyse it, design a "
         "marketing concept, run the campaign, measure the result, improve, and start again.", 1, _S4),
    Term("case study", "案例",
         "A real firm's CRM programme with its published results, used to show what CRM can achieve.",
         1, _S4),
    Term("why CRM projects fail", "CRM项目失败的原因",
         "The usual causes of disappointing CRM projects: starting with hardware instead of people, "
         "not knowing or tracking the economics, splitting business needs from IT, and having no "
         "test-and-learn process.", 1, _S4),
    Term("word of mouth", "口碑",
         "Informal, non-commercial talk between people about a product or a company, mostly face to "
         "face among relatives and friends; it carries weight because the listener trusts the "
         "speaker.", 1, _S1),
    Term("customer loyalty", "客户忠诚度",
         "A customer's lasting preference for a product, brand or firm, grown from good experience, "
         "that shows in buying again and again (also called customer stickiness).", 1, _S1),
    Term("customer lifetime value", "客户终身价值",
         "The total profit a customer will bring the firm over all future periods, discounted to "
         "today: the net present value of all future margins from that customer.", 1, _S1),
    Term("performance management", "绩效管理",
         "The continuing cycle in which managers and staff together plan performance, coach and "
         "communicate, appraise results, use the results and raise the targets, so that people, "
         "departments and the organisation keep improving.", 1, _S1),
    Term("corporate culture", "企业文化",
         "The shared values a firm builds up over a long time, accepted by its members as the basic "
         "principles for thinking and acting; CRM needs a culture that puts the customer first.",
         1, _S1),
    # ------------------------------------------------------------------ chapter 2
    Term("customer analysis", "客户分析",
         "Studying who the customers are, what they buy and what they are worth, as the basis for "
         "deciding how to treat each group.", 2, _S0),
    Term("definition of the customer", "客户的界定",
         "Who counts as a customer: consumers, organisations and intermediaries (dealers, retailers) "
         "that buy from the firm.", 2, _S0),
    Term("customer vs shopper", "客户与顾客",
         "A shopper is anyone who buys, often anonymously and once; a customer is known by name, has "
         "a record and a relationship with the firm and is served individually.", 2, _S2),
    Term("customer file", "客户档案",
         "Everything the firm keeps on one customer: basic data, characteristics, business status and "
         "trading record; kept up to date, focused on what matters, used flexibly and owned by a "
         "named person.", 2, _S0),
    Term("customer classification", "客户的分类",
         "Sorting customers into groups by buying motive, by nature, by retail format, internal or "
         "external, current or potential, so each group can be handled on purpose.", 2, _S2),
    Term("volume and loyalty classification", "销量与忠诚",
         "Placing customers in four quadrants by how much they buy and how loyal they are.", 2, _S2),
    Term("ABC classification", "ABC分类法",
         "Ranking customers by profit and cutting the ranking into A (the few most valuable), B and "
         "C (the many small ones); the textbook split is 5 / 15 / 80 % of customers giving about "
         "50 / 30 / 20 % of profit.", 2, _S2),
    Term("customer analysis process", "客户分析的流程与方法",
         "The six steps of customer analysis: customer composition, transaction performance per "
         "customer, sales mix by product, gross margin by product, product turnover, and when "
         "trading with a customer starts and stops.", 2, _S0),
    Term("concentration strategy", "集中策略",
         "Customer portfolio strategy that puts the firm's effort on one or a few attractive "
         "customer groups.", 2, _S0),
    Term("differentiation strategy", "区分策略",
         "Customer portfolio strategy that serves several groups, each with its own offer.", 2, _S0),
    Term("personalisation strategy", "个性化策略",
         "Customer portfolio strategy that tailors products and service to the individual "
         "customer.", 2, _S0),
    Term("customer screening", "客户的筛选",
         "Choosing which customers to keep and develop by five criteria: annual purchases, "
         "profitability, safety (credit), future potential and willingness to cooperate.", 2, _S0),
    Term("potential customer", "潜在客户",
         "Someone who does not buy yet but could: a lead to be found, qualified and converted.", 2, _S0),
    Term("cross-selling", "交叉销售",
         "Selling a customer products from other lines than the ones he or she already buys.", 2, _S0),
    Term("up-selling", "追加销售",
         "Selling a customer a higher-value version or a larger quantity of what he or she already "
         "buys.", 2, _S0),
    Term("customer value", "客户价值",
         "Read two ways: the value the firm delivers to the customer, and the value the customer "
         "brings the firm (profit now and later).", 2, _S2),
    # ------------------------------------------------------------------ chapter 3
    Term("customer database", "客户数据库",
         "The organised store of customer data: prepared by a project team, designed as a structure "
         "of tables and keys, and given the features the business needs.", 3, _S0),
    Term("building the customer database", "客户数据库的建立",
         "The steps to a customer database: prepare (form a project team, assign staff and equipment, "
         "adopt database marketing as a way of working), design the structure, then design its "
         "features.", 3, _S0),
    Term("classifying and tidying customer data", "客户数据的分类与整理",
         "Sorting newly collected customer records by segment and cleaning them: removing "
         "duplicates, fixing formats, handling missing and impossible values.", 3, _S0),
    Term("RFM analysis", "RFM法",
         "Scoring customers by the recency of their last purchase, the frequency of purchases and "
         "the money they spent, to predict who will buy again.", 3, _S0),
    Term("data mining", "数据挖掘",
         "Finding useful patterns in large amounts of customer data, for example with a decision "
         "tree that shows which behaviours go together.", 3, _S4),
    Term("customer segmentation", "客户细分",
         "Dividing customers into groups that are alike within and different between, for example "
         "by clustering their RFM scores.", 3, _S4),
    # ------------------------------------------------------------------ chapter 4
    Term("customer satisfaction", "客户满意",
         "How what a customer perceives after buying compares with what he or she expected: below "
         "expectation is dissatisfied, equal is satisfied, above is highly satisfied.", 4, _S2),
    Term("barrel principle", "木桶原理",
         "A barrel holds only as much water as its shortest stave allows: the weakest stage of the "
         "customer's experience sets overall satisfaction.", 4, _S2),
    Term("factors affecting customer satisfaction", "影响客户满意的因素",
         "What drives satisfaction: the company, the product, the marketing and service system, "
         "communication with the customer, and customer care.", 4, _S2),
    Term("customer satisfaction index", "客户满意度指数",
         "A 0-100 score of satisfaction built from weighted survey items (CSI; the American "
         "version is the ACSI), used to compare over time and against competitors.", 4, _S2),
    Term("Likert scale", "李克特量表",
         "A rating scale of ordered answers, typically 1 = strongly disagree to 5 = strongly "
         "agree, used for survey statements.", 4, _S2),
    Term("questionnaire", "问卷",
         "The survey form: an introduction, the questions and the respondent's details; given on "
         "site, by mail, by phone or online.", 4, _S2),
    Term("survey report", "调研报告",
         "The write-up of a survey: how it was done, the data, and the analysis (significance, "
         "correlation, clusters).", 4, _S2),
    Term("service quality", "服务质量",
         "How good the service is as the customer experiences it, judged on five factors: "
         "tangibles, reliability, responsiveness, assurance and empathy.", 4, _S0),
    Term("tangibles", "有形资产",
         "Service-quality factor: the physical side of the service (premises, equipment, staff "
         "appearance, materials).", 4, _S0),
    Term("reliability", "可信赖感",
         "Service-quality factor: doing what was promised, dependably and accurately.", 4, _S0),
    Term("responsiveness", "责任感",
         "Service-quality factor: willingness to help customers and to serve them promptly.", 4, _S0),
    Term("assurance", "保证",
         "Service-quality factor: staff knowledge and courtesy that make customers trust the "
         "service.", 4, _S0),
    Term("empathy", "感情",
         "Service-quality factor: caring, individual attention to each customer.", 4, _S0),
    Term("cognitive loyalty", "认知忠诚",
         "The first level of loyalty: the customer prefers the brand on what he or she knows of it "
         "(price, features).", 4, _S0),
    Term("affective loyalty", "情感忠诚",
         "The second level of loyalty: the customer likes the brand and feels attached to it.", 4, _S0),
    Term("behavioural loyalty", "行为忠诚",
         "The third level of loyalty: the customer actually keeps buying the brand.", 4, _S0),
    Term("repeat purchase rate", "客户重复购买率",
         "The share of customers (or of purchases) that are repeat purchases within a period; the "
         "first of the loyalty measures.", 4, _S0),
    Term("retention rate", "客户保留率",
         "The share of last period's customers who buy again in this period.", 4, _S3),
    Term("gold customer", "黄金客户",
         "A member of the firm's top tier of customers, served with extra benefits.", 4, _S3),
    Term("acquisition cost", "获取成本",
         "What it costs to win one new customer; usually several times the cost of keeping an "
         "existing one.", 4, _S2),
    Term("customer life cycle", "客户生命周期",
         "The stages of a customer's relationship with the firm, from first contact through growth "
         "and maturity to decline and loss.", 4, _S0),
    Term("key account", "大客户",
         "A customer who buys so much that the firm manages the relationship specially (priority "
         "supply, visits by leaders, joint promotions).", 4, _S0),
    Term("loyalty programme", "忠诚计划",
         "A scheme that rewards customers for buying again (points, tiers, privileges).", 4, _S4),
    Term("control group", "对照组",
         "Customers deliberately left out of a campaign, chosen at random, so the campaign's effect "
         "is the difference between the treated customers and them.", 4, _S4),
    Term("customer complaint", "客户抱怨",
         "A customer telling the firm that something went wrong; an early warning and a chance to "
         "improve.", 4, _S1),
    Term("service recovery", "服务补救",
         "What the firm does to put things right after a failure; a well-handled complaint can leave "
         "the customer more loyal than before.", 4, _S1),
    Term("customer bribery", "客户贿赂",
         "Buying a customer's business with gifts or kickbacks; it buys a transaction, not loyalty.",
         4, _S0),
)


def glossary(chapter: int | None = None) -> pd.DataFrame:
    """Return the course glossary as a table.

    Parameters
    ----------
    chapter : int, optional
        Keep only the terms introduced in this chapter (1-4). All terms by default.

    Returns
    -------
    pandas.DataFrame
        One row per term with columns ``english``, ``chinese``, ``definition``, ``chapter``
        (the chapter that introduces the term) and ``source`` (the course material the
        definition draws on), sorted by chapter and then in syllabus order.

    Notes
    -----
    Each English and Chinese name is the one the syllabus tables use; the definitions are
    written in our own words from the course material.

    References
    ----------
    Course material 000, 001, 002, 004 and the syllabus tables.

    Examples
    --------
    >>> from crm_lessons.glossary import glossary
    >>> g = glossary(chapter=1)
    >>> g.loc[g["chinese"] == "客户忠诚度", "english"].item()
    'customer loyalty'
    >>> sorted(glossary()["chapter"].unique().tolist())
    [1, 2, 3, 4]

    Checked against: the syllabus rows (tests/test_glossary.py).
    """
    if chapter is not None:
        if isinstance(chapter, bool) or not isinstance(chapter, int):
            raise TypeError(f"`chapter` must be a whole number 1-4 or None, got {chapter!r}.")
        if chapter not in CHAPTERS:
            raise ValueError(f"`chapter` must be one of {sorted(CHAPTERS)} or None, got {chapter!r}.")
    rows = [
        (t.english, t.chinese, t.definition, t.chapter, t.source)
        for t in TERMS
        if chapter is None or t.chapter == chapter
    ]
    frame = pd.DataFrame(rows, columns=list(GLOSSARY_COLUMNS))
    frame["chapter"] = frame["chapter"].astype("int64")
    # stable sort keeps syllabus order inside a chapter
    return frame.sort_values("chapter", kind="stable").reset_index(drop=True)


def lookup(query: str, chapter: int | None = None) -> pd.DataFrame:
    """Find glossary terms whose English name, Chinese name or definition contains ``query``.

    Parameters
    ----------
    query : str
        Text to look for, case-insensitive, as plain text (not a regular expression).
        Leading and trailing spaces are ignored.
    chapter : int, optional
        Search only the terms of this chapter.

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
    English name, Chinese name or definition.

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

    Checked against: hand-picked queries in tests/test_glossary.py.
    """
    if not isinstance(query, str):
        raise TypeError(f"`query` must be a string, got {type(query).__name__}.")
    needle = query.strip().casefold()
    if not needle:
        raise ValueError("`query` is empty; type a word to look for, e.g. lookup('loyalty').")
    table = glossary(chapter)
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
