"""Assignment 3 — Shared families: who is in both programs, what the two plans ask, the clashes."""

from linkages.grading.authoring import Assignment, answer, setup, tests, text, written

ASSIGNMENT = Assignment("m3_shared_families", "Shared families", 3, [
    text("intro", """
        # Assignment 3 — Shared families

        Many families are known to both CalWORKs and child welfare, and each program writes its
        own plan. You will find the shared families of the teaching cast and look at what the two
        plans ask of one mother, Tasha, in one week. Every family here is synthetic.

        **How to work.** Run the set-up cell first. Write each answer in the cell that says
        `YOUR CODE HERE` (delete the `raise NotImplementedError()` line), run it, then run the
        checks under it, or type `check("q1")` for a summary in words. Some checks are hidden
        and run only when your work is graded. Save before you hand in.
    """),
    setup("setup", """
        # Set-up: run this cell first (Shift+Enter). Nothing here needs changing.
        import pandas as pd

        from linkages.families import load
        from linkages.grading import check
        from linkages.plans import plans_for

        cast = load("cast")
        households = cast.households.set_index("household_id", drop=False)
        plans = pd.read_csv("cast_plans.csv")  # the cast's case-plan activities (a copy kept with this assignment)

        # Tasha's two plans: welfare-to-work (wtw) and her child welfare case plan (cws)
        tasha_wtw, tasha_cws = plans_for(plans, "CAST-000003")
        plans[plans.household_id == "CAST-000003"]
    """),
    text("q1_prompt", """
        ## Question 1 — which families are shared? (2 points)

        Which families of the cast are known to **both** CalWORKs and child welfare? Store a
        sorted list of household ids in `shared_ids`. The columns `in_calworks` and `in_cws`
        say which program knows each family.
    """),
    answer("q1", """
        shared_ids = sorted(households.loc[households.in_calworks & households.in_cws, "household_id"])
    """, wrong=[
        # only the families with a plan in each program: a family can be shared before it has two plans
        ("shared_ids = sorted(h for h in plans.household_id.unique()\n"
         "                    if {'wtw', 'cws'} <= set(plans.loc[plans.household_id == h, 'plan']))", 0),
    ]),
    tests("q1", "ids", 2, """
        assert isinstance(shared_ids, list) and all(isinstance(h, str) for h in shared_ids), \\
            "shared_ids should be a list of household ids, like ['CAST-000001']."
        assert shared_ids == sorted(shared_ids), "Sort the list (sorted(...))."
        assert set(shared_ids) <= set(households.household_id), "Use household ids of the cast."
    """, hidden="""
        assert shared_ids == ["CAST-000003", "CAST-000004", "CAST-000005", "CAST-000006", "CAST-000008",
                              "CAST-000009", "CAST-000010", "CAST-000012"]
    """, about="the shared families"),
    text("q2_prompt", """
        ## Question 2 — what the two plans ask of Tasha (2 points)

        Put Tasha's two plans side by side (`tasha_wtw + tasha_cws`). How many hours of
        activities a week do they ask of her (`tasha_hours`), and how many hours once travel
        between places is counted too (`tasha_demand`)? A plan has `.total_hours` and
        `.demand_hours()`.
    """),
    answer("q2", """
        both = tasha_wtw + tasha_cws
        tasha_hours = both.total_hours
        tasha_demand = both.demand_hours()
    """, wrong=[
        # the welfare-to-work plan alone
        ("tasha_hours = tasha_wtw.total_hours\ntasha_demand = tasha_wtw.demand_hours()", 0),
        # activities right, travel forgotten
        ("tasha_hours = (tasha_wtw + tasha_cws).total_hours\ntasha_demand = tasha_hours", 1),
    ]),
    tests("q2", "hours", 1, """
        assert isinstance(tasha_hours, (int, float)) and tasha_hours > 0, "tasha_hours should be a number of hours a week."
    """, hidden="""
        assert abs(tasha_hours - 37.0) < 0.01
    """, about="activity hours"),
    tests("q2", "demand", 1, """
        assert isinstance(tasha_demand, (int, float)) and tasha_demand > 0, "tasha_demand should be a number of hours a week."
        assert tasha_demand >= tasha_hours, "With travel the week asks at least as many hours as the activities alone."
    """, hidden="""
        assert abs(tasha_demand - 47.0) < 0.01
    """, about="hours with travel"),
    text("q3_prompt", """
        ## Question 3 — the double-bookings (3 points)

        A double-booking is two activities at the same time on the same day. How many are there
        in Tasha's week, with her two plans side by side (`tasha_clashes`), and how many of them
        set a welfare-to-work activity against a child welfare one (`tasha_cross_program`)? A
        plan's `.double_bookings()` lists them; each has `.first.plan` and `.second.plan`.
        (Compare with each plan on its own: each worker booked her own plan without a clash.)
    """),
    answer("q3", """
        bookings = (tasha_wtw + tasha_cws).double_bookings()
        tasha_clashes = len(bookings)
        tasha_cross_program = sum(1 for b in bookings if b.first.plan != b.second.plan)
    """, wrong=[
        # each plan on its own: no clash inside either, so none found
        ("tasha_clashes = len(tasha_wtw.double_bookings()) + len(tasha_cws.double_bookings())\n"
         "tasha_cross_program = 0", 0),
        # the hours double-booked (three on Tuesday) instead of the double-bookings
        ("tasha_clashes = 3\ntasha_cross_program = 1", 2),
    ]),
    tests("q3", "all", 1, """
        assert isinstance(tasha_clashes, int), "tasha_clashes should be a whole number."
    """, hidden="""
        assert tasha_clashes == 1
    """, about="all double-bookings"),
    tests("q3", "cross", 2, """
        assert isinstance(tasha_cross_program, int), "tasha_cross_program should be a whole number."
        assert 0 <= tasha_cross_program <= tasha_clashes, "Clashes between the programs are some of all the clashes."
    """, hidden="""
        assert tasha_cross_program == 1
    """, about="between the programs"),
    text("q4_prompt", """
        ## Question 4 — who is most double-booked? (1 point)

        Among the shared families, which one's two plans have the most double-bookings? Store its
        household id in `most_clashes` (if two families tie, either one is right).
    """),
    answer("q4", """
        def clashes(household_id):
            wtw, cws = plans_for(plans, household_id)
            return len((wtw + cws).double_bookings())


        counts = {h: clashes(h) for h in households.household_id}
        most_clashes = max(counts, key=counts.get)
    """),
    tests("q4", "id", 1, """
        assert isinstance(most_clashes, str) and most_clashes in set(households.household_id), \\
            "most_clashes should be one household id of the cast, like 'CAST-000001'."
    """, hidden="""
        assert most_clashes in ("CAST-000004", "CAST-000010")  # Linh and Kaya: two each
    """, about="the family"),
    text("q5_prompt", """
        ## Question 5 — each program is the other's prevention partner (3 points)

        The planners of Linkages wrote: *"CalWORKs is a primary prevention program for child
        welfare and CWS is an antipoverty program."* For each kind of help below, say which way it
        works: `"A"` when CalWORKs help keeps the family's income, child care or housing steady,
        which lowers the risk that the children need protecting; `"B"` when a child welfare
        service removes a barrier that keeps the parent from work.

        - a. Linh's sanction is resolved and her full grant is paid again.
        - b. Tasha's substance use treatment, in her child welfare case plan.
        - c. Temporary homeless assistance for Guadalupe's family when they lose their apartment.
        - d. Linh's counseling for depression, in her child welfare case plan.

        Store a dictionary `partners = {"a": ..., "b": ..., "c": ..., "d": ...}` with `"A"` or
        `"B"` for each. Then: Puls et al. (2021) found that each extra $1,000 of benefit spending
        per person in poverty went with 4.3% fewer maltreatment reports across states. Is that a
        measured effect of Linkages? Store `True` or `False` in `puls_measures_linkages`.
    """),
    answer("q5", """
        partners = {"a": "A", "b": "B", "c": "A", "d": "B"}
        puls_measures_linkages = False
    """, wrong=[
        # the two directions swapped: which program gives the help, not what it prevents for the other
        ('partners = {"a": "B", "b": "A", "c": "B", "d": "A"}\npuls_measures_linkages = False', 1),
        # an association across states read as Linkages' own effect
        ('partners = {"a": "A", "b": "B", "c": "A", "d": "B"}\npuls_measures_linkages = True', 2),
    ]),
    tests("q5", "partners", 2, """
        assert isinstance(partners, dict) and sorted(partners) == ["a", "b", "c", "d"], \\
            'partners should be a dictionary with the keys "a", "b", "c" and "d".'
        assert all(str(v).strip().upper() in ("A", "B") for v in partners.values()), 'Each value should be "A" or "B".'
    """, hidden="""
        expected = {"a": "A", "b": "B", "c": "A", "d": "B"}
        float(sum(str(partners[k]).strip().upper() == v for k, v in expected.items()) / 2)
    """, about="half a point each"),
    tests("q5", "evidence", 1, """
        assert isinstance(puls_measures_linkages, bool), "puls_measures_linkages should be True or False."
    """, hidden="""
        assert puls_measures_linkages is False
    """, about="association or effect"),
    text("w3_prompt", """
        ## Written answer — Tasha's week, in her words to both workers (4 points)

        Write a short message (5–8 sentences) that a worker could send to both Tasha's
        welfare-to-work counselor and her social worker after talking with her. Describe her week
        as she lives it: the hours, the travel and the double-bookings you found, what could
        happen if she misses job search or treatment, and one thing that is going well.
        Person-first, strengths-based, and no blame.
    """),
    written("w3", 4,
            prompt="A message to both workers describing Tasha's week, the clashes and their risks, and a strength.",
            model="""
                I met with Tasha today about her week. Between her welfare-to-work plan and her case plan she is
                asked for 37 hours of activities, about 47 hours with the travel between six different places.
                Each plan fits on its own, but side by side she has substance use treatment every weekday morning
                in two different programs, for the same need, and on Tuesday both are booked at the same hour,
                before job search at noon. If she misses job search, she risks a sanction
                that would cut the family's income just when she is looking for housing for Jayden, Amara and
                herself; if she misses treatment, her reunification plan suffers. Tasha has been in recovery for
                three months and has not missed a visit with her children, and she wants both plans to work. Could
                we meet together this week to count her treatment toward her welfare-to-work hours, so that she
                attends one treatment program, not two?
            """,
            criteria=[
                (1, "Uses the facts found: about 37 hours of activities, about 47 with travel, and one double-booking: her two treatment programs, for the same need, at the same hour on Tuesday."),
                (1, "Names the risk on both sides: a sanction cutting income, and missed treatment or visits harming reunification."),
                (1, "Proposes a concrete next step that involves both workers (joint meeting, counting treatment toward welfare-to-work hours, rescheduling)."),
                (1, "Person-first and strengths-based: names something going well, no blame or labels, written so Tasha could read it."),
            ]),
])
