"""Every number the rules and the model use, as data.

Each parameter is one small YAML file under this folder; its dotted name is its path
(``calworks/map/region1/non_exempt.yaml`` -> ``calworks.map.region1.non_exempt``). A file holds:

``description``  what the number is, in a sentence
``unit``         e.g. ``USD per month``, ``hours per week``, ``months``, ``share``
``status``       ``sourced`` (read in a cited source) or ``assumption`` (our choice, labelled)
``reference``    list of ``{title, href}``: where the value was read
``breakdown``    optional: the name of the key the values are broken down by (``au_size``)
``values``       ``{effective_date: value}`` (or ``{key: {effective_date: value}}`` with a
                 breakdown). A value may be a mapping ``{value, status, note}`` to mark one
                 dated value differently from the file (an older value that is an assumption).
                 A value of ``null`` means the rule is not in force from that date.
``note``         optional caveats (UNVERIFIED or CONFLICT in the domain brief, date caveats)
``assumed_dates`` optional list of ``{date, why}`` (and ``keys:`` to name some breakdown keys
                 only): effective dates that are the kit's assumption although the values were
                 read in a source (a rule "from 1998" because the brief gives no start date).
                 :func:`table` shows them in its ``effective_status`` column.

A value applies from its effective date until the next one. Asking for a date before the
first one raises :class:`ParameterError` with a sentence saying so, never a silent guess.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any, Iterable

from ..yamlio import YAMLError, safe_load

ROOT = Path(__file__).parent
STATUSES = ("sourced", "assumption")

__all__ = [
    "ParameterError",
    "Parameter",
    "DatedValue",
    "AssumedDate",
    "param",
    "value",
    "all_params",
    "table",
    "as_date",
]


class ParameterError(ValueError):
    """A parameter is missing, malformed, or not in force on the date asked."""


def as_date(on: Any) -> dt.date:
    """Accept a date, a datetime, an ISO string or a pandas Timestamp."""
    if isinstance(on, dt.datetime):
        return on.date()
    if isinstance(on, dt.date):
        return on
    if hasattr(on, "to_pydatetime"):
        return on.to_pydatetime().date()
    if isinstance(on, str):
        try:
            return dt.date.fromisoformat(on[:10])
        except ValueError as exc:
            raise ParameterError(f"'{on}' is not a date in the form YYYY-MM-DD.") from exc
    raise ParameterError(f"{on!r} is not a date.")


@dataclass(frozen=True)
class DatedValue:
    start: dt.date
    value: Any
    status: str
    note: str = ""


@dataclass(frozen=True)
class AssumedDate:
    """An effective date that is the kit's assumption (why, and for which keys; ``None`` = all)."""

    date: dt.date
    why: str
    keys: tuple | None = None


@dataclass(frozen=True)
class Parameter:
    name: str
    description: str
    unit: str
    status: str
    reference: tuple[dict, ...]
    series: dict[Any, tuple[DatedValue, ...]]  # key (None without breakdown) -> dated values
    breakdown: str | None = None
    note: str = ""
    path: Path | None = field(default=None, compare=False)
    assumed_dates: tuple[AssumedDate, ...] = ()

    # -- look-ups -----------------------------------------------------------------------
    def keys(self) -> list:
        return [k for k in self.series if k is not None]

    def _series_for(self, key: Any) -> tuple[DatedValue, ...]:
        if self.breakdown is None:
            if key is not None:
                raise ParameterError(f"Parameter '{self.name}' has no breakdown; do not pass a key.")
            return self.series[None]
        if key is None:
            raise ParameterError(
                f"Parameter '{self.name}' is broken down by {self.breakdown}; say which one."
            )
        if key not in self.series:
            raise ParameterError(
                f"Parameter '{self.name}' has no value for {self.breakdown} {key!r} "
                f"(it has {', '.join(map(str, self.keys()))})."
            )
        return self.series[key]

    def entry(self, on: Any, key: Any = None) -> DatedValue:
        """The dated value in force on ``on``."""
        day = as_date(on)
        found = None
        for dv in self._series_for(key):
            if dv.start <= day:
                found = dv
            else:
                break
        if found is None:
            first = self._series_for(key)[0].start
            raise ParameterError(
                f"Parameter '{self.name}' has no value before {first.isoformat()} "
                f"(asked for {day.isoformat()})."
            )
        return found

    def at(self, on: Any, key: Any = None) -> Any:
        """The value in force on ``on`` (``None`` if the rule had ended by then)."""
        return self.entry(on, key).value

    def history(self, key: Any = None) -> list[DatedValue]:
        return list(self._series_for(key))

    def change_dates(self) -> list[dt.date]:
        """Every effective date in the file, across all keys, sorted."""
        return sorted({dv.start for s in self.series.values() for dv in s})

    def date_is_assumed(self, day: Any, key: Any = None) -> bool:
        """Whether ``day`` is one of the effective dates this file marks as assumed (for ``key``)."""
        d = as_date(day)
        return any(a.date == d and (a.keys is None or key in a.keys) for a in self.assumed_dates)

    def source_line(self) -> str:
        """A short citation for a UI or a docstring."""
        titles = [r.get("title", "") for r in self.reference]
        lead = titles[0] if titles else "no source"
        return f"{lead} ({self.status})"


