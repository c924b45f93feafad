"""Linkages readiness self-assessment and 12-month work plan (served by Voilà from
``simulators/self_assessment.ipynb``), for technical-assistance staff and county teams.

Choose a county (and, if several teams work on one county, a session name), answer the
readiness items grouped along the Linkages Program Design Road Map, and see:

* the county's answers beside its peers (same size band) in the SYNTHETIC county survey;
* the next steps along the Road Map;
* a 12-month work plan (12 topic areas in 3 categories) to download as HTML or CSV.

Every answer is saved on the server as it is given (:class:`linkages.survey.AnswerStore`, one
JSON file per county and session), so reloading the page and choosing the same county and
session brings the answers back. No callback lets a traceback reach the page.
"""

from __future__ import annotations

import base64
import datetime as dt
import html
import logging
import os
import urllib.parse

from linkages.survey import (
    AnswerError,
    AnswerStore,
    catalogue,
    county_profile,
    next_steps,
    practice_levels,
    profile_figure,
    synthetic_survey,
    work_plan_csv,
    work_plan_html,
)
from linkages.survey.county_survey import SYNTHETIC_LABEL, counties
from linkages.ui.matching_app import fig_html

__all__ = ["app", "build_app"]

log = logging.getLogger(__name__)

SURVEY_SEED = 2025

STYLE = """<style>
.lk-sa {max-width: 1050px}
.lk-sa .lk-item-text {font-size: 14px; margin-top: 6px}
.lk-sa .lk-step h4 {margin: 14px 0 2px 0}
.lk-problem {color: #8a2c00; white-space: pre-wrap}
.lk-ok {color: #00573f}
.lk-synthetic {background: #eef6fb; border-left: 4px solid #56B4E9; padding: 4px 10px; font-size: 13px}
.lk-plan table {border-collapse: collapse; font-size: 12px} .lk-plan td, .lk-plan th {border: 1px solid #ccc; padding: 2px 6px}
</style>"""


def _slug(s: str) -> str:
    return "".join(ch if ch.isalnum() else "_" for ch in s.lower()).strip("_") or "county"


def _link(data: str, name: str, mime: str, label: str, cls: str) -> str:
    b64 = base64.b64encode(data.encode("utf-8")).decode()
    return (f'<a class="{cls}" download="{html.escape(name)}" href="data:{mime};charset=utf-8;base64,{b64}">'
            f"{html.escape(label)}</a>")


def _bookmark(county: str, session: str) -> str:
    q = urllib.parse.urlencode({"county": county, **({"session": session} if session else {})})
    return f'<a class="lk-bookmark" href="?{html.escape(q)}">Link to come back to these answers</a>.'


def _from_query() -> tuple[str | None, str]:
    """County and session from the page address (?county=…&session=…), as Voilà passes it."""
    q = urllib.parse.parse_qs(os.environ.get("QUERY_STRING", ""))
    c = (q.get("county") or [None])[0]
    return (c if c in counties() else None), (q.get("session") or [""])[0][:80]


