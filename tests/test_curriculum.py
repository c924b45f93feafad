"""Trainer curriculum: the module map holds together (objective -> self-check -> exercise ->
simulator), the glossary covers every acronym the modules use, the knowledge check and the
notes match the map, and slides and handouts build offline."""

from __future__ import annotations

import io
import re
import tokenize
from pathlib import Path

import nbformat
import pytest

from linkages import cli
from linkages.curriculum import (
    build_handout,
    build_slides,
    load_module_map,
    module_paths,
    notebook_objectives,
    notebook_selfchecks,
    render_module_map,
)

ROOT = Path(__file__).resolve().parents[1]
CUR = ROOT / "curriculum"
MAP = load_module_map(CUR / "module_map.yaml")
MODULES = module_paths(ROOT / "notebooks")


# --- the module map ----------------------------------------------------------------------------

def test_every_module_is_in_the_map_and_every_mapped_module_exists():
    mapped = {m["notebook"] for m in MAP["modules"]}
    present = {str(p.relative_to(ROOT)) for p in MODULES}
    assert present == mapped, f"notebooks not mapped: {present - mapped}; mapped but missing: {mapped - present}"
    pending = {p["number"] for p in MAP.get("pending", [])}
    assert not pending & {m["number"] for m in MAP["modules"]}, "a module is both mapped and pending"


@pytest.mark.parametrize("mod", MAP["modules"], ids=[m["id"] for m in MAP["modules"]])
def test_map_matches_the_notebook(mod):
    path = ROOT / mod["notebook"]
    nb_objs = notebook_objectives(path)
    map_objs = [o["id"] for o in mod["objectives"]]
    assert sorted(nb_objs) == sorted(map_objs), f"{mod['id']}: objectives differ between map and notebook"
    checks = notebook_selfchecks(path)
    listed = set()
    for obj in mod["objectives"]:
        assert obj.get("text"), f"{obj['id']} needs a text"
        assert obj.get("selfchecks"), f"{obj['id']} has no self-check"
        for q in obj["selfchecks"]:
            assert q in checks, f"{obj['id']} lists {q}, which is not in {path.name}"
            assert obj["id"] in checks[q], f"{q} checks {checks[q]}, not {obj['id']}"
            listed.add(q)
    assert listed == set(checks), f"{mod['id']}: self-checks missing from the map: {set(checks) - listed}"


def _assignment_for(number: int) -> Path | None:
    """exercises/source/m<N>_*/ (the nbgrader assignment of module N), if it has landed."""
    src = ROOT / "exercises" / "source"
    found = sorted(src.glob(f"m{number}_*")) if src.is_dir() else []
    return found[0] if found else None


def _grade_ids(folder: Path) -> set[str]:
    ids = set()
    for path in folder.rglob("*.ipynb"):
        for cell in nbformat.read(str(path), as_version=4).cells:
            gid = cell.metadata.get("nbgrader", {}).get("grade_id")
            if gid:
                ids.add(gid)
    return ids


@pytest.mark.parametrize("mod", MAP["modules"], ids=[m["id"] for m in MAP["modules"]])
def test_every_objective_maps_to_a_self_check_and_an_exercise(mod):
    """Each objective of modules 1-8 lists the nbgrader questions (grade ids) that exercise it,
    and each listed question exists; the welcome has no graded assignment. (No escape hatch: an
    objective without an exercise fails.)"""
    if mod["number"] == 0:
        assert not mod.get("assignment")
        return
    folder = _assignment_for(mod["number"])
    assert folder is not None, f"module {mod['number']} has no assignment in exercises/source/"
    assert mod.get("assignment") == folder.name, (
        f"{mod['id']}: set assignment: {folder.name} in module_map.yaml and map its questions to objectives")
    ids = _grade_ids(folder)
    mapped = set()
    for obj in mod["objectives"]:
        exercises = obj.get("exercises") or []
        assert obj.get("selfchecks"), f"{obj['id']} has no self-check"
        assert "exercise_gap" not in obj, f"{obj['id']}: exercise_gap is not accepted; add an exercise"
        assert exercises, f"{obj['id']} has no exercise in {folder.name}: add a question and list its id"
        for ex in exercises:
            # "q2" is a question of this module's assignment; "m6_financing:q2" one of another
            where, _, qid = ex.rpartition(":")
            other = ROOT / "exercises" / "source" / where if where else folder
            assert other.is_dir(), f"{obj['id']} lists {ex}, but exercises/source/{where} does not exist"
            have = ids if other == folder else _grade_ids(other)
            assert qid in have or any(g.startswith(qid + "_") for g in have), (
                f"{obj['id']} lists {ex}, which is not a question of {other.name} (it has {sorted(have)})")
            mapped.add(ex)


