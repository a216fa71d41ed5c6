"""The installed version of criteriakit."""

__version__ = "0.1.0.dev0"
