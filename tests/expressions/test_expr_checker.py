from __future__ import annotations

import pytest

from criteriakit.errors import ExpressionError, ExpressionTypeError
from criteriakit.expressions import (
    BOOL,
    INTEGER,
    NUMBER,
    Aggregate,
    Arithmetic,
    BuiltinCall,
    Comparison,
    Conditional,
    Constant,
    FieldRef,
    FunctionSpec,
    InputRef,
    ItemRef,
    LevelType,
    ListType,
    Logical,
    Negate,
    Not,
    PluginCall,
    RecordsType,
    compile_expression,
)

TIER = LevelType(("excellent", "good", "complete", "not-completed"))
SCOPE = {
    "targets_met": INTEGER,
    "targets_assigned": INTEGER,
    "attendance_rate": NUMBER,
    "score": NUMBER,
    "disunity_found": BOOL,
    "tier": TIER,
    "other_tier": TIER,
    "grade": LevelType(("A", "B")),
    "monthly_scores": ListType(NUMBER),
    "admissions": ListType(INTEGER),
    "flags": ListType(BOOL),
    "tiers": ListType(TIER),
    "members": RecordsType(
        {"points": NUMBER, "rating": TIER, "tasks": INTEGER, "initiatives": ListType(INTEGER)}
    ),
    "cells": RecordsType(
        (("cell_score", NUMBER), ("members_of_cell", RecordsType({"rank": INTEGER})))
    ),
}


def compiled(text, **options):
    return compile_expression(text, SCOPE, **options)


def type_error(text, **options) -> ExpressionTypeError:
    with pytest.raises(ExpressionTypeError) as info:
        compile_expression(text, SCOPE, **options)
    return info.value


@pytest.mark.parametrize(
    ("text", "kind"),
    [
        ("1 + 2", INTEGER),
        ("targets_met - targets_assigned * 2", INTEGER),
        ("targets_met / targets_assigned", NUMBER),
        ("4 / 2", NUMBER),
        ("1 + 2.5", NUMBER),
        ("score * 2", NUMBER),
        ("-targets_met", INTEGER),
        ("-score", NUMBER),
        ("30%", NUMBER),
        ("targets_met >= 3", BOOL),
        ('tier >= "good"', BOOL),
        ('"good" < tier', BOOL),
        ("tier == other_tier", BOOL),
        ("disunity_found == false", BOOL),
        ("not disunity_found and score > 1", BOOL),
        ("min(targets_met, 3)", INTEGER),
        ("max(targets_met, 3.5, score)", NUMBER),
        ("abs(targets_met)", INTEGER),
        ("clamp(score, 0, 1)", NUMBER),
        ("clamp(targets_met, 0, 10)", INTEGER),
        ("if(disunity_found, 1, 2)", INTEGER),
        ("if(disunity_found, 1, 2.5)", NUMBER),
        ('if(disunity_found, tier, other_tier) >= "good"', BOOL),
        ("if(disunity_found, tier, other_tier)", TIER),
        ("count(members)", INTEGER),
        ("count(flags, it)", INTEGER),
        ("any(flags, it)", BOOL),
        ("share(members, points > 50)", NUMBER),
        ('any(tiers, it == "excellent")', BOOL),
        ("all(members, tasks >= 1)", BOOL),
        ("sum(admissions)", INTEGER),
        ("sum(monthly_scores)", NUMBER),
        ("sum(members, tasks)", INTEGER),
        ("sum(members, points)", NUMBER),
        ("avg(admissions)", NUMBER),
        ("min(admissions)", INTEGER),
        ("max(members, points)", NUMBER),
        ("min(monthly_scores, it * 2)", NUMBER),
        ("count(members, count(initiatives, it > 0) >= 1)", INTEGER),
        ("avg(cells, cell_score + count(members_of_cell, rank > score))", NUMBER),
        ("monthly_scores", ListType(NUMBER)),
        ("members", SCOPE["members"]),
    ],
)
def test_types(text, kind):
    assert compiled(text).type == kind


