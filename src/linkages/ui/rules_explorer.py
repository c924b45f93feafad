"""The rules explorer (``simulators/rules_explorer.ipynb``): set up a family and see what the
CalWORKs and child welfare rules say for it, each figure with its source and status.

Two layers:

* pure functions — :func:`calworks_results` and :func:`child_welfare_results` turn
  :class:`Inputs` into :class:`Row` lists (and a summary sentence); bad input raises
  :class:`FieldErrors`, a mapping from the control that caused it to a sentence. Tested
  without a browser.
* :func:`app` — the ipywidgets page. A bad value puts a sentence beside its control; the
  results keep their last good values; nothing the visitor typed is reset; no traceback ever
  reaches the page. Below the tables, links download what is on screen (:func:`export_bundle`):
  each table as CSV and a one-page HTML summary (the page has no figures, so no PNG).

Defaults are the domain brief's worked example: one adult, children aged 4 and 8, Alameda
(Region 1), $1,000 of monthly earnings, one employed, November 2024 → $975 a month ($730 with
the parent sanctioned).
"""

from __future__ import annotations

import datetime as dt
import logging
import re
from dataclasses import dataclass, field, fields, replace

from ..household import Child, Household, InputError
from ..params import ParameterError, param, value
from ..rules import calworks as cw
from ..rules import cws
from .common import STYLE, Field, esc

__all__ = [
    "Inputs",
    "Row",
    "FieldErrors",
    "CalworksResults",
    "parse_ages",
    "build_household",
    "calworks_results",
    "child_welfare_results",
    "summary_sentence",
    "rows_html",
    "county_options",
    "rows_frame",
    "inputs_rows",
    "export_bundle",
    "LABELS",
    "build_app",
    "app",
]

log = logging.getLogger(__name__)

NUMBER_WORDS = ("no", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine",
                "ten", "eleven", "twelve")


# --- inputs and results -------------------------------------------------------------------

@dataclass(frozen=True)
class Inputs:
    """What a visitor can set. Field names are also the names of the controls."""

    adults: int = 1
    children_ages: str = "4, 8"
    county: str = "Alameda"
    exempt_map: bool = False
    earnings: float = 1000.0
    employed: int = 1
    sanctioned: int = 0
    wtw_exempt: int = 0
    as_of: dt.date | None = dt.date(2024, 11, 1)
    removal_date: dt.date | None = dt.date(2024, 10, 1)
    age_at_removal: int = 4
    jurisdiction_date: dt.date | None = None
    disposition_date: dt.date | None = None
    sibling_under_3: bool = False
    all_children_removed: bool = True


class FieldErrors(ValueError):
    """Input that cannot be used: ``errors`` maps an :class:`Inputs` field to a sentence."""

    def __init__(self, errors: dict[str, str]):
        self.errors = dict(errors)
        super().__init__(" ".join(self.errors.values()))


@dataclass(frozen=True)
class Row:
    """One result: what, the answer, how it was reached, and the parameters behind it."""

    item: str
    value: str
    detail: str
    params: tuple[str, ...]
    on: dt.date
    key: str = field(default="", compare=False)  # stable name for tests and CSS

    @property
    def status(self) -> str:
        """``assumption`` if any parameter behind the row is one on this date, else ``sourced``."""
        return "assumption" if any(_status(p, self.on) == "assumption" for p in self.params) else "sourced"

    @property
    def sources(self) -> list[tuple[str, str]]:
        """(title, href) of every reference behind the row, first reference of each parameter."""
        seen, out = set(), []
        for name in self.params:
            for ref in param(name).reference[:1]:
                title = ref.get("title", "")
                if title and title not in seen:
                    seen.add(title)
                    out.append((title, ref.get("href", "")))
        return out


@dataclass(frozen=True)
class CalworksResults:
    household: Household
    on: dt.date
    region: int
    grant: float
    grant_sanctioned: float
    summary: str
    rows: tuple[Row, ...]


def _status(name: str, on: dt.date) -> str:
    p = param(name)
    if p.breakdown is None:
        try:
            return p.entry(on).status
        except ParameterError:
            return p.status
    return p.status


# --- formatting ---------------------------------------------------------------------------

def money(x: float) -> str:
    x = float(x)
    return f"${x:,.0f}" if abs(x - round(x)) < 0.005 else f"${x:,.2f}"


def long_date(d: dt.date) -> str:
    return f"{d:%B} {d.day}, {d.year}"


def _number(n: int) -> str:
    return NUMBER_WORDS[n] if 0 <= n < len(NUMBER_WORDS) else str(n)


def _sentence(exc: Exception) -> str:
    """An error's sentence, with the programme's name spelt as it is (``str.capitalize`` in the
    household checks lower-cases it)."""
    return re.sub(r"\bcalworks\b", "CalWORKs", str(exc), flags=re.I)


def _earliest(exc: Exception) -> str:
    m = re.search(r"no value before (\d{4}-\d{2}-\d{2})", str(exc))
    return long_date(dt.date.fromisoformat(m.group(1))) if m else ""


