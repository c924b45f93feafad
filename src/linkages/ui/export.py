"""Download what is on screen: figures (PNG), the numbers (CSV) and a one-page summary (HTML).

Used by the family simulator and the county what-if. Everything is made in memory and offered as
``<a download=... href="data:...">`` links inside an ipywidgets HTML widget, which a browser
saves as a file (Voilà has no file server for the app). The summary page is self-contained: its
figures are embedded PNGs (data URIs), its style is inline, and it makes no outside request — a
technical-assistance visit can leave it behind, or print it.

Figures are drawn once, turned into PNG bytes here (:func:`png`), closed (so pyplot keeps no
state and the inline backend shows nothing by itself), and the same bytes feed the screen
(:func:`img_html`), the PNG download and the summary page.
"""

from __future__ import annotations

import base64
import datetime as dt
import html
import io
import re
from dataclasses import dataclass, field
from typing import Iterable, Sequence

import pandas as pd

__all__ = ["Rendered", "png", "render", "img_html", "data_uri", "download_link", "csv_text", "summary_page",
           "links_html", "slug", "TEACHING_LABEL", "Bundle", "Later", "Idle", "release_memory"]

#: The label every model result carries.
TEACHING_LABEL = "Teaching illustration, not a forecast"

SCREEN_DPI = 80


@dataclass(frozen=True)
class Rendered:
    """A figure as PNG bytes with its alt text (and a file name for the download)."""

    name: str
    png: bytes
    alt: str
    title: str = ""

    @property
    def uri(self) -> str:
        return data_uri(self.png, "image/png")


def png(fig, dpi: int = SCREEN_DPI) -> bytes:
    """PNG bytes of a matplotlib figure; the figure is closed afterwards (pyplot keeps nothing)."""
    buf = io.BytesIO()
    try:
        fig.savefig(buf, format="png", dpi=dpi)
    finally:
        _close(fig)
    return buf.getvalue()


def _close(fig) -> None:
    try:
        import matplotlib.pyplot as plt

        plt.close(fig)
    except Exception:  # noqa: BLE001 - a figure made without pyplot needs no closing
        pass


def render(name: str, fig_alt: tuple, dpi: int = SCREEN_DPI) -> Rendered:
    """``(fig, alt)`` as returned by the kit's figure functions → :class:`Rendered`."""
    fig, alt = fig_alt
    title = ""
    try:
        title = fig._suptitle.get_text() if getattr(fig, "_suptitle", None) is not None else ""
        if not title and fig.axes:
            title = fig.axes[0].get_title()
    except Exception:  # noqa: BLE001
        title = ""
    return Rendered(name, png(fig, dpi), alt, title)


def data_uri(data: bytes | str, mime: str) -> str:
    raw = data.encode("utf-8") if isinstance(data, str) else data
    charset = ";charset=utf-8" if isinstance(data, str) else ""
    return f"data:{mime}{charset};base64,{base64.b64encode(raw).decode('ascii')}"


def img_html(fig: Rendered, css_class: str = "lk-figure") -> str:
    """The figure as an ``<img>`` with its alt text (scales to the page width)."""
    return (f'<img class="{css_class}" src="{fig.uri}" alt="{html.escape(fig.alt)}" '
            f'style="max-width:100%;height:auto">')


def slug(text: str) -> str:
    s = re.sub(r"[^a-z0-9]+", "_", str(text).lower()).strip("_")
    return s[:60] or "linkages"


def download_link(data: bytes | str, filename: str, mime: str, label: str, css_class: str = "lk-download") -> str:
    """An anchor that saves ``data`` as ``filename`` when clicked (a data: URI with ``download``)."""
    return (f'<a class="{css_class}" download="{html.escape(filename)}" href="{data_uri(data, mime)}">'
            f"{html.escape(label)}</a>")


def csv_text(df: pd.DataFrame) -> str:
    """The numbers as CSV (UTF-8, no index, plain decimal points)."""
    return df.to_csv(index=False, lineterminator="\n")


