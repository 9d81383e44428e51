"""CRM overview (客户关系管理概述): the ideas of chapter 1 and the published figures, as data.

Chapter 1 is mostly ideas, and a few published numbers. Both are kept here as small tidy
tables, each row carrying the course material it comes from, so the notebook can show,
sort, quiz and plot them:

* what CRM is (three views), its content, its essence, why it is strategic;
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
* the content of CRM mapped onto the case company's tables (:func:`content_map`).

References
----------
.. [000] Course material 000: slide outline of the CRM chapter (definition, content,
   seven principles, Hughes' model, two levels of customer intelligence).
.. [001] Course material 001: revision sheet (essence, three types, why CRM is strategic).
.. [004] Course material 004: consulting deck on CRM practice (key success factors, five
   stages and their figures, the CRM cycle, mobile operator, Shell Canada, small-business
   lending, why CRM projects fail). Web copy; where its punctuation was lost, the ranges were
   read against a second web copy of the same deck (m.777doc.com/doc-4382725.html).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass

import numpy as np
import pandas as pd

from crm_lessons import schema
from crm_lessons.plotting import styled

SRC_000 = "course material 000 (slide outline)"
SRC_001 = "course material 001 (revision sheet)"
SRC_004 = "course material 004 (consulting deck)"


# --------------------------------------------------------------------------- ideas
def crm_definition() -> pd.DataFrame:
    """Return the three ways the course defines CRM: an idea, a mechanism, a technology.

    Returns
    -------
    pandas.DataFrame
        Columns ``view``, ``chinese``, ``meaning``, ``source``; three rows.

    References
    ----------
    Course material 000, section 1 (客户关系管理的内涵).

    Examples
    --------
    >>> from crm_lessons.overview import crm_definition
    >>> crm_definition()["view"].tolist()
    ['management idea', 'management mechanism', 'software and technology']
    """
    rows = [
        ("management idea", "管理理念",
         "Customers are the firm's most important resource; keep and grow the valuable ones."),
        ("management mechanism", "管理机制",
         "A way of organising the firm that improves its relationship with customers, "
         "distributors and partners."),
        ("software and technology", "管理软件和技术",
         "Systems that automate sales, service and decision support around one customer record."),
    ]
    return pd.DataFrame([(*r, SRC_000) for r in rows], columns=["view", "chinese", "meaning", "source"])


def crm_essence() -> pd.DataFrame:
    """Return the three points of the essence (本质) of CRM.

    References
    ----------
    Course material 001 (revision sheet, 本质).

    Examples
    --------
    >>> from crm_lessons.overview import crm_essence
    >>> len(crm_essence())
    3
    """
    rows = [
        ("maximise the value of the customer base",
         "The end goal is the largest possible value from customers as a resource, "
         "balanced with value for the customer."),
        ("a co-opetition game",
         "Firm and customer both cooperate (they need each other) and compete (over price "
         "and share of the margin); CRM manages that game."),
        ("two-way investment",
         "Both sides invest: the firm in service, data and offers; the customer in time, "
         "information and loyalty."),
    ]
    return pd.DataFrame([(*r, SRC_001) for r in rows], columns=["point", "meaning", "source"])


def why_strategic() -> pd.DataFrame:
    """Return the five reasons why CRM is treated as strategy (战略), not as an IT project.

    References
    ----------
    Course material 001 (为什么要把CRM上升到战略高度).

    Examples
    --------
    >>> from crm_lessons.overview import why_strategic
    >>> why_strategic()["reason"].tolist()[0]
    'idea and technology together'
    """
    rows = [
        ("idea and technology together",
         "CRM changes strategy, processes, organisation and technology at once; the firm must "
         "learn about its customers and use that knowledge at every point of contact."),
        ("value-chain management",
         "The real aim is to reorganise the firm around customer segments and the processes "
         "that link it to customers, raising profit and satisfaction together."),
        ("customers are assets",
         "Customers bring the cash flow (apart from financing) and are the yardstick of "
         "competitiveness, so they need a strategy like any major asset."),
        ("everyone takes part",
         "CRM adjusts the whole firm, so it has to be designed top-down and rolled out step by "
         "step with every department."),
        ("rebuilding corporate culture",
         "Managers must make customer-first values shared by all staff."),
    ]
    return pd.DataFrame([(i + 1, *r, SRC_001) for i, r in enumerate(rows)],
                        columns=["number", "reason", "meaning", "source"])


# --------------------------------------------------------------------------- three types + quiz
#: The three types of CRM: English name -> Chinese name.
CRM_TYPES = {"operational": "运营型", "collaborative": "合作型", "analytical": "分析型"}

_CRM_TYPE_MEANING = {
    "operational": "runs the day-to-day customer-facing work (sales, orders, service, campaign execution)",
    "collaborative": "connects channels and partners so the customer meets one company everywhere",
    "analytical": "turns stored customer data into knowledge (segments, scores, predictions, results)",
}

# (activity, type, why) -- activities use the case company so students recognise them
_CRM_TYPE_ITEMS = (
    ("A sales rep logs each visit to a dealer in the CRM system from a tablet.", "operational",
     "Recording the sales force's daily work is sales-force automation."),
    ("An order placed online is passed automatically to the warehouse and invoicing.", "operational",
     "Automating the order process is day-to-day operation."),
    ("A repair request from the hotline is turned into a job ticket for the nearest installer.", "operational",
     "Dispatching service work is front-office operation."),
    ("Birthday e-mails with a voucher go out automatically to gold customers.", "operational",
     "Executing a campaign automatically is marketing automation; deciding who gets it would be analysis."),
    ("Hotline, website chat and stores all see the same customer record and history.", "collaborative",
     "One shared view across channels lets every channel work together."),
    ("Dealers (intermediaries) check stock and promotion plans on a partner portal.", "collaborative",
     "Working with partners through a shared portal is collaboration."),
    ("A customer starts a complaint by web chat and finishes it by phone without repeating it.", "collaborative",
     "Seamless hand-over between channels is collaborative CRM."),
    ("The key-account manager and a supermarket chain plan a joint promotion in a shared workspace.",
     "collaborative", "Joint work with the customer is collaboration."),
    ("Customers are scored on recency, frequency and money spent to choose who gets an offer.", "analytical",
     "RFM scoring analyses stored data."),
    ("A model predicts which customers are likely to stop buying next quarter.", "analytical",
     "Prediction from data is analytical CRM."),
    ("Customers are ranked by profit into A, B and C classes.", "analytical",
     "ABC classification is an analysis of the customer base."),
    ("The loyalty pilot's buyers are compared with the control group to measure the uplift.", "analytical",
     "Measuring results against a control group is analysis."),
)


def crm_type_quiz(with_answers: bool = False) -> pd.DataFrame:
    """Return example activities to sort into the three types of CRM.

    Parameters
    ----------
    with_answers : bool, default False
        Add the columns ``answer`` (the type) and ``why``.

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
    # interleave: item k takes the k-th activity of each type in turn, in a fixed shuffled order
    order = [0, 4, 8, 5, 1, 9, 10, 2, 6, 3, 11, 7]
    rows = [(i + 1, *_CRM_TYPE_ITEMS[j]) for i, j in enumerate(order)]
    frame = pd.DataFrame(rows, columns=["item", "activity", "answer", "why"])
    return frame if with_answers else frame[["item", "activity"]]


