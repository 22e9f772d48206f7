"""Parallax: multi-article summarization and claim-level comparison."""

__version__ = "0.1.0"
