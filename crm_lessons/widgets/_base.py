"""The skeleton every widget of the book shares: controls, a status line, a figure and a table.

:class:`LessonWidget` holds what the ten widgets have in common, so each of them only says
which controls it has and what one update computes:

* **Honest states.** ``refresh()`` raises :class:`InvalidSetting` when the controls make no
  sense (A cut-off above B, all weights zero, low score above high). The widget then clears
  its figure (a blank panel of the same size), hides the table and says, in the status line,
  what to change; it never leaves numbers that disagree with the controls. ``valid`` and
  ``message`` say the same for tests.
* **Stable layout.** The table sits in a box of fixed height (it scrolls inside), the status
  line keeps its height, so dragging a slider never pushes the plot up or down.
* **Language.** Every label comes from the catalogue (``crm_lessons/locale/widgets.toml``)
  in the language the notebook set with ``crm.set_language(lang)`` before building the widget.
* **Accessible names.** Every control gets a description and a tooltip (its accessible name).
* **Readable without running.** ``_repr_mimebundle_`` adds to the live widget view a picture of
  the widget's state when displayed (``image/png``: status line, figure and table) and a
  ``text/plain`` summary (title, state, table as text), so a notebook saved with its outputs
  reads in full on a static viewer, in untrusted JupyterLab and in an HTML export.
* **Demo view.** :meth:`LessonWidget.demo_view` lays the same widget out for a projector page:
  controls beside a plot sized to the page, large type, the lesson in one sentence.

Examples
--------
>>> from crm_lessons.widgets.clv import CLVCalculator
>>> w = CLVCalculator(draw=False)
>>> w.retention.value = 0.99; w.discount_rate.value = 0.0
>>> w.valid, w.variants.empty
(True, False)
>>> w.margin.value = -1  # clamped by the slider to its minimum 0: still valid
>>> w.valid
True
"""

from __future__ import annotations

import html
import io

import ipywidgets as widgets
import numpy as np
import pandas as pd

from crm_lessons.i18n import both, catalogue, get_language, label, tr

#: Colours of feedback text, each at least 4.5:1 against white (WCAG AA) and told apart by
#: colour-blind readers (blue against vermilion), always with a symbol as well.
GOOD = "#005a8c"  # 7.4:1
BAD = "#a33b00"  # 6.6:1
MUTED = "#555555"  # 7.5:1

STATUS_STYLE = "font-size:16px;line-height:1.35"


class InvalidSetting(ValueError):
    """The controls' values make no sense together; the message says what to change."""


def wtr(key: str, **fmt) -> str:
    """A widget text from the catalogue (``widgets.<key>``) in the current language."""
    return tr(f"widgets.{key}", **fmt)


def col_label(name) -> str:
    """Display label of a column: the widgets' own wording first, then the shared column labels."""
    entry = catalogue().get(f"widgets.col.{name}")
    if entry is not None:
        return entry[get_language()]
    return label(name)


def has_text(key: str) -> bool:
    """Whether ``widgets.<key>`` is in the catalogue."""
    return f"widgets.{key}" in catalogue()


def name_text(group: str, name) -> str:
    """A data value's display name (``widgets.<group>.<name>``), or the value itself if there is none."""
    key = f"{group}.{str(name).replace(' ', '_').replace('-', '_')}"
    return wtr(key) if has_text(key) else str(name)


def options(group: str, values) -> list[tuple[str, object]]:
    """(label, value) pairs for a toggle or drop-down: the value stays the code name."""
    return [(name_text(group, v), v) for v in values]


def blank_png(width: int, height: int) -> bytes:
    """A light grey PNG of the given size: the cleared figure of an invalid setting."""
    from PIL import Image

    buf = io.BytesIO()
    Image.new("RGB", (max(int(width), 1), max(int(height), 1)), (236, 236, 236)).save(buf, format="png")
    return buf.getvalue()


def png_size(data: bytes) -> tuple[int, int]:
    """(width, height) of PNG bytes (0, 0 when empty)."""
    if len(data) < 24:
        return 0, 0
    return int.from_bytes(data[16:20], "big"), int.from_bytes(data[20:24], "big")