@dataclass(frozen=True)
class QuizResult:
    """The outcome of checking one quiz answer."""

    correct: bool
    answer: str
    expected: str
    explanation: str

    def __str__(self) -> str:
        verdict = "Correct" if self.correct else f"Not quite: it is {self.expected}"
        return f"{verdict}. {self.explanation}"


def _normalise_choice(value, choices: Mapping[str, str], arg: str) -> str:
    """Map an English or Chinese choice (any case, surrounding spaces) to its English key."""
    if not isinstance(value, str):
        raise TypeError(f"`{arg}` must be a string, one of {list(choices)}, got {type(value).__name__}.")
    v = value.strip().casefold()
    for key, zh in choices.items():
        if v in (key.casefold(), zh.casefold()):
            return key
    raise ValueError(f"`{arg}` must be one of {list(choices)} (or the Chinese {list(choices.values())}), "
                     f"got {value!r}.")


def _find_item(items: pd.DataFrame, activity, arg: str) -> pd.Series:
    if isinstance(activity, (int, np.integer)) and not isinstance(activity, bool):
        hit = items[items["item"] == int(activity)]
        if hit.empty:
            raise ValueError(f"`{arg}` item number must be 1-{len(items)}, got {activity}.")
        return hit.iloc[0]
    if isinstance(activity, str):
        key = activity.strip().casefold()
        hit = items[items.iloc[:, 1].str.strip().str.casefold() == key]
        if hit.empty:
            raise ValueError(f"`{arg}` is not one of the quiz's items; pass its item number (1-{len(items)}) "
                             "or its text exactly as listed.")
        return hit.iloc[0]
    raise TypeError(f"`{arg}` must be an item number or the item's text, got {type(activity).__name__}.")


