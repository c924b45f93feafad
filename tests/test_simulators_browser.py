"""The family simulator and the county what-if in a real headless Chromium, served by
``linkages serve`` (what ``make demo`` runs): they render, a change of family or practice changes
the numbers, downloads really download and hold what was on screen, bad input gets a sentence
and changes nothing else, no traceback shows and no request leaves 127.0.0.1."""

from __future__ import annotations

import csv
import html
import io
import re
import time

import pytest

from browser_support import PAGE_TIMEOUT_MS, SHOTS, RequestRecorder, leave_page, page_problems

pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("voila")]

TIMINGS: dict[str, float] = {}


def _open(browser, url: str, height: int):
    page = browser.new_page(viewport={"width": 1280, "height": height}, accept_downloads=True)
    rec = RequestRecorder(page)
    console: list[str] = []
    page.on("console", lambda m: console.append(m.text))
    page.goto(url, wait_until="commit")
    return page, rec, console


def _text(page, sel: str) -> str:
    return page.inner_text(sel)


def _wait_change(page, sel: str, before: str, timeout: int = 60_000) -> None:
    page.wait_for_function(
        "([sel, before]) => { const e = document.querySelector(sel); return !!e && e.innerText !== before; }",
        arg=[sel, before], timeout=timeout)


def _wait_text(page, sel: str, text: str, timeout: int = 60_000) -> None:
    page.wait_for_function(
        "([sel, txt]) => { const e = document.querySelector(sel); return !!e && e.innerText.includes(txt); }",
        arg=[sel, text], timeout=timeout)


def _download(page, selector: str) -> tuple[str, bytes]:
    with page.expect_download(timeout=30_000) as d:
        page.click(selector)
    dl = d.value
    with open(dl.path(), "rb") as f:
        return dl.suggested_filename, f.read()


def _no_errors(page) -> None:
    assert page_problems(page) == []
    assert "lk-problem" not in (page.inner_html(".lk-status") or "")


def _enter(page, sel: str, typed: str) -> None:
    box = page.locator(f"{sel} input")
    box.fill(typed)
    box.press("Enter")


def _screen_numbers(page) -> dict[str, dict[str, float]]:
    rows = page.eval_on_selector_all(
        ".lk-numbers tr[data-key]",
        "trs => trs.map(tr => [tr.dataset.key, Array.from(tr.querySelectorAll('td.lk-v')).map(td => [td.dataset.col, td.innerText])])")
    out = {}
    for key, cells in rows:
        out[key] = {c: float(v.replace("−", "-").replace(",", "").replace("+", "")) if v != "n/a" else float("nan")
                    for c, v in cells}
    return out


# --- family simulator ---------------------------------------------------------------------------

