"""The book's two languages: English and Simplified Chinese (中文版).

Every string a reader sees — figure titles and axis labels, widget labels and messages,
column headers of displayed tables, exercise feedback — comes from a bilingual catalogue
(``crm_lessons/locale/*.toml``), one table per key with both languages side by side::

    [abc.title]
    en = "ABC classification of customers"
    zh = "客户ABC分类"

A notebook chooses its language once, at the top (``crm.set_language(lang)``); plot
functions and widgets then follow it. Computations never depend on the language: they
return frames with stable code names (``customer_share``), and :func:`localize` relabels a
copy for display.

Chinese text in figures needs a CJK font. The project's own install brings one: the
``mplfonts`` package carries Noto Sans CJK SC, which :func:`register_cjk_font` adds to
matplotlib (no system font is assumed). :func:`font_rc` gives the font fallback for the
current language: DejaVu Sans then Noto Sans CJK SC in English (so a Chinese term inside an
English label still renders), Noto Sans CJK SC first in Chinese.

Examples
--------
>>> from crm_lessons import i18n
>>> i18n.set_language("zh")
>>> i18n.get_language()
'zh'
>>> i18n.tr("common.customers")
'客户'
>>> i18n.label("customer_share")
'客户占比'
>>> i18n.set_language("en")
>>> i18n.label("customer_share")
'share of customers'
>>> i18n.label("no_such_column")
'no_such_column'

Checked: ``tests/test_i18n.py`` checks that every key of every catalogue file has both
languages, and that a Chinese figure draws without matplotlib's missing-glyph warning.
"""

from __future__ import annotations

import functools
import importlib.util
import tomllib
from collections.abc import Mapping
from pathlib import Path

import pandas as pd

#: The editions of the book.
LANGUAGES = ("en", "zh")

#: The name matplotlib knows the bundled CJK font by.
CJK_FONT = "Noto Sans CJK SC"

LOCALE_DIR = Path(__file__).with_name("locale")

_language = "en"


class MissingTextError(KeyError):
    """A catalogue key that does not exist (a typo in the code, not the reader's fault)."""


def _check_language(lang, arg: str = "lang") -> str:
    if not isinstance(lang, str):
        raise TypeError(f"{arg} must be a string, one of {LANGUAGES}; got {type(lang).__name__}")
    norm = lang.strip().lower().replace("_", "-")
    if norm in ("zh-cn", "zh-hans", "cn", "chinese", "中文"):
        norm = "zh"
    if norm in ("en-us", "en-gb", "english"):
        norm = "en"
    if norm not in LANGUAGES:
        raise ValueError(f"{arg}={lang!r} is not a language of the book; use 'en' (English) or 'zh' (中文)")
    return norm


def set_language(lang: str = "en") -> None:
    """Choose the language of every figure, widget and displayed table from now on.

    Parameters
    ----------
    lang : {"en", "zh"}
        ``"en"`` for the English edition, ``"zh"`` for the Chinese (``"zh-CN"`` and ``"中文"``
        are accepted too).

    Notes
    -----
    Also registers the bundled CJK font and, when matplotlib is already imported, puts the
    language's font fallback into ``matplotlib.rcParams`` so figures drawn after this call use it;
    and turns matplotlib's missing-glyph warning into an error, so a figure that would show
    empty boxes fails loudly (the book's notebooks call this, so every figure of both editions
    is checked whenever they run).
    """
    global _language
    _language = _check_language(lang)
    import sys
    import warnings

    # a glyph missing from every font would print as an empty box: an error, not a warning
    warnings.filterwarnings("error", message=r"Glyph \d+ .*missing from font")

    if "matplotlib" in sys.modules:
        import matplotlib as mpl

        mpl.rcParams.update(font_rc())


def get_language() -> str:
    """The language set by :func:`set_language` (``"en"`` until then)."""
    return _language


@functools.cache
def catalogue() -> dict[str, dict[str, str]]:
    """Every message of every ``locale/*.toml`` file, keyed by its dotted key.

    Returns
    -------
    dict
        ``{key: {"en": ..., "zh": ...}}``.

    Raises
    ------
    ValueError
        When two files define the same key, or a file is not valid TOML.
    """
    messages: dict[str, dict[str, str]] = {}
    for path in sorted(LOCALE_DIR.glob("*.toml")):
        try:
            data = tomllib.loads(path.read_text(encoding="utf-8"))
        except tomllib.TOMLDecodeError as err:
            raise ValueError(f"locale file {path.name} is not valid TOML: {err}") from None
        for key, entry in _flatten(data):
            if key in messages:
                raise ValueError(f"locale key {key!r} is defined twice (second time in {path.name})")
            messages[key] = entry
    return messages


def _flatten(data: Mapping, prefix: str = ""):
    for name, value in data.items():
        key = f"{prefix}{name}"
        if isinstance(value, Mapping) and any(lang in value for lang in LANGUAGES):
            yield key, {lang: value.get(lang) for lang in LANGUAGES}
        elif isinstance(value, Mapping):
            yield from _flatten(value, key + ".")


def both(key: str) -> dict[str, str]:
    """The English and Chinese text of ``key``: ``{"en": ..., "zh": ...}``."""
    try:
        return dict(catalogue()[key])
    except KeyError:
        raise MissingTextError(f"no text with key {key!r} in crm_lessons/locale/*.toml") from None


