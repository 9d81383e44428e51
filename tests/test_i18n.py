"""The two editions' text: every catalogue key in both languages, Chinese figures with real glyphs."""

import warnings

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import pandas as pd  # noqa: E402
import pytest  # noqa: E402

from crm_lessons import i18n  # noqa: E402


@pytest.fixture(autouse=True)
def english_afterwards():
    yield
    i18n.set_language("en")


def test_every_key_has_both_languages():
    # an entry may be empty in both languages (no note), never in one only
    missing = {
        key: [
            lang
            for lang in i18n.LANGUAGES
            if entry.get(lang) is None or (not entry.get(lang) and any(entry.values()))
        ]
        for key, entry in i18n.catalogue().items()
    }
    assert {key: langs for key, langs in missing.items() if langs} == {}


def test_chinese_text_is_chinese():
    # a zh entry that holds no CJK character at all is an untranslated copy of the English
    untranslated = [
        key
        for key, entry in i18n.catalogue().items()
        if not any("\u4e00" <= ch <= "\u9fff" for ch in entry["zh"])
        and entry["zh"] == entry["en"]
        and any(ch.isalpha() for ch in entry["en"])
    ]
    assert untranslated == []


def test_placeholders_agree_between_languages():
    import string

    def fields(text):
        return sorted(f for _, f, _, _ in string.Formatter().parse(text) if f)

    differing = [key for key, e in i18n.catalogue().items() if fields(e["en"]) != fields(e["zh"])]
    assert differing == []


@pytest.mark.parametrize("given, expected", [("zh-CN", "zh"), ("中文", "zh"), ("EN", "en")])
def test_language_names_are_understood(given, expected):
    i18n.set_language(given)
    assert i18n.get_language() == expected


def test_unknown_language_is_refused_by_name():
    with pytest.raises(ValueError, match="lang='fr'"):
        i18n.set_language("fr")
    with pytest.raises(TypeError, match="lang must be a string"):
        i18n.set_language(None)


def test_unknown_key_names_the_key():
    with pytest.raises(i18n.MissingTextError, match="no.such.key"):
        i18n.tr("no.such.key")


def test_localize_relabels_only_labels():
    frame = pd.DataFrame(
        {"customers": [3, 4], "revenue": [1.5, 2.0]}, index=pd.Index([2023, 2024], name="year")
    )
    shown = i18n.localize(frame, lang="zh")
    assert list(shown.columns) == ["客户数", "销售收入"]
    assert shown.index.name == "年份"
    assert shown.to_numpy().tolist() == frame.to_numpy().tolist()
    assert list(frame.columns) == ["customers", "revenue"]  # the original is untouched


def test_localize_refuses_other_objects():
    with pytest.raises(TypeError, match="obj must be a pandas DataFrame or Series"):
        i18n.localize([1, 2])


def test_chinese_figure_has_every_glyph():
    i18n.set_language("zh")
    with plt.rc_context(i18n.font_rc()), warnings.catch_warnings():
        warnings.filterwarnings("error", message=".*missing from font.*")
        fig, ax = plt.subplots()
        ax.set(title="客户终身价值 (CLV) −5.1 个百分点", xlabel=i18n.tr("common.year"))
        ax.plot([1, 2], [3, -4], label=i18n.tr("common.crm_go_live"))
        ax.legend()
        fig.canvas.draw()
        plt.close(fig)


def test_english_figure_still_renders_a_chinese_term():
    i18n.set_language("en")
    with plt.rc_context(i18n.font_rc()), warnings.catch_warnings():
        warnings.filterwarnings("error", message=".*missing from font.*")
        fig, ax = plt.subplots()
        ax.set_title("customer lifetime value (客户终身价值)")
        fig.canvas.draw()
        plt.close(fig)


def test_localize_relabels_category_values_but_not_numbers():
    frame = pd.DataFrame({"kind": ["consumer", "organisation", "someone else"], "customers": [10, 2, 1]})
    shown = i18n.localize(frame, lang="zh")
    assert shown["客户类型"].tolist() == ["消费者", "机构组织", "someone else"]
    assert shown["客户数"].tolist() == [10, 2, 1]
    by_kind = frame.set_index("kind")["customers"]
    assert i18n.localize(by_kind, lang="zh").index.tolist() == ["消费者", "机构组织", "someone else"]
    assert i18n.localize(by_kind, lang="en").index.tolist() == ["consumer", "organisation", "someone else"]
