"""The learner modules as slide decks and handouts, for rooms without Jupyter; and the small
helpers the modules share (colour-blind-safe palette, figure style, the module list).

``linkages slides``   (``make slides``)   -> build/slides/NN_name.html, one deck per module
``linkages handouts`` (``make handouts``) -> build/handouts/NN_name.html, one handout per module

Both execute each module first, so figures and tables are in the file, and both write **one
self-contained HTML file** per module: images are embedded, CSS is inline, and nothing is
fetched from the internet. (nbconvert's stock ``reveal`` and ``lab`` templates ask CDNs for
reveal.js, require.js, MathJax and Mermaid; the templates here drop those requests and add a
20-line slide viewer of their own.) Open a file by double-clicking it; no server needed.

Options (both commands)::

    --only 00,01       build only these module numbers
    --out DIR          write here instead of build/slides or build/handouts
    --notebooks DIR    read modules from here instead of notebooks/
    --no-execute       use the notebooks as saved (faster; no outputs if they were stripped)
"""

from __future__ import annotations

import argparse
import copy
import html
import re
import sys
import time
from pathlib import Path
from typing import Iterable

__all__ = [
    "OKABE_ITO",
    "PALETTE",
    "date_15_of_22",
    "count_for_both",
    "start_at",
    "use_style",
    "repo_root",
    "module_paths",
    "load_module_map",
    "notebook_selfchecks",
    "notebook_objectives",
    "render_module_map",
    "write_module_map",
    "execute",
    "kernel_env",
    "figure_images",
    "build_handout",
    "build_slides",
    "slides_main",
    "handouts_main",
]

#: Okabe & Ito (2008) colour-blind-safe palette, in the order the kit uses it.
OKABE_ITO = {
    "blue": "#0072B2",
    "orange": "#E69F00",
    "bluish_green": "#009E73",
    "vermillion": "#D55E00",
    "sky_blue": "#56B4E9",
    "reddish_purple": "#CC79A7",
    "yellow": "#F0E442",
    "black": "#000000",
}
PALETTE = [OKABE_ITO[k] for k in ("blue", "orange", "bluish_green", "vermillion",
                                  "sky_blue", "reddish_purple", "black", "yellow")]

ILLUSTRATION = "Teaching illustration, not a forecast"

#: The backend a learner's JupyterLab kernel uses: figures become PNG outputs of their cell.
INLINE_BACKEND = "module://matplotlib_inline.backend_inline"


def _activate_inline() -> None:
    """In a Jupyter kernel whose backend is the inline one, load that backend now. Matplotlib
    loads a backend only when pyplot first needs it, and the inline backend teaches IPython to
    draw a ``Figure`` only once it is loaded; so a module whose first figure comes from the
    engine (``display(fig)`` of a Figure made without pyplot) showed ``<Figure size ...>`` text
    instead of the picture."""
    import matplotlib as mpl

    try:
        name = mpl.get_backend(auto_select=False)
    except TypeError:  # matplotlib before 3.10
        name = mpl.rcParams._get("backend")
    if name in ("inline", INLINE_BACKEND):
        import matplotlib.pyplot as plt

        plt.switch_backend(name)


def use_style() -> None:
    """Matplotlib defaults for the modules: Okabe–Ito colours, readable sizes, light grid; and,
    in a learner's kernel, the inline backend ready before the first figure."""
    import matplotlib as mpl
    from cycler import cycler

    _activate_inline()

    mpl.rcParams.update({
        "axes.prop_cycle": cycler(color=PALETTE),
        "figure.figsize": (7.5, 3.8),
        "figure.dpi": 96,
        "savefig.dpi": 96,
        "font.size": 11,
        "axes.titlesize": 12,
        "axes.titleweight": "bold",
        "axes.spines.top": False,
        "axes.spines.right": False,
        "axes.grid": True,
        "grid.alpha": 0.3,
    })


def repo_root() -> Path:
    """The checkout holding ``notebooks/`` (the package lives in ``src/linkages``)."""
    here = Path(__file__).resolve()
    for cand in (here.parents[2], Path.cwd(), *Path.cwd().parents):
        if (cand / "notebooks").is_dir():
            return cand
    return Path.cwd()


