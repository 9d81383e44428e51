"""Glossary search box: type a word (English or Chinese), see the matching terms.

The widget only reads its controls, calls :func:`crm_lessons.glossary.glossary` or
:func:`crm_lessons.glossary.lookup` and renders the table, so what it shows can be
checked without a browser:

>>> from crm_lessons.widgets.glossary import GlossarySearch
>>> w = GlossarySearch()
>>> w.query.value = "lifetime"
>>> w.result["english"].tolist()
['customer lifetime value']
>>> w.status.value
'1 term matches "lifetime".'
"""

from __future__ import annotations

import html

import ipywidgets as widgets
import pandas as pd

from crm_lessons.glossary import CHAPTERS, glossary, lookup

#: Columns shown in the table (the source column stays in the data).
SHOWN_COLUMNS = ["english", "chinese", "definition", "chapter"]


def _table_html(frame: pd.DataFrame) -> str:
    """Render the result as a plain HTML table with large text for the projector."""
    head = "".join(f"<th style='text-align:left;padding:4px 8px'>{c}</th>" for c in SHOWN_COLUMNS)
    body = "".join(
        "<tr>" + "".join(f"<td style='padding:4px 8px;vertical-align:top'>{html.escape(str(row[c]))}</td>"
                         for c in SHOWN_COLUMNS) + "</tr>"
        for _, row in frame.iterrows()
    )
    return f"<table style='font-size:15px;border-collapse:collapse'><tr>{head}</tr>{body}</table>"


class GlossarySearch(widgets.VBox):
    """Search box over the course glossary.

    Attributes
    ----------
    query : ipywidgets.Text
        The text to look for; empty shows the whole glossary (of the chosen chapter).
    chapter : ipywidgets.Dropdown
        ``None`` for all chapters, else 1-4.
    status : ipywidgets.Label
        How many terms match.
    table : ipywidgets.HTML
        The matching terms as a table.
    result : pandas.DataFrame
        The rows on show (what ``table`` renders).
    """

    def __init__(self, query: str = "", chapter: int | None = None):
        self.query = widgets.Text(value=query, description="Search", placeholder="e.g. loyalty or 忠诚",
                                  continuous_update=True)
        self.chapter = widgets.Dropdown(
            options=[("all chapters", None)] + [(f"{n}: {name}", n) for n, name in CHAPTERS.items()],
            value=chapter, description="Chapter",
        )
        self.status = widgets.Label()
        self.table = widgets.HTML()
        self.result = pd.DataFrame(columns=SHOWN_COLUMNS)
        super().__init__([widgets.HBox([self.query, self.chapter]), self.status, self.table])
        self.query.observe(self._on_change, names="value")
        self.chapter.observe(self._on_change, names="value")
        self.update()

    def _on_change(self, _change) -> None:
        self.update()

    def update(self) -> None:
        """Recompute the table from the controls' current values."""
        text = self.query.value.strip()
        if text:
            self.result = lookup(text, chapter=self.chapter.value)
            n = len(self.result)
            self.status.value = f'{n} term{"" if n == 1 else "s"} match{"es" if n == 1 else ""} "{text}".'
        else:
            self.result = glossary(chapter=self.chapter.value)
            self.status.value = f"{len(self.result)} terms."
        self.table.value = _table_html(self.result)