def check_crm_type(activity, answer: str) -> QuizResult:
    """Check which type of CRM an activity belongs to.

    Parameters
    ----------
    activity : int or str
        The item number of :func:`crm_type_quiz` or the activity's text.
    answer : str
        ``"operational"``, ``"collaborative"`` or ``"analytical"`` (any case), or the
        Chinese ``"运营型"``, ``"合作型"``, ``"分析型"``.

    Returns
    -------
    QuizResult
        ``correct``, the normalised ``answer``, the ``expected`` type and an ``explanation``.

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
    items = crm_type_quiz(with_answers=True)
    chosen = _normalise_choice(answer, CRM_TYPES, "answer")
    row = _find_item(items, activity, "activity")
    expected = row["answer"]
    explanation = f"{row['why']} ({expected.capitalize()} CRM {_CRM_TYPE_MEANING[expected]}.)"
    return QuizResult(chosen == expected, chosen, expected, explanation)


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
    items = crm_type_quiz(with_answers=True)
    rows = []
    for activity, answer in answers.items():
        r = check_crm_type(activity, answer)
        rows.append((int(_find_item(items, activity, "answers")["item"]), r.answer, r.expected, r.correct))
    return pd.DataFrame(rows, columns=["item", "answer", "expected", "correct"]).sort_values("item").reset_index(
        drop=True)


# --------------------------------------------------------------------------- principles
def implementation_principles() -> pd.DataFrame:
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
    rows = [
        ("change traditional management thinking", "转变传统管理观念",
         "Put the customer, not the product or the department, at the centre."),
        ("adjust the organisation structure", "合理调整组织结构",
         "Reorganise around customer segments and processes that serve them."),
        ("redesign business processes", "实施业务重组",
         "Rebuild sales, marketing and service processes before automating them."),
        ("win top management's support", "获得高层领导支持",
         "A senior sponsor decides across departments and keeps the budget."),
        ("involve someone who knows the whole firm", "派一个掌握本企业全局情况的人参与实施CRM",
         "A person who understands every department joins the project team."),
        ("build a system that fits, not one that does everything", "建立适合本企业的CRM系统，不求大而全",
         "Start with what the firm needs most and grow from there."),
        ("use suitable technology, not the most advanced", "利用适用技术，不求顶尖技术",
         "Pick proven tools the staff can run; results come from use, not sophistication."),
    ]
    return pd.DataFrame([(i + 1, *r, SRC_000) for i, r in enumerate(rows)],
                        columns=["number", "principle", "chinese", "meaning", "source"])


def principles_checklist(ticked: Iterable[int] = ()) -> pd.DataFrame:
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
    bad = [t for t in ticked if isinstance(t, bool) or not isinstance(t, (int, np.integer)) or not 1 <= t <= 7]
    if bad:
        raise ValueError(f"`ticked` holds principle numbers 1-7; got {bad}.")
    out = implementation_principles()[["number", "principle"]].copy()
    out["done"] = out["number"].isin(ticked)
    return out


# --------------------------------------------------------------------------- Hughes' model
def hughes_model() -> pd.DataFrame:
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
    >>> hughes_model()["component"].tolist()[-2:]
    ['customer intelligence, level 1', 'customer intelligence, level 2']
    """
    rows = [
        (1, "merged and shared customer information", "客户信息的合并、共享与业务流",
         "Bring every department's customer records together and share them, so business "
         "processes can flow across departments."),
        (2, "call centre and web self-service", "基于CTI技术的呼叫中心、电子商务网站、自助服务网站",
         "Let customers reach the firm by a computer-telephony call centre, an online shop and "
         "self-service web pages."),
        (3, "customer intelligence, level 1", "客户智能的第一层含义",
         "Support the call centre and portal in real time: recognise the customer, tell customers "
         "apart and treat each differently (one-to-one marketing, personalised service)."),
        (3, "customer intelligence, level 2", "客户智能的第二层含义",
         "Analyse large amounts of customer data to understand needs and market patterns, so the "
         "firm can develop competitive new products and services."),
    ]
    return pd.DataFrame([(*r, SRC_000) for r in rows],
                        columns=["part", "component", "chinese", "what_it_does", "source"])


