""""Find our shared families": the matching simulator (served by Voilà from
``simulators/find_shared_families.ipynb``).

A visitor chooses the extracts (the default ones, or messier ones where the threshold matters
more), picks the match threshold and sees, at once, the precision–recall trade-off, how many
shared families are found or missed, and how many uncertain pairs a person would have to review.
The two synthetic extracts are matched once (:func:`linkages.matching.match`) and every threshold
is scored from those scores; no threshold change re-runs the match.

What is on screen can be downloaded (:mod:`linkages.ui.export`): the precision–recall figure
(PNG), the scores at every threshold and the review queue (CSV, SSNs masked as on screen), a
one-page HTML summary, and the two extracts.

Every control has a name a screen reader reads and a readable value: the thresholds are
drop-down lists labelled "Accept from" and "Review from" whose values read "95%", not a slider
position. A "Review from" above "Accept from" is used as "Accept from", and a sentence beside the
control says so.

The confidentiality rules (W&I 10850, W&I 827) are shown beside the extracts and the review queue,
where personal data appears. An uploaded extract (CSV) is checked first; a bad file gets a list of
its problems and changes nothing. No callback lets a traceback reach the page.
"""

from __future__ import annotations

import base64
import html
import io
import logging
from dataclasses import dataclass
from functools import lru_cache

import numpy as np
import pandas as pd

from linkages.matching import (
    DEFAULT_GRID,
    VARIANTS,
    Extracts,
    MatchResult,
    match,
    synthetic_extracts,
    threshold_table,
)
from linkages.matching.confidentiality import as_html as rules_html
from linkages.matching.confidentiality import kit_rule
from linkages.matching.confidentiality import rules as conf_rules
from linkages.matching.linkage import STAGE_EXACT, MatchError
from linkages.matching.upload import read_extract

__all__ = ["app", "build_app", "MatchingState", "figure", "OKABE_ITO", "fig_html", "REVIEW_NOTE",
           "threshold_csv", "review_csv", "summary_html", "export_bundle", "clamp_note"]

log = logging.getLogger(__name__)

OKABE_ITO = {"orange": "#E69F00", "sky": "#56B4E9", "green": "#009E73", "yellow": "#F0E442",
             "blue": "#0072B2", "vermillion": "#D55E00", "purple": "#CC79A7", "black": "#000000",
             "grey": "#999999"}

from linkages.matching.extracts import DEFAULT_HOUSEHOLDS, DEFAULT_SEED  # noqa: E402

#: Rows of the review queue shown on screen (the CSV carries the whole queue).
QUEUE_ROWS = 15
#: The figure's resolution on screen, in the PNG download and in the summary (the same bytes).
FIGURE_DPI = 96

#: Who may decide a review pair, per the domain brief (facts.md §1, Confidentiality).
REVIEW_NOTE = (
    "Deciding a pair means looking at both records. Both are confidential under W&amp;I 10850 "
    "(welfare and protective-services records, used only for purposes directly connected with "
    "administering the programs), and the CWS side is also covered by W&amp;I 827: only the "
    "parties it lists, among them members of child protective agencies, may inspect a juvenile "
    "case file, and anyone else needs a juvenile court order. SSNs show the last four digits only."
)


def fig_html(fig, alt: str, css_class: str = "lk-figure") -> str:
    """A matplotlib figure as an <img> with alt text (PNG inline; no backend switch needed)."""
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=fig.dpi)
    data = base64.b64encode(buf.getvalue()).decode()
    return (f'<img class="{css_class}" src="data:image/png;base64,{data}" alt="{html.escape(alt)}" '
            f'style="max-width:100%;height:auto">')


def _pct(x: float) -> str:
    return f"{100 * x:.1f}%"


def _thr(x: float) -> str:
    return f"{100 * x:g}%"


@dataclass
class MatchingState:
    """What the page shows: the extracts, the scored pairs and the scores at every threshold."""

    extracts: Extracts
    result: MatchResult
    table: pd.DataFrame | None  # threshold_table over DEFAULT_GRID (None without truth)
    source: str  # a sentence on where the extracts came from
    label: str = ""  # a few words naming the extracts, shown above the counts

    @property
    def has_truth(self) -> bool:
        return self.table is not None

    def row(self, accept: float) -> dict | None:
        if self.table is None:
            return None
        hit = self.table[np.isclose(self.table.threshold, accept)]
        return hit.iloc[0].to_dict() if len(hit) else None

    def review_count(self, accept: float, review: float) -> int:
        p = self.result.pairs
        s = p.match_probability.to_numpy()
        exact = (p.stage == STAGE_EXACT).to_numpy()
        return int(((~exact) & (s >= review) & (s < accept)).sum())

    def counts(self, accept: float) -> dict:
        """Counts that need no truth: matched pairs and family links."""
        links = self.result.family_links(accept)
        return {"pairs": int(len(self.result.matches(accept))), "links": int(len(links))}


