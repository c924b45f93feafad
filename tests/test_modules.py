"""The learner modules: each runs top to bottom in under 60 s, has objectives, 3–6 self-checks
tagged with its own objectives, figures with a finding in the title and alt text, a "try it"
link and a summary; notebooks are committed without outputs. And the self-check component:
feedback in words, never a traceback."""

from __future__ import annotations

import json
import re
import time
from pathlib import Path

import nbformat
import pytest

from linkages.curriculum import execute, figure_images, module_paths, notebook_objectives, notebook_selfchecks
from linkages.selfcheck import MultipleChoice, Numeric, SelfCheckError, parse_number

ROOT = Path(__file__).resolve().parents[1]
MODULES = module_paths(ROOT / "notebooks")
IDS = [p.stem for p in MODULES]
LIMIT_SECONDS = 60
TIMES: dict[str, float] = {}


def _nb(path):
    return nbformat.read(str(path), as_version=4)


def _md(nb):
    return [c.source for c in nb.cells if c.cell_type == "markdown"]


def test_modules_exist_in_order():
    numbers = [int(p.name[:2]) for p in MODULES]
    assert numbers == list(range(9)), f"the nine learner modules 00-08, in order: {numbers}"


@pytest.mark.parametrize("path", MODULES, ids=IDS)
def test_committed_without_outputs(path):
    nb = _nb(path)
    for cell in nb.cells:
        if cell.cell_type == "code":
            assert cell.outputs == [] and cell.execution_count is None, (
                f"{path.name}: strip outputs before committing")


def _figure_cells(nb) -> int:
    return sum(1 for c in nb.cells if c.cell_type == "code" and ("plt.show()" in c.source or "display(fig)" in c.source))


@pytest.mark.slow
@pytest.mark.parametrize("path", MODULES, ids=IDS)
def test_module_runs_top_to_bottom_quickly(path):
    """As a learner runs it: a fresh kernel with the inline backend (``execute`` forces it,
    whatever MPLBACKEND the test run has), so drawing every figure counts in the time limit.
    Times go to build/module_times.json."""
    t0 = time.perf_counter()
    nb = execute(path, timeout=LIMIT_SECONDS)
    took = time.perf_counter() - t0
    TIMES[path.stem] = took
    images, as_text = figure_images(nb)
    out = ROOT / "build" / "module_times.json"
    out.parent.mkdir(exist_ok=True)
    try:
        known = json.loads(out.read_text()) if out.exists() else {}
    except ValueError:
        known = {}
    known[path.stem] = {"seconds": round(took, 1), "figures": images}
    out.write_text(json.dumps(known, indent=1, sort_keys=True))
    print(f"{path.stem}: {took:.1f} s, {images} figure(s)")
    assert as_text == 0 and images == _figure_cells(nb), (
        f"{path.name}: {images} figure(s) drawn as images and {as_text} as '<Figure size ...>' text; "
        f"want {_figure_cells(nb)} images")
    errors = [o for c in nb.cells for o in c.get("outputs", []) if o.get("output_type") == "error"]
    assert not errors, f"{path.name} raised: {errors[0].get('ename')}: {errors[0].get('evalue')}"
    assert took < LIMIT_SECONDS, f"{path.name} took {took:.0f} s (limit {LIMIT_SECONDS} s)"
    streams = " ".join(o.get("text", "") for c in nb.cells for o in c.get("outputs", [])
                       if o.get("output_type") == "stream" and o.get("name") == "stderr")
    assert "Traceback" not in streams
    # every self-check cell displays a question (widget plus a static fallback)
    for cell in nb.cells:
        if "selfcheck" in cell.metadata.get("tags", []):
            data = [o.get("data", {}) for o in cell.outputs if o.get("output_type") == "execute_result"]
            assert data and "text/html" in data[0] and "Self-check" in data[0]["text/html"], (
                f"{path.name}: a self-check cell showed nothing")
            assert "application/vnd.jupyter.widget-view+json" in data[0]


