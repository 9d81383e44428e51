"""Feedback a student can use: one HTML page per student and exercise, and their release as a zip.

Each page is rendered from the gradebook's stored, settled rows (so it shows imported marks
and the late penalty, and a re-release after new marks changes nothing else). Per question it
shows the student's own answer next to what was expected; for compute questions it says what
was wrong -- which index labels are missing or unexpected, which values differ
(:func:`explain`); it lists every hint of the question, and for written answers the marks
and the instructor's comment. Everything the student controls is escaped.

``crm-lessons feedback OUT_DIR`` (:func:`feedback_main`) re-renders every page into
``OUT_DIR/feedback/`` and packs them into ``OUT_DIR/feedback.zip``, one file per student
(``<student>_<exercise>.html``), ready to hand back through the LMS.

Examples
--------
>>> ref = {"__series__": {"index": ["a", "b", "c"], "values": [1.0, 2.0, 3.0]}}
>>> got = {"__series__": {"index": ["a", "b", "x"], "values": [1.0, 2.5, 9.0]}}
>>> explain(got, ref)
['missing index labels: c', 'unexpected index labels: x', 'b: 2.5 where 2 was expected']
>>> explain(0.25, 0.2)
['0.25 where 0.2 was expected (25% too high)']
"""

from __future__ import annotations

import argparse
import functools
import html
import json
import sys
import zipfile
from pathlib import Path

from crm_lessons.grading import ledger
from crm_lessons.i18n import tr

#: Rows of a table shown in a feedback page (the rest is summarised).
SHOW_ROWS = 12
#: Differences listed per question.
SHOW_DIFFS = 6


def _fmt(v) -> str:
    if isinstance(v, float):
        return f"{v:.6g}"
    if v is None:
        return "nothing (missing)"
    return str(v)


def _num(v) -> bool:
    return isinstance(v, (int, float)) and not isinstance(v, bool)


def _same(a, b) -> bool:
    if _num(a) and _num(b):
        import math

        return math.isclose(float(a), float(b), rel_tol=1e-6, abs_tol=1e-9)
    return a == b


def _labels(items, lang: str = "en", limit=SHOW_DIFFS) -> str:
    items = [str(i) for i in items]
    more = tr("grading.explain.and_more", lang, n=len(items) - limit) if len(items) > limit else ""
    return ", ".join(items[:limit]) + more


