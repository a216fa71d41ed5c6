from __future__ import annotations

import sys

import pytest

from criteriakit.errors import ExpressionSyntaxError
from criteriakit.expressions import (
    MAX_DEPTH,
    MAX_LENGTH,
    MAX_NODES,
    BinaryOp,
    BoolLiteral,
    Call,
    Name,
    Node,
    NumberLiteral,
    StringLiteral,
    UnaryOp,
    _parser,
    parse,
)


def show(node: Node) -> str:
    """Render a syntax tree fully parenthesised."""
    if isinstance(node, NumberLiteral):
        return f"{node.value}%" if node.percent else str(node.value)
    if isinstance(node, BoolLiteral):
        return str(node.value).lower()
    if isinstance(node, StringLiteral):
        return repr(node.value)
    if isinstance(node, Name):
        return node.name
    if isinstance(node, UnaryOp):
        return f"({node.op} {show(node.operand)})"
    if isinstance(node, BinaryOp):
        return f"({show(node.left)} {node.op} {show(node.right)})"
    return f"{node.function}({', '.join(show(arg) for arg in node.args)})"


@pytest.mark.parametrize(
    ("text", "shown"),
    [
        ("a or b and c", "(a or (b and c))"),
        ("a and b or c", "((a and b) or c)"),
        ("a or b or c", "((a or b) or c)"),
        ("not a and b", "((not a) and b)"),
        ("not a == b", "(not (a == b))"),
        ("not not a", "(not (not a))"),
        ("a == b + c", "(a == (b + c))"),
        ("a + b * c", "(a + (b * c))"),
        ("a - b - c", "((a - b) - c)"),
        ("a / b / c", "((a / b) / c)"),
        ("a * b / c", "((a * b) / c)"),
        ("-a * b", "((- a) * b)"),
        ("a * -b", "(a * (- b))"),
        ("- - a", "(- (- a))"),
        ("-(a + b)", "(- (a + b))"),
        ("(a + b) * c", "((a + b) * c)"),
        ("a and not b", "(a and (not b))"),
        ("a >= 90 and b < 3 or c", "(((a >= 90) and (b < 3)) or c)"),
        ("min(a, b + 1) * 2", "(min(a, (b + 1)) * 2)"),
        ("f()", "f()"),
        ('tier >= "good"', "(tier >= 'good')"),
        ("x == 'not-completed'", "(x == 'not-completed')"),
        ("true != false", "(true != false)"),
        ("count(members, score >= 50)", "count(members, (score >= 50))"),
        ("a\n  and\tb", "(a and b)"),
    ],
)
def test_precedence_and_associativity(text, shown):
    assert show(parse(text)) == shown


@pytest.mark.parametrize(
    ("text", "value", "percent"),
    [
        ("12", 12, False),
        ("007", 7, False),
        ("7.5", 7.5, False),
        ("85%", 0.85, True),
        ("30%", 0.3, True),
        ("7.5%", 0.075, True),
        ("100%", 1.0, True),
        ("0%", 0.0, True),
        ("12345.678%", 123.45678, True),
        ("9" * 400, int("9" * 400), False),
    ],
)
def test_number_literals(text, value, percent):
    node = parse(text)
    assert isinstance(node, NumberLiteral)
    assert node.value == value
    assert type(node.value) is type(value)
    assert node.percent is percent


def test_percent_is_decimal_exact():
    for whole in range(201):
        node = parse(f"{whole}%")
        assert isinstance(node, NumberLiteral)
        assert node.value == whole / 100


def test_spans_include_parentheses_and_calls():
    node = parse("( a + b ) * min(c, 1)")
    assert isinstance(node, BinaryOp)
    assert (node.offset, node.length, node.op_offset) == (0, 21, 10)
    assert (node.left.offset, node.left.length) == (0, 9)
    assert isinstance(node.right, Call)
    assert (node.right.offset, node.right.length) == (12, 9)
    unary = parse("not  x")
    assert (unary.offset, unary.length) == (0, 6)
    string = parse('"good"')
    assert isinstance(string, StringLiteral)
    assert (string.value, string.offset, string.length) == ("good", 0, 6)


