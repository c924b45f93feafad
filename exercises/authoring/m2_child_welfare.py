"""Assignment 2 — Child welfare services in brief: case plan due, reunification limits, 15 of 22."""

from linkages.grading.authoring import Assignment, answer, setup, tests, text, written

ASSIGNMENT = Assignment("m2_child_welfare", "Child welfare services in brief", 2, [
    text("intro", """
        # Assignment 2 — Child welfare services in brief

        You will work out child welfare's clocks for two families of the teaching cast: when a
        case plan is due, how long reunification services last, and the federal "15 of 22"
        months. Every family here is synthetic.

        **How to work.** Run the set-up cell first. Write each answer in the cell that says
        `YOUR CODE HERE` (delete the `raise NotImplementedError()` line), run it, then run the
        checks under it, or type `check("q1")` for a summary in words. Some checks are hidden
        and run only when your work is graded. Save before you hand in.
    """),
    setup("setup", """
        # Set-up: run this cell first (Shift+Enter). Nothing here needs changing.
        import datetime as dt

        from linkages.families import load
        from linkages.grading import check
        from linkages.household import Child
        from linkages.rules import cws

        cast = load("cast")
        households = cast.households.set_index("household_id", drop=False)

        # Jayden (5) and Amara (2), Tasha's children (CAST-000003), were placed with their aunt.
        removal = households.loc["CAST-000003", "removal_date"].date()
        jurisdiction_hearing = dt.date(2025, 3, 20)
        disposition_hearing = dt.date(2025, 4, 30)
        print("removal:", removal, "| jurisdiction:", jurisdiction_hearing, "| disposition:", disposition_hearing)
        households[["county", "cw_component", "children_ages", "children_removed", "removal_date"]]
    """),
    text("q1_prompt", """
        ## Question 1 — when is the case plan due? (2 points)

        When was the case plan for Jayden and Amara due? Store the date in `case_plan_due` (a
        `datetime.date`). Tip: `cws.case_plan_due_date(event_date, disposition_date)`.
    """),
    answer("q1", """
        case_plan_due = cws.case_plan_due_date(removal, disposition_hearing)
    """, wrong=[
        ("case_plan_due = disposition_hearing  # the hearing, not the earlier of the two", 0),
    ]),
    tests("q1", "date", 2, """
        assert isinstance(case_plan_due, dt.date), "case_plan_due should be a date, like dt.date(2025, 1, 31)."
        assert removal < case_plan_due <= disposition_hearing, \\
            "The case plan is due after the removal and no later than the dispositional hearing."
    """, hidden="""
        assert case_plan_due == dt.date(2025, 4, 18)
    """, about="the due date"),
    text("q2_prompt", """
        ## Question 2 — how long do reunification services last? (2 points)

        Amara was 2 and Jayden 5 when they were placed. On what date do court-ordered
        reunification services end for each child (before any extension)? Store a dictionary
        `services_end = {"Amara": date, "Jayden": date}`.

        Tip: `cws.reunification_deadlines(Child(age_at_removal, removal_date, jurisdiction_date,
        disposition_date, sibling_under_3))` returns the dates; think about what
        `sibling_under_3` should be for each child.
    """),
    answer("q2", """
        services_end = {
            "Amara": cws.reunification_deadlines(Child(2, removal, jurisdiction_hearing, disposition_hearing)).services_end,
            "Jayden": cws.reunification_deadlines(
                Child(5, removal, jurisdiction_hearing, disposition_hearing, sibling_under_3=True)).services_end,
        }
    """, wrong=[
        # Jayden treated as if he were placed alone: 12 months from entering foster care
        ('services_end = {"Amara": dt.date(2025, 10, 30), "Jayden": dt.date(2026, 3, 20)}', 1),
    ]),
    tests("q2", "dates", 2, """
        assert isinstance(services_end, dict) and sorted(services_end) == ["Amara", "Jayden"], \\
            'services_end should be a dictionary with the keys "Amara" and "Jayden".'
        assert all(isinstance(d, dt.date) for d in services_end.values()), "Each value should be a date."
        assert all(removal < d for d in services_end.values()), "Services end after the removal."
    """, hidden="""
        float((services_end["Amara"] == dt.date(2025, 10, 30)) + (services_end["Jayden"] == dt.date(2025, 10, 30)))
    """, about="one point for each child"),
    text("q3_prompt", """
        ## Question 3 — 15 of the most recent 22 months (3 points)

        Koda (Kaya's son, `CAST-000010`) was removed on 13 November 2024; the jurisdictional
        hearing was on 20 December 2024. He went home on 1 August 2025 and came back into care on
        6 October 2025. On **1 June 2026**, how many months has he been in care within the
        federal look-back window (`koda_months`, rounded to one decimal), and has he been in care
        15 of the most recent 22 months (`koda_15_of_22`, True or False)?

        Tip: the clock starts on the date he *entered foster care*
        (`cws.entered_foster_care_date`); `cws.months_in_care(periods, on, entered)` and
        `cws.meets_15_of_22(...)` take periods as `(start, end)` pairs, `end=None` while still in care.
    """),
    answer("q3", """
        koda_removal = dt.date(2024, 11, 13)
        entered = cws.entered_foster_care_date(koda_removal, dt.date(2024, 12, 20))
        periods = [(koda_removal, dt.date(2025, 8, 1)), (dt.date(2025, 10, 6), None)]
        on = dt.date(2026, 6, 1)
        koda_months = round(cws.months_in_care(periods, on, entered), 1)
        koda_15_of_22 = cws.meets_15_of_22(periods, on, entered)
    """, wrong=[
        # counting from the removal, not from entering foster care: the months are off, the answer is right
        ("koda_months = 16.4\nkoda_15_of_22 = True", 1),
    ]),
    tests("q3", "months", 2, """
        assert isinstance(koda_months, (int, float)), "koda_months should be a number of months, like 12.3."
        assert 0 < koda_months <= 22, "Months in care within a 22-month window are between 0 and 22."
    """, hidden="""
        assert abs(koda_months - 15.2) < 0.051
    """, about="months in care"),
    tests("q3", "flag", 1, """
        assert isinstance(koda_15_of_22, bool), "koda_15_of_22 should be True or False."
    """, hidden="""
        assert koda_15_of_22 is True
    """, about="15 of 22"),
    text("q4_prompt", """
        ## Question 4 — which children are out of the home? (1 point)

        Which families of the cast have children living out of the home today? Store a sorted
        list of household ids in `out_of_home` (use the `children_removed` column).
    """),
    answer("q4", """
        out_of_home = sorted(households.loc[households.children_removed > 0, "household_id"])
    """, wrong=[
        # every family with an open child welfare case, whether or not a child was removed
        ('out_of_home = sorted(households.loc[households.cw_component != "none", "household_id"])', 0),
    ]),
    tests("q4", "ids", 1, """
        assert isinstance(out_of_home, list) and all(isinstance(h, str) for h in out_of_home), \\
            "out_of_home should be a list of household ids, like ['CAST-000001']."
        assert out_of_home == sorted(out_of_home), "Sort the list (sorted(...))."
    """, hidden="""
        assert out_of_home == ["CAST-000003", "CAST-000010"]
    """, about="the families"),
    text("w2_prompt", """
        ## Written answer — explaining the timeline to Tasha (4 points)

        Tasha asks you: "How long do I have to get Jayden and Amara home, and why does Jayden's
        time depend on Amara's age?" Write what you would tell her (5–8 sentences, plain words).
        Use the dates from Questions 1 and 2, say what can extend the time, and name one of her
        strengths that the plan can build on.
    """),
    written("w2", 4,
            prompt="Explain Tasha's reunification timeline to her, why the siblings share one timetable, and build on a strength.",
            model="""
                Tasha, your reunification services run until 30 October 2025, six months after the court's
                disposition hearing on 30 April. Because Amara was under three when she was placed, the law gives
                families with a very young child a shorter first period, and Jayden shares it so that the two of
                them stay on one plan and can come home together. The court reviews the case every six months; if
                you are making real progress and it is likely that the children can come home, the judge can
                extend services, up to 18 months after the placement (August 2026). You have been in recovery for
                three months and you have not missed a single visit: that is exactly what the court looks at, and
                we will write it into the plan. Let's also line up your treatment and your welfare-to-work hours so
                they help each other rather than compete for your time.
            """,
            criteria=[
                (1, "Gives the correct end of services (30 October 2025, six months from disposition) and the case plan/review rhythm."),
                (1, "Explains why Jayden's timeline follows Amara's (sibling group with a child under 3, kept on one plan)."),
                (1, "Says what can extend it correctly: substantial probability of return, up to 18 months from removal, at a review."),
                (1, "Names a real strength (recovery, perfect visits) and speaks to Tasha respectfully, without blame or jargon."),
            ]),
])
