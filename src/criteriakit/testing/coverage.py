"""Rule coverage: which bands, gates, vetoes, caps and quotas the tests exercised, and which not.

A rule nobody tested is a rule nobody knows works. From the results the tests produced, this
module counts, for one framework, how often each tier was reached as the band tier, how often
each gate decided (failed) and was checked and held (passed), how often each veto and cap fired
and each quota demoted a unit, and lists those never exercised. Only results are read, so
results from case files and from Python tests count alike.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Literal

import attrs

from criteriakit.model.results import Result
from criteriakit.render import render_text_table
from criteriakit.scalar.framework import Framework

__all__ = [
    "CoverageRecorder",
    "RuleCoverage",
    "RuleKind",
    "RuleUse",
    "render_coverage",
    "rule_coverage",
]

RuleKind = Literal["band", "gate", "veto", "cap", "quota"]

_VERBS = {"band": "reached", "gate": "failed", "veto": "fired", "cap": "fired", "quota": "demoted"}


@attrs.frozen
class RuleUse:
    """How often the tests exercised one rule of a framework.

    ``hits`` counts what the rule is for: a band reached, a gate that failed (and so decided
    the tier), a veto or cap that fired, a quota that demoted a unit. ``passes`` counts, for a
    gate, the times it was checked and held. ``tier`` is the tier the rule concerns.
    """

    kind: RuleKind
    id: str
    tier: str
    hits: int = 0
    passes: int = 0

    @property
    def gaps(self) -> tuple[str, ...]:
        """What was never seen: ``never reached``, ``never fired``, ``never passed`` and so on."""
        gaps = [] if self.hits else [f"never {_VERBS[self.kind]}"]
        if self.kind == "gate" and not self.passes:
            gaps.append("never passed")
        return tuple(gaps)

    def describe(self) -> str:
        """Say how the rule was exercised: ``failed 2, never passed``."""
        verb = _VERBS[self.kind]
        parts = [f"{verb} {self.hits}" if self.hits else f"never {verb}"]
        if self.kind == "gate":
            parts.append(f"passed {self.passes}" if self.passes else "never passed")
        return ", ".join(parts)


@attrs.frozen
class RuleCoverage:
    """The coverage of one framework's rules by a set of results."""

    framework: str
    results: int
    rules: tuple[RuleUse, ...]

    @property
    def not_exercised(self) -> tuple[RuleUse, ...]:
        """The rules with a gap: a band never reached, a gate that never failed or passed, etc."""
        return tuple(rule for rule in self.rules if rule.gaps)

    def render(self) -> str:
        """Return the coverage as a table, then the rules not exercised (or that all were)."""
        rows = [(rule.kind, rule.id, rule.tier, rule.describe()) for rule in self.rules]
        table = render_text_table(("rule", "id", "tier", "exercised"), rows)
        plural = "" if self.results == 1 else "s"
        lines = [
            f"rule coverage of {self.framework} ({self.results} result{plural}):",
            table.rstrip(),
        ]
        missed = self.not_exercised
        if missed:
            lines.append(f"not exercised ({len(missed)} of {len(self.rules)}):")
            lines.extend(f"  {rule.kind} {rule.id}: {', '.join(rule.gaps)}" for rule in missed)
        else:
            lines.append(f"every one of the {len(self.rules)} rules was exercised")
        return "\n".join(lines)


def _checked_gate_ranks(framework: Framework, result: Result) -> range:
    """Return the ranks of the tiers whose gates were checked for ``result``.

    Gates are checked from the better of the band and the caps down to the tier classification
    gave (the final tier before quota demotions), never at the lowest tier.
    """
    tiers = framework.tiers
    assert result.band_tier is not None  # noqa: S101  only evaluable results are counted
    assert result.tier is not None  # noqa: S101
    capped = [
        tiers.index(reason.tier)
        for reason in result.reasons
        if reason.kind in {"veto", "cap"} and reason.tier in tiers
    ]
    start = max([tiers.index(result.band_tier), *capped])
    demotions = sum(1 for reason in result.reasons if reason.kind == "quota")
    classified = tiers.index(result.tier) - demotions
    return range(start, min(classified, len(tiers) - 2) + 1)


