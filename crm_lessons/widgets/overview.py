"""Chapter 1 quiz widgets: sort activities into the three types of CRM, diagnose failing projects.

Each item gets a drop-down; every change re-checks the answers with
:func:`crm_lessons.overview.check_crm_type` (or :func:`~crm_lessons.overview.check_failure_reason`)
and shows the feedback, so the whole quiz can be played and checked without a browser:

>>> from crm_lessons.widgets.overview import CRMTypeQuiz
>>> q = CRMTypeQuiz()
>>> q.choices[1].value = "operational"
>>> q.choices[2].value = "analytical"
>>> q.score.value
'1 of 2 answered correctly (12 items).'
>>> q.result["correct"].tolist()
[True, False]
"""

from __future__ import annotations

import html

import ipywidgets as widgets
import pandas as pd

from crm_lessons import overview
from crm_lessons.widgets._base import BAD, GOOD, LessonWidget, accessible, name_text, wtr

_UNANSWERED = "—"


class _Quiz(LessonWidget):
    """A list of items, one drop-down each, with feedback per item and a score line."""

    table_height = "0px"

    def __init__(self, items: pd.DataFrame, text_column: str, options: list[str], check, group: str):
        self._check = check
        self.items = items
        self._options = options
        self._group = group
        self.choices: dict[int, widgets.Dropdown] = {}
        self.feedback: dict[int, widgets.HTML] = {}
        rows = []
        for item, text in zip(items["item"], items[text_column]):
            dd = widgets.Dropdown(
                options=[(wtr("quiz.choose"), _UNANSWERED), *[(name_text(group, o), o) for o in options]],
                value=_UNANSWERED,
                layout=widgets.Layout(width="230px"),
            )
            # the description is the drop-down's accessible name (its <label>); kept out of sight,
            # as the item's text stands beside it
            dd.description = wtr("quiz.answer_for", item=int(item))
            dd.style = {"description_width": "0px"}
            accessible(dd, dd.description)
            fb = widgets.HTML()
            self.choices[int(item)] = dd
            self.feedback[int(item)] = fb
            label = widgets.HTML(
                f"<span style='font-size:15px'><b>{item}.</b> {html.escape(str(text))}</span>",
                layout=widgets.Layout(width="560px"),
            )
            rows.append(widgets.VBox([widgets.HBox([label, dd]), fb]))
        self.score = widgets.Label()
        self.result = pd.DataFrame(columns=["item", "answer", "expected", "correct"])
        self._texts = dict(zip(items["item"].astype(int), items[text_column].astype(str)))
        # the score is shown in the status line (``score`` keeps the plain text)
        self._assemble(list(self.choices.values()), rows, image=False, table=False)

    def refresh(self) -> None:
        """Re-check every answered item and refresh the feedback and the score."""
        rows = []
        for item, dd in self.choices.items():
            if dd.value == _UNANSWERED:
                self.feedback[item].value = ""
                continue
            r = self._check(item, dd.value)
            colour, mark = (GOOD, "✓") if r.correct else (BAD, "✗")
            text = f"{mark} {html.escape(str(r))}"
            self.feedback[item].value = f"<span style='color:{colour};font-size:14px'>{text}</span>"
            rows.append((item, r.answer, r.expected, r.correct))
        self.result = pd.DataFrame(rows, columns=["item", "answer", "expected", "correct"])
        n = len(self.result)
        self.score.value = wtr(
            "quiz.score", k=int(self.result["correct"].sum()), n=n, total=len(self.choices)
        )
        self.set_status(html.escape(self.score.value))

    def settings_text(self) -> str:
        return wtr("quiz.options", options=" / ".join(name_text(self._group, o) for o in self._options))

    def table_frame(self) -> pd.DataFrame:
        """The items with the answer chosen so far (for the static rendering)."""
        return pd.DataFrame(
            {
                "#": list(self.choices),
                wtr("quiz.item"): [self._texts[i] for i in self.choices],
                wtr("quiz.answer"): [
                    name_text(self._group, dd.value) if dd.value != _UNANSWERED else ""
                    for dd in self.choices.values()
                ],
            }
        )

    def static_png(self) -> bytes:
        from crm_lessons.widgets._render import static_card

        return static_card(
            self.title,
            self.settings_text(),
            self.status_text(),
            None,
            self.table_frame(),
            max_rows=len(self.choices),
        )


class CRMTypeQuiz(_Quiz):
    """Sort the activities of :func:`crm_lessons.overview.crm_type_quiz` into operational,
    collaborative and analytical CRM.

    Attributes
    ----------
    choices : dict of int -> ipywidgets.Dropdown
        One drop-down per item number.
    feedback : dict of int -> ipywidgets.HTML
        The explanation shown under each answered item.
    score : ipywidgets.Label
    result : pandas.DataFrame
        ``item``, ``answer``, ``expected``, ``correct`` for the answered items.
    """

    key = "quiz_type"

    def __init__(self):
        super().__init__(
            overview.crm_type_quiz(),
            "activity",
            list(overview.CRM_TYPES),
            overview.check_crm_type,
            "crm_type",
        )


class FailureQuiz(_Quiz):
    """Name the reason each project story of :func:`crm_lessons.overview.failure_quiz` is failing.

    Examples
    --------
    >>> from crm_lessons.widgets.overview import FailureQuiz
    >>> q = FailureQuiz()
    >>> q.choices[4].value = "no test and learn"
    >>> q.score.value
    '1 of 1 answered correctly (8 items).'
    """

    key = "quiz_failure"

    def __init__(self):
        super().__init__(
            overview.failure_quiz(),
            "story",
            list(overview.FAILURE_REASONS),
            overview.check_failure_reason,
            "failure",
        )