@pytest.mark.parametrize("mod", MAP["modules"], ids=[m["id"] for m in MAP["modules"]])
def test_simulator_named_in_the_map_exists_or_is_pending(mod):
    sim = mod["simulator"]
    assert (ROOT / "simulators" / sim).exists() or sim in (MAP.get("pending_simulators") or []), (
        f"{mod['id']}: simulators/{sim} does not exist and is not listed as pending")


def test_rendered_module_map_is_up_to_date():
    assert (CUR / "module_map.md").read_text(encoding="utf-8") == render_module_map(MAP), (
        "curriculum/module_map.md is stale: re-render it from module_map.yaml (see curriculum/README.md)")


# --- glossary ------------------------------------------------------------------------------------

ACRONYM = re.compile(r"(?<![A-Za-z0-9])([A-Z][A-Z0-9&]*[A-Z][A-Z0-9&]*)(?:s|'s)?(?![A-Za-z0-9])")
ROMAN = {"II", "III", "IV", "VI", "VII", "VIII", "IX", "XI"}


IDENTIFIER = re.compile(r"\b[A-Z]+-\d+\b")  # record ids such as CAST-000007, not acronyms


def _prose(nb):
    for c in nb.cells:
        if c.cell_type == "markdown":
            s = re.sub(r"https?://\S+", " ", c.source)
            yield re.sub(r"`[^`]*`", " ", s)
        elif c.cell_type == "code":
            try:
                for tok in tokenize.generate_tokens(io.StringIO(c.source).readline):
                    if tok.type in (tokenize.STRING, tokenize.COMMENT):
                        yield re.sub(r"https?://\S+", " ", tok.string)
            except (tokenize.TokenError, IndentationError, SyntaxError):
                continue


def glossary_terms() -> set[str]:
    text = (CUR / "glossary.md").read_text(encoding="utf-8")
    return set(re.findall(r"^\|\s*\*\*([^*]+)\*\*\s*\|", text, re.M))


def test_glossary_covers_every_acronym_in_the_modules():
    terms = glossary_terms()
    missing = {}
    for path in MODULES:
        for text in _prose(nbformat.read(str(path), as_version=4)):
            for m in ACRONYM.finditer(IDENTIFIER.sub(" ", text)):
                word = m.group(1)
                if word not in terms and word not in ROMAN:
                    missing.setdefault(word, set()).add(path.name)
    assert not missing, "add to curriculum/glossary.md: " + "; ".join(
        f"{w} (in {', '.join(sorted(f))})" for w, f in sorted(missing.items()))


def test_glossary_rows_are_well_formed_and_sorted():
    text = (CUR / "glossary.md").read_text(encoding="utf-8")
    rows = re.findall(r"^\|\s*\*\*([^*]+)\*\*\s*\|([^|]*)\|([^|]*)\|\s*$", text, re.M)
    assert len(rows) >= 30
    for term, stands, means in rows:
        assert stands.strip() and means.strip(), f"glossary row {term} is incomplete"
    names = [r[0] for r in rows]
    assert names == sorted(names, key=str.lower), "keep the glossary alphabetical"
    assert len(names) == len(set(names)), "a term appears twice"


# --- the rest of the trainer material ------------------------------------------------------------

def test_agendas_cover_the_four_formats():
    text = (CUR / "agendas.md").read_text(encoding="utf-8")
    for heading in ("## Half-day overview", "## Full-day workshop", "## Two-session technical-assistance series",
                    "## Self-study path"):
        assert heading in text


def test_facilitator_notes_per_module_with_co_training():
    text = (CUR / "facilitator_notes.md").read_text(encoding="utf-8")
    for mod in MAP["modules"]:
        assert re.search(rf"^## Module {mod['number']} ·", text, re.M), f"no facilitator notes for module {mod['number']}"
    assert "Co-train" in text and "Misconceptions" in text.replace("misconceptions", "Misconceptions")


def test_knowledge_check_questions_map_to_objectives_and_have_answers():
    text = (CUR / "knowledge_check.md").read_text(encoding="utf-8")
    questions = re.findall(r"^(\d+)\. \*\((M\d+\.O\d+)\)\*", text, re.M)
    assert len(questions) >= 8
    objectives = {o["id"] for m in MAP["modules"] for o in m["objectives"]}
    for num, obj in questions:
        assert obj in objectives, f"knowledge check question {num} points at {obj}, not in the module map"
    key = re.findall(r"^\| (\d+) \| ([a-d]) \|", text, re.M)
    assert [k for k, _ in key] == [q for q, _ in questions], "one answer-key row per question, in order"