_PAGE_STYLE = """
body {font-family: -apple-system, "Segoe UI", Roboto, Helvetica, Arial, sans-serif; max-width: 900px;
      margin: 1.5em auto; color: #111; line-height: 1.4; padding: 0 1em}
h1 {font-size: 1.5em; margin-bottom: .2em} h2 {font-size: 1.15em; margin-top: 1.4em}
.label {display: inline-block; background: #fff3cd; border: 1px solid #E69F00; padding: 2px 8px; font-weight: bold}
.meta {color: #444; font-size: .9em}
table {border-collapse: collapse; font-size: .85em; margin: .5em 0}
td, th {border: 1px solid #bbb; padding: 3px 6px; text-align: left; vertical-align: top}
th {background: #f2f2f2}
img {max-width: 100%; height: auto; display: block; margin: .5em 0}
figure {margin: 1em 0} figcaption {font-size: .85em; color: #333}
.summary {font-size: 1.05em}
.assumption {color: #8a4b00; font-weight: bold}
@media print {body {margin: 0} h2 {page-break-after: avoid} figure {page-break-inside: avoid}}
"""


def summary_page(title: str, sentences: Sequence[str], *, subtitle: str = "",
                 figures: Iterable[Rendered] = (), tables: Iterable[tuple[str, str]] = (),
                 notes: Sequence[str] = (), made: dt.datetime | None = None,
                 label: str = TEACHING_LABEL) -> str:
    """A one-page, self-contained HTML summary: title, the teaching label, the summary sentences,
    the figures (embedded PNGs with alt text and captions) and tables (``(caption, html)``) —
    no script, no link, no outside request. ``label`` replaces the teaching label where a page
    shows no model result (the rules explorer: "simplified for teaching")."""
    made = made or dt.datetime.now()
    parts = [
        "<!DOCTYPE html>", "<html lang='en'><head><meta charset='utf-8'>",
        f"<title>{html.escape(title)}</title><style>{_PAGE_STYLE}</style></head><body>",
        f"<h1>{html.escape(title)}</h1>",
        f"<p><span class='label'>{html.escape(label)}</span></p>",
    ]
    if subtitle:
        parts.append(f"<p class='meta'>{html.escape(subtitle)}</p>")
    parts.append("<h2>Summary</h2><div class='summary'>"
                 + "".join(f"<p>{html.escape(s)}</p>" for s in sentences) + "</div>")
    for f in figures:
        parts.append(f"<figure><img src='{f.uri}' alt='{html.escape(f.alt, quote=True)}'>"
                     f"<figcaption>{html.escape(f.alt)}</figcaption></figure>")
    for caption, table_html in tables:
        parts.append(f"<h2>{html.escape(caption)}</h2>{table_html}")
    if notes:
        parts.append("<h2>About these numbers</h2>" + "".join(f"<p>{html.escape(n)}</p>" for n in notes))
    parts.append(f"<p class='meta'>Made with the Linkages Kit on {made:%Y-%m-%d %H:%M}. Synthetic families only; "
                 f"{html.escape(label[:1].lower() + label[1:])}.</p></body></html>")
    return "\n".join(parts)


@dataclass
class Bundle:
    """What one export bar offers: figures, CSV tables and the summary page."""

    stem: str
    figures: list = field(default_factory=list)  # Rendered
    csvs: list = field(default_factory=list)  # (file suffix, label, DataFrame)
    summary: str | None = None