def test_family_simulator(kit_url, browser):
    start = time.monotonic()
    page, rec, console = _open(browser, kit_url + "/voila/render/family_simulator.ipynb", 3000)
    page.wait_for_selector(".lk-summary p", timeout=PAGE_TIMEOUT_MS)
    page.wait_for_selector(".lk-paths img", timeout=60_000)
    TIMINGS["family_first_render_s"] = time.monotonic() - start
    SHOTS.mkdir(parents=True, exist_ok=True)

    summary = _text(page, ".lk-summary")
    assert "Under separate plans she is asked for" in summary and "Across 30 runs, Linh" in summary
    assert "Teaching illustration, not a forecast" in page.inner_text("body")
    assert "assumption" in page.inner_text(".lk-assumptions")
    cal_alt = page.get_attribute(".lk-calendar img", "alt")
    assert cal_alt and "Weekly calendar" in cal_alt and "Double-booked" in cal_alt
    assert "30 runs" in page.get_attribute(".lk-paths img", "alt")
    page.screenshot(path=str(SHOTS / "family_simulator.png"), full_page=True)

    # the week as a linked plan: the current row of the hours table moves, the calendar changes
    hours_before = _text(page, ".lk-hours-box")
    assert "separate plans" in page.inner_text(".lk-hours-box tr.lk-current")
    page.click(".lk-mode button:has-text('Linked plan')")
    page.wait_for_function("() => document.querySelector('.lk-hours-box tr.lk-current')?.innerText.includes('linked plan')",
                           timeout=30_000)
    # the calendar follows the hours table (it may be drawn a moment later)
    page.wait_for_function("() => (document.querySelector('.lk-calendar img')?.alt || '')"
                           ".startsWith('Weekly calendar. Linked plan')", timeout=30_000)

    # downloads hold what is on screen
    name, data = _download(page, "a.lk-dl-csv-week")
    assert name == "family_linh_week.csv"
    rows = list(csv.DictReader(io.StringIO(data.decode())))
    screen = page.eval_on_selector_all(".lk-hours-box tbody tr", "trs => trs.map(tr => Array.from(tr.cells).map(c => c.innerText))")
    for row, cells in zip(rows, screen):
        assert row["plans"] == cells[0]
        assert float(row["hours_asked_per_week"]) == float(cells[5])
        assert int(row["double_bookings"]) == int(cells[6])
    name, data = _download(page, "a.lk-dl-html")
    page_html = data.decode()
    first = page.inner_text(".lk-summary p:nth-of-type(1)")
    assert first in html.unescape(page_html)
    assert not re.search(r"(src|href)=['\"]https?:", page_html)
    name, data = _download(page, "a.lk-dl-png-paths")
    assert name.endswith(".png") and data.startswith(b"\x89PNG")

    # another family: other numbers
    before = _text(page, ".lk-summary")
    t = time.monotonic()
    page.select_option(".lk-family select", index=2)  # Tasha (CAST-000003)
    _wait_change(page, ".lk-summary", before)
    TIMINGS["family_change_s"] = time.monotonic() - t
    assert "Tasha" in _text(page, ".lk-summary")
    assert _text(page, ".lk-hours-box") != hours_before

    # describe a family; a bad age gets a sentence beside the box and changes nothing else
    tasha = _text(page, ".lk-summary")
    page.click(".lk-source button:has-text('Describe a family')")
    page.wait_for_selector(".lk-ages input", state="visible", timeout=30_000)
    _wait_change(page, ".lk-summary", tasha)
    described = _text(page, ".lk-summary")
    _enter(page, ".lk-ages", "2, seven")
    _wait_text(page, ".lk-ages-msg", "not an age")
    assert _text(page, ".lk-summary") == described
    page.screenshot(path=str(SHOTS / "family_simulator_bad_age.png"), full_page=True)
    _enter(page, ".lk-ages", "4")
    _wait_change(page, ".lk-summary", described)
    assert _text(page, ".lk-ages-msg").strip() == ""
    # the described family's week and paths are drawn (not the last family's, greyed out)
    page.wait_for_selector(".lk-calendar:not(.lk-stale) img", state="attached", timeout=60_000)
    page.wait_for_selector(".lk-paths:not(.lk-stale) img", state="attached", timeout=60_000)
    assert "1 child (age 4)" in _text(page, ".lk-vignette-box")
    page.screenshot(path=str(SHOTS / "family_simulator_described.png"), full_page=True)

    _no_errors(page)
    assert rec.outside() == []
    leave_page(page)


# --- county what-if -------------------------------------------------------------------------

