"""Assignment 5 — Data systems and confidentiality: an SSN match, its precision and recall, the
threshold of a probabilistic match, and who may see what."""

from linkages.grading.authoring import Assignment, answer, setup, tests, text, written

ASSIGNMENT = Assignment("m5_data_confidentiality", "Data systems and confidentiality", 5, [
    text("intro", """
        # Assignment 5 — Data systems and confidentiality

        To coordinate, a county first has to know which families both programs serve. You have
        two small **synthetic** extracts, one from the welfare system and one from child welfare,
        and the truth of who is who (which no county has: here it lets you score a match). Then a
        question on what the law lets each program share.

        **How to work.** Run the set-up cell first. Write each answer in the cell that says
        `YOUR CODE HERE` (delete the `raise NotImplementedError()` line), run it, then run the
        checks under it, or type `check("q1")` for a summary in words. Some checks are hidden
        and run only when your work is graded. Save before you hand in.
    """),
    setup("setup", """
        # Set-up: run this cell first (Shift+Enter). Nothing here needs changing.
        import pandas as pd

        from linkages.grading import check

        welfare = pd.read_csv("welfare.csv", dtype=str)  # one row per person in the welfare extract
        cws = pd.read_csv("cws.csv", dtype=str)  # one row per person in the child welfare extract
        truth = pd.read_csv("truth.csv", dtype=str)  # which synthetic person each record really is
        thresholds = pd.read_csv("thresholds.csv")  # a probabilistic match scored at each threshold
        print(len(welfare), "welfare records;", len(cws), "child welfare records")
        pd.concat([welfare.head(3), cws.head(3)], keys=["welfare", "cws"])
    """),
    text("q1_prompt", """
        ## Question 1 — an exact SSN match (2 points)

        Pair every welfare record with every child welfare record that has the **same Social
        Security number**. Look closely first: the two systems do not write SSNs the same way, and
        a missing SSN must never match another missing SSN. How many pairs are there? Store the
        number in `ssn_pairs` (and, if you like, the pairs themselves in a DataFrame).
    """),
    answer("q1", """
        def digits(s):
            return s.str.replace(r"\\D", "", regex=True)


        w = welfare.assign(key=digits(welfare.ssn)).dropna(subset=["key"])
        c = cws.assign(key=digits(cws.ssn)).dropna(subset=["key"])
        pairs = w.merge(c, on="key", suffixes=("_welfare", "_cws"))
        ssn_pairs = len(pairs)
    """, wrong=[
        # merged as written: the formats differ, so nothing matches
        ('ssn_pairs = len(welfare.merge(cws, on="ssn"))', 0),
    ]),
    tests("q1", "count", 2, """
        assert isinstance(ssn_pairs, int), "ssn_pairs should be a whole number of pairs."
        assert 0 < ssn_pairs <= min(len(welfare), len(cws)), \\
            "There is at least one pair (look at how each system writes an SSN), and no more pairs than records."
    """, hidden="""
        assert ssn_pairs == 84
    """, about="pairs found"),
    text("q2_prompt", """
        ## Question 2 — how good is the exact match? (3 points)

        The truth file says which person each record belongs to (`person_id`). A *true pair* is
        a welfare record and a child welfare record of the same person.

        - `true_pairs`: how many true pairs are there?
        - `exact_precision`: the share of the SSN pairs (Question 1) that are true pairs;
        - `exact_recall`: the share of all true pairs that the SSN match found.

        Give the two shares as numbers between 0 and 1.
    """),
    answer("q2", """
        who = truth.set_index("record_id").person_id
        true_pairs = len(truth[truth.source == "welfare"].merge(truth[truth.source == "cws"], on="person_id"))
        ssn_digits = lambda s: s.str.replace(r"\\D", "", regex=True)  # noqa: E731
        found = (welfare.assign(key=ssn_digits(welfare.ssn)).dropna(subset=["key"])
                 .merge(cws.assign(key=ssn_digits(cws.ssn)).dropna(subset=["key"]), on="key", suffixes=("_w", "_c")))
        correct = int((found.record_id_w.map(who) == found.record_id_c.map(who)).sum())
        exact_precision = correct / len(found)
        exact_recall = correct / true_pairs
    """, wrong=[
        # recall out of the child welfare records rather than the true pairs
        ("true_pairs = 130\nexact_precision = 1.0\nexact_recall = 84 / 182", 2),
    ]),
    tests("q2", "truth", 1, """
        assert isinstance(true_pairs, int) and true_pairs > 0, "true_pairs should be a whole number."
    """, hidden="""
        assert true_pairs == 130
    """, about="true pairs"),
    tests("q2", "scores", 2, """
        assert all(isinstance(x, (int, float)) and 0 <= x <= 1 for x in (exact_precision, exact_recall)), \\
            "Precision and recall are shares: numbers between 0 and 1."
    """, hidden="""
        float((abs(exact_precision - 1.0) < 0.001) + (abs(exact_recall - 84 / 130) < 0.001))
    """, about="precision and recall"),
    text("q3_prompt", """
        ## Question 3 — choosing the threshold (2 points)

        `thresholds` scores a probabilistic match (names, birth dates and SSNs together) at
        several thresholds: pairs scoring above the threshold are accepted as the same person.
        Your county decides: **no wrong links at all** (precision 1.0); among those thresholds,
        the **highest recall**; and if several tie, the **lowest** threshold (it leaves the fewest
        pairs for a person to review). Store it in `chosen_threshold`.
    """),
    answer("q3", """
        ok = thresholds[thresholds.precision >= 1.0]
        best = ok[ok.recall == ok.recall.max()]
        chosen_threshold = float(best.threshold.min())
    """, wrong=[
        # the strictest threshold: no wrong links, but it misses people the others find
        ("chosen_threshold = float(thresholds.threshold.max())", 1),
    ]),
    tests("q3", "value", 2, """
        assert isinstance(chosen_threshold, float), "chosen_threshold should be a number such as 0.5."
        assert chosen_threshold in set(thresholds.threshold), "Choose one of the thresholds in the table."
    """, hidden="""
        row = thresholds.set_index("threshold").loc[chosen_threshold]
        float(row.precision >= 1.0) + float(chosen_threshold == 0.7)
    """, about="the threshold"),
    text("q4_prompt", """
        ## Question 4 — who may see the juvenile case file? (1 point)

        At a Linkages case conference the CalWORKs worker asks to read the juvenile court's case
        file on Tasha's children. Which is right? Store the letter in `answer_q4`.

        - a. W&I 10850 allows it: both programs are public social services.
        - b. W&I 827 limits the juvenile case file to the people it lists; anyone else needs a court order.
        - c. Once a family is known to both programs, everything can be shared.
        - d. The CalWORKs application Tasha signed covers it.
    """),
    answer("q4", """
        answer_q4 = "b"
    """, wrong=[
        ('answer_q4 = "a"', 0),
    ]),
    tests("q4", "letter", 1, """
        assert isinstance(answer_q4, str) and answer_q4.strip().lower() in ("a", "b", "c", "d"), \\
            'answer_q4 should be one letter: "a", "b", "c" or "d".'
    """, hidden="""
        assert answer_q4.strip().lower() == "b"
    """, about="the letter"),
    text("q5_prompt", """
        ## Question 5 — where the records are, and how counties find shared families (2 points)

        Which statewide system holds each program's case records today? Store
        `systems = {"CalWORKs": ..., "child welfare": ...}` with the system's name as the module
        writes it (for example `"LEADER"`).

        Then: which of these do California counties use to find the families both programs serve?
        Store the numbers of **all** that apply, as a list, in `ways`.

        1. Intake clerks who ask at the first appointment.
        2. A CalWORKs liaison working from the child welfare office.
        3. Social workers who know the family.
        4. An automated data match of the two programs' systems.
        5. A flag that CalSAWS sets by itself on every family known to child welfare.
        6. Reading the juvenile court's case file on every CalWORKs family.
    """),
    answer("q5", """
        systems = {"CalWORKs": "CalSAWS", "child welfare": "CWS/CMS"}
        ways = [1, 2, 3, 4]
    """, wrong=[
        # one of the three systems CalSAWS replaced (the last counties moved in October 2023)
        ('systems = {"CalWORKs": "CalWIN", "child welfare": "CWS/CMS"}\nways = [1, 2, 3, 4]', 1.5),
        # neither system flags shared families by itself
        ('systems = {"CalWORKs": "CalSAWS", "child welfare": "CWS/CMS"}\nways = [1, 2, 3, 4, 5]', 1.75),
    ]),
    tests("q5", "systems", 1, """
        assert isinstance(systems, dict) and sorted(systems) == ["CalWORKs", "child welfare"], \\
            'systems should be a dictionary with the keys "CalWORKs" and "child welfare".'
        assert all(isinstance(v, str) and v.strip() for v in systems.values()), "Give each system's name as text."
    """, hidden="""
        def norm(name):
            return "".join(ch for ch in str(name).lower() if ch.isalnum())


        # CWS-CARES is replacing CWS/CMS; the year it goes live is not confirmed, so either counts
        float((norm(systems["CalWORKs"]) == "calsaws") / 2
              + (norm(systems["child welfare"]) in ("cwscms", "cwscares")) / 2)
    """, about="half a point each"),
    tests("q5", "ways", 1, """
        assert isinstance(ways, (list, tuple, set)) and ways, "ways should be a list of numbers, like [1, 2]."
        assert all(w in (1, 2, 3, 4, 5, 6) for w in ways), "Use the numbers 1 to 6."
    """, hidden="""
        chosen = set(ways)
        float(max(0, len(chosen & {1, 2, 3, 4}) - len(chosen & {5, 6})) / 4)
    """, about="a quarter point for each way, less one for each wrong one"),
    text("w5_prompt", """
        ## Written answer — telling a parent what is shared (4 points)

        Brittany (`CAST-000012`) has just learned that her welfare-to-work counselor and her
        social worker will talk about her family. Write what you would tell her (5–8 sentences,
        plain words): what the two programs may share and why, what they may not share without
        her written permission or a court order, how long a permission lasts in your county's
        practice, and what she can ask for.
    """),
    written("w5", 4,
            prompt="Explain to Brittany what the two programs share, the limits, how long a permission lasts, and her rights.",
            model="""
                Brittany, the county's CalWORKs and child welfare programs work together so that you don't have to
                tell your story twice and so that their plans for you fit together. The law (W&I 10850) lets them
                share what they need to serve you, such as your appointments and your welfare-to-work plan, and it
                keeps that information confidential: nobody else can see it. Some things need your written
                permission, such as details from your counselor or doctor, and the juvenile court file can only be
                seen by the people the law lists or with a judge's order. In this county a permission you sign lasts
                one year, and you can ask to see what it covers or take it back. You can always ask either worker
                what was shared and why. Sharing is there to help you get the income, child care and housing help
                you and Olivia need.
            """,
            criteria=[
                (1, "Says correctly what may be shared without consent and why (W&I 10850: for administering the programs, kept confidential)."),
                (1, "States the limits: some information needs written consent; the juvenile case file needs a listed role or a court order (W&I 827)."),
                (1, "Gives the duration of an authorisation in county practice (e.g. one year in Santa Clara) and Brittany's rights (ask, see, revoke)."),
                (1, "Plain, reassuring, non-threatening language addressed to Brittany; no jargon without explanation."),
            ]),
])