def tr(key: str, lang: str | None = None, **fmt) -> str:
    """The text of ``key`` in the current language (or ``lang``), formatted with ``fmt``.

    Parameters
    ----------
    key : str
        Dotted catalogue key, e.g. ``"common.customers"``.
    lang : {"en", "zh"}, optional
        Override the current language.
    **fmt
        Values for ``str.format`` placeholders in the text.

    Examples
    --------
    >>> from crm_lessons.i18n import tr
    >>> tr("common.n_customers", n=1234)
    '1,234 customers'
    >>> tr("common.n_customers", lang="zh", n=1234)
    '1,234 位客户'
    """
    text = both(key)[_check_language(lang) if lang is not None else _language]
    return text.format(**fmt) if fmt else text


def label(name, lang: str | None = None) -> str:
    """Display label of a column or index name (``columns.<name>`` in the catalogue).

    Names without a catalogue entry are returned unchanged (as text), so a table with a
    new column still displays.
    """
    entry = catalogue().get(f"columns.{name}")
    if entry is None:
        return name if isinstance(name, str) else str(name)
    return entry[_check_language(lang) if lang is not None else _language]


def value_label(value, lang: str | None = None):
    """Display label of a category value (``values.<value>`` in the catalogue), e.g. a segment name.

    Values without an entry, and values that are not text, are returned unchanged.
    """
    if not isinstance(value, str):
        return value
    entry = catalogue().get(f"values.{value}")
    if entry is None:
        return value
    return entry[_check_language(lang) if lang is not None else _language]


def localize(obj, lang: str | None = None):
    """A copy of a DataFrame or Series relabelled for display in the current language.

    Column names and index names become their ``columns.*`` labels; row labels and text cells
    that are category values with a ``values.*`` entry (segment names, kinds of customer...)
    become their labels. Numbers are not touched. Use it right before displaying a frame.

    Examples
    --------
    >>> import pandas as pd
    >>> from crm_lessons.i18n import localize
    >>> frame = pd.DataFrame({"customers": [3], "customer_share": [0.5]})
    >>> list(localize(frame, lang="zh").columns)
    ['客户数', '客户占比']
    >>> kinds = pd.Series([5, 7], index=["consumer", "organisation"], name="customers")
    >>> localize(kinds, lang="zh").index.tolist()
    ['消费者', '机构组织']
    """

    def relabel(name):
        return label(name, lang) if isinstance(name, str) else name

    def revalue(index):
        if isinstance(index, pd.MultiIndex):
            return index.set_levels([revalue(level) for level in index.levels])
        if index.dtype == object or isinstance(index.dtype, (pd.StringDtype, pd.CategoricalDtype)):
            return index.map(lambda v: value_label(v, lang))
        return index

    def revalue_cells(series):
        if series.dtype == object or isinstance(series.dtype, pd.StringDtype):
            return series.map(lambda v: value_label(v, lang))
        if isinstance(series.dtype, pd.CategoricalDtype):
            return series.cat.rename_categories(lambda v: value_label(v, lang))
        return series

    if isinstance(obj, pd.DataFrame):
        out = obj.apply(revalue_cells) if len(obj.columns) else obj.copy()
        out = out.rename(columns=relabel)
        out.columns = out.columns.set_names([relabel(n) for n in out.columns.names])
    elif isinstance(obj, pd.Series):
        out = revalue_cells(obj.copy())
        out = out.rename(relabel(obj.name)) if isinstance(obj.name, str) else out
    else:
        raise TypeError(f"obj must be a pandas DataFrame or Series, got {type(obj).__name__}")
    out.index = revalue(out.index).set_names([relabel(n) for n in out.index.names])
    return out


# --------------------------------------------------------------------------- fonts
def cjk_font_path() -> Path:
    """Path of the bundled Noto Sans CJK SC font file (from the ``mplfonts`` package).

    Raises
    ------
    RuntimeError
        When ``mplfonts`` is not installed (it is a dependency of the project; reinstall it).
    """
    spec = importlib.util.find_spec("mplfonts")  # found, not imported: its import has side effects
    if spec is None or not spec.submodule_search_locations:
        raise RuntimeError(
            "the CJK font package 'mplfonts' is not installed; reinstall the project "
            "(pip install -e .) so Chinese text in figures can render"
        )
    path = Path(next(iter(spec.submodule_search_locations))) / "fonts" / "NotoSansCJKsc-Regular.otf"
    if not path.is_file():
        raise RuntimeError(f"the bundled CJK font is missing from the mplfonts package ({path.name})")
    return path


@functools.cache
def register_cjk_font() -> str:
    """Add the bundled CJK font to matplotlib's font manager (once); return its family name."""
    import logging

    from matplotlib import font_manager

    font_manager.fontManager.addfont(str(cjk_font_path()))
    # only the regular face is bundled: a bold title uses it, and matplotlib need not say so in every notebook
    logging.getLogger("matplotlib.font_manager").setLevel(logging.ERROR)
    return CJK_FONT


def font_rc(lang: str | None = None) -> dict:
    """matplotlib rcParams for the font fallback of ``lang`` (default: the current language).

    Examples
    --------
    >>> from crm_lessons.i18n import font_rc
    >>> font_rc("zh")["font.family"][0]
    'Noto Sans CJK SC'
    >>> font_rc("en")["font.family"]
    ['DejaVu Sans', 'Noto Sans CJK SC']
    """
    lang = _check_language(lang) if lang is not None else _language
    cjk = register_cjk_font()
    order = [cjk, "DejaVu Sans"] if lang == "zh" else ["DejaVu Sans", cjk]
    # a list of families in font.family is what makes matplotlib fall back glyph by glyph
    return {"font.family": order, "font.sans-serif": order}
