"""The scalar engine: the reference executor, one unit at a time, with full explanations.

:mod:`.framework` is the public :class:`~criteriakit.Framework`: a compiled plan, the plugin
hooks that apply to it, and the executor that evaluates its units one at a time.
:mod:`.executor` evaluates a unit (values, points, total), :mod:`.classify` gives its tier,
:mod:`.improve` what it would take to reach the next one. Among the units evaluated together
(:mod:`.groups` says which), :mod:`.population` compares a unit's values with its group's for
relative scorers, :mod:`.weighing` decides the weights the units decide, :mod:`.quotas` applies
quotas and :mod:`.ranking` ranks; :mod:`.sensitivity` says how far weights may move before a
tier or rank changes. :mod:`.hierarchy` rolls children up into their parents and :mod:`.batch`
evaluates a data set.
"""