def explain(answer, expected, lang: str = "en") -> list[str]:
    """What differs between a plain answer and the expected plain answer, in short sentences.

    ``lang`` is ``"en"`` or ``"zh"`` (the language of the feedback page).
    """
    t = functools.partial(tr, lang=lang)
    if answer is None:
        return [t("grading.explain.no_answer")]
    too_large = any(isinstance(v, dict) and "__too_large__" in v for v in (answer, expected))
    if too_large:
        return [t("grading.explain.too_large")]
    if isinstance(expected, dict) and "__series__" in expected:
        if not (isinstance(answer, dict) and "__series__" in answer):
            return [
                t("grading.explain.expected_kind", expected=_kind(expected, lang), got=_kind(answer, lang))
            ]
        ref = dict(zip(map(str, expected["__series__"]["index"]), expected["__series__"]["values"]))
        got = dict(
            zip(map(str, answer["__series__"].get("index", [])), answer["__series__"].get("values", []))
        )
        out = []
        missing = [k for k in ref if k not in got]
        extra = [k for k in got if k not in ref]
        if missing:
            out.append(t("grading.explain.missing_labels", labels=_labels(missing, lang)))
        if extra:
            out.append(t("grading.explain.extra_labels", labels=_labels(extra, lang)))
        wrong = [k for k in ref if k in got and not _same(got[k], ref[k])]
        out += [
            t("grading.explain.value", label=k, got=_fmt(got[k]), expected=_fmt(ref[k]))
            for k in wrong[:SHOW_DIFFS]
        ]
        if len(wrong) > SHOW_DIFFS:
            out.append(t("grading.explain.more_values", n=len(wrong) - SHOW_DIFFS))
        return out or [t("grading.explain.matches")]
    if isinstance(expected, dict) and "__frame__" in expected:
        if not (isinstance(answer, dict) and "__frame__" in answer):
            return [
                t("grading.explain.expected_kind", expected=_kind(expected, lang), got=_kind(answer, lang))
            ]
        rf, af = expected["__frame__"], answer["__frame__"]
        rcols, acols = [str(c) for c in rf["columns"]], [str(c) for c in af.get("columns", [])]
        rrows = {str(i): r for i, r in zip(rf["index"], rf["data"])}
        arows = {str(i): r for i, r in zip(af.get("index", []), af.get("data", []))}
        out = []
        for key, items in (
            ("missing_columns", [c for c in rcols if c not in acols]),
            ("extra_columns", [c for c in acols if c not in rcols]),
            ("missing_rows", [k for k in rrows if k not in arows]),
            ("extra_rows", [k for k in arows if k not in rrows]),
        ):
            if items:
                out.append(t(f"grading.explain.{key}", labels=_labels(items, lang)))
        wrong = []
        for key, row in rrows.items():
            if key not in arows:
                continue
            for j, c in enumerate(rcols):
                if c in acols:
                    k = acols.index(c)
                    got = arows[key][k] if k < len(arows[key]) else None
                    if not _same(got, row[j]):
                        wrong.append(
                            t("grading.explain.cell", row=key, column=c, got=_fmt(got), expected=_fmt(row[j]))
                        )
        out += wrong[:SHOW_DIFFS]
        if len(wrong) > SHOW_DIFFS:
            out.append(t("grading.explain.more_cells", n=len(wrong) - SHOW_DIFFS))
        return out or [t("grading.explain.matches")]
    if isinstance(expected, dict) and "rubric" in expected:
        return []
    is_cases = isinstance(answer, list) and answer and isinstance(answer[0], dict)
    if isinstance(expected, list) and is_cases and ("value" in answer[0] or "error" in answer[0]):
        out = []  # a function's test cases
        for i, (got, ref) in enumerate(zip(answer, expected), start=1):
            if "error" in got:
                out.append(t("grading.explain.case_raised", i=i, error=got["error"]))
            elif not _plain_equal(got.get("value"), ref):
                detail = "; ".join(explain(got.get("value"), ref, lang)[:2])
                out.append(t("grading.explain.case_wrong", i=i, detail=detail))
        return out or [t("grading.explain.matches")]
    if isinstance(expected, list) and isinstance(answer, list):  # choices ticked
        missing = [o for o in expected if o not in answer]
        extra = [o for o in answer if o not in expected]
        out = []
        if missing:
            out.append(t("grading.explain.not_ticked", labels=_labels(missing, lang)))
        if extra:
            out.append(t("grading.explain.ticked_wrong", labels=_labels(extra, lang)))
        return out or [t("grading.explain.matches")]
    if isinstance(expected, dict) and isinstance(answer, dict):  # items sorted into groups
        out = [
            t(
                "grading.explain.wrong_group",
                item=item,
                expected=group,
                got=_fmt(answer.get(item)) if answer.get(item) else t("grading.explain.no_group"),
            )
            for item, group in expected.items()
            if answer.get(item) != group
        ]
        return out or [t("grading.explain.matches")]
    if _num(expected) and _num(answer):
        if _same(answer, expected):
            return [t("grading.explain.matches")]
        text = t("grading.explain.number", got=_fmt(answer), expected=_fmt(expected))
        if expected:
            share = f"{abs(answer / expected - 1):.0%}"
            key = "grading.explain.too_high" if answer > expected else "grading.explain.too_low"
            text += t(key, share=share)
        return [text]
    if _same(answer, expected):
        return [t("grading.explain.matches")]
    return [t("grading.explain.number", got=_fmt(answer), expected=_fmt(expected))]


def _plain_equal(a, b) -> bool:
    from crm_lessons.exercises import compare_plain

    try:
        return compare_plain(a, b)[0] == 1.0
    except Exception:  # malformed plain data: not equal
        return False


