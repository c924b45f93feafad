"""What a visitor sees: the Voilà simulators and the helpers they share.

- :mod:`linkages.ui.serve` — ``linkages serve`` (``make demo``): Voilà over ``simulators/``
  with the kit template, preheated kernels, idle culling, bound to 127.0.0.1.
- :mod:`linkages.ui.gallery` — the landing page listing every simulator.
- :mod:`linkages.ui.rules_explorer` — what the CalWORKs and child welfare rules say for a family.
- :mod:`linkages.ui.common` — palette, error-beside-control helper, figure → PNG image.
- :mod:`linkages.ui.family_app`, :mod:`linkages.ui.county_app`, :mod:`linkages.ui.matching_app`,
  :mod:`linkages.ui.self_assessment_app` — the other simulators (:mod:`linkages.ui.export` for
  their downloads).
"""