def test_county_whatif(kit_url, browser):
    start = time.monotonic()
    page, rec, console = _open(browser, kit_url + "/voila/render/county_whatif.ipynb", 4200)
    page.wait_for_selector(".lk-numbers tr[data-key]", timeout=PAGE_TIMEOUT_MS)
    TIMINGS["county_first_numbers_s"] = time.monotonic() - start
    page.wait_for_selector(".lk-fig-attribution img", timeout=120_000)
    TIMINGS["county_first_render_s"] = time.monotonic() - start
    SHOTS.mkdir(parents=True, exist_ok=True)

    body = page.inner_text("body")
    assert "Teaching illustration, not a forecast" in body
    assert "10,000 households" in _text(page, ".lk-caseload")
    assert "assumption" in page.inner_text(".lk-assumptions")
    for sel in (".lk-fig-outcomes img", ".lk-fig-cost img", ".lk-fig-attribution img"):
        alt = page.get_attribute(sel, "alt")
        assert alt and "_" not in alt  # display names, never code names
    # intervals are called what they are: the lowest and highest of the paired runs
    assert "lowest to highest of the 3 runs" in _text(page, ".lk-summary")
    assert "Means of the 3 paired runs" in _text(page, ".lk-numbers") and "lowest run" in _text(page, ".lk-numbers")
    assert "percentile" not in body
    page.screenshot(path=str(SHOTS / "county_whatif.png"), full_page=True)

    # every strength control has an accessible name with its practice, visible labels, and the
    # keyboard reaches it: practice switch, then its slider, then its box
    from linkages.ui.county_app import accessible_names

    page.wait_for_function("() => document.querySelectorAll('.noUi-handle[aria-label^=\"Strength of \"]').length === 8",
                           timeout=30_000)
    names = accessible_names()
    for cls, (role, name) in names.items():
        assert page.get_by_role(role, name=name, exact=True).count() == 1, name
    row = page.locator(".lk-lever-linked_plan")
    snap = row.aria_snapshot()
    assert 'slider "Strength of linked case plan"' in snap and 'textbox "Strength of linked case plan, typed' in snap
    label = page.locator(".lk-strength-linked_plan .widget-label")
    assert label.is_visible() and label.inner_text().strip() == "strength"
    assert "Linked case plan" in row.inner_text()
    page.locator(".lk-on-linked_plan input").focus()
    page.keyboard.press("Tab")
    assert page.evaluate("() => document.activeElement.getAttribute('aria-label')") == "Strength of linked case plan"
    page.keyboard.press("Tab")
    assert page.evaluate("() => document.activeElement.getAttribute('aria-label')").startswith(
        "Strength of linked case plan, typed")

    # a practice off: the numbers change (the baseline does not)
    n0 = _screen_numbers(page)
    before = _text(page, ".lk-numbers")
    t = time.monotonic()
    page.click(".lk-on-case_conference input")
    _wait_change(page, ".lk-numbers", before)
    TIMINGS["county_lever_change_s"] = time.monotonic() - t
    n1 = _screen_numbers(page)
    assert n1 != n0
    assert all(n1[k]["baseline"] == n0[k]["baseline"] for k in n0)

    # the strength by keyboard on the slider, found by its accessible name
    before = _text(page, ".lk-numbers")
    page.get_by_role("slider", name="Strength of linked case plan", exact=True).focus()
    page.keyboard.press("ArrowLeft")
    _wait_change(page, ".lk-numbers", before)
    assert page.input_value(".lk-strength-text-linked_plan input") == "0.95"

    # bad input: a sentence beside the control; nothing else the visitor set is lost
    shown = _text(page, ".lk-numbers")
    _enter(page, ".lk-strength-text-pooled_funding", "1.5")
    _wait_text(page, ".lk-strength-msg-pooled_funding", "outside")
    for typed, words in (("abc", "not a number"), ("0", "at least 50")):
        _enter(page, ".lk-size", typed)
        _wait_text(page, ".lk-size-msg", words)
    assert _text(page, ".lk-numbers") == shown
    assert not page.is_checked(".lk-on-case_conference input")
    assert page.input_value(".lk-strength-text-linked_plan input") == "0.95"
    page.screenshot(path=str(SHOTS / "county_whatif_bad_input.png"), full_page=True)

    # downloads hold what is on screen
    page.wait_for_function("() => !document.querySelector('.lk-busy').innerText.trim()", timeout=120_000)
    screen = _screen_numbers(page)
    name, data = _download(page, "a.lk-dl-csv-numbers")
    assert name == "whatif_statewide_numbers.csv"
    rows = list(csv.DictReader(io.StringIO(data.decode())))
    assert {r["key"] for r in rows} == set(screen)
    assert {"baseline_lowest_run", "difference_highest_run", "paired_runs"} <= set(rows[0])
    assert {r["paired_runs"] for r in rows} == {"3"}
    for r in rows:
        for col, v in screen[r["key"]].items():
            x = float(r[col]) if r[col] not in ("", "nan") else float("nan")
            assert (x == v) or (x != x and v != v), (r["key"], col, x, v)
    name, data = _download(page, "a.lk-dl-html")
    html_page = data.decode()
    first = page.inner_text(".lk-summary p:nth-of-type(1)")
    assert first in html.unescape(html_page) and "Teaching illustration, not a forecast" in html_page
    assert html_page.count("data:image/png;base64,") >= 3
    assert not re.search(r"(src|href)=['\"]https?:", html_page)
    assert "lowest to highest of the 3 runs" in html_page and "percentile" not in html_page
    name, data = _download(page, "a.lk-dl-png-costs")
    assert data.startswith(b"\x89PNG")

    # a smaller caseload, then the sensitivity on a button press
    _enter(page, ".lk-size", "600")
    _wait_text(page, ".lk-caseload", "600 households")
    assert _text(page, ".lk-size-msg").strip() == ""
    page.click(".lk-sens-button")
    page.wait_for_selector(".lk-fig-tornado img", timeout=180_000)
    alt = page.get_attribute(".lk-fig-tornado img", "alt")
    assert "Tornado" in alt and "_" not in alt
    page.screenshot(path=str(SHOTS / "county_whatif_sensitivity.png"), full_page=True)

    _no_errors(page)
    assert rec.outside() == []
    leave_page(page)


def test_report_timings():
    """Print what the browser saw (read by the benchmark notes; never fails)."""
    for k, v in TIMINGS.items():
        print(f"{k}: {v:.2f} s")
