"""Sub-commands of this area (filled in by the area's issue)."""


def register(subparsers) -> None:
    """Add this area's sub-commands to ``subparsers``."""