def module_paths(folder: Path | None = None, only: Iterable[str] | None = None) -> list[Path]:
    """The learner modules in order: ``notebooks/NN_name.ipynb``."""
    folder = Path(folder) if folder else repo_root() / "notebooks"
    paths = sorted(p for p in folder.glob("[0-9][0-9]_*.ipynb"))
    if only:
        wanted = {f"{int(x):02d}" for x in only}
        paths = [p for p in paths if p.name[:2] in wanted]
    return paths


# --- small helpers the modules call, so their cells stay short ------------------------------

def date_15_of_22(periods, entered_foster_care, start=None, until=None):
    """The first **day** on which a child has been in care 15 of the most recent 22 months
    (``linkages.rules.cws.meets_15_of_22``, tried one day at a time from ``start``, default the
    day the child entered foster care, to ``until``, default ten years later), or ``None``.
    ``periods`` are the ``(start, end)`` spells in care, ``end`` None while still in care."""
    import datetime as dt

    from .dates import add_months
    from .rules import cws

    first = start or entered_foster_care
    first = first if isinstance(first, dt.date) else dt.date.fromisoformat(str(first)[:10])
    last = until or add_months(first, 120)
    day = first
    while day <= last:
        if cws.meets_15_of_22(periods, day, entered_foster_care):
            return day
        day += dt.timedelta(days=1)
    return None


def count_for_both(plan, activities):
    """The same plan, with the named activities counted by both programs (what a case conference
    may agree, where the county counts them)."""
    from dataclasses import replace

    from .plans import Plan

    names = set(activities)
    return Plan(tuple(replace(a, accepted_by=frozenset({"wtw", "cws"})) if a.activity in names else a
                      for a in plan.activities), name=plan.name)


def start_at(plan, activity, hour):
    """The same plan, with ``activity`` moved to start at ``hour`` (24-hour clock) on its days."""
    from dataclasses import replace

    from .plans import Plan

    return Plan(tuple(replace(a, start_hour=float(hour)) if a.activity == activity else a
                      for a in plan.activities), name=plan.name)


# --- the module map -------------------------------------------------------------------------

def load_module_map(path: Path | None = None) -> dict:
    """``curriculum/module_map.yaml`` as a dict."""
    from .yamlio import safe_load

    path = Path(path) if path else repo_root() / "curriculum" / "module_map.yaml"
    return safe_load(path.read_text(encoding="utf-8"))


def notebook_selfchecks(path: Path) -> dict[str, list[str]]:
    """Self-check id -> objective ids, read from a module's code without running it."""
    import ast

    import nbformat

    nb = nbformat.read(str(path), as_version=4)
    found: dict[str, list[str]] = {}
    for cell in nb.cells:
        if cell.cell_type != "code":
            continue
        try:
            tree = ast.parse(cell.source)
        except SyntaxError:
            continue
        for node in ast.walk(tree):
            if isinstance(node, ast.Call) and getattr(node.func, "id", getattr(node.func, "attr", "")) in (
                    "MultipleChoice", "Numeric"):
                kw = {k.arg: k.value for k in node.keywords}
                if "qid" in kw and "objective" in kw:
                    obj = ast.literal_eval(kw["objective"])
                    found[ast.literal_eval(kw["qid"])] = [obj] if isinstance(obj, str) else list(obj)
    return found


def notebook_objectives(path: Path) -> dict[str, str]:
    """Objective id -> text, from the module's "Learning objectives" list (``- **M1.O1** ...``)."""
    import nbformat

    nb = nbformat.read(str(path), as_version=4)
    out: dict[str, str] = {}
    for cell in nb.cells:
        if cell.cell_type == "markdown" and "Learning objectives" in cell.source:
            for m in re.finditer(r"^\s*-\s+\*\*(M\d+\.O\d+)\*\*\s+(.+?)(?=^\s*-\s+\*\*|\Z)",
                                 cell.source, re.M | re.S):
                out[m.group(1)] = " ".join(m.group(2).split())
    return out