def test_typed_tree_resolves_names_and_levels():
    tree = compiled('score > 90% and not (tier < "good")').tree
    assert isinstance(tree, Logical)
    assert tree.op == "and"
    assert (tree.offset, tree.length, tree.type) == (0, 35, BOOL)
    left, right = tree.left, tree.right
    assert isinstance(left, Comparison)
    assert not left.exact
    assert left.left == InputRef("score", NUMBER, 0, 5)
    assert left.right == Constant(0.9, NUMBER, 8, 3)
    assert isinstance(right, Not)
    assert (right.offset, right.length) == (16, 19)
    inner = right.operand
    assert isinstance(inner, Comparison)
    assert inner.exact
    assert inner.right == Constant("good", TIER, 28, 6)
    assert isinstance(compiled("targets_met == targets_assigned").tree, Comparison)
    assert compiled("targets_met == targets_assigned").tree.exact


def test_typed_tree_of_calls():
    tree = compiled("if(disunity_found, -score, max(score, 1) / 2)").tree
    assert isinstance(tree, Conditional)
    assert isinstance(tree.then, Negate)
    assert isinstance(tree.otherwise, Arithmetic)
    assert isinstance(tree.otherwise.left, BuiltinCall)
    assert tree.otherwise.left.function == "max"


def test_typed_tree_of_aggregates():
    tree = compiled("count(members, count(initiatives, it > tasks) >= 1)").tree
    assert isinstance(tree, Aggregate)
    assert (tree.function, tree.level) == ("count", 1)
    assert tree.source == InputRef("members", SCOPE["members"], 6, 7)
    assert isinstance(tree.item, Comparison)
    inner = tree.item.left
    assert isinstance(inner, Aggregate)
    assert inner.level == 2
    assert inner.source == FieldRef("initiatives", "members", 1, ListType(INTEGER), 21, 11)
    assert isinstance(inner.item, Comparison)
    assert inner.item.left == ItemRef("initiatives", 2, INTEGER, 34, 2)
    assert inner.item.right == FieldRef("tasks", "members", 1, INTEGER, 39, 5)
    assert compiled("min(monthly_scores)").tree.item is None


def test_names_are_the_outer_inputs_read():
    expression = compiled("count(members, points > score) + sum(admissions) + targets_met")
    assert expression.names == frozenset({"members", "score", "admissions", "targets_met"})
    assert compiled("1 + 2").names == frozenset()