@pytest.mark.parametrize("path", MODULES, ids=IDS)
def test_module_structure(path):
    nb = _nb(path)
    n = int(path.name[:2])
    text = "\n".join(_md(nb))
    assert re.match(rf"#\s+Module {n}\b", nb.cells[0].source), f"{path.name}: first cell should title 'Module {n}'"
    assert re.search(r"\*\*About \d+ minutes\.\*\*", nb.cells[0].source), "state the time up front"
    objectives = notebook_objectives(path)
    assert objectives, f"{path.name}: no '## Learning objectives' list"
    assert all(o.startswith(f"M{n}.O") for o in objectives)
    first_obj = next(i for i, c in enumerate(nb.cells) if "Learning objectives" in c.source)
    assert first_obj <= 2, "learning objectives come up front"
    checks = notebook_selfchecks(path)
    assert 3 <= len(checks) <= 6, f"{path.name}: {len(checks)} self-checks (want 3-6)"
    for qid, objs in checks.items():
        assert qid.startswith(f"M{n}.Q")
        for o in objs:
            assert o in objectives, f"{qid} checks {o}, which is not one of this module's objectives"
    for o in objectives:
        assert any(o in objs for objs in checks.values()), f"objective {o} has no self-check"
    for heading in ("## Try it", "## Summary"):
        assert heading in text, f"{path.name}: missing '{heading}'"
    assert re.search(r"http://127\.0\.0\.1:8866/voila/render/\w+\.ipynb", text), "try-it link to a simulator"
    if n >= 1:
        assert "## A family's story" in text or "cast" in text.lower(), "each module follows a family"


@pytest.mark.parametrize("path", MODULES, ids=IDS)
def test_figures_state_a_finding_and_have_alt_text(path):
    nb = _nb(path)
    for i, cell in enumerate(nb.cells):
        if cell.cell_type == "code" and ("plt.show()" in cell.source or "display(fig)" in cell.source):
            titles = re.findall(r"(?:set_title|suptitle)\((f?)\"([^\"]+)\"", cell.source)
            kit_figure = re.search(r"\b\w*figure\(", cell.source)  # the engine's figures title themselves
            assert titles or kit_figure, f"{path.name} cell {i}: a figure needs a title that states the finding"
            for _, t in titles:
                assert len(t.split()) >= 5, f"{path.name}: the title '{t}' should state the finding"
            nxt = nb.cells[i + 1]
            assert nxt.cell_type == "markdown" and nxt.source.lstrip().startswith("*Figure:"), (
                f"{path.name} cell {i}: follow a figure with '*Figure: ...*' alt text")
            assert "OKABE_ITO" in cell.source or "use_style" in "".join(c.source for c in nb.cells[:i]), (
                "figures use the Okabe-Ito palette")


DISCOURAGED = [r"\baddicts?\b", r"\bjunkies?\b", r"\bwelfare (mom|queen)s?\b", r"\bCWS moms?\b",
               r"\bbroken homes?\b", r"\bdual[- ]system cases?\b", r"\billegals?\b"]


@pytest.mark.parametrize("path", MODULES, ids=IDS)
def test_person_first_language_and_honest_labels(path):
    nb = _nb(path)
    prose = "\n".join(_md(nb))
    # quoting a discouraged term in order to rephrase it is fine: "not “an addict”"
    cleaned = re.sub(r"\"[^\"]*\"|“[^”]*”", " ", prose)
    for pat in DISCOURAGED:
        assert not re.search(pat, cleaned, re.I), f"{path.name}: '{pat}' — use person-first language"
    code_text = "\n".join(c.source for c in nb.cells if c.cell_type == "code")
    if re.search(r"linkages\.(simulate|outcomes)|from linkages import (simulate|outcomes)", code_text):
        assert re.search(r"teaching illustration", prose, re.I), (
            f"{path.name}: label model results as teaching illustrations")
    assert re.search(r"synthetic", prose, re.I), f"{path.name}: say the families are synthetic"


def test_try_it_links_point_at_real_simulators():
    from linkages.curriculum import load_module_map

    pending = set(load_module_map(ROOT / "curriculum" / "module_map.yaml").get("pending_simulators") or [])
    sims = ROOT / "simulators"
    for path in MODULES:
        for name in re.findall(r"voila/render/(\w+\.ipynb)", "\n".join(_md(_nb(path)))):
            assert (sims / name).exists() or name in pending, (
                f"{path.name} links to simulators/{name}, which does not exist (nor is it pending)")
    # (a pending simulator that has since landed is fine: the list is only tidied by hand)


# --- the self-check component ----------------------------------------------------------------

def _mc(**kw):
    base = dict(qid="M9.Q1", objective="M9.O1", prompt="Pick one", options=["a", "b", "c"],
                answer=1, why="Because b.", feedback={0: "a is for apples.", 2: "c is for cherries."})
    base.update(kw)
    return MultipleChoice(**base)


def test_multiple_choice_feedback_in_words():
    q = _mc()
    assert q.check(1) == (True, "Because b.")
    assert q.check(0) == (False, "a is for apples.")
    assert q.check(2) == (False, "c is for cherries.")
    assert q.check(None)[0] is None