def _kind(v, lang: str = "en") -> str:
    if isinstance(v, dict) and "__frame__" in v:
        return tr("grading.kind.frame", lang)
    if isinstance(v, dict) and "__series__" in v:
        return tr("grading.kind.series", lang)
    return (
        tr("grading.kind.number", lang) if _num(v) else tr("grading.kind.other", lang, name=type(v).__name__)
    )


def show_value(v, lang: str = "en", labels: dict | None = None) -> str:
    """A plain value as (escaped) HTML: a small table for a Series or frame, text otherwise.

    ``labels`` maps option, item and group texts to their labels in ``lang`` (a Chinese page
    shows the Chinese options).
    """
    e = html.escape
    labels = labels or {}

    def lab(x) -> str:
        return labels.get(x, _fmt(x)) if isinstance(x, str) else _fmt(x)

    if v is None:
        return f"<i>{e(tr('grading.feedback.no_answer', lang))}</i>"
    if isinstance(v, dict) and "__too_large__" in v:
        return f"<i>{e(tr('grading.explain.too_large', lang))} ({v['__too_large__']})</i>"
    if isinstance(v, dict) and "__series__" in v:
        idx, vals = v["__series__"].get("index", []), v["__series__"].get("values", [])
        rows = "".join(
            f"<tr><th>{e(str(i))}</th><td>{e(_fmt(x))}</td></tr>" for i, x in list(zip(idx, vals))[:SHOW_ROWS]
        )
        more = f"<tr><td colspan=2>... +{len(idx) - SHOW_ROWS}</td></tr>" if len(idx) > SHOW_ROWS else ""
        return f"<table class='v'>{rows}{more}</table>"
    if isinstance(v, dict) and "__frame__" in v:
        f = v["__frame__"]
        head = "<tr><th></th>" + "".join(f"<th>{e(str(c))}</th>" for c in f.get("columns", [])) + "</tr>"
        body = "".join(
            f"<tr><th>{e(str(i))}</th>" + "".join(f"<td>{e(_fmt(x))}</td>" for x in row) + "</tr>"
            for i, row in list(zip(f.get("index", []), f.get("data", [])))[:SHOW_ROWS]
        )
        n = len(f.get("index", []))
        more = f"<tr><td colspan=99>... +{n - SHOW_ROWS}</td></tr>" if n > SHOW_ROWS else ""
        return f"<table class='v'>{head}{body}{more}</table>"
    if isinstance(v, dict) and "rubric" in v:
        pt = e(tr("grading.feedback.point", lang))
        return "<ul>" + "".join(f"<li>{e(lab(c))} ({p:g} {pt})</li>" for c, p in v["rubric"]) + "</ul>"
    if isinstance(v, list) and v and isinstance(v[0], dict) and ("value" in v[0] or "error" in v[0]):
        cases = "".join(
            f"<li>{e('raised ' + str(c['error'])) if 'error' in c else show_value(c.get('value'), lang)}</li>"
            for c in v
        )
        return f"<ol>{cases}</ol>"
    if isinstance(v, str):
        return "<div class='text'>" + e(lab(v)).replace("\n", "<br>") + "</div>"
    if isinstance(v, dict):
        return "<ul>" + "".join(f"<li>{e(lab(k))}: {e(lab(x))}</li>" for k, x in v.items()) + "</ul>"
    if isinstance(v, list):
        return "<div class='text'>" + (e(", ".join(lab(x) for x in v)) if v else "<i>-</i>") + "</div>"
    return e(_fmt(v))


