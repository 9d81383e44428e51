"""Chapter 4's notebook follows the book's convention: each course term is written with its
Chinese name once, at its first use in the text, and every chapter-4 term is introduced."""

from pathlib import Path

import nbformat
import pytest

from crm_lessons.glossary import glossary

NOTEBOOK = Path(__file__).resolve().parent.parent / "notebooks" / "04_loyalty.ipynb"


@pytest.fixture(scope="module")
def text():
    nb = nbformat.read(NOTEBOOK, as_version=4)
    return "\n".join(c.source for c in nb.cells if c.cell_type == "markdown")


def test_every_chapter_4_term_is_introduced_bilingually(text):
    terms = glossary(chapter=4)
    missing = [e for e, z in zip(terms["english"], terms["chinese"]) if f"({z})" not in text]
    assert not missing


def test_no_term_gets_its_chinese_name_twice(text):
    g = glossary()
    twice = [e for e, z in zip(g["english"], g["chinese"]) if text.count(f"({z})") > 1]
    assert not twice


def test_bilingual_mention_comes_first_in_the_body_text(text):
    # headings may name a topic before its first sentence introduces the term
    body = "\n".join(line for line in text.splitlines() if not line.startswith("#")).lower()
    late = []
    for english, chinese in zip(glossary()["english"], glossary()["chinese"]):
        at = body.find(f"({chinese})")
        if at < 0:
            continue
        first = body.find(english.lower())
        if 0 <= first < at - len(english) - 6:
            late.append(english)
    assert not late