def rule_coverage(framework: Framework, results: Iterable[Result]) -> RuleCoverage:
    """Count how ``results`` exercised the rules of ``framework``.

    Results of other frameworks are left out; so are results that were not evaluable, as no
    rule was reached for them.
    """
    compiled = framework.compiled
    bands = {tier.id: 0 for tier in compiled.tiers}
    failed = {(gate.tier, gate.id): 0 for tier in compiled.tiers for gate in tier.gates}
    passed = dict.fromkeys(failed, 0)
    fired = {rule.id: 0 for rule in compiled.rules}
    demoted = {quota.id: 0 for quota in compiled.quotas}
    counted = 0
    for result in results:
        if result.framework_ref != framework.ref or result.band_tier not in bands:
            continue
        counted += 1
        bands[result.band_tier] += 1
        decided = {(reason.tier, reason.code) for reason in result.reasons if reason.kind == "gate"}
        unchecked = {reason.code for reason in result.reasons if reason.kind == "not-checked"}
        for rank in _checked_gate_ranks(framework, result):
            for gate in compiled.tiers[rank].gates:
                key = (gate.tier, gate.id)
                if key in decided:
                    failed[key] += 1
                elif gate.id not in unchecked:  # not checked: it neither failed nor held
                    passed[key] += 1
        for reason in result.reasons:
            if reason.kind in {"veto", "cap"} and reason.code in fired:
                fired[reason.code] += 1
            elif reason.kind == "quota" and reason.code in demoted:
                demoted[reason.code] += 1
    tiers = [tier.id for tier in compiled.tiers]
    uses = [RuleUse("band", tier, tier, bands[tier]) for tier in bands]
    uses.extend(
        RuleUse("gate", gate.id, gate.tier, failed[gate.tier, gate.id], passed[gate.tier, gate.id])
        for tier in compiled.tiers
        for gate in tier.gates
    )
    uses.extend(RuleUse(rule.kind, rule.id, rule.tier, fired[rule.id]) for rule in compiled.rules)
    uses.extend(
        RuleUse("quota", quota.id, tiers[quota.tier], demoted[quota.id])
        for quota in compiled.quotas
    )
    return RuleCoverage(framework.ref, counted, tuple(uses))


class CoverageRecorder:
    """Gathers results by framework while tests run, for one coverage report at the end.

    Frameworks are told apart by ``id@version`` and fingerprint, so the same framework loaded
    by several test files is reported once, and two different files of one ``id@version``
    (a framework and a modified copy) are reported apart.
    """

    def __init__(self) -> None:
        self._frameworks: dict[tuple[str, str], Framework] = {}
        self._results: dict[tuple[str, str], list[Result]] = {}

    def add(self, framework: Framework, results: Iterable[Result]) -> None:
        """Record results produced by ``framework``."""
        key = (framework.ref, framework.fingerprint)
        self._frameworks.setdefault(key, framework)
        self._results.setdefault(key, []).extend(results)

    def report(self) -> tuple[RuleCoverage, ...]:
        """Return the coverage of every framework that produced results, by ``id@version``."""
        return tuple(
            rule_coverage(self._frameworks[key], self._results[key])
            for key in sorted(self._frameworks)
        )

    def render(self) -> str:
        """Return every framework's coverage report, or a line saying nothing was recorded."""
        return render_coverage(self.report())


def render_coverage(coverages: Sequence[RuleCoverage]) -> str:
    """Return the reports one after the other, or say that no result was recorded."""
    if not coverages:
        return "no criteriakit results were recorded"
    return "\n\n".join(coverage.render() for coverage in coverages)