@pytest.mark.parametrize(
    ("text", "message", "offset", "length", "hint"),
    [
        ("targets_mett > 1", "unknown input 'targets_mett'", 0, 12, "did you mean 'targets_met'?"),
        ("Score > 1", "unknown input 'Score'", 0, 5, "did you mean 'score'?"),
        (
            "zzz > 1",
            "unknown input 'zzz'",
            0,
            3,
            "declared inputs: admissions, attendance_rate, cells, disunity_found, flags, grade, members, monthly_scores, …",
        ),
        ("min > 1", "unknown input 'min'", 0, 3, "'min' is a function; call it, e.g. min(…)"),
        (
            "it > 1",
            "unknown input 'it'",
            0,
            2,
            "'it' is the item only inside an aggregate over a list, e.g. count(xs, it > 0)",
        ),
        ("True", "unknown input 'True'", 0, 4, "write true"),
        ("count(members, pionts > 1)", "unknown name 'pionts'", 15, 6, "did you mean 'points'?"),
        ("count(members, it > 1)", "unknown name 'it'", 15, 2, None),
        ("points > 1", "unknown input 'points'", 0, 6, None),
        ("cout(members)", "unknown function 'cout'", 0, 4, "did you mean 'count'?"),
        (
            "frobnicate(1)",
            "unknown function 'frobnicate'",
            0,
            10,
            "functions: abs, all, any, avg, clamp, count, exp, if, ln, max, min, round, share, sqrt, sum",
        ),
        ("score(1)", "'score' is an input, not a function", 0, 5, None),
        (
            "score + disunity_found",
            "'+' needs numbers, got bool",
            8,
            14,
            "turn a condition into a number with if(condition, 1, 0)",
        ),
        (
            "tier * 2",
            "'*' needs numbers, got level (excellent, good, complete, not-completed)",
            0,
            4,
            'levels can only be compared, e.g. tier >= "good"',
        ),
        (
            "monthly_scores / 2",
            "'/' needs numbers, got list of number",
            0,
            14,
            "aggregate a list with count, share, sum, avg, min or max",
        ),
        ("-disunity_found", "'-' needs a number, got bool", 1, 14, None),
        (
            "not score",
            "'not' needs a bool, got number",
            4,
            5,
            "compare it to get a condition, e.g. x > 0",
        ),
        (
            "score and disunity_found",
            "'and' needs bool operands, got number",
            0,
            5,
            "compare it to get a condition, e.g. x > 0",
        ),
        ("disunity_found or 1", "'or' needs bool operands, got integer", 18, 1, None),
        ("score > disunity_found", "cannot compare number with bool", 0, 22, None),
        (
            "disunity_found < true",
            "bools can only be compared with == or !=",
            0,
            21,
            "use the condition itself, or not",
        ),
        (
            "tier == grade",
            "cannot compare level (excellent, good, complete, not-completed) with level (A, B)",
            0,
            13,
            None,
        ),
        (
            "tier > 1",
            "cannot compare level (excellent, good, complete, not-completed) with integer",
            0,
            8,
            None,
        ),
        (
            'tier >= "godo"',
            "unknown level 'godo'",
            8,
            6,
            "did you mean 'good'? the levels are: excellent, good, complete, not-completed",
        ),
        (
            '"zzz" == tier',
            "unknown level 'zzz'",
            0,
            5,
            "the levels are: excellent, good, complete, not-completed",
        ),
        (
            'score == "good"',
            "a string can only be compared with a level, not with number",
            9,
            6,
            'strings name levels, e.g. tier >= "good"',
        ),
        ('"a" == "a"', "cannot compare two strings", 0, 10, None),
        ('"good"', "a string is only allowed in a comparison with a level", 0, 6, None),
        (
            'if(disunity_found, "good", tier)',
            "a string is only allowed in a comparison with a level",
            19,
            6,
            None,
        ),
        (
            "min(score)",
            "min takes at least 2 arguments (numbers), got 1",
            0,
            10,
            "for the minimum of a list input, pass the list's name: min(scores)",
        ),
        ("max()", "max takes at least 2 arguments (numbers), got 0", 0, 5, None),
        (
            "min(score, disunity_found)",
            "argument 2 of min must be a number, got bool",
            11,
            14,
            None,
        ),
        ("abs(1, 2)", "abs takes 1 argument (number), got 2", 0, 9, None),
        ("clamp(score, 1)", "clamp takes 3 arguments (value, low, high), got 2", 0, 15, None),
        ("sqrt(score, 2)", "sqrt takes 1 argument (number), got 2", 0, 14, None),
        ("ln(disunity_found)", "argument 1 of ln must be a number, got bool", 3, 14, None),
        ("round()", "round takes 1 or 2 arguments (number, decimals), got 0", 0, 7, None),
        (
            "round(score, score)",
            "the decimals of round must be a whole number from 0 to 9 written in the expression",
            13,
            5,
            "e.g. round(share, 2)",
        ),
        (
            "round(score, 1.5)",
            "the decimals of round must be a whole number from 0 to 9 written in the expression",
            13,
            3,
            "e.g. round(share, 2)",
        ),
        (
            "if(disunity_found, 1)",
            "if takes 3 arguments (condition, then, else), got 2",
            0,
            21,
            None,
        ),
        ("if(score, 1, 2)", "the condition of if must be a bool, got number", 3, 5, None),
        (
            "if(disunity_found, 1, true)",
            "the branches of if have different types: integer and bool",
            0,
            27,
            None,
        ),
        (
            "if(disunity_found, tier, grade)",
            "the branches of if have different types: level (excellent, good, complete, not-completed) and level (A, B)",
            0,
            31,
            None,
        ),
        ("count()", "count takes 1 or 2 arguments (list, condition), got 0", 0, 7, None),
        ("share(members)", "share takes 2 arguments (list, condition), got 1", 0, 14, None),
        ("sum(members, points, 1)", "sum takes 1 or 2 arguments (list, value), got 3", 0, 23, None),
        (
            "min(members, points, 1)",
            "min takes 1 or 2 arguments (list, value when the first argument is a list), got 3",
            0,
            23,
            None,
        ),
        (
            "count(members + 1)",
            "the first argument of count must be the name of a list or records input",
            6,
            11,
            None,
        ),
        (
            "1 + members",
            "'+' needs numbers, got records (points, rating, tasks, initiatives)",
            4,
            7,
            None,
        ),
        (
            "count(1, true)",
            "the first argument of count must be the name of a list or records input",
            6,
            1,
            None,
        ),
        (
            "any(score, true)",
            "any needs a list or records input, but 'score' is number",
            4,
            5,
            None,
        ),
        (
            "share(members, points)",
            "the condition of share must be a bool, got number",
            15,
            6,
            "compare it to get a condition, e.g. x > 0",
        ),
        ("sum(members, points > 1)", "the value of sum must be a number, got bool", 13, 10, None),
        (
            "sum(members)",
            "sum over records needs a per-item value, e.g. sum(members, field)",
            0,
            12,
            None,
        ),
        (
            "avg(flags)",
            "avg needs a list of numbers, got list of bool",
            0,
            10,
            "pass a per-item value, e.g. avg(flags, if(it, 1, 0))",
        ),
        (
            "min(tiers)",
            "min needs a list of numbers, got list of level (excellent, good, complete, not-completed)",
            0,
            10,
            None,
        ),
    ],
)
def test_type_errors(text, message, offset, length, hint):
    error = type_error(text)
    assert error.message == message
    assert (error.offset, error.length) == (offset, length)
    if hint is not None:
        assert error.hint == hint