def syntax_error(text: str) -> ExpressionSyntaxError:
    with pytest.raises(ExpressionSyntaxError) as info:
        parse(text)
    return info.value


@pytest.mark.parametrize(
    ("text", "message", "offset", "length", "hint"),
    [
        ("", "empty expression", 0, 1, "write a condition or a value, e.g. score >= 90"),
        ("  \n ", "empty expression", 4, 1, "write a condition or a value, e.g. score >= 90"),
        (
            "a < b < c",
            "comparisons cannot be chained",
            6,
            1,
            "combine them with and, e.g. a < b and b < c",
        ),
        (
            "a == b != c",
            "comparisons cannot be chained",
            7,
            2,
            "combine them with and, e.g. a < b and b < c",
        ),
        (
            "a ** 2",
            "'**' is not supported",
            2,
            2,
            "there is no exponentiation; multiply explicitly, e.g. x * x",
        ),
        (
            "a ^ 2",
            "'^' is not supported",
            2,
            1,
            "there is no exponentiation; multiply explicitly, e.g. x * x",
        ),
        (
            "a % 2",
            "'%' is only a percent sign",
            2,
            1,
            "write it right after a number, e.g. 85%; there is no remainder operator",
        ),
        (
            "x%",
            "'%' is only a percent sign",
            1,
            1,
            "write it right after a number, e.g. 85%; there is no remainder operator",
        ),
        ("a = 1", "'=' is not an operator", 2, 1, "use == to compare"),
        ("a => 1", "'=>' is not an operator", 2, 2, "use >= for greater than or equal"),
        ("a <> 1", "'<>' is not an operator", 2, 2, "use != to test for a difference"),
        ("a && b", "'&&' is not an operator", 2, 2, "use and"),
        ("a || b", "'||' is not an operator", 2, 2, "use or"),
        ("a & b", "'&' is not an operator", 2, 1, "use and"),
        (
            "!a",
            "'!' is not an operator",
            0,
            1,
            "use not to negate a condition, != to test for a difference",
        ),
        (
            "a.b",
            "attribute access is not supported",
            1,
            1,
            (
                "inputs are plain names; aggregate record lists with count, share, sum, avg, min, max,"
                ' any, all; a criterion\'s points are criterion("ID").points (in gates, vetoes and caps)'
            ),
        ),
        (".5", "a number cannot start with a decimal point", 0, 2, "write 0.5"),
        ("a > .25", "a number cannot start with a decimal point", 4, 3, "write 0.25"),
        ("1.", "a decimal point must be followed by a digit", 0, 2, "write 1.0 or 1"),
        ("12.x", "a decimal point must be followed by a digit", 0, 3, "write 12.0 or 12"),
        (
            "1e5",
            "invalid number '1e5'",
            0,
            3,
            "write numbers as digits with an optional decimal part, e.g. 12, 7.5 or 85% (no exponents, no digit separators)",
        ),
        ("1.2.3", "invalid number '1.2.3'", 0, 5, None),
        ("85%3", "invalid number '85%3'", 0, 4, None),
        (
            "xs[0]",
            "'[' is not supported",
            2,
            1,
            "there is no indexing; aggregate lists with count, share, sum, avg, min, max, any, all",
        ),
        (
            "lambda x: x",
            "lambda expressions are not supported",
            0,
            6,
            "there are no lambdas; aggregates take the per-item expression directly, e.g. count(members, score >= 50)",
        ),
        ("count(xs, x: x > 1)", "':' is not supported", 11, 1, None),
        ("a ? b : c", "'?' is not supported", 2, 1, "use if(condition, then, else)"),
        ("a # note", "'#' is not supported", 2, 1, "expressions have no comments"),
        ("a ≥ 3", "unexpected character '≥'", 2, 1, "use >= instead"),
        ("“good”", "unexpected character '“'", 0, 1, 'use " instead'),
        (
            "café > 1",
            "unexpected character 'é'",
            3,
            1,
            "names use ASCII letters, digits and underscores; numbers use the digits 0-9",
        ),
        ("a\x00", "unexpected character U+0000", 1, 1, None),
        ("@", "unexpected character '@'", 0, 1, None),
        ('tier == "good', "unterminated string", 8, 5, 'close it with " on the same line'),
        ("tier == 'go\nod'", "unterminated string", 8, 3, "close it with ' on the same line"),
        ("a +", "expected a value, found the end of the expression", 3, 1, None),
        ("a + * b", "expected a value, found '*'", 4, 1, None),
        ("+a", "expected a value, found '+'", 0, 1, "there is no unary '+'; remove it"),
        ("and a", "expected a value, found 'and'", 0, 3, None),
        (
            "a b",
            "expected an operator or the end of the expression, found name 'b'",
            2,
            1,
            "is an operator missing before it?",
        ),
        (
            "a 3",
            "expected an operator or the end of the expression, found number 3",
            2,
            1,
            "is an operator missing before it?",
        ),
        (
            "a is b",
            "expected an operator or the end of the expression, found name 'is'",
            2,
            2,
            "use == or != to compare",
        ),
        (
            "a in b",
            "expected an operator or the end of the expression, found name 'in'",
            2,
            2,
            "there are no membership tests; compare with == and combine with or",
        ),
        (
            "a AND b",
            "expected an operator or the end of the expression, found name 'AND'",
            2,
            3,
            "operators are written in lowercase: and",
        ),
        (
            "a not b",
            "expected an operator or the end of the expression, found 'not'",
            2,
            3,
            "write not before a condition, e.g. not (a == b), or use != to compare",
        ),
        (
            "1 if a else 2",
            "expected an operator or the end of the expression, found name 'if'",
            2,
            2,
            "write if(condition, then, else)",
        ),
        (
            "3 (a)",
            "expected an operator or the end of the expression, found '('",
            2,
            1,
            "only functions can be called, e.g. min(a, b); is an operator missing?",
        ),
        (
            "a, b",
            "expected an operator or the end of the expression, found ','",
            1,
            1,
            "commas only separate the arguments of a function call",
        ),
        ("a)", "unmatched ')'", 1, 1, "remove it or add a matching '('"),
        ("(a + b", "unclosed '('", 0, 1, "add a matching ')'"),
        ("min(a, b", "unclosed '('", 3, 1, "add a matching ')'"),
        (
            "(a b)",
            "expected an operator or ')', found name 'b'",
            3,
            1,
            "is an operator missing before it?",
        ),
        (
            "min(a b)",
            "expected an operator, ',' or ')', found name 'b'",
            6,
            1,
            "is an operator missing before it?",
        ),
        ("min(a,)", "expected a value, found ')'", 6, 1, None),
        ("a == not b", "'not' must be put in parentheses here", 5, 3, "write (not x)"),
        ("-not a", "'not' must be put in parentheses here", 1, 3, "write (not x)"),
    ],
)
def test_syntax_errors(text, message, offset, length, hint):
    error = syntax_error(text)
    assert error.message == message
    assert (error.offset, error.length) == (offset, length)
    if hint is not None:
        assert error.hint == hint


