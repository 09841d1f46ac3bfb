"""Command line over the core: ``python -m pollution_map_plugin …``."""