# --------------------------------------------------------------------------- success factors
def key_success_factors() -> pd.DataFrame:
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
    rows = [
        ("clear targeting", "明确目标", "the mass market or broad segments",
         "high-value or high-potential segments"),
        ("tailored treatment", "量身定制", "similar programmes for every segment",
         "each segment treated differently, from a deep understanding of it"),
        ("timeliness", "及时性", "reactive contact on the company's timetable",
         "proactive, anticipating contact at the customer's decision points"),
        ("test and learn", "实践检验", "a few big programmes rolled out on intuition",
         "many ideas tried continuously and measured against control groups"),
    ]
    return pd.DataFrame([(*r, SRC_004) for r in rows],
                        columns=["factor", "chinese", "from_mass_marketing", "to_targeted_marketing", "source"])


# --------------------------------------------------------------------------- five stages
_STAGES = (
    ("I", "product-centred",
     "campaigns to broad segments built on basic demographic or sales data; one channel"),
    ("II", "product-centred",
     "product-centred campaigns built on behavioural data (such as RFM) and predictive models; "
     "first extra channels"),
    ("III", "moving towards customer-centred",
     "campaigns that manage customers' moves between segments; several channels"),
    ("IV", "customer-centred",
     "customer-centred marketing across seamlessly integrated channels"),
    ("V", "customer-centred",
     "real-time, proactive strengthening of each relationship across seamlessly integrated channels"),
)

#: The deck's figures: measure -> (unit, [(stages it covers, as published, low, high), ...]).
#: Experiments per year has one figure per stage. The other three measures have three figures,
#: one per column group of the slide (product-centred, moving towards customer-centred,
#: customer-centred); we place them on stages I-II, III and IV-V, the stages whose
#: descriptions carry those headings. The web copies lose the signs "<" and ">" in places:
#: "<0.5 %" is our reading of the copies' "0.5" and "< %".
_STAGE_FIGURES = {
    "experiments per year": ("experiments per year", [
        (("I",), "50 a year", 50, 50),
        (("II",), "100-200", 100, 200),
        (("III",), "500-1,000", 500, 1000),
        (("IV",), "2,000-5,000", 2000, 5000),
        (("V",), "10,000-50,000", 10000, 50000),
    ]),
    "customers per campaign": ("% of customers", [
        (("I", "II"), "5-20 %", 5.0, 20.0),
        (("III",), "0.5-2 %", 0.5, 2.0),
        (("IV", "V"), "<0.5 %", 0.0, 0.5),
    ]),
    "average hit rate": ("% of customers contacted", [
        (("I", "II"), "5-10 %", 5.0, 10.0),
        (("III",), "20-25 %", 20.0, 25.0),
        (("IV", "V"), "30-35 %", 30.0, 35.0),
    ]),
    "profit uplift": ("% profit increase", [
        (("I", "II"), "1-5 %", 1.0, 5.0),
        (("III",), "5 %", 5.0, 5.0),
        (("IV", "V"), "5-10 %", 5.0, 10.0),
    ]),
}

#: The order of the stages.
STAGE_ORDER = tuple(s[0] for s in _STAGES)


