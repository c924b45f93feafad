"""The synthetic population: a seeded generator, the teaching cast, and a validating loader.

``generate(n, seed)`` → :class:`Population` (households, members, activities);
``load("cast")`` / ``load("caseload")`` / ``load(path)`` read a dataset folder and validate it,
raising :class:`DatasetError` with one sentence naming the file, row and column;
``load_checked(folder)`` is the same, fast, for files that match ``datasets/SHA256SUMS``;
``to_household(row)`` turns a households row into the rules' ``Household``.
No real person's data: names come from common-name lists, and identifiers use only the 9xx
area range that is never issued as an SSN, with group digits no IRS number uses.
"""

from .activities import activities_for
from .cast import build_cast
from .generate import BARRIERS, COMPONENTS, DEFAULT_AS_OF, DEFAULT_SEED, Population, generate, to_household
from .io import DatasetError, checksums, explain_error, load, load_checked, save, validate

__all__ = ["BARRIERS", "COMPONENTS", "DEFAULT_AS_OF", "DEFAULT_SEED", "Population", "activities_for", "build_cast",
           "generate", "to_household", "DatasetError", "checksums", "explain_error", "load", "load_checked", "save",
           "validate"]
