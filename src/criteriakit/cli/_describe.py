"""Plain-text descriptions of frameworks and plugin registrations, for ``show`` and ``plugins``."""

from __future__ import annotations

from criteriakit.model.framework import DATA_WEIGHT_METHODS, Input, Weights, pick_text
from criteriakit.registry import Registry
from criteriakit.render.explanation import format_number
from criteriakit.scalar.framework import Framework

__all__ = ["describe_framework", "describe_registrations"]


def _input_line(name: str, spec: Input) -> str:
    kind = f"list of {spec.items}" if spec.type == "list" else str(spec.type)
    details = []
    if spec.levels:
        details.append("levels " + " > ".join(spec.levels))
    if spec.fields:
        details.append(
            "fields " + ", ".join(f"{field}: {value.type}" for field, value in spec.fields.items())
        )
    if spec.min is not None or spec.max is not None:
        low = "" if spec.min is None else format_number(spec.min)
        high = "" if spec.max is None else format_number(spec.max)
        details.append(f"{low}..{high}")
    if spec.default is not None:
        details.append(f"default {spec.default}")
    title = pick_text(spec.title)
    suffix = f" ({'; '.join(details)})" if details else ""
    return f"  {name}: {kind}{suffix}" + (f" — {title}" if title else "")


def _weighed_by(spec: Weights | None, what: str = "") -> str:
    """Say where derived weights come from: `` (weighed by ahp)``, or nothing."""
    if spec is None:
        return ""
    how: str = spec.method
    if spec.method in DATA_WEIGHT_METHODS:
        whose = "each parent's units" if spec.within == "parent" else "the units evaluated"
        how += f" over {whose}: the points shown are until they decide"
    if spec.method == "ahp" and spec.judgements is not None:
        from criteriakit import mcda  # noqa: PLC0415 - NumPy, loaded for such a framework only

        judgements = [list(row) for row in spec.judgements]
        ratio = mcda.ahp(judgements, allow_inconsistent=True).consistency_ratio
        how += f", consistency ratio {ratio:.3f}"
    return f" ({what + ' ' if what else ''}weighed by {how})"


def describe_framework(framework: Framework) -> str:
    """Describe a framework: identity, inputs, criteria and indicators, tiers, rules, awards."""
    definition = framework.definition
    compiled = framework.compiled
    start = definition.valid_from.isoformat() if definition.valid_from else ""
    end = definition.valid_until.isoformat() if definition.valid_until else ""
    lines = [
        f"{framework.ref} — {framework.title()}",
        (
            f"subject: {definition.subject}; scale: {definition.scale},"
            f" max score {format_number(definition.max_score)}; weighting: {definition.weighting};"
            f" valid: {start or '…'} .. {end or '…'}"
        ),
        f"fingerprint: {framework.fingerprint}",
    ]
    if framework.source:
        lines.append(f"source: {framework.source}")
    lines.extend(["", "Inputs:"])
    lines.extend(_input_line(name, spec) for name, spec in definition.inputs.items())
    if definition.derived:
        lines.extend(["", "Derived values:"])
        lines.extend(f"  {name} = {text}" for name, text in definition.derived.items())
    lines.extend(["", "Criteria:" + _weighed_by(definition.weights)])
    own_weights = {criterion.id: criterion.weights for criterion in definition.criteria}
    for criterion in compiled.criteria:
        lines.append(
            f"  {criterion.id} {criterion.title} — {format_number(criterion.max_score)}"
            + _weighed_by(own_weights.get(criterion.id), "its indicators")
        )
        for indicator, spec in zip(
            compiled.indicators[criterion.first : criterion.stop],
            (i for c in definition.criteria if c.id == criterion.id for i in c.indicators),
            strict=True,
        ):
            lines.append(
                f"    {indicator.id} {indicator.title} — {format_number(indicator.max_points)}:"
                f" {spec.scorer.type} of {indicator.value.text}"
            )
    lines.extend(["", "Tiers (best first):"])
    for tier in compiled.tiers:
        lines.append(f"  {tier.id} ≥ {format_number(tier.min_score)} — {tier.title}")
        lines.extend(f"    gate {gate.id}: {gate.expression.text}" for gate in tier.gates)
    if compiled.rules:
        lines.extend(["", "Rules:"])
        lines.extend(
            f"  {rule.kind} {rule.id}: when {rule.expression.text} → at most {rule.tier}"
            for rule in compiled.rules
        )
    if compiled.awards:
        lines.extend(["", "Awards:"])
        lines.extend(
            f"  {award.id}: {award.require.text}"
            + ("" if award.quota is None else f" (quota {float(award.quota):.0%})")
            + f" — {pick_text(award.title, definition.language)}"
            for award in compiled.awards
        )
    return "\n".join(lines)


def describe_registrations(registry: Registry, plugin: str) -> str:
    """Say what one plugin registered: ``frameworks: a@1; scorers: linear, target``."""
    frameworks = sorted(
        entry.framework.ref for entry in registry.frameworks.values() if entry.plugin.name == plugin
    )
    parts = [f"frameworks: {', '.join(frameworks)}"] if frameworks else []
    for kind in ("function", "scorer", "weighting"):
        names = sorted(
            name
            for (known, name), info in registry.origins.items()
            if known == kind and info.name == plugin
        )
        if names:
            parts.append(f"{kind}s: {', '.join(names)}")
    return "; ".join(parts) or "-"
