"""The book's one plot style: large fonts, few colours, readable on a projector, in both languages.

The book's plot functions draw inside the style (:func:`book_style`, a
``matplotlib.rc_context``) and leave the reader's own matplotlib settings alone: calling
``crm.rfm.plot_segments(...)`` never changes how the student's next ``plt.plot`` looks. A
notebook that wants its own figures to look like the book's calls :func:`set_book_style`
once, at the top (the book's chapters do).

The style follows the language of :func:`crm_lessons.i18n.set_language`: its font fallback
(:func:`crm_lessons.i18n.font_rc`) puts the bundled Noto Sans CJK SC font after DejaVu Sans in
English and first in Chinese, so Chinese labels render in both editions.

Examples
--------
>>> import matplotlib as mpl
>>> from crm_lessons.plotting import BOOK_COLOURS, book_rc, book_style
>>> book_rc()["font.size"] >= 14
True
>>> before = mpl.rcParams["font.size"]
>>> with book_style():
...     mpl.rcParams["axes.titlesize"]
17.0
>>> mpl.rcParams["font.size"] == before  # nothing leaks out of the context
True
>>> len(BOOK_COLOURS)
4
"""

from __future__ import annotations

import functools

#: Four colours that stay distinct on a projector and for colour-blind readers
#: (blue, orange, grey, green from the seaborn "colorblind" palette).
BOOK_COLOURS = ("#0173b2", "#de8f05", "#7f7f7f", "#029e73")

#: The book's own settings, on top of seaborn's "whitegrid" style in the "talk" context.
_BOOK_RC = {
    "figure.dpi": 100,
    "savefig.dpi": 100,
    "font.size": 15,
    "axes.titlesize": 17,
    "axes.labelsize": 15,
    "xtick.labelsize": 13,
    "ytick.labelsize": 13,
    "legend.fontsize": 13,
    "axes.spines.top": False,
    "axes.spines.right": False,
    "figure.autolayout": False,
}


#: seaborn's "whitegrid" style in its "talk" context, as ``seaborn.set_theme(context="talk",
#: style="whitegrid")`` sets them (seaborn 0.13), written out so that drawing in the book's style
#: does not import seaborn (about a second per notebook); tests/test_plotting.py compares them with
#: seaborn's own. Left out: the font (from :func:`crm_lessons.i18n.font_rc`) and seaborn's default
#: colormap "rocket", which exists only once seaborn is imported.
_SEABORN_TALK_WHITEGRID = {
    "axes.axisbelow": True,
    "axes.edgecolor": ".8",
    "axes.facecolor": "white",
    "axes.grid": True,
    "axes.labelcolor": ".15",
    "axes.labelsize": 18.0,
    "axes.linewidth": 1.875,
    "axes.spines.bottom": True,
    "axes.spines.left": True,
    "axes.spines.right": True,
    "axes.spines.top": True,
    "axes.titlesize": 18.0,
    "figure.facecolor": "white",
    "font.size": 18.0,
    "grid.color": ".8",
    "grid.linestyle": "-",
    "grid.linewidth": 1.5,
    "legend.fontsize": 16.5,
    "legend.title_fontsize": 18.0,
    "lines.linewidth": 2.25,
    "lines.markersize": 9.0,
    "lines.solid_capstyle": "round",
    "patch.edgecolor": "w",
    "patch.force_edgecolor": True,
    "patch.linewidth": 1.5,
    "text.color": ".15",
    "xtick.bottom": False,
    "xtick.color": ".15",
    "xtick.direction": "out",
    "xtick.labelsize": 16.5,
    "xtick.major.size": 9.0,
    "xtick.major.width": 1.875,
    "xtick.minor.size": 6.0,
    "xtick.minor.width": 1.5,
    "xtick.top": False,
    "ytick.color": ".15",
    "ytick.direction": "out",
    "ytick.labelsize": 16.5,
    "ytick.left": False,
    "ytick.major.size": 9.0,
    "ytick.major.width": 1.875,
    "ytick.minor.size": 6.0,
    "ytick.minor.width": 1.5,
    "ytick.right": False,
}


