"""The ``criteriakit sensitivity`` command: how far each criterion's weight can move before a tier changes."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Literal

import click

from criteriakit.cli._options import (
    LANGUAGE_OPTION,
    DataOptions,
    data_command,
    examples,
    language_words,
)
from criteriakit.cli._output import emit
from criteriakit.cli._session import Session, pass_session

if TYPE_CHECKING:
    from criteriakit.scalar.sensitivity import RankMargin, WeightMargin

__all__ = ["sensitivity"]


def _row(margin: WeightMargin | RankMargin, below: str | None, above: str | None) -> list[str]:
    """Return one line of a margins table: the part, its weight, where it holds, what is past."""
    from criteriakit.render.explanation import format_number  # noqa: PLC0415  loaded when used

    return [
        margin.criterion,
        format_number(round(margin.weight, 4)),
        format_number(round(margin.low, 4)),
        format_number(round(margin.high, 4)),
        below or "—",
        above or "—",
    ]


@click.command(
    short_help="How far each weight can move before a tier changes.",
    epilog=examples(
        "criteriakit sensitivity vn.four-good-cell cells.csv -u C07",
        "criteriakit sensitivity vn.four-good-cell cells.csv --indicators",
    ),
)
@data_command
@click.option("-u", "--unit", "units", multiple=True, help="Only this unit (repeatable).")
@click.option(
    "--indicators",
    is_flag=True,
    help="Move each indicator's weight (its maximum points over the total) instead of each criterion's.",
)
@LANGUAGE_OPTION
@pass_session
def sensitivity(
    session: Session,
    /,
    units: tuple[str, ...],
    indicators: bool,
    output: str | None,
    language: str | None,
    **source: Any,
) -> None:
    """For each unit of DATA, the weights of each criterion between which its tier holds.

    Each criterion's weight (its share of the total; with --indicators each indicator's) moves
    while the others keep their proportions; past either end the unit would be in the tier
    shown. A framework with a [ranking] also gets the weights between which the unit's rank
    holds, and its rank past them.
    """
    from criteriakit.cli._evaluation import evaluate_data  # noqa: PLC0415  loaded when used
    from criteriakit.render import render_text_table  # noqa: PLC0415  loaded when used
    from criteriakit.scalar.sensitivity import (  # noqa: PLC0415  loaded when used
        rank_margins,
        weight_margins,
    )

    options = DataOptions(**source)
    level = evaluate_data(session, options, language=language)[0]
    words = language_words(language, level.framework.definition.language)
    _ = words.gettext
    results = [result for result in level.results if not units or result.unit in units]
    missing = sorted(set(units) - {result.unit for result in results})
    if missing:
        message = _("no unit %(unit)s in %(data)s") % {
            "unit": repr(missing[0]),
            "data": options.data,
        }
        raise click.BadParameter(message, param_hint="--unit")
    part = _("indicator") if indicators else _("criterion")
    of: Literal["criteria", "indicators"] = "indicators" if indicators else "criteria"
    ranked = level.framework.compiled.ranking is not None
    header = [part, _("weight"), _("holds from"), _("to"), _("below"), _("above")]

    def shown(rank: float | None) -> str | None:
        return None if rank is None else words.number(rank)

    blocks = []
    for result in results:
        margins = weight_margins(level.framework, result, of=of)
        if not margins:
            blocks.append(f"{result.unit} · {_('Not evaluable.')}\n")
            continue
        title = f"{result.unit} · {result.tier} ({_('score')} {words.number(result.score or 0.0)})"
        rows = [_row(margin, margin.below, margin.above) for margin in margins]
        blocks.append(f"{title}\n{render_text_table(header, rows)}")
        if ranked and result.ranking is not None:
            rank = result.ranking
            among = _("rank %(rank)s of %(among)s") % {
                "rank": words.number(rank.rank),
                "among": rank.among,
            }
            places = [
                _row(margin, shown(margin.below), shown(margin.above))
                for margin in rank_margins(level.framework, level.results, result, of=of)
            ]
            blocks.append(f"{among}\n{render_text_table(header, places)}")
    emit("\n".join(blocks), output)
