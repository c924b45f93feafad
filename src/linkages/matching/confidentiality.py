"""The confidentiality rules (W&I 10850, W&I 827, a county practice) with their sources.

The text lives in ``confidentiality.yaml`` beside this module (paraphrased from the domain
brief, each rule with its sources); the simulators show it wherever the extracts are used.
"""

from __future__ import annotations

import html
from functools import lru_cache
from pathlib import Path

from ..yamlio import safe_load

__all__ = ["rules", "kit_rule", "as_html"]


@lru_cache(maxsize=1)
def _data() -> dict:
    return safe_load((Path(__file__).parent / "confidentiality.yaml").read_text(encoding="utf-8"))


def rules() -> list[dict]:
    return list(_data()["rules"])


def kit_rule() -> str:
    return _data()["kit_rule"].strip()


def as_html(ids: tuple[str, ...] | None = None, compact: bool = False) -> str:
    """The rules as an HTML block (title, summary, what it applies to, linked sources).
    ``compact``: the one-line gist and the sources, the rest behind a "more" toggle."""
    parts = [f"<p><b>{html.escape(kit_rule())}</b></p>"]
    for r in rules():
        if ids and r["id"] not in ids:
            continue
        src = "; ".join(
            f'<a href="{html.escape(s["href"])}" target="_blank" rel="noopener">{html.escape(s["title"])}</a>'
            for s in r["sources"]
        )
        if compact:
            parts.append(
                f'<div class="lk-rule" data-rule="{r["id"]}"><b>{html.escape(r["title"])}.</b> '
                f"{html.escape(r['gist'])}<details><summary>more</summary>{html.escape(r['summary'].strip())} "
                f"<i>Applies to: {html.escape(r['applies_to'])}.</i></details>"
                f"<small>Sources: {src}. Paraphrased; not legal advice.</small></div>"
            )
            continue
        parts.append(
            f'<div class="lk-rule" data-rule="{r["id"]}"><b>{html.escape(r["title"])}</b>'
            f"<br>{html.escape(r['summary'].strip())}"
            f"<br><i>Applies to: {html.escape(r['applies_to'])}.</i>"
            f"<br><small>Sources: {src}. Paraphrased; not legal advice.</small></div>"
        )
    return "\n".join(parts)
