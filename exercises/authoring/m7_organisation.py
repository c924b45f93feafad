"""Assignment 7 — Organisational structures, change and training: reading the (synthetic) county
survey and the Program Design Road Map."""

from linkages.grading.authoring import Assignment, answer, setup, tests, text, written

ASSIGNMENT = Assignment("m7_organisation", "Organisational structures, change and training", 7, [
    text("intro", """
        # Assignment 7 — Organisational structures, change and training

        How far have counties come with the practices that make Linkages work? You will read a
        **synthetic** survey of the 58 counties (made by the kit to practise on: no real county's
        answers) and put the Linkages Program Design Road Map in order.

        **How to work.** Run the set-up cell first. Write each answer in the cell that says
        `YOUR CODE HERE` (delete the `raise NotImplementedError()` line), run it, then run the
        checks under it, or type `check("q1")` for a summary in words. Some checks are hidden
        and run only when your work is graded. Save before you hand in.
    """),
    setup("setup", """
        # Set-up: run this cell first (Shift+Enter). Nothing here needs changing.
        import pandas as pd

        from linkages.grading import check
        from linkages.survey import LEVELS, PRACTICES, adoption_by, adoption_rates, catalogue

        survey = pd.read_csv("survey.csv")  # SYNTHETIC: one row per county, made by the kit
        for practice in PRACTICES:  # the answers, in order: not in place < planning < partly < in place
            survey[practice] = pd.Categorical(survey[practice], categories=LEVELS, ordered=True)
        print(PRACTICES)
        survey.head()
    """),
    text("q1_prompt", """
        ## Question 1 — how common are linked case plans? (2 points)

        What share of the 58 counties have linked case plans fully **in place** (not partly)?
        Store it in `share_linked_plans`, a number between 0 and 1 rounded to 3 decimals.
        Tip: `adoption_rates(survey)`.
    """),
    answer("q1", """
        share_linked_plans = round(float(adoption_rates(survey)["linked_case_plans"]), 3)
    """, wrong=[
        # "partly in place" counted as in place
        ('share_linked_plans = round(float(adoption_rates(survey, level="partly in place")["linked_case_plans"]), 3)', 0),
    ]),
    tests("q1", "share", 2, """
        assert isinstance(share_linked_plans, float) and 0 <= share_linked_plans <= 1, \\
            "share_linked_plans should be a share: a number between 0 and 1."
    """, hidden="""
        assert abs(share_linked_plans - 0.603) < 0.0006
    """, about="the share"),
    text("q2_prompt", """
        ## Question 2 — the least common practice (1 point)

        Which practice is least often in place? Store its key (one of `PRACTICES`, such as
        `"data_match"`) in `least_common`.
    """),
    answer("q2", """
        least_common = adoption_rates(survey).idxmin()
    """, wrong=[
        ('least_common = adoption_rates(survey).idxmax()  # the most common instead', 0),
    ]),
    tests("q2", "key", 1, """
        assert least_common in PRACTICES, "least_common should be one of the keys of PRACTICES, like 'data_match'."
    """, hidden="""
        assert least_common == "shared_outcome_measures"
    """, about="the practice"),
    text("q3_prompt", """
        ## Question 3 — pioneers and newcomers (2 points)

        How much more common is joint (cross-program) training in the Pioneer counties than in
        the counties not on the 2011 Linkages lists? Store the difference of the two shares
        (Pioneer minus not-listed, rounded to 3 decimals) in `training_gap`.
        Tip: `adoption_by(survey, "linkages_phase")`.
    """),
    answer("q3", """
        by_phase = adoption_by(survey, "linkages_phase")
        training_gap = round(float(by_phase.loc["joint_training", "Pioneer"]
                                   - by_phase.loc["joint_training", "not on the 2011 lists"]), 3)
    """, wrong=[
        # the right gap, the wrong way round
        ('by_phase = adoption_by(survey, "linkages_phase")\n'
         'training_gap = round(float(by_phase.loc["joint_training", "not on the 2011 lists"] - by_phase.loc["joint_training", "Pioneer"]), 3)', 1),
    ]),
    tests("q3", "gap", 2, """
        assert isinstance(training_gap, float) and -1 <= training_gap <= 1, \\
            "training_gap is a difference of two shares: a number between -1 and 1."
    """, hidden="""
        float(2 * (abs(training_gap - 0.571) < 0.0006) + 1 * (abs(training_gap + 0.571) < 0.0006))
    """, about="the gap"),
    text("q4_prompt", """
        ## Question 4 — the Road Map, in order (2 points)

        Put these four steps of the Linkages Program Design Road Map in the order a county takes
        them, as the list `ordered_steps`. Tip: `catalogue().road_map` lists every step with its
        `order` and `title`.
    """),
    setup("q4_data", """
        steps = ["Align resources", "Choose the program type", "Build the implementation team", "Choose the target families"]
    """),
    answer("q4", """
        order = {s.title: s.order for s in catalogue().road_map}
        ordered_steps = sorted(steps, key=order.get)
    """, wrong=[
        # alphabetical order: one step lands in its place by chance
        ("ordered_steps = sorted(steps)", 0.5),
    ]),
    tests("q4", "order", 2, """
        assert isinstance(ordered_steps, list) and sorted(ordered_steps) == sorted(steps), \\
            "ordered_steps should be the four steps above, each once, in a new order."
    """, hidden="""
        expected = ["Build the implementation team", "Choose the target families", "Choose the program type", "Align resources"]
        float(2 * sum(a == b for a, b in zip(ordered_steps, expected)) / 4)
    """, about="the order"),
    text("w7_prompt", """
        ## Written answer — setting up your county's team (4 points)

        Your county is starting Linkages. In 6–10 sentences, describe who should lead it and sit
        on the implementation team, how the two programs' staff will be trained together, and one
        practice from the survey you would start with and why. Write for your two program
        directors.
    """),
    written("w7", 4,
            prompt="Who leads and sits on the implementation team, joint training, and a first practice, for the directors.",
            model="""
                I propose that the CalWORKs deputy director and the child welfare deputy director co-chair our
                Linkages implementation team, so that neither program owns it alone. The team should include line
                workers and supervisors from both sides, a data analyst, a fiscal analyst, a union representative
                and a trainer, because each of them will have to change something. Training should be joint from
                the start: a CalWORKs trainer and a child welfare trainer teaching together, beginning with the
                basics of each program, so that workers learn each other's rules and deadlines. As a first practice
                I would start with a regular data match to find the families both programs serve, since the survey
                shows it is in place in about half of counties and every other practice depends on knowing who the
                shared families are. We would then add named liaisons and linked case plans for those families, and
                measure sanctions and reunifications for them every quarter.
            """,
            criteria=[
                (1, "Leadership shared by both programs (co-chairs) and a team with line staff and the needed roles (data, fiscal, union, training)."),
                (1, "Joint training: trainers from both programs together, starting with each program's basics."),
                (1, "Chooses a first practice and justifies it with the survey or the logic of Linkages (e.g. data match first)."),
                (1, "Clear, practical and respectful; says how progress will be checked."),
            ]),
])
