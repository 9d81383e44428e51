"""The book's one plot style: large fonts, few colours, readable on a projector.

Call :func:`set_book_style` once at the top of a notebook (plot functions in
``crm_lessons`` call it too, so their figures look the same wherever they are drawn).
Text follows the language of :mod:`crm_lessons.i18n`, with the bundled CJK font for Chinese.

Examples
--------
>>> from crm_lessons.plotting import set_book_style, BOOK_COLOURS
>>> set_book_style()
>>> import matplotlib as mpl
>>> mpl.rcParams["font.size"] >= 14
True
>>> len(BOOK_COLOURS)
4
"""

from __future__ import annotations

#: Four colours that stay distinct on a projector and for colour-blind readers
#: (blue, orange, grey, green from the seaborn "colorblind" palette).
BOOK_COLOURS = ("#0173b2", "#de8f05", "#7f7f7f", "#029e73")


def set_book_style() -> None:
    """Set the seaborn theme and matplotlib defaults used by every plot of the book.

    Returns
    -------
    None

    Notes
    -----
    seaborn "whitegrid" in the "talk" context (large text and lines), the four
    :data:`BOOK_COLOURS` as the colour cycle, 100 dpi figures and no top/right spines.
    """
    import matplotlib as mpl
    import seaborn as sns

    sns.set_theme(context="talk", style="whitegrid", palette=list(BOOK_COLOURS))
    mpl.rcParams.update(
        {
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
    )
    from crm_lessons.i18n import font_rc

    mpl.rcParams.update(font_rc())  # the theme resets fonts: the language's CJK fallback goes back on


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

        set_book_style()
        return plt.subplots(figsize=figsize)
    if clear:
        ax.clear()
    return ax.figure, ax