def table_rows(markup: str) -> list[list[str]]:
    """The cells of the first HTML table in ``markup``, row by row, as text."""
    from html.parser import HTMLParser

    class _Rows(HTMLParser):
        def __init__(self):
            super().__init__()
            self.rows: list[list[str]] = []
            self.cell: list[str] | None = None
            self.done = False

        def handle_starttag(self, tag, attrs):
            if self.done:
                return
            if tag == "tr":
                self.rows.append([])
            elif tag in ("td", "th") and self.rows:
                self.cell = []

        def handle_endtag(self, tag):
            if tag in ("td", "th") and self.cell is not None and self.rows:
                self.rows[-1].append("".join(self.cell).strip())
                self.cell = None
            elif tag == "table":
                self.done = True

        def handle_data(self, data):
            if self.cell is not None:
                self.cell.append(data)

    parser = _Rows()
    parser.feed(markup)
    return [r for r in parser.rows if r]


#: Gives every slider handle on the page the accessible name of its label (``aria-label``) and
#: its tooltip: ipywidgets labels text boxes and drop-downs (``<label for>``) but not the
#: handle of a slider, which is what a screen reader and the keyboard reach.
ARIA_JS = """
(function () {
  function name(root) {
    root.querySelectorAll('.widget-slider').forEach(function (slider) {
      var label = slider.querySelector('.widget-label');
      var handle = slider.querySelector('.noUi-handle');
      if (!label || !handle) { return; }
      var text = (label.textContent || '').trim();
      if (text && handle.getAttribute('aria-label') !== text) {
        handle.setAttribute('aria-label', text);
        if (label.title) { handle.title = label.title; }
      }
    });
  }
  name(document);
  if (!window.crmAriaObserver) {
    var pending = false;
    window.crmAriaObserver = new MutationObserver(function () {
      if (pending) { return; }
      pending = true;
      requestAnimationFrame(function () { pending = false; name(document); });
    });
    window.crmAriaObserver.observe(document.body, {childList: true, subtree: true});
  }
})();
"""


def aria_script() -> widgets.Output:
    """An invisible output that runs :data:`ARIA_JS` wherever the widget is shown live."""
    out = widgets.Output(layout=widgets.Layout(display="none"))
    out.outputs = (
        {
            "output_type": "display_data",
            "metadata": {},
            "data": {"application/javascript": ARIA_JS, "text/plain": ""},
        },
    )
    return out


def accessible(control, name: str, tip: str | None = None) -> None:
    """Give ``control`` a visible description and a tooltip: its accessible name for screen readers."""
    if hasattr(control, "description") and not getattr(control, "description", ""):
        control.description = name
    if hasattr(control, "tooltip"):
        control.tooltip = tip or name
    if hasattr(control, "description_allow_html"):
        control.description_allow_html = False


def described(kind, key: str, *, tip: bool = True, **settings):
    """A control of type ``kind`` (``widgets.FloatSlider``...) described by the catalogue.

    Its description is ``widgets.<key>`` and its tooltip ``widgets.<key>_tip`` (with
    ``tip=False``: the description itself), set by :func:`accessible`; ``settings`` go to
    ``kind`` (value, min, max, step, readout_format, style, layout...).

    Examples
    --------
    >>> import ipywidgets as widgets
    >>> s = described(widgets.IntSlider, "clv.horizon", value=10, min=1, max=50)
    >>> s.description == wtr("clv.horizon") and s.tooltip == wtr("clv.horizon_tip")
    True
    """
    name = wtr(key)
    control = kind(description=name, **settings)
    accessible(control, name, wtr(f"{key}_tip") if tip else None)
    return control


