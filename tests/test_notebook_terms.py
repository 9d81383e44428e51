"""Every chapter notebook follows the book's convention: each course term is written with its
Chinese name once, at its first use in the text, and every term of its chapter is introduced."""

from pathlib import Path

import nbformat
import pytest

from crm_lessons.glossary import glossary

NOTEBOOKS = Path(__file__).resolve().parent.parent / "notebooks"
CHAPTERS = {
    1: "01_crm_overview.ipynb",
    2: "02_customer_analysis.ipynb",
    3: "03_database_and_mining.ipynb",
    4: "04_loyalty.ipynb",
}


def markdown_of(chapter: int) -> str:
    nb = nbformat.read(NOTEBOOKS / CHAPTERS[chapter], as_version=4)
    return "\n".join(c.source for c in nb.cells if c.cell_type == "markdown")


@pytest.mark.parametrize("chapter", CHAPTERS)
def test_every_chapter_term_is_introduced_bilingually(chapter):
    text = markdown_of(chapter)
    terms = glossary(chapter=chapter)
    missing = [
        e for e, z in zip(terms["english"], terms["chinese"]) if f"({z})" not in text and z not in text
    ]
    assert not missing


@pytest.mark.parametrize("chapter", CHAPTERS)
def test_no_term_gets_its_chinese_name_twice(chapter):
    text = markdown_of(chapter)
    g = glossary()
    twice = [e for e, z in zip(g["english"], g["chinese"]) if text.count(f"({z})") > 1]
    assert not twice


@pytest.mark.parametrize("chapter", [1, 4])
def test_bilingual_mention_comes_first_in_the_body_text(chapter):
    # headings may name a topic before its first sentence introduces the term
    body = "\n".join(line for line in markdown_of(chapter).splitlines() if not line.startswith("#")).lower()
    late = []
    for english, chinese in zip(glossary()["english"], glossary()["chinese"]):
        at = body.find(f"({chinese})")
        if at < 0:
            continue
        first = body.find(english.lower())
        if 0 <= first < at - len(english) - 6:
            late.append(english)
    assert not late