@lru_cache(maxsize=4)
def _default_state(n_households: int, seed: int, variant: str = "default") -> MatchingState:
    ex = synthetic_extracts(n_households, seed=seed, variant=variant)
    res = match(ex.welfare, ex.cws, seed=seed)
    return MatchingState(ex, res, threshold_table(res, ex, DEFAULT_GRID),
                         f"Synthetic extracts of {n_households:,} synthetic households (seed {seed}): "
                         f"{VARIANTS[variant][1]}.",
                         "Default extracts" if variant == "default" else "Messier extracts")


def clamp_note(accept: float, review: float) -> str:
    """The sentence shown beside "Review from" when it is above "Accept from" (else "")."""
    if review <= accept:
        return ""
    return (f"Review from ({_thr(review)}) is above Accept from ({_thr(accept)}), so it is used as "
            f"{_thr(accept)}: no pair goes to review. Choose a lower value for a review band.")


def figure(state: MatchingState, accept: float, review: float):
    """Precision and recall by threshold (left) and the precision–recall curve (right), with
    the chosen threshold marked. Returns (figure, alt text)."""
    from matplotlib.figure import Figure

    t = state.table
    fig = Figure(figsize=(9.5, 3.9), dpi=FIGURE_DPI)
    ax1, ax2 = fig.subplots(1, 2)
    x = np.arange(len(t))
    ax1.plot(x, t.precision, marker="o", color=OKABE_ITO["blue"], label="Precision: accepted pairs that are right")
    ax1.plot(x, t.recall, marker="s", color=OKABE_ITO["orange"], label="Recall: same-person pairs found")
    ax1.plot(x, t.family_recall, marker="^", linestyle="--", color=OKABE_ITO["green"], label="Shared families found")
    i = int(np.argmin(np.abs(t.threshold.to_numpy() - accept)))
    ax1.axvline(i, color=OKABE_ITO["black"], linewidth=1)
    lo = int(np.argmin(np.abs(t.threshold.to_numpy() - review)))
    if lo < i:
        ax1.axvspan(lo, i, color=OKABE_ITO["yellow"], alpha=0.35, label="Review band")
    ax1.set_xticks(x, [_thr(v) for v in t.threshold], rotation=60, fontsize=7)
    ax1.set_xlabel("Accept a pair as the same person from this match probability")
    low = float(min(t.precision.min(), t.recall.min(), t.family_recall.min()))
    ax1.set_ylim(max(0.0, low - 0.02), 1.005)
    ax1.yaxis.set_major_formatter(lambda v, _: f"{100 * v:.1f}%")
    ax1.legend(fontsize=7, loc="lower left", frameon=False)
    ax2.plot(t.recall, t.precision, color=OKABE_ITO["grey"], marker=".", zorder=1)
    r = t.iloc[i]
    ax2.scatter([r.recall], [r.precision], s=90, color=OKABE_ITO["vermillion"], zorder=2,
                label=f"Accept from {_thr(accept)}")
    ax2.set_xlabel("Recall (same-person pairs found)")
    ax2.set_ylabel("Precision (accepted pairs right)")
    ax2.xaxis.set_major_formatter(lambda v, _: f"{100 * v:.1f}%")
    ax2.yaxis.set_major_formatter(lambda v, _: f"{100 * v:.1f}%")
    ax2.legend(fontsize=7, loc="lower left", frameon=False)
    missed = int(r.families_missed)
    title = (f"Accepting from {_thr(accept)}: {_pct(r.precision)} of accepted pairs are right and "
             f"{_pct(r.recall)} of same-person pairs are found; "
             + (f"{missed} shared famil{'y' if missed == 1 else 'ies'} missed" if missed else "no shared family missed"))
    fig.suptitle(title, fontsize=10, x=0.01, ha="left")
    fig.tight_layout()
    alt = (f"Two charts. Left: precision, recall and the share of shared families found, for accept thresholds "
           f"from {_thr(t.threshold.iloc[0])} to {_thr(t.threshold.iloc[-1])}; precision rises from "
           f"{_pct(t.precision.iloc[0])} to {_pct(t.precision.iloc[-1])} while recall falls from "
           f"{_pct(t.recall.iloc[0])} to {_pct(t.recall.iloc[-1])}. Right: the precision-recall curve with "
           f"the chosen threshold {_thr(accept)} marked at precision {_pct(r.precision)}, recall {_pct(r.recall)}. "
           f"{int(r.families_found)} of {int(r.families_shared)} shared families found.")
    return fig, alt


