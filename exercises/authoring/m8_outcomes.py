"""Assignment 8 — Measuring outcomes and planning for your county: reading an outcome table with
intervals, federal standards, cost, and a work plan."""

from linkages.grading.authoring import Assignment, answer, setup, tests, text, written

ASSIGNMENT = Assignment("m8_outcomes", "Measuring outcomes and planning for your county", 8, [
    text("intro", """
        # Assignment 8 — Measuring outcomes and planning for your county

        `outcome_table.csv` compares a synthetic caseload of 2,000 households over 24 months
        without Linkages practices (*baseline*) and with all of them (*scenario*), each the mean
        of 20 runs with a 95% interval (`_low` to `_high`). It is a teaching illustration, not a
        forecast: the sizes rest on assumptions a county should replace with its own.

        **How to work.** Run the set-up cell first. Write each answer in the cell that says
        `YOUR CODE HERE` (delete the `raise NotImplementedError()` line), run it, then run the
        checks under it, or type `check("q1")` for a summary in words. Some checks are hidden
        and run only when your work is graded. Save before you hand in.
    """),
    setup("setup", """
        # Set-up: run this cell first (Shift+Enter). Nothing here needs changing.
        import pandas as pd

        from linkages.grading import check
        from linkages.params import param
        from linkages.survey import catalogue, next_steps

        outcomes = pd.read_csv("outcome_table.csv").set_index("key")
        # the self-assessment's readiness items (Question 5): id, Road Map step and what it asks
        items = pd.DataFrame([{"id": i.id, "step": i.step, "text": i.text} for i in catalogue().items])
        # `better` says which way is better for each measure: "higher", "lower", or empty (neither)
        outcomes[["measure", "baseline", "scenario", "difference", "difference_low", "difference_high", "better"]]
    """),
    text("q1_prompt", """
        ## Question 1 — which measures clearly improved? (3 points)

        A measure *clearly improved* when the difference goes the better way **and** its whole
        interval does too (for "higher": `difference_low > 0`; for "lower":
        `difference_high < 0`). Store the keys of the measures that clearly improved, as a sorted
        list, in `improved`. Measures with no better direction never count.
    """),
    answer("q1", """
        higher = (outcomes.better == "higher") & (outcomes.difference_low > 0)
        lower = (outcomes.better == "lower") & (outcomes.difference_high < 0)
        improved = sorted(outcomes.index[higher | lower])
    """, wrong=[
        # the interval ignored: re-entry, whose interval crosses zero, is counted too
        ('improved = sorted(outcomes.index[((outcomes.better == "higher") & (outcomes.difference > 0))\n'
         '                                 | ((outcomes.better == "lower") & (outcomes.difference < 0))])', 2),
        # the direction ignored: every measure that went up
        ("improved = sorted(outcomes.index[outcomes.difference_low > 0])", 1),
    ]),
    tests("q1", "keys", 1, """
        assert isinstance(improved, list) and all(k in outcomes.index for k in improved), \\
            "improved should be a list of keys of the table, like ['permanency_12']."
        assert improved == sorted(improved), "Sort the list (sorted(...))."
    """, about="a list of keys"),
    tests("q1", "set", 2, """
        assert isinstance(improved, list), "improved should be a list."
    """, hidden="""
        expected = {"double_bookings", "families_identified", "foster_care_cost", "foster_care_months", "hours_demanded",
                    "months_sanctioned", "permanency_12", "removals_in_home", "reunifications", "sanctions",
                    "work_participation_rate"}
        wrong = len(set(improved) ^ expected)
        float(2 if wrong == 0 else 1 if wrong == 1 else 0)
    """, about="the measures"),
    text("q2_prompt", """
        ## Question 2 — permanency and re-entry (2 points)

        By how many **percentage points** does permanency within 12 months change (scenario minus
        baseline, rounded to 1 decimal: `permanency_gain_points`)? And does the interval of the
        re-entry difference include zero (`reentry_uncertain`: True or False)?
    """),
    answer("q2", """
        permanency_gain_points = round(100 * float(outcomes.loc["permanency_12", "difference"]), 1)
        r = outcomes.loc["reentry_12"]
        reentry_uncertain = bool(r.difference_low <= 0 <= r.difference_high)
    """, wrong=[
        # a share, not percentage points
        ('permanency_gain_points = round(float(outcomes.loc["permanency_12", "difference"]), 1)\nreentry_uncertain = True', 1),
    ]),
    tests("q2", "points", 1, """
        assert isinstance(permanency_gain_points, float), "permanency_gain_points should be a number, like 3.2."
    """, hidden="""
        assert abs(permanency_gain_points - 9.5) < 0.051
    """, about="percentage points"),
    tests("q2", "reentry", 1, """
        assert isinstance(reentry_uncertain, bool), "reentry_uncertain should be True or False."
    """, hidden="""
        assert reentry_uncertain is True
    """, about="re-entry"),
    text("q3_prompt", """
        ## Question 3 — the federal standards (2 points)

        The CFSR Round 3 national standards are in the kit's parameters:
        `param("federal.cfsr3_permanency_12_months").at("2025-01-01")` (at least this share) and
        `param("federal.cfsr3_reentry_12_months").at("2025-01-01")` (at most this share). Does the
        mean of each run meet them? Store
        `meets = {"baseline": {"permanency_12": ..., "reentry_12": ...}, "scenario": {...}}` with True or False.
    """),
    answer("q3", """
        perm = param("federal.cfsr3_permanency_12_months").at("2025-01-01")
        reentry = param("federal.cfsr3_reentry_12_months").at("2025-01-01")
        meets = {run: {"permanency_12": bool(outcomes.loc["permanency_12", run] >= perm),
                       "reentry_12": bool(outcomes.loc["reentry_12", run] <= reentry)}
                 for run in ("baseline", "scenario")}
    """, wrong=[
        # re-entry read the wrong way (higher taken as better)
        ('meets = {"baseline": {"permanency_12": False, "reentry_12": False},\n'
         '         "scenario": {"permanency_12": True, "reentry_12": False}}', 1),
    ]),
    tests("q3", "table", 2, """
        assert isinstance(meets, dict) and sorted(meets) == ["baseline", "scenario"], \\
            'meets should be a dictionary with the keys "baseline" and "scenario".'
        assert all(sorted(v) == ["permanency_12", "reentry_12"] for v in meets.values()), \\
            'Each value should be a dictionary with the keys "permanency_12" and "reentry_12".'
    """, hidden="""
        expected = {"baseline": {"permanency_12": False, "reentry_12": True},
                    "scenario": {"permanency_12": True, "reentry_12": True}}
        float(sum(meets[r][m] == expected[r][m] for r in expected for m in expected[r]) / 2)
    """, about="half a point each"),
    text("q4_prompt", """
        ## Question 4 — the cost, net (1 point)

        Over the 24 months, how many dollars does the scenario save in foster care cost, less what
        its coordination costs? Store the net in `net_saving`, rounded to whole dollars (negative
        if coordination costs more).
    """),
    answer("q4", """
        net_saving = round(-float(outcomes.loc["foster_care_cost", "difference"])
                           - float(outcomes.loc["coordination_cost", "difference"]))
    """, wrong=[
        # foster care saving only, coordination cost forgotten
        ('net_saving = round(-float(outcomes.loc["foster_care_cost", "difference"]))', 0),
    ]),
    tests("q4", "value", 1, """
        assert isinstance(net_saving, int), "net_saving should be a whole number of dollars (round(...))."
    """, hidden="""
        assert abs(net_saving - 920115) <= 1
    """, about="the net"),
    text("q5_prompt", """
        ## Question 5 — the county's self-assessment and its next steps (3 points)

        The kit's self-assessment has one item per line of `items` (run `items` to read them),
        answered on a four-point scale: 0 *not started*, 1 *planning*, 2 *partly in place*,
        3 *in place*. An example county's team says: both co-chairs are named and the team has
        its members (`team_cochairs`, `team_members`: in place); the executive sponsors are only
        being planned (`team_sponsors`); the shared written statement of purpose is partly in
        place (`business_vision`); **nothing else has started**.

        Complete the self-assessment for the county: store a dictionary `answers` with **every**
        item id and its answer. Then ask the kit for its first three next steps,
        `next_steps(answers, n=3)`, and store the three item ids (each step's `"item"`), in order,
        in `first_steps`.
    """),
    answer("q5", """
        answers = {item_id: 0 for item_id in items.id}
        answers.update({"team_cochairs": 3, "team_members": 3, "team_sponsors": 1, "business_vision": 2})
        first_steps = [step["item"] for step in next_steps(answers, n=3)]
    """, wrong=[
        # only the items the team talked about: "not started" left unanswered, which the kit reads
        # as not yet assessed, so the order of the next steps changes
        ('answers = {"team_cochairs": 3, "team_members": 3, "team_sponsors": 1, "business_vision": 2}\n'
         'first_steps = [step["item"] for step in next_steps(answers, n=3)]', 1),
        # the Road Map steps' titles instead of the items
        ("answers = {item_id: 0 for item_id in items.id}\n"
         'answers.update({"team_cochairs": 3, "team_members": 3, "team_sponsors": 1, "business_vision": 2})\n'
         'first_steps = [step["step"] for step in next_steps(answers, n=3)]', 2),
    ]),
    tests("q5", "answers", 2, """
        assert isinstance(answers, dict) and answers, "answers should be a dictionary: item id -> 0, 1, 2 or 3."
        assert set(answers) <= set(items.id), "Use the item ids in items.id as the keys."
        assert all(v in (0, 1, 2, 3) for v in answers.values()), "Each answer is 0, 1, 2 or 3."
    """, hidden="""
        expected = dict.fromkeys(items.id, 0)
        expected.update({"team_cochairs": 3, "team_members": 3, "team_sponsors": 1, "business_vision": 2})
        given_right = all(answers[k] == expected[k] for k in answers)
        float(2 if given_right and set(answers) == set(expected) else 1 if given_right else 0)
    """, about="every item answered"),
    tests("q5", "steps", 1, """
        assert isinstance(first_steps, list) and len(first_steps) == 3, "first_steps should be a list of three item ids."
    """, hidden="""
        assert first_steps == ["team_sponsors", "business_supervisors", "business_vision"]
    """, about="the next steps"),
    text("w8_prompt", """
        ## Written answer — a measure for your county's work plan (4 points)

        Choose **one** measure from the table for your county to track in its first year of
        Linkages. In 6–10 sentences for your implementation team: why this measure, where the
        data come from and how often, today's baseline and a realistic target (say why the
        model's numbers are only an illustration), who is responsible, and how families'
        experience will be heard alongside the numbers.
    """),
    written("w8", 4,
            prompt="One measure for the county's work plan: why, data source and frequency, baseline and target, owner, families' voice.",
            model="""
                I propose we track months in sanction for families known to both programs. Sanctions cut a family's
                income at the moment child welfare is asking the most of them, and they are the clash a linked plan
                is meant to remove. The data come from CalWORKs (CalSAWS) sanction records matched to open child
                welfare cases each month, using the data match we are setting up. Our baseline is last year's
                figure for shared families; the kit's model suggests coordination can reduce sanction months by
                about a quarter, but that is a teaching illustration built on assumptions, so we will set a target
                of 10% fewer in year one and revisit it with our own data. The CalWORKs data analyst owns the
                monthly report and the co-chairs review it each quarter. To hear families, we will ask five shared
                families each quarter how the linked plan works for them and read those notes at the same meeting.
            """,
            criteria=[
                (1, "Chooses one measure and justifies it for shared families (why it matters to children and parents)."),
                (1, "Names a credible data source and frequency, and who owns it."),
                (1, "Sets a baseline and a realistic target, and treats the model's numbers as illustration, not forecast."),
                (1, "Includes families' voice alongside the numbers; clear, respectful language."),
            ]),
])
