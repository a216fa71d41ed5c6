"""The columnar plan grows linearly with a framework's aggregates, and is capped (issue 12).

Aggregates over items (``count(xs, it > 2)``) each need their items exploded, evaluated and
grouped; built naively each one reads the frame holding the earlier ones' joins, and the plan
doubles with every aggregate (12 aggregates took over a minute, 36 ran out of memory). These
tests measure the Polars plan itself (its unoptimised text), not the time, so they are exact.
"""

from __future__ import annotations

import textwrap

import polars as pl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import criteriakit
from criteriakit import limits
from criteriakit.columnar import compile_columnar, evaluate_frame
from criteriakit.columnar.aggregates import with_aggregates
from criteriakit.expressions import compile_expression
from test_columnar_expressions import SCHEMA, SCOPE

AGGREGATES = st.sampled_from(
    [
        "count(xs, it > {k})",
        "sum(xs, it * {k}) > 1",
        "share(ms, ok and score > {k}) >= 50%",
        "avg(ms, score + {k}) > 0",
        "max(ns, it - {k}) > 0",
        "any(gs, count(vals, it > {k}) > w)",
        "all(gs, sum(vals, it) >= {k}) or count(ms, quarter > {k}) > 1",
        "count(xs, it > count(ns, it > {k}))",
    ]
)


def plan_text(texts: list[str]) -> str:
    """Return the unoptimised plan of a frame with every aggregate of ``texts`` added."""
    frame = pl.LazyFrame(schema={"row": pl.Int64, **SCHEMA})
    requests = []
    for index, text in enumerate(texts):
        compiled = compile_expression(text, SCOPE)
        requests.extend(compile_columnar(compiled, prefix=f"__e{index}.").aggregates)
    return with_aggregates(frame, requests, "row").explain(optimized=False)


@settings(max_examples=25, deadline=None)
@given(st.lists(st.tuples(AGGREGATES, st.integers(0, 9)), min_size=2, max_size=14))
def test_the_plan_is_at_most_the_sum_of_its_aggregates_plans(chosen):
    texts = [template.format(k=k) for template, k in chosen]
    together = len(plan_text(texts))
    alone = sum(len(plan_text([text])) for text in texts)
    # linear: the frame read once per list and level, not once per subset of aggregates
    assert together <= alone


def test_the_plan_grows_by_the_same_amount_with_each_aggregate():
    sizes = [
        len(plan_text([f"count(xs, it > {k})" for k in range(count)])) for count in (8, 16, 32)
    ]
    assert sizes[2] - sizes[1] == pytest.approx(2 * (sizes[1] - sizes[0]), rel=0.05)


def many_aggregates(count: int) -> str:
    """Return a framework of ``count`` indicators, each an aggregate over one list input."""
    indicators = "".join(
        textwrap.dedent(
            f"""
            [[criteria.indicators]]
            id = "c.i{k}"
            title = "I{k}"
            value = "count(xs, it > {k})"
            points = 1
            scorer = {{ type = "linear", zero_at = 0, full_at = 4 }}
            """
        )
        for k in range(count)
    )
    head = f"""\
        id = "t.many"
        version = "1"
        title = "Many aggregates"
        subject = "unit"
        max_score = {count}

        [inputs.xs]
        type = "list"
        items = "number"

        [[criteria]]
        id = "c"
        title = "C"
        points = {count}
        """
    tiers = '\n[[tiers]]\nid = "ok"\ntitle = "Ok"\nmin_score = 0\n'
    return textwrap.dedent(head) + indicators + tiers


def test_forty_aggregates_over_one_list_agree_with_the_scalar_engine():
    framework = criteriakit.loads_framework(many_aggregates(40))
    rows = [{"id": f"u{n}", "xs": [float(n % 7), 1.0, 2.0, 3.0][: n % 5]} for n in range(12)]
    table = evaluate_frame(
        framework, pl.DataFrame(rows, schema={"id": pl.String, "xs": SCHEMA["xs"]})
    )
    scalar = [framework.evaluate({"xs": row["xs"]}) for row in rows]
    assert table["score"].to_list() == [result.score for result in scalar]
    assert table["tier"].to_list() == [result.tier for result in scalar]


def test_a_plan_over_the_limit_is_refused_with_the_way_out():
    framework = criteriakit.loads_framework(many_aggregates(40))
    frame = pl.DataFrame({"id": ["u1"], "xs": [[1.0, 5.0]]})
    with limits.override(plan_size=500), pytest.raises(criteriakit.FrameworkError) as raised:
        evaluate_frame(framework, frame)
    message = str(raised.value)
    assert "the columnar plan of t.many@1 would take" in message
    assert "over the plan_size limit of 500" in message
    assert "--engine scalar" in message
    assert "--limit plan_size=" in message
    assert evaluate_frame(framework, frame)["score"].to_list() == [1.5]
