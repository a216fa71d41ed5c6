"""Loading frameworks: TOML text → raw tables → model → checked, compiled :class:`Framework`.

Every problem of a file is reported at once, each with the file, the TOML key path, the line
and column, the source line with a caret, what was expected and a hint. Files are read with a
size cap and parsed by ``tomllib``: loading never runs anything a file contains.

- :mod:`.text`: text to raw tables, with the caps that keep hostile text cheap;
- :mod:`.building`: raw tables to a compiled framework (merging a derived file onto its base);
- :mod:`.salvage`: a best-effort model of a file whose structure is broken, for its meaning checks;
- :mod:`.locating`: a problem's key path to its line and column;
- :mod:`.fingerprint`: the hash of a definition that every result carries.
"""

from __future__ import annotations

from criteriakit.loading.building import (
    Resolve,
    build_framework,
    framework_from_dict,
    load_framework,
    loads_framework,
)
from criteriakit.loading.locating import locate_problem
from criteriakit.loading.text import (
    MAX_FILE_BYTES,
    MAX_KEY_PARTS,
    parse_framework_file,
    parse_framework_text,
)

__all__ = [
    "MAX_FILE_BYTES",
    "MAX_KEY_PARTS",
    "Resolve",
    "build_framework",
    "framework_from_dict",
    "load_framework",
    "loads_framework",
    "locate_problem",
    "parse_framework_file",
    "parse_framework_text",
]