def _table_html(df: pd.DataFrame, css_class: str) -> str:
    return df.to_html(index=False, classes=css_class, border=0, escape=True, na_rep="")


def _download_link(df: pd.DataFrame, name: str, label: str) -> str:
    data = base64.b64encode(df.to_csv(index=False).encode()).decode()
    return (f'<a class="lk-download" download="{html.escape(name)}" '
            f'href="data:text/csv;base64,{data}">{html.escape(label)}</a>')


# -- what is on screen, as tables --------------------------------------------------------------------
_QUEUE_COLS = ["match_probability", "first_name_welfare", "last_name_welfare", "dob_str_welfare",
               "ssn_welfare", "first_name_cws", "last_name_cws", "dob_str_cws", "ssn_cws", "note"]
_QUEUE_NAMES = ["score", "welfare first", "welfare last", "welfare DOB", "welfare SSN",
                "CWS first", "CWS last", "CWS DOB", "CWS SSN", "note"]


def queue_table(state: MatchingState, accept: float, review: float, rows: int | None = QUEUE_ROWS) -> pd.DataFrame:
    """The review queue as the page shows it (score as a percentage, SSNs masked to the last four
    digits); ``rows=None`` for the whole queue, with the two record ids in front."""
    q = state.result.review_queue(accept, min(review, accept))
    if q.empty:
        return pd.DataFrame(columns=(["welfare record", "CWS record"] if rows is None else []) + _QUEUE_NAMES)
    part = q if rows is None else q.head(rows)
    show = part[_QUEUE_COLS].copy()
    # rounded down, so a pair below the accept threshold never reads as equal to it
    show["match_probability"] = show.match_probability.map(lambda v: f"{np.floor(10_000 * v) / 100:.2f}%")
    show.columns = _QUEUE_NAMES
    if rows is None:
        show.insert(0, "CWS record", part.cws_id.to_numpy())
        show.insert(0, "welfare record", part.welfare_id.to_numpy())
    return show.reset_index(drop=True)


def review_csv(state: MatchingState, accept: float, review: float) -> pd.DataFrame:
    """The whole review queue at these thresholds, SSNs masked as on screen."""
    return queue_table(state, accept, review, rows=None)


def threshold_csv(state: MatchingState, accept: float, review: float) -> pd.DataFrame:
    """The scores at every threshold of the grid (the figure's numbers), the chosen one marked,
    with the review band each threshold would leave from ``review``."""
    r = min(review, accept)
    grid = list(DEFAULT_GRID)
    base = pd.DataFrame({
        "accept from": [_thr(v) for v in grid],
        "accept from (match probability)": grid,
        "chosen on screen": ["yes" if np.isclose(v, accept) else "" for v in grid],
        "review from": _thr(r),
        "review queue (pairs)": [state.review_count(v, min(r, v)) for v in grid],
    })
    if state.table is None:
        c = [state.counts(v) for v in grid]
        base["pairs accepted"] = [x["pairs"] for x in c]
        base["family links (welfare case and CWS case)"] = [x["links"] for x in c]
        return base
    t = state.table.set_index("threshold")
    rows = [t.loc[t.index[np.isclose(t.index, v)][0]] for v in grid]
    base["precision"] = [round(float(x.precision), 6) for x in rows]
    base["recall"] = [round(float(x.recall), 6) for x in rows]
    base["F1"] = [round(float(x.f1), 6) for x in rows]
    base["same-person pairs accepted"] = [int(x.accepted_pairs) for x in rows]
    base["accepted pairs that are right"] = [int(x.correct_pairs) for x in rows]
    base["shared families found"] = [int(x.families_found) for x in rows]
    base["shared families missed"] = [int(x.families_missed) for x in rows]
    base["shared families"] = [int(x.families_shared) for x in rows]
    base["wrong family links"] = [int(x.wrong_family_links) for x in rows]
    return base