def _question_texts(exercise: str, lang: str = "en") -> dict[str, tuple[str, tuple, dict]]:
    """Question id -> (prompt, all hints, labels of options/items/groups/rubric) in ``lang``."""
    try:
        from crm_lessons.exercises import get_exercise

        questions = get_exercise(exercise).questions
    except Exception:  # an exercise no longer in the bank: the stored rows must do
        return {}
    out = {}
    for q in questions:
        labels = {}
        if lang != "en":
            for name in ("options", "items", "groups"):
                own = (q.texts.get(lang) or {}).get(name)
                if own and getattr(q, name, ()):
                    labels.update(zip(getattr(q, name), own))
            own = (q.texts.get(lang) or {}).get("rubric")
            if own and getattr(q, "rubric", ()):
                own = [c[0] if isinstance(c, (list, tuple)) else c for c in own]  # (criterion, points) pairs
                labels.update(zip((c for c, _ in q.rubric), own))
        hints = tuple(h for h in (q.text("hints", lang) if hasattr(q, "text") else q.hints) if h)
        prompt = q.text("prompt", lang) if hasattr(q, "text") else q.prompt
        out[q.id] = (prompt, hints, labels)
    return out


STYLE = (
    "body{font-family:'Noto Sans CJK SC','Noto Sans',sans-serif;font-size:16px;margin:2em;max-width:1200px}"
    "table{border-collapse:collapse}"
    "td,th{border:1px solid #ccc;padding:6px 10px;vertical-align:top;text-align:left}"
    "table.v td,table.v th{padding:2px 6px;font-size:14px}"
    ".q{margin:1.2em 0;padding:0.8em 1em;border:1px solid #ddd;"
    "border-radius:6px}.pts{float:right;font-weight:bold}.ok{color:#1a7f37}.part{color:#9a6700}.no{color:#b35900}"
    ".cols{display:flex;gap:2em;flex-wrap:wrap}.cols>div{flex:1;min-width:280px}.text{white-space:normal;"
    "background:#f6f8fa;padding:6px}"
)

#: Language of the feedback pages when the gradebook does not say (meta ``feedback_lang``).
DEFAULT_LANG = "en"


def page_lang(db, student: str | None = None, exercise: str | None = None) -> str:
    """Language of a feedback page: the gradebook's choice (``--lang``), else the edition the
    student's notebook was in, else English."""
    keys = ["feedback_lang"] + ([f"lang:{student}:{exercise}"] if student is not None else [])
    for key in keys:
        row = db.execute("SELECT value FROM meta WHERE key = ?", (key,)).fetchone()
        if row and row[0] in ("en", "zh"):
            return row[0]
    return DEFAULT_LANG


