"""The Linkages Kit engine: CalWORKs and Child Welfare Services rules, synthetic families,
the outcome model and the tools the notebooks and simulators call.

Dependencies point one way:
``ui``, ``grading``, ``cli`` -> ``simulate``, ``outcomes``, ``plans``, ``matching``, ``survey``
-> ``rules``, ``families`` -> ``params``.
"""

__version__ = "0.1.0"