# --- parsing and validation ---------------------------------------------------------------

def parse_ages(text: str) -> tuple[int, ...]:
    """Children's ages from text like ``"4, 8"`` (commas, spaces or semicolons between)."""
    parts = [p for p in re.split(r"[,;\s]+", str(text or "").strip()) if p]
    if not parts:
        raise FieldErrors({"children_ages": "Type at least one child's age, like 4, 8: CalWORKs aids families with children."})
    ages = []
    for p in parts:
        if not re.fullmatch(r"\d{1,3}", p):
            raise FieldErrors({"children_ages": f"'{p}' is not an age: type whole years separated by commas, like 4, 8."})
        ages.append(int(p))
    try:
        Household(children_ages=tuple(ages))
    except InputError as exc:
        raise FieldErrors({"children_ages": _sentence(exc)}) from None
    return tuple(ages)


def _whole(name: str, x, label: str, errors: dict) -> int:
    try:
        f = float(x)
    except (TypeError, ValueError):
        errors[name] = f"The {label} must be a whole number."
        return 0
    if f != int(f):
        errors[name] = f"The {label} must be a whole number."
    return int(f)


def build_household(inp: Inputs) -> Household:
    """The :class:`Household` the inputs describe; :class:`FieldErrors` names each bad control."""
    errors: dict[str, str] = {}
    try:
        ages = parse_ages(inp.children_ages)
    except FieldErrors as exc:
        errors.update(exc.errors)
        ages = (4,)
    adults = _whole("adults", inp.adults, "number of adults", errors)
    if adults not in (1, 2):
        errors["adults"] = "A family here has 1 or 2 caretaker adults."
        adults = 1
    employed = _whole("employed", inp.employed, "number of employed persons", errors)
    sanctioned = _whole("sanctioned", inp.sanctioned, "number of sanctioned adults", errors)
    exempt = _whole("wtw_exempt", inp.wtw_exempt, "number of exempt adults", errors)
    try:
        earnings = float(inp.earnings)
        if earnings != earnings or earnings in (float("inf"), float("-inf")):
            raise ValueError
    except (TypeError, ValueError):
        errors["earnings"] = "Type the family's monthly earnings in dollars, like 1000."
        earnings = 0.0
    if inp.county not in value("calworks.counties", "2025-01-01"):
        errors["county"] = f"'{inp.county}' is not one of California's 58 counties."
    # Each check on its own, so the sentence goes beside the control that caused it
    # (the sentences are the household's own).
    checks = {
        "earnings": dict(earnings=earnings),
        "employed": dict(adults=adults, children_ages=ages, employed_persons=employed),
        "sanctioned": dict(adults=adults, sanctioned_adults=sanctioned),
        "wtw_exempt": dict(adults=adults, wtw_exempt_adults=exempt),
    }
    for name, kw in checks.items():
        if name in errors:
            continue
        try:
            Household(**kw)
        except InputError as exc:
            errors[name] = _sentence(exc)
    if errors:
        raise FieldErrors(errors)
    return Household(adults=adults, children_ages=ages, county=inp.county, earnings=earnings,
                     employed_persons=employed, exempt_map=bool(inp.exempt_map),
                     sanctioned_adults=sanctioned, wtw_exempt_adults=exempt)


# --- CalWORKs -----------------------------------------------------------------------------

def _work_status(hh: Household) -> str:
    if hh.sanctioned_adults:
        return "sanctioned"
    if hh.wtw_exempt_adults >= hh.adults:
        return "exempt"
    return "participating"


def _hours_detail(hh: Household, on: dt.date, hours: int) -> tuple[str, tuple[str, ...]]:
    owing = hh.adults - hh.wtw_exempt_adults
    base = "calworks.work_hours."
    if owing <= 0:
        return "Every adult is exempt from welfare-to-work, so no hours are owed.", (base + "single_no_child_under_6",)
    if owing == 2:
        return "Two parents owing hours: 35 hours a week between them.", (base + "two_parent",)
    if on < dt.date(2013, 1, 1):
        return "Before 2013 a single parent owed 32 hours whatever the children's ages.", (base + "single_no_child_under_6",)
    young = value(base + "young_child_age", on)
    who = "one adult" if hh.adults == 1 else "one adult (the other is exempt)"
    if hh.youngest_age < young:
        return f"Hours for {who} whose youngest child is under {young}.", (base + "single_with_child_under_6", base + "young_child_age")
    return f"Hours for {who} whose children are all {young} or older.", (base + "single_no_child_under_6", base + "young_child_age")