def crm_stages() -> pd.DataFrame:
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
    >>> crm_stages()["orientation"].value_counts().sort_index().to_dict()
    {'customer-centred': 2, 'moving towards customer-centred': 1, 'product-centred': 2}
    """
    frame = pd.DataFrame([(*s, SRC_004) for s in _STAGES], columns=["stage", "orientation", "description", "source"])
    frame["stage"] = pd.Categorical(frame["stage"], categories=list(STAGE_ORDER), ordered=True)
    return frame


def crm_stage_figures() -> pd.DataFrame:
    """Return the deck's figures for the five stages as a tidy table, one row per stage and measure.

    Returns
    -------
    pandas.DataFrame
        Columns ``stage`` (ordered I-V), ``measure`` (experiments per year, customers per
        campaign, average hit rate, profit uplift), ``as_published`` (the figure as the deck
        prints it), ``low``, ``high`` (numbers read from it), ``unit``, ``shared_with``
        (the stages one published figure covers, e.g. ``"I-II"``), ``source``.

    Notes
    -----
    Experiments per year has a figure for every stage. The other three measures are printed
    once per column group of the slide (product-centred / moving towards customer-centred /
    customer-centred), so stages I and II share a figure, and so do IV and V. ``low`` =
    ``high`` where the deck gives one number; "<0.5 %" is stored as 0-0.5. The deck gives no
    figure for the customers covered per campaign in absolute numbers, and no source or
    sample behind its figures: they are a consultant's rules of thumb, not measurements.

    References
    ----------
    Course material 004, page 3; ranges checked against a second web copy of the same deck.

    Examples
    --------
    >>> from crm_lessons.overview import crm_stage_figures
    >>> f = crm_stage_figures()
    >>> f.loc[f["measure"] == "average hit rate", ["stage", "as_published"]].values.tolist()
    [['I', '5-10 %'], ['II', '5-10 %'], ['III', '20-25 %'], ['IV', '30-35 %'], ['V', '30-35 %']]

    Checked against: the numbers of course material 004, page 3, token by token.
    """
    rows = []
    for measure, (unit, figures) in _STAGE_FIGURES.items():
        for stages, published, low, high in figures:
            shared = stages[0] if len(stages) == 1 else f"{stages[0]}-{stages[-1]}"
            for st in stages:
                rows.append((st, measure, published, float(low), float(high), unit, shared, SRC_004))
    frame = pd.DataFrame(rows, columns=["stage", "measure", "as_published", "low", "high", "unit",
                                        "shared_with", "source"])
    frame["stage"] = pd.Categorical(frame["stage"], categories=list(STAGE_ORDER), ordered=True)
    frame["measure"] = pd.Categorical(frame["measure"], categories=list(_STAGE_FIGURES), ordered=True)
    return frame.sort_values(["measure", "stage"]).reset_index(drop=True)


@styled
def plot_crm_stages(figures: pd.DataFrame | None = None, *, axes=None):
    """Plot the deck's stage figures: one panel per measure, a range bar per stage.

    Parameters
    ----------
    figures : pandas.DataFrame, optional
        The output of :func:`crm_stage_figures` (the default).
    axes : array of four matplotlib Axes, optional
        Where to draw; a new 2 x 2 figure by default.

    Returns
    -------
    matplotlib.figure.Figure

    Notes
    -----
    Each bar spans the published range (low to high); a dot marks a single number.
    Experiments per year is drawn on a log scale (it grows a thousand-fold).

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
    if axes is None:
        fig, axes = plt.subplots(2, 2, figsize=(13, 8.5))
    else:
        fig = np.asarray(axes).flat[0].figure
    axes = np.asarray(axes).ravel()
    for ax, (measure, part) in zip(axes, figures.groupby("measure", observed=True, sort=True)):
        part = part.sort_values("stage")
        x = np.arange(len(part))
        low, high = part["low"].to_numpy(), part["high"].to_numpy()
        if measure == "experiments per year":
            ax.set_yscale("log")
        ax.bar(x, high - low, bottom=low, width=0.55, color=BOOK_COLOURS[0], alpha=0.85)
        single = low == high
        ax.scatter(x[single], low[single], s=140, color=BOOK_COLOURS[0], zorder=3)
        for xi, lo, hi, text in zip(x, low, high, part["as_published"]):
            ax.annotate(text, (xi, hi), xytext=(0, 7), textcoords="offset points", ha="center", fontsize=13)
        ax.set_xticks(x, [f"Stage {s}" for s in part["stage"]])
        ax.set_title(measure.capitalize())
        ax.set_ylabel(part["unit"].iloc[0])
        ax.margins(y=0.18)
        if measure == "experiments per year":
            ax.set_ylim(20, 2e5)
        else:
            ax.set_ylim(bottom=0)
    fig.suptitle("Five stages of CRM development: the consulting deck's figures", fontsize=18)
    fig.tight_layout()
    return fig


# --------------------------------------------------------------------------- the CRM cycle
def crm_cycle() -> pd.DataFrame:
    """Return the CRM cycle (CRM循环) and where each step happens in this book.

    Returns
    -------
    pandas.DataFrame
        Columns ``step`` (1-7), ``name``, ``chinese``, ``what_happens``, ``chapters``
        (the book's chapters that teach the step), ``source``.

    References
    ----------
    Course material 004, page 19 (CRM循环).

    Examples
    --------
    >>> from crm_lessons.overview import crm_cycle
    >>> crm_cycle()["name"].tolist()
    ['set goals', 'collect data', 'analyse customers', 'design the marketing concept', 'run the campaign', 'measure results', 'improve']
    """
    rows = [
        ("set goals", "确定战略目标", "decide what CRM must achieve and for which customers",
         "1 (key success factors)"),
        ("collect data", "收集", "build an accurate database of customers and prospects",
         "2 (customer file), 3 (database, cleaning new records)"),
        ("analyse customers", "分析客户", "find customers with high propensity to buy and high economic value",
         "2 (ABC, screening, leads), 3 (RFM, mining, clustering)"),
        ("design the marketing concept", "制作营销概念",
         "targeted, tailored campaigns and offers for chosen segments",
         "2 (portfolio strategies, cross- and up-selling), 4 (loyalty programme, key accounts)"),
        ("run the campaign", "实施活动", "carry out the campaign, with a control group left out",
         "4 (loyalty-programme pilot)"),
        ("measure results", "衡量结果", "compare treated customers with the control group",
         "4 (pilot uplift, retention, satisfaction)"),
        ("improve", "改善活动", "keep what worked, drop the rest, and start the next round",
         "4 (complaints and service recovery), then back to step 1"),
    ]
    return pd.DataFrame([(i + 1, *r, SRC_004) for i, r in enumerate(rows)],
                        columns=["step", "name", "chinese", "what_happens", "chapters", "source"])


