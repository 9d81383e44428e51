"""CRM Lessons: the helper package behind the Customer Relationship Management (客户关系管理) workbook.

One module per topic of the course; small functions that take and return pandas objects.
``import crm_lessons as crm`` gives the topic modules, each imported the first time it is
used (``crm.rfm.rfm_scores(...)``, ``crm.data.load_sales(data_dir)``), and
``crm.set_language(lang)`` for the edition's language.

======================================================  ================================================
Chapter                                                 Topic modules (``crm.<module>``)
======================================================  ================================================
every chapter                                           data, schema, i18n, plotting, glossary, widgets
0. Start here                                           data, schema, overview, rfm
1. CRM overview (客户关系管理概述)                      overview, targeting, pilots, basket
2. Customer analysis (客户分析)                         abc_analysis, composition, performance, margins,
                                                        portfolio, trading, turnover, value, screening,
                                                        leads, basket
3. Customer database and mining (客户数据库与客户挖掘)  database, cleaning, rfm, mining
4. Loyalty (客户忠诚度管理)                             retention, loyalty, satisfaction, survey,
                                                        pilots, clv, performance, abc_analysis
======================================================  ================================================

The machinery that makes and checks the book is not part of this topic namespace; import it
by its full path when you need it: ``crm_lessons.generator`` (simulates the case company),
``crm_lessons.grading`` and ``crm_lessons.exercises`` (exercise sheets and the grader),
``crm_lessons.exercise_build`` (builds the student sheets), ``crm_lessons.book`` (builds the two
editions), ``crm_lessons.cli`` (the ``crm-lessons`` command), ``crm_lessons.toy`` (tiny frames for
the examples).

Examples
--------
>>> import crm_lessons as crm
>>> crm.rfm.__name__
'crm_lessons.rfm'
>>> "rfm" in dir(crm) and "generator" not in crm.TOPIC_MODULES
True
"""

from __future__ import annotations

import importlib

__version__ = "0.1.0"

#: Topic modules of each chapter (the table above); ``"*"`` = used in every chapter.
CHAPTER_MODULES: dict[str, tuple[str, ...]] = {
    "*": ("data", "schema", "i18n", "plotting", "glossary", "widgets"),
    "00_start_here": ("data", "schema", "overview", "rfm"),
    "01_crm_overview": ("overview", "targeting", "pilots", "basket"),
    "02_customer_analysis": (
        "abc_analysis",
        "composition",
        "performance",
        "margins",
        "portfolio",
        "trading",
        "turnover",
        "value",
        "screening",
        "leads",
        "basket",
    ),
    "03_database_and_mining": ("database", "cleaning", "rfm", "mining"),
    "04_loyalty": (
        "retention",
        "loyalty",
        "satisfaction",
        "survey",
        "pilots",
        "clv",
        "performance",
        "abc_analysis",
    ),
}

#: Every topic module, offered as ``crm.<name>`` (imported on first use).
TOPIC_MODULES: tuple[str, ...] = tuple(sorted({m for mods in CHAPTER_MODULES.values() for m in mods}))

#: Functions offered at the top level: name -> topic module that defines it.
_FUNCTIONS = {"set_language": "i18n", "get_language": "i18n"}

__all__ = [*TOPIC_MODULES, *_FUNCTIONS]


def __getattr__(name: str):
    """Import a topic module (or a top-level function's module) the first time it is used (PEP 562)."""
    if name in TOPIC_MODULES:
        module = importlib.import_module(f"{__name__}.{name}")
        globals()[name] = module
        return module
    if name in _FUNCTIONS:
        value = getattr(importlib.import_module(f"{__name__}.{_FUNCTIONS[name]}"), name)
        globals()[name] = value
        return value
    raise AttributeError(
        f"module {__name__!r} has no attribute {name!r}; the topic modules are {', '.join(TOPIC_MODULES)} "
        f"(e.g. crm.rfm.rfm_scores); other modules are imported by full path (import {__name__}.<module>)"
    )


def __dir__() -> list[str]:
    return sorted({*globals(), *__all__})
