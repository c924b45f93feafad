"""Assignment 6 — Flexible financing: homeless assistance, family-reunification aid, and the cost
of coordination against the foster care it can avoid."""

from linkages.grading.authoring import Assignment, answer, setup, tests, text, written

ASSIGNMENT = Assignment("m6_financing", "Flexible financing", 6, [
    text("intro", """
        # Assignment 6 — Flexible financing

        Money that follows the family: what CalWORKs can pay when a family loses housing or its
        children are placed, and whether paying for coordination can cost less than the foster
        care it prevents. Every family here is synthetic, and the cost figures are the kit's
        stated assumptions, which your county should replace with its own.

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
        from linkages.params import param
        from linkages.rules import calworks

        ON = "2025-06-01"
        cast = load("cast")
        households = cast.households.set_index("household_id", drop=False)
        for name in ("model.cost.foster_care_child_month_usd", "model.cost.staff_hour_usd"):
            print(name, "=", param(name).at(ON), "|", param(name).source_line())
        print("model.levers.pooled_funding cost_per_family_month_usd =",
              param("model.levers.pooled_funding").at(ON, "cost_per_family_month_usd"))
    """),
    text("q1_prompt", """
        ## Question 1 — temporary homeless assistance (2 points)

        Guadalupe (`CAST-000009`) and her four children have lost their apartment. How much
        temporary homeless assistance can the family of five get, at most, in total? Store the
        dollars in `tha_total`. Tip: `calworks.temporary_homeless_assistance(persons, ON)`.
    """),
    answer("q1", """
        people = int(households.loc["CAST-000009", "n_adults"] + households.loc["CAST-000009", "n_children"])
        tha_total = calworks.temporary_homeless_assistance(people, ON).total
    """, wrong=[
        # the base daily rate of a family of four, no extra person
        ("tha_total = 85 * 16", 0),
    ]),
    tests("q1", "total", 2, """
        assert isinstance(tha_total, (int, float)) and tha_total > 0, "tha_total should be dollars, a positive number."
    """, hidden="""
        assert tha_total == 1600
    """, about="the total"),
    text("q2_prompt", """
        ## Question 2 — family-reunification aid (4 points)

        When a family's children are placed in foster care, CalWORKs can keep helping the parent.
        For Kaya (`CAST-000010`, Koda placed on 13 November 2024) and Tasha (`CAST-000003`, both
        children placed on 17 February 2025), what kind of help continues, and until when? Store
        `fr_kaya` and `fr_tasha`, each a pair `(kind, end date)` as
        `calworks.family_reunification_aid(removal_date)` gives them (`.kind`, `.ends`).
    """),
    answer("q2", """
        def fr(removal):
            aid = calworks.family_reunification_aid(removal)
            return aid.kind, aid.ends


        fr_kaya = fr(dt.date(2024, 11, 13))
        fr_tasha = fr(dt.date(2025, 2, 17))
    """, wrong=[
        # AB 135's cash aid applied to a removal from before 2025
        ('fr_kaya = ("cash and services", dt.date(2025, 6, 13))\n'
         'fr_tasha = ("cash and services", dt.date(2025, 9, 17))', 2),
    ]),
    tests("q2", "kaya", 2, """
        assert isinstance(fr_kaya, tuple) and len(fr_kaya) == 2, "fr_kaya should be a pair: (kind, end date)."
        assert isinstance(fr_kaya[1], dt.date), "The second item should be a date."
    """, hidden="""
        float(fr_kaya[0] == "services only") + float(fr_kaya[1] == dt.date(2025, 5, 12))
    """, about="Kaya"),
    tests("q2", "tasha", 2, """
        assert isinstance(fr_tasha, tuple) and len(fr_tasha) == 2, "fr_tasha should be a pair: (kind, end date)."
        assert isinstance(fr_tasha[1], dt.date), "The second item should be a date."
    """, hidden="""
        float(fr_tasha[0] == "cash and services") + float(fr_tasha[1] == dt.date(2025, 9, 17))
    """, about="Tasha"),
    text("q3_prompt", """
        ## Question 3 — does coordination pay for itself? (2 points)

        For Linh's family, the county considers six months of pooled-funding services (at the
        kit's cost per family-month) plus 3 hours of staff time a month (at the kit's staff-hour
        cost). Suppose it prevents 2 child-months of foster care (at the kit's cost per
        child-month). What is the net saving, in dollars, of doing it (`net_saving`: foster care
        avoided minus the coordination cost)? Read the costs with `param(...)` as the set-up cell does.
    """),
    answer("q3", """
        foster = param("model.cost.foster_care_child_month_usd").at(ON)
        staff = param("model.cost.staff_hour_usd").at(ON)
        pooled = param("model.levers.pooled_funding").at(ON, "cost_per_family_month_usd")
        net_saving = 2 * foster - 6 * (pooled + 3 * staff)
    """, wrong=[
        # staff time forgotten
        ('net_saving = 2 * 2500 - 6 * 150', 0),
    ]),
    tests("q3", "value", 2, """
        assert isinstance(net_saving, (int, float)), "net_saving should be a number of dollars."
    """, hidden="""
        assert abs(net_saving - 3020) < 0.5
    """, about="the net saving"),
    text("q4_prompt", """
        ## Question 4 — does the conclusion survive the assumptions? (3 points)

        The two child-months of foster care avoided in Question 3 are a hope, not a fact. Suppose
        the same coordination (six months of pooled services plus 3 staff hours a month) avoids
        only **1** child-month. Its net saving is then positive, but every cost is an assumption.
        Test it: work out the net saving with one assumption at a time **halved** and
        **doubled**, the others as the kit has them:

        - the cost of a foster care child-month: `"foster half"`, `"foster double"`;
        - the cost of pooled services per family-month: `"pooled half"`, `"pooled double"`.

        Store the four net savings (dollars) in a dictionary `sensitivity` with those keys, and in
        `survives` whether the conclusion "coordination pays for itself" holds in all four cases
        (`True` or `False`).
    """),
    answer("q4", """
        foster = param("model.cost.foster_care_child_month_usd").at(ON)
        staff = param("model.cost.staff_hour_usd").at(ON)
        pooled = param("model.levers.pooled_funding").at(ON, "cost_per_family_month_usd")


        def net(foster_cost, pooled_cost, months_avoided=1):
            return months_avoided * foster_cost - 6 * (pooled_cost + 3 * staff)


        sensitivity = {
            "foster half": net(foster / 2, pooled),
            "foster double": net(foster * 2, pooled),
            "pooled half": net(foster, pooled / 2),
            "pooled double": net(foster, pooled * 2),
        }
        survives = all(v > 0 for v in sensitivity.values())
    """, wrong=[
        # the whole coordination cost halved and doubled (staff time too), not the pooled services alone
        ('sensitivity = {"foster half": -730, "foster double": 3020, "pooled half": 1510, "pooled double": -1460}\n'
         "survives = False", 2),
        # the central case read as the answer: it saves money, so the conclusion "survives"
        ('sensitivity = {"foster half": -730, "foster double": 3020, "pooled half": 970, "pooled double": -380}\n'
         "survives = True", 2),
    ]),
    tests("q4", "values", 2, """
        assert isinstance(sensitivity, dict) and sorted(sensitivity) == [
            "foster double", "foster half", "pooled double", "pooled half"], \\
            'sensitivity should be a dictionary with the keys "foster half", "foster double", "pooled half" and "pooled double".'
        assert all(isinstance(v, (int, float)) for v in sensitivity.values()), "Each value should be dollars, a number."
    """, hidden="""
        expected = {"foster half": -730, "foster double": 3020, "pooled half": 970, "pooled double": -380}
        float(sum(abs(sensitivity[k] - v) < 0.5 for k, v in expected.items()) / 2)
    """, about="half a point each"),
    tests("q4", "verdict", 1, """
        assert isinstance(survives, bool), "survives should be True or False."
    """, hidden="""
        assert survives is False
    """, about="the verdict"),
    text("w6_prompt", """
        ## Written answer — a request to the fiscal officer (4 points)

        Kaya has a place to live but needs a $1,200 deposit to rent a two-room apartment, which
        the social worker says is the last step before Koda can come home. Neither program's
        usual rules pay for it. Write a short request to the county's fiscal officer (6–10
        sentences) for pooled Linkages funds: what the money is for, why it is a good use (use
        the kit's foster care cost, and say it is an assumption), what it does not replace, and
        how you will report on it.
    """),
    written("w6", 4,
            prompt="A request to the fiscal officer for pooled funds for Kaya's rental deposit.",
            model="""
                I am asking for $1,200 from the pooled Linkages fund to pay a rental deposit for Kaya, a mother in
                our family reunification program. She has completed her counseling, attends every visit, and the
                social worker's assessment is that safe housing is the last step before her son can come home.
                Neither her CalWORKs grant nor the child welfare budget covers a deposit, and her temporary homeless
                assistance does not apply because she is not homeless. Each month a child spends in foster care
                costs about $2,500 in the kit's model (an assumption; please check it against our own figure), so if
                the deposit brings Koda home even two weeks sooner, it pays for itself. This does not replace any
                benefit Kaya is entitled to; it fills the gap between them. We will record the payment in the
                Linkages log, confirm the lease, and report at the next quarterly review whether Koda returned home
                and stayed.
            """,
            criteria=[
                (1, "States the need and amount, and why neither program's usual funds cover it."),
                (1, "Makes the cost case with the kit's foster care figure and names it as an assumption to check."),
                (1, "Says what it does not replace (entitlements, other benefits) and how it will be recorded and reported."),
                (1, "Describes Kaya by her progress and strengths, respectfully, in plain language."),
            ]),
])