def summary_sentence(hh: Household, on: dt.date, reg: int, grant: float, grant_sanctioned: float,
                     income: cw.IncomeTest | None = None) -> str:
    """The plain-language sentence on top of the page."""
    size = hh.adults + hh.children
    kind = "one-parent" if hh.adults == 1 else "two-parent"
    earn = f"${hh.earnings:,.0f} of monthly earnings" if hh.earnings else "no earnings"
    if hh.earnings and abs(hh.earnings - round(hh.earnings)) >= 0.005:
        earn = f"{money(hh.earnings)} of monthly earnings"
    who_sanctioned = ""
    if hh.sanctioned_adults:
        who_sanctioned = (" and the parent sanctioned" if hh.adults == 1 else
                          " and both parents sanctioned" if hh.sanctioned_adults >= 2 else
                          " and one parent sanctioned")
    gets = f"gets {money(grant)} a month" if grant > 0 else "gets no cash grant"
    s = (f"A {kind} family of {_number(size)} in {hh.county} (Region {reg}) with {earn}{who_sanctioned} "
         f"{gets} in {on:%B %Y}")
    if hh.sanctioned_adults < hh.adults:
        who = ("the parent were" if hh.adults == 1 else
               "the other parent were sanctioned too," if hh.sanctioned_adults else "one parent were")
        if who.endswith(","):
            s += f"; if {who[:-1]}, {money(grant_sanctioned)}" if grant_sanctioned > 0 else f"; if {who[:-1]}, nothing"
        else:
            s += (f"; if {who} sanctioned, {money(grant_sanctioned)}" if grant_sanctioned > 0
                  else f"; if {who} sanctioned, nothing")
    s += "."
    if income is not None and not income.passes:
        s += (f" As a new applicant it would not pass the income test ({money(income.countable)} "
              f"countable against a {money(income.limit)} limit).")
    return s


def calworks_results(inp: Inputs) -> CalworksResults:
    """Every CalWORKs figure for the inputs, as rows; :class:`FieldErrors` on bad input (every
    bad control at once: a date the kit has no figures for is named even when the family's
    boxes are wrong too)."""
    try:
        hh = build_household(inp)
    except FieldErrors as exc:
        errors = dict(exc.errors)
        if inp.as_of is None:
            errors["as_of"] = AS_OF_MISSING
        else:
            try:  # is the date itself usable? (the worked example's family, on that date)
                _calworks_on(build_household(Inputs()), inp.as_of)
            except FieldErrors as date_exc:
                errors.update(date_exc.errors)
        raise FieldErrors(errors) from None
    if inp.as_of is None:
        raise FieldErrors({"as_of": AS_OF_MISSING})
    return _calworks_on(hh, inp.as_of)


AS_OF_MISSING = "Choose the date to apply the rules on (YYYY-MM-DD)."


def _calworks_on(hh: Household, on: dt.date) -> CalworksResults:
    try:
        return _calworks(hh, on)
    except ParameterError as exc:
        first = _earliest(exc)
        msg = (f"This kit has the CalWORKs figures from {first} on; choose a date on or after that."
               if first else str(exc))
        raise FieldErrors({"as_of": msg}) from None
    except InputError as exc:
        raise FieldErrors({"as_of": _sentence(exc)}) from None


