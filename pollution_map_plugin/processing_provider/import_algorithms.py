"""Processing algorithms of this area (filled in by the area's issue)."""

ALGORITHMS: list = []