def _exercise_cell(mod: dict, obj: dict) -> str:
    ex = obj.get("exercises") or []
    if ex and mod.get("assignment"):
        return ", ".join(e if ":" in e else f"{mod['assignment']}:{e}" for e in ex)
    return "—"


def render_module_map(data: dict | None = None) -> str:
    """The module map as markdown (what ``curriculum/module_map.md`` holds)."""
    data = data or load_module_map()
    url = data.get("simulator_url", "{simulator}")
    lines = [
        "# Module map",
        "",
        "Objective ↔ module ↔ self-check ↔ exercise ↔ simulator. Rendered from",
        "`module_map.yaml` (edit that file, then re-render; a test keeps the two in step).",
        "",
        "| module | time | objective | self-checks | exercises | simulator |",
        "|---|---|---|---|---|---|",
    ]
    for mod in data["modules"]:
        sim = mod.get("simulator")
        sim_txt = f"[{sim}]({url.format(simulator=sim)})" if sim else "—"
        for k, obj in enumerate(mod["objectives"]):
            head = f"{mod['number']}. {mod['title']}" if k == 0 else ""
            mins = f"{mod['minutes']} min" if k == 0 else ""
            lines.append(
                f"| {head} | {mins} | **{obj['id']}** {obj['text']} | "
                f"{', '.join(obj.get('selfchecks') or []) or '—'} | "
                f"{_exercise_cell(mod, obj)} | {sim_txt if k == 0 else ''} |")
    if data.get("pending_simulators"):
        lines += ["", "Simulators linked above that have not landed in `simulators/` yet: "
                  + ", ".join(data["pending_simulators"]) + "."]
    if data.get("pending"):
        lines += ["", "## Pending modules", "",
                  "Not in the kit yet: each is written once the engine it needs has landed.", ""]
        for p in data["pending"]:
            lines.append(f"- Module {p['number']}: {p['title']} (waits for {p['waits_for']})")
    return "\n".join(lines) + "\n"


def write_module_map(path: Path | None = None) -> Path:
    path = Path(path) if path else repo_root() / "curriculum" / "module_map.md"
    path.write_text(render_module_map(), encoding="utf-8")
    return path


# --- executing -----------------------------------------------------------------------------

def kernel_env(base: dict | None = None) -> dict:
    """The environment for a kernel that runs a module *for people* (a handout, a deck, the
    module tests): the inline backend, whatever the caller's ``MPLBACKEND`` says. Under ``Agg``
    (a sensible default for scripts and the grader) ``plt.show()`` draws nothing and
    ``display(fig)`` prints ``<Figure size ...>`` instead of the picture."""
    import os

    env = dict(os.environ if base is None else base)
    env["MPLBACKEND"] = INLINE_BACKEND
    return env


def execute(path: Path, timeout: int = 120):
    """Run a module top to bottom in a fresh kernel, as a learner's JupyterLab would (inline
    figures); return the executed notebook."""
    import nbformat
    from nbclient import NotebookClient

    nb = nbformat.read(str(path), as_version=4)
    client = NotebookClient(nb, timeout=timeout, kernel_name="python3",
                            resources={"metadata": {"path": str(Path(path).parent)}})
    client.execute(env=kernel_env())
    return nb


def figure_images(nb) -> tuple[int, int]:
    """(figures drawn as images, figures that came out as ``<Figure size ...>`` text) in the
    outputs of an executed notebook."""
    images = text = 0
    for cell in nb.cells:
        for out in cell.get("outputs", []):
            data = out.get("data", {})
            if "image/png" in data or "image/svg+xml" in data:
                images += 1
            elif "<Figure size" in str(data.get("text/plain", "")):
                text += 1
    return images, text


def _drop_widget_views(nb) -> None:
    """Keep the static HTML of each self-check; a file without a kernel cannot run widgets."""
    view = "application/vnd.jupyter.widget-view+json"
    for cell in nb.cells:
        for out in cell.get("outputs", []):
            data = out.get("data")
            if data and view in data and len(data) > 1:
                del data[view]
    nb.metadata.pop("widgets", None)