def build_app(store: AnswerStore | None = None, survey_seed: int = SURVEY_SEED):
    """The self-assessment as one ipywidgets box."""
    import ipywidgets as w

    store = store or AnswerStore()
    cat = catalogue()
    survey = synthetic_survey(seed=survey_seed)
    state: dict = {"loading": False, "key": None}

    county = w.Dropdown(options=[("Choose a county…", None)] + [(c, c) for c in counties()], value=None,
                        description="County", style={"description_width": "80px"}).add_class("lk-county")
    session = w.Text(value="", placeholder="optional, e.g. March workshop", description="Session",
                     continuous_update=False, style={"description_width": "80px"}).add_class("lk-session")
    saved = w.HTML("<p>Choose your county: answers are kept on this server under the county and session name.</p>"
                   ).add_class("lk-saved")
    goal = w.Textarea(placeholder="Our Linkages goal for the next 12 months…", description="Goal",
                      layout=w.Layout(width="700px", height="60px"), continuous_update=False,
                      style={"description_width": "80px"}).add_class("lk-goal")

    toggles: dict[str, w.ToggleButtons] = {}
    sections = []
    for s in cat.road_map:
        rows = [w.HTML(f"<h4>{s.order}. {html.escape(s.title)}</h4>")]
        for item in (i for i in cat.items if i.step == s.id):
            tb = w.ToggleButtons(options=[(p.label, p.value) for p in cat.scale], index=None,
                                 style={"button_width": "120px"}).add_class("lk-answer").add_class(f"lk-item-{item.id}")
            toggles[item.id] = tb
            rows.append(w.HTML(f"<div class='lk-item-text'>{html.escape(item.text)}</div>"))
            rows.append(tb)
        sections.append(w.VBox(rows).add_class("lk-step"))

    profile_out = w.HTML().add_class("lk-profile")
    compare = w.ToggleButtons(options=[("Your answers", "answers"), ("The county's synthetic survey answers", "survey")],
                              value="answers", description="Compare",
                              style={"description_width": "80px", "button_width": "260px"}).add_class("lk-compare")
    steps_out = w.HTML().add_class("lk-next-steps")
    make = w.Button(description="Make the 12-month work plan", icon="file", button_style="primary",
                     layout=w.Layout(width="280px")).add_class("lk-make-plan")
    plan_links = w.HTML().add_class("lk-plan-links")
    plan_preview = w.HTML().add_class("lk-plan")
    clear = w.Button(description="Clear these answers", icon="eraser",
                     layout=w.Layout(width="200px")).add_class("lk-clear")

    def answers() -> dict[str, int]:
        return {k: int(t.value) for k, t in toggles.items() if t.value is not None}

    def refresh_views():
        try:
            a = answers()
            c = county.value
            if c:
                prof = county_profile(survey, c)
                own = practice_levels(a) if compare.value == "answers" else None
                fig, alt = profile_figure(prof, own=own, title_county=c)
                profile_out.value = (f"<div class='lk-synthetic'>{html.escape(SYNTHETIC_LABEL)}. The real county "
                                     "linkages survey results were not found; peers here are synthetic.</div>"
                                     + fig_html(fig, alt))
            else:
                profile_out.value = ""
            ns = next_steps(a, n=3)
            if ns:
                steps_out.value = ("<h3>Next steps along the Road Map</h3><ol>" + "".join(
                    f"<li><b>{html.escape(s['step'])}</b> ({html.escape(s['answer'].lower())}): "
                    f"{html.escape(s['next_step'])}</li>" for s in ns) + "</ol>")
            else:
                steps_out.value = "<h3>Next steps</h3><p>Every item is in place: review them every quarter.</p>"
        except Exception:  # noqa: BLE001
            log.exception("refresh failed")
            profile_out.value = "<p class='lk-problem'>The comparison could not be drawn.</p>"

    def save(*_):
        if state["loading"]:
            return
        refresh_views()
        if not county.value:
            saved.value = "<p class='lk-problem'>Choose a county to keep these answers.</p>"
            return
        try:
            store.save(county.value, session.value.strip(), answers(), goal.value)
            saved.value = (f"<p class='lk-ok'>Saved on the server for {html.escape(county.value)}"
                           f"{' / ' + html.escape(session.value.strip()) if session.value.strip() else ''} at "
                           f"{dt.datetime.now():%H:%M:%S} ({len(answers())} of {len(toggles)} answered). "
                           f"{_bookmark(county.value, session.value.strip())}</p>")
        except AnswerError as exc:
            saved.value = f"<p class='lk-problem'>{html.escape(str(exc))}</p>"
        except Exception:  # noqa: BLE001
            log.exception("save failed")
            saved.value = "<p class='lk-problem'>The answers could not be saved; they are still on screen.</p>"

    def load(*_):
        """Switch to the (county, session) now chosen. Saved answers for it are loaded; answers on
        screen that are not saved anywhere yet (given before a county was chosen) are kept, and
        with no saved answers for the new choice, the answers on screen carry over to it."""
        c, sess = county.value, session.value.strip()
        prev = state.get("key")
        on_screen, on_goal = answers(), goal.value
        state["loading"] = True
        carry = False
        try:
            data = store.load(c, sess) if c else None
            if data is None:
                merged, g = on_screen, on_goal
                carry = bool(c) and bool(on_screen or on_goal)
            else:
                merged = dict(data.answers)
                if prev is None or prev[0] is None:  # unsaved answers given before choosing a county
                    merged.update(on_screen)
                g = data.goal or (on_goal if prev is None or prev[0] is None else "")
            values = [p.value for p in cat.scale]
            for k, t in toggles.items():
                t.index = values.index(merged[k]) if k in merged else None
            goal.value = g
            state["key"] = (c, sess)
            if not c:
                saved.value = "<p>Choose your county to keep your answers.</p>"
            elif data:
                saved.value = (f"<p class='lk-ok'>Loaded {len(data.answers)} saved answer{'' if len(data.answers) == 1 else 's'} for {html.escape(c)}"
                               f"{' / ' + html.escape(data.session) if data.session else ''} "
                               f"(last saved {html.escape(data.updated)}).</p>")
            else:
                saved.value = f"<p>No saved answers for {html.escape(c)}{' / ' + html.escape(sess) if sess else ''} yet: answers are saved as you give them.</p>"
        except AnswerError as exc:
            saved.value = f"<p class='lk-problem'>{html.escape(str(exc))}</p>"
        except Exception:  # noqa: BLE001
            log.exception("load failed")
            saved.value = "<p class='lk-problem'>Saved answers could not be loaded; the answers on screen are unchanged.</p>"
        finally:
            state["loading"] = False
            plan_links.value = plan_preview.value = ""
        unsaved = (prev is None or prev[0] is None) and bool(on_screen)
        if carry or (c and unsaved):
            save()
        else:
            refresh_views()

    def make_plan(_):
        try:
            c = county.value or "County not chosen"
            a = answers()
            sess = session.value.strip()
            start = dt.date.today().replace(day=1)
            page = work_plan_html(a, c, sess, goal.value, start)
            text = work_plan_csv(a, c, sess, start)
            base = f"linkages_work_plan_{_slug(c)}{'_' + _slug(sess) if sess else ''}"
            plan_links.value = (
                f"<p>Work plan for {html.escape(c)}: "
                + _link(page, base + ".html", "text/html", "Download (HTML)", "lk-plan-html") + " · "
                + _link(text, base + ".csv", "text/csv", "Download (CSV)", "lk-plan-csv")
                + f" — {len(a)} of {len(toggles)} items answered.</p>")
            body = page.split("<body>", 1)[1].split("</body>", 1)[0]
            plan_preview.value = f"<details><summary>Preview the plan</summary>{body}</details>"
        except Exception:  # noqa: BLE001
            log.exception("work plan failed")
            plan_links.value = "<p class='lk-problem'>The work plan could not be made; your answers are unchanged.</p>"

    def clear_all(_):
        state["loading"] = True
        for t in toggles.values():
            t.index = None
        goal.value = ""
        state["loading"] = False
        save()

    for t in toggles.values():
        t.observe(save, names="value")
    goal.observe(save, names="value")
    county.observe(load, names="value")
    compare.observe(lambda *_: refresh_views(), names="value")
    session.observe(load, names="value")
    make.on_click(make_plan)
    clear.on_click(clear_all)
    q_county, q_session = _from_query()
    if q_county:  # a bookmarked address: open on those answers
        session.value = q_session
        county.value = q_county
    refresh_views()

    return w.VBox([
        w.HTML(STYLE),
        w.HTML("<h2>Linkages readiness self-assessment and work plan</h2>"
               "<p>Answer each item for your county as it is today. The items follow the Linkages Program Design "
               "Road Map (CFPIC); the work plan follows the shape of the Linkages Work Plan Template: 12 months, "
               "12 topic areas in 3 categories. Item wording is the kit's own.</p>"),
        w.HBox([county, session]), saved, goal,
        *sections,
        steps_out, w.HTML("<h3>Beside peer counties (size band)</h3>"), compare, profile_out,
        w.HBox([make, clear]), plan_links, plan_preview,
    ]).add_class("lk-sa")


def app(store: AnswerStore | None = None):
    """Build the self-assessment and display it (the notebook's one line)."""
    from IPython.display import display

    display(build_app(store))