def _calworks(hh: Household, on: dt.date) -> CalworksResults:
    reg = cw.region(hh.county, on)
    ex = "exempt" if hh.exempt_map else "non_exempt"
    map_p = f"calworks.map.region{reg}.{ex}"
    place = ("calworks.counties", "calworks.region1_counties")
    rows: list[Row] = []

    hours = cw.work_hours_required(hh, on)
    detail, hp = _hours_detail(hh, on, hours)
    rows.append(Row("Weekly work hours required", f"{hours} hours a week" if hours else "None", detail, hp, on, "hours"))

    size = cw.au_size(hh, on)
    mp = cw.max_aid_payment(hh, on)
    rows.append(Row("Maximum Aid Payment (MAP)", f"{money(mp)} a month",
                    f"Region {reg}, {'exempt' if hh.exempt_map else 'non-exempt'} MAP for an assistance unit of {size}.",
                    (map_p, "calworks.map.max_au_size") + place, on, "map"))

    it = cw.applicant_income_test(hh, on)
    per = value("calworks.income.applicant_disregard_per_employed", on)
    rows.append(Row("Applicant income test", "Passes" if it.passes else "Does not pass",
                    f"{money(hh.earnings)} earnings − {money(it.disregard)} disregard "
                    f"({hh.employed_persons} employed × {money(per)}, at most the earnings) = "
                    f"{money(it.countable)} countable, {'within' if it.passes else 'over'} the "
                    f"{money(it.limit)} limit (MBSAC, {size} {'person' if size == 1 else 'people'}, Region {reg}).",
                    ("calworks.income.applicant_disregard_per_employed", f"calworks.income.mbsac.region{reg}"),
                    on, "income_test"))

    counts = hh.earnings
    if hh.sanctioned_adults and not value("calworks.sanction.sanctioned_income_counts", on):
        counts = 0.0
    countable = float(cw.countable_earnings(counts, on))
    flat = value("calworks.income.recipient_flat_disregard", on)
    share = value("calworks.income.recipient_percentage_disregard", on)
    rows.append(Row("Countable earnings (recipient)", f"{money(countable)} a month",
                    f"({money(counts)} − {money(flat)}) × {100 * (1 - share):.0f}%, never below $0.",
                    ("calworks.income.recipient_flat_disregard", "calworks.income.recipient_percentage_disregard"),
                    on, "countable"))

    grant = cw.monthly_grant(hh, on)
    gp = (map_p, "calworks.income.recipient_flat_disregard", "calworks.income.recipient_percentage_disregard")
    if hh.sanctioned_adults:
        gp += ("calworks.sanction.persons_removed_per_sanctioned_adult", "calworks.sanction.sanctioned_income_counts")
    rows.append(Row("Monthly grant", f"{money(grant)} a month",
                    f"MAP {money(mp)} − countable earnings {money(countable)}, never below $0.", gp, on, "grant"))

    if hh.sanctioned_adults < hh.adults:
        grant_s = cw.grant_if_sanctioned(hh, on)
        size_s = cw.au_size(hh.with_(sanctioned_adults=hh.sanctioned_adults + 1), on)
        mp_s = cw.max_aid_payment(hh, on, size=size_s)
        counted = value("calworks.sanction.sanctioned_income_counts", on)
        sdetail = (f"A sanctioned adult leaves the assistance unit: MAP for {size_s} is {money(mp_s)}; "
                   + ("their earnings still count" if counted else "their earnings no longer count")
                   + f", so {money(grant_s)}.")
        sval = f"{money(grant_s)} a month"
    else:
        grant_s = grant
        sdetail = "Every adult is already sanctioned; the grant above is for the children only."
        sval = f"{money(grant)} a month"
    rows.append(Row("Grant if an adult is sanctioned", sval, sdetail,
                    ("calworks.sanction.persons_removed_per_sanctioned_adult",
                     "calworks.sanction.sanctioned_income_counts", map_p), on, "sanctioned_grant"))

    limit = cw.adult_time_limit(on)
    rows.append(Row("Adult time limit in force", f"{limit} months",
                    "Lifetime months of CalWORKs cash aid for an adult; children are not time-limited.",
                    ("calworks.time_limit.adult_months",), on, "time_limit"))

    status = _work_status(hh)
    counts_clock = cw.month_counts_on_clock(status, on)
    tp = ("calworks.time_limit.statuses_not_counted",)
    if on >= param("calworks.time_limit.good_cause_share_stops_clock").change_dates()[0]:
        tp += ("calworks.time_limit.good_cause_share_stops_clock",)
    rows.append(Row("Does this month count on the clock?", "Yes" if counts_clock else "No",
                    f"Welfare-to-work status this month: {status}. Exempt and sanctioned months do not count; "
                    "from May 2022 neither does a month when good cause excuses at least half the hours.",
                    tp, on, "clock"))

    persons = hh.adults + hh.children
    ha = cw.temporary_homeless_assistance(persons, on)
    rows.append(Row("Temporary homeless assistance", f"{money(ha.daily)} a day",
                    f"For a family of {persons}: up to {ha.max_days} days ({money(ha.total)} in all), "
                    f"once every {ha.once_every_months} months.",
                    ("calworks.homeless.temporary",), on, "homeless"))

    summary = summary_sentence(hh, on, reg, grant, grant_s, it)
    return CalworksResults(hh, on, reg, grant, grant_s, summary, tuple(rows))


# --- child welfare ------------------------------------------------------------------------

def build_child(inp: Inputs) -> Child:
    errors: dict[str, str] = {}
    if inp.removal_date is None:
        errors["removal_date"] = "Choose the date the child was removed (YYYY-MM-DD)."
    age = _whole("age_at_removal", inp.age_at_removal, "child's age at removal", errors)
    if "age_at_removal" not in errors and not 0 <= age <= 17:
        errors["age_at_removal"] = (f"A child aged {age} at removal is outside 0–17, "
                                    "the ages juvenile dependency covers.")
    for name, label in (("jurisdiction_date", "jurisdictional hearing"), ("disposition_date", "dispositional hearing")):
        d = getattr(inp, name)
        if d is not None and inp.removal_date is not None and d < inp.removal_date:
            errors[name] = f"The {label} cannot come before the removal date."
    if errors:
        raise FieldErrors(errors)
    return Child(age_at_removal=age, removal_date=inp.removal_date,
                 jurisdiction_date=inp.jurisdiction_date, disposition_date=inp.disposition_date,
                 sibling_under_3=bool(inp.sibling_under_3))


def child_welfare_results(inp: Inputs) -> tuple[Row, ...]:
    """Family-reunification aid and the child welfare dates for a removed child, as rows;
    :class:`FieldErrors` names every bad control at once (as :func:`calworks_results`)."""
    try:
        child = build_child(inp)
    except FieldErrors as exc:
        errors = dict(exc.errors)
        if "removal_date" not in errors:  # is the removal date itself usable? (with the example child)
            d = Inputs()
            try:
                _child_welfare_on(build_child(replace(d, removal_date=inp.removal_date)), inp.as_of, d)
            except FieldErrors as date_exc:
                errors.update(date_exc.errors)
        raise FieldErrors(errors) from None
    return _child_welfare_on(child, inp.as_of, inp)


