"""One source, two editions: the chapter sources in notebooks/src and the notebooks built from them."""

import re

import nbformat
import pytest

from crm_lessons import book

ROOT = book.repository_root()
SOURCES = book.sources(ROOT)


def _headings(nb):
    """The heading levels of an edition, in order (the outline both editions must share)."""
    levels = []
    for cell in nb.cells:
        if cell.cell_type == "markdown":
            levels += [len(m.group(1)) for m in re.finditer(r"^(#{1,6})\s", cell.source, re.MULTILINE)]
    return levels


def _code(nb):
    return [
        c.source for c in nb.cells if c.cell_type == "code" and "parameters" not in c.metadata.get("tags", [])
    ]


def test_every_chapter_has_a_source():
    assert [p.stem[:2] for p in SOURCES] == ["00", "01", "02", "03", "04"]


@pytest.mark.parametrize("source", SOURCES, ids=lambda p: p.stem)
def test_both_editions_run_the_same_code(source):
    nb = book.read_source(source)
    assert _code(book.edition(nb, "en")) == _code(book.edition(nb, "zh"))


@pytest.mark.parametrize("source", SOURCES, ids=lambda p: p.stem)
def test_both_editions_have_the_same_outline(source):
    nb = book.read_source(source)
    en, zh = book.edition(nb, "en"), book.edition(nb, "zh")
    assert _headings(en) == _headings(zh)
    assert len(_headings(en)) > 3


@pytest.mark.parametrize("source", SOURCES, ids=lambda p: p.stem)
def test_the_chinese_edition_is_written_in_chinese(source):
    zh = book.edition(book.read_source(source), "zh")
    text = "".join(c.source for c in zh.cells if c.cell_type == "markdown")
    han = sum("\u4e00" <= ch <= "\u9fff" for ch in text)
    latin_words = len(re.findall(r"[A-Za-z]{3,}", re.sub(r"`[^`]*`|\$[^$]*\$|\([^)]*\.ipynb\)", "", text)))
    assert han > 300
    assert han > 2 * latin_words  # Chinese prose, not English with a few terms


@pytest.mark.parametrize("source", SOURCES, ids=lambda p: p.stem)
def test_the_parameters_cell_sets_the_language(source):
    for lang in ("en", "zh"):
        cells = [
            c
            for c in book.edition(book.read_source(source), lang).cells
            if "parameters" in c.metadata.get("tags", [])
        ]
        assert len(cells) == 1
        assert f'lang = "{lang}"' in cells[0].source


def test_committed_notebooks_are_built_from_their_sources():
    assert book.stale(ROOT) == []


def test_a_source_without_parameters_is_refused():
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell("x = 1")])
    with pytest.raises(ValueError, match="no code cell tagged 'parameters'"):
        book.edition(nb, "en")


def test_an_unknown_language_is_refused():
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_markdown_cell("x", metadata={"lang": "fr"})])
    with pytest.raises(ValueError, match="lang='fr'"):
        book.edition(nb, "en")


def test_unknown_chapter_names_the_choices():
    with pytest.raises(ValueError, match="00_start_here"):
        book.sources(ROOT, ["07"])


def test_the_chinese_edition_sits_in_its_own_folder():
    assert (
        book.edition_path(ROOT / "notebooks/src/01_crm_overview.md", "zh")
        == ROOT / "notebooks/zh/01_crm_overview.ipynb"
    )
    assert (
        book.edition_path(ROOT / "notebooks/src/01_crm_overview.md", "en")
        == ROOT / "notebooks/01_crm_overview.ipynb"
    )


COMMITTED = (
    sorted(ROOT.glob("notebooks/*.ipynb"))
    + sorted(ROOT.glob("notebooks/zh/*.ipynb"))
    + sorted(ROOT.glob("exercises/**/*.ipynb"))
)


@pytest.mark.parametrize("path", COMMITTED, ids=lambda p: p.relative_to(ROOT).as_posix())
def test_committed_notebooks_read_without_a_kernel(path):
    # a static viewer, reopened or untrusted JupyterLab and offline nbconvert show the same thing:
    # widget outputs keep their static rendering (picture or HTML) and no live view or widget state
    nb = nbformat.read(path, as_version=4)
    assert "widgets" not in nb.metadata
    for cell in nb.cells:
        for out in cell.get("outputs", []):
            data = out.get("data", {})
            assert book.WIDGET_VIEW not in data
            text = data.get("text/plain", "")
            assert "VBox(" not in text and " at 0x" not in text