def test_type_error_rendering():
    assert str(type_error("targets_met / targets_asigned >= 50%")) == (
        "unknown input 'targets_asigned' (at 1:15)\n"
        "targets_met / targets_asigned >= 50%\n"
        "              ^^^^^^^^^^^^^^^\n"
        "hint: did you mean 'targets_assigned'?"
    )


def test_unknown_input_without_declared_inputs():
    with pytest.raises(ExpressionTypeError) as info:
        compile_expression("x", {})
    assert (info.value.message, info.value.hint) == ("unknown input 'x'", None)


@pytest.mark.parametrize(
    ("expect", "text", "message"),
    [
        (BOOL, "score * 2", "expected a bool condition, got number"),
        (NUMBER, "disunity_found", "expected a value of type number, got bool"),
        (INTEGER, "score", "expected a value of type integer, got number"),
        (
            TIER,
            "grade",
            "expected a value of type level (excellent, good, complete, not-completed), got level (A, B)",
        ),
    ],
)
def test_expect(expect, text, message):
    error = type_error(f"  {text} ", expect=expect)
    assert (error.message, error.offset, error.length) == (message, 2, len(text))


def test_expect_accepts_integer_for_number():
    assert compiled("targets_met", expect=NUMBER).type == INTEGER
    assert compiled("score > 1", expect=BOOL).type == BOOL


def test_record_field_shadowing_an_input_is_an_error():
    scope = {**SCOPE, "points": NUMBER}
    with pytest.raises(ExpressionTypeError) as info:
        compile_expression("count(members, points > 1)", scope)
    error = info.value
    assert error.message == "field 'points' of 'members' shadows the input 'points'"
    assert (error.offset, error.length) == (6, 7)
    assert error.hint == "rename the field or the input so that each name means one thing"
    # the one-argument form opens no scope, so nothing is shadowed
    assert compile_expression("count(members)", scope).type == INTEGER


def test_item_name_shadowing_an_input_is_an_error():
    scope = {**SCOPE, "it": NUMBER}
    with pytest.raises(ExpressionTypeError) as info:
        compile_expression("count(flags, it)", scope)
    assert info.value.message == "the item name 'it' of 'flags' shadows the input 'it'"