def _parse_series(name: str, raw: Any, file_status: str) -> tuple[DatedValue, ...]:
    if not isinstance(raw, dict) or not raw:
        raise ParameterError(f"Parameter '{name}': 'values' must map effective dates to values.")
    out = []
    for start, v in raw.items():
        try:
            day = as_date(start if isinstance(start, (dt.date, str)) else str(start))
        except ParameterError as exc:
            raise ParameterError(f"Parameter '{name}': {exc}") from exc
        status, note = file_status, ""
        if isinstance(v, dict) and "value" in v:
            status = v.get("status", file_status)
            note = v.get("note", "")
            v = v["value"]
        if status not in STATUSES:
            raise ParameterError(f"Parameter '{name}': status must be one of {STATUSES}, not {status!r}.")
        out.append(DatedValue(day, v, status, note))
    out.sort(key=lambda d: d.start)
    return tuple(out)


def load_file(path: Path, name: str) -> Parameter:
    try:
        data = safe_load(path.read_text(encoding="utf-8"))
    except YAMLError as exc:
        raise ParameterError(f"{path.name} is not valid YAML: {exc}") from exc
    for fld in ("description", "unit", "status", "reference", "values"):
        if fld not in data:
            raise ParameterError(f"Parameter file {path} lacks '{fld}'.")
    status = data["status"]
    if status not in STATUSES:
        raise ParameterError(f"{path}: status must be one of {STATUSES}, not {status!r}.")
    breakdown = data.get("breakdown")
    if breakdown:
        series = {k: _parse_series(name, s, status) for k, s in data["values"].items()}
    else:
        series = {None: _parse_series(name, data["values"], status)}
    assumed = _parse_assumed_dates(name, data.get("assumed_dates"), series)
    return Parameter(
        name=name,
        description=data["description"].strip(),
        unit=data["unit"],
        status=status,
        reference=tuple(data["reference"] or ()),
        series=series,
        breakdown=breakdown,
        note=(data.get("note") or "").strip(),
        path=path,
        assumed_dates=assumed,
    )


def _parse_assumed_dates(name: str, raw: Any, series: dict) -> tuple[AssumedDate, ...]:
    if raw is None:
        return ()
    if not isinstance(raw, list):
        raise ParameterError(f"Parameter '{name}': 'assumed_dates' must be a list of {{date, why}}.")
    out = []
    for item in raw:
        if not isinstance(item, dict) or "date" not in item or not str(item.get("why") or "").strip():
            raise ParameterError(f"Parameter '{name}': each assumed date needs a 'date' and a 'why'.")
        day = as_date(item["date"] if isinstance(item["date"], (dt.date, str)) else str(item["date"]))
        keys = tuple(item["keys"]) if item.get("keys") is not None else None
        for k in (keys or [k for k in series]):
            if k not in series:
                raise ParameterError(f"Parameter '{name}': assumed date {day} names the key {k!r}, which it has not.")
            if day not in {dv.start for dv in series[k]}:
                raise ParameterError(f"Parameter '{name}': assumed date {day} is not one of its effective dates.")
        out.append(AssumedDate(day, str(item["why"]).strip(), keys))
    return tuple(out)


@lru_cache(maxsize=None)
def _registry() -> dict[str, Parameter]:
    reg = {}
    for path in sorted(ROOT.rglob("*.yaml")):
        name = ".".join(path.relative_to(ROOT).with_suffix("").parts)
        reg[name] = load_file(path, name)
    return reg


def param(name: str) -> Parameter:
    """The parameter called ``name`` (dotted path under ``linkages/params``)."""
    reg = _registry()
    if name not in reg:
        close = [n for n in reg if n.split(".")[-1] == name.split(".")[-1]]
        hint = f" Did you mean {', '.join(close)}?" if close else ""
        raise ParameterError(f"There is no parameter called '{name}'.{hint}")
    return reg[name]


def value(name: str, on: Any, key: Any = None) -> Any:
    """Shortcut: ``param(name).at(on, key)``."""
    return param(name).at(on, key)


def all_params(prefix: str = "") -> list[Parameter]:
    return [p for n, p in _registry().items() if n.startswith(prefix)]


def table(prefix: str = "", on: Any = None) -> "Any":
    """A pandas DataFrame of every parameter: name, unit, status, value on ``on`` (or latest),
    effective date, whether that date is ``sourced`` or the kit's ``assumption``
    (``effective_status``, from the file's ``assumed_dates``), first source, and every effective
    date of the file that is assumed (``assumed_dates``, ``;``-separated). Used by the
    notebooks, the rules explorer and the docs."""
    import pandas as pd

    rows = []
    for p in all_params(prefix):
        keys: Iterable = p.keys() or [None]
        for k in keys:
            hist = p.history(k)
            try:
                dv = p.entry(on, k) if on is not None else hist[-1]
            except ParameterError:
                dv = None
            rows.append(
                {
                    "parameter": p.name,
                    p.breakdown or "key": k,
                    "value": None if dv is None else dv.value,
                    "unit": p.unit,
                    "effective": None if dv is None else dv.start,
                    "status": p.status if dv is None else dv.status,
                    "effective_status": None if dv is None else (
                        "assumption" if dv.status == "assumption" or p.date_is_assumed(dv.start, k) else "sourced"),
                    "source": p.reference[0].get("title", "") if p.reference else "",
                    "assumed_dates": "; ".join(a.date.isoformat() for a in p.assumed_dates
                                               if a.keys is None or k in a.keys),
                }
            )
    return pd.DataFrame(rows)
