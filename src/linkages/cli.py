"""The ``linkages`` command the Makefile calls.

Each subcommand lives with the code it drives, as a ``main(argv) -> int`` function; this file
only maps names to those modules, so adding a command never means editing someone else's code.
"""

from __future__ import annotations

import importlib
import sys

COMMANDS = {
    "serve": ("linkages.ui.serve", "serve the simulators in Voila and print the URL"),
    "data": ("linkages.families.cli", "regenerate the synthetic datasets"),
    "grade": ("linkages.grading.cli", "grade a cohort with nbgrader"),
    "selfgrade": ("linkages.grading.selfgrade", "grade your own copy of an exercise"),
    "slides": ("linkages.curriculum", "render the learner modules as slide decks"),
    "handouts": ("linkages.curriculum", "render the learner modules as HTML handouts"),
}


def main(argv: list[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    if not argv or argv[0] in ("-h", "--help", "help") or argv[0] not in COMMANDS:
        if argv and argv[0] not in ("-h", "--help", "help"):
            print(f"'{argv[0]}' is not a linkages command.\n", file=sys.stderr)
        print("usage: linkages COMMAND [options]\n\ncommands:")
        for name, (_, purpose) in COMMANDS.items():
            print(f"  {name:<10} {purpose}")
        return 0 if not argv or argv[0] in ("-h", "--help", "help") else 2
    name, rest = argv[0], argv[1:]
    module = importlib.import_module(COMMANDS[name][0])
    entry = getattr(module, f"{name}_main", None) or module.main
    return int(entry(rest) or 0)


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
