"""Rendering helpers shared by the widgets: a figure as PNG bytes, a frame as HTML, a static card.

Widgets show their plot in an ``ipywidgets.Image`` (PNG bytes), so they render the same in
JupyterLab, in a test without a browser, and in a notebook run headlessly.

Examples
--------
>>> import pandas as pd
>>> from crm_lessons.widgets._render import frame_html
>>> "<td" in frame_html(pd.DataFrame({"share": [0.5]}), {"share": "{:.0%}"})
True
>>> "250.0" in frame_html(pd.DataFrame({"customers": [250.0]}))  # counts are whole numbers
False
"""

from __future__ import annotations

import html
import io

import numpy as np
import pandas as pd

#: Columns that hold counts: always shown as whole numbers with thousands separators.
COUNT_COLUMNS = {
    "customers",
    "orders",
    "orders_both",
    "contacted",
    "responses",
    "repeat_customers",
    "active_last_year",
    "retained",
    "n_treatment",
    "n_control",
    "rank",
    "rules",
}


#: Demo pages (``crm-lessons demo``) draw figures at a higher resolution (sharp on a projector
#: at 150 % zoom and on a 1920-pixel screen).
FIGURE = {"scale": 1.0, "dpi": 80}


def set_demo_mode(on: bool = True) -> None:
    """Figures of widgets built from now on: projector (120 dpi) or notebook resolution (80 dpi)."""
    FIGURE.update({"scale": 1.0, "dpi": 120} if on else {"scale": 1.0, "dpi": 80})


def new_figure(
    width: float,
    height: float,
    left: float = 0.1,
    right: float = 0.97,
    bottom: float = 0.13,
    top: float = 0.92,
):
    """A matplotlib Figure in the book style with one Axes, not registered with pyplot.

    Margins are fixed (fractions of the figure) rather than computed by a layout engine on
    every redraw, which would double the drawing time of a widget. The font follows the
    language set with :func:`crm_lessons.i18n.set_language`; the global matplotlib style is
    left alone (the book's style applies inside :func:`crm_lessons.plotting.book_style`).
    """
    from matplotlib.figure import Figure

    from crm_lessons.plotting import book_style

    scale = FIGURE["scale"]
    with book_style():
        fig = Figure(figsize=(width * scale, height * scale), dpi=FIGURE["dpi"])
        fig.subplots_adjust(left=left, right=right, bottom=bottom, top=top)
        fig.add_subplot()
    return fig


def figure_png(fig, dpi: int | None = None) -> bytes:
    """The figure rendered as PNG bytes."""
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=dpi or FIGURE["dpi"])
    return buf.getvalue()


def _cell(value, fmt: str | None, column) -> str:
    if fmt is not None and pd.notna(value) and not isinstance(value, str):
        return fmt.format(value)
    if (
        column in COUNT_COLUMNS
        and isinstance(value, (int, float, np.integer, np.floating))
        and pd.notna(value)
    ):
        return f"{int(round(float(value))):,}"
    if (
        isinstance(value, (float, np.floating))
        and pd.notna(value)
        and float(value).is_integer()
        and abs(value) < 1e15
    ):
        return f"{int(value):,}"
    return "" if value is None or (not isinstance(value, str) and pd.isna(value)) else str(value)


def frame_html(
    frame: pd.DataFrame, formats: dict | None = None, index: bool = True, labels: bool = True
) -> str:
    """A small frame as an HTML table with large text for the projector.

    Parameters
    ----------
    frame : pandas.DataFrame
        What to show (code column names).
    formats : dict, optional
        Column -> format string such as ``"{:.1%}"``.
    index : bool, default True
        Show the index as the first column.
    labels : bool, default True
        Show column headers in the reader's language (:func:`crm_lessons.widgets._base.col_label`).
    """
    from crm_lessons.widgets._base import col_label

    formats = formats or {}
    cols = list(frame.columns)

    def head_of(name) -> str:
        return col_label(name) if labels and isinstance(name, str) else ("" if name is None else str(name))

    head_cells = ([head_of(frame.index.name)] if index else []) + [head_of(c) for c in cols]
    head = "".join(
        f"<th style='text-align:right;padding:3px 10px;position:sticky;top:0;background:#fff'>"
        f"{html.escape(c)}</th>"
        for c in head_cells
    )
    rows = []
    values = frame.to_numpy(dtype=object)
    for idx, row in zip(frame.index, values):
        cells = [html.escape(str(idx))] if index else []
        cells += [html.escape(_cell(v, formats.get(c), c)) for c, v in zip(cols, row)]
        rows.append(
            "<tr>"
            + "".join(f"<td style='text-align:right;padding:3px 10px'>{c}</td>" for c in cells)
            + "</tr>"
        )
    return (
        f"<table style='font-size:16px;border-collapse:collapse'><thead><tr>{head}</tr></thead>"
        f"<tbody>{''.join(rows)}</tbody></table>"
    )


