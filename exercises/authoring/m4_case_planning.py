"""Assignment 4 — Coordinated case planning: link two plans, draft a linked plan that meets both."""

from linkages.grading.authoring import Assignment, answer, setup, tests, text, written

ASSIGNMENT = Assignment("m4_case_planning", "Coordinated case planning", 4, [
    text("intro", """
        # Assignment 4 — Coordinated case planning

        In a *linked case plan* both plans stay, but an activity both programs accept is counted
        once and the week is arranged so nothing is booked twice. You will link Tasha's plans,
        then draft a linked plan yourself for Linh, whose grant was cut when job club clashed with
        her family's therapy. Every family here is synthetic.

        **How to work.** Run the set-up cell first. Write each answer in the cell that says
        `YOUR CODE HERE` (delete the `raise NotImplementedError()` line), run it, then run the
        checks under it, or type `check("q1")` for a summary in words. Some checks are hidden
        and run only when your work is graded. Save before you hand in.
    """),
    setup("setup", """
        # Set-up: run this cell first (Shift+Enter). Nothing here needs changing.
        import pandas as pd

        from linkages.families import load, to_household
        from linkages.grading import check
        from linkages.plans import Activity, Plan, link, plans_for
        from linkages.rules import calworks

        ON = "2025-06-01"
        cast = load("cast")
        households = cast.households.set_index("household_id", drop=False)
        plans = pd.read_csv("cast_plans.csv")  # the cast's case-plan activities (a copy kept with this assignment)


        def family(household_id):
            \"\"\"The rules' view of one cast family (a Household).\"\"\"
            return to_household(households.loc[household_id])


        tasha_wtw, tasha_cws = plans_for(plans, "CAST-000003")
        linh_wtw, linh_cws = plans_for(plans, "CAST-000004")
        plans[plans.household_id == "CAST-000004"]
    """),
    text("q1_prompt", """
        ## Question 1 — Tasha's linked plan (2 points)

        Link Tasha's plans with `link(tasha_wtw, tasha_cws, required_hours=...)`, using the
        welfare-to-work hours the rules require of her. How many hours a week does the linked
        plan ask, travel included (`linked_demand`), and how many double-bookings are left
        (`linked_clashes`)?
    """),
    answer("q1", """
        required = calworks.work_hours_required(family("CAST-000003"), ON)
        tasha_linked = link(tasha_wtw, tasha_cws, required_hours=required)
        linked_demand = tasha_linked.demand_hours()
        linked_clashes = len(tasha_linked.double_bookings())
    """, wrong=[
        # travel left out
        ("tasha_linked = link(tasha_wtw, tasha_cws, required_hours=20)\n"
         "linked_demand = tasha_linked.total_hours\nlinked_clashes = len(tasha_linked.double_bookings())", 1),
    ]),
    tests("q1", "demand", 1, """
        assert isinstance(linked_demand, (int, float)) and linked_demand > 0, "linked_demand should be hours a week."
        assert linked_demand <= (tasha_wtw + tasha_cws).demand_hours(), "A linked plan never asks more than the two plans side by side."
    """, hidden="""
        assert abs(linked_demand - 33.0) < 0.01
    """, about="hours with travel"),
    tests("q1", "clashes", 1, """
        assert isinstance(linked_clashes, int) and linked_clashes >= 0, "linked_clashes should be a whole number."
    """, hidden="""
        assert linked_clashes == 0
    """, about="double-bookings left"),
    text("q2_prompt", """
        ## Question 2 — draft Linh's linked plan (7 points)

        Linh (`CAST-000004`) owes 30 welfare-to-work hours a week. Her plans are `linh_wtw` and
        `linh_cws` (shown by the set-up cell). Draft a linked plan `linh_plan` (a `Plan` of
        `Activity` objects) that:

        1. has no double-bookings;
        2. gives welfare-to-work at least the hours the rules require of her (activities that
           welfare-to-work accepts count: `plan.hours_for("wtw")`);
        3. keeps every activity of her child welfare case plan, with at least its hours, in the
           child welfare plan (you may move its day or time);
        4. counts the counseling that both programs accept once, not twice.

        Do the week's arranging yourself, as the two workers would at a case conference: start
        from `link(linh_wtw, linh_cws, required_hours=30, reschedule=False)`, which counts shared
        activities once but leaves every session where it was, and move what still clashes:
        `Activity("job_search", "wtw", 28, "WTW office", "Mon;Tue;Thu;Fri", 9)` is an activity
        of 28 hours a week over four days from 9:00. (Without `reschedule=False`, `link` moves
        clashing sessions to free slots by itself; a plan made that way is graded the same.)
    """),
    answer("q2", """
        required = calworks.work_hours_required(family("CAST-000004"), ON)
        linked = link(linh_wtw, linh_cws, required_hours=required, reschedule=False)
        # job search still clashes with family therapy (Wed) and the parenting class (Fri):
        # move it to the mornings of the four days without counseling
        job = next(a for a in linked.activities if a.activity == "job_search")
        morning_job = Activity("job_search", "wtw", job.hours_per_week, job.place, "Mon;Tue;Thu;Fri", 9)
        linh_plan = Plan(tuple(a for a in linked.activities if a.activity != "job_search") + (morning_job,),
                         name="Linh's linked plan")
    """, wrong=[
        # linked, but the clashes left where they were
        ("linh_plan = link(linh_wtw, linh_cws, required_hours=30, reschedule=False)", 5),
        # the two plans side by side: no clash fixed, counseling counted twice
        ("linh_plan = linh_wtw + linh_cws", 4),
    ]),
    tests("q2", "plan", 1, """
        assert isinstance(linh_plan, Plan), "linh_plan should be a Plan, for example Plan((Activity(...), ...))."
        assert len(linh_plan) > 0, "linh_plan has no activities yet."
    """, about="a plan"),
    tests("q2", "clashes", 2, """
        clashes = linh_plan.double_bookings()
        assert clashes == [], "Still double-booked: " + "; ".join(b.sentence() for b in clashes)
    """, hidden="""
        sessions = [(d, a.start_hour, a.start_hour + a.hours_per_week / len(a.days))
                    for a in linh_plan.activities if a.hours_per_week > 0 for d in a.days]
        assert not any(d1 == d2 and s1 < e2 and s2 < e1
                       for i, (d1, s1, e1) in enumerate(sessions) for (d2, s2, e2) in sessions[i + 1:])
    """, about="no double-bookings"),
    tests("q2", "hours", 2, """
        assert isinstance(linh_plan, Plan), "linh_plan should be a Plan."
        need = calworks.work_hours_required(family("CAST-000004"), ON)
        assert linh_plan.hours_for("wtw") >= need - 1e-9, \\
            f"Welfare-to-work counts {linh_plan.hours_for('wtw'):g} hours in this plan; Linh owes {need}."
    """, hidden="""
        assert sum(a.hours_per_week for a in linh_plan.activities if "wtw" in a.accepted_by) >= 30 - 1e-9
    """, about="welfare-to-work hours"),
    tests("q2", "cws", 1, """
        assert isinstance(linh_plan, Plan), "linh_plan should be a Plan."
        for need in linh_cws.activities:
            got = sum(a.hours_per_week for a in linh_plan.activities if a.plan == "cws" and a.activity == need.activity)
            assert got >= need.hours_per_week - 1e-9, \\
                f"The case plan's {need.activity} ({need.hours_per_week:g} hours) is missing or shorter."
    """, hidden="""
        for name, hours in {"parenting_class": 3.0, "mental_health_counseling": 2.0, "family_therapy": 1.5}.items():
            assert sum(a.hours_per_week for a in linh_plan.activities if a.plan == "cws" and a.activity == name) >= hours
    """, about="the case plan kept"),
    tests("q2", "once", 1, """
        assert isinstance(linh_plan, Plan), "linh_plan should be a Plan."
        assert linh_plan.total_hours <= (linh_wtw + linh_cws).total_hours - 2 + 1e-9, \\
            "Counseling is in both plans and both programs accept it: a linked plan counts its 2 hours once."
    """, hidden="""
        assert linh_plan.total_hours <= 34.5 + 1e-9
    """, about="counseling counted once"),
    text("q3_prompt", """
        ## Question 3 — what linking saves Tasha (1 point)

        How many hours a week, travel included, does Tasha's linked plan (Question 1) save her
        compared with the two plans side by side? Store it in `hours_saved`.
    """),
    answer("q3", """
        separate = (tasha_wtw + tasha_cws).demand_hours()
        hours_saved = separate - link(tasha_wtw, tasha_cws, required_hours=20).demand_hours()
    """, wrong=[
        # activity hours only, travel left out
        ("hours_saved = (tasha_wtw + tasha_cws).total_hours - link(tasha_wtw, tasha_cws, required_hours=20).total_hours", 0),
    ]),
    tests("q3", "value", 1, """
        assert isinstance(hours_saved, (int, float)) and hours_saved > 0, "hours_saved should be a positive number of hours."
    """, hidden="""
        assert abs(hours_saved - 14.0) < 0.01
    """, about="hours saved"),
    text("w4_prompt", """
        ## Written answer — a case note explaining the linked plan to Linh (4 points)

        Write the note you would go through with Linh at the joint meeting (6–10 sentences, plain
        words): what her week now looks like, what counts for welfare-to-work, why the clashes that
        led to her sanction will not happen again, what she needs to do to end the sanction, and
        who to call when something changes.
    """),
    written("w4", 4,
            prompt="A case note for Linh explaining her linked plan, what counts, the end of the clashes, and next steps.",
            model="""
                Linh, this is the plan your welfare-to-work counselor and your social worker agreed with you today.
                Job search now runs in the mornings, Monday, Tuesday, Thursday and Friday, from 9 to 4. Wednesdays
                are for your counseling at 10 and the family therapy at 5, and the parenting class stays on Friday
                at 5. Your counseling counts for both programs, so its two hours count toward your 30
                welfare-to-work hours once: 28 hours of job search plus 2 hours of counseling make 30. Nothing in
                this week is booked at the same time any more, so you will not have to choose between job club and
                therapy again. To end the sanction, take part in the plan as agreed; your counselor will tell you
                the date it ends and your grant goes back up. If a session moves or you are sick, call either of us
                and we will tell the other, so it never counts against you.
            """,
            criteria=[
                (1, "Describes the new week correctly (job search moved away from Wednesday therapy and Friday class; the days and times)."),
                (1, "Explains what counts: counseling accepted by both counts once toward the 30 hours (28 + 2)."),
                (1, "Says how the sanction ends and who to contact when something changes (either worker, who tells the other)."),
                (1, "Plain, respectful language addressed to Linh; no blame for the past sanction; builds on her engagement."),
            ]),
])
