"""``plugin_errors``: the one place a plugin's exception becomes a ``PluginError``."""

from __future__ import annotations

import pytest

from criteriakit.errors import DataError, FrameworkError, PluginError, Problem, plugin_errors


def test_a_foreign_exception_names_its_type_the_plugin_distribution_and_hook():
    with pytest.raises(PluginError) as caught, plugin_errors("acme", "acme-rules 1.0", "h"):
        raise ValueError("bad value")
    error = caught.value
    assert (
        str(error)
        == "plugin 'acme' (distribution acme-rules 1.0), hook h: raised ValueError: bad value"
    )
    assert (error.plugin, error.distribution, error.hook) == ("acme", "acme-rules 1.0", "h")
    assert isinstance(error.__cause__, ValueError)


def test_what_the_plugin_was_doing_replaces_raised():
    expected = r"^plugin 'p': failed to import 'm:x': ImportError: no$"
    with (
        pytest.raises(PluginError, match=expected),
        plugin_errors("p", doing="failed to import 'm:x':"),
    ):
        raise ImportError("no")


def test_a_criteriakit_error_keeps_its_message():
    with pytest.raises(PluginError) as caught, plugin_errors("p", hook="h"):
        raise FrameworkError([Problem("wrong")])
    assert str(caught.value) == "plugin 'p', hook h: 1 problem:\nwrong"


@pytest.mark.parametrize(
    "error", [DataError([Problem("a row")]), PluginError("already", plugin="other")]
)
def test_data_and_plugin_errors_pass_through(error):
    with pytest.raises(type(error)) as caught, plugin_errors("p", hook="h"):
        raise error
    assert caught.value is error


def test_nothing_raised_is_nothing_reported():
    with plugin_errors("p"):
        value = 1
    assert value == 1