def links_html(bundle: Bundle) -> str:
    """The download links of a bundle, one line (class ``lk-dl-csv``, ``lk-dl-html``, ``lk-dl-png``)."""
    items = []
    if bundle.summary is not None:
        items.append(download_link(bundle.summary, f"{bundle.stem}_summary.html", "text/html",
                                   "One-page summary (HTML)", "lk-download lk-dl-html"))
    for suffix, label, df in bundle.csvs:
        items.append(download_link(csv_text(df), f"{bundle.stem}_{suffix}.csv", "text/csv", label,
                                   f"lk-download lk-dl-csv lk-dl-csv-{suffix}"))
    for f in bundle.figures:
        items.append(download_link(f.png, f"{bundle.stem}_{f.name}.png", "image/png", f"Figure: {f.name.replace('_', ' ')} (PNG)",
                                   f"lk-download lk-dl-png lk-dl-png-{f.name}"))
    return "<div class='lk-downloads'><b>Download what is on screen:</b> " + " · ".join(items) + "</div>"


def pending_links(what: str = "setting") -> str:
    """The downloads line while the files for a new ``what`` ("setting", "family") are being made:
    an update sends its numbers first and the download links (figures and summary embedded) once,
    after its figures."""
    return f"<div class='lk-downloads'><b>Download what is on screen:</b> the files are being made for this {what}…</div>"


# --- work after the callback ----------------------------------------------------------------

class Later:
    """Run slow steps (figures, attribution) after the current widget callback returns, one step
    per turn of the kernel's event loop, so the kernel can take the visitor's next control change
    between two steps; :meth:`start` (or :meth:`cancel`) drops the steps of an earlier start.

    Without a running event loop (tests, scripts) the steps run at once, in order.
    """

    def __init__(self, on_error=None):
        self.token = 0
        self.on_error = on_error
        self.pending = False

    def cancel(self) -> None:
        self.token += 1
        self.pending = False

    def start(self, steps) -> None:
        import asyncio

        self.token += 1
        token = self.token
        it = iter(steps)
        try:
            loop = asyncio.get_running_loop()
        except RuntimeError:
            loop = None
        if loop is None:
            for fn in it:
                self._run(fn)
            return
        self.pending = True

        def step():
            if token != self.token:
                return
            fn = next(it, None)
            if fn is None:
                self.pending = False
                return
            self._run(fn)
            loop.call_later(0.002, step)

        loop.call_soon(step)

    def _run(self, fn) -> None:
        try:
            fn()
        except Exception as exc:  # noqa: BLE001 - a failed step must not stop the page
            import logging

            logging.getLogger(__name__).exception("background step failed")
            if self.on_error is not None:
                try:
                    self.on_error(exc)
                except Exception:  # noqa: BLE001
                    pass


class Idle:
    """Work for the quiet moments between a visitor's changes (drawing what they are likely to ask
    for next): queued steps run one per turn of the kernel's event loop, and only while ``busy()``
    is false — checked again every ``poll`` seconds — so the visitor's own updates always go first.

    Without a running event loop (tests, scripts) nothing runs: it is only ever a head start.
    """

    def __init__(self, busy=lambda: False, poll: float = 0.05, on_error=None):
        self.busy, self.poll = busy, poll
        self._later = Later(on_error=on_error)
        self.started = False

    def start(self, steps) -> None:
        import asyncio

        try:
            loop = asyncio.get_running_loop()
        except RuntimeError:
            return
        self.started = True
        token = self._later.token = self._later.token + 1
        it = iter(steps)

        def step():
            if token != self._later.token:
                return
            if self.busy():
                loop.call_later(self.poll, step)
                return
            fn = next(it, None)
            if fn is None:
                return
            self._later._run(fn)
            loop.call_later(0.002, step)

        loop.call_later(self.poll, step)

    def cancel(self) -> None:
        self._later.cancel()


def release_memory() -> None:
    """Give freed heap back to the operating system (glibc ``malloc_trim``): a simulation's
    temporary arrays otherwise stay counted in the kernel's resident memory. A no-op elsewhere."""
    global _TRIM
    if _TRIM is None:
        try:
            import ctypes

            _TRIM = ctypes.CDLL("libc.so.6").malloc_trim
        except (OSError, AttributeError):
            _TRIM = False
    if _TRIM:
        try:
            _TRIM(0)
        except Exception:  # noqa: BLE001
            pass


_TRIM = None
