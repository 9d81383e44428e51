"""Rendering helpers shared by the chapter-2 widgets: a figure as PNG bytes, a frame as HTML.

Widgets show their plot in an ``ipywidgets.Image`` (PNG bytes), so they render the same in
JupyterLab, in a test without a browser, and in a notebook run headlessly.

Examples
--------
>>> import pandas as pd
>>> from crm_lessons.widgets._render import frame_html
>>> "<td" in frame_html(pd.DataFrame({"share": [0.5]}), {"share": "{:.0%}"})
True
"""

from __future__ import annotations

import html
import io

import pandas as pd


def new_figure(width: float, height: float, left: float = 0.1, right: float = 0.97, bottom: float = 0.13,
               top: float = 0.92):
    """A matplotlib Figure in the book style with one Axes, not registered with pyplot.

    Margins are fixed (fractions of the figure) rather than computed by a layout engine on
    every redraw, which would double the drawing time of a widget.
    """
    from matplotlib.figure import Figure

    from crm_lessons.plotting import set_book_style

    set_book_style()
    fig = Figure(figsize=(width, height))
    fig.subplots_adjust(left=left, right=right, bottom=bottom, top=top)
    fig.add_subplot()
    return fig


def figure_png(fig, dpi: int = 80) -> bytes:
    """The figure rendered as PNG bytes."""
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=dpi)
    return buf.getvalue()


def frame_html(frame: pd.DataFrame, formats: dict | None = None, index: bool = True) -> str:
    """A small frame as an HTML table with large text for the projector.

    Parameters
    ----------
    frame : pandas.DataFrame
        What to show.
    formats : dict, optional
        Column -> format string such as ``"{:.1%}"``.
    index : bool, default True
        Show the index as the first column.
    """
    formats = formats or {}
    cols = list(frame.columns)
    head_cells = ([html.escape(str(frame.index.name or ""))] if index else []) + [html.escape(str(c)) for c in cols]
    head = "".join(f"<th style='text-align:right;padding:3px 10px'>{c}</th>" for c in head_cells)
    rows = []
    for idx, row in frame.iterrows():
        cells = [html.escape(str(idx))] if index else []
        for c in cols:
            v = row[c]
            cells.append(html.escape(formats[c].format(v) if c in formats and pd.notna(v) else str(v)))
        rows.append("<tr>" + "".join(f"<td style='text-align:right;padding:3px 10px'>{c}</td>" for c in cells) + "</tr>")
    return f"<table style='font-size:16px;border-collapse:collapse'><tr>{head}</tr>{''.join(rows)}</table>"
