"""Linkages readiness self-assessment, next steps along the Road Map, and a 12-month work plan.

The items (``readiness_items.yaml``, the kit's own wording) are grouped along the Linkages
Program Design Road Map (domain brief §1, "Implementation design"): build the implementation
team with co-chairs; make Linkages the way of doing business; choose the target families; choose
the program type; clear the way for collaboration; policies and procedures; align resources;
then training, evaluation, communication and funding. Each item is answered on a four-point scale
(not started, planning, partly in place, in place).

From the answers:

* :func:`next_steps` walks the Road Map in order and returns the first items not yet in place,
  each with a concrete next step;
* :func:`work_plan` lays out a 12-month plan over 12 topic areas in 3 categories — the shape of
  the Linkages Work Plan Template (12-month horizon, 12 topic areas in 3 categories); the
  template's own topic names were not retrieved in full, so the areas are the kit's own — and
  :func:`work_plan_html` / :func:`work_plan_csv` export it with the answers given;
* :class:`AnswerStore` keeps answers in a JSON file on the server, keyed by county and session
  name, so a page reload (or another day) finds them again; it saves only the items that changed,
  merged into the file, so two windows on the same county and session do not overwrite each
  other, and keeps a backup when answers are cleared.

Comparisons with peers use the SYNTHETIC county survey (:mod:`linkages.survey.county_survey`);
the real county linkages survey results were not found.
"""

from __future__ import annotations

import csv
import datetime as dt
import html
import io
import json
import os
import re
import tempfile
from contextlib import contextmanager
from functools import lru_cache
from pathlib import Path
from typing import Iterable, Optional

try:  # POSIX: an advisory lock per (county, session) file
    import fcntl
except ImportError:  # pragma: no cover - Windows: atomic writes only
    fcntl = None

from ..yamlio import safe_load
from pydantic import BaseModel, Field, ValidationError, field_validator

__all__ = [
    "Item", "Catalogue", "catalogue", "SCALE", "validate_answers", "topic_status", "next_steps",
    "practice_levels", "work_plan", "work_plan_csv", "work_plan_html", "AnswerStore", "AnswerError",
    "CSV_COLUMNS", "Saved",
]


class AnswerError(ValueError):
    """Answers that cannot be used; the message is a sentence for a person."""


class Step(BaseModel):
    id: str
    order: int
    title: str


class Category(BaseModel):
    id: str
    title: str


class Topic(BaseModel):
    id: str
    category: str
    title: str


class Item(BaseModel):
    id: str
    step: str
    topic: str
    text: str
    next_step: str
    practice: Optional[str] = None


class ScalePoint(BaseModel):
    value: int
    label: str


class Window(BaseModel):
    through_step: int
    months: str


class Catalogue(BaseModel):
    scale: list[ScalePoint]
    road_map: list[Step]
    schedule: list[Window]
    categories: list[Category]
    topics: list[Topic]
    items: list[Item]

    @field_validator("topics")
    @classmethod
    def _twelve_topics(cls, v):
        if len(v) != 12:
            raise ValueError(f"the work plan has 12 topic areas, not {len(v)}")
        return v

    def model_post_init(self, _ctx) -> None:
        steps = {s.id for s in self.road_map}
        topics = {t.id for t in self.topics}
        cats = {c.id for c in self.categories}
        if len(cats) != 3:
            raise ValueError(f"the work plan has 3 categories, not {len(cats)}")
        for t in self.topics:
            if t.category not in cats:
                raise ValueError(f"topic {t.id} names an unknown category {t.category}")
        last = max(st.order for st in self.road_map)
        if max(wd.through_step for wd in self.schedule) < last:
            raise ValueError("the work-plan schedule must reach the last Road Map step")
        ids = [i.id for i in self.items]
        if len(ids) != len(set(ids)):
            raise ValueError("two readiness items share an id")
        for i in self.items:
            if i.step not in steps or i.topic not in topics:
                raise ValueError(f"item {i.id} names an unknown step or topic")

    # look-ups
    def step(self, sid: str) -> Step:
        return next(s for s in self.road_map if s.id == sid)

    def topic(self, tid: str) -> Topic:
        return next(t for t in self.topics if t.id == tid)

    def category(self, cid: str) -> Category:
        return next(c for c in self.categories if c.id == cid)

    def label(self, v: int | None) -> str:
        if v is None:
            return "Not answered"
        return next(p.label for p in self.scale if p.value == v)

    @property
    def top(self) -> int:
        return max(p.value for p in self.scale)


