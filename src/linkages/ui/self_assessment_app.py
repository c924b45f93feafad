"""Linkages readiness self-assessment and 12-month work plan (served by Voilà from
``simulators/self_assessment.ipynb``), for technical-assistance staff and county teams.

Choose a county (and, if several teams work on one county, a session name), answer the
readiness items grouped along the Linkages Program Design Road Map, and see:

* the county's answers beside its peers (same size band) in the SYNTHETIC county survey;
* the next steps along the Road Map;
* a 12-month work plan (12 topic areas in 3 categories) to download as HTML or CSV.

Answers are kept on the server (:class:`linkages.survey.AnswerStore`, one JSON file per county
and session), each one as it is given:

* only the item that changed is saved, merged into the stored file under a lock, so two windows
  open on the same county and session keep each other's answers (and each shows the other's);
* opening the page again on this machine brings back the county and session saved most recently,
  and says so; a ``?county=…&session=…`` address opens straight on those answers, and the page
  offers that address after every load and save;
* "Clear these answers" asks first, keeps a backup, and offers to restore it.

Every answer button carries its item in its accessible name and says which one is chosen
(``STYLE``: CSS generated content with alternative text, plus a visible tick, so the choice is
not shown by colour alone); its tooltip gives the item and the answer. No callback lets a
traceback reach the page.
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
from linkages.survey.county_survey import PRACTICES, SYNTHETIC_LABEL, counties
from linkages.ui.matching_app import fig_html

__all__ = ["app", "build_app", "STYLE", "css_string"]

log = logging.getLogger(__name__)

SURVEY_SEED = 2025

#: What the County box shows before a county is chosen (a real option, so the box is never blank).
NO_COUNTY = ""


def css_string(text: str) -> str:
    """``text`` as a CSS string literal (for generated content)."""
    return '"' + str(text).replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\A ") + '"'


def _toggle_names(css_class: str, name: str) -> str:
    """CSS giving each button of a ToggleButtons group an accessible name that starts with
    ``name`` and says which button is chosen (a tick shows it too)."""
    return (f".lk-sa .{css_class} .widget-toggle-button::before {{content: \"\" / {css_string(name + ': ')}}}\n"
            f".lk-sa .{css_class} .widget-toggle-button.mod-active::before "
            f"{{content: \"\\2713\\00a0\" / {css_string(name + ', chosen: ')}}}\n")


def _style() -> str:
    rules = [_toggle_names(f"lk-item-{i.id}", i.text) for i in catalogue().items]
    rules.append(_toggle_names("lk-compare", "Compare with peers"))
    return ("<style>\n"
            ".lk-sa {max-width: 1050px}\n"
            ".lk-sa .lk-item-text {font-size: 14px; margin-top: 6px}\n"
            ".lk-sa .lk-practice-tag {font-size: 12px; color: #005a8c; margin-left: 6px}\n"
            ".lk-sa .lk-step h4 {margin: 14px 0 2px 0}\n"
            ".lk-problem {color: #8a2c00; white-space: pre-wrap}\n"
            ".lk-ok {color: #00573f}\n"
            ".lk-synthetic {background: #eef6fb; border-left: 4px solid #56B4E9; padding: 4px 10px; font-size: 13px}\n"
            ".lk-plan table {border-collapse: collapse; font-size: 12px} .lk-plan td, .lk-plan th "
            "{border: 1px solid #ccc; padding: 2px 6px}\n"
            ".lk-confirm {background: #fff3e0; border-left: 4px solid #D55E00; padding: 4px 10px}\n"
            + "".join(rules) + "</style>")


STYLE = _style()


def _slug(s: str) -> str:
    return "".join(ch if ch.isalnum() else "_" for ch in s.lower()).strip("_") or "county"


def _link(data: str, name: str, mime: str, label: str, cls: str) -> str:
    b64 = base64.b64encode(data.encode("utf-8")).decode()
    return (f'<a class="{cls}" download="{html.escape(name)}" href="data:{mime};charset=utf-8;base64,{b64}">'
            f"{html.escape(label)}</a>")


def _bookmark(county: str, session: str) -> str:
    q = urllib.parse.urlencode({"county": county, **({"session": session} if session else {})},
                               quote_via=urllib.parse.quote)
    return f'<a class="lk-bookmark" href="?{html.escape(q)}">Link to come back to these answers</a>.'


def _from_query() -> tuple[str | None, str]:
    """County and session from the page address (?county=…&session=…), as Voilà passes it."""
    q = urllib.parse.parse_qs(os.environ.get("QUERY_STRING", ""))
    c = (q.get("county") or [None])[0]
    return (c if c in counties() else None), (q.get("session") or [""])[0][:80]


def _where(county: str, session: str) -> str:
    return html.escape(county) + (f" / {html.escape(session)}" if session else "")


def build_app(store: AnswerStore | None = None, survey_seed: int = SURVEY_SEED, restore_latest: bool = True):
    """The self-assessment as one ipywidgets box. ``restore_latest``: open on the county and
    session saved most recently in ``store`` (unless the address names one)."""
    import ipywidgets as w

    store = store or AnswerStore()
    cat = catalogue()
    survey = synthetic_survey(seed=survey_seed)
    values = [p.value for p in cat.scale]
    # loading: the page itself is setting controls (no saving); key: the (county, session) shown
    # unsaved: answers were given while no county was chosen (they join the county chosen next)
    state: dict = {"loading": False, "key": None, "memory_backup": None, "unsaved": False}

    county = w.Dropdown(options=[("Choose a county…", NO_COUNTY)] + [(c, c) for c in counties()], value=NO_COUNTY,
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
                                 tooltips=[f"{item.text} — {p.label}" for p in cat.scale],
                                 style={"button_width": "130px"}).add_class("lk-answer").add_class(f"lk-item-{item.id}")
            toggles[item.id] = tb
            tag = (f"<span class='lk-practice-tag'>· compared with peers: {html.escape(PRACTICES[item.practice])}</span>"
                   if item.practice else "")
            rows.append(w.HTML(f"<div class='lk-item-text'>{html.escape(item.text)}{tag}</div>"))
            rows.append(tb)
        sections.append(w.VBox(rows).add_class("lk-step"))

    profile_out = w.HTML().add_class("lk-profile")
    compare = w.ToggleButtons(options=[("Your answers", "answers"), ("The county's synthetic survey answers", "survey")],
                              value="answers", description="Compare",
                              tooltips=["Compare your answers with peers", "Compare the county's synthetic survey answers with peers"],
                              style={"description_width": "80px", "button_width": "280px"}).add_class("lk-compare")
    steps_out = w.HTML().add_class("lk-next-steps")
    make = w.Button(description="Make the 12-month work plan", icon="file", button_style="primary",
                    layout=w.Layout(width="280px")).add_class("lk-make-plan")
    plan_links = w.HTML().add_class("lk-plan-links")
    plan_preview = w.HTML().add_class("lk-plan")
    clear = w.Button(description="Clear these answers", icon="eraser",
                     layout=w.Layout(width="200px")).add_class("lk-clear")
    restore = w.Button(description="Restore the cleared answers", icon="undo",
                       layout=w.Layout(width="260px", display="none")).add_class("lk-restore")
    confirm_text = w.HTML().add_class("lk-confirm-text")
    yes = w.Button(description="Yes, clear them", button_style="danger",
                   layout=w.Layout(width="180px")).add_class("lk-clear-yes")
    no = w.Button(description="No, keep them", layout=w.Layout(width="180px")).add_class("lk-clear-no")
    confirm = w.VBox([confirm_text, w.HBox([yes, no])], layout=w.Layout(display="none")).add_class("lk-confirm")

    def answers() -> dict[str, int]:
        return {k: int(t.value) for k, t in toggles.items() if t.value is not None}

    def key() -> tuple[str, str] | None:
        c = county.value
        return (c, session.value.strip()) if c else None

    def show(a: dict[str, int], g: str | None = None) -> None:
        """Put answers (and the goal) on screen without saving them again."""
        state["loading"] = True
        try:
            for k, t in toggles.items():
                want = values.index(a[k]) if k in a else None
                if t.index != want:
                    t.index = want
            if g is not None and goal.value != g:
                goal.value = g
        finally:
            state["loading"] = False

    def backup_exists() -> bool:
        k = key()
        if k is None:
            return state["memory_backup"] is not None
        try:
            return store.backup(*k) is not None
        except AnswerError:
            return False

    def show_restore():
        restore.layout.display = "" if backup_exists() else "none"

    def refresh_views():
        try:
            a = answers()
            c = county.value
            if c:
                prof = county_profile(survey, c)
                own = practice_levels(a) if compare.value == "answers" else None
                fig, alt = profile_figure(prof, own=own, title_county=c)
                hint = ("" if own is None or own else
                        "<p class='lk-note'>None of the answers so far is one of the practice items the "
                        "survey asks about: answer the items marked “compared with peers” first.</p>")
                profile_out.value = (f"<div class='lk-synthetic'>{html.escape(SYNTHETIC_LABEL)}. The real county "
                                     "linkages survey results were not found; peers here are synthetic.</div>"
                                     + hint + fig_html(fig, alt))
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

    def bring_in(stored, changed: set[str]) -> int:
        """Show what another window saved (items other than ``changed``); how many changed."""
        screen = answers()
        other = {k for k in set(stored.answers) | set(screen)
                 if k not in changed and stored.answers.get(k) != screen.get(k)}
        if other:
            show(stored.answers)
        return len(other)

    def saved_message(c: str, sess: str, extra: str = "") -> None:
        n = len(answers())
        saved.value = (f"<p class='lk-ok'>Saved on the server for {_where(c, sess)} at "
                       f"{dt.datetime.now():%H:%M:%S} ({n} of {len(toggles)} answered).{extra} "
                       f"{_bookmark(c, sess)}</p>")

    def on_item(item_id):
        def handler(change):
            if state["loading"]:
                return
            confirm.layout.display = "none"
            refresh_views()
            k = key()
            if k is None:
                state["unsaved"] = True
                saved.value = "<p class='lk-problem'>Choose a county to keep these answers.</p>"
                return
            try:
                v = change["new"]
                stored = (store.update(*k, set_answers={item_id: int(v)}) if v is not None
                          else store.update(*k, unset=[item_id]))
                n_other = bring_in(stored, {item_id})
                if n_other:
                    refresh_views()
                saved_message(*k, f" {n_other} answer{'s' if n_other != 1 else ''} saved from another window "
                                  f"{'are' if n_other != 1 else 'is'} shown too." if n_other else "")
            except AnswerError as exc:
                saved.value = f"<p class='lk-problem'>{html.escape(str(exc))} The answers are still on screen.</p>"
            except Exception:  # noqa: BLE001
                log.exception("save failed")
                saved.value = "<p class='lk-problem'>The answers could not be saved; they are still on screen.</p>"
        return handler

    def on_goal(change):
        if state["loading"]:
            return
        k = key()
        if k is None:
            state["unsaved"] = True
            saved.value = "<p class='lk-problem'>Choose a county to keep these answers.</p>"
            return
        try:
            stored = store.update(*k, goal=goal.value)
            n_other = bring_in(stored, set())
            if n_other:
                refresh_views()
            saved_message(*k)
        except AnswerError as exc:
            saved.value = f"<p class='lk-problem'>{html.escape(str(exc))} The goal is still on screen.</p>"
        except Exception:  # noqa: BLE001
            log.exception("goal save failed")
            saved.value = "<p class='lk-problem'>The goal could not be saved; it is still on screen.</p>"

    def switch(restored: bool = False):
        """Show the (county, session) now chosen. Saved answers for it are loaded; answers on screen
        that are not saved anywhere yet (given before a county was chosen) are added to them, and
        with no saved answers for the new choice, the answers on screen carry over to it."""
        k = key()
        on_screen, on_goal = answers(), goal.value
        unsaved = state["unsaved"] and bool(on_screen or on_goal)
        confirm.layout.display = "none"
        plan_links.value = plan_preview.value = ""
        try:
            if k is None:
                state["key"] = None
                saved.value = ("<p>Choose your county to keep your answers.</p>" if not on_screen else
                               "<p class='lk-problem'>Choose a county to keep these answers.</p>")
                return
            c, sess = k
            data = store.load(c, sess)
            state["key"] = k
            state["unsaved"] = False
            if data is None:
                if on_screen or on_goal:
                    stored = store.update(c, sess, set_answers=on_screen, goal=on_goal)
                    show(stored.answers, stored.goal)
                    saved.value = (f"<p class='lk-ok'>No saved answers for {_where(c, sess)} yet: the "
                                   f"{len(on_screen)} answer{'s' if len(on_screen) != 1 else ''} on screen are now "
                                   f"saved under it. {_bookmark(c, sess)}</p>")
                else:
                    saved.value = (f"<p>No saved answers for {_where(c, sess)} yet: answers are saved as you give "
                                   f"them. {_bookmark(c, sess)}</p>")
                return
            if unsaved:
                data = store.update(c, sess, set_answers=on_screen, goal=(on_goal if on_goal and not data.goal else None))
            show(data.answers, data.goal)
            n = len(data.answers)
            if restored:
                saved.value = (f"<p class='lk-ok lk-restored'>Restored the answers for {html.escape(c)}"
                               f"{', session “' + html.escape(sess) + '”' if sess else ' (no session name)'}, "
                               f"saved at {html.escape(data.updated.replace('T', ' '))} on this machine "
                               f"({n} of {len(toggles)} answered). Choose another county or session to switch. "
                               f"{_bookmark(c, sess)}</p>")
            else:
                saved.value = (f"<p class='lk-ok'>Loaded {n} saved answer{'' if n == 1 else 's'} for {_where(c, sess)} "
                               f"(last saved {html.escape(data.updated.replace('T', ' '))}). {_bookmark(c, sess)}</p>")
        except AnswerError as exc:
            saved.value = f"<p class='lk-problem'>{html.escape(str(exc))}</p>"
        except Exception:  # noqa: BLE001
            log.exception("load failed")
            saved.value = "<p class='lk-problem'>Saved answers could not be loaded; the answers on screen are unchanged.</p>"
        finally:
            show_restore()
            refresh_views()

    def on_choice(_):
        if state["loading"]:
            return
        switch()

    def go_to(c: str, sess: str, restored: bool = False):
        """Set the County and Session boxes together (one switch, not two)."""
        state["loading"] = True
        try:
            session.value = sess
            county.value = c
        finally:
            state["loading"] = False
        switch(restored=restored)

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
                + _link(text, base + ".csv", "text/csv", "Download (CSV, one row per item)", "lk-plan-csv")
                + f" — {len(a)} of {len(toggles)} items answered.</p>")
            body = page.split("<body>", 1)[1].split("</body>", 1)[0]
            plan_preview.value = f"<details><summary>Preview the plan</summary>{body}</details>"
        except Exception:  # noqa: BLE001
            log.exception("work plan failed")
            plan_links.value = "<p class='lk-problem'>The work plan could not be made; your answers are unchanged.</p>"

    def ask_clear(_):
        n = len(answers())
        if not n and not goal.value:
            saved.value = "<p>There are no answers to clear.</p>"
            return
        k = key()
        where = _where(*k) if k else "this page"
        confirm_text.value = (f"<p role='alert'>Clear all {n} answer{'s' if n != 1 else ''}"
                              f"{' and the goal' if goal.value else ''} for {where}? A copy is kept, so you can "
                              "restore them afterwards.</p>")
        confirm.layout.display = ""

    def do_clear(_):
        confirm.layout.display = "none"
        try:
            n = len(answers())
            k = key()
            if k is None:
                state["memory_backup"] = (answers(), goal.value)
            else:
                store.clear(*k)
            show({}, "")
            where = _where(*k) if k else "this page"
            saved.value = (f"<p class='lk-ok'>Cleared {n} answer{'s' if n != 1 else ''} for {where}. "
                           "“Restore the cleared answers” brings them back.</p>")
        except AnswerError as exc:
            saved.value = f"<p class='lk-problem'>{html.escape(str(exc))} Nothing was cleared.</p>"
        except Exception:  # noqa: BLE001
            log.exception("clear failed")
            saved.value = "<p class='lk-problem'>The answers could not be cleared; they are unchanged.</p>"
        finally:
            show_restore()
            refresh_views()

    def keep(_):
        confirm.layout.display = "none"
        saved.value = "<p>Nothing was cleared.</p>"

    def do_restore(_):
        try:
            k = key()
            if k is None:
                kept = state["memory_backup"]
                if kept is None:
                    saved.value = "<p>There are no cleared answers to restore.</p>"
                    return
                a, g = kept
                merged = dict(a)
                merged.update(answers())
                show(merged, goal.value or g)
                state["memory_backup"] = None
                saved.value = (f"<p class='lk-ok'>Restored {len(merged)} answers on this page. Choose a county to "
                               "keep them.</p>")
            else:
                data = store.restore_backup(*k)
                show(data.answers, data.goal)
                saved.value = (f"<p class='lk-ok'>Restored the cleared answers for {_where(*k)}: "
                               f"{len(data.answers)} of {len(toggles)} answered. {_bookmark(*k)}</p>")
        except AnswerError as exc:
            saved.value = f"<p class='lk-problem'>{html.escape(str(exc))}</p>"
        except Exception:  # noqa: BLE001
            log.exception("restore failed")
            saved.value = "<p class='lk-problem'>The cleared answers could not be restored.</p>"
        finally:
            show_restore()
            refresh_views()

    for item_id, t in toggles.items():
        t.observe(on_item(item_id), names="value")
    goal.observe(on_goal, names="value")
    county.observe(on_choice, names="value")
    session.observe(on_choice, names="value")
    compare.observe(lambda *_: refresh_views(), names="value")
    make.on_click(make_plan)
    clear.on_click(ask_clear)
    yes.on_click(do_clear)
    no.on_click(keep)
    restore.on_click(do_restore)

    q_county, q_session = _from_query()
    if q_county:  # a bookmarked address: open on those answers
        go_to(q_county, q_session)
    elif restore_latest:
        try:
            latest = store.latest()
        except Exception:  # noqa: BLE001 - the page must still open
            log.exception("could not look for saved answers")
            latest = None
        if latest is not None and latest.county in counties():
            go_to(latest.county, latest.session, restored=True)
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
        w.HBox([make, clear, restore]), confirm, plan_links, plan_preview,
    ]).add_class("lk-sa")


def app(store: AnswerStore | None = None):
    """Build the self-assessment and display it (the notebook's one line)."""
    from IPython.display import display

    display(build_app(store))