def book_rc(lang: str | None = None) -> dict:
    """The matplotlib rcParams of the book's style.

    Parameters
    ----------
    lang : {"en", "zh"}, optional
        Language whose font fallback to use; default the current language
        (:func:`crm_lessons.i18n.get_language`).

    Returns
    -------
    dict
        seaborn's "whitegrid" style and "talk" context (as ``seaborn.set_theme(context="talk",
        style="whitegrid")`` sets them), the four :data:`BOOK_COLOURS` as the colour cycle,
        100 dpi figures, no top/right spines, projector-sized fonts, and the language's font
        fallback (:func:`crm_lessons.i18n.font_rc`).

    Examples
    --------
    >>> rc = book_rc("zh")
    >>> rc["font.family"][0], rc["axes.spines.top"]
    ('Noto Sans CJK SC', False)
    """
    from cycler import cycler

    from crm_lessons.i18n import font_rc

    rc = dict(_SEABORN_TALK_WHITEGRID)
    rc["axes.prop_cycle"] = cycler(color=list(BOOK_COLOURS))
    rc["patch.facecolor"] = "C0"
    rc.update(_BOOK_RC)
    rc.update(font_rc(lang))
    return rc


def book_style(lang: str | None = None):
    """A context in which matplotlib draws in the book's style; the settings before it come back after.

    Parameters
    ----------
    lang : {"en", "zh"}, optional
        As :func:`book_rc`.

    Returns
    -------
    contextlib.AbstractContextManager
        ``matplotlib.rc_context(book_rc(lang))``.

    Examples
    --------
    >>> import matplotlib.pyplot as plt
    >>> with book_style():
    ...     fig, ax = plt.subplots()
    >>> ax.spines["top"].get_visible()
    False
    >>> plt.close(fig)
    """
    import matplotlib as mpl

    return mpl.rc_context(book_rc(lang))


def set_book_style(lang: str | None = None) -> None:
    """Make every later figure of this session look like the book's (changes the global rcParams).

    Parameters
    ----------
    lang : {"en", "zh"}, optional
        As :func:`book_rc`.

    Returns
    -------
    None

    Notes
    -----
    For the top of a notebook, by the notebook's choice. The book's plot functions do not call it:
    they draw inside :func:`book_style`, so a student's own style is never reset behind her back.

    Examples
    --------
    >>> import matplotlib as mpl
    >>> with mpl.rc_context():
    ...     set_book_style()
    ...     mpl.rcParams["font.size"]
    15.0
    """
    import matplotlib as mpl

    mpl.rcParams.update(book_rc(lang))


def _axes_of(result) -> list:
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure

    if isinstance(result, Axes):
        return [result]
    if isinstance(result, Figure):
        return list(result.axes)
    if isinstance(result, (tuple, list)):
        return [ax for item in result for ax in _axes_of(item)]
    return []


def styled(func):
    """Decorator for the book's plot functions: the function draws inside :func:`book_style`.

    Everything the function creates (figure, axes, text, legend, the first tick of each axis,
    from which matplotlib copies the others at draw time) takes the book's style and the
    current language's fonts; the caller's global rcParams are untouched.

    Examples
    --------
    >>> import matplotlib as mpl
    >>> @styled
    ... def plot_nothing():
    ...     fig, ax = new_figure(figsize=(3, 2))
    ...     return ax
    >>> before = dict(mpl.rcParams)
    >>> ax = plot_nothing()
    >>> ax.title.get_fontsize(), dict(mpl.rcParams) == before
    (17.0, True)
    """

    @functools.wraps(func)
    def draw(*args, **kwargs):
        with book_style():
            result = func(*args, **kwargs)
            for ax in _axes_of(result):  # create the ticks now, in the style
                for axis in (ax.xaxis, ax.yaxis):
                    axis.get_major_ticks(1)
                    axis.get_minor_ticks(1)
        return result

    return draw


def new_figure(ax=None, figsize=(10, 6), *, clear: bool = False):
    """Figure and axes to draw on: a new book-style figure, or the figure of ``ax``.

    Parameters
    ----------
    ax : matplotlib.axes.Axes, optional
        Axes to draw on (e.g. inside a widget); a new figure of ``figsize`` by default.
    figsize : tuple of float
        Size of the new figure in inches.
    clear : bool, default False
        Clear the given ``ax`` first (a widget redrawing the same axes).

    Returns
    -------
    tuple
        ``(fig, ax)``.

    Notes
    -----
    The new figure is made inside :func:`book_style`; a plot function decorated with
    :func:`styled` draws the rest inside it too. Global rcParams are not changed.

    Examples
    --------
    >>> from crm_lessons.plotting import new_figure
    >>> fig, ax = new_figure(figsize=(4, 3))
    >>> fig.get_size_inches().tolist()
    [4.0, 3.0]
    >>> new_figure(ax)[0] is fig
    True

    Checked: the plot functions of the topic modules draw through it.
    """
    if ax is None:
        import matplotlib.pyplot as plt

        with book_style():
            return plt.subplots(figsize=figsize)
    if clear:
        ax.clear()
    return ax.figure, ax