def _sentences(state: MatchingState, accept: float, review: float) -> list[str]:
    r = min(review, accept)
    n_review = state.review_count(accept, r)
    out = [state.source]
    row = state.row(accept)
    if row is not None:
        out.append(
            f"Accepting pairs from a match probability of {_thr(accept)}: {_pct(row['precision'])} of the "
            f"{int(row['accepted_pairs']):,} accepted same-person pairs are right (precision) and "
            f"{_pct(row['recall'])} of the {int(row['true_pairs']):,} same-person pairs are found (recall); "
            f"F1 {row['f1']:.3f}.")
        out.append(
            f"Shared families found: {int(row['families_found']):,} of {int(row['families_shared']):,} "
            f"(missed: {int(row['families_missed']):,}); wrong family links: {int(row['wrong_family_links']):,}.")
    else:
        c = state.counts(accept)
        out.append(f"These extracts have no answer key, so precision and recall cannot be shown. Accepting "
                   f"from {_thr(accept)}: {c['pairs']:,} pairs accepted, {c['links']:,} family links.")
    out.append(f"Clerical-review queue: {n_review:,} pairs between {_thr(r)} and {_thr(accept)}.")
    note = clamp_note(accept, review)
    if note:
        out.append(note)
    return out


def summary_html(state: MatchingState, accept: float, review: float, figure_r=None) -> str:
    """A one-page, self-contained summary of what is on screen."""
    from linkages.ui import export as X

    r = min(review, accept)
    queue = queue_table(state, accept, review)
    n_queue = state.review_count(accept, r)
    tables = [("Scores at every threshold", _table_html(threshold_csv(state, accept, review), "lk-table"))]
    tables.append((f"Review queue (first {len(queue)} of {n_queue:,}, most likely first)",
                   _table_html(queue, "lk-table") if len(queue) else "<p>Empty at these thresholds.</p>"))
    notes = [kit_rule(), html.unescape(REVIEW_NOTE)]
    notes += [f"{rule['title']}: {rule['gist']}" for rule in conf_rules()]
    return X.summary_page(
        "Find our shared families",
        _sentences(state, accept, review),
        subtitle=f"Accept from {_thr(accept)} · review from {_thr(r)}",
        figures=[figure_r] if figure_r is not None else [],
        tables=tables, notes=notes)


def export_bundle(state: MatchingState, accept: float, review: float, figure_r=None):
    """What the download bar offers: the figure (PNG), the two tables (CSV) and the summary (HTML)."""
    from linkages.ui import export as X

    return X.Bundle(
        "find_shared_families",
        figures=[figure_r] if figure_r is not None else [],
        csvs=[("thresholds", "Scores at every threshold (CSV)", threshold_csv(state, accept, review)),
              ("review_queue", "Review queue (CSV, SSNs masked)", review_csv(state, accept, review))],
        summary=summary_html(state, accept, review, figure_r))


STYLE = """<style>
.lk-app {max-width: 1100px}
.lk-app table.lk-review, .lk-app table.lk-preview {border-collapse: collapse; font-size: 12px}
.lk-app table.lk-review td, .lk-app table.lk-review th, .lk-app table.lk-preview td, .lk-app table.lk-preview th
  {border: 1px solid #ccc; padding: 2px 6px}
.lk-rules {background: #fff8e6; border-left: 4px solid #E69F00; padding: 4px 10px; font-size: 13px; line-height: 1.35}
.lk-rules p {margin: 4px 0} .lk-rules .lk-rule {margin: 6px 0} .lk-rules details {display: inline}
.lk-app p {line-height: 1.4}
.lk-counts {font-size: 14px} .lk-counts b {font-size: 16px}
.lk-problem {color: #8a2c00; white-space: pre-wrap}
.lk-ok {color: #00573f}
.lk-downloads {font-size: 13px; margin: 6px 0} .lk-downloads a {margin: 0 2px}
</style>"""


