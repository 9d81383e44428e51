"""Fast redraws for widget plots: draw the still parts once, then only the moving ones.

A widget plot has a still part (axes, ticks, labels, legend: most of the drawing time,
all of it text) and a few moving artists (lines, markers). :class:`BlitPNG` renders the
still part once per set of axis limits, keeps it as a bitmap, and on each update pastes
the bitmap back, draws only the moving artists on top and encodes the PNG with light
compression. An update then costs a few milliseconds instead of a full redraw; when the
axis limits change (other ticks) the still part is drawn again — once per set of limits: the
last few still parts are kept, so dragging back and forth across a step redraws nothing.

Examples
--------
>>> from crm_lessons.widgets._render import new_figure
>>> from crm_lessons.widgets._blit import BlitPNG
>>> fig = new_figure(4, 3)
>>> (line,) = fig.axes[0].plot([0, 1], [0, 1])
>>> png = BlitPNG(fig, [line])
>>> png.render(limits=(0, 1)).startswith(b"\\x89PNG")
True
>>> png.full_redraws
1
>>> line.set_ydata([1, 0]); _ = png.render(limits=(0, 1)); png.full_redraws
1
>>> _ = png.render(limits=(0, 2)); _ = png.render(limits=(0, 1)); png.full_redraws  # (0, 1) kept
2
"""

from __future__ import annotations

import io
from collections import OrderedDict

from matplotlib.backends.backend_agg import FigureCanvasAgg


class BlitPNG:
    """Render ``figure`` to PNG bytes, redrawing only ``moving`` artists while ``limits`` stay the same.

    Parameters
    ----------
    figure : matplotlib.figure.Figure
    moving : list of matplotlib artists
        Artists whose data change between updates (drawn on every render).
    dpi : int, optional
        Resolution of the PNG (default: the figure's own, see :data:`crm_lessons.widgets._render.FIGURE`).
    """

    #: still parts kept (one per set of limits)
    keep = 12

    def __init__(self, figure, moving, dpi: int | None = None):
        self.figure = figure
        self.moving = list(moving)
        if dpi is not None:
            self.figure.set_dpi(dpi)
        self.canvas = FigureCanvasAgg(figure)
        self._backgrounds: OrderedDict = OrderedDict()
        #: how many times the still part was drawn (for tests and benchmarks)
        self.full_redraws = 0

    def render(self, limits=None) -> bytes:
        """PNG bytes of the figure now.

        ``limits`` is any hashable value that changes when the still part must change.
        """
        background = self._backgrounds.get(limits)
        if background is None:
            for artist in self.moving:
                artist.set_visible(False)
            self.canvas.draw()
            background = self.canvas.copy_from_bbox(self.figure.bbox)
            for artist in self.moving:
                artist.set_visible(True)
            self._backgrounds[limits] = background
            if len(self._backgrounds) > self.keep:
                self._backgrounds.popitem(last=False)
            self.full_redraws += 1
        else:
            self._backgrounds.move_to_end(limits)
        self.canvas.restore_region(background)
        for artist in self.moving:
            artist.axes.draw_artist(artist)
        return self._encode()

    def _encode(self) -> bytes:
        from PIL import Image

        width, height = self.canvas.get_width_height()
        image = Image.frombuffer("RGBA", (width, height), self.canvas.buffer_rgba(), "raw", "RGBA", 0, 1)
        buffer = io.BytesIO()
        image.save(buffer, format="png", compress_level=1)
        return buffer.getvalue()
