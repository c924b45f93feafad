"""The synthetic population: a seeded generator, the teaching cast, and a validating loader.

``generate(n, seed)`` → :class:`Population` (households, members, activities);
``load("cast")`` / ``load("caseload")`` / ``load(path)`` read a dataset folder and validate it;
``to_household(row)`` turns a households row into the rules' ``Household``.
No real person's data: names are drawn from common-name lists and identifiers use the
never-issued 9xx SSN area range only.
"""

from .generate import BARRIERS, COMPONENTS, DEFAULT_AS_OF, Population, activities_for, generate, to_household
from .io import DatasetError, explain_error, load, save

__all__ = ["BARRIERS", "COMPONENTS", "DEFAULT_AS_OF", "Population", "activities_for", "generate",
           "to_household", "DatasetError", "explain_error", "load", "save"]