def _child_welfare_on(child: Child, as_of: dt.date | None, inp: Inputs) -> tuple[Row, ...]:
    on = as_of or child.removal_date
    try:
        return _child_welfare(child, on, inp)
    except ParameterError as exc:
        first = _earliest(exc)
        msg = (f"This kit has these rules from {first} on; choose a removal date on or after that."
               if first else str(exc))
        raise FieldErrors({"removal_date": msg}) from None
    except InputError as exc:
        raise FieldErrors({"removal_date": _sentence(exc)}) from None


def _child_welfare(child: Child, on: dt.date, inp: Inputs) -> tuple[Row, ...]:
    removal = child.removal_date
    rows: list[Row] = []
    fr = cw.family_reunification_aid(removal, on=on, all_children_removed=bool(inp.all_children_removed))
    if fr.kind == "none":
        fval = "None"
    else:
        fval = f"{fr.kind.capitalize()} until {long_date(fr.ends)}"
        fval += "" if fr.eligible else f" (ended before {long_date(on)})"
    frp = ("calworks.family_reunification.eligibility",)
    frp += (("calworks.family_reunification.ab135_cash_months",
             "calworks.family_reunification.initial_temporary_absence_months")
            if value("calworks.family_reunification.ab135_cash_months", removal)
            else ("calworks.family_reunification.ab429_services_days",))
    rows.append(Row("Family-reunification aid (CalWORKs)", fval,
                    fr.reason + " Assumes the family was receiving CalWORKs at removal.", frp, removal, "fr_aid"))

    due = cws.case_plan_due_date(removal, child.disposition_date)
    days = value("cws.case_plan_due_days", removal)
    why = (f"{days} days after removal" if child.disposition_date is None or due < child.disposition_date
           else "the dispositional hearing, which comes before 60 days after removal")
    rows.append(Row("Case plan due", long_date(due), f"Due {why}.", ("cws.case_plan_due_days",), removal, "case_plan"))

    rd = cws.reunification_deadlines(child)
    efc_days = value("cws.entered_foster_care_days", removal)
    rows.append(Row("Entered foster care", long_date(rd.entered_foster_care),
                    f"The earlier of the jurisdictional hearing and {efc_days} days after removal"
                    + ("" if child.jurisdiction_date else " (no jurisdictional hearing date given)") + ".",
                    ("cws.entered_foster_care_days",), removal, "entered"))
    rp = ("cws.reunification.young_child_age", "cws.reunification.months_from_entry",
          "cws.reunification.young_child_months_from_disposition",
          "cws.reunification.young_child_cap_months_from_entry")
    rows.append(Row("Reunification services end", long_date(rd.services_end), rd.rule, rp, removal, "services_end"))
    ext = value("cws.reunification.extension_months_from_removal", removal)
    rows.append(Row(f"{ext}-month limit", long_date(rd.extension_end),
                    f"Services may be extended to {ext} months from removal when return home is substantially probable.",
                    ("cws.reunification.extension_months_from_removal",), removal, "limit_18"))
    exc = value("cws.reunification.exceptional_months_from_removal", removal)
    rows.append(Row(f"{exc}-month limit", long_date(rd.exceptional_end),
                    f"At most {exc} months from removal, in the specified cases of the {ext}-month review; "
                    "after that the case moves to a permanent plan.",
                    ("cws.reunification.exceptional_months_from_removal",), removal, "limit_24"))
    start = child.disposition_date or removal
    reviews = cws.review_dates(start, rd.exceptional_end)
    step = value("cws.review_interval_months", removal)
    rows.append(Row("Six-month reviews", ", ".join(long_date(d) for d in reviews) or "None",
                    f"Every {step} months after the {'dispositional hearing' if child.disposition_date else 'removal'}, "
                    f"up to the {exc}-month limit; the case plan is updated at least as often.",
                    ("cws.review_interval_months", "cws.case_plan_update_months"), removal, "reviews"))
    return tuple(rows)


# --- HTML ---------------------------------------------------------------------------------

def _sources_html(row: Row) -> str:
    """The first source in full; any others folded under "and N more" (keyboard-openable)."""
    parts = []
    for title, href in row.sources:
        t = esc(title)
        parts.append(f'<a href="{esc(href)}" target="_blank" rel="noopener">{t}</a>'
                     if href.startswith(("http://", "https://")) else t)
    if len(parts) <= 1:
        return "".join(parts)
    more = "".join(f"<li>{p}</li>" for p in parts[1:])
    return (f"{parts[0]}<details><summary>and {len(parts) - 1} more</summary>"
            f'<ul style="margin:2px 0 0 0;padding-left:16px">{more}</ul></details>')


