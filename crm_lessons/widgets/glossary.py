"""Glossary search box: type a word (English or Chinese), see the matching terms.

The widget only reads its controls, calls :func:`crm_lessons.glossary.glossary` or
:func:`crm_lessons.glossary.lookup` and renders the table, so what it shows can be
checked without a browser:

>>> from crm_lessons.widgets.glossary import GlossarySearch
>>> w = GlossarySearch()
>>> w.query.value = "lifetime"
>>> w.result["english"].tolist()
['customer lifetime value']
>>> w.status_text()
'1 term matches "lifetime".'
>>> w.chapter.value = 0  # all chapters
>>> len(w.result)
1
"""

from __future__ import annotations

import html

import ipywidgets as widgets
import pandas as pd

from crm_lessons.glossary import CHAPTERS, chapter_title, glossary, lookup
from crm_lessons.widgets._base import LessonWidget, col_label, described, wtr

#: Columns shown in the table (the source column stays in the data).
SHOWN_COLUMNS = ["english", "chinese", "definition", "chapter"]

#: The chapter drop-down's value for "all chapters" (a real value, so choosing it always acts).
ALL_CHAPTERS = 0


def _table_html(frame: pd.DataFrame) -> str:
    """Render the result as a plain HTML table with large text for the projector."""
    head = "".join(
        f"<th style='text-align:left;padding:4px 8px;position:sticky;top:0;background:#fff'>"
        f"{html.escape(col_label('glossary_' + c))}</th>"
        for c in SHOWN_COLUMNS
    )
    body = "".join(
        "<tr>"
        + "".join(
            f"<td style='padding:4px 8px;vertical-align:top'>{html.escape(str(row[c]))}</td>"
            for c in SHOWN_COLUMNS
        )
        + "</tr>"
        for _, row in frame.iterrows()
    )
    return (
        f"<table style='font-size:15px;border-collapse:collapse'><thead><tr>{head}</tr></thead>"
        f"<tbody>{body}</tbody></table>"
    )


class GlossarySearch(LessonWidget):
    """Search box over the course glossary.

    Attributes
    ----------
    query : ipywidgets.Text
        The text to look for; empty shows the whole glossary (of the chosen chapter).
    chapter : ipywidgets.Dropdown
        ``0`` (:data:`ALL_CHAPTERS`) for all chapters, else 1-4.
    status : ipywidgets.HTML
        How many terms match.
    table : ipywidgets.HTML
        The matching terms as a table (fixed height; scrolls inside).
    result : pandas.DataFrame
        The rows on show (what ``table`` renders).
    """

    key = "glossary"
    table_height = "360px"

    def __init__(self, query: str = "", chapter: int | None = None):
        self.query = described(
            widgets.Text,
            "glossary.search",
            value=query,
            placeholder=wtr("glossary.placeholder"),
            continuous_update=True,
        )
        self.chapter = described(
            widgets.Dropdown,
            "glossary.chapter",
            options=[(wtr("glossary.all"), ALL_CHAPTERS)]
            + [(f"{n}: {chapter_title(n)}", n) for n in CHAPTERS],
            value=ALL_CHAPTERS if chapter is None else chapter,
            layout=widgets.Layout(width="420px"),
        )
        self.result = pd.DataFrame(columns=SHOWN_COLUMNS)
        self._assemble([self.query, self.chapter], [widgets.HBox([self.query, self.chapter])], image=False)

    def __repr__(self) -> str:
        return f"GlossarySearch(query={self.query.value!r}, chapter={self.chapter.value})"

    def refresh(self) -> None:
        """Recompute the table from the controls' current values."""
        text = self.query.value.strip()
        chapter = None if self.chapter.value in (None, ALL_CHAPTERS) else self.chapter.value
        if text:
            self.result = lookup(text, chapter=chapter)
            n = len(self.result)
            self.set_status(
                html.escape(wtr("glossary.matches_one" if n == 1 else "glossary.matches", n=n, text=text))
            )
        else:
            self.result = glossary(chapter=chapter)
            self.set_status(html.escape(wtr("glossary.all_terms", n=len(self.result))))
        self.table.value = _table_html(self.result)
