"""The installed version of criteriakit.

A build writes it from the git tags (hatch-vcs) into ``_built_version.py``, which every wheel,
sdist and editable install holds; a source tree imported without being built or installed has
no such file, and says so with a version no release has.
"""

__all__ = ["__version__"]

try:
    from criteriakit._built_version import __version__
except ImportError:  # a source tree that was never built: no version to tell
    __version__ = "0.0.0+unknown"