class LessonWidget(widgets.VBox):
    """Base of the book's widgets: controls, status line, figure and fixed-height table.

    Subclasses build their controls, then call :meth:`_assemble`, and implement
    :meth:`refresh` (compute from the controls and fill ``status``, ``table``, ``image``) and,
    where they hold results, :meth:`clear` (empty them when the setting is invalid).

    Attributes
    ----------
    status : ipywidgets.HTML
        One line: the reading of the result, or what to change.
    table : ipywidgets.HTML
        The result as a table, in a box of fixed height.
    image : ipywidgets.Image
        The figure as PNG (empty when the widget is built with ``draw=False``).
    valid : bool
        False while the controls make no sense together.
    message : str
        Plain text of the last problem ("" while valid).
    """

    #: catalogue key (below ``widgets.``) of the widget's title, lesson sentence and plain name
    key = ""
    #: height of the table box (fixed, so the layout does not jump)
    table_height = "230px"
    #: status line height (fixed)
    status_height = "3.2em"

    valid = True
    message = ""
    draw = False

    # ------------------------------------------------------------------ building
    def _assemble(
        self,
        controls: list,
        rows: list | None = None,
        *,
        image: bool = True,
        table: bool = True,
        image_first: bool = True,
    ) -> None:
        """Create status, table and image, lay them out under ``rows`` (default: the controls) and update."""
        self.controls = list(controls)
        self.status = widgets.HTML(layout=widgets.Layout(min_height=self.status_height, width="100%"))
        self.table = widgets.HTML(
            layout=widgets.Layout(
                height=self.table_height, overflow="auto", width="100%", border="1px solid #dddddd"
            )
        )
        self.image = widgets.Image(format="png", layout=widgets.Layout(max_width="100%", height="auto"))
        if not getattr(self, "draw", False):
            self.image.layout.display = "none"
        self._control_rows = rows if rows is not None else [widgets.VBox(self.controls)]
        parts = [*self._control_rows, self.status]
        shown = ([self.image] if image else []) + ([self.table] if table else [])
        parts += shown if image_first else shown[::-1]
        self._has_image, self._has_table = image, table
        parts.append(aria_script())
        super().__init__(parts)
        self.add_class("crm-widget")
        self.add_class(f"crm-w-{self.key}")  # found by the browser tests
        for control in self.controls:
            control.observe(self._on_change, names="value")
        self.update()

    # ------------------------------------------------------------------ updating
    def _on_change(self, _change) -> None:
        self.update()

    def update(self) -> None:
        """Recompute from the controls; an invalid setting clears figure and table and says what to change."""
        from crm_lessons.plotting import book_style

        try:
            with book_style():  # the book's look for the widget's figure, the global style untouched
                self.refresh()
        except InvalidSetting as err:
            self.valid = False
            self.message = str(err)
            self.clear()
            self.status.value = (
                f"<div role='alert' style='{STATUS_STYLE};color:{BAD}'><b>⚠ "
                f"{html.escape(wtr('invalid'))}</b> {html.escape(self.message)}</div>"
            )
            self.table.value = (
                f"<div style='padding:12px;font-size:15px;color:{MUTED}'>"
                f"{html.escape(wtr('table_hidden'))}</div>"
            )
            if self.image.value:
                self.image.value = blank_png(*png_size(self.image.value))
        else:
            self.valid = True
            self.message = ""

    def refresh(self) -> None:  # pragma: no cover - every widget implements it
        raise NotImplementedError

    def clear(self) -> None:
        """Empty the result attributes (an invalid setting has no result)."""

    def set_status(self, text_html: str) -> None:
        """Show a reading of the result (HTML, already escaped)."""
        self.status.value = f"<div style='{STATUS_STYLE}'>{text_html}</div>"

    # ------------------------------------------------------------------ static rendering
    @property
    def title(self) -> str:
        return wtr(f"{self.key}.title")

    @property
    def lesson(self) -> str:
        return wtr(f"{self.key}.lesson") if has_text(f"{self.key}.lesson") else ""

    def settings_text(self) -> str:
        """The controls' current values as one line of text."""
        parts = []
        for control in self.controls:
            desc = getattr(control, "description", "") or getattr(control, "tooltip", "")
            value = control.value
            if isinstance(value, bool):
                value = wtr("yes") if value else wtr("no")
            elif hasattr(control, "label") and isinstance(getattr(control, "label", None), str):
                value = control.label
            elif hasattr(control, "readout_format") and isinstance(value, float):
                try:
                    value = format(value, control.readout_format)
                except ValueError:
                    pass
            parts.append(f"{desc} {value}")
        return "; ".join(parts)

    def status_text(self) -> str:
        """The status line as plain text."""
        import re

        return html.unescape(re.sub(r"<[^>]+>", "", self.status.value)).strip()

    def table_frame(self) -> pd.DataFrame | None:
        """The table on show as a frame of display strings (for the static rendering)."""
        rows = table_rows(self.table.value)
        if len(rows) < 1:
            return None
        width = max(len(r) for r in rows)
        rows = [r + [""] * (width - len(r)) for r in rows]
        head, body = rows[0], rows[1:]
        names = [h or " " * (i + 1) for i, h in enumerate(head)]  # unique names for empty headers
        return pd.DataFrame(body, columns=names)

    def __repr__(self) -> str:
        return f"{type(self).__name__}: {self.title}"

    def static_text(self) -> str:
        """What a reader without a running kernel sees as text: title, settings, status and table."""
        lines = [
            f"{self.title} — {wtr('static_note')}",
            f"{wtr('settings')}: {self.settings_text()}",
            self.status_text(),
        ]
        frame = self.table_frame()
        if frame is not None:
            with pd.option_context(
                "display.width", 200, "display.max_columns", 20, "display.max_colwidth", 60
            ):
                lines.append(frame.to_string(index=False))
        return "\n".join(line for line in lines if line)

    def static_png(self) -> bytes:
        """A picture of the widget as it stands: title, settings, status, figure and table."""
        from crm_lessons.widgets._render import static_card

        return static_card(
            self.title,
            self.settings_text(),
            self.status_text(),
            self.image.value if self._has_image and self.image.value else None,
            self.table_frame() if self._has_table else None,
        )

    def _repr_mimebundle_(self, **kwargs):
        data = super()._repr_mimebundle_(**kwargs) or {}
        data = dict(data)
        data["text/plain"] = self.static_text()
        try:
            data["image/png"] = self.static_png()
        except Exception:  # a static picture must never break the live widget
            pass
        return data

    # ------------------------------------------------------------------ demo page
    def demo_view(self, lesson: str | None = None) -> widgets.Widget:
        """The widget laid out for a projector page: title and lesson on top, controls beside the plot.

        The page fills the browser window without scrolling: the plot takes the room the title
        and the controls leave (CSS ``object-fit: contain``), so it fits 1280×720 at 150 % zoom
        as well as 1920×1080. The table is left out when there is a plot.
        """
        lesson = self.lesson if lesson is None else lesson
        head = widgets.HTML(
            f"<div class='crm-demo-head'><h1>{html.escape(self.title)}</h1>"
            f"<p class='crm-demo-lesson'>{html.escape(lesson)}</p></div>",
        )
        head.add_class("crm-demo-headbox")
        if self._has_image and self.draw:
            left = widgets.VBox([*self._control_rows, self.status])
            left.add_class("crm-demo-controls")
            self.image.layout = widgets.Layout()
            self.image.add_class("crm-demo-image")
            right = widgets.Box([self.image])
            right.add_class("crm-demo-plot")
            body = widgets.HBox([left, right])
        else:
            # no figure (quizzes, glossary): the controls and the table use the whole width, in one column
            parts = [*self._control_rows, self.status]
            if self._has_table:
                self.table.layout = widgets.Layout()
                self.table.add_class("crm-demo-table")
                parts.append(self.table)
            body = widgets.VBox(parts)
            body.add_class("crm-demo-column")
        body.add_class("crm-demo-body")
        style = widgets.HBox([widgets.HTML(DEMO_CSS), aria_script()])
        style.add_class("crm-demo-style")
        page = widgets.VBox([style, head, body])
        page.add_class("crm-demo")
        page.add_class(f"crm-w-{self.key}")
        return page


