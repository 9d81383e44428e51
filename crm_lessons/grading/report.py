"""The class report: what an instructor opens after grading to decide what to re-teach.

``crm-lessons report GRADEBOOK OUT_DIR`` (:func:`report_main`) reads a gradebook (the grader's
output folder or its ``gradebook.sqlite``) and writes ``OUT_DIR/report.html``, one
self-contained page (figures embedded as PNG) with

* a summary per exercise: submissions, mean / median / lowest / highest percent, full marks,
  not gradable, partly run, written answers still to mark;
* the score distribution per exercise (histogram of percent of the points);
* the success rate per question: mean share of the points earned, questions below 50 %
  listed first under "re-teach first";
* the most common wrong answers per question (identical answers counted together, with the
  grader's reason) and the most common reasons for no answer (for example "cell 12 raised
  KeyError");
* the submissions that could not be graded or ran only partly, and why.

The numbers come from :func:`class_tables` (pandas frames, testable without the page).
"""

from __future__ import annotations

import argparse
import base64
import functools
import html
import io
import json
import sqlite3
import sys
from pathlib import Path

import pandas as pd

from crm_lessons.i18n import tr

#: Most common wrong answers listed per question.
TOP_WRONG = 3


def _db_path(gradebook) -> Path:
    p = Path(gradebook)
    if p.is_dir():
        p = p / "gradebook.sqlite"
    if not p.exists():
        raise FileNotFoundError(
            f"gradebook: {p} does not exist; give the grader's output folder or its gradebook.sqlite"
        )
    return p


def load_frames(gradebook) -> tuple[pd.DataFrame, pd.DataFrame]:
    """(submissions, answers) of a gradebook; answers carry the stored answer JSON."""
    with sqlite3.connect(f"file:{_db_path(gradebook)}?mode=ro", uri=True) as db:
        subs = pd.read_sql_query("SELECT * FROM submissions", db)
        try:
            answers = pd.read_sql_query(
                "SELECT a.*, d.answer AS answer_json FROM answers a "
                "LEFT JOIN details d USING (student, exercise, question)",
                db,
            )
        except Exception:  # a gradebook written before answers were kept
            answers = pd.read_sql_query("SELECT *, NULL AS answer_json FROM answers", db)
    return subs, answers


def short_answer(text: str | None, limit: int = 80) -> str:
    """A one-line rendering of a stored plain answer.

    Examples
    --------
    >>> short_answer('{"__series__": {"index": ["a", "b"], "values": [1.5, 2]}}')
    'Series a=1.5, b=2'
    >>> short_answer('0.3333333333')
    '0.333333'
    """
    if text is None:
        return "(none)"
    try:
        v = json.loads(text)
    except ValueError:
        return text[:limit]
    if isinstance(v, dict) and "__series__" in v:
        s = v["__series__"]
        parts = [
            f"{i}={x:.6g}" if isinstance(x, float) else f"{i}={x}"
            for i, x in zip(s.get("index", []), s.get("values", []))
        ]
        out = "Series " + ", ".join(parts)
    elif isinstance(v, dict) and "__frame__" in v:
        f = v["__frame__"]
        out = f"DataFrame {len(f.get('index', []))} rows × {len(f.get('columns', []))} columns: " + ", ".join(
            map(str, f.get("columns", []))
        )
    elif isinstance(v, float):
        out = f"{v:.6g}"
    elif isinstance(v, str):
        out = " ".join(v.split())
    elif isinstance(v, list) and v and isinstance(v[0], dict) and ("value" in v[0] or "error" in v[0]):
        bad = [c.get("error") for c in v if "error" in c]
        out = (
            f"function: raised {bad[0]}"
            if bad
            else "function: " + "; ".join(short_answer(json.dumps(c.get("value")), 30) for c in v)
        )
    else:
        out = json.dumps(v, ensure_ascii=False)
    return out if len(out) <= limit else out[: limit - 1] + "…"


