"""The data dictionary's Chinese edition (datasets/README.zh.md) keeps in step with the English one:
the same tables in the same order, the same columns in each, every figure of the English text, and a
link from the English file."""

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
EN = (ROOT / "datasets" / "README.md").read_text(encoding="utf-8")
ZH = (ROOT / "datasets" / "README.zh.md").read_text(encoding="utf-8")


def _tables(text):
    """{file: [columns]} for every '### `file`' section, in order."""
    out = {}
    for section in re.split(r"^### ", text, flags=re.MULTILINE)[1:]:
        m = re.match(r"`([^`]+)`", section)
        if not m:
            continue
        out[m.group(1)] = re.findall(r"^\| `([^`]+)` \|", section, flags=re.MULTILINE)
    return out


def _numbers(text):
    return set(re.findall(r"\d+(?:[.,]\d+)*", text))


def test_same_tables_and_columns():
    en, zh = _tables(EN), _tables(ZH)
    assert list(en) == list(zh)
    for table in en:
        assert en[table] == zh[table], table


def test_same_headline_structure():
    assert len(re.findall(r"^## ", EN, re.MULTILINE)) == len(re.findall(r"^## ", ZH, re.MULTILINE))
    assert len(re.findall(r"^\|", EN, re.MULTILINE)) == len(re.findall(r"^\|", ZH, re.MULTILINE))


def test_every_figure_of_the_english_text_is_in_the_chinese():
    missing = sorted(_numbers(EN) - _numbers(ZH), key=lambda s: (len(s), s))
    assert not missing, f"figures in README.md but not in README.zh.md: {missing}"


def test_the_two_editions_link_to_each_other():
    assert "README.zh.md" in EN and "(README.md)" in ZH
    chinese = len(re.findall(r"[\u4e00-\u9fff]", ZH))
    assert chinese > 3000, "the Chinese edition is written in Chinese"
