"""Failures the fuzz campaign found, each kept as an explicit case.

A case that still fails is a strict ``xfail`` naming the part that has to change; it turns into
a failure (``xfail_strict``) once the fix lands, and is then made an ordinary test.
"""

from __future__ import annotations

from pathlib import Path

import pytest

import criteriakit

GOOD = (Path(__file__).parents[1] / "data" / "good" / "small.toml").read_text()


@pytest.mark.xfail(
    raises=UnicodeEncodeError,
    reason="the loader accepts text with a lone surrogate and fingerprint() cannot encode it: "
    "loads_framework must refuse such text (it is not valid Unicode) with a FrameworkError",
)
def test_a_lone_surrogate_in_a_framework_is_a_framework_error():
    text = GOOD.replace('title = "Small"', 'title = "\ud800Small"')
    with pytest.raises(criteriakit.FrameworkError) as caught:
        criteriakit.loads_framework(text, source="surrogate.toml")
    assert caught.value.problems[0].file == "surrogate.toml"