# --------------------------------------------------------------------------- published cases
def case_results() -> pd.DataFrame:
    """Return the published results of the deck's CRM cases (mobile operator, Shell Canada).

    Returns
    -------
    pandas.DataFrame
        Columns ``case``, ``measure``, ``change``, ``unit``, ``as_published``, ``note``,
        ``source``; one row per published figure.

    Notes
    -----
    The mobile operator's figure compares the average monthly churn rate before the
    programme with the average after it; the deck prints only the relative fall (28 %),
    not the churn rates themselves. Shell Canada's figures are changes after its Air Miles
    reward scheme was used to keep customers while many stations closed; the deck gives
    no base levels or period.

    References
    ----------
    Course material 004, pages 7 (Asian mobile operator) and 8 (Shell Canada).

    Examples
    --------
    >>> from crm_lessons.overview import case_results
    >>> r = case_results()
    >>> r.set_index("measure")["change"].to_dict()
    {'monthly churn rate': -28.0, 'sales': 16.0, 'market share': 2.0, 'volume': 36.0}

    Checked against: the numbers printed in course material 004.
    """
    rows = [
        ("Asian mobile operator", "monthly churn rate", -28.0, "% (relative change)", "churn down 28 %",
         "average monthly churn after the programme vs before it"),
        ("Shell Canada", "sales", 16.0, "% (relative change)", "sales up 16 %",
         "immediately, although many stations had closed"),
        ("Shell Canada", "market share", 2.0, "percentage points", "share up 2 points", ""),
        ("Shell Canada", "volume", 36.0, "% (relative change)", "volume up 36 %", ""),
    ]
    return pd.DataFrame([(*r, SRC_004) for r in rows],
                        columns=["case", "measure", "change", "unit", "as_published", "note", "source"])


def shell_canada_tactics() -> pd.DataFrame:
    """Return how Shell Canada used its Air Miles reward scheme, and the aim of each tactic.

    References
    ----------
    Course material 004, page 8.

    Examples
    --------
    >>> from crm_lessons.overview import shell_canada_tactics
    >>> shell_canada_tactics()["aim"].unique().tolist()
    ['win new business', 'move customers to more profitable products', 'keep customers through the move']
    """
    rows = [
        ("win new business", "show the Air Miles logo prominently at the street"),
        ("win new business", "staff actively sell the Air Miles card"),
        ("move customers to more profitable products", "double points for buying CAD 10 more fuel"),
        ("move customers to more profitable products", "double points for buying in the shop together with fuel"),
        ("keep customers through the move", "postcards with the new station's address and double points"),
        ("keep customers through the move", "invitation letters to the reopening with triple points"),
    ]
    return pd.DataFrame([(*r, SRC_004) for r in rows], columns=["aim", "tactic", "source"])