def build_app(n_households: int = DEFAULT_HOUSEHOLDS, seed: int = DEFAULT_SEED):
    """The simulator as one ipywidgets box."""
    import ipywidgets as w

    from linkages.ui import export as X
    from linkages.ui.common import STYLE as COMMON_STYLE
    from linkages.ui.common import Field

    status = w.HTML().add_class("lk-status")
    try:
        state = _default_state(n_households, seed, "default")
    except Exception:  # noqa: BLE001 - the page must still open
        log.exception("matching failed")
        return w.VBox([w.HTML(STYLE), w.HTML(
            "<p class='lk-problem'>The synthetic extracts could not be matched on this machine. "
            "Restart the page; if it happens again, tell the trainer.</p>")]).add_class("lk-app")
    holder = {"state": state, "base": state, "quiet": False, "names": {}}  # names: uploaded file per side

    intro = w.HTML(
        "<h2>Find our shared families</h2>"
        "<p>Two extracts describe the same synthetic families: one from the welfare (CalWORKs) system and "
        "one from the child welfare (CWS) system. Each has its own record ids, spellings and mistakes. "
        "The match runs in two stages, as San Bernardino and Santa Clara counties describe: first an "
        "exact SSN match (here the dates of birth must agree too), then a probabilistic match on names, "
        "dates of birth, SSN digits and the other people on the case. Change the threshold to see what a "
        "county gains and loses; the messier extracts show the trade most clearly.</p>")
    variant = w.Dropdown(
        options=[("Default extracts", "default"),
                 ("Messier extracts: more typos, missing SSNs and name changes", "messy")],
        value="default", description="Extracts", layout=w.Layout(width="560px"),
        style={"description_width": "110px"}).add_class("lk-variant")
    variant_msg = w.HTML().add_class("lk-variant-msg")
    extracts_box = w.HTML().add_class("lk-extracts")
    rules = w.HTML(f"<div class='lk-rules'><b>Confidentiality where this data is used</b>{rules_html(compact=True)}</div>").add_class("lk-confidentiality")
    rules.layout = w.Layout(width="58%")
    extracts_box.layout = w.Layout(width="40%")

    grid = list(DEFAULT_GRID)
    accept = w.Dropdown(
        options=[(_thr(v), v) for v in grid], value=state.result.accept_from if state.result.accept_from in grid else 0.95,
        description="Accept from", layout=w.Layout(width="240px"),
        tooltip="Accept a pair as the same person from this match probability",
        style={"description_width": "110px"}).add_class("lk-accept")
    review = w.Dropdown(
        options=[(_thr(v), v) for v in grid], value=state.result.review_from if state.result.review_from in grid else 0.3,
        description="Review from", layout=w.Layout(width="240px"),
        tooltip="Pairs from this match probability up to Accept from go to a person for review",
        style={"description_width": "110px"}).add_class("lk-review-from")
    review_field = Field(review, "review-from")
    fig_out = w.HTML().add_class("lk-figure-box")
    counts = w.HTML().add_class("lk-counts")
    queue = w.HTML().add_class("lk-queue")
    downloads = w.HTML().add_class("lk-export")

    uploads = {}
    for side, label in (("welfare", "welfare"), ("cws", "CWS")):
        uploads[side] = w.FileUpload(
            accept=".csv,text/csv", multiple=False,
            description=f"Upload a {label} extract (CSV) · files in use:",
            tooltip=f"Choose a CSV file to use as the {label} extract (synthetic or test data only)",
            layout=w.Layout(width="380px")).add_class("lk-upload").add_class(f"lk-upload-{side}")
    upload_msg = w.HTML().add_class("lk-upload-msg")
    reset = w.Button(description="Back to the synthetic extracts", icon="undo",
                     layout=w.Layout(width="280px")).add_class("lk-reset")

    def show_extracts():
        st = holder["state"]
        ex = st.extracts
        cols = ["record_id", "case_id", "first_name", "last_name", "sex", "birth_date", "ssn"]

        def prev(df):
            d = df[cols].head(4).copy()
            d["birth_date"] = pd.to_datetime(d.birth_date, errors="coerce").dt.strftime("%Y-%m-%d")
            return _table_html(d, "lk-preview")
        extracts_box.value = (
            f"<p>{html.escape(st.source)} Welfare extract: <b>{len(ex.welfare):,}</b> records in "
            f"{ex.welfare.case_id.nunique():,} cases. CWS extract: <b>{len(ex.cws):,}</b> records in "
            f"{ex.cws.case_id.nunique():,} cases.</p>"
            f"<details><summary>First rows of each extract, and downloads</summary>"
            f"<p>Welfare</p>{prev(ex.welfare)}<p>CWS</p>{prev(ex.cws)}"
            f"<p>{_download_link(ex.welfare, 'welfare_extract.csv', 'Download the welfare extract (CSV)')} · "
            f"{_download_link(ex.cws, 'cws_extract.csv', 'Download the CWS extract (CSV)')}</p></details>")

    def redraw(*_):
        try:
            st = holder["state"]
            a, r_chosen = float(accept.value), float(review.value)
            note = clamp_note(a, r_chosen)
            if note:
                review_field.show(note)
            else:
                review_field.clear()
            r = min(r_chosen, a)
            n_review = st.review_count(a, r)
            row = st.row(a)
            c = st.counts(a)
            fig_r = None
            if row is not None:
                fig_r = X.render("precision_recall", figure(st, a, r), dpi=FIGURE_DPI)
                fig_value = X.img_html(fig_r)
                counts_value = (
                    f"<p>Shared families found: <b class='lk-found'>{int(row['families_found']):,}</b> of "
                    f"{int(row['families_shared']):,} · missed: <b class='lk-missed'>{int(row['families_missed']):,}</b> · "
                    f"wrong family links: <b>{int(row['wrong_family_links']):,}</b></p>"
                    f"<p>Same-person pairs accepted: {int(row['accepted_pairs']):,} "
                    f"({int(row['correct_pairs']):,} right) · precision <b class='lk-precision'>{_pct(row['precision'])}</b> · "
                    f"recall <b class='lk-recall'>{_pct(row['recall'])}</b> · F1 <b>{row['f1']:.3f}</b> · "
                    f"exact-stage pairs {int(row['exact_pairs']):,}, wrong {int(row['exact_wrong'])}</p>"
                    f"<p>Clerical-review queue: <b class='lk-queue-size'>{n_review:,}</b> pairs between "
                    f"{_thr(r)} and {_thr(a)}.</p>")
            else:
                fig_value = ("<p>These extracts have no answer key (who is really who), so precision and "
                             "recall cannot be shown; the counts below are what a county would see.</p>")
                counts_value = (
                    f"<p>Pairs accepted: <b>{c['pairs']:,}</b> · family links (welfare case ↔ CWS case): "
                    f"<b class='lk-found'>{c['links']:,}</b></p>"
                    f"<p>Clerical-review queue: <b class='lk-queue-size'>{n_review:,}</b> pairs between "
                    f"{_thr(r)} and {_thr(a)}.</p>")
            show = queue_table(st, a, r)
            if len(show):
                queue_value = (f"<p><b>Review queue</b> (first {len(show)} of {n_review:,}, most likely first). "
                               f"{REVIEW_NOTE}</p>" + _table_html(show, "lk-review"))
            else:
                queue_value = f"<p><b>Review queue</b>: empty at these thresholds. {REVIEW_NOTE}</p>"
            counts_value = (f"<p class='lk-counts-for'>{html.escape(st.label or 'These extracts')}, accepting "
                            f"from {_thr(a)}:</p>" + counts_value)
            # the downloads first: by the time the new numbers show, the links already carry them
            downloads.value = X.links_html(export_bundle(st, a, r_chosen, fig_r))
            fig_out.value = fig_value
            queue.value = queue_value
            counts.value = counts_value
            status.value = ""
        except Exception:  # noqa: BLE001
            log.exception("redraw failed")
            status.value = "<p class='lk-problem'>That view could not be drawn; try another threshold.</p>"

    def clear_uploads():
        holder["names"] = {}
        holder["quiet"] = True
        try:
            for up in uploads.values():
                up.value = ()
        except Exception:  # noqa: BLE001
            pass
        finally:
            holder["quiet"] = False

    def on_variant(change):
        try:
            key = change["new"]
            if key not in VARIANTS:
                return
            variant_msg.value = f"<p>Matching {html.escape(VARIANTS[key][1])}… (a few seconds)</p>"
            holder["state"] = holder["base"] = _default_state(n_households, seed, key)
            had_upload = any(len(up.value) for up in uploads.values())
            clear_uploads()
            variant_msg.value = (f"<p class='lk-ok'>Showing {html.escape(VARIANTS[key][1])}"
                                 f"{'; the uploaded file is no longer used' if had_upload else ''}.</p>")
            show_extracts()
            redraw()
        except Exception:  # noqa: BLE001
            log.exception("variant failed")
            variant_msg.value = ("<p class='lk-problem'>Those extracts could not be matched; the extracts on "
                                 "screen are unchanged.</p>")

    def on_upload(side):
        def handler(change):
            if holder["quiet"]:
                return
            files = change["new"]
            if not files:
                return
            up = uploads[side]
            previous = change["old"]
            ok = False
            try:
                f = files[0]
                name = getattr(f, "name", None) or f.get("name", "upload.csv")
                content = bytes(getattr(f, "content", None) or f.get("content", b""))
                chk = read_extract(content, name)
                if not chk.ok:
                    upload_msg.value = f"<p class='lk-problem'>{html.escape(chk.message())}</p>"
                    return
                upload_msg.value = "<p>File checked; matching… (a few seconds)</p>"
                st = holder["state"]
                ex = st.extracts
                welfare = chk.extract if side == "welfare" else ex.welfare
                cws = chk.extract if side == "cws" else ex.cws
                res = match(welfare, cws, seed=seed)
                known = set(ex.truth.record_id)
                new_ex = Extracts(welfare, cws, ex.truth, ex.seed, ex.rates, ex.households, ex.variant)
                has_truth = set(welfare.record_id) <= known and set(cws.record_id) <= known
                table = threshold_table(res, new_ex, DEFAULT_GRID) if has_truth else None
                names = dict(holder["names"], **{side: name})
                said = " and ".join(f"{names[k]} as the {'welfare' if k == 'welfare' else 'CWS'} extract"
                                    for k in ("welfare", "cws") if k in names)
                holder["state"] = MatchingState(new_ex, res, table, f"In use: {said}.", said)
                holder["names"] = names
                upload_msg.value = (f"<p class='lk-ok'>{html.escape(chk.message())} Matched against the other extract"
                                    f"{'' if has_truth else ' (no answer key for these records: counts only)'}.</p>")
                ok = True
                show_extracts()
                redraw()
            except MatchError as exc:
                upload_msg.value = (f"<p class='lk-problem'>{html.escape(str(exc))} The extracts on screen are "
                                    "unchanged.</p>")
            except Exception:  # noqa: BLE001
                log.exception("upload failed")
                upload_msg.value = ("<p class='lk-problem'>The file could not be used; the extracts on screen "
                                    "are unchanged.</p>")
            finally:
                if not ok:  # the control counts the files in use: put back the one still in use
                    holder["quiet"] = True
                    try:
                        up.value = previous
                    except Exception:  # noqa: BLE001
                        pass
                    finally:
                        holder["quiet"] = False
        return handler

    def on_reset(_):
        holder["state"] = holder["base"]
        clear_uploads()
        upload_msg.value = "<p class='lk-ok'>Back to the synthetic extracts.</p>"
        show_extracts()
        redraw()

    accept.observe(redraw, names="value")
    review.observe(redraw, names="value")
    variant.observe(on_variant, names="value")
    for side, up in uploads.items():
        up.observe(on_upload(side), names="value")
    reset.on_click(on_reset)
    show_extracts()
    redraw()

    return w.VBox([
        w.HTML(STYLE), w.HTML(COMMON_STYLE), intro,
        w.HBox([variant, variant_msg], layout=w.Layout(align_items="center")),
        w.HBox([extracts_box, rules], layout=w.Layout(align_items="flex-start", grid_gap="12px")),
        w.HTML("<h3>Where to draw the line</h3>"),
        w.HBox([accept, review_field.box], layout=w.Layout(align_items="center")),
        fig_out, counts, status, queue, downloads,
        w.HTML("<h3>Try your own test file</h3><p>Upload a CSV extract with the columns record_id, case_id, "
               "first_name, last_name, sex, birth_date, ssn — for example a downloaded extract you have edited — "
               "as the welfare or the CWS extract; it is matched against the other one on screen. "
               "Synthetic or test data only: SSNs must be in the never-issued 9xx range.</p>"),
        w.HBox([uploads["welfare"], uploads["cws"]]), upload_msg, reset,
    ]).add_class("lk-app")


def app(n_households: int = DEFAULT_HOUSEHOLDS, seed: int = DEFAULT_SEED):
    """Build the simulator and display it (the notebook's one line)."""
    from IPython.display import display

    logging.getLogger("splink").setLevel(logging.ERROR)
    display(build_app(n_households, seed))