def rows_html(rows, caption: str, css_class: str, with_caption: bool = True) -> str:
    """Rows as a readable table: item, answer, how, source and status (``with_caption=False``
    where a heading above already names it, as in the summary page)."""
    body = "".join(
        f'<tr class="lk-row-{esc(r.key)}"><th scope="row">{esc(r.item)}</th>'
        f'<td class="lk-value"><b>{esc(r.value)}</b></td><td>{esc(r.detail)}</td>'
        f'<td class="lk-src">{_sources_html(r)}</td>'
        f'<td class="lk-status-{r.status}">{r.status}</td></tr>'
        for r in rows)
    cap = (f'<caption style="text-align:left;font-weight:600;font-size:16px;padding:6px 0">{esc(caption)}</caption>'
           if with_caption else "")
    return (f'<table class="lk-table {esc(css_class)}">{cap}'
            '<colgroup><col style="width:17%"><col style="width:15%"><col style="width:34%">'
            '<col style="width:24%"><col style="width:10%"></colgroup>'
            '<thead><tr><th scope="col">What</th><th scope="col">Answer</th><th scope="col">How</th>'
            '<th scope="col">Source</th><th scope="col">Status</th></tr></thead>'
            f"<tbody>{body}</tbody></table>")


def county_options(on=dt.date(2024, 11, 1)) -> list[tuple[str, str]]:
    """(label, county) pairs for the dropdown: ``Alameda (Region 1)``."""
    return [(f"{c} (Region {cw.region(c, on)})", c) for c in value("calworks.counties", on)]


# --- downloads ----------------------------------------------------------------------------

#: The controls' labels (also their descriptions on the page), in the order they appear.
LABELS = {
    "adults": "Caretaker adults",
    "children_ages": "Children's ages",
    "county": "County",
    "exempt_map": "Exempt MAP (SSI, IHSS, SDI or workers' comp in the home)",
    "earnings": "Monthly earnings ($)",
    "employed": "People employed",
    "sanctioned": "Adults sanctioned",
    "wtw_exempt": "Adults exempt from WTW",
    "as_of": "As of",
    "removal_date": "Removal date",
    "age_at_removal": "Child's age at removal",
    "jurisdiction_date": "Jurisdiction hearing",
    "disposition_date": "Disposition hearing",
    "sibling_under_3": "In a sibling group with a child under 3",
    "all_children_removed": "All the family's children were removed",
}
CALWORKS_FIELDS = ("adults", "children_ages", "county", "exempt_map", "earnings", "employed", "sanctioned",
                   "wtw_exempt", "as_of")
CWS_FIELDS = ("removal_date", "age_at_removal", "jurisdiction_date", "disposition_date", "sibling_under_3",
              "all_children_removed")
CALWORKS_CAPTION = "CalWORKs on {on}"
CWS_CAPTION = "If a child is removed: child welfare dates and CalWORKs help"
EXPORT_STEM = "rules_explorer"
EXPORT_NOTES = (
    "Every figure names its source and whether it was read in that source (sourced) or is the kit's "
    "labelled choice (assumption).",
    "The family is made up; the rules are simplified for teaching and do not decide anyone's case.",
)
EXPORT_LABEL = "Rules simplified for teaching: they decide no one's case"


def rows_frame(rows, section: str):
    """Rows as a table of text, one line per row, as the page shows them: what, answer, how,
    sources (title and address), status, and the date the rules were applied on."""
    import pandas as pd

    return pd.DataFrame(
        [{"section": section, "what": r.item, "answer": r.value, "how": r.detail,
          "sources": "; ".join(f"{t} <{h}>" if h else t for t, h in r.sources),
          "status": r.status, "rules_on": r.on.isoformat()} for r in rows],
        columns=["section", "what", "answer", "how", "sources", "status", "rules_on"])


def _shown(name: str, x) -> str:
    if isinstance(x, bool):
        return "Yes" if x else "No"
    if x is None:
        return "not given"
    if isinstance(x, dt.date):
        return long_date(x)
    if name == "earnings":
        return money(x)
    return str(x)


def inputs_rows(inp_cal: Inputs | None, inp_cws: Inputs | None) -> list[tuple[str, str]]:
    """(label, value) of what was entered for the results shown: the CalWORKs controls from the
    inputs behind the CalWORKs table, the child welfare ones from those behind its table."""
    out = []
    for names, inp in ((CALWORKS_FIELDS, inp_cal), (CWS_FIELDS, inp_cws)):
        if inp is not None:
            out += [(LABELS[n], _shown(n, getattr(inp, n))) for n in names]
    return out


def export_bundle(cal: CalworksResults | None, cws_rows, inp_cal: Inputs | None = None,
                  inp_cws: Inputs | None = None, made: dt.datetime | None = None):
    """What the download links offer for the results on screen: each table as CSV and a
    one-page HTML summary (the summary sentence, what was entered, both tables)."""
    from . import export as X

    csvs, tables, sentences = [], [], []
    if cal is not None:
        caption = CALWORKS_CAPTION.format(on=long_date(cal.on))
        sentences.append(cal.summary)
        csvs.append(("calworks", "CalWORKs figures (CSV)", rows_frame(cal.rows, caption)))
        tables.append((caption, rows_html(cal.rows, caption, "lk-calworks-table", with_caption=False)))
    if cws_rows:
        csvs.append(("child_welfare", "Child welfare dates (CSV)", rows_frame(cws_rows, CWS_CAPTION)))
        tables.append((CWS_CAPTION, rows_html(cws_rows, CWS_CAPTION, "lk-cws-table", with_caption=False)))
    entered = inputs_rows(inp_cal, inp_cws)
    if entered:
        tables.insert(0, ("What was entered", "<table><tbody>" + "".join(
            f'<tr><th scope="row">{esc(k)}</th><td>{esc(v)}</td></tr>' for k, v in entered) + "</tbody></table>"))
    page = X.summary_page("Rules explorer: what the rules say for this family", sentences or
                          ["No results yet: fix the highlighted boxes."],
                          tables=tables, notes=EXPORT_NOTES, made=made, label=EXPORT_LABEL)
    return X.Bundle(EXPORT_STEM, [], csvs, page)