def page_html(db, student: str, exercise: str, lang: str | None = None) -> str:
    """The feedback page of one submission, from the stored rows, in ``lang`` (default: the
    gradebook's feedback language, else the edition the student worked in)."""
    e = html.escape
    lang = lang or page_lang(db, student, exercise)
    t = functools.partial(tr, lang=lang)
    subs = ledger.dict_rows(
        db.execute("SELECT * FROM submissions WHERE student = ? AND exercise = ?", (student, exercise))
    )
    if not subs:
        raise KeyError(f"student: no grade for {student!r} in exercise {exercise!r}")
    sub = subs[0]
    answers = ledger.dict_rows(
        db.execute(
            "SELECT a.*, d.answer AS answer_json, d.expected AS expected_json, m.comment AS mark_comment, "
            "m.points AS mark_points FROM answers a "
            "LEFT JOIN details d USING (student, exercise, question) "
            "LEFT JOIN marks m USING (student, exercise, question) "
            "WHERE a.student = ? AND a.exercise = ? ORDER BY a.position",
            (student, exercise),
        )
    )
    texts = _question_texts(exercise, lang)
    late = ledger.late_rows(db, student, exercise).get((student, exercise))
    name = _student_name(db, student)
    who = f"{name} ({student})" if name and name != student else student
    sub_status = sub["status"].replace(" ", "_")
    if sub_status in ("graded", "partly_run", "not_gradable"):
        sub_status = t(f"grading.submission.{sub_status}")
    else:
        sub_status = sub["status"]
    heading = t(
        "grading.feedback.heading",
        exercise=exercise,
        points=f"{sub['points']:g}",
        max_points=f"{sub['max_points']:g}",
    )
    reason = (" — " + e(sub["reason"])) if sub["reason"] else ""
    parts = [
        f"<!DOCTYPE html><html lang='{'zh-CN' if lang == 'zh' else 'en'}'><head><meta charset='utf-8'>",
        f"<title>{e(t('grading.feedback.title', student=student, exercise=exercise))}</title>",
        f"<style>{STYLE}</style></head><body><h1>{e(heading)}</h1>",
        f"<p>{e(t('grading.feedback.student'))}: {e(who)}<br>"
        f"{e(t('grading.feedback.file'))}: {e(Path(sub['file']).name)}<br>"
        f"{e(t('grading.feedback.grading'))}: {e(sub_status)}{reason}</p>",
    ]
    if late and late["days"] > 0:
        text = t(
            "grading.feedback.late",
            days=late["days"],
            deadline=late["deadline"],
            submitted=late["submitted_at"],
            raw=f"{late['raw_points']:g}",
            factor=f"{late['factor']:g}",
            points=f"{sub['points']:g}",
            penalty=f"{late['penalty']:g}",
        )
        parts.append(f"<p class='no'>{e(text)}</p>")
    parts.append(f"<p>{e(t('grading.feedback.intro'))}</p>")
    for a in answers:
        prompt, hints, labels = texts.get(a["question"], ("", (), {}))
        hints = hints or ((a["hint"],) if a["hint"] else ())
        full = a["status"] == "correct" or (a["status"] == "marked" and a["points"] == a["max_points"])
        cls = "ok" if full else ("part" if a["points"] > 0 or a["status"] == "to mark" else "no")
        status = a["status"].replace(" ", "_")
        shown = t(f"grading.status.{status}") if status in _STATUSES else a["status"]
        answer, expected = ledger.load(a["answer_json"]), ledger.load(a["expected_json"])
        why = (": " + e(_reason(a["reason"], lang))) if a["reason"] not in ("", "correct") else ""
        parts.append(
            f"<div class='q'><span class='pts {cls}'>{a['points']:g} / {a['max_points']:g}</span>"
            f"<h3>{e(a['question'])}</h3><p>{e(prompt)}</p>"
            f"<p class='{cls}'>{e(shown)}{why}</p>"
        )
        right = "rubric" if a["source"] == "written" else "expected"
        parts.append(
            f"<div class='cols'><div><b>{e(t('grading.feedback.your_answer'))}</b>"
            + show_value(answer, lang, labels)
            + f"</div><div><b>{e(t('grading.feedback.' + right))}</b>"
            + show_value(expected, lang, labels)
            + "</div></div>"
        )
        if a["source"] == "written":
            if a["mark_points"] is not None and a["status"] == "marked":
                marks = t(
                    "grading.feedback.marks", points=f"{a['points']:g}", max_points=f"{a['max_points']:g}"
                )
                comment = (
                    f" <b>{e(t('grading.feedback.comment'))}</b> {e(a['mark_comment'])}"
                    if a["mark_comment"]
                    else ""
                )
                parts.append(f"<p><b>{e(marks)}</b>{comment}</p>")
        elif a["status"] != "correct" and answer is not None and expected is not None:
            diffs = explain(answer, expected, lang)
            if diffs:
                items = "".join(f"<li>{e(d)}</li>" for d in diffs)
                parts.append(f"<p><b>{e(t('grading.feedback.what_was_wrong'))}</b></p><ul>{items}</ul>")
        if hints:
            items = "".join(f"<li>{e(h)}</li>" for h in hints)
            parts.append(f"<p><b>{e(t('grading.feedback.hints'))}</b></p><ol>{items}</ol>")
        parts.append("</div>")
    parts.append("</body></html>\n")
    return "".join(parts)


def _reason(text: str, lang: str) -> str:
    """The scoring code's reason in ``lang`` (the exercises' own translation; unknown parts stay)."""
    try:
        from crm_lessons.exercises import _reason as translate
    except ImportError:  # an older exercises module: English it is
        return text
    return translate(text, lang)


