"""Durable comparison jobs: a SQLite store and an in-process runner by default, or a
PostgreSQL store, a Procrastinate queue and ``parallax worker`` processes
(backend.py chooses)."""