#: The demo page's layout and large type (applies inside ``.crm-demo`` only). The bundled CJK
#: font is served beside the demo notebooks (``crm-lessons demo``) for browsers without one.
DEMO_CSS = """<style>
@font-face { font-family: "CRM CJK"; src: local("Noto Sans CJK SC"), local("Noto Sans SC"),
  url("/voila/files/_fonts/NotoSansCJKsc-Regular.otf") format("opentype");
  unicode-range: U+2E80-9FFF, U+F900-FAFF, U+FF00-FFEF; }
body { overflow: hidden; }
.crm-demo .crm-demo-style { display: none !important; }
.crm-demo { position: fixed; inset: 0; padding: 6px 14px; box-sizing: border-box; display: flex !important;
  flex-direction: column; font-family: "DejaVu Sans", "CRM CJK", sans-serif; font-size: max(16px, 1.05vw);
  background: white; }
.crm-demo * { font-family: inherit; }
.crm-demo .crm-demo-headbox { flex: 0 0 auto; margin: 0; }
.crm-demo h1 { font-size: max(24px, 1.6vw); margin: 0 0 2px 0; line-height: 1.2; }
.crm-demo .crm-demo-lesson { font-size: max(18px, 1.2vw); margin: 0 0 6px 0; line-height: 1.3; }
.crm-demo .crm-demo-body { flex: 1 1 0; min-height: 0; width: 100%; align-items: stretch; }
.crm-demo .crm-demo-controls { flex: 0 0 33%; min-width: 250px; max-width: 33%; overflow: hidden; }
.crm-demo .crm-demo-plot { flex: 1 1 0; min-width: 0; height: 100%; }
.crm-demo .crm-demo-image { width: 100% !important; height: 100% !important; max-width: 100% !important;
  object-fit: contain; object-position: center top; }
.crm-demo .crm-demo-table { width: 100% !important; flex: 1 1 0; min-height: 0; overflow: auto; }
.crm-demo .crm-demo-column { overflow: auto; }
.crm-demo .crm-demo-column > * { flex: 0 0 auto; }
.crm-demo .crm-demo-column .widget-html-content { white-space: normal; }
.crm-demo .crm-demo-controls .widget-hbox, .crm-demo .crm-demo-controls .widget-box {
  flex-wrap: wrap; width: 100% !important; }
.crm-demo .crm-demo-controls > .widget-box > *, .crm-demo .crm-demo-controls .widget-inline-hbox {
  width: 100% !important; max-width: 100% !important; }
.crm-demo .crm-demo-controls .widget-label { width: 38% !important; min-width: 38%; white-space: normal;
  line-height: 1.15 !important; overflow: visible; text-overflow: clip; }
.crm-demo .crm-demo-controls .widget-slider .slider-container { flex: 1 1 auto; min-width: 0; }
.crm-demo .widget-label, .crm-demo .widget-readout, .crm-demo .widget-toggle-button,
.crm-demo select, .crm-demo input, .crm-demo .widget-html-content { font-size: max(16px, 1.05vw) !important; }
.crm-demo .widget-inline-hbox, .crm-demo .widget-toggle-button, .crm-demo select, .crm-demo input {
  min-height: max(28px, 1.9vw); height: auto !important; line-height: max(28px, 1.9vw); }
.crm-demo .crm-demo-controls input, .crm-demo .crm-demo-controls select { flex: 1 1 0; min-width: 0;
  width: 0 !important; max-width: 100%; }
.crm-demo .crm-demo-controls .widget-toggle-buttons .widget-toggle-button { width: auto; padding: 0 8px; }
.crm-demo .crm-demo-controls .widget-html-content { line-height: 1.35; }
.crm-demo .noUi-handle { width: 18px !important; height: 18px !important; top: -6px !important; }
</style>"""


def text_of(language_key: str) -> dict:
    """Both languages of a widget text (for the demo index)."""
    return both(f"widgets.{language_key}")


def as_int(values) -> np.ndarray:
    """Counts as whole numbers (a count shown as 250.0 reads as a measurement)."""
    return np.asarray(values, dtype=float).round().astype(int)