@lru_cache(maxsize=1)
def catalogue() -> Catalogue:
    """The readiness items, Road Map steps, categories and topic areas (validated)."""
    raw = safe_load((Path(__file__).parent / "readiness_items.yaml").read_text(encoding="utf-8"))
    return Catalogue(**raw)


SCALE = tuple((p.value, p.label) for p in catalogue().scale)


def validate_answers(answers: dict) -> dict[str, int]:
    """Keep known item ids with values on the scale; anything else is an :class:`AnswerError`."""
    cat = catalogue()
    known = {i.id for i in cat.items}
    allowed = {p.value for p in cat.scale}
    clean, problems = {}, []
    for k, v in (answers or {}).items():
        if v is None:
            continue
        if k not in known:
            problems.append(f"'{k}' is not one of the readiness items")
            continue
        try:
            iv = int(v)
        except (TypeError, ValueError):
            problems.append(f"the answer to '{k}' should be a number 0–{cat.top}, not {v!r}")
            continue
        if iv not in allowed:
            problems.append(f"the answer to '{k}' should be 0–{cat.top}, not {iv}")
            continue
        clean[k] = iv
    if problems:
        raise AnswerError("; ".join(problems).capitalize() + ".")
    return clean


def topic_status(answers: dict[str, int]) -> list[dict]:
    """Per topic area: items, answered, mean level (0–3) and a label."""
    cat = catalogue()
    out = []
    for t in cat.topics:
        items = [i for i in cat.items if i.topic == t.id]
        vals = [answers[i.id] for i in items if i.id in answers]
        mean = sum(vals) / len(vals) if vals else None
        if not vals:
            label = "Not answered"
        elif min(vals) == cat.top:
            label = "In place"
        else:
            label = cat.label(int(round(mean))) if mean is not None else "Not answered"
        out.append({"topic": t.id, "title": t.title, "category": t.category, "items": len(items),
                    "answered": len(vals), "mean": mean, "status": label})
    return out


def next_steps(answers: dict[str, int], n: int = 3) -> list[dict]:
    """The first ``n`` items not yet in place, in Road Map order, with their next step."""
    cat = catalogue()
    order = {s.id: s.order for s in cat.road_map}
    gaps = [i for i in cat.items if answers.get(i.id, -1) < cat.top]
    gaps.sort(key=lambda i: (order[i.step], i.id not in answers, answers.get(i.id, -1)))
    return [{"step": cat.step(i.step).title, "step_order": order[i.step], "item": i.id,
             "answer": cat.label(answers.get(i.id)), "next_step": i.next_step} for i in gaps[:n]]


def practice_levels(answers: dict[str, int]) -> dict[str, float]:
    """The answers mapped onto the survey's practices (0–1), for the peer comparison."""
    cat = catalogue()
    acc: dict[str, list[int]] = {}
    for i in cat.items:
        if i.practice and i.id in answers:
            acc.setdefault(i.practice, []).append(answers[i.id])
    return {k: sum(v) / len(v) / cat.top for k, v in acc.items()}


def work_plan(answers: dict[str, int], county: str = "", start: dt.date | None = None) -> list[dict]:
    """A 12-month work plan: one row per topic area (12, in 3 categories), with its status,
    the months to work on it (by where its first gap sits on the Road Map), the action steps
    and the answers given."""
    cat = catalogue()
    order = {s.id: s.order for s in cat.road_map}
    start = start or dt.date.today().replace(day=1)
    rows = []
    for ts in topic_status(answers):
        items = [i for i in cat.items if i.topic == ts["topic"]]
        gaps = [i for i in items if answers.get(i.id, -1) < cat.top]
        if gaps:
            first = min(order[i.step] for i in gaps)
            months = next(wd.months for wd in sorted(cat.schedule, key=lambda wd: wd.through_step)
                          if first <= wd.through_step)
            actions = [i.next_step for i in sorted(gaps, key=lambda i: (order[i.step], answers.get(i.id, -1)))]
        else:
            months = "Months 1–12 (keep going)"
            actions = ["Keep it in place; review at the quarterly team meeting."]
        done = sum(1 for i in items if answers.get(i.id) == cat.top)
        rows.append({
            "county": county,
            "category": cat.category(ts["category"]).title,
            "topic": ts["title"],
            "status": ts["status"],
            "months": months,
            "actions": actions,
            "lead": "Implementation team co-chairs (CalWORKs and child welfare)",
            "measure": f"{done} of {len(items)} items in place now; aim: all {len(items)} by month 12",
            "answers": [(i.text, cat.label(answers.get(i.id))) for i in items],
            "start": start.isoformat(),
        })
    return rows


