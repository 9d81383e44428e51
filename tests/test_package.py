"""The package's face for students: `import crm_lessons as crm` gives the topic modules lazily;
the chapter -> modules table of the package docstring and the README agree with CHAPTER_MODULES."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest

import crm_lessons as crm

ROOT = Path(__file__).resolve().parents[1]
#: Modules that make and check the book: importable by full path, never offered as crm.<name>.
INFRASTRUCTURE = {
    "generator",
    "grading",
    "exercises",
    "exercise_build",
    "exercise_bank",
    "book",
    "cli",
    "toy",
    "_validation",
    "locale",
}


def test_import_is_light_and_topic_modules_load_on_first_use():
    code = (
        "import sys, crm_lessons as crm\n"
        "assert not [m for m in sys.modules if m.startswith('crm_lessons.')], sys.modules.keys()\n"
        "assert 'pandas' not in sys.modules\n"
        "f = crm.rfm.rfm_scores\n"
        "assert 'crm_lessons.rfm' in sys.modules and 'crm_lessons.clv' not in sys.modules\n"
        "assert crm.rfm is sys.modules['crm_lessons.rfm']\n"
        "assert crm.set_language is sys.modules['crm_lessons.i18n'].set_language\n"
    )
    subprocess.run([sys.executable, "-c", code], check=True, cwd=ROOT)


@pytest.mark.parametrize("name", crm.TOPIC_MODULES)
def test_every_topic_module_is_offered(name):
    module = getattr(crm, name)
    assert module.__name__ == f"crm_lessons.{name}"
    assert name in dir(crm) and name in crm.__all__


def test_infrastructure_stays_out_of_the_topic_namespace():
    assert not INFRASTRUCTURE & set(crm.TOPIC_MODULES)
    assert not INFRASTRUCTURE & set(crm.__all__)
    with pytest.raises(AttributeError, match="topic modules are .*full path"):
        crm.no_such_module  # noqa: B018


def test_every_module_is_either_a_topic_or_infrastructure():
    package = ROOT / "crm_lessons"
    names = {p.stem for p in package.glob("*.py") if p.stem != "__init__"}
    names |= {p.name for p in package.iterdir() if p.is_dir() and (p / "__init__.py").exists()}
    unclassified = names - set(crm.TOPIC_MODULES) - INFRASTRUCTURE
    assert not unclassified, (
        f"add {sorted(unclassified)} to crm_lessons.CHAPTER_MODULES or to INFRASTRUCTURE here"
    )


def _table_rows(text: str, start: str) -> dict[str, set[str]]:
    """Chapter -> modules of a Markdown table (README) whose header starts with ``start``."""
    lines = text[text.index(start) :].splitlines()[2:]
    rows = {}
    for line in lines:
        if not line.startswith("|"):
            break
        chapter, modules = (c.strip() for c in line.strip("|").split("|"))
        rows[chapter] = set(re.findall(r"`(\w+)`", modules))
    return rows


def _chapter_key(chapter: str) -> str:
    if chapter.startswith("every"):
        return "*"
    number = int(chapter.split(".")[0])
    return next(k for k in crm.CHAPTER_MODULES if k.startswith(f"{number:02d}_"))


def test_readme_table_matches_the_package():
    rows = _table_rows((ROOT / "README.md").read_text(encoding="utf-8"), "| chapter | topic modules")
    assert {_chapter_key(c): m for c, m in rows.items()} == {
        k: set(v) for k, v in crm.CHAPTER_MODULES.items()
    }


def test_docstring_table_matches_the_package():
    doc = crm.__doc__
    body = doc[doc.index("Chapter  ") : doc.index("The machinery")]
    rows, chapter = {}, None
    for line in body.splitlines():
        if not line.strip() or line.startswith("="):
            continue
        head, modules = ("", line) if line.startswith(" ") else re.split(r"\s{2,}", line, maxsplit=1)
        if head and head != "Chapter":
            chapter = _chapter_key(head)
        if chapter:
            rows.setdefault(chapter, set()).update(m for m in re.split(r"[,\s]+", modules) if m)
    assert rows == {k: set(v) for k, v in crm.CHAPTER_MODULES.items()}


def test_the_modules_a_chapter_imports_are_in_its_row():
    # the chapter sources import topic modules either as crm.<module> or from crm_lessons
    for key, modules in crm.CHAPTER_MODULES.items():
        if key == "*":
            continue
        source = ROOT / "notebooks" / "src" / f"{key}.md"
        if not source.exists():
            continue
        text = source.read_text(encoding="utf-8")
        used = set(re.findall(r"\bcrm\.(\w+)\.", text))
        used |= set(re.findall(r"from crm_lessons\.(\w+)", text))
        for group in re.findall(r"from crm_lessons import ([\w, ]+)", text):
            used |= {m.strip() for m in group.split(",")}
        used &= set(crm.TOPIC_MODULES)
        missing = used - set(modules) - set(crm.CHAPTER_MODULES["*"])
        assert not missing, f"{key} uses {sorted(missing)}: add them to its row in CHAPTER_MODULES and README"
