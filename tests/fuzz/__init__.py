"""The fuzz suite: hostile expressions, framework files and data through the public interface.

See ``docs/fuzzing.md``: a fast profile runs in the default test run, the long profile in
``tox -e fuzz``.
"""