#: The work-plan CSV's columns: one row per readiness item, its topic area and plan beside it.
CSV_COLUMNS = ("county", "session", "category", "topic area", "topic status", "months", "item id",
               "readiness item", "answer", "action step", "lead", "measure")


def work_plan_csv(answers: dict[str, int], county: str = "", session: str = "", start: dt.date | None = None) -> str:
    """The work plan as a tidy CSV: one row per readiness item (25), each with its topic area,
    the topic's status and months, the item's answer and its own action step (the next step while
    it is not in place), the lead and the topic's measure. No blank columns, no summary rows."""
    cat = catalogue()
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    w.writerow(CSV_COLUMNS)
    plan = {r["topic"]: r for r in work_plan(answers, county, start)}
    keep = "Keep it in place; review at the quarterly team meeting."
    for t in cat.topics:
        r = plan[t.title]
        for i in (i for i in cat.items if i.topic == t.id):
            done = answers.get(i.id) == cat.top
            w.writerow([county, session, r["category"], r["topic"], r["status"], r["months"], i.id, i.text,
                        cat.label(answers.get(i.id)), keep if done else i.next_step, r["lead"], r["measure"]])
    return buf.getvalue()


def work_plan_html(answers: dict[str, int], county: str = "", session: str = "", goal: str = "",
                   start: dt.date | None = None) -> str:
    """The work plan as a self-contained HTML page (print it, or send it round)."""
    e = html.escape
    start = start or dt.date.today().replace(day=1)
    end = (start.replace(year=start.year + 1) - dt.timedelta(days=1))
    rows = work_plan(answers, county, start)
    steps = next_steps(answers, n=3)
    parts = [
        "<!DOCTYPE html><html lang='en'><head><meta charset='utf-8'>",
        f"<title>Linkages work plan — {e(county or 'county')}</title>",
        "<style>body{font-family:system-ui,sans-serif;max-width:60rem;margin:2rem auto;line-height:1.4}"
        "table{border-collapse:collapse;width:100%;margin:1rem 0}td,th{border:1px solid #999;padding:.3rem .5rem;"
        "vertical-align:top;text-align:left}th{background:#eee}small{color:#444}</style></head><body>",
        f"<h1>Linkages work plan: {e(county or 'county')}</h1>",
        f"<p>12 months: {start:%B %Y} – {end:%B %Y}. Session: {e(session or '—')}.</p>",
        f"<p><b>Goal for the next 12 months:</b> {e(goal) if goal else '<i>(to be written by the implementation team)</i>'}</p>",
        "<h2>Next steps along the Road Map</h2><ol>",
        *[f"<li><b>{e(s['step'])}:</b> {e(s['next_step'])}</li>" for s in steps],
        "</ol>" if steps else "</ol><p>Every item is in place: review quarterly.</p>",
    ]
    for c in catalogue().categories:
        parts.append(f"<h2>{e(c.title)}</h2><table><tr><th>Topic area</th><th>Status</th><th>When</th>"
                     "<th>Action steps</th><th>Lead</th><th>Measure</th></tr>")
        for r in (r for r in rows if r["category"] == c.title):
            acts = "".join(f"<li>{e(a)}</li>" for a in r["actions"])
            parts.append(f"<tr><td>{e(r['topic'])}</td><td>{e(r['status'])}</td><td>{e(r['months'])}</td>"
                         f"<td><ul>{acts}</ul></td><td>{e(r['lead'])}</td><td>{e(r['measure'])}</td></tr>")
        parts.append("</table>")
    parts.append("<h2>The answers this plan comes from</h2><table><tr><th>Topic area</th><th>Readiness item</th><th>Answer</th></tr>")
    for r in rows:
        for text, ans in r["answers"]:
            parts.append(f"<tr><td>{e(r['topic'])}</td><td>{e(text)}</td><td>{e(ans)}</td></tr>")
    parts.append(
        "</table><p><small>Items and topic areas are the Linkages Kit's own wording, arranged along the "
        "Linkages Program Design Road Map (CFPIC) and the shape of the Linkages Work Plan Template "
        "(12 months, 12 topic areas in 3 categories). Peer comparisons in the kit use a SYNTHETIC "
        "county survey; the real county linkages survey results were not found.</small></p></body></html>"
    )
    return "\n".join(parts)


