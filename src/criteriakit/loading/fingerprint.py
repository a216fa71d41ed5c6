"""A stable fingerprint of a framework's resolved content.

Two frameworks with the same fingerprint score every unit the same way; results carry it so a
stored result can be traced to the exact rules that produced it, whatever the file's layout,
comments or key order.
"""

from __future__ import annotations

import hashlib
import json

from criteriakit._converter import converter
from criteriakit.model.framework import FrameworkDefinition

__all__ = ["fingerprint"]


def fingerprint(definition: FrameworkDefinition) -> str:
    """Return ``sha256:`` and the hex digest of the definition's canonical JSON."""
    plain = converter().unstructure(definition)
    canonical = json.dumps(
        plain, sort_keys=True, separators=(",", ":"), ensure_ascii=False, default=str
    )
    return "sha256:" + hashlib.sha256(canonical.encode("utf-8")).hexdigest()