def _student_name(db, student: str) -> str:
    """The student's name as the roster gave it (the grader's ``students`` table), or ""."""
    try:
        row = db.execute("SELECT name FROM students WHERE student = ?", (student,)).fetchone()
    except Exception:  # a gradebook without a students table
        return ""
    return row[0] if row and row[0] else ""


_STATUSES = ("correct", "partial", "wrong", "unanswered", "to_mark", "marked", "error")


def page_name(student: str, exercise: str) -> str:
    """``<student>_<exercise>.html``, with the student id made file-name safe (any script kept;
    no ``/``, bounded length: see :func:`crm_lessons.grading.roster.safe_filename`)."""
    from crm_lessons.grading.roster import safe_filename

    return f"{safe_filename(student)}_{safe_filename(exercise, 40)}.html"


def write_page(book, student: str, exercise: str, lang: str | None = None) -> Path:
    """Write ``feedback/<student>_<exercise>.html`` of a :class:`~.gradebook.Gradebook`."""
    folder = Path(book.out_dir) / "feedback"
    folder.mkdir(exist_ok=True)
    path = folder / page_name(student, exercise)
    tmp = path.with_suffix(".html.tmp")
    tmp.write_text(page_html(book.db, student, exercise, lang), encoding="utf-8")
    tmp.replace(path)
    return path


def release(out_dir, zip_path=None, students=None, lang: str | None = None) -> tuple[list[Path], Path]:
    """Re-render every feedback page of ``out_dir`` and pack them into a zip; (pages, zip).

    ``lang`` ("en" or "zh") becomes the gradebook's feedback language: pages written later
    (after marks are imported, say) follow it.
    """
    from crm_lessons.grading.gradebook import Gradebook

    out = Path(out_dir)
    if not (out / "gradebook.sqlite").exists():
        raise FileNotFoundError(f"out_dir: no gradebook.sqlite in {out}; run crm-lessons grade first")
    if lang is not None and lang not in ("en", "zh"):
        raise ValueError(f"lang: {lang!r} is not a language of the course; use en or zh")
    book = Gradebook(out)
    try:
        if lang is not None:
            book.set_meta("feedback_lang", lang)
        keys = [(r["student"], r["exercise"]) for r in book.rows()]
        if students:
            keys = [k for k in keys if k[0] in set(students)]
        pages = [write_page(book, s, x) for s, x in keys]
    finally:
        book.close()
    zip_path = Path(zip_path) if zip_path else out / "feedback.zip"
    tmp = zip_path.with_suffix(".zip.tmp")
    with zipfile.ZipFile(tmp, "w", compression=zipfile.ZIP_DEFLATED) as z:
        for p in pages:
            z.write(p, arcname=p.name)
        index = {"pages": {page_name(s, x): {"student": s, "exercise": x} for s, x in keys}}
        z.writestr("index.json", json.dumps(index, ensure_ascii=False, indent=1))
    tmp.replace(zip_path)
    return pages, zip_path


def feedback_main(argv: list[str] | None = None) -> int:
    """``crm-lessons feedback OUT_DIR [--lang en|zh] [--zip FILE] [--student ID ...]``."""
    parser = argparse.ArgumentParser(
        prog="crm-lessons feedback",
        description="Release feedback: one HTML page per student and exercise, plus one zip of them all.",
        epilog="example: crm-lessons feedback graded/ch01 --lang zh --zip ch01_feedback.zip",
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("out_dir", help="the grader's output folder (holds gradebook.sqlite)")
    parser.add_argument("--lang", choices=["en", "zh"], help="language of the pages (kept for later pages)")
    parser.add_argument("--zip", help="zip file to write (default OUT_DIR/feedback.zip)")
    parser.add_argument("--student", action="append", help="only this student (repeat for more)")
    args = parser.parse_args(argv)
    try:
        pages, zip_path = release(args.out_dir, args.zip, args.student, args.lang)
    except (FileNotFoundError, ValueError) as exc:
        print(f"crm-lessons feedback: {exc}", file=sys.stderr)
        return 2
    print(f"{len(pages)} feedback page(s) in {Path(args.out_dir) / 'feedback'}/; all of them in {zip_path}")
    return 0