def test_references_have_addresses():
    text = (CUR / "references.md").read_text(encoding="utf-8")
    assert len(re.findall(r"https?://\S+", text)) >= 30


# --- slides and handouts -------------------------------------------------------------------------

EXTERNAL = re.compile(r"""(?:<script[^>]+src|<link[^>]+href|@import\s+url)\s*=?\s*\(?["']?https?://""", re.I)
OUTPUT_IMG = re.compile(r'<div class="jp-RenderedImage jp-OutputArea-output[^"]*"[^>]*>\s*(<img\b[^>]*>)', re.S)


def _figure_cells(path: Path) -> int:
    """Code cells of a module that draw a figure for the reader."""
    nb = nbformat.read(str(path), as_version=4)
    return sum(1 for c in nb.cells if c.cell_type == "code" and ("plt.show()" in c.source or "display(fig)" in c.source))


def assert_real_figures(html: str, path: Path) -> None:
    """Every figure of the module is a PNG <img> in a cell output, with alt text; none came out as
    matplotlib's "<Figure size ...>" text (what Agg prints instead of a picture). The CSS of the
    page also holds data: images, so only images inside output areas count."""
    assert "&lt;Figure size" not in html and "<Figure size" not in html, (
        f"{path.name}: a figure came out as text; the module ran without the inline backend")
    imgs = OUTPUT_IMG.findall(html)
    real = [t for t in imgs if re.search(r'src="data:image/png;base64,[A-Za-z0-9+/=\s]{500,}"', t)]
    want = _figure_cells(path)
    assert want >= 1 and len(real) == want, f"{path.name}: {len(real)} figure image(s) in the outputs, want {want}"
    for tag in real:
        alt = re.search(r"""alt=(["'])(.*?)\1""", tag, re.S)  # single quotes when the text holds a "
        assert alt and len(alt.group(2).split()) >= 5, f"{path.name}: a figure image lacks its alt text"


@pytest.mark.slow
def test_handout_builds_offline_with_outputs(tmp_path):
    path = next(p for p in MODULES if p.name.startswith("01"))
    out = build_handout(path, tmp_path)
    html = out.read_text(encoding="utf-8")
    assert not EXTERNAL.search(html), "the handout asks the network for something"
    assert_real_figures(html, path)
    assert "Check your answer" in html and "Self-check M1.Q1" in html
    assert "MultipleChoice(" not in html, "self-check code (with its answer) stays out of handouts"
    assert "teaching illustrations" in html


@pytest.mark.slow
def test_slides_build_offline_through_the_cli(tmp_path):
    rc = cli.main(["slides", "--only", "00", "--out", str(tmp_path)])
    assert rc == 0
    html = (tmp_path / "00_welcome.html").read_text(encoding="utf-8")
    assert not EXTERNAL.search(html), "the deck asks the network for something"
    assert "kit-slide" in html and "celltag_slide-start" in html
    # the prose is on the slides (markdown is rendered inside .jp-InputArea: never hide it) ...
    assert "Learning objectives" in html and not re.search(r"\.jp-InputArea\s*\{[^}]*display:\s*none", html)
    # ... and the code is not
    assert "MultipleChoice(" not in html and "from linkages" not in html
    assert_real_figures(html, next(p for p in MODULES if p.name.startswith("00")))
    assert (tmp_path / "index.html").exists()


def test_the_figure_check_fails_on_figures_drawn_as_text(tmp_path):
    """The figure check itself: a module run under Agg (as `make` used to run it) prints
    "<Figure size ...>" for display(fig) and draws nothing for plt.show(); the check must fail."""
    path = next(p for p in MODULES if p.name.startswith("00"))
    with pytest.raises(AssertionError):
        assert_real_figures("<pre>&lt;Figure size 499.2x441.6 with 1 Axes&gt;</pre>", path)
    css_only = '<style>.x{background:url("data:image/png;base64,' + "A" * 600 + '")}</style>'
    with pytest.raises(AssertionError):
        assert_real_figures(css_only, path)


def test_slides_command_says_what_is_wrong(tmp_path, capsys):
    assert cli.main(["handouts", "--only", "77", "--out", str(tmp_path)]) == 1
    assert "No learner modules found" in capsys.readouterr().err
