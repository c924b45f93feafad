"""Grades out of the gradebook: nbgrader's grades CSV, a per-question scores CSV, and the cohort
report (per-question difficulty, per-learner totals, repairs, a figure with alt text) as one
self-contained HTML file that works offline.
"""

from __future__ import annotations

import base64
import html
import io
from pathlib import Path

import pandas as pd

from .course import Course
from .messages import question_of
from .repair import Repair

__all__ = ["score_table", "export_grades", "grade_rows", "GRADE_COLUMNS", "NOT_SUBMITTED", "difficulty", "learner_totals", "cohort_report", "difficulty_figure",
           "OKABE_ITO_ORDER"]

#: Okabe & Ito (2008) colour-blind-safe palette, one colour per assignment (black last).
OKABE_ITO_ORDER = ["#0072B2", "#E69F00", "#009E73", "#D55E00", "#56B4E9", "#CC79A7", "#F0E442", "#000000"]


def score_table(course: Course) -> pd.DataFrame:
    """One row per (learner, assignment, notebook, graded cell): score, max, auto or written,
    whether it still needs a person to mark it, and whether the notebook is flagged."""
    from nbgrader.api import Gradebook

    rows = []
    with Gradebook(course.db_url, course.course_id) as gb:
        for a in gb.assignments:
            for sub in a.submissions:
                for nb in sub.notebooks:
                    for g in nb.grades:
                        written = g.cell_type == "markdown"
                        rows.append({
                            "student": sub.student.id, "assignment": a.name, "notebook": nb.name,
                            "cell": g.name, "question": question_of(g.name),
                            "kind": "written" if written else "auto",
                            "score": float(g.score or 0.0), "max_score": float(g.max_score),
                            "needs_marking": bool(g.needs_manual_grade and (written or g.auto_score is None)),
                            "flagged": bool(nb.flagged),
                        })
    cols = ["student", "assignment", "notebook", "cell", "question", "kind", "score", "max_score", "needs_marking",
            "flagged"]
    return pd.DataFrame(rows, columns=cols)


#: ``grades.csv``: nbgrader's CSV export columns, then ``status``.
GRADE_COLUMNS = ["assignment", "duedate", "timestamp", "student_id", "last_name", "first_name", "email",
                 "raw_score", "late_submission_penalty", "score", "max_score", "status"]
NOT_SUBMITTED = "not submitted"


def grade_rows(course: Course) -> list[dict]:
    """One row per learner and assignment of the gradebook, as nbgrader's CSV export writes them,
    with a ``status``: ``submitted`` or ``not submitted``. nbgrader's export gives a learner who
    never handed an assignment in a score of 0, which reads (and imports into an LMS) as a
    zero mark; here such a row has no score and says ``not submitted``."""
    from nbgrader.api import Gradebook, MissingEntry

    rows = []
    with Gradebook(course.db_url, course.course_id) as gb:
        for a in gb.assignments:
            for st in gb.students:
                row = {"assignment": a.name, "duedate": a.duedate or "", "student_id": st.id,
                       "last_name": st.last_name or "", "first_name": st.first_name or "", "email": st.email or "",
                       "max_score": a.max_score}
                try:
                    sub = gb.find_submission(a.name, st.id)
                except MissingEntry:
                    row.update(timestamp="", raw_score="", late_submission_penalty="", score="", status=NOT_SUBMITTED)
                else:
                    penalty = sub.late_submission_penalty or 0.0
                    row.update(timestamp=sub.timestamp or "", raw_score=sub.score, late_submission_penalty=penalty,
                               score=max(0.0, sub.score - penalty), status="submitted")
                rows.append(row)
    return rows


def export_grades(course: Course, folder: Path) -> tuple[Path, Path]:
    """``grades.csv`` (nbgrader's CSV export columns, one row per learner and assignment, plus a
    ``status`` column: an assignment never handed in is ``not submitted``, with no score) and
    ``scores.csv`` (one row per learner and graded cell)."""
    import csv

    folder.mkdir(parents=True, exist_ok=True)
    grades = folder / "grades.csv"
    with open(grades, "w", newline="", encoding="utf-8") as f:
        w = csv.DictWriter(f, fieldnames=GRADE_COLUMNS)
        w.writeheader()
        w.writerows(grade_rows(course))
    scores = folder / "scores.csv"
    score_table(course).to_csv(scores, index=False)
    return grades, scores