# --- the page -----------------------------------------------------------------------------

PAGE_STYLE = """<style>
.lk-rx {max-width: 1180px}
.lk-rx h2 {margin: 6px 0 4px 0}
.lk-rx .lk-summary {font-size: 18px; line-height: 1.45; background: #eef6fb; border-left: 5px solid #0072B2;
                    padding: 8px 14px; margin: 8px 0 12px 0}
.lk-rx .lk-controls {grid-gap: 24px; align-items: flex-start}
.lk-rx .lk-controls > div {flex: 1 1 0}
.lk-rx .lk-group h3 {margin: 4px 0 6px 0; font-size: 16px}
.lk-rx .widget-label {font-size: 14px}
.lk-rx .lk-value {white-space: normal; min-width: 130px}
.lk-rx .lk-table {width: 100%; table-layout: fixed}
.lk-rx .lk-table td, .lk-rx .lk-table th {line-height: 1.35}
.lk-rx .lk-table .lk-src {font-size: 11.5px; overflow-wrap: anywhere}
.lk-rx .lk-status {min-height: 1em}
.lk-rx .lk-downloads {font-size: 13px; margin: 8px 0} .lk-rx .lk-downloads a {margin: 0 2px}
</style>"""

#: What a control says when the page sends it a value it cannot hold at all (a choice not in the
#: list, a number box left with no number, a date that is not a date). A person using the page
#: cannot get there; a browser setting the widget's state directly can.
UNUSABLE = {
    "Dropdown": "That is not one of the choices; pick one from the list (the last choice is kept).",
    "FloatText": "Type a number here, like 1000 (the last number that worked is kept).",
    "IntText": "Type a whole number here, like 1 (the last number that worked is kept).",
    "DatePicker": "Choose a date from the calendar, or type it as YYYY-MM-DD (the last date that worked is kept).",
    "Checkbox": "Tick or clear this box (the last setting is kept).",
    "Text": "Type the ages as text, like 4, 8 (the last ages that worked are kept).",
}


def _guard(widget, field: Field) -> None:
    """A value the control cannot hold (the widget itself refuses it) gets a sentence beside the
    control, and the page is sent the control's kept value again; nothing is raised."""
    original = widget.set_state

    def set_state(sync_data):
        try:
            original(sync_data)
        except Exception:  # noqa: BLE001 - TraitError, ValueError, TypeError: never a traceback
            log.info("rules explorer: %s refused %r", field.name, sync_data)
            field.show(UNUSABLE.get(type(widget).__name__, "That value cannot be used here (the last one that worked is kept)."))
            try:
                widget.send_state()
            except Exception:  # noqa: BLE001
                pass

    widget.set_state = set_state


DW = {"description_width": "190px"}
WIDE = "430px"


