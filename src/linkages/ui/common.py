"""Widget helpers the simulators share: the palette, a message beside the control that caused
it, a figure as a PNG image, and a guard so no callback lets a traceback reach the page."""

from __future__ import annotations

import functools
import html
import io
import logging

import ipywidgets as w

__all__ = ["OKABE_ITO", "STYLE", "Field", "figure_png", "figure_image", "guarded", "esc"]

log = logging.getLogger(__name__)

#: Colour-blind-safe palette (Okabe & Ito), the kit's colours everywhere.
OKABE_ITO = {"orange": "#E69F00", "sky": "#56B4E9", "green": "#009E73", "yellow": "#F0E442",
             "blue": "#0072B2", "vermillion": "#D55E00", "purple": "#CC79A7", "black": "#000000"}

#: Shared CSS: messages beside controls, tables, notes. Include once per app (``w.HTML(STYLE)``).
STYLE = """<style>
.lk-field {align-items: center}
.lk-field-msg {color: #8a2c00; font-size: 13px; margin-left: 8px; max-width: 460px; line-height: 1.3}
.lk-field-msg:empty {display: none}
.lk-field.lk-invalid input, .lk-field.lk-invalid select {border: 2px solid #D55E00 !important}
.lk-table {border-collapse: collapse; font-size: 14px; margin: 4px 0 12px 0}
.lk-table th, .lk-table td {border: 1px solid #c8c8c8; padding: 4px 8px; text-align: left; vertical-align: top}
.lk-table th {background: #eef3f7}
.lk-table td.lk-num {text-align: right; white-space: nowrap; font-variant-numeric: tabular-nums}
.lk-table .lk-src {font-size: 12px; color: #444}
.lk-status-sourced {color: #00573f; font-weight: 600}
.lk-status-assumption {color: #8a4b00; font-weight: 600}
.lk-note {font-size: 13px; color: #333}
</style>"""


def esc(x) -> str:
    return html.escape(str(x))


class Field:
    """A control with a message area beside it.

    ``Field(widget).box`` goes in the layout; ``show(sentence)`` puts a sentence beside the
    control (and marks it), ``clear()`` removes it. The widget's own value is never touched,
    so nothing the visitor typed is lost.
    """

    def __init__(self, widget: w.Widget, name: str = ""):
        self.widget = widget
        self.name = name
        self.msg = w.HTML("").add_class("lk-field-msg")
        if name:
            self.msg.add_class(f"lk-msg-{name}")
        self.box = w.HBox([widget, self.msg]).add_class("lk-field")
        if name:
            self.box.add_class(f"lk-field-{name}")

    def show(self, sentence: str) -> None:
        self.msg.value = f'<span role="alert">{esc(sentence)}</span>'
        self.box.add_class("lk-invalid")

    def clear(self) -> None:
        self.msg.value = ""
        self.box.remove_class("lk-invalid")

    @property
    def message(self) -> str:
        return self.msg.value


def figure_png(fig, dpi: int | None = None) -> bytes:
    """A matplotlib figure as PNG bytes (no backend switch: works in Voilà and in tests)."""
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=dpi or fig.dpi, bbox_inches="tight")
    return buf.getvalue()


def figure_image(fig, alt: str = "", image: w.Image | None = None) -> w.Image:
    """Put a figure into an ``ipywidgets.Image`` (a new one, or ``image`` updated in place)."""
    img = image or w.Image(format="png", layout=w.Layout(max_width="100%", height="auto"))
    img.value = figure_png(fig)
    if alt:
        img.description = alt  # read by assistive technology through the widget's label
    try:
        import matplotlib.pyplot as plt

        plt.close(fig)
    except Exception:  # noqa: BLE001 - closing is a courtesy
        pass
    return img


def guarded(status: w.HTML | None = None, sentence: str = "Something went wrong; the last good results are still shown."):
    """Decorate a widget callback so an unexpected error is logged and shown as a sentence."""

    def deco(fn):
        @functools.wraps(fn)
        def wrapper(*a, **k):
            try:
                return fn(*a, **k)
            except Exception:  # noqa: BLE001 - the page must never show a traceback
                log.exception("callback %s failed", getattr(fn, "__name__", fn))
                if status is not None:
                    status.value = f'<span class="lk-field-msg" role="alert">{esc(sentence)}</span>'
                return None

        return wrapper

    return deco