def small_business_lending() -> pd.DataFrame:
    """Return the small-business lending case: loans and profit by year, 1989-1997.

    Returns
    -------
    pandas.DataFrame
        Columns ``year``, ``loans``, ``profit``, ``source``.

    Notes
    -----
    The deck (page 9) shows two bar charts, loans and profit, for 1989 and 1993-1997, under
    the heading "using CRM to grow small-business lending, earning millions of dollars",
    supported by the bank's own analysis, target-customer scoring and prediction. The web
    copy keeps the numbers but not the axis units, so the units are left unstated; years
    1990-1992 are not shown in the deck. Growth 1993-1997: loans x 4.7, profit x 5.4.

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
    years = [1989, 1993, 1994, 1995, 1996, 1997]
    loans = [200, 1200, 1500, 3400, 4300, 5600]
    profit = [0, 51, 69, 105, 209, 275]
    frame = pd.DataFrame({"year": years, "loans": loans, "profit": profit})
    frame["source"] = SRC_004
    return frame.astype({"year": "int64", "loans": "int64", "profit": "int64"})


# --------------------------------------------------------------------------- why projects fail
#: Why CRM projects fail: key -> (reason, what to do instead).
FAILURE_REASONS = {
    "hardware first": ("starting with hardware and software instead of developing people",
                       "start with skills and a small pilot team; buy systems when the pilots show what is needed"),
    "no economics": ("not understanding or tracking the economic results",
                     "put a profit target on every campaign and measure it"),
    "business-IT split": ("business needs cut off from IT",
                          "run the project with business and IT in one team"),
    "no test and learn": ("no process for testing and learning",
                          "run every idea first as a pilot against a control group"),
}

_FAILURE_ITEMS = (
    ("The first year's budget goes on servers and a data warehouse before anyone has run a campaign.",
     "hardware first"),
    ("After go-live nobody can say whether the campaigns earned more than they cost.", "no economics"),
    ("IT chose the CRM package from a feature list without asking the sales managers what they need.",
     "business-IT split"),
    ("A new loyalty offer is sent to all customers at once, so there is nothing to compare it with.",
     "no test and learn"),
    ("Staff get no training; the project's success is measured as 'system installed on time'.",
     "hardware first"),
    ("The marketing department's campaign list and the IT department's data model use different "
     "customer definitions.", "business-IT split"),
    ("Campaign costs are booked centrally and never matched with the sales they brought in.", "no economics"),
    ("The same discount campaign is repeated every quarter because it 'felt successful'.", "no test and learn"),
)


def failure_reasons() -> pd.DataFrame:
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
    return pd.DataFrame([(k, r, i, SRC_004) for k, (r, i) in FAILURE_REASONS.items()],
                        columns=["key", "reason", "instead", "source"])


def failure_quiz(with_answers: bool = False) -> pd.DataFrame:
    """Return short project stories; the student names the reason each project is failing.

    Examples
    --------
    >>> from crm_lessons.overview import failure_quiz
    >>> failure_quiz().columns.tolist()
    ['item', 'story']
    """
    frame = pd.DataFrame([(i + 1, s, k) for i, (s, k) in enumerate(_FAILURE_ITEMS)],
                         columns=["item", "story", "answer"])
    return frame if with_answers else frame[["item", "story"]]


def check_failure_reason(story, answer: str) -> QuizResult:
    """Check which failure reason a project story shows.

    Parameters
    ----------
    story : int or str
        Item number of :func:`failure_quiz` or the story's text.
    answer : str
        One of the keys of :data:`FAILURE_REASONS`: ``"hardware first"``, ``"no economics"``,
        ``"business-IT split"``, ``"no test and learn"`` (any case).

    Returns
    -------
    QuizResult

    Examples
    --------
    >>> from crm_lessons.overview import check_failure_reason
    >>> check_failure_reason(4, "no test and learn").correct
    True
    """
    items = failure_quiz(with_answers=True)
    chosen = _normalise_choice(answer, {k: k for k in FAILURE_REASONS}, "answer")
    row = _find_item(items, story, "story")
    expected = row["answer"]
    reason, instead = FAILURE_REASONS[expected]
    return QuizResult(chosen == expected, chosen, expected,
                      f"The project suffers from {reason}; instead, {instead}.")


# --------------------------------------------------------------------------- content -> tables
#: The four parts of the content of CRM, and the case company's tables that hold each.
CONTENT_PARTS = {
    "identifying customers": ("顾客的识别", {
        "customers": "who each customer is: kind, region, channel, tier, credit rating",
        "leads": "prospects not yet customers, and whether they converted",
    }),
    "service staff": ("服务人员的提供", {
        "complaints": "what went wrong, how fast staff closed the case, whether recovery worked",
        "survey": "how customers rate staff's reliability, responsiveness, assurance and empathy",
    }),
    "market behaviour": ("市场行为的管理", {
        "orders": "when each customer buys",
        "order_lines": "what they buy, at which price and discount",
        "products": "the range on offer, with cost and list price",
        "pilot": "a campaign run with a control group",
    }),
    "information and systems": ("信息与系统管理", {
        "inventory": "the stock system that must agree with the sales records",
        "new_records": "raw customer data as it arrives, to be cleaned before it enters the system",
    }),
}


def content_map(data: Mapping[str, pd.DataFrame] | None = None) -> pd.DataFrame:
    """Map the four parts of the content of CRM to the case company's tables.

    Parameters
    ----------
    data : mapping of table name -> DataFrame, optional
        The loaded tables (e.g. ``crm_lessons.data.load_case_company()``); when given, a
        ``rows`` column counts each table's rows.

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
    >>> m = content_map()
    >>> m.groupby("part", sort=False)["table"].count().to_dict()
    {'identifying customers': 2, 'service staff': 2, 'market behaviour': 4, 'information and systems': 2}
    """
    rows = []
    for part, (zh, tables) in CONTENT_PARTS.items():
        for name, holds in tables.items():
            t = schema.TABLES[name]
            rows.append((part, zh, name, t.file, len(t.columns), ", ".join(t.primary_key), holds))
    frame = pd.DataFrame(rows, columns=["part", "chinese", "table", "file", "columns", "key", "holds"])
    if data is not None:
        if not isinstance(data, Mapping):
            raise TypeError("`data` must be a mapping of table name -> DataFrame, "
                            "e.g. crm_lessons.data.load_case_company().")
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

    r = case_results() if results is None else results
    if ax is None:
        _, ax = plt.subplots(figsize=(11, 4.8))
    unit = {"percentage points": "pts"}
    labels = [f"{c.replace('Asian mobile operator', 'Mobile operator')}: {m} ({unit.get(u, '%')})"
              for c, m, u in zip(r["case"], r["measure"], r["unit"])]
    y = np.arange(len(r))[::-1]
    colours = [BOOK_COLOURS[1] if v < 0 else BOOK_COLOURS[0] for v in r["change"]]
    ax.barh(y, r["change"], color=colours, height=0.6)
    for yi, v in zip(y, r["change"]):
        ax.annotate(f"{v:+g}", (v, yi), xytext=(8 if v >= 0 else -8, 0), textcoords="offset points",
                    ha="left" if v >= 0 else "right", va="center", fontsize=14)
    ax.set_yticks(y, labels)
    ax.axvline(0, color="black", lw=1)
    ax.set_xlabel("Change after the CRM programme")
    ax.set_title("Published CRM case results (consulting deck)")
    ax.set_xlim(min(r["change"].min() * 1.35, 0), max(r["change"].max() * 1.25, 0))
    return ax


@styled
def plot_small_business_lending(table: pd.DataFrame | None = None, *, axes=None):
    """Two bar charts of the small-business lending case: loans and profit by year.

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
    if axes is None:
        fig, axes = plt.subplots(1, 2, figsize=(13, 4.8))
    else:
        fig = np.asarray(axes).flat[0].figure
    for ax, col, colour in zip(np.asarray(axes).ravel(), ["loans", "profit"], BOOK_COLOURS):
        x = np.arange(len(t))
        ax.bar(x, t[col], color=colour, width=0.6)
        for xi, v in zip(x, t[col]):
            ax.annotate(f"{v:,}", (xi, v), xytext=(0, 4), textcoords="offset points", ha="center", fontsize=13)
        ax.set_xticks(x, [str(y) for y in t["year"]])
        ax.set_title(col.capitalize())
        ax.set_xlabel("Year (1990-1992 not shown in the deck)")
        ax.set_ylabel("As printed (unit not given)")
        ax.margins(y=0.12)
    fig.suptitle("Small-business lending grown with CRM scoring (consulting deck)", fontsize=18)
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
    import matplotlib.pyplot as plt

    from crm_lessons.plotting import BOOK_COLOURS

    c = crm_cycle() if cycle is None else cycle
    if ax is None:
        _, ax = plt.subplots(figsize=(12, 8.5))
    n = len(c)
    angles = np.pi / 2 - 2 * np.pi * np.arange(n) / n  # clockwise from the top
    import textwrap

    xy = np.column_stack([1.35 * np.cos(angles), 1.0 * np.sin(angles)])
    for i in range(n):
        a, b = xy[i], xy[(i + 1) % n]
        # shorten each arrow so it runs between the boxes
        ax.annotate("", xy=a + 0.72 * (b - a), xytext=a + 0.28 * (b - a),
                    arrowprops={"arrowstyle": "-|>", "lw": 2.5, "color": BOOK_COLOURS[2]})
    for (x, y), step, name, chapters in zip(xy, c["step"], c["name"], c["chapters"]):
        chapter_text = "ch. " + ", ".join(part.split(" ")[0] for part in chapters.split("), ") if part[0].isdigit())
        label = textwrap.fill(f"{step}. {name}", 16)
        ax.text(x, y, f"{label}\n{chapter_text}", ha="center", va="center", fontsize=14,
                bbox={"boxstyle": "round,pad=0.5", "fc": "white", "ec": BOOK_COLOURS[0], "lw": 2.5})
    ax.text(0, 0, "CRM cycle", ha="center", va="center", fontsize=20, color=BOOK_COLOURS[0], weight="bold")
    ax.set_xlim(-1.85, 1.85)
    ax.set_ylim(-1.3, 1.3)
    ax.set_aspect("equal")
    ax.axis("off")
    ax.set_title("The CRM cycle and the chapters that teach each step")
    return ax
