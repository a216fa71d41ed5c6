"""The scalar engine: the reference executor, one unit at a time, with full explanations.

:mod:`.framework` is the public :class:`~criteriakit.Framework`: a compiled plan, the plugin
hooks that apply to it, and the executor that evaluates its units one at a time.
:mod:`.executor` evaluates a unit (values, points, total), :mod:`.classify` gives its tier,
:mod:`.improve` what it would take to reach the next one, :mod:`.population` compares a
unit's values with its group's for relative scorers, :mod:`.quotas` applies quotas among
siblings, :mod:`.hierarchy` rolls children up into their parents and :mod:`.batch` evaluates a
data set.
"""
