"""Assignment 1 — CalWORKs in brief: hours, grant, sanction, clock (teaching cast, June 2025)."""

from linkages.grading.authoring import Assignment, answer, setup, tests, text, written

ASSIGNMENT = Assignment("m1_calworks", "CalWORKs in brief", 1, [
    text("intro", """
        # Assignment 1 — CalWORKs in brief

        You will work out what CalWORKs asks of, and pays to, some of the families of the teaching
        cast, on **1 June 2025**. Every family here is synthetic: no real person's data.

        **How to work.** Run the set-up cell first. Write each answer in the cell that says
        `YOUR CODE HERE` (delete the `raise NotImplementedError()` line), run it, then run the
        checks under it, or type `check("q1")` in any cell for a summary in words. Some checks
        are hidden and run only when your work is graded. Save before you hand in.
    """),
    setup("setup", """
        # Set-up: run this cell first (Shift+Enter). Nothing here needs changing.
        from linkages.families import load, to_household
        from linkages.grading import check
        from linkages.rules import calworks

        ON = "2025-06-01"  # the date every question is about
        cast = load("cast")  # the twelve synthetic families of the modules
        households = cast.households.set_index("household_id", drop=False)


        def family(household_id):
            \"\"\"The rules' view of one cast family (a Household).\"\"\"
            return to_household(households.loc[household_id])


        households[["county", "n_adults", "children_ages", "earnings", "work_status", "clock_months_used"]]
    """),
    text("q1_prompt", """
        ## Question 1 — weekly welfare-to-work hours (3 points)

        Give the weekly welfare-to-work hours each of these families owes on `ON`, as a dictionary
        `hours_owed` from household id to hours:

        - Maribel (`CAST-000001`), raising Leo (2) and Ana (7);
        - Darnell and Keisha (`CAST-000002`), raising three children;
        - Linh (`CAST-000004`), raising Minh (8) and Hoa (11), if she starts participating again;
        - Evelyn (`CAST-000006`), a grandmother over 60 raising Zora and Elijah.

        Tip: `calworks.work_hours_required(family("CAST-000001"), ON)`.
    """),
    answer("q1", """
        hours_owed = {hid: calworks.work_hours_required(family(hid), ON)
                      for hid in ["CAST-000001", "CAST-000002", "CAST-000004", "CAST-000006"]}
    """, before="# hours_owed = {household id: weekly hours}", wrong=[
        # Evelyn's exemption missed: 3 of 4 right, shape fine
        ('hours_owed = {"CAST-000001": 20, "CAST-000002": 35, "CAST-000004": 30, "CAST-000006": 30}', 2.5),
        # 35 hours for each parent: not an hours figure the rules use, and 3 of 4 right
        ('hours_owed = {"CAST-000001": 20, "CAST-000002": 70, "CAST-000004": 30, "CAST-000006": 0}', 1.5),
    ]),
    tests("q1", "shape", 1, """
        assert isinstance(hours_owed, dict), "hours_owed should be a dictionary, like {'CAST-000001': 20, ...}."
        assert sorted(hours_owed) == ["CAST-000001", "CAST-000002", "CAST-000004", "CAST-000006"], \\
            "hours_owed should have exactly the four household ids of the question as keys."
        assert all(h in (0, 20, 30, 35) for h in hours_owed.values()), \\
            "Welfare-to-work asks for 0, 20, 30 or 35 hours a week; each value should be one of these."
    """, about="a dictionary of the four families"),
    tests("q1", "values", 2, """
        assert isinstance(hours_owed, dict), "hours_owed should be a dictionary."
    """, hidden="""
        expected = {"CAST-000001": 20, "CAST-000002": 35, "CAST-000004": 30, "CAST-000006": 0}
        right = sum(hours_owed.get(k) == v for k, v in expected.items())
        float(2 * right / 4)  # partial credit: half a point for each family
    """, about="the hours of each family"),
    text("q2_prompt", """
        ## Question 2 — the grant of a working family (3 points)

        Darnell works 20 hours a week and earns **$1,400 a month**; the Brooks family of five
        lives in Sacramento. Work out, for `ON`:

        - `countable_brooks`: the earnings CalWORKs counts after the disregards;
        - `grant_brooks`: the monthly grant.

        Use the kit's rules (`calworks.countable_earnings`, `calworks.max_aid_payment`,
        `calworks.monthly_grant`), or work it by hand and check against them.
    """),
    answer("q2", """
        brooks = family("CAST-000002")
        countable_brooks = float(calworks.countable_earnings(brooks.earnings, ON))
        grant_brooks = calworks.monthly_grant(brooks, ON)
    """, wrong=[
        # the Region 1 MAP (Sacramento is Region 2): countable right, grant wrong
        ("countable_brooks = (1400 - 600) * 0.5\ngrant_brooks = 1659 - countable_brooks", 1),
        # the 50% disregard forgotten: both wrong
        ("countable_brooks = 1400 - 600\ngrant_brooks = 1578 - countable_brooks", 0),
    ]),
    tests("q2", "countable", 1, """
        assert isinstance(countable_brooks, (int, float)), "countable_brooks should be a number of dollars a month."
        assert 0 <= countable_brooks <= 1400, "Countable earnings are at most the $1,400 Darnell earns, and never negative."
    """, hidden="""
        assert abs(countable_brooks - 400) < 0.5
    """, about="countable earnings"),
    tests("q2", "grant", 2, """
        assert isinstance(grant_brooks, (int, float)), "grant_brooks should be a number of dollars a month."
        assert 0 < grant_brooks < 2000, "The grant of a family of five is some hundreds of dollars a month, above 0."
    """, hidden="""
        assert abs(grant_brooks - 1178) < 0.5
    """, about="the grant"),
    text("q3_prompt", """
        ## Question 3 — what a sanction would do (2 points)

        Brittany (`CAST-000012`) missed a welfare-to-work appointment and has twenty days to sort
        it out. If she did not, and a sanction started, what would the family's monthly grant be
        on `ON`? Store it in `grant_if_sanctioned_taylor`.
    """),
    answer("q3", """
        grant_if_sanctioned_taylor = calworks.grant_if_sanctioned(family("CAST-000012"), ON)
    """, wrong=[
        ("grant_if_sanctioned_taylor = 0  # thinking the whole grant stops", 0),
    ]),
    tests("q3", "value", 2, """
        grant_now = calworks.monthly_grant(family("CAST-000012"), ON)
        assert isinstance(grant_if_sanctioned_taylor, (int, float)), "grant_if_sanctioned_taylor should be a number of dollars."
        assert 0 < grant_if_sanctioned_taylor < grant_now, \\
            "A sanction lowers the grant, but Olivia's share of it continues: the answer is between 0 and today's grant."
    """, hidden="""
        assert abs(grant_if_sanctioned_taylor - 734) < 0.5
    """, about="the grant under a sanction"),
    text("q4_prompt", """
        ## Question 4 — months left on the clock (1 point)

        An adult can get CalWORKs cash aid for a limited number of months in a lifetime. How many
        months are left on the clock, on `ON`, for Tasha (`CAST-000003`) and Jessica
        (`CAST-000007`)? Use the `clock_months_used` column and `calworks.adult_time_limit`, and
        store a dictionary `months_left` from household id to months.
    """),
    answer("q4", """
        limit = calworks.adult_time_limit(ON)
        months_left = {hid: limit - int(households.loc[hid, "clock_months_used"])
                       for hid in ["CAST-000003", "CAST-000007"]}
    """, wrong=[
        ('months_left = {"CAST-000003": 48 - 26, "CAST-000007": 48 - 10}  # the old 48-month limit', 0),
    ]),
    tests("q4", "value", 1, """
        assert isinstance(months_left, dict), "months_left should be a dictionary, like {'CAST-000003': 10, ...}."
        assert sorted(months_left) == ["CAST-000003", "CAST-000007"], "Give the two household ids of the question as keys."
        assert all(0 <= m <= 60 for m in months_left.values()), "Months left are between 0 and the lifetime limit."
    """, hidden="""
        assert months_left == {"CAST-000003": 34, "CAST-000007": 50}
    """, about="months left"),
    text("w1_prompt", """
        ## Written answer — a note to Darnell and Keisha (4 points)

        Darnell and Keisha ask whether taking more hours at the warehouse is worth it, since "the
        county just takes it back." Write a short note to them (5–8 sentences, plain words, no
        jargon) that explains how his earnings change their grant, why more work still leaves
        the family with more money, and one thing they should tell their worker when his hours
        change. Use the family's real numbers from Question 2.
    """),
    written("w1", 4,
            prompt="A note to Darnell and Keisha: how earnings change the grant, why more work pays, what to report.",
            model="""
                Darnell and Keisha, thank you for asking before deciding. Right now Darnell earns $1,400 a month.
                CalWORKs does not count the first $600 of it, and it counts only half of the rest, so $400 counts.
                Your family's maximum grant is $1,578, so your grant is $1,578 − $400 = $1,178. Together that is
                $2,578 a month for your family. If Darnell earns $200 more, only $100 more counts: the grant goes
                down by $100 but your family keeps $100 more than before. So more hours always leave you with more
                money. When his hours or pay change, tell your worker within the reporting rules and bring the pay
                stubs, so the grant is right and you are not asked to pay anything back later.
            """,
            criteria=[
                (1, "Explains the disregard correctly with the family's numbers: the first $600 is not counted and half of the rest is ($400 counts; grant $1,178)."),
                (1, "Shows that more earnings still mean more total income (each extra dollar cuts the grant by 50 cents, or total $2,578 vs $1,578)."),
                (1, "Gives one concrete, correct action: report the change of hours or pay to the worker, with pay stubs, on time."),
                (1, "Plain, respectful, strengths-based language addressed to the parents (no jargon such as 'countable income' left unexplained; no blame)."),
            ]),
])
