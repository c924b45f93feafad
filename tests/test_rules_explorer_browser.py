"""The rules explorer in a real headless Chromium, served by ``linkages serve``: open the
gallery, follow the link, see the worked example, change the family, make a mistake."""

from __future__ import annotations

import time

import pytest

from browser_support import PAGE_TIMEOUT_MS, SHOTS

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
    assert "Readiness self-assessment" in titles
    from linkages.ui.gallery import available

    assert titles == [s.title for s in available()]  # every landed simulator, in registry order

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