# --- templates (kept here so the package needs no extra data files) ---------------------------

_OFFLINE_BLOCKS = """
{%- block html_head_js -%}{%- endblock html_head_js -%}
{%- block jupyter_widgets -%}{%- endblock jupyter_widgets -%}
{%- block html_head_js_mathjax -%}{%- endblock html_head_js_mathjax -%}
{%- block html_head_js_mermaidjs -%}{%- endblock html_head_js_mermaidjs -%}
"""

# Figures carry the module's "*Figure: ...*" alt text (see :func:`_figure_alt`) on the <img>.
_FIGURE_BLOCK = """
{% block data_png scoped %}
<div class="jp-RenderedImage jp-OutputArea-output {{ extra_class }}">
<img src="data:image/png;base64,{{ output.data['image/png'] | escape_html }}"
 alt="{{ output.metadata.get('kit_alt', 'Figure') | escape_html }}" class="kit-figure">
</div>
{%- endblock data_png %}
"""

_KIT_CSS = """
body.jp-Notebook { max-width: 62rem; margin: 0 auto; padding: 1rem; }
.kit-banner { border-left: 6px solid #0072B2; background: #f2f7fb; padding: .6rem 1rem; margin: 1rem 0; }
.jp-InputPrompt, .jp-OutputPrompt { display: none; }
"""

HANDOUT_TEMPLATE = """{%- extends 'lab/index.html.j2' -%}
""" + _OFFLINE_BLOCKS + _FIGURE_BLOCK + """
{%- block html_head_css -%}<style>""" + _KIT_CSS + """</style>{%- endblock html_head_css -%}
{%- block body_header -%}
{{ super() }}
<div class="kit-banner"><b>Linkages Kit handout: {{ resources.kit_title | e }}</b><br>
Printed from the learner module with its outputs. Every family is synthetic; model results are
teaching illustrations, not forecasts. Self-check answers are folded under "Check your answer".</div>
{%- endblock body_header -%}
"""

_DECK_CSS = """
html, body { height: 100%; }
body.jp-Notebook { margin: 0; padding: 0; max-width: none; }
.kit-slide { display: none; box-sizing: border-box; height: calc(100vh - 3rem); overflow-y: auto;
             padding: 1.5rem 4rem; font-size: 1.25rem; }
.kit-slide.present { display: block; }
.kit-slide h1 { font-size: 2.2rem; } .kit-slide h2 { font-size: 1.9rem; }
.kit-slide img { max-height: 60vh; }
#kit-nav { position: fixed; bottom: 0; left: 0; right: 0; height: 3rem; display: flex;
           align-items: center; gap: 1rem; padding: 0 1rem; background: #f2f2f2;
           border-top: 1px solid #ccc; font: 14px sans-serif; }
#kit-nav button { font-size: 1rem; padding: .2rem .8rem; }
@media print { .kit-slide { display: block !important; height: auto; page-break-after: always; }
               #kit-nav { display: none; } }
"""

_DECK_JS = """
(function () {
  var main = document.querySelector('main');
  var cells = Array.prototype.slice.call(main.children);
  var slides = [], cur = null;
  cells.forEach(function (c) {
    if (!cur || c.querySelector('.celltag_slide-start')) {
      cur = document.createElement('section'); cur.className = 'kit-slide';
      main.insertBefore(cur, c); slides.push(cur);
    }
    cur.appendChild(c);
  });
  var nav = document.getElementById('kit-nav'), label = document.getElementById('kit-count');
  var i = Math.max(0, Math.min(slides.length - 1, (parseInt(location.hash.slice(1), 10) || 1) - 1));
  function show(n) {
    i = Math.max(0, Math.min(slides.length - 1, n));
    slides.forEach(function (s, k) { s.classList.toggle('present', k === i); });
    label.textContent = 'Slide ' + (i + 1) + ' of ' + slides.length;
    history.replaceState(null, '', '#' + (i + 1)); slides[i].scrollTop = 0;
  }
  document.getElementById('kit-prev').onclick = function () { show(i - 1); };
  document.getElementById('kit-next').onclick = function () { show(i + 1); };
  document.addEventListener('keydown', function (e) {
    if (['ArrowRight', 'PageDown', ' '].indexOf(e.key) >= 0) { show(i + 1); e.preventDefault(); }
    if (['ArrowLeft', 'PageUp'].indexOf(e.key) >= 0) { show(i - 1); e.preventDefault(); }
    if (e.key === 'Home') show(0); if (e.key === 'End') show(slides.length - 1);
  });
  show(i);
})();
"""

