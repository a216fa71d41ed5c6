"""The model: framework definitions, scorer specifications, results, as frozen value objects."""
