""""Find our shared families": the matching simulator (served by Voilà from
``simulators/find_shared_families.ipynb``).

A visitor moves the match threshold and sees, at once, the precision–recall trade-off, how many
shared families are found or missed, and how many uncertain pairs a person would have to review.
The two synthetic extracts are matched once when the page opens (:func:`linkages.matching.match`)
and every threshold is scored from those scores; no slider move re-runs the match.

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
    Extracts,
    MatchResult,
    match,
    synthetic_extracts,
    threshold_table,
)
from linkages.matching.confidentiality import as_html as rules_html
from linkages.matching.linkage import STAGE_EXACT, MatchError
from linkages.matching.upload import read_extract

__all__ = ["app", "build_app", "MatchingState", "figure", "OKABE_ITO", "fig_html"]

log = logging.getLogger(__name__)

OKABE_ITO = {"orange": "#E69F00", "sky": "#56B4E9", "green": "#009E73", "yellow": "#F0E442",
             "blue": "#0072B2", "vermillion": "#D55E00", "purple": "#CC79A7", "black": "#000000",
             "grey": "#999999"}

from linkages.matching.extracts import DEFAULT_HOUSEHOLDS, DEFAULT_SEED  # noqa: E402


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
def _default_state(n_households: int, seed: int) -> MatchingState:
    ex = synthetic_extracts(n_households, seed=seed)
    res = match(ex.welfare, ex.cws, seed=seed)
    return MatchingState(ex, res, threshold_table(res, ex, DEFAULT_GRID),
                         f"Synthetic extracts of {n_households:,} synthetic households (seed {seed}).")


def figure(state: MatchingState, accept: float, review: float):
    """Precision and recall by threshold (left) and the precision–recall curve (right), with
    the chosen threshold marked. Returns (figure, alt text)."""
    from matplotlib.figure import Figure

    t = state.table
    fig = Figure(figsize=(9.5, 3.9), dpi=96)
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
</style>"""


