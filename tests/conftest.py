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

try:  # property tests: the same examples on every run (a failure is reproducible)
    from hypothesis import settings as _hypothesis_settings

    _hypothesis_settings.register_profile("reproducible", derandomize=True, deadline=None)
    _hypothesis_settings.load_profile("reproducible")
except ImportError:  # pragma: no cover - hypothesis is a test dependency
    pass
