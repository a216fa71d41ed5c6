"""Values of the expression language shown to people: in explanations, messages and reports."""

from __future__ import annotations

__all__ = ["format_value"]


def format_value(value: object) -> str:
    """Format an input or indicator value for people: ``0.75``, ``yes``, ``[80, 95]``."""
    if value is None:
        return "missing"
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, float):
        if abs(value) >= 1e6:
            return f"{value:,.0f}"
        return str(int(value)) if value.is_integer() else f"{value:.4g}"
    if isinstance(value, list | tuple):
        shown = ", ".join(format_value(item) for item in value[:6])
        return f"[{shown}{', …' if len(value) > 6 else ''}]"
    return str(value)