def build_app(n_households: int = DEFAULT_HOUSEHOLDS, seed: int = DEFAULT_SEED):
    """The simulator as one ipywidgets box."""
    import ipywidgets as w

    status = w.HTML().add_class("lk-status")
    try:
        state = _default_state(n_households, seed)
    except Exception:  # noqa: BLE001 - the page must still open
        log.exception("matching failed")
        return w.VBox([w.HTML(STYLE), w.HTML(
            "<p class='lk-problem'>The synthetic extracts could not be matched on this machine. "
            "Restart the page; if it happens again, tell the trainer.</p>")]).add_class("lk-app")
    holder = {"state": state}

    intro = w.HTML(
        "<h2>Find our shared families</h2>"
        "<p>Two extracts describe the same synthetic families: one from the welfare (CalWORKs) system and "
        "one from the child welfare (CWS) system. Each has its own record ids, spellings and mistakes. "
        "The match runs in two stages, as San Bernardino and Santa Clara counties describe: first an "
        "exact SSN match (here the dates of birth must agree too), then a probabilistic match on names, "
        "dates of birth, SSN digits and the other people on the case. Move the threshold to see what a "
        "county gains and loses.</p>")
    extracts_box = w.HTML().add_class("lk-extracts")
    rules = w.HTML(f"<div class='lk-rules'><b>Confidentiality where this data is used</b>{rules_html(compact=True)}</div>").add_class("lk-confidentiality")
    rules.layout = w.Layout(width="58%")
    extracts_box.layout = w.Layout(width="40%")

    grid = list(DEFAULT_GRID)
    accept = w.SelectionSlider(
        options=[(_thr(v), v) for v in grid], value=state.result.accept_from if state.result.accept_from in grid else 0.95,
        description="Accept from", continuous_update=False, layout=w.Layout(width="560px"),
        style={"description_width": "110px"}).add_class("lk-accept")
    review = w.Dropdown(
        options=[(_thr(v), v) for v in grid], value=state.result.review_from if state.result.review_from in grid else 0.3,
        description="Review from", layout=w.Layout(width="240px"),
        style={"description_width": "110px"}).add_class("lk-review-from")
    fig_out = w.HTML().add_class("lk-figure-box")
    counts = w.HTML().add_class("lk-counts")
    queue = w.HTML().add_class("lk-queue")

    upload = w.FileUpload(accept=".csv,text/csv", multiple=False, description="Upload a CSV extract",
                          layout=w.Layout(width="220px")).add_class("lk-upload")
    side = w.ToggleButtons(options=[("as the welfare extract", "welfare"), ("as the CWS extract", "cws")],
                           value="cws").add_class("lk-upload-side")
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
            a, r = float(accept.value), float(review.value)
            if r > a:
                r = a
            n_review = st.review_count(a, r)
            row = st.row(a)
            c = st.counts(a)
            if row is not None:
                fig, alt = figure(st, a, r)
                fig_out.value = fig_html(fig, alt)
                counts.value = (
                    f"<p>Shared families found: <b class='lk-found'>{int(row['families_found']):,}</b> of "
                    f"{int(row['families_shared']):,} · missed: <b class='lk-missed'>{int(row['families_missed']):,}</b> · "
                    f"wrong family links: <b>{int(row['wrong_family_links']):,}</b></p>"
                    f"<p>Same-person pairs accepted: {int(row['accepted_pairs']):,} "
                    f"({int(row['correct_pairs']):,} right) · precision <b>{_pct(row['precision'])}</b> · "
                    f"recall <b>{_pct(row['recall'])}</b> · F1 <b>{row['f1']:.3f}</b> · "
                    f"exact-stage pairs {int(row['exact_pairs']):,}, wrong {int(row['exact_wrong'])}</p>"
                    f"<p>Clerical-review queue: <b class='lk-queue-size'>{n_review:,}</b> pairs between "
                    f"{_thr(r)} and {_thr(a)}.</p>")
            else:
                fig_out.value = ("<p>These extracts have no answer key (who is really who), so precision and "
                                 "recall cannot be shown; the counts below are what a county would see.</p>")
                counts.value = (
                    f"<p>Pairs accepted: <b>{c['pairs']:,}</b> · family links (welfare case ↔ CWS case): "
                    f"<b class='lk-found'>{c['links']:,}</b></p>"
                    f"<p>Clerical-review queue: <b class='lk-queue-size'>{n_review:,}</b> pairs between "
                    f"{_thr(r)} and {_thr(a)}.</p>")
            q = st.result.review_queue(a, r)
            if len(q):
                show = q.head(15)[["match_probability", "first_name_welfare", "last_name_welfare", "dob_str_welfare",
                                   "ssn_welfare", "first_name_cws", "last_name_cws", "dob_str_cws", "ssn_cws",
                                   "note"]].copy()
                show["match_probability"] = show.match_probability.map(lambda v: f"{100 * v:.2f}%")
                show.columns = ["score", "welfare first", "welfare last", "welfare DOB", "welfare SSN",
                                "CWS first", "CWS last", "CWS DOB", "CWS SSN", "note"]
                queue.value = (f"<p><b>Review queue</b> (first {len(show)} of {len(q):,}, most likely first). "
                               "A worker with access under W&amp;I 10850 decides each pair; SSNs show the last "
                               "four digits only.</p>" + _table_html(show, "lk-review"))
            else:
                queue.value = "<p><b>Review queue</b>: empty at these thresholds.</p>"
            status.value = ""
        except Exception:  # noqa: BLE001
            log.exception("redraw failed")
            status.value = "<p class='lk-problem'>That view could not be drawn; try another threshold.</p>"

    def on_upload(change):
        files = change["new"]
        if not files:
            return
        f = files[0]
        try:
            name = getattr(f, "name", None) or f.get("name", "upload.csv")
            content = bytes(getattr(f, "content", None) or f.get("content", b""))
            chk = read_extract(content, name)
            if not chk.ok:
                upload_msg.value = f"<p class='lk-problem'>{html.escape(chk.message())}</p>"
                return
            upload_msg.value = "<p>File checked; matching… (a few seconds)</p>"
            st = holder["state"]
            ex = st.extracts
            welfare = chk.extract if side.value == "welfare" else ex.welfare
            cws = chk.extract if side.value == "cws" else ex.cws
            res = match(welfare, cws, seed=seed)
            known = set(ex.truth.record_id)
            new_ex = Extracts(welfare, cws, ex.truth, ex.seed, ex.rates, ex.households)
            has_truth = set(welfare.record_id) <= known and set(cws.record_id) <= known
            table = threshold_table(res, new_ex, DEFAULT_GRID) if has_truth else None
            label = "welfare" if side.value == "welfare" else "CWS"
            holder["state"] = MatchingState(new_ex, res, table, f"{name} used as the {label} extract.")
            upload_msg.value = (f"<p class='lk-ok'>{html.escape(chk.message())} Matched against the other extract"
                                f"{'' if has_truth else ' (no answer key for these records: counts only)'}.</p>")
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
            try:
                upload.value = ()
            except Exception:  # noqa: BLE001
                pass

    def on_reset(_):
        holder["state"] = state
        upload_msg.value = "<p class='lk-ok'>Back to the synthetic extracts.</p>"
        show_extracts()
        redraw()

    accept.observe(redraw, names="value")
    review.observe(redraw, names="value")
    upload.observe(on_upload, names="value")
    reset.on_click(on_reset)
    show_extracts()
    redraw()

    return w.VBox([
        w.HTML(STYLE), intro,
        w.HBox([extracts_box, rules], layout=w.Layout(align_items="flex-start", grid_gap="12px")),
        w.HTML("<h3>Where to draw the line</h3>"),
        w.HBox([accept, review]), fig_out, counts, status, queue,
        w.HTML("<h3>Try your own test file</h3><p>Upload a CSV extract with the columns record_id, case_id, "
               "first_name, last_name, sex, birth_date, ssn — for example a downloaded extract you have edited. "
               "Synthetic or test data only: SSNs must be in the never-issued 9xx range.</p>"),
        w.HBox([upload, side]), upload_msg, reset,
    ]).add_class("lk-app")


def app(n_households: int = DEFAULT_HOUSEHOLDS, seed: int = DEFAULT_SEED):
    """Build the simulator and display it (the notebook's one line)."""
    from IPython.display import display

    logging.getLogger("splink").setLevel(logging.ERROR)
    display(build_app(n_households, seed))