def test_error_rendering_has_position_caret_and_hint():
    error = syntax_error("score >= 90 and\n  tasks ** 2 > 1")
    assert str(error) == (
        "'**' is not supported (at 2:9)\n"
        "  tasks ** 2 > 1\n"
        "        ^^\n"
        "hint: there is no exponentiation; multiply explicitly, e.g. x * x"
    )
    assert (error.line, error.column) == (2, 9)


def test_chained_comparison_rendering():
    assert str(syntax_error("0 < x <= 1")) == (
        "comparisons cannot be chained (at 1:7)\n"
        "0 < x <= 1\n"
        "      ^^\n"
        "hint: combine them with and, e.g. a < b and b < c"
    )


def test_first_problem_in_text_order_is_reported():
    # the lexer is pulled lazily, so the earlier parse error wins over the later bad character
    assert syntax_error("a b @").message.endswith("found name 'b'")


def test_decimal_literal_must_be_finite():
    error = syntax_error("9" * 400 + ".5")
    assert (error.message, error.offset, error.length) == ("number is too large", 0, 402)
    assert syntax_error("9" * 400 + "%").message == "number is too large"


def test_length_cap():
    parse("1" * MAX_LENGTH)
    error = syntax_error("1" * (MAX_LENGTH + 10))
    assert (
        error.message
        == f"expression is too long ({MAX_LENGTH + 10} characters, at most {MAX_LENGTH})"
    )
    assert (error.offset, error.length) == (MAX_LENGTH, 10)