def difficulty(scores: pd.DataFrame) -> pd.DataFrame:
    """Per auto-graded question: learners, mean score, max, facility (mean / max) and the share
    of learners with full marks. Lower facility = harder."""
    auto = scores[scores.kind == "auto"]
    if auto.empty:
        return pd.DataFrame(columns=["assignment", "question", "learners", "mean", "max_score", "facility", "full_marks"])
    per = auto.groupby(["assignment", "question", "student"], as_index=False)[["score", "max_score"]].sum()
    g = per.groupby(["assignment", "question"])
    out = pd.DataFrame({
        "learners": g.student.nunique(),
        "mean": g.score.mean(),
        "max_score": g.max_score.max(),
        "full_marks": g.apply(lambda d: float((d.score >= d.max_score - 1e-9).mean()), include_groups=False),
    }).reset_index()
    out["facility"] = out["mean"] / out["max_score"]
    return out[["assignment", "question", "learners", "mean", "max_score", "facility", "full_marks"]]


def learner_totals(scores: pd.DataFrame) -> pd.DataFrame:
    """Per learner and assignment: auto-graded score and max, written score so far, and how many
    written answers still wait for marking."""
    if scores.empty:
        return pd.DataFrame(columns=["student", "assignment", "auto", "auto_max", "written", "written_max",
                                     "to_mark", "flagged"])
    def agg(d):
        a, w = d[d.kind == "auto"], d[d.kind == "written"]
        return pd.Series({"auto": a.score.sum(), "auto_max": a.max_score.sum(), "written": w.score.sum(),
                          "written_max": w.max_score.sum(), "to_mark": int(w.needs_marking.sum()),
                          "flagged": bool(d.flagged.any())})
    return scores.groupby(["student", "assignment"]).apply(agg, include_groups=False).reset_index()


def difficulty_figure(diff: pd.DataFrame):
    """Horizontal bars of each question's facility, coloured by assignment (Okabe–Ito), hardest
    at the top. Returns ``(figure, alt text)``."""
    import matplotlib

    matplotlib.use("Agg", force=False)
    from matplotlib.figure import Figure
    from matplotlib.patches import Patch

    d = diff.sort_values(["facility", "assignment", "question"], ascending=[True, True, True]).reset_index(drop=True)
    assignments = sorted(d.assignment.unique())
    colour = {a: OKABE_ITO_ORDER[i % len(OKABE_ITO_ORDER)] for i, a in enumerate(assignments)}
    hatches = {a: ("" if i < len(OKABE_ITO_ORDER) else "//") for i, a in enumerate(assignments)}
    height = max(2.5, 0.32 * len(d) + 1.4)
    fig = Figure(figsize=(7.5, height), dpi=100)
    ax = fig.subplots()
    labels = [f"{a} {q}" for a, q in zip(d.assignment, d.question)]
    ax.barh(range(len(d)), 100 * d.facility, color=[colour[a] for a in d.assignment],
            hatch=None, edgecolor="white")
    for i, (f, full) in enumerate(zip(d.facility, d.full_marks)):
        ax.text(min(100 * f + 1, 92), i, f"{100 * f:.0f}%", va="center", fontsize=8)
    ax.set_yticks(range(len(d)), labels, fontsize=8)
    ax.invert_yaxis()
    ax.set_xlim(0, 100)
    ax.set_xlabel("mean score as a share of the question's points (facility)")
    if len(d):
        hard, easy = d.iloc[0], d.iloc[-1]
        title = (f"Hardest: {hard.assignment} {hard.question} ({100 * hard.facility:.0f}% of points); "
                 f"easiest: {easy.assignment} {easy.question} ({100 * easy.facility:.0f}%)")
    else:
        title = "No auto-graded answers yet"
    ax.set_title(title, fontsize=10, loc="left")
    ax.legend(handles=[Patch(color=colour[a], label=a) for a in assignments], fontsize=7, loc="lower right",
              frameon=True)
    ax.grid(axis="x", alpha=0.3)
    fig.tight_layout()
    if len(d):
        low = ", ".join(f"{r.assignment} {r.question} {100 * r.facility:.0f}%" for r in d.head(3).itertuples())
        alt = (f"Bar chart of {len(d)} auto-graded questions, one bar each, sorted from hardest to easiest by the "
               f"mean share of points learners scored. The three hardest: {low}. The easiest is {easy.assignment} "
               f"{easy.question} at {100 * easy.facility:.0f}%. Colours mark the assignment.")
    else:
        alt = "An empty chart: no auto-graded answers yet."
    return fig, alt


