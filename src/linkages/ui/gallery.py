"""The landing page (``simulators/index.ipynb``): every simulator, its purpose and a link.

The list is ``gallery.yaml`` beside this file; an entry is shown only when its notebook exists
in ``simulators/``, so a simulator can be registered before it lands.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import yaml

from .common import STYLE, esc

__all__ = ["Simulator", "registry", "available", "gallery_html", "app"]

REGISTRY = Path(__file__).with_name("gallery.yaml")


@dataclass(frozen=True)
class Simulator:
    notebook: str
    title: str
    purpose: str
    modules: tuple[int, ...] = ()


def registry(path: Path = REGISTRY) -> list[Simulator]:
    """Every registered simulator, landed or not."""
    raw = yaml.safe_load(Path(path).read_text(encoding="utf-8")) or []
    return [Simulator(e["notebook"], e["title"], e["purpose"].strip(), tuple(e.get("modules") or ()))
            for e in raw]


def available(root: Path | None = None, path: Path = REGISTRY) -> list[Simulator]:
    """The registered simulators whose notebook is in ``root`` (default ``simulators/``)."""
    from .serve import simulators_dir

    folder = Path(root) if root is not None else simulators_dir()
    return [s for s in registry(path) if (folder / s.notebook).exists()]


def _modules(nums: tuple[int, ...]) -> str:
    if not nums:
        return ""
    words = ", ".join(str(n) for n in nums)
    return f"Used in module{'s' if len(nums) > 1 else ''} {words}"


def gallery_html(sims: list[Simulator]) -> str:
    items = "".join(
        f'<li class="lk-sim"><a class="lk-sim-link" href="{esc(s.notebook)}">{esc(s.title)}</a>'
        f'<div class="lk-sim-purpose">{esc(s.purpose)}</div>'
        f'<div class="lk-sim-modules">{esc(_modules(s.modules))}</div></li>'
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
          "return here.</p></div>"
    )


def app():
    """The gallery as one widget (what ``simulators/index.ipynb`` displays)."""
    import ipywidgets as w

    return w.HTML(gallery_html(available())).add_class("lk-gallery-box")