def test_depth_cap_for_parentheses_calls_and_prefix_chains():
    parse("(" * MAX_DEPTH + "a" + ")" * MAX_DEPTH)
    parse("not " * MAX_DEPTH + "a")
    parse("-" * MAX_DEPTH + "a")
    parse("abs(" * MAX_DEPTH + "a" + ")" * MAX_DEPTH)
    message = f"expression nests too deeply (more than {MAX_DEPTH} levels)"
    for text, offset in [
        ("(" * (MAX_DEPTH + 1) + "a" + ")" * (MAX_DEPTH + 1), MAX_DEPTH),
        ("not " * (MAX_DEPTH + 1) + "a", 4 * MAX_DEPTH),
        ("- " * (MAX_DEPTH + 1) + "a", 2 * MAX_DEPTH),
        ("abs(" * (MAX_DEPTH + 1) + "a" + ")" * (MAX_DEPTH + 1), 4 * MAX_DEPTH + 3),
    ]:
        error = syntax_error(text)
        assert (error.message, error.offset) == (message, offset)


def test_deep_nesting_never_reaches_the_recursion_limit():
    assert syntax_error("(" * 10_000).message.startswith("expression is too long")
    nests = f"expression nests too deeply (more than {MAX_DEPTH} levels)"
    assert syntax_error("(" * MAX_LENGTH).message == nests
    # the depth guard holds on its own, without the length cap in front of it
    with pytest.raises(ExpressionSyntaxError, match="nests too deeply"):
        _parser._Parser("(" * 10_000 + "a" + ")" * 10_000).parse()
    assert syntax_error("-" * 3_999 + "a").offset == MAX_DEPTH
    assert syntax_error("not " * 999 + "a").offset == 4 * MAX_DEPTH


def test_node_cap():
    terms = (MAX_NODES + 1) // 2
    parse(" + ".join(["a"] * terms))  # 2 * terms - 1 == MAX_NODES nodes
    error = syntax_error(" + ".join(["a"] * (terms + 1)))
    assert (
        error.message == f"expression is too large (more than {MAX_NODES} operators and operands)"
    )
    assert (error.offset, error.length) == (4 * terms - 2, 1)


def test_left_deep_chains_at_the_node_cap_parse_without_recursion():
    node = parse(" or ".join(f"x{i}" for i in range((MAX_NODES + 1) // 2)))
    assert isinstance(node, BinaryOp)


def test_integer_literal_beyond_the_int_string_limit():
    if not hasattr(sys, "set_int_max_str_digits"):
        pytest.skip("no int string limit on this Python")
    limit = sys.get_int_max_str_digits()
    sys.set_int_max_str_digits(640)
    try:
        error = syntax_error("1" * 700)
    finally:
        sys.set_int_max_str_digits(limit)
    assert (error.message, error.offset, error.length) == ("integer has too many digits", 0, 700)
