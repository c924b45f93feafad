"""The rules explorer in a real headless Chromium, served by ``linkages serve``: open the
gallery, follow the link, see the worked example, change the family, download what is on
screen, make a mistake; and values no one can type, sent through the widget model."""

from __future__ import annotations

import csv
import datetime as dt
import io
import time

import pytest

from browser_support import PAGE_TIMEOUT_MS, SHOTS, open_simulator, page_problems

pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("voila")]

TIMINGS: dict[str, float] = {}


def _wait_text(page, selector: str, text: str, timeout: int = 30_000) -> None:
    page.wait_for_function(
        "([sel, txt]) => { const el = document.querySelector(sel); return !!el && el.innerText.includes(txt); }",
        arg=[selector, text], timeout=timeout)


def _enter(page, name: str, typed: str) -> None:
    box = page.locator(f".lk-in-{name} input")
    box.fill(typed)
    box.press("Enter")


def test_gallery_to_rules_explorer(kit_url, recorded_page):
    page, recorder = recorded_page
    page.goto(kit_url + "/", wait_until="commit")
    page.wait_for_selector(".lk-gallery a.lk-sim-link", timeout=PAGE_TIMEOUT_MS)
    assert page.url.endswith("/voila/render/index.ipynb")
    titles = page.locator(".lk-gallery a.lk-sim-link").all_inner_texts()
    assert "Rules explorer" in titles and "Find our shared families" in titles
    assert "Self-assessment and work plan" in titles
    from linkages.ui.gallery import available, modules

    assert titles == [s.title for s in available()]  # every landed simulator, in registry order
    used = page.inner_text(".lk-sim:has(a:text-is('Rules explorer')) .lk-sim-modules")
    assert f"Module 1 · {modules()[1].title}" in used and "open in JupyterLab (make lab)" in used

    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / "gallery.png"))
    start = time.monotonic()
    page.click("a.lk-sim-link:text-is('Rules explorer')")
    _wait_text(page, ".lk-summary", "$975", timeout=PAGE_TIMEOUT_MS)
    TIMINGS["first_render_s"] = time.monotonic() - start
    print(f"\nrules explorer first render (click to $975 on screen): {TIMINGS['first_render_s']:.2f} s")
    assert page.url.endswith("/voila/render/rules_explorer.ipynb")
    summary = page.inner_text(".lk-summary")
    assert "one-parent family of three in Alameda (Region 1)" in summary
    assert "if the parent were sanctioned, $730" in summary
    assert "$1,175" in page.inner_text(".lk-row-map")
    assert "sourced" in page.inner_text(".lk-row-grant")
    assert "assumption" in page.inner_text(".lk-row-sanctioned_grant")
    assert "November 30, 2024" in page.inner_text(".lk-row-case_plan")
    # controls are labelled: the earnings box is found by its label
    assert page.get_by_label("Monthly earnings ($)").count() == 1
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / "rules_explorer.png"), full_page=True)

    # more earnings: (1,400 - 600) x 50% = 400 countable -> 1,175 - 400 = 775
    t = time.monotonic()
    _enter(page, "earnings", "1400")
    _wait_text(page, ".lk-summary", "$775")
    TIMINGS["update_s"] = time.monotonic() - t
    _wait_text(page, ".lk-row-countable", "$400")  # (the table and the summary are separate widgets)

    # the parent sanctioned, back at $1,000: 930 - 200 = 730
    _enter(page, "earnings", "1000")
    _wait_text(page, ".lk-summary", "$975")
    _enter(page, "sanctioned", "1")
    _wait_text(page, ".lk-summary", "the parent sanctioned gets $730")
    _wait_text(page, ".lk-row-grant", "$730")
    _wait_text(page, ".lk-row-clock", "sanctioned")
    assert "\tNo\t" in page.inner_text(".lk-row-clock")

    # the downloads hold what is on screen now
    page.wait_for_function("() => { const a = document.querySelector('a.lk-dl-csv-calworks'); "
                           "return !!a && atob(a.href.split(',')[1]).includes('$730 a month'); }", timeout=30_000)
    name, data = _download(page, "a.lk-dl-csv-calworks")
    assert name == "rules_explorer_calworks.csv"
    rows = list(csv.DictReader(io.StringIO(data.decode("utf-8"))))
    on_screen = page.eval_on_selector_all(".lk-calworks-table td.lk-value", "tds => tds.map(td => td.innerText)")
    assert [r["answer"] for r in rows] == on_screen
    assert {r["status"] for r in rows} <= {"sourced", "assumption"}
    name, data = _download(page, "a.lk-dl-html")
    summary_page = data.decode("utf-8")
    assert name == "rules_explorer_summary.html"
    assert page.inner_text(".lk-summary").strip() in summary_page
    assert "<td>$1,000</td>" in summary_page and "<script" not in summary_page
    _download(page, "a.lk-dl-csv-child_welfare")

    # a mistake: a sentence beside the control, everything else kept, no traceback
    _enter(page, "earnings", "-50")
    _wait_text(page, ".lk-msg-earnings", "negative")
    assert "$730" in page.inner_text(".lk-summary")          # last good results stay
    assert page.input_value(".lk-in-children_ages input") == "4, 8"
    assert page.input_value(".lk-in-sanctioned input") == "1"
    assert page.input_value(".lk-in-earnings input") == "-50"  # what was typed is not lost
    page.locator(".lk-in-children_ages input").fill("four, 8")
    page.locator(".lk-in-children_ages input").press("Enter")
    _wait_text(page, ".lk-msg-children_ages", "not an age")
    page.screenshot(path=str(SHOTS / "rules_explorer_mistake.png"), full_page=True)
    assert "Traceback" not in page.content()

    # fixing both puts things right
    _enter(page, "children_ages", "4, 8")
    _enter(page, "earnings", "1000")
    page.wait_for_function("() => !document.querySelector('.lk-msg-earnings').innerText.trim()", timeout=30_000)
    _wait_text(page, ".lk-summary", "$730")

    outside = recorder.outside()
    assert not outside, f"the page asked hosts other than this machine for: {outside}"
    assert any("/voila/" in u for u in recorder.urls)


