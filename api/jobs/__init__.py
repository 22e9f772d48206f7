"""Durable comparison jobs: a SQLite store and an in-process runner."""