def build_app(initial: Inputs | None = None):
    """The rules explorer as one widget box; returns ``(box, controls)`` for tests."""
    import ipywidgets as w

    inp0 = initial or Inputs()
    lay = w.Layout(width=WIDE)
    c: dict[str, w.Widget] = {
        "adults": w.Dropdown(options=[("1", 1), ("2", 2)], value=inp0.adults, description=LABELS["adults"],
                             style=DW, layout=lay),
        "children_ages": w.Text(value=inp0.children_ages, description=LABELS["children_ages"], placeholder="4, 8",
                                continuous_update=False, style=DW, layout=lay),
        "county": w.Dropdown(options=county_options(), value=inp0.county, description=LABELS["county"], style=DW, layout=lay),
        "exempt_map": w.Checkbox(value=inp0.exempt_map, description=LABELS["exempt_map"],
                                 indent=False, layout=w.Layout(width=WIDE)),
        "earnings": w.FloatText(value=inp0.earnings, description=LABELS["earnings"], style=DW, layout=lay),
        "employed": w.IntText(value=inp0.employed, description=LABELS["employed"], style=DW, layout=lay),
        "sanctioned": w.IntText(value=inp0.sanctioned, description=LABELS["sanctioned"], style=DW, layout=lay),
        "wtw_exempt": w.IntText(value=inp0.wtw_exempt, description=LABELS["wtw_exempt"], tooltip="Adults exempt from welfare-to-work (WTW)",
                                style=DW, layout=lay),
        "as_of": w.DatePicker(value=inp0.as_of, description=LABELS["as_of"], style=DW, layout=lay),
        "removal_date": w.DatePicker(value=inp0.removal_date, description=LABELS["removal_date"], style=DW, layout=lay),
        "age_at_removal": w.IntText(value=inp0.age_at_removal, description=LABELS["age_at_removal"], style=DW, layout=lay),
        "jurisdiction_date": w.DatePicker(value=inp0.jurisdiction_date, description=LABELS["jurisdiction_date"],
                                          style=DW, layout=lay),
        "disposition_date": w.DatePicker(value=inp0.disposition_date, description=LABELS["disposition_date"],
                                         style=DW, layout=lay),
        "sibling_under_3": w.Checkbox(value=inp0.sibling_under_3, description=LABELS["sibling_under_3"],
                                      indent=False, layout=w.Layout(width=WIDE)),
        "all_children_removed": w.Checkbox(value=inp0.all_children_removed,
                                           description=LABELS["all_children_removed"],
                                           indent=False, layout=w.Layout(width=WIDE)),
    }
    fields_ = {name: Field(widget, name) for name, widget in c.items()}
    for name, widget in c.items():
        widget.add_class(f"lk-in-{name}")

    summary = w.HTML().add_class("lk-summary")
    cal_table = w.HTML().add_class("lk-calworks")
    cws_table = w.HTML().add_class("lk-cws")
    status = w.HTML().add_class("lk-status")
    downloads = w.HTML().add_class("lk-export")
    # the results on screen and the inputs behind them (what the downloads hold)
    shown_now: dict = {"cal": None, "cal_inp": None, "cws": None, "cws_inp": None}

    def current() -> Inputs:
        return Inputs(**{f.name: c[f.name].value for f in fields(Inputs)})

    def refresh_downloads():
        try:
            from .export import links_html

            downloads.value = links_html(export_bundle(shown_now["cal"], shown_now["cws"],
                                                       shown_now["cal_inp"], shown_now["cws_inp"]))
        except Exception:  # noqa: BLE001 - the page goes on without its downloads
            log.exception("rules explorer downloads failed")
            downloads.value = ('<span class="lk-field-msg" role="alert">The downloads could not be made; '
                               "the results on screen are still right.</span>")

    def update(*_):
        try:
            inp = current()
            shown: dict[str, str] = {}
            updated = False  # did any result on screen change (then so do the downloads)
            try:
                res = calworks_results(inp)
                summary.value = esc(res.summary)
                cal_table.value = rows_html(res.rows, CALWORKS_CAPTION.format(on=long_date(res.on)),
                                            "lk-calworks-table")
                shown_now.update(cal=res, cal_inp=inp)
                updated = True
            except FieldErrors as exc:
                shown.update(exc.errors)
            try:
                rows = child_welfare_results(inp)
                cws_table.value = rows_html(rows, CWS_CAPTION, "lk-cws-table")
                shown_now.update(cws=rows, cws_inp=inp)
                updated = True
            except FieldErrors as exc:
                shown.update({k: v for k, v in exc.errors.items() if k not in shown})
            if updated or not downloads.value:
                refresh_downloads()
            for name, f in fields_.items():
                f.show(shown[name]) if name in shown else f.clear()
            status.value = ("" if not shown else
                            '<span class="lk-note">Results below are for the last values that worked; '
                            "fix the highlighted box to update them.</span>")
        except Exception:  # noqa: BLE001 - never a traceback on the page
            log.exception("rules explorer update failed")
            status.value = ('<span class="lk-field-msg" role="alert">Something went wrong working that out; '
                            "the last good results are still shown.</span>")

    for name, widget in c.items():
        widget.observe(update, names="value")
        _guard(widget, fields_[name])
    update()

    def group(title, names):
        return w.VBox([w.HTML(f"<h3>{esc(title)}</h3>")] + [fields_[n].box for n in names]).add_class("lk-group")

    controls = w.HBox([
        group("The family (CalWORKs)", CALWORKS_FIELDS),
        group("A child removed (child welfare; hearing dates optional)", CWS_FIELDS),
    ]).add_class("lk-controls")
    intro = w.HTML(
        "<h2>Rules explorer</h2><p>Set up a family and see what the CalWORKs and child welfare rules say "
        "for it. Every figure names its source and whether it was read in that source (<i>sourced</i>) "
        "or is the kit's labelled choice (<i>assumption</i>). The family is made up; the rules are "
        "simplified for teaching and do not decide anyone's case.</p>")
    box = w.VBox([w.HTML(STYLE + PAGE_STYLE), intro, summary, status, controls, cal_table, cws_table,
                  downloads]).add_class("lk-rx")
    return box, c


def app(initial: Inputs | None = None):
    """What ``simulators/rules_explorer.ipynb`` displays."""
    try:
        return build_app(initial)[0]
    except Exception:  # noqa: BLE001 - a sentence, never a traceback
        import ipywidgets as w

        log.exception("rules explorer failed to start")
        return w.HTML("<p>The rules explorer could not start. Ask the person running the kit to check "
                      "the server log.</p>")