def _png(fig) -> str:
    buf = io.BytesIO()
    fig.savefig(buf, format="png")
    return base64.b64encode(buf.getvalue()).decode("ascii")


def _table(df: pd.DataFrame, formats: dict | None = None) -> str:
    formats = formats or {}
    head = "".join(f"<th scope='col'>{html.escape(str(c))}</th>" for c in df.columns)
    body = []
    for _, r in df.iterrows():
        cells = []
        for c in df.columns:
            v = r[c]
            f = formats.get(c)
            text = f(v) if f else ("" if pd.isna(v) else str(v))
            cells.append(f"<td>{html.escape(text)}</td>")
        body.append("<tr>" + "".join(cells) + "</tr>")
    return f"<table><thead><tr>{head}</tr></thead><tbody>{''.join(body)}</tbody></table>"


def cohort_report(course: Course, path: Path, repairs: list[Repair] | None = None,
                  timings: pd.DataFrame | None = None) -> Path:
    """Write the cohort report (HTML, one file, no outside requests) and return its path."""
    scores = score_table(course)
    diff = difficulty(scores)
    totals = learner_totals(scores)
    fig, alt = difficulty_figure(diff)
    img = _png(fig)
    n_learners = scores.student.nunique()
    pct = lambda v: f"{100 * v:.0f}%"  # noqa: E731
    num = lambda v: f"{v:g}"  # noqa: E731
    parts = [
        "<!doctype html><html lang='en'><head><meta charset='utf-8'>",
        "<title>Cohort report — Linkages Kit exercises</title>",
        "<style>body{font-family:system-ui,sans-serif;max-width:60rem;margin:2rem auto;padding:0 1rem;line-height:1.45}"
        "table{border-collapse:collapse;margin:1rem 0;font-size:.9rem}th,td{border:1px solid #bbb;padding:.25rem .5rem;"
        "text-align:left}th{background:#eee}img{max-width:100%}.note{color:#333;font-size:.9rem}</style></head><body>",
        "<h1>Cohort report</h1>",
        f"<p>{n_learners} learner(s), {scores.assignment.nunique()} assignment(s) graded. Auto-graded scores come "
        "from the tests; written answers are marked by a trainer in nbgrader's formgrader with the rubrics in "
        "<code>exercises/rubrics/</code>, and count here once marked.</p>",
    ]
    to_mark = int(totals.to_mark.sum()) if len(totals) else 0
    if to_mark:
        parts.append(f"<p><strong>{to_mark} written answer(s) wait for marking.</strong></p>")
    parts += ["<h2>Which questions were hardest</h2>",
              f"<figure><img src='data:image/png;base64,{img}' alt='{html.escape(alt, quote=True)}'>"
              f"<figcaption class='note'>{html.escape(alt)}</figcaption></figure>",
              _table(diff.sort_values(["assignment", "question"]),
                     {"mean": lambda v: f"{v:.2f}", "max_score": num, "facility": pct, "full_marks": pct}),
              "<p class='note'>Facility is the mean score as a share of the points: a question most learners get "
              "wrong has a low facility. Look at the lowest first: the question, or the module behind it, may need "
              "another pass in the workshop.</p>",
              "<h2>Learners</h2>",
              _table(totals, {"auto": num, "auto_max": num, "written": num, "written_max": num,
                              "flagged": lambda v: "yes" if v else ""})]
    repairs = repairs or []
    parts.append("<h2>Notebooks repaired or stopped</h2>")
    if repairs:
        parts.append("<ul>" + "".join(f"<li>{html.escape(r.sentence())}</li>" for r in repairs) + "</ul>")
    else:
        parts.append("<p>No notebook needed repair; none was stopped.</p>")
    if timings is not None and len(timings):
        parts += ["<h2>Grading time</h2>",
                  f"<p>{len(timings)} notebook(s); median {timings.seconds.median():.1f} s, longest "
                  f"{timings.seconds.max():.1f} s (per learner and assignment, repair, autograde and feedback).</p>"]
    parts.append("</body></html>")
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("\n".join(parts), encoding="utf-8")
    return path
