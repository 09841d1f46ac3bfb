"""Shared pytest configuration: fixtures live in tests/fixtures/, one module per area."""

pytest_plugins = [
    "tests.fixtures.paths",
    "tests.fixtures.demo",
    "tests.fixtures.old_schema",
    "tests.fixtures.postgis",
    "tests.fixtures.browser",
    "tests.fixtures.plugin",
    "tests.fixtures.real_network",
]