SLIDES_TEMPLATE = """{%- extends 'lab/index.html.j2' -%}
""" + _OFFLINE_BLOCKS + _FIGURE_BLOCK + """
{%- block html_head_css -%}<style>""" + _KIT_CSS + _DECK_CSS + """</style>{%- endblock html_head_css -%}
{% block body_footer %}
</main>
<nav id="kit-nav" aria-label="Slide controls">
  <button id="kit-prev" aria-label="Previous slide">&larr;</button>
  <button id="kit-next" aria-label="Next slide">&rarr;</button>
  <span id="kit-count"></span>
  <span style="margin-left:auto">{{ resources.kit_title | e }} &middot; Linkages Kit &middot;
  synthetic families; model results are teaching illustrations &middot; arrow keys move</span>
</nav>
<script>""" + _DECK_JS + """</script>
</body>
{% endblock body_footer %}
"""


def _exporter(template_text: str, name: str, exclude_input: bool = False):
    from jinja2 import DictLoader
    from nbconvert import HTMLExporter

    exp = HTMLExporter(
        extra_loaders=[DictLoader({name: template_text})],
        template_file=name,
        embed_images=True,
        exclude_input=exclude_input,
        exclude_input_prompt=True,
        exclude_output_prompt=True,
    )
    from nbconvert.preprocessors import TagRemovePreprocessor

    # A self-check's code holds its answer: show the question, fold the answer, hide the code.
    exp.register_preprocessor(TagRemovePreprocessor(remove_input_tags={"selfcheck"}), enabled=True)
    return exp


def _title(nb, path: Path) -> str:
    for cell in nb.cells:
        if cell.cell_type == "markdown":
            m = re.search(r"^#\s+(.+)$", cell.source, re.M)
            if m:
                return m.group(1).strip()
    return path.stem


def _mark_slides(nb) -> None:
    """A new slide at every markdown cell that opens with a heading; cells tagged ``skip-slides``
    (set-up code, long tables) are left out of the deck."""
    keep = []
    for cell in nb.cells:
        tags = list(cell.metadata.get("tags", []))
        if "skip-slides" in tags:
            continue
        if cell.cell_type == "markdown" and re.match(r"\s*#{1,3}\s", cell.source):
            if "slide-start" not in tags:
                tags.append("slide-start")
            cell.metadata["tags"] = tags
        keep.append(cell)
    nb.cells = keep


def _figure_alt(nb) -> None:
    """Give each figure output the alt text of the ``*Figure: ...*`` cell that follows it, so
    the handout's and the deck's <img> tags carry it too."""
    for i, cell in enumerate(nb.cells):
        if cell.cell_type != "code":
            continue
        nxt = nb.cells[i + 1] if i + 1 < len(nb.cells) else None
        alt = ""
        if nxt is not None and nxt.cell_type == "markdown":
            m = re.match(r"\s*\*Figure:\s*(.+?)\*(?:\s|$)", nxt.source, re.S)
            if m:
                alt = " ".join(m.group(1).replace("\\$", "$").split())
        for out in cell.get("outputs", []):
            if "image/png" in out.get("data", {}):
                out.setdefault("metadata", {})["kit_alt"] = alt or "Figure (described in the text below)"


def _write(html_text: str, out: Path) -> Path:
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(html_text, encoding="utf-8")
    return out


