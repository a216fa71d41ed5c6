"""Colours for tiers, best to worst, shared by the terminal, the HTML report and the workbook."""

from __future__ import annotations

from collections.abc import Sequence

__all__ = ["TERMINAL_COLOURS", "TIER_COLOURS", "tier_colours", "tier_styles"]

TIER_COLOURS = ("#2e7d32", "#1565c0", "#f9a825", "#ef6c00", "#c62828")
"""Tier colours, best first: green, blue, amber, orange, red (the worst tier always red)."""


TERMINAL_COLOURS = ("green", "blue", "yellow", "dark_orange", "red")
"""The same, as a terminal's named colours (which any colour terminal shows as meant)."""


def tier_colours(count: int, palette: Sequence[str] = TIER_COLOURS) -> list[str]:
    """Return a colour of ``palette`` per tier, best first, green to red.

    The best tier takes the palette's first colour and the worst its last; those between take
    the others in order (the one before the last repeated if need be).
    """
    if count <= 1:
        return list(palette[:count])
    middle = list(palette[1:-1])[: count - 2]
    middle += [palette[-2]] * (count - 2 - len(middle))
    return [palette[0], *middle, palette[-1]]


def tier_styles(tiers: Sequence[str], palette: Sequence[str] = TIER_COLOURS) -> dict[str, str]:
    """Return each tier's colour of ``palette`` (tier ids best first)."""
    return dict(zip(tiers, tier_colours(len(tiers), palette), strict=True))
