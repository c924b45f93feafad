"""Self-check questions for the learner modules: instant feedback in words, no grader needed.

Two kinds of question, each tagged with the learning objective it checks::

    from linkages.selfcheck import MultipleChoice, Numeric

    MultipleChoice(
        qid="M1.Q1", objective="M1.O1",
        prompt="How many hours a week does a single parent of a 4-year-old owe?",
        options=["20", "30", "35"], answer=0,
        why="A single adult with a child under 6 owes 20 hours a week.",
        feedback={1: "30 hours is for a single adult whose youngest child is 6 or older.",
                  2: "35 hours is the combined requirement for two-parent families."},
    )
    Numeric(qid="M1.Q2", objective="M1.O3", prompt="...", answer=975, unit="$",
            why="(1,000 − 600) × 50% = 200 counts; 1,175 − 200 = 975.")

In Jupyter or Voilà a question shows as a small widget: pick or type an answer, press
**Check**, and read why. Typing something that is not a number gets a sentence, never a
traceback. Where widgets cannot run (a static HTML handout, a slide deck, GitHub's viewer) the
same question shows as plain HTML with the answer folded inside a "Check your answer" box.

``answer`` for :class:`MultipleChoice` may be a list of indices: the question then becomes
"choose all that apply" with checkboxes.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass, field
from typing import Any, Iterable, Sequence

__all__ = ["MultipleChoice", "Numeric", "parse_number", "REGISTRY", "SelfCheckError"]

#: Every question built in this kernel, by id (the tests and the module map read it).
REGISTRY: dict[str, "Question"] = {}

_QID = re.compile(r"^M\d+\.Q\d+$")
_OBJ = re.compile(r"^M\d+\.O\d+$")


class SelfCheckError(ValueError):
    """A question was written wrongly (an author's mistake, caught when the cell runs)."""


def parse_number(text: Any) -> float | None:
    """Read a number a person typed: '975', '$975', '1,175.50', '20 hours', '-3', '40.5%'.

    Returns ``None`` when there is no single number in the text.
    """
    if isinstance(text, (int, float)) and not isinstance(text, bool):
        return float(text)
    s = str(text or "").strip().replace(",", "").replace("$", "").replace("\u2212", "-")
    found = re.findall(r"-?\d+(?:\.\d+)?|-?\.\d+", s)
    if len(found) != 1:
        return None
    return float(found[0])


def _p(text: str) -> str:
    """Escape text for HTML but keep simple **bold** markup."""
    out = html.escape(str(text))
    return re.sub(r"\*\*(.+?)\*\*", r"<b>\1</b>", out)


@dataclass
class Question:
    qid: str
    objective: str
    prompt: str
    why: str

    def _validate_ids(self) -> None:
        if not _QID.match(self.qid):
            raise SelfCheckError(f"Question id '{self.qid}' should look like 'M1.Q1'.")
        objs = [self.objective] if isinstance(self.objective, str) else list(self.objective)
        for o in objs:
            if not _OBJ.match(o):
                raise SelfCheckError(f"Objective id '{o}' should look like 'M1.O1'.")
        if not self.prompt.strip() or not self.why.strip():
            raise SelfCheckError(f"Question {self.qid} needs a prompt and a 'why'.")
        REGISTRY[self.qid] = self

    @property
    def objectives(self) -> list[str]:
        return [self.objective] if isinstance(self.objective, str) else list(self.objective)

    # -- display -----------------------------------------------------------------------
    def _header_html(self) -> str:
        return (f'<div class="selfcheck-head"><b>Self-check {html.escape(self.qid)}</b> '
                f'<span style="color:#555">(checks objective {html.escape(", ".join(self.objectives))})</span></div>'
                f'<p>{_p(self.prompt)}</p>')

    def static_html(self) -> str:
        """The question as plain HTML, for handouts, slides and viewers without widgets."""
        return (
            '<div class="selfcheck" style="border:1px solid #999;border-radius:6px;padding:8px 12px;margin:8px 0">'
            + self._header_html() + self._choices_html()
            + '<details><summary>Check your answer</summary>'
            + f'<p><b>Answer:</b> {_p(self.answer_text())}</p><p><b>Why:</b> {_p(self.why)}</p>'
            + "</details></div>"
        )

    def _choices_html(self) -> str:
        return ""

    def answer_text(self) -> str:  # pragma: no cover - overridden
        raise NotImplementedError

    def widget(self):  # pragma: no cover - overridden
        raise NotImplementedError

    def _repr_mimebundle_(self, include=None, exclude=None):
        bundle = {"text/plain": f"Self-check {self.qid}: {self.prompt}", "text/html": self.static_html()}
        try:
            w = self.widget()
            wb = w._repr_mimebundle_(include=include, exclude=exclude) or {}
        except Exception:  # no widget front end: the static question is still there
            wb = {}
        if "application/vnd.jupyter.widget-view+json" in wb:
            bundle["application/vnd.jupyter.widget-view+json"] = wb["application/vnd.jupyter.widget-view+json"]
        return bundle

    # -- feedback ----------------------------------------------------------------------
    def _say(self, out, ok: bool | None, text: str) -> None:
        colour = {True: "#009E73", False: "#D55E00", None: "#555555"}[ok]
        lead = {True: "Yes.", False: "Not quite.", None: ""}[ok]
        out.value = (f'<div style="color:{colour};margin-top:4px"><b>{lead}</b> {_p(text)}</div>')


@dataclass
class MultipleChoice(Question):
    """One right option (``answer`` an index) or several (``answer`` a list of indices)."""

    options: Sequence[str] = ()
    answer: int | Sequence[int] = 0
    feedback: dict[int, str] = field(default_factory=dict)

    def __post_init__(self) -> None:
        if len(self.options) < 2:
            raise SelfCheckError(f"Question {self.qid} needs at least two options.")
        idx = self.answers
        if not idx or any(not 0 <= i < len(self.options) for i in idx):
            raise SelfCheckError(f"Question {self.qid}: the answer must point at one of the options.")
        for k in self.feedback:
            if not 0 <= k < len(self.options):
                raise SelfCheckError(f"Question {self.qid}: feedback for option {k}, which does not exist.")
        # A learner who picks a wrong option is told why it is wrong, never just "try again".
        silent = [k for k in range(len(self.options)) if k not in idx and not str(self.feedback.get(k, "")).strip()]
        if silent:
            raise SelfCheckError(f"Question {self.qid}: say why option(s) {', '.join(map(str, silent))} are wrong "
                                 "(feedback={index: 'why'}).")
        self._validate_ids()
        self._w = None

    @property
    def many(self) -> bool:
        return not isinstance(self.answer, int)

    @property
    def answers(self) -> list[int]:
        return [self.answer] if isinstance(self.answer, int) else sorted(set(self.answer))

    def answer_text(self) -> str:
        return "; ".join(self.options[i] for i in self.answers)

    def _choices_html(self) -> str:
        mark = "&#9744;" if self.many else "&#9675;"
        hint = "<p><i>Choose all that apply.</i></p>" if self.many else ""
        items = "".join(f"<li style='list-style:none'>{mark} {_p(o)}</li>" for o in self.options)
        return f"{hint}<ul>{items}</ul>"

    def check(self, chosen: Iterable[int] | int | None) -> tuple[bool | None, str]:
        """The verdict and the sentence shown for ``chosen`` (index, indices or None)."""
        if chosen is None or (not isinstance(chosen, int) and not list(chosen)):
            return None, "Choose an answer first, then press Check."
        picked = [chosen] if isinstance(chosen, int) else sorted(set(chosen))
        if picked == self.answers:
            return True, self.why
        notes = [self.feedback[i] for i in picked if i in self.feedback and i not in self.answers]
        if self.many:
            missing = [i for i in self.answers if i not in picked]
            if missing and not notes:
                notes.append(f"{len(missing)} right option(s) are not ticked yet.")
        # (every wrong option has feedback, so notes are empty only when right ones are missing)
        msg = " ".join(notes) if notes else "Have another look and try again."
        return False, msg

    def widget(self):
        if self._w is not None:
            return self._w
        import ipywidgets as W

        head = W.HTML(self._header_html())
        if self.many:
            boxes = [W.Checkbox(value=False, description=o, indent=False,
                                layout=W.Layout(width="auto")) for o in self.options]
            picker = W.VBox(boxes)
            get = lambda: [i for i, b in enumerate(boxes) if b.value]  # noqa: E731
        else:
            picker = W.RadioButtons(options=[(o, i) for i, o in enumerate(self.options)],
                                    value=None, layout=W.Layout(width="auto"))
            get = lambda: picker.value  # noqa: E731
        button = W.Button(description="Check", button_style="info",
                          tooltip="Check your answer")
        out = W.HTML()

        def on_click(_):
            try:
                ok, text = self.check(get())
                self._say(out, ok, text)
            except Exception:  # never a traceback for a learner
                self._say(out, None, "Something went wrong checking that answer; please choose again.")

        button.on_click(on_click)
        self._w = W.VBox([head, picker, button, out],
                         layout=W.Layout(border="1px solid #999", padding="6px 12px", margin="8px 0"))
        self._w._check = on_click  # for tests: press Check without a browser
        self._w._picker = picker
        return self._w


@dataclass
class Numeric(Question):
    """A number to type. ``tolerance`` is absolute; ``feedback`` maps common wrong answers
    (numbers) to a sentence saying what they missed."""

    answer: float = 0.0
    tolerance: float = 0.0
    unit: str = ""
    feedback: dict[float, str] = field(default_factory=dict)
    placeholder: str = "type a number"

    def __post_init__(self) -> None:
        if self.tolerance < 0:
            raise SelfCheckError(f"Question {self.qid}: the tolerance cannot be negative.")
        self._validate_ids()
        self._w = None

    def _fmt(self, x: float) -> str:
        s = f"{x:,.0f}" if float(x).is_integer() else f"{x:,.2f}"
        if self.unit == "$":
            return "$" + s
        return f"{s} {self.unit}".strip()

    def answer_text(self) -> str:
        return self._fmt(self.answer)

    def _choices_html(self) -> str:
        return "<p>Your answer: ______ " + html.escape(self.unit if self.unit != "$" else "dollars") + "</p>"

    def check(self, typed: Any) -> tuple[bool | None, str]:
        if typed is None or str(typed).strip() == "":
            return None, "Type a number first, then press Check."
        x = parse_number(typed)
        if x is None:
            return None, (f"'{str(typed).strip()[:40]}' is not a number we can read. "
                          f"Type just the number, for example {self._fmt(12)}.")
        if abs(x - self.answer) <= self.tolerance + 1e-9:
            return True, self.why
        for wrong, note in self.feedback.items():
            if abs(x - float(wrong)) <= max(self.tolerance, 1e-9):
                return False, note
        direction = "high" if x > self.answer else "low"
        return False, f"{self._fmt(x)} is too {direction}. Have another look and try again."

    def widget(self):
        if self._w is not None:
            return self._w
        import ipywidgets as W

        head = W.HTML(self._header_html())
        box = W.Text(placeholder=self.placeholder, layout=W.Layout(width="14em"))
        unit = W.HTML(html.escape(self.unit if self.unit != "$" else "dollars"))
        button = W.Button(description="Check", button_style="info", tooltip="Check your answer")
        out = W.HTML()

        def on_click(_):
            try:
                ok, text = self.check(box.value)
                self._say(out, ok, text)
            except Exception:
                self._say(out, None, "Something went wrong checking that answer; please type it again.")

        button.on_click(on_click)
        self._w = W.VBox([head, W.HBox([box, unit, button]), out],
                         layout=W.Layout(border="1px solid #999", padding="6px 12px", margin="8px 0"))
        self._w._check = on_click
        self._w._picker = box
        return self._w