@pytest.mark.parametrize("path", MODULES, ids=IDS)
def test_every_wrong_option_says_why(path):
    """Each self-check tells a learner who picks a wrong option why it is wrong (the component
    refuses a question without that feedback; this reads the modules without running them)."""
    import ast

    for cell in _nb(path).cells:
        if cell.cell_type != "code" or "MultipleChoice(" not in cell.source:
            continue
        for node in ast.walk(ast.parse(cell.source)):
            if isinstance(node, ast.Call) and getattr(node.func, "id", "") == "MultipleChoice":
                kw = {k.arg: ast.literal_eval(k.value) for k in node.keywords}
                right = [kw["answer"]] if isinstance(kw["answer"], int) else list(kw["answer"])
                wrong = [i for i in range(len(kw["options"])) if i not in right]
                missing = [i for i in wrong if not str(kw.get("feedback", {}).get(i, "")).strip()]
                assert not missing, f"{kw['qid']}: option(s) {missing} get no reason why they are wrong"
                for i in wrong:
                    assert len(kw["feedback"][i].split()) >= 5, f"{kw['qid']}: say why option {i} is wrong, in a sentence"


def test_multiple_choice_widget_click_without_browser():
    q = _mc()
    w = q.widget()
    w._check(None)
    assert "Choose an answer" in w.children[-1].value
    w._picker.value = 1
    w._check(None)
    assert "Yes." in w.children[-1].value and "Because b." in w.children[-1].value


def test_choose_all_that_apply():
    q = _mc(answer=[0, 2], feedback={1: "b is wrong."})
    assert q.many
    assert q.check([2, 0])[0] is True
    assert q.check([0])[0] is False and "not ticked" in q.check([0])[1]
    assert q.check([0, 1, 2]) == (False, "b is wrong.")
    w = q.widget()
    w._picker.children[0].value = True
    w._picker.children[2].value = True
    w._check(None)
    assert "Yes." in w.children[-1].value


@pytest.mark.parametrize("typed,expected", [
    ("975", 975.0), ("$975", 975.0), ("1,175.50", 1175.5), ("20 hours", 20.0), ("−3", -3.0),
    ("abc", None), ("", None), ("1 or 2", None), (None, None), (12, 12.0)])
def test_parse_number(typed, expected):
    assert parse_number(typed) == expected


def test_numeric_question_never_raises_on_odd_input():
    q = Numeric(qid="M9.Q2", objective="M9.O1", prompt="How much?", answer=975, unit="$",
                why="1,175 − 200.", feedback={1175: "That is the MAP."})
    assert q.check("975")[0] is True
    assert q.check("$1,175") == (False, "That is the MAP.")
    assert "too high" in q.check("2000")[1]
    for odd in ["", "nine hundred", "1e400", "975 or 976", "<script>", "  ", "0x10"]:
        ok, msg = q.check(odd)
        assert ok in (None, False) and isinstance(msg, str) and msg
    w = q.widget()
    w._picker.value = "lots"
    w._check(None)
    assert "not a number" in w.children[-1].value
    w._picker.value = "<b>975</b>"
    w._check(None)
    assert "&lt;" in w.children[-1].value or "Yes." in w.children[-1].value


def test_static_fallback_for_handouts():
    html = _mc().static_html()
    assert "Check your answer" in html and "<details>" in html and "Because b." in html
    bundle = _mc()._repr_mimebundle_()
    assert {"text/html", "text/plain"} <= set(bundle)


@pytest.mark.parametrize("bad", [
    dict(qid="Q1"), dict(objective="objective one"), dict(answer=7), dict(options=["only"]),
    dict(feedback={9: "x"}), dict(why=" "), dict(feedback={0: "a is for apples."}), dict(feedback={0: "a", 2: " "})])
def test_authoring_mistakes_are_caught(bad):
    with pytest.raises(SelfCheckError):
        _mc(**bad)


def test_module_0_start_instructions_match_the_makefile():
    """A newcomer follows module 0 from a fresh clone: `make lab` must exist, set the kit up on
    its own and open notebooks/."""
    welcome = "\n".join(_md(_nb(ROOT / "notebooks" / "00_welcome.ipynb")))
    assert "make lab" in welcome and "00_welcome.ipynb" in welcome
    makefile = (ROOT / "Makefile").read_text()
    m = re.search(r"^lab:\s*(.*)\n((?:\t.*\n)+)", makefile, re.M)
    assert m, "the Makefile has no 'lab' target"
    assert "setup" in m.group(1), "make lab should set the kit up first on a fresh clone"
    assert "notebooks" in m.group(2), "make lab should open the notebooks folder"
    for verb in ("make demo", "make handouts", "make slides"):
        if verb in welcome:
            assert re.search(rf"^{verb.split()[1]}:", makefile, re.M), f"module 0 mentions '{verb}', missing in Makefile"
