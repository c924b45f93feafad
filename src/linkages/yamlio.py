"""Reading the kit's YAML files: libyaml's parser when PyYAML was built with it (about eight
times quicker on the 137 parameter files, which every simulator kernel reads as it starts), the
pure-Python parser otherwise. Both build the same values (PyYAML's safe constructor)."""

from __future__ import annotations

import yaml

__all__ = ["safe_load", "YAMLError"]

YAMLError = yaml.YAMLError
_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def safe_load(text: str):
    """``yaml.safe_load(text)``, parsed by libyaml when it is there."""
    return yaml.load(text, Loader=_LOADER)  # noqa: S506 - a safe loader (CSafeLoader or SafeLoader)
