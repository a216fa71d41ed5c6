"""Compiling: a checked framework definition and its extensions → one :class:`CompiledFramework`.

Every engine reads what this stage builds: inputs and their checks (:mod:`.inputs`), indicator
values and scorers (:mod:`.scorer_types`, :mod:`.scoring`), children, roll-ups and quotas
(:mod:`.children`), the columns a data set must have (:mod:`.columns`), all put together by
:mod:`.compiler` into :mod:`.compiled`'s plan. :mod:`.extensions` is what the compiler compiles
against: the functions, scorer types and weightings of criteriakit and the loaded plugins (and
their evaluation hooks).
"""