# -- keeping answers between visits -----------------------------------------------------------
_SLUG = re.compile(r"[^a-z0-9]+")


def _default_dir() -> Path:
    env = os.environ.get("LINKAGES_SELF_ASSESSMENT_DIR")
    if env:
        return Path(env)
    return Path(os.environ.get("XDG_DATA_HOME", Path.home() / ".local" / "share")) / "linkages" / "self_assessment"


class Saved(BaseModel):
    county: str
    session: str = ""
    answers: dict[str, int] = Field(default_factory=dict)
    goal: str = ""
    updated: str = ""


class AnswerStore:
    """Answers kept as one JSON file per (county, session) in a folder on the server.

    The folder is ``$LINKAGES_SELF_ASSESSMENT_DIR`` or ``~/.local/share/linkages/self_assessment``.

    * Writes are atomic (temporary file, then rename), so a reload mid-save never reads half a file.
    * :meth:`update` changes only the items given, merged into what is stored, under a lock: two
      windows open on the same county and session each keep the answers the other gave.
    * :meth:`clear` keeps a backup first (``<key>.backup.json``), which :meth:`restore_backup` puts back.
    * :meth:`latest` finds the most recently saved county and session, so a page opened again on
      this machine can bring its answers back.
    """

    BACKUP = ".backup"

    def __init__(self, folder: str | Path | None = None):
        self.folder = Path(folder) if folder else _default_dir()

    def key(self, county: str, session: str = "") -> str:
        slug = _SLUG.sub("-", f"{county} {session}".lower()).strip("-")
        if not slug or not str(county or "").strip():
            raise AnswerError("Choose a county before saving answers.")
        return slug[:120]

    def path(self, county: str, session: str = "") -> Path:
        return self.folder / f"{self.key(county, session)}.json"

    def backup_path(self, county: str, session: str = "") -> Path:
        return self.folder / f"{self.key(county, session)}{self.BACKUP}.json"

    # -- writing -----------------------------------------------------------------------------
    def _write(self, p: Path, data: Saved) -> None:
        self.folder.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=self.folder, prefix=".tmp-", suffix=".json")
        try:
            with os.fdopen(fd, "w", encoding="utf-8") as f:
                f.write(data.model_dump_json(indent=2))
            os.replace(tmp, p)
        except BaseException:
            try:
                os.unlink(tmp)
            except OSError:
                pass
            raise

    @contextmanager
    def _locked(self, county: str, session: str):
        """An exclusive lock for one (county, session) across processes (each visitor's page runs
        in its own kernel), so read-merge-write is never interleaved."""
        self.folder.mkdir(parents=True, exist_ok=True)
        lock = self.folder / f".{self.key(county, session)}.lock"
        with open(lock, "a+") as fh:
            if fcntl is not None:
                fcntl.flock(fh.fileno(), fcntl.LOCK_EX)
            try:
                yield
            finally:
                if fcntl is not None:
                    fcntl.flock(fh.fileno(), fcntl.LOCK_UN)

    @staticmethod
    def _now() -> str:
        return dt.datetime.now().isoformat(timespec="seconds")

    def save(self, county: str, session: str, answers: dict, goal: str = "") -> Path:
        """Replace everything stored for (county, session) with ``answers`` and ``goal``."""
        clean = validate_answers(answers)
        data = Saved(county=county, session=session, answers=clean, goal=goal, updated=self._now())
        try:
            with self._locked(county, session):
                p = self.path(county, session)
                self._write(p, data)
        except OSError as exc:
            raise AnswerError(f"The answers could not be saved on the server ({exc.strerror or exc}).") from exc
        return p

    def update(self, county: str, session: str = "", set_answers: dict | None = None,
               unset: Iterable[str] = (), goal: str | None = None) -> Saved:
        """Change only what is given: the items in ``set_answers`` take those answers, the items in
        ``unset`` are no longer answered, ``goal`` (when not ``None``) replaces the goal. Everything
        else stored for (county, session) is kept. Returns what is stored afterwards."""
        clean = validate_answers(set_answers or {})
        drop = set(unset) - set(clean)
        try:
            with self._locked(county, session):
                p = self.path(county, session)
                try:
                    old = self._read(p) if p.exists() else None
                except AnswerError:
                    old = None  # a damaged file is replaced (the page said so when it loaded)
                merged = dict(old.answers) if old else {}
                merged.update(clean)
                for k in drop:
                    merged.pop(k, None)
                data = Saved(county=county, session=session, answers=merged,
                             goal=(old.goal if old else "") if goal is None else goal, updated=self._now())
                self._write(p, data)
        except OSError as exc:
            raise AnswerError(f"The answers could not be saved on the server ({exc.strerror or exc}).") from exc
        return data

    def clear(self, county: str, session: str = "") -> Saved | None:
        """Keep a backup of what is stored, then store no answers and no goal. Returns the backup
        (``None`` when nothing was stored)."""
        try:
            with self._locked(county, session):
                p = self.path(county, session)
                old = self._read(p) if p.exists() else None
                if old is not None and (old.answers or old.goal):
                    self._write(self.backup_path(county, session), old)
                self._write(p, Saved(county=county, session=session, updated=self._now()))
        except OSError as exc:
            raise AnswerError(f"The answers could not be cleared on the server ({exc.strerror or exc}).") from exc
        return old if old is not None and (old.answers or old.goal) else None

    def backup(self, county: str, session: str = "") -> Saved | None:
        """The answers kept by the last :meth:`clear` (``None`` if there are none)."""
        p = self.backup_path(county, session)
        if not p.exists():
            return None
        return self._read(p)

    def restore_backup(self, county: str, session: str = "") -> Saved:
        """Put the cleared answers back (merged over anything answered since), and drop the backup."""
        try:
            with self._locked(county, session):
                b = self.backup_path(county, session)
                if not b.exists():
                    raise AnswerError(f"There are no cleared answers to restore for {county}.")
                kept = self._read(b)
                p = self.path(county, session)
                now = self._read(p) if p.exists() else None
                merged = dict(kept.answers)
                if now is not None:
                    merged.update(now.answers)
                data = Saved(county=county, session=session, answers=merged,
                             goal=(now.goal if now is not None and now.goal else kept.goal), updated=self._now())
                self._write(p, data)
                b.unlink()
        except OSError as exc:
            raise AnswerError(f"The cleared answers could not be restored ({exc.strerror or exc}).") from exc
        return data

    # -- reading -----------------------------------------------------------------------------
    def _read(self, p: Path) -> Saved:
        try:
            data = Saved(**json.loads(p.read_text(encoding="utf-8")))
            data.answers = validate_answers(data.answers)
            return data
        except (OSError, json.JSONDecodeError, ValidationError, AnswerError, TypeError) as exc:
            raise AnswerError("The saved answers could not be read (the file is damaged); "
                              "answering again will replace them.") from exc

    def load(self, county: str, session: str = "") -> Saved | None:
        p = self.path(county, session)
        if not p.exists():
            return None
        try:
            return self._read(p)
        except AnswerError as exc:
            raise AnswerError(f"The saved answers for {county} could not be read (the file is damaged); "
                              "answering again will replace them.") from exc

    def latest(self) -> Saved | None:
        """The most recently saved (county, session) in the folder, or ``None``. Files that cannot
        be read, backups and temporary files are passed over."""
        if not self.folder.is_dir():
            return None
        found = []
        for p in self.folder.glob("*.json"):
            if p.name.startswith(".") or p.name.endswith(f"{self.BACKUP}.json"):
                continue
            try:
                found.append((p.stat().st_mtime_ns, p))
            except OSError:
                continue
        for _, p in sorted(found, reverse=True):
            try:
                return self._read(p)
            except AnswerError:
                continue
        return None
