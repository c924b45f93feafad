"""The landing page (``simulators/index.ipynb``): every simulator, its purpose and a link.

The list is ``gallery.yaml`` beside this file; an entry is shown only when its notebook exists
in ``simulators/``, so a simulator can be registered before it lands. Each entry names the
learner modules that use it, with their titles from ``curriculum/module_map.yaml``. The modules
are not links: the gallery is served by Voilà, which serves only ``simulators/``, so a link to
``notebooks/`` could not open; the entry says where they open instead (JupyterLab, ``make lab``).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from ..yamlio import YAMLError, safe_load

from .common import STYLE, esc

__all__ = ["Simulator", "Module", "registry", "available", "modules", "gallery_html", "app"]

REGISTRY = Path(__file__).with_name("gallery.yaml")
#: Where the modules open (the gallery itself is served by Voilà, which serves only simulators/).
OPEN_MODULES = "open in JupyterLab (make lab)"


@dataclass(frozen=True)
class Simulator:
    notebook: str
    title: str
    purpose: str
    modules: tuple[int, ...] = ()


def registry(path: Path = REGISTRY) -> list[Simulator]:
    """Every registered simulator, landed or not."""
    raw = safe_load(Path(path).read_text(encoding="utf-8")) or []
    return [Simulator(e["notebook"], e["title"], e["purpose"].strip(), tuple(e.get("modules") or ()))
            for e in raw]


def available(root: Path | None = None, path: Path = REGISTRY) -> list[Simulator]:
    """The registered simulators whose notebook is in ``root`` (default ``simulators/``)."""
    from .serve import simulators_dir

    folder = Path(root) if root is not None else simulators_dir()
    return [s for s in registry(path) if (folder / s.notebook).exists()]


@dataclass(frozen=True)
class Module:
    number: int
    title: str
    notebook: str  # path from the kit's folder, e.g. notebooks/01_calworks_in_brief.ipynb

    @property
    def label(self) -> str:
        return f"Module {self.number} · {self.title}" if self.title else f"Module {self.number}"


def _module_map() -> Path:
    from .serve import simulators_dir

    return simulators_dir().parent / "curriculum" / "module_map.yaml"


def modules(path: Path | None = None) -> dict[int, Module]:
    """The learner modules by number, from the curriculum's module map (empty when the kit's
    curriculum folder is not there: the gallery then shows module numbers only)."""
    try:
        raw = safe_load(Path(path or _module_map()).read_text(encoding="utf-8")) or {}
    except (OSError, YAMLError):
        return {}
    return {int(m["number"]): Module(int(m["number"]), str(m.get("title", "")), str(m.get("notebook", "")))
            for m in raw.get("modules") or [] if "number" in m}


def _modules_html(nums: tuple[int, ...], known: dict[int, Module]) -> str:
    if not nums:
        return ""
    names = []
    for n in nums:
        m = known.get(n, Module(n, "", ""))
        tip = f' title="{esc(m.notebook)}"' if m.notebook else ""
        names.append(f'<span class="lk-module"{tip}>{esc(m.label)}</span>')
    return f"Used in {'; '.join(names)} — {esc(OPEN_MODULES)}."


def gallery_html(sims: list[Simulator], known: dict[int, Module] | None = None) -> str:
    known = modules() if known is None else known
    items = "".join(
        f'<li class="lk-sim"><a class="lk-sim-link" href="{esc(s.notebook)}">{esc(s.title)}</a>'
        f'<div class="lk-sim-purpose">{esc(s.purpose)}</div>'
        f'<div class="lk-sim-modules">{_modules_html(s.modules, known)}</div></li>'
        for s in sims)
    return (
        STYLE
        + """<style>
.lk-gallery {max-width: 820px; font-size: 15px}
.lk-gallery ul {list-style: none; padding: 0}
.lk-sim {border: 1px solid #d0d7de; border-left: 5px solid #0072B2; border-radius: 4px;
         padding: 10px 14px; margin: 10px 0; background: #fff}
.lk-sim-link {font-size: 17px; font-weight: 600; color: #0072B2}
.lk-sim-purpose {margin-top: 4px}
.lk-sim-modules {margin-top: 2px; font-size: 13px; color: #555}
</style>"""
        + '<div class="lk-gallery"><h1>Linkages Kit simulators</h1>'
        + "<p>Point-and-click companions to the learner modules on how CalWORKs and Child Welfare "
          "Services work together for the families they share. Every family here is synthetic.</p>"
        + f"<ul>{items}</ul>"
        + '<p class="lk-note">Each simulator opens in this tab; use the browser\'s Back button to '
          "return here. The learner modules are notebooks in the kit's <code>notebooks/</code> folder: "
          "they open in JupyterLab (<code>make lab</code>), not on this page.</p></div>"
    )


def app():
    """The gallery as one widget (what ``simulators/index.ipynb`` displays)."""
    import ipywidgets as w

    return w.HTML(gallery_html(available())).add_class("lk-gallery-box")