def class_tables(gradebook) -> dict[str, pd.DataFrame]:
    """The report's numbers: ``summary``, ``questions``, ``wrong``, ``no_answer``, ``problems``."""
    subs, answers = load_frames(gradebook)
    graded = subs[subs["max_points"] > 0].copy()
    graded["percent"] = 100 * graded["points"] / graded["max_points"]
    to_mark = answers[answers["status"] == "to mark"].groupby("exercise").size()
    rows = []
    for ex, g in graded.groupby("exercise"):
        rows.append(
            {
                "exercise": ex,
                "submissions": int((subs["exercise"] == ex).sum()),
                "mean_percent": round(g["percent"].mean(), 1),
                "median_percent": round(g["percent"].median(), 1),
                "min_percent": round(g["percent"].min(), 1),
                "max_percent": round(g["percent"].max(), 1),
                "full_marks": int((g["points"] >= g["max_points"]).sum()),
                "not_gradable": int(((subs["exercise"] == ex) & (subs["status"] == "not gradable")).sum()),
                "partly_run": int(((subs["exercise"] == ex) & (subs["status"] == "partly run")).sum()),
                "to_mark": int(to_mark.get(ex, 0)),
            }
        )
    ungraded_unknown = int(((subs["status"] == "not gradable") & (subs["max_points"] == 0)).sum())
    summary = pd.DataFrame(rows, columns=list(SUMMARY_COLUMNS))
    if ungraded_unknown and "?" not in set(summary["exercise"]):
        summary.loc[len(summary)] = ["?", ungraded_unknown, None, None, None, None, 0, ungraded_unknown, 0, 0]

    a = answers.copy()
    a["share"] = a["points"] / a["max_points"].where(a["max_points"] > 0)
    # full points: right, or a written answer marked at its maximum
    a["full"] = (a["status"] == "correct") | ((a["status"] == "marked") & (a["points"] >= a["max_points"]))
    q = (
        a.groupby(["exercise", "question"], sort=False)
        .agg(
            answers=("student", "size"),
            success_rate=("share", "mean"),
            correct=("full", "sum"),
            unanswered=("status", lambda s: int((s == "unanswered").sum())),
            to_mark=("status", lambda s: int((s == "to mark").sum())),
            max_points=("max_points", "max"),
        )
        .reset_index()
    )
    order = a.groupby(["exercise", "question"], sort=False)["position"].min().reset_index()
    q = (
        q.merge(order, on=["exercise", "question"])
        .sort_values(["exercise", "position"])
        .drop(columns="position")
    )
    q["success_rate"] = q["success_rate"].round(3)

    wrong_rows = []
    bad = a[a["status"].isin(["wrong", "partial"]) & a["answer_json"].notna()]
    for (ex, qid), g in bad.groupby(["exercise", "question"], sort=False):
        counts = g.groupby("answer_json").agg(
            count=("student", "size"), reason=("reason", lambda r: r.mode().iat[0])
        )
        counts = counts.sort_values("count", ascending=False, kind="stable").head(TOP_WRONG)
        for text, r in counts.iterrows():
            wrong_rows.append(
                {
                    "exercise": ex,
                    "question": qid,
                    "answer": short_answer(text),
                    "count": int(r["count"]),
                    "share_of_wrong": round(r["count"] / len(g), 3),
                    "reason": r["reason"],
                }
            )
    wrong = pd.DataFrame(
        wrong_rows, columns=["exercise", "question", "answer", "count", "share_of_wrong", "reason"]
    )

    none = a[a["status"] == "unanswered"]
    no_answer = (
        none.groupby(["exercise", "question", "reason"])
        .size()
        .rename("count")
        .reset_index()
        .sort_values(["exercise", "question", "count"], ascending=[True, True, False])
    )
    problems = (
        subs[subs["status"].isin(["not gradable", "partly run"]) | (subs["reason"] != "")][
            ["student", "exercise", "status", "reason", "file"]
        ]
        .sort_values(["status", "student"])
        .reset_index(drop=True)
    )
    problems["file"] = problems["file"].map(lambda f: Path(f).name)
    return {
        "summary": summary,
        "questions": q.reset_index(drop=True),
        "wrong": wrong.reset_index(drop=True),
        "no_answer": no_answer.reset_index(drop=True),
        "problems": problems,
    }