def build_handout(path: Path, out_dir: Path, nb=None, run: bool = True) -> Path:
    """One self-contained handout (HTML with outputs) for the module at ``path``."""
    import nbformat

    nb = copy.deepcopy(nb) if nb is not None else (execute(path) if run else nbformat.read(str(path), as_version=4))
    _drop_widget_views(nb)
    _figure_alt(nb)
    exp = _exporter(HANDOUT_TEMPLATE, "kit_handout.html.j2")
    body, _ = exp.from_notebook_node(nb, resources={"kit_title": _title(nb, path)})
    return _write(body, Path(out_dir) / f"{path.stem}.html")


def build_slides(path: Path, out_dir: Path, nb=None, run: bool = True) -> Path:
    """One self-contained slide deck (HTML, arrow keys to move) for the module at ``path``."""
    import nbformat

    nb = copy.deepcopy(nb) if nb is not None else (execute(path) if run else nbformat.read(str(path), as_version=4))
    _drop_widget_views(nb)
    _figure_alt(nb)
    _mark_slides(nb)
    exp = _exporter(SLIDES_TEMPLATE, "kit_slides.html.j2", exclude_input=True)
    body, _ = exp.from_notebook_node(nb, resources={"kit_title": _title(nb, path)})
    return _write(body, Path(out_dir) / f"{path.stem}.html")


def _index(out_dir: Path, built: list[Path], kind: str) -> Path:
    items = "\n".join(f'<li><a href="{html.escape(p.name)}">{html.escape(p.stem)}</a></li>' for p in built)
    page = (f"<!DOCTYPE html><html lang='en'><head><meta charset='utf-8'><title>Linkages Kit {kind}</title>"
            f"</head><body style='font-family:sans-serif;max-width:40rem;margin:2rem auto'>"
            f"<h1>Linkages Kit: {kind}</h1><p>One self-contained file per learner module; "
            f"open any of them without a network.</p><ul>{items}</ul></body></html>")
    return _write(page, Path(out_dir) / "index.html")


def _main(argv, kind: str, builder) -> int:
    ap = argparse.ArgumentParser(prog=f"linkages {kind}",
                                 description=f"Render the learner modules as offline {kind}.")
    ap.add_argument("--only", default="", help="comma-separated module numbers, e.g. 00,01")
    ap.add_argument("--out", default=None, help=f"output folder (default build/{kind})")
    ap.add_argument("--notebooks", default=None, help="folder of modules (default notebooks/)")
    ap.add_argument("--no-execute", action="store_true", help="do not run the modules first")
    args = ap.parse_args(list(argv or []))
    only = [x for x in args.only.split(",") if x.strip()] or None
    try:
        paths = module_paths(Path(args.notebooks) if args.notebooks else None, only)
    except ValueError:
        print("--only takes module numbers such as 00,01.", file=sys.stderr)
        return 2
    if not paths:
        print("No learner modules found (looked for notebooks/NN_name.ipynb).", file=sys.stderr)
        return 1
    out_dir = Path(args.out) if args.out else repo_root() / "build" / kind
    built, failed = [], []
    for p in paths:
        t0 = time.perf_counter()
        try:
            built.append(builder(p, out_dir, run=not args.no_execute))
            print(f"{kind[:-1]:>7} {p.stem}: {time.perf_counter() - t0:5.1f} s -> {built[-1]}")
        except Exception as exc:  # report in a sentence, go on with the next module
            first = str(exc).strip().splitlines()[-1][:300] if str(exc).strip() else type(exc).__name__
            print(f"Could not build {p.name}: {first}", file=sys.stderr)
            failed.append(p)
    if built:
        print(f"Index: {_index(out_dir, built, kind)}")
    return 1 if failed else 0


def slides_main(argv=None) -> int:
    """``linkages slides``: one offline slide deck per learner module in build/slides/."""
    return _main(argv, "slides", build_slides)


def handouts_main(argv=None) -> int:
    """``linkages handouts``: one offline HTML handout (executed) per module in build/handouts/."""
    return _main(argv, "handouts", build_handout)


if __name__ == "__main__":  # pragma: no cover
    sys.exit(handouts_main(sys.argv[1:]))
