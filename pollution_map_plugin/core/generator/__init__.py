"""Synthetic, deterministic demo databases (pure generation plus a database build)."""