def _png(fig) -> str:
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=100, bbox_inches="tight")
    import matplotlib.pyplot as plt

    plt.close(fig)
    return "<img alt='figure' src='data:image/png;base64," + base64.b64encode(buf.getvalue()).decode() + "'>"


#: Columns of the per-exercise summary (``summary`` of :func:`class_tables`), the first of :data:`COLUMNS`.
SUMMARY_COLUMNS = (
    "exercise",
    "submissions",
    "mean_percent",
    "median_percent",
    "min_percent",
    "max_percent",
    "full_marks",
    "not_gradable",
    "partly_run",
    "to_mark",
)

#: Code names of the report's columns, in the order of ``grading.report.columns`` in the catalogue.
COLUMNS = (
    *SUMMARY_COLUMNS,
    "question",
    "answers",
    "success_rate",
    "correct",
    "unanswered",
    "max_points",
    "answer",
    "count",
    "share_of_wrong",
    "reason",
    "student",
    "status",
    "file",
)


def column_labels(lang: str = "en") -> dict[str, str]:
    """Code column name -> its header in ``lang``."""
    return dict(zip(COLUMNS, (c.strip() for c in tr("grading.report.columns", lang).split(","))))


def figures(gradebook, tables: dict | None = None, lang: str = "en") -> dict[str, str]:
    """The report's figures as <img> tags: ``distribution`` and ``success``, labelled in ``lang``."""
    import matplotlib
    import matplotlib.ticker

    matplotlib.use("Agg", force=False)
    import matplotlib.pyplot as plt

    from crm_lessons.i18n import font_rc, register_cjk_font

    register_cjk_font()
    t = functools.partial(tr, lang=lang)
    tables = tables or class_tables(gradebook)
    subs, _ = load_frames(gradebook)
    graded = subs[subs["max_points"] > 0].copy()
    graded["percent"] = 100 * graded["points"] / graded["max_points"]
    out = {}
    exercises = sorted(graded["exercise"].unique())
    with matplotlib.rc_context(font_rc(lang)):
        if exercises:
            fig, axes = plt.subplots(
                1, len(exercises), figsize=(3.6 * len(exercises), 3), squeeze=False, sharey=True
            )
            for ax, ex in zip(axes[0], exercises):
                ax.hist(
                    graded.loc[graded["exercise"] == ex, "percent"],
                    bins=range(0, 101, 10),
                    color="#4c72b0",
                    edgecolor="white",
                )
                ax.set_title(t("grading.report.fig_distribution", exercise=ex))
                ax.set_xlabel(t("grading.report.fig_percent"))
            axes[0][0].set_ylabel(t("grading.report.fig_submissions"))
            axes[0][0].yaxis.set_major_locator(matplotlib.ticker.MaxNLocator(integer=True))
            out["distribution"] = _png(fig)
        q = tables["questions"]
        if len(q):
            fig, ax = plt.subplots(figsize=(max(6, 0.45 * len(q)), 3.2))
            labels = [f"{e}:{i}" for e, i in zip(q["exercise"], q["question"])]
            rates = q["success_rate"].fillna(0) * 100
            ax.bar(labels, rates, color=["#c44e52" if r < 50 else "#55a868" for r in rates])
            ax.axhline(50, color="#555", lw=0.8, ls="--")
            ax.set_ylim(0, 100)
            ax.set_ylabel(t("grading.report.fig_earned"))
            ax.set_title(t("grading.report.fig_success"))
            ax.tick_params(axis="x", rotation=60)
            out["success"] = _png(fig)
    return out


def _table(frame: pd.DataFrame, lang: str = "en") -> str:
    if frame.empty:
        return f"<p><i>{html.escape(tr('grading.report.none', lang))}</i></p>"
    shown = frame.rename(columns=column_labels(lang))
    return shown.to_html(index=False, escape=True, na_rep="", border=0, classes="t")


