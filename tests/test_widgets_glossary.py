"""The glossary search widget filters as the query and chapter change, without a browser."""

import pandas as pd

from crm_lessons import glossary as g
from crm_lessons.widgets.glossary import GlossarySearch


def test_widget_starts_with_whole_glossary():
    w = GlossarySearch()
    assert len(w.result) == len(g.glossary())
    assert w.status_text() == f"{len(g.glossary())} terms."
    assert "客户终身价值" in w.table.value


def test_widget_filters_as_query_changes():
    w = GlossarySearch()
    w.query.value = "word of"
    assert w.result["english"].tolist() == ["word of mouth"]
    assert w.status_text() == '1 term matches "word of".'
    assert "口碑" in w.table.value and "客户忠诚度" not in w.table.value
    w.query.value = "   "  # cleared: back to all terms
    assert len(w.result) == len(g.glossary())


def test_widget_chapter_dropdown():
    w = GlossarySearch(query="loyal")
    n_all = len(w.result)
    w.chapter.value = 4
    assert set(w.result["chapter"]) == {4}
    assert len(w.result) < n_all
    assert w.status_text() == f'{len(w.result)} terms match "loyal".'


def test_widget_table_escapes_html():
    from crm_lessons.widgets.glossary import _table_html

    frame = pd.DataFrame(
        {"english": ["<b>x</b>"], "chinese": ["甲"], "definition": ["a & b"], "chapter": [1]}
    )
    text = _table_html(frame)
    assert "&lt;b&gt;x&lt;/b&gt;" in text and "a &amp; b" in text and "<b>" not in text