def _text_width(text: str) -> int:
    """Width of ``text`` in Latin characters (East Asian wide characters count two)."""
    import unicodedata

    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in str(text))


def static_card(
    title: str, settings: str, status: str, png: bytes | None, table: pd.DataFrame | None, max_rows: int = 16
) -> bytes:
    """One PNG with a widget's title, settings, status line, figure and table (its static rendering).

    Used in a widget's ``_repr_mimebundle_`` so that a saved notebook shows the widget's
    state on any viewer, even where the live widget cannot run.
    """
    import textwrap

    import matplotlib as mpl
    from matplotlib.figure import Figure
    from PIL import Image

    from crm_lessons.i18n import font_rc, get_language

    width_in = 10.0
    dpi = 80
    picture = None
    pic_h = 0.0
    if png:
        picture = np.asarray(Image.open(io.BytesIO(png)).convert("RGB"))
        pic_h = picture.shape[0] / picture.shape[1] * width_in
    rows = 0 if table is None else min(len(table), max_rows)
    wrap = 95
    head_lines = textwrap.wrap(settings, wrap) + textwrap.wrap(status, wrap)
    head_h = 0.45 + 0.24 * len(head_lines)
    cells, labels, widths, fontsize, row_h = [], [], [], 10.0, 0.0
    if table is not None and rows:
        shown = table.head(rows).astype(str)
        cells = [[textwrap.shorten(v, 48, placeholder="…") for v in row] for row in shown.to_numpy()]
        labels = [textwrap.shorten(str(c), 30, placeholder="…") for c in shown.columns]
        # column widths from the longest text (a CJK character is about two Latin ones wide)
        chars = [
            max(_text_width(x) for x in [lab, *(r[i] for r in cells)]) + 3 for i, lab in enumerate(labels)
        ]
        total = float(sum(chars))
        widths = [c / total for c in chars]
        fontsize = max(6.0, min(10.0, 9.8 * 72 / (0.56 * total)))
        row_h = fontsize * 1.7 / 72
    table_h = 0.0 if not cells else row_h * (rows + 1) + 0.25
    height = head_h + pic_h + table_h + 0.1
    with mpl.rc_context({**font_rc(), "figure.facecolor": "white"}):
        fig = Figure(figsize=(width_in, height))
        y = 1 - 0.12 / height
        fig.text(
            0.01, y, title, fontsize=15, va="top", fontweight="bold" if get_language() == "en" else "normal"
        )
        y -= 0.4 / height
        for line in head_lines:
            fig.text(0.01, y, line, fontsize=11, va="top", color="#333333")
            y -= 0.24 / height
        if picture is not None:
            ax = fig.add_axes((0, y - pic_h / height, 1, pic_h / height))
            ax.imshow(picture, interpolation="antialiased")
            ax.set_axis_off()
            y -= pic_h / height
        if cells:
            ax = fig.add_axes((0.01, 0.05 / height, 0.98, y - 0.15 / height))
            ax.set_axis_off()
            tab = ax.table(
                cellText=cells, colLabels=labels, colWidths=widths, loc="upper center", cellLoc="right"
            )
            tab.auto_set_font_size(False)
            tab.set_fontsize(fontsize)
            for cell in tab.get_celld().values():
                cell.set_height(row_h / max(y * height - 0.15, 0.1))
                cell.set_edgecolor("#bbbbbb")
        buf = io.BytesIO()
        fig.savefig(buf, format="png", dpi=dpi, metadata={"Software": None})
    # a palette of 256 colours: the picture of a chart reads the same at a third of the bytes
    rgb = Image.open(io.BytesIO(buf.getvalue())).convert("RGB")
    out = io.BytesIO()
    rgb.quantize(256, method=Image.Quantize.MEDIANCUT, dither=Image.Dither.NONE).save(
        out, format="png", optimize=True
    )
    return out.getvalue()