def report_html(gradebook, lang: str = "en") -> str:
    """The report page in ``lang`` ("en" or "zh"); tables keep the student-given text as written."""
    if lang not in ("en", "zh"):
        raise ValueError(f"lang: {lang!r} is not a language of the course; use en or zh")
    tables = class_tables(gradebook)
    figs = figures(gradebook, tables, lang)
    q = tables["questions"]
    reteach = q[q["success_rate"] < 0.5].sort_values("success_rate")
    e = html.escape
    t = functools.partial(tr, lang=lang)
    parts = [
        f"<!DOCTYPE html><html lang='{'zh-CN' if lang == 'zh' else 'en'}'><head><meta charset='utf-8'>"
        f"<title>{e(t('grading.report.title'))}</title><style>"
        "body{font-family:'Noto Sans CJK SC','Noto Sans',sans-serif;margin:2em;max-width:1400px}"
        "table.t{border-collapse:collapse;margin:0.5em 0}table.t td,table.t th{border:1px solid #ccc;"
        "padding:4px 8px;text-align:left;vertical-align:top}</style></head><body>",
        f"<h1>{e(t('grading.report.title'))}</h1>"
        f"<p>{e(t('grading.report.intro', name=_db_path(gradebook).name))}</p>",
        f"<h2>{e(t('grading.report.summary'))}</h2>",
        _table(tables["summary"], lang),
        f"<h2>{e(t('grading.report.distribution'))}</h2>",
        figs.get("distribution", f"<p><i>{e(t('grading.report.no_graded'))}</i></p>"),
        f"<h2>{e(t('grading.report.success'))}</h2>",
        figs.get("success", ""),
        f"<h3>{e(t('grading.report.reteach'))}</h3>",
        _table(reteach, lang),
        f"<h3>{e(t('grading.report.all_questions'))}</h3>",
        _table(q, lang),
        f"<h2>{e(t('grading.report.wrong'))}</h2><p>{e(t('grading.report.wrong_note'))}</p>",
        _table(tables["wrong"], lang),
        f"<h2>{e(t('grading.report.no_answer'))}</h2>",
        _table(tables["no_answer"], lang),
        f"<h2>{e(t('grading.report.problems'))}</h2>",
        _table(tables["problems"], lang),
        "</body></html>\n",
    ]
    return "".join(parts)


def write_report(gradebook, out_dir, lang: str = "en") -> Path:
    """``OUT_DIR/report.html`` (in ``lang``) and the tables as ``report_<name>.csv`` (code column names)."""
    page = report_html(gradebook, lang)
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    path = out / "report.html"
    path.write_text(page, encoding="utf-8")
    for name, frame in class_tables(gradebook).items():
        frame.to_csv(out / f"report_{name}.csv", index=False)
    return path


def report_main(argv: list[str] | None = None) -> int:
    """``crm-lessons report GRADEBOOK OUT_DIR``."""
    parser = argparse.ArgumentParser(
        prog="crm-lessons report",
        description="Class report: score distribution, success rate per question, common wrong answers, "
        "submissions not gradable and why (HTML with figures, plus the tables as CSV).",
        epilog="example: crm-lessons report graded/ch01 reports/ch01 --lang zh\n"
        "         (then open reports/ch01/report.html)",
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("gradebook", help="the grader's output folder, or its gradebook.sqlite")
    parser.add_argument("out_dir", help="folder for report.html and report_*.csv")
    parser.add_argument(
        "--lang", choices=["en", "zh"], default="en", help="language of the page (default en)"
    )
    args = parser.parse_args(argv)
    try:
        path = write_report(args.gradebook, args.out_dir, args.lang)
    except (FileNotFoundError, ValueError) as exc:
        print(f"crm-lessons report: {exc}", file=sys.stderr)
        return 2
    print(f"class report: {path}")
    return 0
