"""One family's story: its months under separate plans and under linked, coordinated plans, its
weekly calendar, and plain-language sentences — what the family simulator and the learner
modules show.

Both paths run on the same random numbers, so every difference between them comes from
coordination. In the coordinated path the family is identified as shared (the point of the
story); a family open in only one program is not shared, and the story says coordination does
not reach it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import pandas as pd

from ..dates import add_months
from ..household import Household
from ..plans import Plan, calendar_figure, describe_moves, link, plans_for
from ..plans.calendar import OKABE_ITO
from ..rules import calworks as C
from ..rules import cws as W
from .caseload import resolve_start
from .errors import CaseloadError
from .run import DEFAULT_START, simulate
from .scenario import ALL_LEVERS, BASELINE, Scenario

__all__ = ["FamilyStory", "family_story", "story_from_paths", "summary_sentences", "week_sentences",
           "run_sentences", "pick_story_household", "Pronouns"]


@dataclass(frozen=True)
class Pronouns:
    subject: str = "she"
    possessive: str = "her"

    @property
    def plural(self) -> bool:
        return self.subject.lower() == "they"

    def be(self) -> str:
        return "are" if self.plural else "is"

    def verb(self, v: str) -> str:
        """'use' -> 'uses' for she/he, 'use' for they."""
        if self.plural:
            return v
        return v + ("es" if v.endswith(("s", "sh", "ch")) else "s")

    @classmethod
    def of(cls, p: Any) -> "Pronouns":
        if isinstance(p, Pronouns):
            return p
        table = {"she": ("she", "her"), "he": ("he", "his"), "they": ("they", "their")}
        if isinstance(p, str) and p.lower() in table:
            return cls(*table[p.lower()])
        if isinstance(p, (tuple, list)) and len(p) == 2:
            return cls(str(p[0]), str(p[1]))
        raise CaseloadError("Pronouns are 'she', 'he', 'they' or a (subject, possessive) pair.")


@dataclass
class FamilyStory:
    household_id: Any
    household: pd.Series
    scenario: Scenario
    separate: pd.DataFrame  # the month-by-month path under separate plans (no coordination)
    linked: pd.DataFrame  # ... under linked plans and the scenario's levers
    wtw_plan: Plan
    cws_plan: Plan
    linked_plan: Plan
    required_hours: int
    shared: bool
    pronouns: Pronouns = field(default_factory=Pronouns)

    @property
    def side_by_side(self) -> pd.DataFrame:
        cols = ["status", "grant", "hours_demanded", "child_welfare", "children_removed", "events",
                "clock_months_used", "fifteen_of_22"]
        a = self.separate.set_index("month")[cols].add_suffix(" (separate)")
        b = self.linked.set_index("month")[cols].add_suffix(" (linked)")
        out = pd.concat([a, b], axis=1)
        return out[[c for pair in zip(a.columns, b.columns) for c in pair]]

    def plans_table(self) -> pd.DataFrame:
        sep, lnk = self.wtw_plan + self.cws_plan, self.linked_plan
        return pd.DataFrame([sep.summary(), lnk.summary()], index=pd.Index(["separate plans", "linked plan"]))

    def sentences(self) -> list[str]:
        return summary_sentences(self)

    def summary(self) -> str:
        return " ".join(self.sentences())

    def calendar(self):
        """The weekly calendar, separate plans beside the linked plan: ``(fig, alt_text)``."""
        return calendar_figure(self.wtw_plan + self.cws_plan, self.linked_plan,
                               person=self.pronouns.subject.capitalize())

    def figure(self):
        """Grant and children in care month by month, separate vs linked: ``(fig, alt_text)``."""
        import matplotlib.pyplot as plt

        s, l = self.separate, self.linked
        fig, (ax1, ax2) = plt.subplots(2, 1, figsize=(8, 5.2), sharex=True)
        for path, name, colour, style, mark in ((s, "separate plans", OKABE_ITO["orange"], "--", "x"),
                                                (l, "linked plans", OKABE_ITO["blue"], "-", "o")):
            ax1.step(path["month"], path["grant"], where="post", linestyle=style, color=colour, label=name)
            sanc = path["status"] == "sanctioned"
            ax1.plot(path.loc[sanc, "month"], path.loc[sanc, "grant"], mark, color=colour, markersize=6,
                     label=f"sanctioned ({name})")
            ax2.step(path["month"], path["children_removed"], where="post", linestyle=style, color=colour, label=name)
        ax1.set_ylabel("grant ($ a month)")
        ax2.set_ylabel("children in foster care")
        from matplotlib.ticker import MaxNLocator

        ax2.yaxis.set_major_locator(MaxNLocator(integer=True))
        ax2.set_ylim(-0.2, max(1, int(s["children_removed"].max()), int(l["children_removed"].max())) + 0.3)
        ax1.legend(fontsize=7, frameon=False, ncol=2)
        ax2.legend(fontsize=7, frameon=False)
        title = _headline(self)
        fig.suptitle(title, fontsize=10)
        fig.autofmt_xdate()
        fig.tight_layout()
        alt = f"Two step charts over {len(s)} months. {title}. " + " ".join(self.sentences())
        return fig, alt


def _months_in_care_flags(path: pd.DataFrame) -> list[bool]:
    """Whether, at each month's end, the children have been in care 15 of the last 22 months
    (the ASFA rule, :func:`linkages.rules.cws.meets_15_of_22`)."""
    periods, flags, open_start = [], [], None
    for m, k in zip(path["month"], path["children_removed"]):
        day = pd.Timestamp(m).date()
        end = add_months(day, 1)
        if k > 0 and open_start is None:
            open_start = day
        if k == 0 and open_start is not None:
            periods.append((open_start, day))
            open_start = None
        now = periods + ([(open_start, None)] if open_start is not None else [])
        flags.append(bool(now) and W.meets_15_of_22(now, end))
    return flags


def family_story(households: pd.DataFrame, activities: pd.DataFrame | None, household_id: Any,
                 scenario: Scenario | None = None, *, months: int = 24, seed: int = 0, start: Any = DEFAULT_START,
                 pronouns: Any = "she") -> FamilyStory:
    """The story of ``household_id`` under separate plans and under ``scenario`` (default: every
    lever at full strength) — same seed, so the differences come from coordination."""
    rows = households[households["household_id"] == household_id]
    if rows.empty:
        raise CaseloadError(f"There is no household '{household_id}' in the table.")
    Pronouns.of(pronouns)  # a bad value is refused before anything is run
    one = rows.reset_index(drop=True)
    start = resolve_start(households, start)
    acts = None if activities is None else activities[activities["household_id"] == household_id]
    scenario = (scenario or ALL_LEVERS).with_(months=months, seed=seed)
    base = BASELINE.with_(months=months, seed=seed, params=dict(scenario.params))
    r_sep = simulate(one, base, start, activities=acts)
    # the same prepared household for the coordinated path (the levers do not change it)
    r_lnk = simulate(one, scenario, start, activities=acts, force_identified=[True], caseload=r_sep.caseload)
    return story_from_paths(one.iloc[0], acts, scenario, r_sep.household_path(household_id),
                            r_lnk.household_path(household_id), start, pronouns=pronouns)


def story_from_paths(household: pd.Series, activities: pd.DataFrame | None, scenario: Scenario,
                     separate: pd.DataFrame, linked: pd.DataFrame, start: Any, *, pronouns: Any = "she") -> FamilyStory:
    """A :class:`FamilyStory` from one household's two paths already run (e.g. one replicate of a
    batch, as the family simulator does): its plans, the linked plan and the 15-of-22 flags."""
    pron = Pronouns.of(pronouns)
    separate, linked = separate.copy(), linked.copy()
    for p in (separate, linked):
        p["fifteen_of_22"] = _months_in_care_flags(p)
    r = household
    hid = r["household_id"]
    acts = None if activities is None else activities[activities["household_id"] == hid]
    wtw, cws = (plans_for(acts, hid) if acts is not None and len(acts) else (Plan(), Plan()))
    ages = tuple(int(x) for x in str(r["children_ages"]).split(";") if x != "")
    adults = int(r["n_adults"])
    req = C.work_hours_required(Household(adults=adults, children_ages=ages,
                                          wtw_exempt_adults=adults if str(r["work_status"]) == "exempt" else 0),
                                start)
    lp = link(wtw, cws, float(req) if len(wtw) else None)
    shared = bool(r.get("in_calworks", False)) and str(r["cw_component"]) != "none"
    return FamilyStory(hid, r, scenario, separate, linked, wtw, cws, lp, int(req), shared, pron)


def _hours(x: float) -> str:
    return f"{x:.0f}" if abs(x - round(x)) < 0.05 else f"{x:.1f}"


def _first(path: pd.DataFrame, event: str):
    hit = path.index[path["events"].str.contains(event)]
    return int(hit[0]) + 1 if len(hit) else None  # 1-based month of the run


def _headline(st: FamilyStory) -> str:
    s, l = st.separate, st.linked
    rs, rl = _first(s, "reunification"), _first(l, "reunification")
    ms, ml = int((s["status"] == "sanctioned").sum()), int((l["status"] == "sanctioned").sum())
    pos = st.pronouns.possessive
    if rl and (not rs or rl < rs):
        gain = f"{rs - rl} months sooner" if rs else f"in month {rl} (not at all under separate plans)"
        return f"With linked plans {pos} children come home {gain}"
    if _first(s, "removal") and not _first(l, "removal"):
        return f"With linked plans {pos} children are not removed"
    if ml < ms:
        return f"With linked plans {st.pronouns.subject} is sanctioned {ms - ml} fewer months" if not st.pronouns.plural \
            else f"With linked plans they are sanctioned {ms - ml} fewer months"
    if l["grant"].sum() > s["grant"].sum() + 1:
        return f"With linked plans {pos} family receives ${l['grant'].sum() - s['grant'].sum():,.0f} more in aid"
    return "For this family, linked plans change little over these months"


def week_sentences(st: FamilyStory) -> list[str]:
    """The week (no run involved): hours asked under separate plans and the linked plan, the
    double-bookings, what the linked plan moved, and whether coordination reaches the family."""
    p = st.pronouns
    S, Pos, be = p.subject.capitalize(), p.possessive, p.be()
    out = []
    sep, lnk = st.wtw_plan + st.cws_plan, st.linked_plan
    if len(st.wtw_plan) and len(st.cws_plan):
        a, b = sep.summary(), lnk.summary()
        dbl = a["double_bookings"]
        out.append(
            f"Under separate plans {p.subject} {be} asked for {_hours(a['hours_demanded'])} hours a week, including "
            f"{_hours(a['travel_hours'])} hours of travel, with "
            f"{'no' if dbl == 0 else dbl} double-booked time slot{'' if dbl == 1 else 's'}; the linked plan asks for "
            f"{_hours(b['hours_demanded'])} hours with "
            + ("none." if b["double_bookings"] == 0 else
               f"{b['double_bookings']} double-booked slot{'' if b['double_bookings'] == 1 else 's'}."))
        moves = describe_moves(lnk.moves())
        if moves:
            out.append("In the linked plan the two workers agree the week: " + "; ".join(
                m[:1].lower() + m[1:] for m in moves) + ".")
    elif len(st.wtw_plan) or len(st.cws_plan):
        one = st.wtw_plan if len(st.wtw_plan) else st.cws_plan
        which = "a welfare-to-work plan" if len(st.wtw_plan) else "a child welfare case plan"
        dbl = len(one.double_bookings())
        clash = (f", with {dbl} double-booked time slot{'' if dbl == 1 else 's'} that only that plan's worker can "
                 f"move" if dbl else "")
        out.append(f"{S} {'have' if p.plural else 'has'} only {which}: {_hours(one.demand_hours())} hours a week "
                   f"including travel{clash}, so there is nothing to link.")
    if not st.shared:
        out.append(f"{Pos.capitalize()} family is open in only one program, so coordination between the two does not "
                   f"reach it; both paths below are the same.")
    return out


#: Words a run sentence may start with that can be lower-cased after a lead-in.
_LOWER_OK = {"she", "he", "they", "her", "his", "their", "under", "the", "in", "while", "with", "both"}


def _after_lead(lead: str, sentence: str) -> str:
    first = sentence.split(" ", 1)[0]
    body = sentence[:1].lower() + sentence[1:] if first.lower() in _LOWER_OK else sentence
    return f"{lead}{body}"


def run_sentences(st: FamilyStory, lead: str | None = "") -> list[str]:
    """What happens in the story's run, month by month: sanctions and the grant, the children,
    the clock. ``lead``: the words that say these describe one run, not an average — by default
    "In one possible 24 months (a single run of the model, not an average), " on the first
    sentence and "In the same run, " on the others; ``None`` for none."""
    p = st.pronouns
    S, Pos, be = p.subject.capitalize(), p.possessive, p.be()
    out = []
    s, l = st.separate, st.linked
    n = len(s)
    ms, ml = int((s["status"] == "sanctioned").sum()), int((l["status"] == "sanctioned").sum())
    if ms or ml:
        g_full = s.loc[s["status"] != "sanctioned", "grant"]
        g_cut = s.loc[s["status"] == "sanctioned", "grant"]
        cut = (f", and {Pos} grant drops from ${g_full.max():,.0f} to ${g_cut.min():,.0f} in those months"
               if len(g_full) and len(g_cut) and g_full.max() > g_cut.min() else "")
        out.append(f"Under separate plans {p.subject} {be} sanctioned in {ms} of {n} months{cut}; "
                   f"with coordination, {ml if ml else 'no'} month{'' if ml == 1 else 's'}.")
    elif (s["hours_required"] > 0).any():
        out.append(f"{S} {be} never sanctioned in either path.")
    out.extend(_children_sentences(st))
    used_s = int(s["clock_months_used"].iloc[-1] - st.household.get("clock_months_used", 0))
    used_l = int(l["clock_months_used"].iloc[-1] - st.household.get("clock_months_used", 0))
    if used_s or used_l:
        out.append(f"{S} {p.verb('use')} {used_s} month{'' if used_s == 1 else 's'} of {Pos} CalWORKs clock under "
                   f"separate plans and {used_l} with coordination (sanctioned and exempt months do not count).")
    if lead is None or not out:
        return out
    first = lead or f"In one possible {n} months (a single run of the model, not an average), "
    return [_after_lead(first if i == 0 else "In the same run, ", x) for i, x in enumerate(out)]


def summary_sentences(st: FamilyStory, lead: str | None = "") -> list[str]:
    """Plain-language sentences: the week (:func:`week_sentences`), then what happens in the
    story's run (:func:`run_sentences`, each sentence saying it is one run).

    Example: "Under separate plans she is asked for 41 hours a week, including 6 hours of travel,
    with 3 double-booked time slots; the linked plan asks for 29 hours with none."
    """
    return week_sentences(st) + run_sentences(st, lead)


def _children_sentences(st: FamilyStory) -> list[str]:
    p = st.pronouns
    Pos = p.possessive
    out = []
    s, l = st.separate, st.linked

    def path_words(path) -> str:
        rem = _first(path, "removal_in_home") or _first(path, "reentry")
        reun = _first(path, "reunification")
        step = _first(path, "permanency_step")
        start_out = int(path["children_removed"].iloc[0]) > 0
        bits = []
        if rem and not start_out:
            bits.append(f"{Pos} children are removed in month {rem}")
        if reun:
            bits.append(f"come home in month {reun}" if bits else f"{Pos} children come home in month {reun}")
        ext = _first(path, "extension")
        if ext:
            bits.append(f"the court extends reunification services in month {ext} (enough case-plan progress)")
        if step:
            bits.append(f"the case moves to the permanency track in month {step}, when the legal deadline for "
                        f"reunification services has passed")
        if int(path["children_removed"].iloc[-1]) > 0 and not step:
            bits.append(f"are still in care after {len(path)} months" if bits
                        else f"{Pos} children are still in care after {len(path)} months")
        return ", ".join(bits)

    a, b = path_words(s), path_words(l)
    if not a and not b:
        if int(s["children_removed"].max()) == 0:
            out.append(f"{Pos.capitalize()} children stay home in both paths.")
        return out
    if a == b:
        out.append(f"In both paths {a}.")
    else:
        out.append(f"Under separate plans {a or Pos + ' children stay home'}; with coordination "
                   f"{b or Pos + ' children stay home'}.")
    fr_l = ((l["children_removed"] > 0) & (l["grant"] > 0)).sum()
    fr_s = ((s["children_removed"] > 0) & (s["grant"] > 0)).sum()
    n_children = int(st.household["n_children"])
    all_out_l = (l["children_removed"] == n_children).any()
    if all_out_l and fr_l > fr_s:
        out.append(f"While all {Pos} children are in care, family-reunification aid keeps {Pos} grant for {fr_l} "
                   f"month{'s' if fr_l != 1 else ''} with coordination and {fr_s} under separate plans.")
    f_s = int(s["fifteen_of_22"].to_numpy().argmax()) + 1 if any(s["fifteen_of_22"]) else None
    f_l = int(l["fifteen_of_22"].to_numpy().argmax()) + 1 if any(l["fifteen_of_22"]) else None
    if f_s or f_l:
        when = (f"in month {f_s} in both paths" if f_s == f_l else
                f"in month {f_s} under separate plans" + (f" and in month {f_l} with coordination" if f_l
                                                          else ", never with coordination") if f_s else
                f"in month {f_l} with coordination, never under separate plans")
        out.append(f"The children reach 15 of the last 22 months in care {when} — the point where federal law "
                   "(ASFA) expects a petition to end parental rights unless an exception applies.")
    return out


def pick_story_household(households: pd.DataFrame, activities: pd.DataFrame | None) -> Any:
    """A shared family with both plans open and at least one double-booking, for demos."""
    from ..plans import caseload_metrics

    cand = households[(households["cw_component"].isin(["family_maintenance", "family_reunification"]))
                      & households["in_calworks"].astype(bool) & (households["work_status"] != "exempt")]
    if cand.empty or activities is None:
        return households["household_id"].iloc[0]
    m = caseload_metrics(activities, household_ids=cand["household_id"].to_numpy())
    good = m[(m["wtw_hours"] > 0) & (m["cws_hours"] > 0)].sort_values(["sep_double", "linked_cut_hours"],
                                                                    ascending=False)
    return good.index[0] if len(good) else cand["household_id"].iloc[0]