def test_nested_scopes():
    scope = {
        "groups": RecordsType({"points": NUMBER, "subgroups": RecordsType({"points": NUMBER})}),
        "xs": ListType(NUMBER),
        "ys": ListType(NUMBER),
    }
    with pytest.raises(ExpressionTypeError) as info:
        compile_expression("count(groups, count(subgroups, points > 1) > 0)", scope)
    assert info.value.message == "field 'points' of 'subgroups' shadows a field of 'groups'"
    # an inner list's `it` hides an outer list's `it`
    inner = compile_expression("count(xs, count(ys, it > 1) > 0)", scope).tree
    assert isinstance(inner, Aggregate)
    assert isinstance(inner.item, Comparison)
    assert isinstance(inner.item.left, Aggregate)
    assert inner.item.left.item == Comparison(
        ">", ItemRef("ys", 2, NUMBER, 20, 2), Constant(1, INTEGER, 25, 1), False, BOOL, 20, 6
    )


def median(values):
    ordered = sorted(values)
    return ordered[len(ordered) // 2] if ordered else None


MEDIAN = FunctionSpec("median", (ListType(NUMBER),), NUMBER, median, "the middle value")
BONUS = FunctionSpec(
    "bonus", (NUMBER, TIER), NUMBER, lambda x, tier: x + 5 if tier == "excellent" else x
)


def test_plugin_functions_are_checked():
    functions = {"median": MEDIAN, "bonus": BONUS}
    assert compiled("median(monthly_scores) > 50", functions=functions).type == BOOL
    assert compiled("median(admissions)", functions=functions).type == NUMBER  # integers accepted
    tree = compiled("bonus(targets_met, tier)", functions=functions).tree
    assert isinstance(tree, PluginCall)
    assert tree.function is BONUS
    with pytest.raises(ExpressionTypeError) as info:
        compiled("bonus(1)", functions=functions)
    assert (
        info.value.message
        == "bonus takes 2 arguments (number, level (excellent, good, complete, not-completed)), got 1"
    )
    with pytest.raises(ExpressionTypeError) as info:
        compiled("bonus(disunity_found, tier)", functions=functions)
    assert info.value.message == "argument 1 of bonus must be of type number, got bool"
    assert (info.value.offset, info.value.length) == (6, 14)
    with pytest.raises(ExpressionTypeError) as info:
        compiled("bonus(1, grade)", functions=functions)
    assert (
        info.value.message
        == "argument 2 of bonus must be of type level (excellent, good, complete, not-completed), got level (A, B)"
    )
    with pytest.raises(ExpressionTypeError) as info:
        compiled("medain(monthly_scores)", functions=functions)
    assert info.value.hint == "did you mean 'median'?"
    with pytest.raises(ExpressionTypeError) as info:
        compiled("median(monthly_scores)")
    assert info.value.message == "unknown function 'median'"


@pytest.mark.parametrize("name", ["min", "count", "if", "and", "true", "1x", "", "a-b"])
def test_function_spec_rejects_builtin_and_invalid_names(name):
    with pytest.raises(ValueError, match="function name"):
        FunctionSpec(name, (NUMBER,), NUMBER, abs)


def test_function_spec_validates_its_fields():
    with pytest.raises(TypeError):
        FunctionSpec("f", ("number",), NUMBER, abs)
    with pytest.raises(TypeError):
        FunctionSpec("f", (NUMBER,), "number", abs)
    with pytest.raises(TypeError):
        FunctionSpec("f", (NUMBER,), NUMBER, "abs")
    assert FunctionSpec("f", [NUMBER], NUMBER, abs).parameters == (NUMBER,)


def test_functions_mapping_keys_must_match_names():
    with pytest.raises(ValueError, match="registered under the name 'min'"):
        compiled("min(1, 2)", functions={"min": MEDIAN})


def test_every_error_is_an_expression_error():
    assert issubclass(ExpressionTypeError, ExpressionError)