def _download(page, selector: str) -> tuple[str, bytes]:
    with page.expect_download(timeout=30_000) as d:
        page.click(selector)
    with open(d.value.path(), "rb") as f:
        return d.value.suggested_filename, f.read()


# --- values set through the widget model ----------------------------------------------------------

#: Send a control a new state over its comm, found through the page's own widget manager: the
#: comm_msg a browser may send (Voila allows comm messages). Dates go as the widget's JSON
#: ({year, month from 0, date}).
_SET = r"""
async ([cls, attr, v, isDate]) => {
  const wm = window.jupyterapp.widgetManager;
  const all = wm._models instanceof Map ? Array.from(wm._models.values()) : Object.values(wm._models || {});
  for (const p of all) {
    const m = await p;
    if (!(m.get('_dom_classes') || []).includes(cls)) continue;
    const value = isDate ? { year: v[0], month: v[1] - 1, date: v[2] } : v;
    m.comm.send({ method: 'update', state: { [attr]: value }, buffer_paths: [] });
    return true;
  }
  return false;
}
"""


def _field_error(**changes) -> tuple[str, str]:
    from linkages.ui.rules_explorer import FieldErrors, Inputs, calworks_results, child_welfare_results

    for fn in (calworks_results, child_welfare_results):
        try:
            fn(Inputs(**changes))
        except FieldErrors as exc:
            return next(iter(exc.errors.items()))
    raise AssertionError(f"{changes} should be refused")


def test_values_set_through_the_widget_model_get_a_sentence(kit_url, recorded_page):
    """A browser can set any widget's value through comm_msg (Voila allows it): out-of-range
    values get the same sentence beside the control as typed ones, values a control cannot hold
    at all get one too, the last good results stay, and no traceback shows."""
    from linkages.ui.rules_explorer import UNUSABLE

    page, recorder = recorded_page
    open_simulator(page, kit_url, "rules_explorer.ipynb", ".lk-summary")
    _wait_text(page, ".lk-summary", "$975", timeout=PAGE_TIMEOUT_MS)
    cases = [
        ("age_at_removal", "value", 40, False, _field_error(age_at_removal=40)[1]),
        ("sanctioned", "value", 10**6, False, _field_error(sanctioned=10**6)[1]),
        ("earnings", "value", -1e12, False, _field_error(earnings=-1e12)[1]),
        ("as_of", "value", [1900, 1, 1], True, _field_error(as_of=dt.date(1900, 1, 1))[1]),
        ("adults", "index", 99, False, UNUSABLE["Dropdown"]),
        ("employed", "value", None, False, UNUSABLE["IntText"]),
    ]
    for name, attr, v, is_date, sentence in cases:
        assert page.evaluate(_SET, [f"lk-in-{name}", attr, v, is_date]), name
        try:
            _wait_text(page, f".lk-msg-{name}", sentence)
        except Exception as exc:  # noqa: BLE001 - say which control, and what it showed
            raise AssertionError(f"{name}={v!r}: expected {sentence!r} beside it, saw "
                                 f"{page.inner_text(f'.lk-msg-{name}')!r}") from exc
        assert "$975" in page.inner_text(".lk-summary"), f"{name}: the last good results must stay"
        assert page_problems(page) == [] and "Traceback" not in page.content()
    # the dropdown shows its kept choice again
    assert page.eval_on_selector(".lk-in-adults select", "s => s.selectedIndex") == 0
    page.screenshot(path=str(SHOTS / "rules_explorer_widget_state.png"), full_page=True)

    # good values put everything right
    for name, attr, v, is_date in (("age_at_removal", "value", 4, False), ("sanctioned", "value", 0, False),
                                   ("earnings", "value", 1400, False), ("as_of", "value", [2024, 11, 1], True),
                                   ("employed", "value", 1, False)):
        page.evaluate(_SET, [f"lk-in-{name}", attr, v, is_date])
    _wait_text(page, ".lk-summary", "$775")
    page.wait_for_function("() => Array.from(document.querySelectorAll('.lk-field-msg')).every(e => !e.innerText.trim())",
                           timeout=30_000)
    assert recorder.outside() == []
